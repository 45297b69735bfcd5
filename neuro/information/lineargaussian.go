package information

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"
)

// LinearGaussian is the linear-Gaussian encoder, where every measure has a
// closed form:
//
//	x ~ N(m, Σ),   r = A x + b + n,   n ~ N(0, Σ_r)
//
// with x in d dimensions and r in n. Writing S_r = A Σ Aᵀ + Σ_r (the
// covariance of r), P = (Σ⁻¹ + Aᵀ Σ_r⁻¹ A)⁻¹ (the posterior covariance of
// x given r) and, for the noisy stimulus y = x + √γ ξ,
//
//	B = Σ (Σ + γI)⁻¹,   C_γ = (Σ⁻¹ + I/γ)⁻¹,   S = A C_γ Aᵀ + Σ_r,
//
// the measures are
//
//	I(X;R)   = ½ log det(I + Σ Aᵀ Σ_r⁻¹ A) = ½ (log det S_r − log det Σ_r)
//	J        = Aᵀ Σ_r⁻¹ A (the same at every x)
//	J_R(y;γ) = tr(B Aᵀ S⁻¹ A B), the same at every y, so I_local(x) ≡ I
//	i_sp(x)  = ½ [tr(S_r⁻¹ Σ_r) − n + (x−m)ᵀ Aᵀ S_r⁻¹ A (x−m) + log det S_r − log det Σ_r]
//	SSI(x)   = I (the posterior covariance P does not depend on r)
//
// and the scores of the noisy stimulus are
//
//	∇_y log p(y)     = −(Σ + γI)⁻¹ (y − m)
//	∇_y log p(y | r) = −(P + γI)⁻¹ (y − μ_r),   μ_r = m + P Aᵀ Σ_r⁻¹ (r − b − A m).
//
// Σ may be any positive-definite covariance (correlated pixels).
type LinearGaussian struct {
	d, n   int
	mean   []float64
	cov    *mat.SymDense
	a      *mat.Dense
	offset []float64
	noise  *mat.SymDense

	// Σ = U diag(lambda) Uᵀ; au = A U.
	lambda []float64
	u      *mat.Dense
	au     *mat.Dense
	noiseC mat.Cholesky
	sr     mat.Cholesky // S_r
	post   *mat.SymDense
}

