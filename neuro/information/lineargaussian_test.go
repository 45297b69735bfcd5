package information

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"
)

// scalarLG is the brief's scalar check: s = 1, a = 2, v = 0.5, so J = 8 and
// I = ½ log(1 + J s) = ½ log 9.
func scalarLG(t *testing.T) *LinearGaussian {
	t.Helper()
	m, err := NewLinearGaussian([]float64{0}, mat.NewSymDense(1, []float64{1}), mat.NewDense(1, 1, []float64{2}), nil, mat.NewSymDense(1, []float64{0.5}))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestScalarLinearGaussianHalfLog9: the closed-form mutual information,
// the γ integral of the closed-form J_R and the quadrature's I_local at
// every x all equal ½ log 9 = 1.098612 to 1e-6, and the quadrature's
// I_local is constant in x to 1e-6.
func TestScalarLinearGaussianHalfLog9(t *testing.T) {
	want := 0.5 * math.Log(9)
	m := scalarLG(t)
	if got := m.MutualInformation(); math.Abs(got-want) > 1e-6 {
		t.Errorf("I = %.9f, want ½ log 9 = %.9f", got, want)
	}
	if got, _ := m.ILocal(); math.Abs(got-want) > 1e-6 {
		t.Errorf("½ ∫ J_R dγ = %.9f, want %.9f", got, want)
	}
	if got := m.SSI(); math.Abs(got-want) > 1e-6 {
		t.Errorf("SSI = %.9f, want %.9f", got, want)
	}
	e, err := m.Encoder()
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGrid(Linspace(-4, 4, 33))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Exact(e, g, nil)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, v := range res.ILocal {
		lo, hi = min(lo, v), max(hi, v)
		if math.Abs(v-want) > 1e-6 {
			t.Errorf("quadrature I_local(%v) = %.9f, want %.9f", g.Axes[0][i], v, want)
		}
	}
	t.Logf("quadrature: I = %.9f, I_local in [%.9f, %.9f] (spread %.1e), ½ log 9 = %.9f", res.MutualInformation, lo, hi, hi-lo, want)
	if hi-lo > 1e-6 {
		t.Errorf("I_local varies by %.2e over x, want constant to 1e-6", hi-lo)
	}
	if math.Abs(res.MutualInformation-want) > 1e-6 {
		t.Errorf("quadrature I = %.9f, want %.9f", res.MutualInformation, want)
	}
}

// TestJRMatchesScores: J_R(γ) = E_{r|y} ‖∇_y log p(y|r) − ∇_y log p(y)‖²
// from the two score functions (the expectation exact because the score
// difference is affine in r: mean at E[r|y] plus the trace over the
// Jacobian in r, taken by finite differences), and each score matches
// finite differences of its log density written through Bayes' rule,
// log p(y|r) = log p(r|y) + log p(y) − log p(r), with
// p(r|y) = N(A(m + B(y−m)) + b, S). Oracle: dense Gaussian densities.
func TestJRMatchesScores(t *testing.T) {
	cov := mat.NewSymDense(3, []float64{1.2, 0.3, 0, 0.3, 0.8, 0.1, 0, 0.1, 0.5})
	a := mat.NewDense(2, 3, []float64{1, -0.5, 0.2, 0.3, 0.7, -1})
	noise := mat.NewSymDense(2, []float64{0.4, 0.1, 0.1, 0.3})
	mean, off := []float64{0.2, -0.1, 0.4}, []float64{0.5, -0.3}
	m, err := NewLinearGaussian(mean, cov, a, off, noise)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, gamma := range []float64{0.01, 0.3, 2, 40} {
		y := []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
		diff := func(r []float64) []float64 {
			ps, py := make([]float64, 3), make([]float64, 3)
			if err := m.PosteriorScore(y, gamma, r, ps); err != nil {
				t.Fatal(err)
			}
			if err := m.PriorScore(y, gamma, py); err != nil {
				t.Fatal(err)
			}
			for k := range ps {
				ps[k] -= py[k]
			}
			return ps
		}
		// r | y ~ N(mu, S)
		mu, s := responseGivenY(m, y, gamma)
		g0 := diff(mu)
		want := dot(g0, g0)
		// Jacobian of the (affine) difference in r.
		jac := mat.NewDense(3, 2, nil)
		for j := 0; j < 2; j++ {
			r := append([]float64(nil), mu...)
			r[j]++
			g1 := diff(r)
			for k := 0; k < 3; k++ {
				jac.Set(k, j, g1[k]-g0[k])
			}
		}
		var js, jsj mat.Dense
		js.Mul(jac, s)
		jsj.Mul(&js, jac.T())
		want += mat.Trace(&jsj)
		got, err := m.JR(gamma, nil)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-9*max(1, want) {
			t.Errorf("γ = %v: J_R = %.12g, from the scores %.12g", gamma, got, want)
		}
		// Scores against finite differences of the log densities.
		r := []float64{rng.NormFloat64(), rng.NormFloat64()}
		ps, py := make([]float64, 3), make([]float64, 3)
		if err := m.PosteriorScore(y, gamma, r, ps); err != nil {
			t.Fatal(err)
		}
		if err := m.PriorScore(y, gamma, py); err != nil {
			t.Fatal(err)
		}
		logPY := func(y []float64) float64 {
			c := mat.NewSymDense(3, nil)
			c.CopySym(cov)
			for k := 0; k < 3; k++ {
				c.SetSym(k, k, c.At(k, k)+gamma)
			}
			return gaussLogDensity(y, mean, c)
		}
		logPYR := func(y []float64) float64 {
			mu, s := responseGivenY(m, y, gamma)
			return gaussLogDensity(r, mu, s) + logPY(y)
		}
		const h = 1e-5
		for k := 0; k < 3; k++ {
			yp, ym := append([]float64(nil), y...), append([]float64(nil), y...)
			yp[k] += h
			ym[k] -= h
			if fd := (logPY(yp) - logPY(ym)) / (2 * h); math.Abs(fd-py[k]) > 1e-6*max(1, math.Abs(fd)) {
				t.Errorf("γ = %v: ∂_%d log p(y) = %.9g, finite differences %.9g", gamma, k, py[k], fd)
			}
			if fd := (logPYR(yp) - logPYR(ym)) / (2 * h); math.Abs(fd-ps[k]) > 1e-6*max(1, math.Abs(fd)) {
				t.Errorf("γ = %v: ∂_%d log p(y|r) = %.9g, finite differences of log p(r|y) + log p(y) %.9g", gamma, k, ps[k], fd)
			}
		}
	}
}

// responseGivenY returns the mean and covariance of r | y:
// A(m + B(y − m)) + b and A C_γ Aᵀ + Σ_r, from dense inverses.
func responseGivenY(m *LinearGaussian, y []float64, gamma float64) ([]float64, *mat.SymDense) {
	d, n := m.Dims()
	sg := mat.NewDense(d, d, nil)
	sg.Copy(m.cov)
	for k := 0; k < d; k++ {
		sg.Set(k, k, sg.At(k, k)+gamma)
	}
	var inv, b, c mat.Dense
	if err := inv.Inverse(sg); err != nil {
		panic(err)
	}
	b.Mul(m.cov, &inv)
	c.Scale(gamma, &b) // C = γ Σ (Σ + γI)⁻¹
	dy := make([]float64, d)
	for k := range dy {
		dy[k] = y[k] - m.mean[k]
	}
	var bdy, mu mat.VecDense
	bdy.MulVec(&b, mat.NewVecDense(d, dy))
	for k := 0; k < d; k++ {
		bdy.SetVec(k, bdy.AtVec(k)+m.mean[k])
	}
	mu.MulVec(m.a, &bdy)
	out := make([]float64, n)
	for i := range out {
		out[i] = mu.AtVec(i) + m.offset[i]
	}
	var ac, aca mat.Dense
	ac.Mul(m.a, &c)
	aca.Mul(&ac, m.a.T())
	s := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s.SetSym(i, j, 0.5*(aca.At(i, j)+aca.At(j, i))+m.noise.At(i, j))
		}
	}
	return out, s
}

