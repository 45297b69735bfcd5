package clds

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// fullGPModel returns a model whose every parameter is a GP, with a
// non-isotropic Q and S0, so that a change of coordinates touches every
// block of Weights.
func fullGPModel(t *testing.T) *Model {
	t.Helper()
	cfg := RingConfig()
	cfg.C, cfg.D = GP, GP
	m, err := NewModel(rand.New(rand.NewPCG(4, 4)), cfg, 10)
	if err != nil {
		t.Fatal(err)
	}
	m.Weights.Q = []float64{0.5, 0.2, 0.2, 0.3}
	m.Weights.S0 = []float64{0.7, -0.1, -0.1, 0.4}
	return m
}

// TestTransformIsSimilarityOfEveryParameter checks x′ = S x at several
// conditions against dense products (oracle: A′ = S A S⁻¹, b′ = S b,
// C′ = C S⁻¹, m0′ = S m0, Q′ = S Q Sᵀ, S0′ = S S0 Sᵀ computed with mat, d
// and R unchanged) and that the marginal log-likelihood is invariant.
func TestTransformIsSimilarityOfEveryParameter(t *testing.T) {
	m := fullGPModel(t)
	s := mat.NewDense(2, 2, []float64{1.3, -0.4, 0.7, 0.9})
	var si mat.Dense
	if err := si.Inverse(s); err != nil {
		t.Fatal(err)
	}
	got, err := m.Transform(s)
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-12
	for _, u := range Grid(0, 2*math.Pi, 7) {
		var a, tmp, c mat.Dense
		tmp.Mul(s, m.A(u))
		a.Mul(&tmp, &si)
		c.Mul(m.C(u), &si)
		var b, m0 mat.VecDense
		b.MulVec(s, m.B(u))
		m0.MulVec(s, m.M0(u))
		if !mat.EqualApprox(got.A(u), &a, tol) || !mat.EqualApprox(got.C(u), &c, tol) ||
			!mat.EqualApprox(got.B(u), &b, tol) || !mat.EqualApprox(got.M0(u), &m0, tol) ||
			!mat.EqualApprox(got.D(u), m.D(u), tol) {
			t.Fatalf("u=%v: transformed parameters differ from S A S⁻¹, S b, C S⁻¹, S m0, d", u)
		}
	}
	for _, p := range []struct {
		name     string
		old, new *mat.SymDense
	}{{"Q", m.Q(), got.Q()}, {"S0", m.S0(), got.S0()}} {
		var want, tmp mat.Dense
		tmp.Mul(s, p.old)
		want.Mul(&tmp, s.T())
		if !mat.EqualApprox(p.new, &want, tol) {
			t.Errorf("%s′ = %v, want S %s Sᵀ = %v", p.name, mat.Formatted(p.new), p.name, mat.Formatted(&want))
		}
	}
	if !mat.Equal(got.R(), m.R()) {
		t.Errorf("R changed")
	}
	ring := smallRing(t, 6, 3, 30)
	l1, err := m.LogLik(ring.Trials)
	if err != nil {
		t.Fatal(err)
	}
	l2, err := got.LogLik(ring.Trials)
	if err != nil || math.Abs(l1-l2) > 1e-9*math.Abs(l1) {
		t.Errorf("log-likelihood %v became %v", l1, l2)
	}
}

// TestTransformAffineMovesTheOffsets checks x′ = S x + c at several
// conditions (oracle: b′ = S b + (I − A′)c, d′ = d − C′c, m0′ = S m0 + c
// computed with mat) and the invariance of the marginal log-likelihood.
func TestTransformAffineMovesTheOffsets(t *testing.T) {
	m := fullGPModel(t)
	s := mat.NewDense(2, 2, []float64{1.3, -0.4, 0.7, 0.9})
	c := mat.NewVecDense(2, []float64{0.3, -0.8})
	got := must(m.TransformAffine(s, c))
	for _, u := range Grid(0, 2*math.Pi, 7) {
		var b, ac, dv, m0 mat.VecDense
		b.MulVec(s, m.B(u))
		ac.MulVec(got.A(u), c)
		b.AddVec(&b, c)
		b.SubVec(&b, &ac)
		dv.MulVec(got.C(u), c)
		dv.SubVec(m.D(u), &dv)
		m0.MulVec(s, m.M0(u))
		m0.AddVec(&m0, c)
		if !mat.EqualApprox(got.B(u), &b, 1e-12) || !mat.EqualApprox(got.D(u), &dv, 1e-12) || !mat.EqualApprox(got.M0(u), &m0, 1e-12) {
			t.Fatalf("u=%v: offsets differ from S b + (I − A′)c, d − C′c, S m0 + c", u)
		}
	}
	ring := smallRing(t, 6, 3, 30)
	l1, l2 := must(m.LogLik(ring.Trials)), must(got.LogLik(ring.Trials))
	if math.Abs(l1-l2) > 1e-9*math.Abs(l1) {
		t.Errorf("log-likelihood %v became %v", l1, l2)
	}
}