// NewLinearGaussian returns the model x ~ N(mean, cov), r = A x + offset +
// n, n ~ N(0, noise). cov (d×d) and noise (n×n) must be symmetric positive
// definite; A is n×d; a nil offset means zero.
func NewLinearGaussian(mean []float64, cov mat.Symmetric, a mat.Matrix, offset []float64, noise mat.Symmetric) (*LinearGaussian, error) {
	if cov == nil || a == nil || noise == nil {
		return nil, errors.New("information: NewLinearGaussian: nil cov, A or noise")
	}
	d := cov.SymmetricDim()
	n, ad := a.Dims()
	switch {
	case d == 0 || n == 0:
		return nil, fmt.Errorf("information: NewLinearGaussian: empty model (%d features, %d responses)", d, n)
	case len(mean) != d:
		return nil, fmt.Errorf("information: NewLinearGaussian: mean has %d values, cov is %d×%d", len(mean), d, d)
	case ad != d:
		return nil, fmt.Errorf("information: NewLinearGaussian: A is %d×%d, want %d columns (cov is %d×%d)", n, ad, d, d, d)
	case noise.SymmetricDim() != n:
		return nil, fmt.Errorf("information: NewLinearGaussian: noise is %d×%d, want %d×%d (A has %d rows)", noise.SymmetricDim(), noise.SymmetricDim(), n, n, n)
	case offset != nil && len(offset) != n:
		return nil, fmt.Errorf("information: NewLinearGaussian: offset has %d values, want %d", len(offset), n)
	}
	m := &LinearGaussian{d: d, n: n, mean: append([]float64(nil), mean...), cov: mat.NewSymDense(d, nil),
		a: mat.DenseCopyOf(a), offset: make([]float64, n), noise: mat.NewSymDense(n, nil)}
	copy(m.offset, offset)
	m.cov.CopySym(cov)
	m.noise.CopySym(noise)
	if !allFinite(m.mean) || !allFinite(m.offset) || !allFinite(m.a.RawMatrix().Data) || !allFinite(m.cov.RawSymmetric().Data) || !allFinite(m.noise.RawSymmetric().Data) {
		return nil, errors.New("information: NewLinearGaussian: a parameter is not finite (NaN or Inf)")
	}
	var covC mat.Cholesky
	if !covC.Factorize(m.cov) {
		return nil, errors.New("information: NewLinearGaussian: cov is not positive definite")
	}
	if !m.noiseC.Factorize(m.noise) {
		return nil, errors.New("information: NewLinearGaussian: noise is not positive definite")
	}
	var eig mat.EigenSym
	if !eig.Factorize(m.cov, true) {
		return nil, errors.New("information: NewLinearGaussian: eigendecomposition of cov failed")
	}
	m.lambda = eig.Values(nil)
	m.u = new(mat.Dense)
	eig.VectorsTo(m.u)
	m.au = new(mat.Dense)
	m.au.Mul(m.a, m.u)
	// S_r = A Σ Aᵀ + Σ_r.
	var asa mat.Dense
	asa.Product(m.a, m.cov, m.a.T())
	sr := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			sr.SetSym(i, j, 0.5*(asa.At(i, j)+asa.At(j, i))+m.noise.At(i, j))
		}
	}
	if !m.sr.Factorize(sr) {
		return nil, errors.New("information: NewLinearGaussian: the response covariance A Σ Aᵀ + Σ_r is not positive definite")
	}
	// P = (Σ⁻¹ + J)⁻¹.
	var covInv mat.SymDense
	if err := covC.InverseTo(&covInv); err != nil {
		return nil, fmt.Errorf("information: NewLinearGaussian: %w", err)
	}
	pinv := mat.NewSymDense(d, nil)
	pinv.AddSym(&covInv, m.Fisher())
	var pc mat.Cholesky
	if !pc.Factorize(pinv) {
		return nil, errors.New("information: NewLinearGaussian: Σ⁻¹ + Aᵀ Σ_r⁻¹ A is not positive definite")
	}
	m.post = new(mat.SymDense)
	if err := pc.InverseTo(m.post); err != nil {
		return nil, fmt.Errorf("information: NewLinearGaussian: %w", err)
	}
	return m, nil
}

// Dims returns the stimulus dimension d and the number of responses n.
func (m *LinearGaussian) Dims() (d, n int) { return m.d, m.n }

// Fisher returns J = Aᵀ Σ_r⁻¹ A.
func (m *LinearGaussian) Fisher() *mat.SymDense {
	var x mat.Dense
	if err := m.noiseC.SolveTo(&x, m.a); err != nil {
		panic(fmt.Sprintf("information: solve with a factorised noise covariance: %v", err))
	}
	var j mat.Dense
	j.Mul(m.a.T(), &x)
	return symmetrize(&j)
}

// MutualInformation returns I(X;R) = ½ (log det S_r − log det Σ_r).
func (m *LinearGaussian) MutualInformation() float64 {
	return 0.5 * (m.sr.LogDet() - m.noiseC.LogDet())
}

// SSI returns the stimulus-specific information, the same at every x:
// H(X) − H(X|r) = ½ log det(Σ P⁻¹) = I, because the posterior covariance P
// does not depend on r.
func (m *LinearGaussian) SSI() float64 {
	var c mat.Cholesky
	if !c.Factorize(m.post) {
		panic("information: the posterior covariance lost positive definiteness")
	}
	var cc mat.Cholesky
	if !cc.Factorize(m.cov) {
		panic("information: the prior covariance lost positive definiteness")
	}
	return 0.5 * (cc.LogDet() - c.LogDet())
}

