// Package kernelspec installs and checks the `neuronb` Jupyter kernel: the
// pinned GoNB kernel binary running cells in a Go workspace that `use`s this
// repository, so that notebooks import github.com/neuronb/neuronb/... with no
// `go get`, also with the network off.
//
// It is the library behind `go run ./kernel install|warm|doctor`; the
// headless notebook runner lives in package nbrun.
//
// A kernelspec is static JSON, so everything a cell needs is decided at
// install time and written into it: the absolute paths of the pinned gonb,
// goimports and gopls binaries (GoNB finds the last two on PATH), the
// repository for GoNB's -go_work flag, and a GOPROXY that lists the local
// module download cache first (file://$GOMODCACHE/cache/download) so that
// the `go get` GoNB runs for each cell resolves from disk.
package kernelspec
