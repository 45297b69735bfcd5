package clds

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/lds"
	"github.com/neuronb/neuronb/neuro/run"
)

// TestSylvesterMatchesKroneckerMAP compares SolveSylvester with the MAP
// written as one dense linear system in vec(W) (column-major):
// (I ⊗ G + S ⊗ Λ) vec(W) = vec(H) (oracle: gonum dense solve).
func TestSylvesterMatchesKroneckerMAP(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	for _, c := range []struct {
		p, k  int
		prior func(i int) float64
	}{
		{27, 2, func(int) float64 { return 1 }},
		{12, 5, func(i int) float64 { return float64(i % 2) }}, // mixed GP/static rows
		{9, 31, func(int) float64 { return 0.3 }},
		{6, 3, func(int) float64 { return 0 }},
	} {
		zx := randMat(rng, 3*c.p, c.p)
		g := mat.NewSymDense(c.p, nil)
		g.SymOuterK(1, zx.T())
		s := randSPDMat(rng, c.k)
		h := randMat(rng, c.p, c.k)
		prec := make([]float64, c.p)
		for i := range prec {
			prec[i] = c.prior(i)
		}
		w, res, err := SolveSylvester(g, prec, s, h)
		if err != nil {
			t.Fatal(err)
		}
		pk := c.p * c.k
		big := mat.NewDense(pk, pk, nil)
		rhs := mat.NewVecDense(pk, nil)
		for j := 0; j < c.k; j++ {
			for i := 0; i < c.p; i++ {
				rhs.SetVec(j*c.p+i, h.At(i, j))
				for jj := 0; jj < c.k; jj++ {
					for ii := 0; ii < c.p; ii++ {
						v := 0.0
						if j == jj {
							v += g.At(i, ii)
						}
						if i == ii {
							v += s.At(j, jj) * prec[i]
						}
						big.Set(j*c.p+i, jj*c.p+ii, v)
					}
				}
			}
		}
		var vec mat.VecDense
		if err := vec.SolveVec(big, rhs); err != nil {
			t.Fatal(err)
		}
		var worst float64
		for j := 0; j < c.k; j++ {
			for i := 0; i < c.p; i++ {
				worst = math.Max(worst, math.Abs(w.At(i, j)-vec.AtVec(j*c.p+i))/math.Max(1, math.Abs(vec.AtVec(j*c.p+i))))
			}
		}
		if worst > 1e-10 || res > 1e-12 {
			t.Errorf("P=%d K=%d: differs from the Kronecker solve by %.3g, residual %.3g", c.p, c.k, worst, res)
		}
		t.Logf("P=%d K=%d: max difference %.2g, residual %.2g", c.p, c.k, worst, res)
	}
}

func randMat(rng *rand.Rand, r, c int) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			m.Set(i, j, rng.NormFloat64())
		}
	}
	return m
}

func randSPDMat(rng *rand.Rand, n int) *mat.SymDense {
	a := randMat(rng, n, n)
	s := mat.NewSymDense(n, nil)
	s.SymOuterK(1.0/float64(n), a)
	for i := 0; i < n; i++ {
		s.SetSym(i, i, s.At(i, i)+0.5)
	}
	return s
}

