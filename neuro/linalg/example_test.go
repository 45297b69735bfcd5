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

// Core names OpenBLAS's CPU kernels (e.g. "SkylakeX") when OpenBLAS is in
// use, and is empty with pure Go.
func ExampleCore() {
	fmt.Println(linalg.Core() != "" == (linalg.BLAS() == "openblas"))
	// Output: true
}
