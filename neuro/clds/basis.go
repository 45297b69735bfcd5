package clds

import (
	"fmt"
	"math"
)

// Basis is a feature map φ: R^M → R^L. A weight-space Gaussian process
// F(u) = Σ_l W_l φ_l(u) with iid N(0, 1/λ) weights has the kernel
// k(u, u′) = φ(u)ᵀφ(u′)/λ. Implementations must be deterministic and safe
// for concurrent use.
type Basis interface {
	// Len returns L, the number of features.
	Len() int
	// Dim returns M, the dimension of a condition u.
	Dim() int
	// Eval writes φ(u) to dst[:L]; len(u) == M.
	Eval(dst, u []float64)
}

// Fourier is the regular Fourier-feature approximation of a periodic
// squared-exponential kernel on the M-torus used by the reference code
// (utils.T1_basis and utils.Tm_basis). With q = exp(−2π²κ²) and the Jacobi
// theta value C∞ = θ₃(0, q) = Σ_{n∈Z} q^{n²},
//
//	c(k) = sqrt(σ²/C∞ · q^{‖k‖²})
//	φ(u) = [c(0), c(k) sin(2π k·(u/P)), c(k) cos(2π k·(u/P)) for k ≠ 0]
//
// where k runs over {0..N−1}^M in lexicographic order (the order of
// itertools.product), so L = 2(N^M − 1) + 1 (N=5, M=1: L=9). Only
// non-negative frequency vectors appear, as in the reference, so for M > 1
// the kernel is not isotropic.
//
// The reference omits the factor √2 on the sin/cos features, so its prior
// variance k(u,u) is σ²(1 + Σ_{m≥1} q^{m²})/C∞ rather than ≈ σ² (0.156
// instead of 0.25 for σ=0.5, κ=0.1). Fourier reproduces that by default;
// FourierSettings.Sqrt2 multiplies the sin/cos features by √2, giving
// k(u,u) = σ² (Σ_{|m|<N} q^{m²})/C∞ → σ² as N grows.
//
// A non-periodic condition is handled by wrapping it: the reference's
// advice is a period of at least (data range + 6κ), so that the two ends of
// the data are further apart on the circle than a few length scales.
type Fourier struct {
	s     FourierSettings
	freqs [][]int   // non-zero frequency vectors in order
	coef  []float64 // c(k) per frequency vector (coef[0] is c(0))
}

// FourierSettings configures NewFourier.
type FourierSettings struct {
	// Frequencies is N, the number of frequencies per dimension (N >= 1).
	Frequencies int
	// Sigma is the kernel amplitude σ > 0.
	Sigma float64
	// Kappa is the length scale κ > 0 in units of the period.
	Kappa float64
	// Period holds the period of each condition dimension; its length is
	// M. nil means one dimension of period 1.
	Period []float64
	// Sqrt2 adds the √2 on the sin/cos features that the reference code
	// omits. The default false reproduces the reference exactly.
	Sqrt2 bool
}

// NewFourier validates s and returns the basis.
func NewFourier(s FourierSettings) (*Fourier, error) {
	if s.Frequencies < 1 {
		return nil, fmt.Errorf("clds: FourierSettings.Frequencies=%d, want >= 1", s.Frequencies)
	}
	if !(s.Sigma > 0) || math.IsInf(s.Sigma, 0) {
		return nil, fmt.Errorf("clds: FourierSettings.Sigma=%v, want a positive finite value", s.Sigma)
	}
	if !(s.Kappa > 0) || math.IsInf(s.Kappa, 0) {
		return nil, fmt.Errorf("clds: FourierSettings.Kappa=%v, want a positive finite value", s.Kappa)
	}
	if s.Period == nil {
		s.Period = []float64{1}
	}
	s.Period = append([]float64(nil), s.Period...)
	for i, p := range s.Period {
		if !(p > 0) || math.IsInf(p, 0) {
			return nil, fmt.Errorf("clds: FourierSettings.Period[%d]=%v, want a positive finite value", i, p)
		}
	}
	m := len(s.Period)
	total := 1
	for i := 0; i < m; i++ {
		total *= s.Frequencies
		if total > 1<<16 {
			return nil, fmt.Errorf("clds: FourierSettings: %d frequencies in %d dimensions give more than 65536 features", s.Frequencies, m)
		}
	}
	f := &Fourier{s: s}
	q := math.Exp(-2 * math.Pi * math.Pi * s.Kappa * s.Kappa)
	cinf := theta3(q)
	c := func(k2 float64) float64 { return math.Sqrt(s.Sigma * s.Sigma / cinf * math.Pow(q, k2)) }
	f.coef = append(f.coef, c(0))
	idx := make([]int, m)
	for n := 1; n < total; n++ {
		// Lexicographic successor of idx (last dimension fastest).
		for d := m - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < s.Frequencies {
				break
			}
			idx[d] = 0
		}
		var k2 float64
		for _, k := range idx {
			k2 += float64(k * k)
		}
		f.freqs = append(f.freqs, append([]int(nil), idx...))
		f.coef = append(f.coef, c(k2))
	}
	return f, nil
}

