// Package linalg holds linear-algebra plumbing shared by neuronb's science
// packages: which BLAS implementation gonum uses.
//
// By default gonum runs its pure-Go BLAS, which always works. Built with the
// `openblas` build tag (cgo; the package links libopenblas itself), importing
// this package switches gonum's float64 and float32 BLAS to OpenBLAS through
// gonum.org/v1/netlib, which is several times faster for large matrix
// products. Packages with heavy matrix work import linalg so that the switch
// happens whenever the tag is set. The default kernelspec sets the tag where
// OpenBLAS is installed, with the OPENBLAS_CORETYPE that install's probe
// found fastest among those computing correctly; Core reports what runs.
package linalg
