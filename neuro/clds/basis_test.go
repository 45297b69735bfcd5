package clds

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestFourierCoefficientsMatchReference checks the coefficients c(m) and
// the prior variance k(u,u) against the values the brief computed from
// the reference code (mpmath.jtheta), to its 4 printed digits.
func TestFourierCoefficientsMatchReference(t *testing.T) {
	for _, c := range []struct {
		sigma, kappa float64
		coef         []float64
		kuu          float64
	}{
		{0.5, 0.1, []float64{0.2503, 0.2268, 0.1687, 0.1030, 0.0516}, 0.156},
		{1, 0.15, []float64{0.6132, 0.4911, 0.2522, 0.0831, 0.0176}, 0.688},
	} {
		b, err := NewFourier(FourierSettings{Frequencies: 5, Sigma: c.sigma, Kappa: c.kappa, Period: []float64{2 * math.Pi}})
		if err != nil {
			t.Fatal(err)
		}
		if b.Len() != 9 {
			t.Fatalf("L=%d, want 9", b.Len())
		}
		for i, want := range c.coef {
			if got := b.Coefficients()[i]; math.Abs(got-want) > 5e-5 {
				t.Errorf("σ=%v κ=%v: c(%d) = %.5f, reference %.4f", c.sigma, c.kappa, i, got, want)
			}
		}
		if k := Kernel(b, []float64{1.3}, []float64{1.3}); math.Abs(k-c.kuu) > 5e-4 {
			t.Errorf("σ=%v κ=%v: k(u,u) = %.4f, reference %.3f", c.sigma, c.kappa, k, c.kuu)
		}
		// Feature order: constant, then sin, cos of each frequency.
		phi := make([]float64, 9)
		u := 0.7
		b.Eval(phi, []float64{u})
		if math.Abs(phi[3]-c.coef[2]*math.Sin(2*u)) > 1e-4 || math.Abs(phi[4]-c.coef[2]*math.Cos(2*u)) > 1e-4 {
			t.Errorf("feature order differs from the reference: %v", phi)
		}
	}
}

// TestFourierSqrt2OptionGivesSigmaSquaredVariance checks the "fixed"
// basis: with √2 on sin/cos the prior variance is σ² Σ_{|m|<N} q^{m²}/C∞,
// which tends to σ² as N grows (oracle: the theta-function identity).
func TestFourierSqrt2OptionGivesSigmaSquaredVariance(t *testing.T) {
	b := must(NewFourier(FourierSettings{Frequencies: 30, Sigma: 0.5, Kappa: 0.1, Period: []float64{2 * math.Pi}, Sqrt2: true}))
	for _, u := range []float64{0, 1, 4} {
		if k := Kernel(b, []float64{u}, []float64{u}); math.Abs(k-0.25) > 1e-12 {
			t.Errorf("k(%v,%v) = %.15f, want σ² = 0.25", u, u, k)
		}
	}
	// Stationarity: k(u, v) depends on u − v only.
	if a, c := Kernel(b, []float64{0.2}, []float64{1.0}), Kernel(b, []float64{2.2}, []float64{3.0}); math.Abs(a-c) > 1e-12 {
		t.Errorf("kernel not stationary: %v vs %v", a, c)
	}
}

