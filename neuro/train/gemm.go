package train

import (
	"unsafe"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// gemm computes C = op(A)·op(B) + beta·C for row-major matrices through
// gonum's BLAS (pure Go, or OpenBLAS under the openblas build tag):
// op(A) is m×k, op(B) is k×n, C is m×n, and lda, ldb, ldc are the row
// strides of the stored matrices. float64 goes to Dgemm, float32 to Sgemm.
func gemm[T Float](transA, transB bool, m, n, k int, a []T, lda int, b []T, ldb int, beta float64, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	ta, tb := blas.NoTrans, blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	if transB {
		tb = blas.Trans
	}
	var zero T
	if unsafe.Sizeof(zero) == 8 {
		blas64.Implementation().Dgemm(ta, tb, m, n, k, 1, f64(a), lda, f64(b), ldb, beta, f64(c), ldc)
		return
	}
	blas32.Implementation().Sgemm(ta, tb, m, n, k, 1, f32(a), lda, f32(b), ldb, float32(beta), f32(c), ldc)
}

// f64 and f32 view a slice of a Float type as the underlying float type
// (Float's types are float64 or float32 underneath, so the layouts agree).
func f64[T Float](x []T) []float64 {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(&x[0])), len(x))
}

func f32[T Float](x []T) []float32 {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&x[0])), len(x))
}
