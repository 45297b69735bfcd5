//go:build openblas && cgo

package linalg

/*
#cgo LDFLAGS: -lopenblas
extern char* openblas_get_corename(void);
*/
import "C"

// Core names the CPU kernels OpenBLAS runs: the core type it detected, or
// the one OPENBLAS_CORETYPE forced (e.g. "SkylakeX", "Haswell"). The cgo
// directive above also links libopenblas, so `go test -tags openblas` needs
// no CGO_LDFLAGS.
func Core() string { return C.GoString(C.openblas_get_corename()) }
