//go:build !(openblas && cgo)

package linalg

// Core names the CPU kernels OpenBLAS runs; it is empty when gonum's
// pure-Go BLAS is in use.
func Core() string { return "" }