// TestAlignToUndoesAKnownChangeOfCoordinates transforms a model by a known
// affine map x′ = S x + c and aligns it back to the original model
// (oracle: the original model's weights).
func TestAlignToUndoesAKnownChangeOfCoordinates(t *testing.T) {
	cfg := RingConfig()
	m, err := NewModel(rand.New(rand.NewPCG(5, 5)), cfg, 10)
	if err != nil {
		t.Fatal(err)
	}
	m.Weights.Q = []float64{0.5, 0.2, 0.2, 0.3}
	moved, err := m.TransformAffine(mat.NewDense(2, 2, []float64{0, -2, 0.5, 0.3}), mat.NewVecDense(2, []float64{0.4, -1.1}))
	if err != nil {
		t.Fatal(err)
	}
	back, err := moved.AlignTo(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		name      string
		got, want []float64
	}{{"A", back.Weights.A, m.Weights.A}, {"B", back.Weights.B, m.Weights.B}, {"C", back.Weights.C, m.Weights.C},
		{"D", back.Weights.D, m.Weights.D}, {"M0", back.Weights.M0, m.Weights.M0}, {"Q", back.Weights.Q, m.Weights.Q}, {"S0", back.Weights.S0, m.Weights.S0}} {
		for i := range p.want {
			if math.Abs(p.got[i]-p.want[i]) > 1e-10 {
				t.Fatalf("Weights.%s[%d] = %v after alignment, want %v", p.name, i, p.got[i], p.want[i])
			}
		}
	}
}

// TestAlignedRingFitRecoversTrueDynamics aligns the reference ring fit to
// the simulator's truth and compares A(θ), b(θ) and Q with the truth
// (oracle: the simulator's parameters A(θ) = 0.9 v vᵀ, b(θ) = (cos θ,
// sin θ), Q = 0.04·I), in max-row-sum norms over a 200-point grid.
// Measured: ‖ΔA‖∞ 0.081, ‖Δb‖∞ 0.058, ‖ΔQ‖∞ 0.0029 (with a linear alignment
// of the loadings only, before AlignTo removed the translation, ‖Δb‖∞ was 0.133).
func TestAlignedRingFitRecoversTrueDynamics(t *testing.T) {
	r := ringFit(t)
	al, err := r.clds.Model.AlignTo(must(r.ring.Model()), nil)
	if err != nil {
		t.Fatal(err)
	}
	var dA, dB float64
	for _, u := range Grid(0, 2*math.Pi, 200) {
		var a mat.Dense
		a.Sub(al.A(u), r.ring.TrueA(u[0]))
		var b mat.VecDense
		b.SubVec(al.B(u), r.ring.TrueB(u[0]))
		dA = math.Max(dA, mat.Norm(&a, math.Inf(1)))
		dB = math.Max(dB, mat.Norm(&b, math.Inf(1)))
	}
	var q mat.Dense
	q.Sub(al.Q(), mat.NewDiagDense(2, []float64{0.04, 0.04}))
	dQ := mat.Norm(&q, math.Inf(1))
	t.Logf("aligned fit: ‖ΔA‖∞ %.4f, ‖Δb‖∞ %.4f, ‖ΔQ‖∞ %.4f", dA, dB, dQ)
	if dA > 0.1 || dB > 0.2 || dQ > 0.01 {
		t.Errorf("aligned fit is off: ‖ΔA‖∞ %.3f (want <= 0.1), ‖Δb‖∞ %.3f (<= 0.2), ‖ΔQ‖∞ %.4f (<= 0.01)", dA, dB, dQ)
	}
}

// TestTransformAndAlignToRejectBadInput checks the error messages (oracle:
// the message text names the argument and its shape).
func TestTransformAndAlignToRejectBadInput(t *testing.T) {
	m := fullGPModel(t)
	for _, c := range []struct {
		err  error
		want string
	}{
		{second(m.Transform(mat.NewDense(3, 2, nil))), "S is 3×2, want D×D = 2×2"},
		{second(m.Transform(mat.NewDense(2, 2, []float64{1, 2, 2, 4}))), "S is singular"},
		{second(m.AlignTo(must(NewModel(rand.New(rand.NewPCG(1, 1)), RingConfig(), 9)), []float64{0})), "ref has D=2, N=9, the model D=2, N=10"},
		{second(m.AlignTo(m, nil)), "u has length 0, want 1"},
		{second(m.AlignTo(nil, nil)), "ref is nil"},
		{second(m.TransformAffine(eyeDense(2), mat.NewVecDense(3, nil))), "c has length 3, want D=2"},
		{second(must(NewModel(rand.New(rand.NewPCG(1, 1)), Config{Latent: 2, Basis: RingConfig().Basis, A: GP, B: Static, C: Static}, 10)).TransformAffine(eyeDense(2), mat.NewVecDense(2, []float64{1, 0}))),
			"b is static, so it cannot absorb"},
		{second(must(NewModel(rand.New(rand.NewPCG(1, 1)), Config{Latent: 2, A: Static, C: Static, D: Zero}, 10)).TransformAffine(eyeDense(2), mat.NewVecDense(2, []float64{1, 0}))),
			"d is zero, so it cannot absorb"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q", c.err, c.want)
		}
	}
}

func second(_ *Model, err error) error { return err }
