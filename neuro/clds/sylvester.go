package clds

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// SolveSylvester returns the P×K matrix W solving
//
//	G W + Λ W S = H
//
// for a symmetric positive semi-definite G (P×P), a non-negative diagonal
// Λ = diag(prec) and a symmetric positive-definite S (K×K). This is the
// MAP of a multi-output regression with second moments G = Σ z zᵀ,
// H = Σ z yᵀ, noise covariance S and iid N(0, 1/prec_p) priors on the
// entries of row p of W. With S = V diag(μ) Vᵀ (gonum EigenSym, no Schur form needed),
// each column j of W V solves the positive-definite system
// (G + μ_j Λ) w′_j = (H V)_j by Cholesky; without a prior one Cholesky of
// G serves all columns. The relative residual ‖G W + Λ W S − H‖/‖H‖ is
// returned so callers can reject an ill-conditioned solve.
func SolveSylvester(g *mat.SymDense, prec []float64, s *mat.SymDense, h *mat.Dense) (*mat.Dense, float64, error) {
	p := g.SymmetricDim()
	k := s.SymmetricDim()
	if r, c := h.Dims(); r != p || c != k {
		return nil, 0, fmt.Errorf("clds: SolveSylvester: H is %d×%d, want %d×%d", r, c, p, k)
	}
	if len(prec) != p {
		return nil, 0, fmt.Errorf("clds: SolveSylvester: prec has length %d, want %d", len(prec), p)
	}
	anyPrior := false
	for i, v := range prec {
		if v < 0 || math.IsNaN(v) {
			return nil, 0, fmt.Errorf("clds: SolveSylvester: prec[%d]=%v, want >= 0", i, v)
		}
		if v > 0 {
			anyPrior = true
		}
	}
	w := mat.NewDense(p, k, nil)
	if !anyPrior {
		var ch mat.Cholesky
		if !ch.Factorize(g) {
			return nil, 0, fmt.Errorf("clds: regressor second-moment matrix is singular (a parameter is not determined by the data; add a prior)")
		}
		if err := ch.SolveTo(w, h); err != nil {
			return nil, 0, err
		}
	} else {
		var eig mat.EigenSym
		if !eig.Factorize(s, true) {
			return nil, 0, fmt.Errorf("clds: eigendecomposition of the noise covariance failed")
		}
		mu := eig.Values(nil)
		var v mat.Dense
		eig.VectorsTo(&v)
		var hv mat.Dense
		hv.Mul(h, &v)
		wp := mat.NewDense(p, k, nil)
		sys := mat.NewSymDense(p, nil)
		col := mat.NewVecDense(p, nil)
		var ch mat.Cholesky
		for j := 0; j < k; j++ {
			sys.CopySym(g)
			for i := 0; i < p; i++ {
				sys.SetSym(i, i, sys.At(i, i)+mu[j]*prec[i])
			}
			if !ch.Factorize(sys) {
				return nil, 0, fmt.Errorf("clds: Sylvester system for output %d is not positive definite", j)
			}
			if err := ch.SolveVecTo(col, hv.ColView(j)); err != nil {
				return nil, 0, err
			}
			wp.SetCol(j, col.RawVector().Data)
		}
		w.Mul(wp, v.T())
	}
	// Residual check.
	var gw, ws mat.Dense
	gw.Mul(g, w)
	ws.Mul(w, s)
	for i := 0; i < p; i++ {
		for j := 0; j < k; j++ {
			gw.Set(i, j, gw.At(i, j)+prec[i]*ws.At(i, j)-h.At(i, j))
		}
	}
	hn := mat.Norm(h, 2)
	res := mat.Norm(&gw, 2)
	if hn > 0 {
		res /= hn
	}
	return w, res, nil
}
