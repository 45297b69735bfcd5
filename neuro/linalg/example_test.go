package linalg_test

import (
	"fmt"
	"log"
	"math"

	"gonum.org/v1/gonum/mat"

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

// The eigenvalues of a symmetric matrix come in descending order, with
// unit eigenvectors as columns.
func ExampleEigenSym() {
	a := mat.NewSymDense(2, []float64{
		2, 1,
		1, 2,
	})
	vals, vecs, err := linalg.EigenSym(a)
	if err != nil {
		log.Fatal(err)
	}
	v := mat.Col(nil, 0, vecs)
	fmt.Printf("λ = %.3f; first eigenvector ∝ (%.3f, %.3f)\n", vals, math.Abs(v[0]), math.Abs(v[1]))
	// Output: λ = [3.000 1.000]; first eigenvector ∝ (0.707, 0.707)
}
