package clds

import (
	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/lds"
)

// The parameters of a model along one trial: the features φ(u_t) of its
// conditions and the time-varying LDS parameters they give. Inference
// (LogLik, Filter, Smooth, Sample, Forecast) and the E-step of Fit both
// evaluate a trial through these methods; the E-step only caches the
// features, which do not change between iterations.

// trialFeatures writes φ(u_t), t < T, to dst as a T×L row-major slice
// (grown as needed) and returns it; nil when the model has no basis or u
// is nil.
func (m *Model) trialFeatures(dst []float64, u *mat.Dense, T int) []float64 {
	b := m.Config.Basis
	if b == nil || u == nil {
		return nil
	}
	L := b.Len()
	dst = grow(dst, T*L)
	for t := 0; t < T; t++ {
		b.Eval(dst[t*L:(t+1)*L], u.RawRowView(t))
	}
	return dst
}

// one is the single feature of a static parameter.
var one = []float64{1}

// feat returns the features of a parameter of kind k at step t, given the
// trial's features phi (T×L).
func (m *Model) feat(k Kind, phi []float64, t int) []float64 {
	switch k {
	case GP, Flat:
		L := m.Config.Basis.Len()
		return phi[t*L : (t+1)*L]
	case Static:
		return one
	}
	return nil
}

// fillVarying writes into v the parameters of m that depend on the
// condition, evaluated along a trial of length T with features phi:
// A(u_t) and b(u_t) for t < T−1, C(u_t) and d(u_t) for t < T, m0(u_0).
// Static and zero parameters are left to the static lds.Model (ldsModel)
// and their fields of v are nil. With cw (the C weights whitened by the
// Cholesky factor of R, see lds.Smoother.WhitenLoadings) not nil, a
// condition-dependent C enters as whitened loadings CW. v's memory is
// reused.
func (m *Model) fillVarying(v *lds.Varying, phi []float64, T int, cw []float64) {
	c, d, n := m.Config, m.Config.Latent, m.N
	w := &m.Weights
	*v = lds.Varying{A: v.A[:0], B: v.B[:0], C: v.C[:0], D: v.D[:0], M0: v.M0[:0], CW: v.CW[:0]}
	along := func(k Kind, dst, weights []float64, size, steps int) []float64 {
		if !k.expanded() {
			return nil
		}
		dst = grow(dst, steps*size)
		for t := 0; t < steps; t++ {
			combine(dst[t*size:(t+1)*size], weights, m.feat(k, phi, t))
		}
		return dst
	}
	v.A = along(c.A, v.A, w.A, d*d, T-1)
	v.B = along(c.B, v.B, w.B, d, T-1)
	if cw != nil {
		v.CW, v.C = along(c.C, v.CW, cw, n*d, T), nil
	} else {
		v.C, v.CW = along(c.C, v.C, w.C, n*d, T), nil
	}
	v.D = along(c.D, v.D, w.D, n, T)
	v.M0 = along(c.M0, v.M0, w.M0, d, 1)
}

// ldsModel returns the static part of m as an lds.Model; the parameters
// that depend on the condition enter through each trial's Varying.
func (m *Model) ldsModel() *lds.Model {
	c, d, n := m.Config, m.Config.Latent, m.N
	w := &m.Weights
	out := &lds.Model{
		A: mat.NewDense(d, d, nil), C: mat.NewDense(n, d, nil), M0: mat.NewVecDense(d, nil),
		Q: symOf(w.Q, d), R: symOf(w.R, n), S0: symOf(w.S0, d),
	}
	if c.A == Static {
		out.A = mat.NewDense(d, d, append([]float64(nil), w.A...))
	}
	if c.C == Static {
		out.C = mat.NewDense(n, d, append([]float64(nil), w.C...))
	}
	if c.B == Static {
		out.B = mat.NewVecDense(d, append([]float64(nil), w.B...))
	}
	if c.D == Static {
		out.D = mat.NewVecDense(n, append([]float64(nil), w.D...))
	}
	if c.M0 == Static {
		out.M0 = mat.NewVecDense(d, append([]float64(nil), w.M0...))
	}
	return out
}

// ldsTrial evaluates m along tr (already validated) into a new lds.Trial.
func (m *Model) ldsTrial(tr *Trial) lds.Trial {
	T := tr.Len()
	var v lds.Varying
	m.fillVarying(&v, m.trialFeatures(nil, tr.U, T), T, nil)
	return lds.Trial{Y: tr.Y, Mask: tr.Mask, Varying: &v}
}

func grow(x []float64, n int) []float64 {
	if cap(x) < n {
		return make([]float64, n)
	}
	return x[:n]
}