// TestWhitenPreservesLikelihoodAndEigenvalues checks the similarity
// transform: log-likelihood, eigenvalues and observation-space fixed
// points are invariant and Q becomes I (oracle: invariance).
func TestWhitenPreservesLikelihoodAndEigenvalues(t *testing.T) {
	ring := smallRing(t, 5, 3, 25)
	cfg := RingConfig()
	cfg.C = GP
	m := must(NewModel(rand.New(rand.NewPCG(2, 2)), cfg, 10))
	m.Weights.Q = []float64{0.5, 0.2, 0.2, 0.3}
	w, err := m.Whiten()
	if err != nil {
		t.Fatal(err)
	}
	l1, err := m.LogLik(ring.Trials)
	if err != nil {
		t.Fatal(err)
	}
	l2, err := w.LogLik(ring.Trials)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(l1-l2) > 1e-9*math.Abs(l1) {
		t.Errorf("log-likelihood %v became %v", l1, l2)
	}
	if !mat.EqualApprox(w.Q(), eyeDense(2), 1e-12) {
		t.Errorf("whitened Q = %v", mat.Formatted(w.Q()))
	}
	u := []float64{1.1}
	e1, e2 := m.Eigenvalues(u), w.Eigenvalues(u)
	y1, err := m.ObsFixedPoint(u)
	if err != nil {
		t.Fatal(err)
	}
	y2, err := w.ObsFixedPoint(u)
	if err != nil {
		t.Fatal(err)
	}
	for i := range e1 {
		if math.Abs(real(e1[i]-e2[i]))+math.Abs(imag(e1[i]-e2[i])) > 1e-10 {
			t.Errorf("eigenvalues %v became %v", e1, e2)
		}
	}
	if !mat.EqualApprox(y1, y2, 1e-10) {
		t.Errorf("observation-space fixed point changed")
	}
	// The flow field vanishes at the fixed point.
	x, err := m.FixedPoint(u)
	if err != nil {
		t.Fatal(err)
	}
	var v mat.VecDense
	v.MulVec(m.A(u), x)
	v.AddVec(&v, m.B(u))
	v.SubVec(&v, x)
	if v.Norm(2) > 1e-10 {
		t.Errorf("(A−I)x* + b = %v, want 0", v.RawVector().Data)
	}
}

// TestBadInputErrorsNameArgumentTrialAndIndex checks the messages for the
// issue's list of user errors (oracle: the message text).
func TestBadInputErrorsNameArgumentTrialAndIndex(t *testing.T) {
	ring := smallRing(t, 1, 3, 10)
	fresh := func() []Trial {
		out := make([]Trial, len(ring.Trials))
		for i, tr := range ring.Trials {
			out[i] = Trial{Y: mat.DenseCopyOf(tr.Y), U: mat.DenseCopyOf(tr.U)}
		}
		return out
	}
	m := must(NewModel(rand.New(rand.NewPCG(1, 1)), RingConfig(), 10))
	cases := []struct {
		name string
		edit func([]Trial) []Trial
		want string
	}{
		{"NaN in Y", func(tr []Trial) []Trial { tr[2].Y.Set(5, 7, math.NaN()); return tr }, "trials[2].Y[5,7] is NaN"},
		{"Inf in U", func(tr []Trial) []Trial { tr[1].U.Set(3, 0, math.Inf(-1)); return tr }, "trials[1].U[3,0] is -Inf"},
		{"lengths", func(tr []Trial) []Trial { tr[1].U = mat.NewDense(9, 1, nil); return tr }, "trials[1].U has 9 rows but trials[1].Y has 10"},
		{"empty trial", func(tr []Trial) []Trial { tr[0].Y = &mat.Dense{}; return tr }, "trials[0] is empty"},
		{"no trials", func([]Trial) []Trial { return nil }, "trials is empty"},
		{"no conditions", func(tr []Trial) []Trial { tr[2].U = nil; return tr }, "trials[2].U is nil"},
	}
	for _, c := range cases {
		_, err := Fit(m, c.edit(fresh()), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want a message containing %q", c.name, err, c.want)
		}
	}
	if _, err := NewModel(rand.New(rand.NewPCG(1, 1)), RingConfig(), 1); err == nil || !strings.Contains(err.Error(), "Latent=2 exceeds the observation dimension N=1") {
		t.Errorf("D > N: %v", err)
	}
	bad := m.Clone()
	bad.Weights.S0 = []float64{1, 2, 2, 1}
	if _, err := Fit(bad, fresh(), nil); err == nil || !strings.Contains(err.Error(), "Weights.S0 is not positive definite") {
		t.Errorf("non-PD S0: %v", err)
	}
}
