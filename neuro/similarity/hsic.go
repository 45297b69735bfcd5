package similarity

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// gramStats holds the quantities every HSIC estimator needs from a pair of
// centred representations: tr(K L) and the diagonals of K and L.
type gramStats struct {
	p          float64
	trKL       float64
	diagK      []float64
	diagL      []float64
	trK, trL   float64
	trKK, trLL float64
}

func newGramStats(xc, yc *mat.Dense) gramStats {
	p, _ := xc.Dims()
	s := gramStats{p: float64(p), diagK: rowNorms2(xc), diagL: rowNorms2(yc)}
	if useGramForm(xc, yc) {
		k, l := gramOf(xc), gramOf(yc)
		s.trKL, s.trKK, s.trLL = frobDot(k, l), frobDot(k, k), frobDot(l, l)
	} else {
		_, nx := xc.Dims()
		_, ny := yc.Dims()
		xy := mat.NewDense(nx, ny, nil)
		xy.Mul(xc.T(), yc)
		cx, cy := covOf(xc), covOf(yc)
		s.trKL, s.trKK, s.trLL = frobDot(xy, xy), frobDot(cx, cx), frobDot(cy, cy)
	}
	for i := range s.diagK {
		s.trK += s.diagK[i]
		s.trL += s.diagL[i]
	}
	return s
}

func rowNorms2(x *mat.Dense) []float64 {
	p, n := x.Dims()
	raw := x.RawMatrix()
	out := make([]float64, p)
	for i := 0; i < p; i++ {
		for _, v := range raw.Data[i*raw.Stride : i*raw.Stride+n] {
			out[i] += v * v
		}
	}
	return out
}

// HSIC returns Gretton's biased empirical Hilbert–Schmidt independence
// criterion with linear kernels, tr(K H L H) / (P−1)², where H centres over
// stimuli (here K and L are built from centred data, so H K H = K).
func HSIC(x, y mat.Matrix) (float64, error) {
	xc, yc, err := centeredPair(x, y)
	if err != nil {
		return 0, err
	}
	s := newGramStats(xc, yc)
	return s.trKL / sq(s.p-1), nil
}

// DebiasedHSIC returns the unbiased estimator of Song et al. (2012):
//
//	HSIC₁ = [tr(K̃L̃) + 1ᵀK̃1·1ᵀL̃1/((P−1)(P−2)) − 2/(P−2)·1ᵀK̃L̃1] / (P(P−3)),
//
// where K̃, L̃ are the Gram matrices of the centred data with their
// diagonals set to zero. It needs P >= 4 stimuli.
func DebiasedHSIC(x, y mat.Matrix) (float64, error) {
	xc, yc, err := centeredPair(x, y)
	if err != nil {
		return 0, err
	}
	if p, _ := xc.Dims(); p < 4 {
		return 0, fmt.Errorf("similarity: debiased HSIC needs at least 4 stimuli, X and Y have %d", p)
	}
	s := newGramStats(xc, yc)
	return s.debiased(s.trKL, s.diagK, s.diagL, s.trK, s.trL), nil
}

// debiased evaluates HSIC₁ for centred data, where K1 = 0 so that
// 1ᵀK̃1 = −tr K and K̃1 = −diag K.
func (s gramStats) debiased(trKL float64, dk, dl []float64, trK, trL float64) float64 {
	p := s.p
	var dkl float64
	for i := range dk {
		dkl += dk[i] * dl[i]
	}
	trTilde := trKL - dkl
	return (trTilde + trK*trL/((p-1)*(p-2)) - 2/(p-2)*dkl) / (p * (p - 3))
}

// DebiasedCKA returns HSIC₁(K,L) / sqrt(HSIC₁(K,K) HSIC₁(L,L)), linear CKA
// built on the unbiased HSIC estimator (Kornblith et al.'s "debiased" CKA).
// It can be negative or exceed 1 by sampling error.
func DebiasedCKA(x, y mat.Matrix) (float64, error) {
	xc, yc, err := centeredPair(x, y)
	if err != nil {
		return 0, err
	}
	if p, _ := xc.Dims(); p < 4 {
		return 0, fmt.Errorf("similarity: debiased CKA needs at least 4 stimuli, X and Y have %d", p)
	}
	s := newGramStats(xc, yc)
	kl := s.debiased(s.trKL, s.diagK, s.diagL, s.trK, s.trL)
	kk := s.debiased(s.trKK, s.diagK, s.diagK, s.trK, s.trK)
	ll := s.debiased(s.trLL, s.diagL, s.diagL, s.trL, s.trL)
	if kk <= 0 || ll <= 0 {
		return 0, fmt.Errorf("similarity: debiased self-HSIC is not positive (X: %.3g, Y: %.3g); too few stimuli for this estimator", kk, ll)
	}
	return kl / math.Sqrt(kk*ll), nil
}
