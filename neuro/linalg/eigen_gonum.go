//go:build !openblas || !cgo

package linalg

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"
)

const eigenSolver = "gonum Dsyev"

// eigenSymInPlace diagonalises the row-major symmetric n×n matrix in buf
// with gonum's pure-Go Dsyev (QL/QR iteration); buf receives the
// eigenvectors.
func eigenSymInPlace(buf []float64, n int) ([]float64, *mat.Dense, error) {
	w := make([]float64, n)
	var impl gonum.Implementation
	work := []float64{0}
	impl.Dsyev(lapack.EVCompute, blas.Upper, n, buf, n, w, work, -1)
	work = make([]float64, int(work[0]))
	if !impl.Dsyev(lapack.EVCompute, blas.Upper, n, buf, n, w, work, len(work)) {
		return nil, nil, fmt.Errorf("linalg: EigenSym: the QL/QR iteration did not converge for the %d×%d matrix", n, n)
	}
	// Dsyev returns ascending eigenvalues with eigenvector j in column j.
	vals := make([]float64, n)
	for i := range w {
		vals[i] = w[n-1-i]
	}
	for i := 0; i < n; i++ {
		row := buf[i*n : (i+1)*n]
		for l, r := 0, n-1; l < r; l, r = l+1, r-1 {
			row[l], row[r] = row[r], row[l]
		}
	}
	return vals, mat.NewDense(n, n, buf), nil
}
