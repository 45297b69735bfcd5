//go:build openblas && cgo

package linalg

/*
#cgo LDFLAGS: -lopenblas
#include <stddef.h>
extern void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n,
	double *a, const int *lda, const double *vl, const double *vu, const int *il, const int *iu,
	const double *abstol, int *m, double *w, double *z, const int *ldz, int *isuppz,
	double *work, const int *lwork, int *iwork, const int *liwork, int *info,
	size_t, size_t, size_t);
*/
import "C"

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

const eigenSolver = "OpenBLAS LAPACK dsyevr"

// eigenSymInPlace diagonalises the row-major symmetric n×n matrix in buf
// with LAPACK's dsyevr (MRRR) from OpenBLAS, the driver SciPy also offers.
// A row-major symmetric matrix is its own column-major transpose, so buf
// goes to LAPACK as it is; the column-major eigenvector matrix comes back
// with eigenvector j in row j of z.
func eigenSymInPlace(buf []float64, n int) ([]float64, *mat.Dense, error) {
	jobz, rng, uplo := C.char('V'), C.char('A'), C.char('L')
	cn := C.int(n)
	var vl, vu, abstol C.double
	var il, iu, m, info C.int
	w := make([]float64, n)
	z := make([]float64, n*n)
	isuppz := make([]C.int, 2*n)
	lwork, liwork := C.int(-1), C.int(-1)
	var wq C.double
	var iwq C.int
	C.dsyevr_(&jobz, &rng, &uplo, &cn, (*C.double)(&buf[0]), &cn, &vl, &vu, &il, &iu, &abstol,
		&m, (*C.double)(&w[0]), (*C.double)(&z[0]), &cn, &isuppz[0], &wq, &lwork, &iwq, &liwork, &info, 1, 1, 1)
	if info != 0 {
		return nil, nil, fmt.Errorf("linalg: EigenSym: LAPACK dsyevr workspace query failed for the %d×%d matrix (info %d)", n, n, int(info))
	}
	lwork, liwork = C.int(wq), iwq
	work := make([]float64, int(lwork))
	iwork := make([]C.int, int(liwork))
	C.dsyevr_(&jobz, &rng, &uplo, &cn, (*C.double)(&buf[0]), &cn, &vl, &vu, &il, &iu, &abstol,
		&m, (*C.double)(&w[0]), (*C.double)(&z[0]), &cn, &isuppz[0], (*C.double)(&work[0]), &lwork,
		&iwork[0], &liwork, &info, 1, 1, 1)
	if info != 0 {
		return nil, nil, fmt.Errorf("linalg: EigenSym: LAPACK dsyevr failed for the %d×%d matrix (info %d)", n, n, int(info))
	}
	vals := make([]float64, n)
	vecs := mat.NewDense(n, n, nil)
	vr := vecs.RawMatrix()
	for c := 0; c < n; c++ {
		vals[c] = w[n-1-c]
		src := z[(n-1-c)*n : (n-c)*n]
		for i, v := range src {
			vr.Data[i*vr.Stride+c] = v
		}
	}
	return vals, vecs, nil
}
