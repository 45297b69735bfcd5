package clds

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Transform returns the equivalent model in the latent coordinates
// x′ = S x for an invertible D×D matrix S:
//
//	A′(u) = S A(u) S⁻¹,  b′(u) = S b(u),  C′(u) = C(u) S⁻¹,
//	m0′(u) = S m0(u),    Q′ = S Q Sᵀ,     S0′ = S S0 Sᵀ
//
// (d and R are unchanged). Every GP block is transformed alike, so the
// identities hold at every u. The likelihood p(Y | U) is unchanged; the GP
// prior on the weights is not invariant under S, so the transformed model
// is for analysis and comparison, not for refitting.
func (m *Model) Transform(s mat.Matrix) (*Model, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if s == nil {
		return nil, fmt.Errorf("clds: Transform: S is nil")
	}
	d := m.Config.Latent
	if r, c := s.Dims(); r != d || c != d {
		return nil, fmt.Errorf("clds: Transform: S is %d×%d, want D×D = %d×%d", r, c, d, d)
	}
	var si mat.Dense
	if err := si.Inverse(s); err != nil {
		return nil, fmt.Errorf("clds: Transform: S is singular or ill-conditioned: %w", err)
	}
	out := m.Clone()
	w := &out.Weights
	n := m.N
	var t mat.Dense
	for l := 0; l < len(w.A)/(d*d); l++ {
		blk := mat.NewDense(d, d, w.A[l*d*d:(l+1)*d*d])
		t.Reset()
		t.Mul(s, blk)
		blk.Mul(&t, &si)
	}
	for l := 0; l < len(w.C)/(n*d); l++ {
		blk := mat.NewDense(n, d, w.C[l*n*d:(l+1)*n*d])
		t.Reset()
		t.Mul(blk, &si)
		blk.Copy(&t)
	}
	for _, vs := range [][]float64{w.B, w.M0} {
		for l := 0; l < len(vs)/d; l++ {
			v := mat.NewVecDense(d, vs[l*d:(l+1)*d])
			var tv mat.VecDense
			tv.MulVec(s, v)
			v.CopyVec(&tv)
		}
	}
	for _, cov := range []*[]float64{&w.Q, &w.S0} {
		var c mat.Dense
		t.Reset()
		t.Mul(s, mat.NewDense(d, d, *cov))
		c.Mul(&t, s.T())
		*cov = c.RawMatrix().Data
		symmetrizeFlat(*cov, d)
	}
	return out, nil
}

// AlignTo returns m in the latent coordinates whose loadings best match
// reference loadings ref (N×D), for instance a simulation's true C: the
// model transformed by x′ = S x (see Transform) with
//
//	S⁻¹ = argmin_M ‖C(u) M − ref‖_F = (C(u)ᵀC(u))⁻¹ C(u)ᵀ ref,
//
// so that C′(u) = C(u) S⁻¹ is the least-squares fit of ref. Latent
// coordinates are arbitrary (the likelihood is invariant under S), so A(u)
// and b(u) of a fit can only be compared with a ground truth after such an
// alignment. u is the condition at which C is evaluated; it is ignored when
// C is static and may then be nil.
func (m *Model) AlignTo(ref mat.Matrix, u []float64) (*Model, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if ref == nil {
		return nil, fmt.Errorf("clds: AlignTo: ref is nil")
	}
	d := m.Config.Latent
	if r, c := ref.Dims(); r != m.N || c != d {
		return nil, fmt.Errorf("clds: AlignTo: ref is %d×%d, want N×D = %d×%d", r, c, m.N, d)
	}
	if m.Config.C.expanded() {
		if len(u) != m.Config.Conditions() {
			return nil, fmt.Errorf("clds: AlignTo: C depends on the condition; u has length %d, want %d", len(u), m.Config.Conditions())
		}
	}
	var sInv mat.Dense
	if err := sInv.Solve(m.C(u), ref); err != nil {
		return nil, fmt.Errorf("clds: AlignTo: loadings C are rank deficient: %w", err)
	}
	var s mat.Dense
	if err := s.Inverse(&sInv); err != nil {
		return nil, fmt.Errorf("clds: AlignTo: ref does not determine the latent coordinates (singular map): %w", err)
	}
	return m.Transform(&s)
}