func gaussLogDensity(x, mu []float64, c mat.Symmetric) float64 {
	var ch mat.Cholesky
	if !ch.Factorize(c) {
		panic("not positive definite")
	}
	d := make([]float64, len(x))
	for i := range d {
		d[i] = x[i] - mu[i]
	}
	var s mat.VecDense
	if err := ch.SolveVecTo(&s, mat.NewVecDense(len(d), d)); err != nil {
		panic(err)
	}
	return -0.5*mat.Dot(mat.NewVecDense(len(d), d), &s) - 0.5*ch.LogDet() - 0.5*float64(len(d))*math.Log(2*math.Pi)
}

// imageLG is the 8×8 "image" with independent pixels (variance 1) and one
// neuron whose receptive field covers a 3×3 patch, noise variance 0.5.
func imageLG(t *testing.T, cov mat.Symmetric) (*LinearGaussian, []bool) {
	t.Helper()
	a := mat.NewDense(1, 64, nil)
	inRF := make([]bool, 64)
	for i := 2; i <= 4; i++ {
		for j := 3; j <= 5; j++ {
			a.Set(0, i*8+j, 0.6-0.1*float64(i-3)*float64(i-3)-0.15*float64(j-4)*float64(j-4))
			inRF[i*8+j] = true
		}
	}
	m, err := NewLinearGaussian(make([]float64, 64), cov, a, nil, mat.NewSymDense(1, []float64{0.5}))
	if err != nil {
		t.Fatal(err)
	}
	return m, inRF
}

