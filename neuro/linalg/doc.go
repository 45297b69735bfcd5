// Package linalg holds linear-algebra plumbing shared by neuronb's science
// packages: which BLAS implementation gonum uses, and the dense symmetric
// eigensolver.
//
// By default gonum runs its pure-Go BLAS, which always works. Built with the
// `openblas` build tag (cgo; the package links libopenblas itself), importing
// this package switches gonum's float64 and float32 BLAS to OpenBLAS through
// gonum.org/v1/netlib, which is several times faster for large matrix
// products. Packages with heavy matrix work import linalg so that the switch
// happens whenever the tag is set. The default kernelspec sets the tag where
// OpenBLAS is installed, with the OPENBLAS_CORETYPE that install's probe
// found fastest among those computing correctly; Core reports what runs.
//
// EigenSym diagonalises a symmetric matrix with eigenvalues in descending
// order. Under the same tag it calls LAPACK's dsyevr from OpenBLAS (MRRR,
// the driver SciPy offers); without it, gonum's pure-Go Dsyev. EigenSolver
// names the one in use.
package linalg
