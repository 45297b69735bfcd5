package linalg_test

import (
	"fmt"

	"github.com/neuronb/neuronb/neuro/linalg"
)

// The BLAS in use depends on the build: pure Go unless built with
// -tags openblas.
func ExampleBLAS() {
	switch linalg.BLAS() {
	case "gonum", "openblas":
		fmt.Println("ok")
	}
	// Output: ok
}