// SpecificSurprise returns i_sp(x) = KL(p(r|x) ‖ p(r)) =
// ½ [tr(S_r⁻¹ Σ_r) − n + (x−m)ᵀ Aᵀ S_r⁻¹ A (x−m) + log det S_r − log det Σ_r].
func (m *LinearGaussian) SpecificSurprise(x []float64) (float64, error) {
	if len(x) != m.d {
		return 0, fmt.Errorf("information: SpecificSurprise: x has %d values, want %d", len(x), m.d)
	}
	var t mat.Dense
	if err := m.sr.SolveTo(&t, m.noise); err != nil {
		return 0, err
	}
	tr := mat.Trace(&t)
	dx := make([]float64, m.d)
	for k := range dx {
		dx[k] = x[k] - m.mean[k]
	}
	var ax, s mat.VecDense
	ax.MulVec(m.a, mat.NewVecDense(m.d, dx))
	if err := m.sr.SolveVecTo(&s, &ax); err != nil {
		return 0, err
	}
	return 0.5 * (tr - float64(m.n) + mat.Dot(&ax, &s) + m.sr.LogDet() - m.noiseC.LogDet()), nil
}

// gammaTerms returns, at noise level γ, the matrix M = B Aᵀ S⁻¹ (d×n),
// the diagonal of B in the eigenbasis of Σ and AB (n×d).
func (m *LinearGaussian) gammaTerms(gamma float64) (mm, ab *mat.Dense) {
	d, n := m.d, m.n
	bd := make([]float64, d)
	cd := make([]float64, d)
	for i, l := range m.lambda {
		bd[i] = l / (l + gamma)
		cd[i] = l * gamma / (l + gamma)
	}
	// A B = (A U) diag(bd) Uᵀ; A C Aᵀ = (A U) diag(cd) (A U)ᵀ.
	aub := mat.DenseCopyOf(m.au)
	auc := mat.DenseCopyOf(m.au)
	for i := 0; i < n; i++ {
		for k := 0; k < d; k++ {
			aub.Set(i, k, aub.At(i, k)*bd[k])
			auc.Set(i, k, auc.At(i, k)*cd[k])
		}
	}
	ab = new(mat.Dense)
	ab.Mul(aub, m.u.T())
	var acat mat.Dense
	acat.Mul(auc, m.au.T())
	s := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s.SetSym(i, j, 0.5*(acat.At(i, j)+acat.At(j, i))+m.noise.At(i, j))
		}
	}
	var sc mat.Cholesky
	if !sc.Factorize(s) {
		panic("information: A C_γ Aᵀ + Σ_r is not positive definite")
	}
	// M = B Aᵀ S⁻¹ = (S⁻¹ A B)ᵀ since B is symmetric.
	var sab mat.Dense
	if err := sc.SolveTo(&sab, ab); err != nil {
		panic(fmt.Sprintf("information: %v", err))
	}
	mm = mat.DenseCopyOf(sab.T())
	return mm, ab
}

// JR returns J_R(y;γ) = E_{p(r|y)} ‖∇_y log p(r|y)‖² = tr(B Aᵀ S⁻¹ A B), the
// same for every y, and writes its per-feature terms
// [B Aᵀ S⁻¹ A B]_kk into features when it is not nil.
func (m *LinearGaussian) JR(gamma float64, features []float64) (float64, error) {
	if !(gamma > 0) || math.IsInf(gamma, 0) {
		return 0, fmt.Errorf("information: JR: γ = %v, want a positive finite noise variance", gamma)
	}
	if features != nil && len(features) != m.d {
		return 0, fmt.Errorf("information: JR: features has %d slots, want %d", len(features), m.d)
	}
	mm, ab := m.gammaTerms(gamma)
	total := 0.0
	for k := 0; k < m.d; k++ {
		v := 0.0
		for i := 0; i < m.n; i++ {
			v += mm.At(k, i) * ab.At(i, k)
		}
		total += v
		if features != nil {
			features[k] = v
		}
	}
	return total, nil
}

