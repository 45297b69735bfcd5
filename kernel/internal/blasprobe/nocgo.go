//go:build !(openblas && cgo)

// Command blasprobe needs OpenBLAS: build it with -tags openblas and cgo.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "blasprobe: built without OpenBLAS; build with -tags openblas (cgo, libopenblas-dev)")
	os.Exit(2)
}
