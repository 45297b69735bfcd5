// Package linalg holds linear-algebra plumbing shared by neuronb's science
// packages: which BLAS implementation gonum uses.
//
// By default gonum runs its pure-Go BLAS, which always works. Built with the
// `openblas` build tag (and CGO_LDFLAGS naming libopenblas, as install.sh
// sets up in the kernelspec), importing this package switches gonum's
// float64 and float32 BLAS to OpenBLAS through gonum.org/v1/netlib, which is
// several times faster for large matrix products. Packages with heavy matrix
// work import linalg so that the switch happens whenever the tag is set.
package linalg