// smallRing returns a short ring data set for fast tests.
func smallRing(t testing.TB, seed uint64, trials, steps int) *Ring {
	r, err := SimulateRing(&RingSettings{Trials: trials, Steps: steps, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestFisherIdentityMatchesFiniteDifferences checks the gradient of the
// marginal log-likelihood with respect to the basis weights of A, b and C
// (oracle: central finite differences of the Kalman log-likelihood)
// against the smoothed-statistics formula ∂ log p(Y|θ)/∂W = (ZY − ZZ W) Σ⁻¹
// (Σ = Q for [A, b], R for [C, d]).
func TestFisherIdentityMatchesFiniteDifferences(t *testing.T) {
	ring := smallRing(t, 3, 6, 40)
	cfg := RingConfig()
	cfg.C = GP
	cfg.D = GP
	m, err := NewModel(rand.New(rand.NewPCG(5, 5)), cfg, 10)
	if err != nil {
		t.Fatal(err)
	}
	m.Weights.Q = []float64{0.3, 0.05, 0.05, 0.2}
	for i := range m.Weights.A {
		m.Weights.A[i] *= 0.5
	}
	trials := ring.Trials
	e := newEStep(m, trials, 2)
	total, err := e.run(m)
	if err != nil {
		t.Fatal(err)
	}
	grad := func(r *regression, w []float64, noise []float64) *mat.Dense {
		zz := mat.NewDense(r.p, r.p, r.zz)
		zy := mat.NewDense(r.p, r.k, r.zy)
		wm := mat.NewDense(r.p, r.k, w)
		var g mat.Dense
		g.Mul(zz, wm)
		g.Sub(zy, &g)
		var inv mat.Dense
		if err := inv.Inverse(symOf(noise, r.k)); err != nil {
			t.Fatal(err)
		}
		var out mat.Dense
		out.Mul(&g, &inv)
		return &out
	}
	d, n, L := 2, 10, cfg.Basis.Len()
	// Pack current weights in regression layout.
	wd := make([]float64, (L*d+L)*d)
	for l := 0; l < L; l++ {
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				wd[(l*d+i)*d+j] = m.Weights.A[(l*d+j)*d+i]
			}
		}
		for j := 0; j < d; j++ {
			wd[(L*d+l)*d+j] = m.Weights.B[l*d+j]
		}
	}
	we := make([]float64, (L*d+L)*n)
	for l := 0; l < L; l++ {
		for i := 0; i < d; i++ {
			for j := 0; j < n; j++ {
				we[(l*d+i)*n+j] = m.Weights.C[(l*n+j)*d+i]
			}
		}
		for j := 0; j < n; j++ {
			we[(L*d+l)*n+j] = m.Weights.D[l*n+j]
		}
	}
	gd := grad(total.dyn, wd, m.Weights.Q)
	ge := grad(total.emi, we, m.Weights.R)
	ll := func() float64 {
		v, err := m.LogLik(trials)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	const h = 1e-5
	fd := func(x []float64, k int) float64 {
		v := x[k]
		x[k] = v + h
		up := ll()
		x[k] = v - h
		dn := ll()
		x[k] = v
		return (up - dn) / (2 * h)
	}
	var worst float64
	check := func(name string, got, want float64) {
		e := math.Abs(got-want) / math.Max(1, math.Abs(want))
		worst = math.Max(worst, e)
		if e > 1e-6 {
			t.Errorf("%s: formula %.10g, finite differences %.10g", name, got, want)
		}
	}
	for _, l := range []int{0, 3, 8} {
		check("A", gd.At(l*d+1, 0), fd(m.Weights.A, (l*d+0)*d+1))
		check("b", gd.At(L*d+l, 1), fd(m.Weights.B, l*d+1))
		check("C", ge.At(l*d+0, 4), fd(m.Weights.C, (l*n+4)*d+0))
		check("d", ge.At(L*d+l, 7), fd(m.Weights.D, l*n+7))
	}
	t.Logf("largest relative difference %.2g", worst)
}

// TestConstantBasisReducesToLDSEM checks that a CLDS with the constant
// basis φ ≡ 1 and no prior is the plain LDS: ten ECM iterations give the
// parameters and log-likelihoods of lds.Fit's EM (oracle: package lds's
// independent EM, itself checked against the dense Gaussian).
func TestConstantBasisReducesToLDSEM(t *testing.T) {
	ring := smallRing(t, 4, 10, 30)
	trials := ring.Trials
	trials[3].Mask = make([]bool, trials[3].Len())
	for k := range trials[3].Mask {
		trials[3].Mask[k] = k%4 != 1
	}
	cfg := Config{Latent: 2, Basis: Constant{M: 1}, A: GP, B: GP, C: GP, D: GP, M0: GP, Lambda: NoPrior}
	m, err := NewModel(rand.New(rand.NewPCG(6, 6)), cfg, 10)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Fit(m, trials, &Settings{MaxIterations: 10, Tolerance: -1})
	if err != nil {
		t.Fatal(err)
	}
	lm, _, err := m.LDS(trials[0])
	if err != nil {
		t.Fatal(err)
	}
	lm.B = mat.NewVecDense(2, append([]float64(nil), m.Weights.B...))
	lm.D = mat.NewVecDense(10, append([]float64(nil), m.Weights.D...))
	lm.A = mat.NewDense(2, 2, append([]float64(nil), m.Weights.A...))
	lm.C = mat.NewDense(10, 2, append([]float64(nil), m.Weights.C...))
	lm.M0 = mat.NewVecDense(2, append([]float64(nil), m.Weights.M0...))
	lt := make([]lds.Trial, len(trials))
	for i, tr := range trials {
		lt[i] = lds.Trial{Y: tr.Y, Mask: tr.Mask}
	}
	lres, err := lds.Fit(lm, lt, &lds.Settings{MaxIterations: 10, Tolerance: -1})
	if err != nil {
		t.Fatal(err)
	}
	var worst float64
	for k := range res.LogLik {
		worst = math.Max(worst, math.Abs(res.LogLik[k]-lres.Trace[k])/math.Abs(lres.Trace[k]))
	}
	fm := lres.Model
	cmp := func(name string, got []float64, want mat.Matrix) {
		r, c := want.Dims()
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				e := math.Abs(got[i*c+j]-want.At(i, j)) / math.Max(1, math.Abs(want.At(i, j)))
				worst = math.Max(worst, e)
				if e > 1e-8 {
					t.Errorf("%s[%d,%d]: CLDS %.12g, LDS EM %.12g", name, i, j, got[i*c+j], want.At(i, j))
					return
				}
			}
		}
	}
	w := res.Model.Weights
	cmp("A", w.A, fm.A)
	cmp("b", w.B, fm.B)
	cmp("C", w.C, fm.C)
	cmp("d", w.D, fm.D)
	cmp("m0", w.M0, fm.M0)
	cmp("Q", w.Q, fm.Q)
	cmp("R", w.R, fm.R)
	cmp("S0", w.S0, fm.S0)
	if worst > 1e-8 {
		t.Errorf("largest relative difference %.3g", worst)
	}
	t.Logf("largest relative difference to lds.Fit over 10 iterations: %.2g", worst)
}

