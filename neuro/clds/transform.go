package clds

import (
	"fmt"
	"math"

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
	return m.TransformAffine(s, nil)
}

// TransformAffine returns the equivalent model in the latent coordinates
// x′ = S x + c: Transform's identities, with the translation moving the
// offsets,
//
//	b′(u) = S b(u) + (I − A′(u)) c,  d′(u) = d(u) − C′(u) c,  m0′(u) = S m0(u) + c.
//
// The likelihood is unchanged. A nil or zero c is Transform. A non-zero c
// must be representable: b must depend on u whenever A does (and d
// whenever C does), a constant must be representable in the basis of an
// expanded offset (ConstantBasis) and b, d and m0 must not be Zero.
func (m *Model) TransformAffine(s mat.Matrix, c mat.Vector) (*Model, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if s == nil {
		return nil, fmt.Errorf("clds: Transform: S is nil")
	}
	d, n := m.Config.Latent, m.N
	if r, cols := s.Dims(); r != d || cols != d {
		return nil, fmt.Errorf("clds: Transform: S is %d×%d, want D×D = %d×%d", r, cols, d, d)
	}
	if c != nil && c.Len() != d {
		return nil, fmt.Errorf("clds: TransformAffine: c has length %d, want D=%d", c.Len(), d)
	}
	var si mat.Dense
	if err := si.Inverse(s); err != nil {
		return nil, fmt.Errorf("clds: Transform: S is singular or ill-conditioned: %w", err)
	}
	out := m.Clone()
	w := &out.Weights
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
		var cv mat.Dense
		t.Reset()
		t.Mul(s, mat.NewDense(d, d, *cov))
		cv.Mul(&t, s.T())
		*cov = cv.RawMatrix().Data
		symmetrizeFlat(*cov, d)
	}
	if c == nil || mat.Norm(c, math.Inf(1)) == 0 {
		return out, nil
	}
	if err := out.translate(mat.VecDenseCopyOf(c).RawVector().Data); err != nil {
		return nil, fmt.Errorf("clds: TransformAffine: %w", err)
	}
	return out, nil
}

// translate applies x′ = x + c to m's offsets (A and C already in the new
// coordinates): b′ = b + (I − A)c, d′ = d − C c, m0′ = m0 + c.
func (m *Model) translate(c []float64) error {
	cfg, d, n := m.Config, m.Config.Latent, m.N
	w := &m.Weights
	// b′_l = b_l − A_l c for the feature l shared with A, plus c on the
	// constant.
	if err := m.addLinear("b", cfg.B, w.B, cfg.A, w.A, c, d, d, -1); err != nil {
		return err
	}
	if err := m.addConstant("b", cfg.B, w.B, c); err != nil {
		return err
	}
	if err := m.addLinear("d", cfg.D, w.D, cfg.C, w.C, c, n, d, -1); err != nil {
		return err
	}
	return m.addConstant("m0", cfg.M0, w.M0, c)
}

// addLinear adds sign·F_l c to the offset weights off (kind ko, blocks of
// out) for each block l of the matrix weights f (kind kf, out×D blocks).
func (m *Model) addLinear(name string, ko Kind, off []float64, kf Kind, f, c []float64, out, d int, sign float64) error {
	if ko == Zero || (kf.expanded() && !ko.expanded()) {
		return fmt.Errorf("%s is %v, so it cannot absorb the change of its matrix (%v) under a translation", name, ko, kf)
	}
	fw := m.Config.features(kf)
	var one []float64
	if ko.expanded() && kf == Static {
		var err error
		if one, err = m.constantWeights(name); err != nil {
			return err
		}
	}
	for l := 0; l < fw; l++ {
		fc := make([]float64, out)
		mulFlat(fc, f[l*out*d:(l+1)*out*d], c, out, d)
		if one == nil {
			for i, v := range fc {
				off[l*out+i] += sign * v
			}
			continue
		}
		for k, wk := range one {
			for i, v := range fc {
				off[k*out+i] += sign * wk * v
			}
		}
	}
	return nil
}

