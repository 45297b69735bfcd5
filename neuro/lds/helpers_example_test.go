package lds_test

import (
	"math"
	"math/cmplx"
)

func sqrt(x float64) float64   { return math.Sqrt(x) }
func abs(z complex128) float64 { return cmplx.Abs(z) }