// TestECMObjectiveNeverDecreases runs 200 ECM iterations on 5 seeds, with
// every parameter a GP (A, b, C, d, m0) so every conditional maximisation
// is exercised, and checks that the objective never decreases by more
// than 1e-9 relative (oracle: the ECM monotonicity theorem).
func TestECMObjectiveNeverDecreases(t *testing.T) {
	iters := 200
	for seed := uint64(1); seed <= 5; seed++ {
		ring := smallRing(t, seed+10, 8, 40)
		cfg := RingConfig()
		cfg.C, cfg.D = GP, GP
		cfg.Lambda = 0.5 + float64(seed)
		m, err := NewModel(rand.New(rand.NewPCG(seed, 0)), cfg, 10)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Fit(m, ring.Trials, &Settings{MaxIterations: iters, Tolerance: -1})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if res.Iterations != iters || len(res.Trace) != iters+1 || res.Objective != res.Trace[iters] {
			t.Fatalf("seed %d: %d iterations, %d objectives", seed, res.Iterations, len(res.Trace))
		}
		checkMonotone(t, res.Trace)
		// The recorded objective is the returned model's.
		ll, err := res.Model.LogLik(ring.Trials)
		if err != nil {
			t.Fatal(err)
		}
		if got := ll + res.Model.LogPrior(); math.Abs(got-res.Objective) > 1e-9*math.Abs(got) {
			t.Fatalf("seed %d: final objective %.12g, recomputed %.12g", seed, res.Objective, got)
		}
	}
}

// TestMultiDimensionalConditions fits a model over a 2-D condition
// (torus basis, L = 2(3²−1)+1 = 17) and checks the ECM invariant and that
// the basis has the reference's size.
func TestMultiDimensionalConditions(t *testing.T) {
	b, err := NewFourier(FourierSettings{Frequencies: 3, Sigma: 1, Kappa: 0.2, Period: []float64{2 * math.Pi, 4}})
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() != 17 || b.Dim() != 2 {
		t.Fatalf("torus basis has L=%d, M=%d, want 17, 2", b.Len(), b.Dim())
	}
	ring := smallRing(t, 7, 6, 40)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range ring.Trials {
		T := ring.Trials[i].Len()
		u := mat.NewDense(T, 2, nil)
		for k := 0; k < T; k++ {
			u.Set(k, 0, ring.Trials[i].U.At(k, 0))
			u.Set(k, 1, 3*rng.Float64())
		}
		ring.Trials[i].U = u
	}
	cfg := Config{Latent: 2, Basis: b, A: GP, B: GP, C: Static, D: Static, M0: Static}
	m := must(NewModel(rand.New(rand.NewPCG(3, 3)), cfg, 10))
	res, err := Fit(m, ring.Trials, &Settings{MaxIterations: 50, Tolerance: -1})
	if err != nil {
		t.Fatal(err)
	}
	checkMonotone(t, res.Trace)
	if res.Trace[50] <= res.Trace[0] {
		t.Fatalf("objective did not improve: %v -> %v", res.Trace[0], res.Trace[50])
	}
}

// TestNumericalFailureReturnsLastGoodParameters feeds a silent neuron
// (all zeros): after one M-step its residual variance is exactly zero, R
// is singular, and the fit must stop with NumericalFailure, a message
// saying why, and the parameters of the last good iteration.
func TestNumericalFailureReturnsLastGoodParameters(t *testing.T) {
	ring := smallRing(t, 8, 5, 30)
	for _, tr := range ring.Trials {
		for k := 0; k < tr.Len(); k++ {
			tr.Y.Set(k, 3, 0)
		}
	}
	m := must(NewModel(rand.New(rand.NewPCG(1, 1)), RingConfig(), 10))
	res, err := Fit(m, ring.Trials, &Settings{MaxIterations: 20})
	if err == nil || res == nil {
		t.Fatalf("want a numerical failure, got err=%v", err)
	}
	if res.Status != run.NumericalFailure {
		t.Fatalf("status %v, want NumericalFailure", res.Status)
	}
	if !strings.Contains(err.Error(), "R is not positive definite") || !strings.Contains(err.Error(), "iteration 1") {
		t.Errorf("unhelpful message: %v", err)
	}
	if res.Model.Validate() != nil || len(res.Trace) != res.Iterations+1 || len(res.LogLik) != len(res.Trace) {
		t.Errorf("returned model is not the last good one: %v, %d objectives after %d iterations", res.Model.Validate(), len(res.Trace), res.Iterations)
	}
	ll, err := res.Model.LogLik(ring.Trials)
	if err != nil || math.Abs(ll-res.LogLik[len(res.LogLik)-1]) > 1e-9*math.Abs(ll) {
		t.Errorf("returned model's log-likelihood %v (%v), recorded %v", ll, err, res.LogLik)
	}
}

// must returns v, panicking on err: for test set-up whose failure is a bug
// in the test (a panic fails the test with the error).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