// addConstant adds the constant vector c to the offset weights off.
func (m *Model) addConstant(name string, k Kind, off, c []float64) error {
	switch k {
	case Zero:
		return fmt.Errorf("%s is zero, so it cannot absorb a translation", name)
	case Static:
		for i, v := range c {
			off[i] += v
		}
		return nil
	}
	one, err := m.constantWeights(name)
	if err != nil {
		return err
	}
	size := len(c)
	for l, wl := range one {
		for i, v := range c {
			off[l*size+i] += wl * v
		}
	}
	return nil
}

func (m *Model) constantWeights(name string) ([]float64, error) {
	cb, ok := m.Config.Basis.(ConstantBasis)
	if !ok {
		return nil, fmt.Errorf("%s depends on u through a basis (%T) that does not say how to represent a constant (ConstantBasis)", name, m.Config.Basis)
	}
	return cb.ConstantWeights(), nil
}

// mulFlat sets dst = a x for a row-major r×c matrix a.
func mulFlat(dst, a, x []float64, r, c int) {
	for i := 0; i < r; i++ {
		var s float64
		for k := 0; k < c; k++ {
			s += a[i*c+k] * x[k]
		}
		dst[i] = s
	}
}

// AlignTo returns m in the latent coordinates of ref, for instance a
// simulation's truth (Ring.Model): the model transformed by x′ = S x + c
// (see TransformAffine) in which its emissions best match ref's at
// condition u. Since y = C x + d = ref.C (S x + c) + ref.D exactly when
// C = ref.C S and d = ref.D + ref.C c,
//
//	[S c] = argmin ‖ref.C(u) [S c] − [C(u), d(u) − ref.D(u)]‖_F
//
// by least squares. Latent coordinates are arbitrary up to such an affine
// map (the likelihood is invariant under it), so A(u), b(u) and the
// latents themselves can only be compared with a ground truth after an
// alignment; the translation matters as soon as d is fitted (a linear
// alignment alone leaves the latents offset and b(u) off by (I − A(u))c).
// u is the condition at which C and d are evaluated; it may be nil when
// neither model's C or d depends on the condition.
func (m *Model) AlignTo(ref *Model, u []float64) (*Model, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if ref == nil {
		return nil, fmt.Errorf("clds: AlignTo: ref is nil")
	}
	if err := ref.Validate(); err != nil {
		return nil, fmt.Errorf("clds: AlignTo: ref: %w", err)
	}
	d, n := m.Config.Latent, m.N
	if ref.Config.Latent != d || ref.N != n {
		return nil, fmt.Errorf("clds: AlignTo: ref has D=%d, N=%d, the model D=%d, N=%d", ref.Config.Latent, ref.N, d, n)
	}
	for _, x := range []*Model{m, ref} {
		if (x.Config.C.expanded() || x.Config.D.expanded()) && len(u) != x.Config.Conditions() {
			return nil, fmt.Errorf("clds: AlignTo: C or d depends on the condition; u has length %d, want %d", len(u), x.Config.Conditions())
		}
	}
	target := mat.NewDense(n, d+1, nil)
	target.Slice(0, n, 0, d).(*mat.Dense).Copy(m.C(u))
	var dd mat.VecDense
	dd.SubVec(m.D(u), ref.D(u))
	target.SetCol(d, dd.RawVector().Data)
	var sc mat.Dense
	if err := sc.Solve(ref.C(u), target); err != nil {
		return nil, fmt.Errorf("clds: AlignTo: ref's loadings are rank deficient: %w", err)
	}
	s := mat.DenseCopyOf(sc.Slice(0, d, 0, d))
	if mat.Cond(s, 2) > 1e12 {
		return nil, fmt.Errorf("clds: AlignTo: the loadings do not determine the latent coordinates (singular map)")
	}
	return m.TransformAffine(s, sc.ColView(d))
}