// TestFeatureLocalityImage: with independent pixels, the per-pixel
// I_local is zero outside the receptive field to 1e-9 and the pixels sum
// to I; with correlated pixels information spreads beyond it.
func TestFeatureLocalityImage(t *testing.T) {
	id := mat.NewSymDense(64, nil)
	for k := 0; k < 64; k++ {
		id.SetSym(k, k, 1)
	}
	m, inRF := imageLG(t, id)
	total, feats := m.ILocal()
	if mi := m.MutualInformation(); math.Abs(total-mi) > 1e-9 {
		t.Errorf("Σ_k I_k = %.12f, I = %.12f", total, mi)
	}
	worst := 0.0
	for k, v := range feats {
		if !inRF[k] {
			worst = max(worst, math.Abs(v))
		} else if !(v > 0) {
			t.Errorf("pixel %d in the receptive field has I_k = %g, want > 0", k, v)
		}
	}
	t.Logf("independent pixels: I = %.6f, largest |I_k| outside the receptive field %.1e", total, worst)
	if worst > 1e-9 {
		t.Errorf("I_k outside the receptive field reaches %.2e, want 0 to 1e-9", worst)
	}
	// Correlated pixels: Σ_ij = 0.6^|distance|.
	corr := mat.NewSymDense(64, nil)
	for p := 0; p < 64; p++ {
		for q := p; q < 64; q++ {
			dist := math.Hypot(float64(p/8-q/8), float64(p%8-q%8))
			corr.SetSym(p, q, math.Pow(0.6, dist))
		}
	}
	mc, _ := imageLG(t, corr)
	tc, fc := mc.ILocal()
	if mi := mc.MutualInformation(); math.Abs(tc-mi) > 1e-9 {
		t.Errorf("correlated pixels: Σ_k I_k = %.12f, I = %.12f", tc, mi)
	}
	outside := 0.0
	for k, v := range fc {
		if !inRF[k] {
			outside += v
		}
	}
	if !(outside > 1e-3) {
		t.Errorf("correlated pixels: the information outside the receptive field is %g, want clearly positive", outside)
	}
}