// gammaIntegral returns ½ ∫₀^∞ g(γ) dγ for an integrand with the
// asymptotics of J_R (tending to a constant as γ → 0 and decaying like
// γ⁻² as γ → ∞): in u = log γ the integrand γ g(γ) vanishes exponentially
// at both ends, and composite Gauss–Legendre on unit intervals over
// u ∈ [log λ_min − 36, log λ_max + 36] (λ the eigenvalues of Σ and of P)
// leaves tails below e⁻³⁶ of the integrand's scale. g fills len(out)
// values; the integrals are accumulated into out.
func (m *LinearGaussian) gammaIntegral(out []float64, g func(gamma float64, dst []float64)) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, l := range m.lambda {
		lo, hi = min(lo, math.Log(l)), max(hi, math.Log(l))
	}
	var pe mat.EigenSym
	if pe.Factorize(m.post, false) {
		for _, l := range pe.Values(nil) {
			if l > 0 {
				lo = min(lo, math.Log(l))
			}
		}
	}
	lo, hi = math.Floor(lo-36), math.Ceil(hi+36)
	const order = 10
	xs, ws := make([]float64, order), make([]float64, order)
	buf := make([]float64, len(out))
	for a := lo; a < hi; a++ {
		quad.Legendre{}.FixedLocations(xs, ws, a, a+1)
		for q, u := range xs {
			gamma := math.Exp(u)
			g(gamma, buf)
			for i, v := range buf {
				out[i] += 0.5 * ws[q] * gamma * v
			}
		}
	}
}

// ILocal returns I_local = ½ ∫₀^∞ J_R(γ) dγ, computed by quadrature over
// γ from the closed-form J_R (it equals I(X;R) at every x), and its split
// over features, I_k = ½ ∫ [B Aᵀ S⁻¹ A B]_kk dγ (Σ_k I_k = I_local). With
// a diagonal Σ and an A that reads only features in a set K, I_k = 0 for
// every k outside K.
func (m *LinearGaussian) ILocal() (total float64, features []float64) {
	features = make([]float64, m.d)
	m.gammaIntegral(features, func(gamma float64, dst []float64) {
		if _, err := m.JR(gamma, dst); err != nil {
			panic(err)
		}
	})
	for _, v := range features {
		total += v
	}
	return total, features
}

// ILocalGivenX returns the variant of I_local in which r is drawn from
// p(r | x) instead of p(r | y):
//
//	I_x(x) = ½ ∫ E_{y~N(x,γI)} E_{r~p(r|x)} ‖∇_y log p(r|y)‖² dγ
//	       = ½ ∫ ‖M A (I−B)(x−m)‖² + tr(M Σ_r Mᵀ) + γ tr(M A B² Aᵀ Mᵀ) dγ,
//
// M = B Aᵀ S⁻¹, and its split over features (the diagonal terms). It is
// quadratic in x, while I_local is constant; both average to I over the
// prior.
func (m *LinearGaussian) ILocalGivenX(x []float64) (total float64, features []float64, err error) {
	if len(x) != m.d {
		return 0, nil, fmt.Errorf("information: ILocalGivenX: x has %d values, want %d", len(x), m.d)
	}
	d, n := m.d, m.n
	dx := mat.NewVecDense(d, nil)
	for k := 0; k < d; k++ {
		dx.SetVec(k, x[k]-m.mean[k])
	}
	features = make([]float64, d)
	var bxv mat.VecDense
	m.gammaIntegral(features, func(gamma float64, dst []float64) {
		mm, ab := m.gammaTerms(gamma)
		// v = M (A − A B)(x − m): the mean part.
		var amab mat.Dense
		amab.Sub(m.a, ab)
		bxv.Reset()
		bxv.MulVec(&amab, dx)
		var v mat.VecDense
		v.MulVec(mm, &bxv)
		// noise parts: diag(M Σ_r Mᵀ) + γ diag(M A B (M A B)ᵀ).
		var mn, mab mat.Dense
		mn.Mul(mm, m.noise)
		mab.Mul(mm, ab)
		for k := 0; k < d; k++ {
			s := v.AtVec(k) * v.AtVec(k)
			for i := 0; i < n; i++ {
				s += mn.At(k, i) * mm.At(k, i)
			}
			for j := 0; j < d; j++ {
				s += gamma * mab.At(k, j) * mab.At(k, j)
			}
			dst[k] = s
		}
	})
	for _, v := range features {
		total += v
	}
	return total, features, nil
}

// PriorScore writes ∇_y log p(y) = −(Σ + γI)⁻¹ (y − m) into dst.
func (m *LinearGaussian) PriorScore(y []float64, gamma float64, dst []float64) error {
	if err := m.checkScore("PriorScore", y, gamma, dst); err != nil {
		return err
	}
	c := mat.NewSymDense(m.d, nil)
	c.CopySym(m.cov)
	return m.solveShifted(c, gamma, y, m.mean, dst)
}

