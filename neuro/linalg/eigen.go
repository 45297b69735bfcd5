package linalg

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// EigenSym returns the eigendecomposition of the symmetric n×n matrix a,
//
//	a = V diag(λ) Vᵀ,  VᵀV = I,
//
// with the eigenvalues λ₁ ≥ λ₂ ≥ … ≥ λₙ in descending order (the order of a
// spectrum or of principal components) and the unit eigenvector of λᵢ in
// column i of vecs. The sign of each eigenvector is arbitrary.
//
// a must be square, finite and symmetric (|a_ij − a_ji| ≤ 1e-10·max|a|); it
// is not modified. The solver is LAPACK's dsyevr (MRRR) from OpenBLAS when
// the package is built with the openblas tag and cgo, and gonum's pure-Go
// Dsyev (implicit QL/QR) otherwise; EigenSolver names the one in use.
func EigenSym(a mat.Matrix) (vals []float64, vecs *mat.Dense, err error) {
	buf, n, err := symmetricCopy(a)
	if err != nil {
		return nil, nil, err
	}
	if n == 0 {
		return nil, &mat.Dense{}, nil
	}
	return eigenSymInPlace(buf, n)
}

// EigenSolver names the dense symmetric eigensolver EigenSym uses.
func EigenSolver() string { return eigenSolver }

// symmetricCopy validates a and returns its entries in a fresh row-major
// n×n buffer.
func symmetricCopy(a mat.Matrix) ([]float64, int, error) {
	if a == nil {
		return nil, 0, fmt.Errorf("linalg: EigenSym: the matrix is nil")
	}
	r, c := a.Dims()
	if r != c {
		return nil, 0, fmt.Errorf("linalg: EigenSym: the matrix is %d×%d; it must be square", r, c)
	}
	n := r
	buf := make([]float64, n*n)
	var top float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			v := a.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, 0, fmt.Errorf("linalg: EigenSym: entry (%d, %d) of the %d×%d matrix is %v", i, j, n, n, v)
			}
			buf[i*n+j] = v
			top = math.Max(top, math.Abs(v))
		}
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if d := math.Abs(buf[i*n+j] - buf[j*n+i]); d > 1e-10*top {
				return nil, 0, fmt.Errorf("linalg: EigenSym: the %d×%d matrix is not symmetric: entries (%d, %d) = %v and (%d, %d) = %v differ",
					n, n, i, j, buf[i*n+j], j, i, buf[j*n+i])
			}
		}
	}
	return buf, n, nil
}

// EigenSymInPlace is EigenSym for a symmetric matrix whose storage may be
// used as work space: a must be a square *mat.Dense with both triangles
// filled, and its contents are destroyed. It skips EigenSym's checks and
// copy; callers that built a themselves (a Gram matrix, say) use it in hot
// loops. It fails only when the solver does not converge.
func EigenSymInPlace(a *mat.Dense) (vals []float64, vecs *mat.Dense, err error) {
	n, c := a.Dims()
	if n != c {
		return nil, nil, fmt.Errorf("linalg: EigenSymInPlace: the matrix is %d×%d; it must be square", n, c)
	}
	if n == 0 {
		return nil, &mat.Dense{}, nil
	}
	raw := a.RawMatrix()
	buf := raw.Data
	if raw.Stride != n {
		buf = make([]float64, n*n)
		for i := 0; i < n; i++ {
			copy(buf[i*n:(i+1)*n], raw.Data[i*raw.Stride:i*raw.Stride+n])
		}
	}
	return eigenSymInPlace(buf, n)
}