// TestILocalGivenXAveragesToI: the r ~ p(r|x) variant is quadratic in x,
// averages to I over the prior (Gauss–Hermite in x, exact for a
// quadratic) and matches the quadrature's ResponsesGivenX to 1e-5.
func TestILocalGivenXAveragesToI(t *testing.T) {
	m := scalarLG(t)
	xs, ws := make([]float64, 8), make([]float64, 8)
	quad.Hermite{}.FixedLocations(xs, ws, math.Inf(-1), math.Inf(1))
	mean := 0.0
	for i, z := range xs {
		v, _, err := m.ILocalGivenX([]float64{math.Sqrt2 * z})
		if err != nil {
			t.Fatal(err)
		}
		mean += ws[i] / math.SqrtPi * v
	}
	if math.Abs(mean-m.MutualInformation()) > 1e-9 {
		t.Errorf("E_x I_x(x) = %.12f, I = %.12f", mean, m.MutualInformation())
	}
	e, err := m.Encoder()
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGrid([]float64{-3, -1, 0, 0.5, 2})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Exact(e, g, &ExactSettings{Sampling: ResponsesGivenX, GammaMax: 1e5, GammaNodes: 60})
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range g.Axes[0] {
		want, _, err := m.ILocalGivenX([]float64{x})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(res.ILocal[i]-want) > 1e-5 {
			t.Errorf("x = %v: quadrature I_x = %.8f, closed form %.8f", x, res.ILocal[i], want)
		}
	}
	// Quadratic: the second difference is constant.
	v := func(x float64) float64 {
		r, _, err := m.ILocalGivenX([]float64{x})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	c1 := v(1) - 2*v(0) + v(-1)
	c2 := v(3) - 2*v(2) + v(1)
	if !(c1 > 0) || math.Abs(c1-c2) > 1e-9 {
		t.Errorf("I_x is not a convex quadratic: second differences %.12f and %.12f", c1, c2)
	}
}

// TestSpecificSurpriseClosedForm: i_sp(x) of the closed form matches the
// quadrature to 1e-8 and is quadratic with its minimum at the prior mean.
func TestSpecificSurpriseClosedForm(t *testing.T) {
	m, err := NewLinearGaussian([]float64{0.3}, mat.NewSymDense(1, []float64{2}), mat.NewDense(1, 1, []float64{1.5}), []float64{1}, mat.NewSymDense(1, []float64{0.7}))
	if err != nil {
		t.Fatal(err)
	}
	e, err := m.Encoder()
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGrid(Linspace(-3, 3, 7))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Exact(e, g, &ExactSettings{GammaNodes: 8})
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range g.Axes[0] {
		want, err := m.SpecificSurprise([]float64{x})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(res.SpecificSurprise[i]-want) > 1e-8 {
			t.Errorf("x = %v: quadrature i_sp = %.10f, closed form %.10f", x, res.SpecificSurprise[i], want)
		}
		if math.Abs(res.SSI[i]-m.SSI()) > 1e-8 {
			t.Errorf("x = %v: quadrature SSI = %.10f, closed form (constant) %.10f", x, res.SSI[i], m.SSI())
		}
	}
}

func TestNewLinearGaussianRejectsBadInput(t *testing.T) {
	one := mat.NewSymDense(1, []float64{1})
	a := mat.NewDense(1, 1, []float64{1})
	for _, c := range []struct {
		name  string
		mean  []float64
		cov   mat.Symmetric
		a     mat.Matrix
		off   []float64
		noise mat.Symmetric
		want  string
	}{
		{"zero prior variance", []float64{0}, mat.NewSymDense(1, []float64{0}), a, nil, one, "cov is not positive definite"},
		{"negative noise", []float64{0}, one, a, nil, mat.NewSymDense(1, []float64{-1}), "noise is not positive definite"},
		{"NaN in A", []float64{0}, one, mat.NewDense(1, 1, []float64{math.NaN()}), nil, one, "not finite"},
		{"mean length", []float64{0, 1}, one, a, nil, one, "mean has 2 values"},
		{"A columns", []float64{0}, one, mat.NewDense(1, 2, nil), nil, one, "want 1 columns"},
		{"offset length", []float64{0}, one, a, []float64{1, 2}, one, "offset has 2 values"},
	} {
		_, err := NewLinearGaussian(c.mean, c.cov, c.a, c.off, c.noise)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	m := scalarLG(t)
	if _, err := m.JR(0, nil); err == nil {
		t.Error("JR(0) succeeded, want an error about γ")
	}
	if _, err := m.SpecificSurprise([]float64{1, 2}); err == nil {
		t.Error("SpecificSurprise with 2 values for 1 feature succeeded")
	}
}