// PosteriorScore writes ∇_y log p(y | r) = −(P + γI)⁻¹ (y − μ_r) into dst,
// μ_r = m + P Aᵀ Σ_r⁻¹ (r − b − A m) the posterior mean of x given r.
func (m *LinearGaussian) PosteriorScore(y []float64, gamma float64, r, dst []float64) error {
	if err := m.checkScore("PosteriorScore", y, gamma, dst); err != nil {
		return err
	}
	if len(r) != m.n {
		return fmt.Errorf("information: PosteriorScore: r has %d values, want %d", len(r), m.n)
	}
	mu, err := m.PosteriorMean(r)
	if err != nil {
		return err
	}
	c := mat.NewSymDense(m.d, nil)
	c.CopySym(m.post)
	return m.solveShifted(c, gamma, y, mu, dst)
}

// PosteriorMean returns μ_r = E[x | r] = m + P Aᵀ Σ_r⁻¹ (r − b − A m).
func (m *LinearGaussian) PosteriorMean(r []float64) ([]float64, error) {
	if len(r) != m.n {
		return nil, fmt.Errorf("information: PosteriorMean: r has %d values, want %d", len(r), m.n)
	}
	res := mat.NewVecDense(m.n, nil)
	var am mat.VecDense
	am.MulVec(m.a, mat.NewVecDense(m.d, append([]float64(nil), m.mean...)))
	for i := 0; i < m.n; i++ {
		res.SetVec(i, r[i]-m.offset[i]-am.AtVec(i))
	}
	var w, atw, pv mat.VecDense
	if err := m.noiseC.SolveVecTo(&w, res); err != nil {
		return nil, err
	}
	atw.MulVec(m.a.T(), &w)
	pv.MulVec(m.post, &atw)
	mu := make([]float64, m.d)
	for k := range mu {
		mu[k] = m.mean[k] + pv.AtVec(k)
	}
	return mu, nil
}

func (m *LinearGaussian) checkScore(name string, y []float64, gamma float64, dst []float64) error {
	switch {
	case len(y) != m.d:
		return fmt.Errorf("information: %s: y has %d values, want %d", name, len(y), m.d)
	case len(dst) != m.d:
		return fmt.Errorf("information: %s: dst has %d slots, want %d", name, len(dst), m.d)
	case !(gamma >= 0) || math.IsInf(gamma, 0):
		return fmt.Errorf("information: %s: γ = %v, want a finite noise variance ≥ 0", name, gamma)
	}
	return nil
}

// solveShifted writes −(c + γI)⁻¹ (y − centre) into dst.
func (m *LinearGaussian) solveShifted(c *mat.SymDense, gamma float64, y, centre, dst []float64) error {
	for k := 0; k < m.d; k++ {
		c.SetSym(k, k, c.At(k, k)+gamma)
	}
	var ch mat.Cholesky
	if !ch.Factorize(c) {
		return errors.New("information: covariance + γI is not positive definite")
	}
	diff := mat.NewVecDense(m.d, nil)
	for k := range dst {
		diff.SetVec(k, y[k]-centre[k])
	}
	var s mat.VecDense
	if err := ch.SolveVecTo(&s, diff); err != nil {
		return err
	}
	for k := range dst {
		dst[k] = -s.AtVec(k)
	}
	return nil
}

// Encoder returns the same model as an Encoder (one Gaussian neuron per
// response, LinearTuning with A's row and b), for the quadrature and the
// denoiser; Σ and Σ_r must then be diagonal.
func (m *LinearGaussian) Encoder() (*Encoder, error) {
	p := Prior{Mean: append([]float64(nil), m.mean...), Var: make([]float64, m.d)}
	for i := 0; i < m.d; i++ {
		for j := 0; j < m.d; j++ {
			if i != j && m.cov.At(i, j) != 0 {
				return nil, fmt.Errorf("information: Encoder: cov[%d,%d] = %v; an Encoder's prior has independent features", i, j, m.cov.At(i, j))
			}
		}
		p.Var[i] = m.cov.At(i, i)
	}
	neurons := make([]Neuron, m.n)
	for i := 0; i < m.n; i++ {
		for j := 0; j < m.n; j++ {
			if i != j && m.noise.At(i, j) != 0 {
				return nil, fmt.Errorf("information: Encoder: noise[%d,%d] = %v; an Encoder's neurons have independent noise", i, j, m.noise.At(i, j))
			}
		}
		neurons[i] = GaussianNeuron(LinearTuning(m.offset[i], mat.Row(nil, i, m.a)...), m.noise.At(i, i))
	}
	return NewEncoder(p, neurons...)
}

