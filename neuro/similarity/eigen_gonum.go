//go:build !openblas || !cgo

package similarity

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"
)

// eigenBackend names the dense symmetric eigensolver in use.
const eigenBackend = "gonum Dsyev"

// symEigenAll diagonalises a with gonum's pure-Go Dsyev (QL/QR iteration).
func symEigenAll(a *mat.Dense) ([]float64, *mat.Dense) {
	n, _ := a.Dims()
	raw := a.RawMatrix()
	w := make([]float64, n)
	var impl gonum.Implementation
	work := []float64{0}
	impl.Dsyev(lapack.EVCompute, blas.Upper, n, raw.Data, raw.Stride, w, work, -1)
	work = make([]float64, int(work[0]))
	if !impl.Dsyev(lapack.EVCompute, blas.Upper, n, raw.Data, raw.Stride, w, work, len(work)) {
		panic("similarity: symmetric eigendecomposition did not converge")
	}
	return reverseEigen(w, a)
}