// theta3 returns θ₃(0, q) = 1 + 2 Σ_{n≥1} q^{n²} for 0 <= q < 1.
func theta3(q float64) float64 {
	s := 1.0
	for n := 1; ; n++ {
		term := math.Pow(q, float64(n*n))
		s += 2 * term
		if term < 1e-18*s {
			return s
		}
	}
}

// Len returns L = 2(N^M − 1) + 1.
func (f *Fourier) Len() int { return 1 + 2*len(f.freqs) }

// Dim returns M.
func (f *Fourier) Dim() int { return len(f.s.Period) }

// Settings returns the settings the basis was built with.
func (f *Fourier) Settings() FourierSettings {
	s := f.s
	s.Period = append([]float64(nil), s.Period...)
	return s
}

// Coefficients returns c(k) for the constant and each non-zero frequency
// vector, in feature order (one entry per sin/cos pair).
func (f *Fourier) Coefficients() []float64 { return append([]float64(nil), f.coef...) }

// Eval writes φ(u) to dst.
func (f *Fourier) Eval(dst, u []float64) {
	dst[0] = f.coef[0]
	scale := 1.0
	if f.s.Sqrt2 {
		scale = math.Sqrt2
	}
	for i, k := range f.freqs {
		var arg float64
		for d, kd := range k {
			arg += float64(kd) * u[d] / f.s.Period[d]
		}
		s, c := math.Sincos(2 * math.Pi * arg)
		w := scale * f.coef[i+1]
		dst[1+2*i] = w * s
		dst[2+2*i] = w * c
	}
}

// Constant is the one-feature basis φ(u) = 1 for conditions of dimension
// M. With a GP kind and λ = 0 it turns a CLDS into a plain LDS.
type Constant struct{ M int }

// Len returns 1.
func (Constant) Len() int { return 1 }

// Dim returns M.
func (c Constant) Dim() int { return c.M }

// Eval sets dst[0] = 1.
func (Constant) Eval(dst, _ []float64) { dst[0] = 1 }

// Func adapts a function to the Basis interface, for bases of one's own
// (radial functions, splines). Name identifies it when a model is saved.
type Func struct {
	Name string
	L, M int
	F    func(dst, u []float64)
}

// Len returns L.
func (f Func) Len() int { return f.L }

// Dim returns M.
func (f Func) Dim() int { return f.M }

// Eval calls F.
func (f Func) Eval(dst, u []float64) { f.F(dst, u) }

// Kernel returns the prior covariance φ(u)ᵀφ(v) implied by b with unit
// prior precision.
func Kernel(b Basis, u, v []float64) float64 {
	pu := make([]float64, b.Len())
	pv := make([]float64, b.Len())
	b.Eval(pu, u)
	b.Eval(pv, v)
	var s float64
	for i := range pu {
		s += pu[i] * pv[i]
	}
	return s
}

// ConstantBasis is implemented by bases that represent the constant
// function: Σ_l w_l φ_l(u) = 1 for every u. A change of latent
// coordinates with a translation (Model.TransformAffine, AlignTo) needs it
// to move a condition-dependent offset by a constant.
type ConstantBasis interface {
	Basis
	// ConstantWeights returns w with Σ_l w_l φ_l(u) = 1.
	ConstantWeights() []float64
}

// ConstantWeights returns (1/c(0), 0, …, 0): the first feature is the
// constant c(0).
func (f *Fourier) ConstantWeights() []float64 {
	w := make([]float64, f.Len())
	w[0] = 1 / f.coef[0]
	return w
}

// ConstantWeights returns (1).
func (Constant) ConstantWeights() []float64 { return []float64{1} }