func symmetrize(a *mat.Dense) *mat.SymDense {
	n, _ := a.Dims()
	s := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s.SetSym(i, j, 0.5*(a.At(i, j)+a.At(j, i)))
		}
	}
	return s
}

// RF2D returns the 2-D linear-Gaussian receptive-field neuron of the
// diffusion check and the figure notebook: x ~ N(0, I₂),
// r = 2x₁ + x₂ + n, n ~ N(0, 0.5), so I = ½ log(1 + 5/0.5) = ½ log 11.
func RF2D() (*LinearGaussian, error) {
	return NewLinearGaussian([]float64{0, 0}, mat.NewSymDense(2, []float64{1, 0, 0, 1}), mat.NewDense(1, 2, []float64{2, 1}), nil, mat.NewSymDense(1, []float64{0.5}))
}

// ExactNoise returns the model's exact noise-prediction difference,
// ε(y,γ,r) − ε(y,γ,∅) = −√γ (∇_y log p(y|r) − ∇_y log p(y)), for
// EstimateILocal: the estimate then carries only Monte Carlo error.
func (m *LinearGaussian) ExactNoise() NoiseDifference { return exactNoise{m} }

type exactNoise struct{ m *LinearGaussian }

func (x exactNoise) NoiseDifference(y []float64, logGamma float64, r, dst []float64) error {
	m := x.m
	if len(y)%m.d != 0 || len(dst) != len(y) || len(r) != len(y)/m.d*m.n {
		return fmt.Errorf("information: NoiseDifference: y has %d values, r %d, dst %d, for %d features and %d responses", len(y), len(r), len(dst), m.d, m.n)
	}
	gamma := math.Exp(logGamma)
	// ∇ log p(y|r) − ∇ log p(y) = −(P+γI)⁻¹(y − μ_r) + (Σ+γI)⁻¹(y − m).
	var pg, sg mat.Cholesky
	ps, ss := mat.NewSymDense(m.d, nil), mat.NewSymDense(m.d, nil)
	ps.CopySym(m.post)
	ss.CopySym(m.cov)
	for k := 0; k < m.d; k++ {
		ps.SetSym(k, k, ps.At(k, k)+gamma)
		ss.SetSym(k, k, ss.At(k, k)+gamma)
	}
	if !pg.Factorize(ps) || !sg.Factorize(ss) {
		return errors.New("information: covariance + γI is not positive definite")
	}
	// μ_r = m + K (r − b − A m), K = P Aᵀ Σ_r⁻¹.
	var sa mat.Dense
	if err := m.noiseC.SolveTo(&sa, m.a); err != nil {
		return err
	}
	var k mat.Dense
	k.Mul(m.post, sa.T())
	am := mat.NewVecDense(m.n, nil)
	am.MulVec(m.a, mat.NewVecDense(m.d, append([]float64(nil), m.mean...)))
	n := len(y) / m.d
	res := mat.NewVecDense(m.n, nil)
	var mu, a, b mat.VecDense
	dy, dr := mat.NewVecDense(m.d, nil), mat.NewVecDense(m.d, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < m.n; j++ {
			res.SetVec(j, r[i*m.n+j]-m.offset[j]-am.AtVec(j))
		}
		mu.MulVec(&k, res)
		for c := 0; c < m.d; c++ {
			dy.SetVec(c, y[i*m.d+c]-m.mean[c])
			dr.SetVec(c, y[i*m.d+c]-m.mean[c]-mu.AtVec(c))
		}
		if err := pg.SolveVecTo(&a, dr); err != nil {
			return err
		}
		if err := sg.SolveVecTo(&b, dy); err != nil {
			return err
		}
		sq := math.Sqrt(gamma)
		for c := 0; c < m.d; c++ {
			dst[i*m.d+c] = -sq * (b.AtVec(c) - a.AtVec(c))
		}
	}
	return nil
}
