package linalg

// BLAS reports which BLAS implementation gonum uses in this binary:
// "openblas" when built with the openblas tag, "gonum" (pure Go) otherwise.
func BLAS() string { return blasName }
