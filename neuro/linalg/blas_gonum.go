//go:build !openblas

package linalg

const blasName = "gonum"
