package clds

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/run"
)

// TestFitIsIdenticalForAnyNumberOfWorkers checks that the parallel E-step
// sums trials in an order that does not depend on the number of workers:
// with 1, 2 and 7 workers every recorded objective and every fitted weight
// are equal bit for bit (oracle: the one-worker run). 70 trials make more
// chunks than workers.
func TestFitIsIdenticalForAnyNumberOfWorkers(t *testing.T) {
	ring := smallRing(t, 21, 70, 20)
	cfg := RingConfig()
	cfg.C = GP
	init := must(NewModel(rand.New(rand.NewPCG(1, 1)), cfg, 10))
	var ref *Result
	for _, w := range []int{1, 2, 7} {
		res, err := Fit(init, ring.Trials, &Settings{MaxIterations: 8, Tolerance: -1, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = res
			continue
		}
		for k := range ref.Trace {
			if res.Trace[k] != ref.Trace[k] || res.LogLik[k] != ref.LogLik[k] {
				t.Fatalf("%d workers: iteration %d objective %v / %v, one worker %v / %v", w, k, res.Trace[k], res.LogLik[k], ref.Trace[k], ref.LogLik[k])
			}
		}
		a, b := res.Model.Weights, ref.Model.Weights
		for _, p := range [][2][]float64{{a.A, b.A}, {a.B, b.B}, {a.C, b.C}, {a.D, b.D}, {a.M0, b.M0}, {a.Q, b.Q}, {a.R, b.R}, {a.S0, b.S0}} {
			for i := range p[0] {
				if p[0][i] != p[1][i] {
					t.Fatalf("%d workers: a weight differs from the one-worker fit: %v vs %v", w, p[0][i], p[1][i])
				}
			}
		}
	}
}

// TestLogLikIsTheEStepsLikelihoodWithoutStatistics checks that LogLik
// (filter only, no sufficient statistics) returns the marginal
// log-likelihood the E-step's smoother computes (oracle: the E-step) and
// that a model's LogLik does not change with the number of cores it runs
// on (it sums trials in order).
func TestLogLikIsTheEStepsLikelihoodWithoutStatistics(t *testing.T) {
	ring := smallRing(t, 22, 9, 30)
	cfg := RingConfig()
	cfg.C, cfg.D = GP, GP
	m := must(NewModel(rand.New(rand.NewPCG(2, 2)), cfg, 10))
	st, err := newEStep(m, ring.Trials, 3).run(m)
	if err != nil {
		t.Fatal(err)
	}
	ll := must(m.LogLik(ring.Trials))
	if math.Abs(ll-st.ll) > 1e-10*math.Abs(ll) {
		t.Fatalf("LogLik %.12g, E-step %.12g", ll, st.ll)
	}
	per := must(m.LogLikPerBin(ring.Trials))
	if per != ll/float64(9*30) {
		t.Fatalf("LogLikPerBin %v, want %v", per, ll/270)
	}
}

// TestRingModelIsTheTruth checks Ring.Model against the simulator's own
// parameters (oracle: TrueA, TrueB, the truth's log-likelihood computed by
// package lds from the simulator's parameters directly).
func TestRingModelIsTheTruth(t *testing.T) {
	ring := smallRing(t, 23, 6, 40)
	truth := must(ring.Model())
	for _, u := range Grid(0, 2*math.Pi, 37) {
		if !mat.EqualApprox(truth.A(u), ring.TrueA(u[0]), 1e-12) || !mat.EqualApprox(truth.B(u), ring.TrueB(u[0]), 1e-12) ||
			!mat.EqualApprox(truth.M0(u), ring.TrueB(u[0]), 1e-12) {
			t.Fatalf("θ=%v: A, b or m0 differ from the simulator's", u[0])
		}
		y := must(truth.ObsFixedPoint(u))
		if !mat.EqualApprox(y, ring.TrueObsFixedPoint(u[0]), 1e-10) {
			t.Fatalf("θ=%v: observation-space fixed point %v, want %v", u[0], y.RawVector().Data, ring.TrueObsFixedPoint(u[0]).RawVector().Data)
		}
	}
	l1, l2 := must(truth.LogLik(ring.Trials)), must(ring.LogLik(ring.Trials))
	if math.Abs(l1-l2) > 1e-10*math.Abs(l2) {
		t.Fatalf("truth as a CLDS: log-likelihood %.12g, simulator's %.12g", l1, l2)
	}
	rec := must(truth.Recovery(truth, Grid(0, 2*math.Pi, 20)))
	if rec.EigenvalueMaxError != 0 || rec.FixedPointRelError != 0 || rec.AMaxAbsError != 0 {
		t.Fatalf("the truth does not recover itself exactly: %+v", rec)
	}
}

// TestCoverageOfTheTrueModelIsNominal checks Coverage against a count made
// from lds.Posterior.Bands (oracle: the marginal posterior moments) and,
// with the true model on its own data, that about 95% of the true latents
// fall in the 95% band (4000 checks; the band is exact for the true
// model, so the fraction is binomial-like around 0.95).
func TestCoverageOfTheTrueModelIsNominal(t *testing.T) {
	ring := smallRing(t, 24, 20, 100)
	truth := must(ring.Model())
	cov := must(truth.Coverage(ring.Trials, ring.Latents, 0.95))
	var in, all int
	for b, tr := range ring.Trials {
		p := must(truth.Smooth(tr))
		for i, band := range p.Bands(1.959963984540054) {
			for k := range band.Mean {
				if x := ring.Latents[b].At(k, i); x >= band.Lower[k] && x <= band.Upper[k] {
					in++
				}
				all++
			}
		}
	}
	if want := float64(in) / float64(all); math.Abs(cov-want) > 1e-12 {
		t.Fatalf("Coverage %v, counted from the bands %v", cov, want)
	}
	t.Logf("coverage of the true model's 95%% band: %.4f over %d values", cov, all)
	if cov < 0.93 || cov > 0.97 {
		t.Errorf("the true model's 95%% band covers %.3f of the true latents", cov)
	}
	if _, err := truth.Coverage(ring.Trials, ring.Latents[:3], 0.95); err == nil || !strings.Contains(err.Error(), "3 latent paths for 20 trials") {
		t.Errorf("mismatched latents: %v", err)
	}
}

// TestEigenAngleCurvesAreContinuous checks the unwrapping on the truth,
// whose slow eigenvector turns with the heading: consecutive angles differ
// by exactly the grid step (oracle: the slow eigenvector of
// 0.9 v(θ)v(θ)ᵀ is v(θ), at θ + 90°).
func TestEigenAngleCurvesAreContinuous(t *testing.T) {
	truth := must(smallRing(t, 25, 1, 5).Model())
	grid := Grid(0, 2*math.Pi, 90)
	curves := must(truth.EigenAngleCurves(grid, [][]float64{{0}, {90}}))
	for i, c := range curves {
		for k := range c {
			want := grid[k][0]*180/math.Pi + 90*float64(i)
			if math.Abs(c[k]-want) > 1e-8 {
				t.Fatalf("mode %d at θ=%.1f°: angle %.6f, want %.6f", i, grid[k][0]*180/math.Pi, c[k], want)
			}
		}
	}
}

// TestGridSeriesAndPathsMatchTheModel checks the chart-ready series of
// OnGrid against the matrices they come from, and that a noise-free path
// relaxes to the fixed point at the rate of the slow eigenvalue (oracle:
// (x_t − x*) = A(θ)^t (x_0 − x*)).
func TestGridSeriesAndPathsMatchTheModel(t *testing.T) {
	truth := must(smallRing(t, 26, 1, 5).Model())
	g := must(truth.Evaluate(Grid(0, 2*math.Pi, 8)))
	a, b, ev, fp := g.AEntries(), g.BEntries(), g.EigenvalueCurves(), g.FixedPointPath()
	th := g.Condition(0)
	for k := range g.U {
		if a[1][k] != g.A[k].At(0, 1) || b[1][k] != g.B[k].AtVec(1) || ev[1][k] != real(g.Eigenvalues[k][1]) ||
			fp.At(k, 0) != g.FixedPoints[k].AtVec(0) || th[k] != g.U[k][0] {
			t.Fatalf("grid point %d: series disagree with the matrices", k)
		}
	}
	u := []float64{1}
	x0 := []float64{0.3, -1.2}
	path := must(truth.Path(u, x0, 40))
	x := must(truth.FixedPoint(u))
	var dev, ad mat.VecDense
	dev.SubVec(mat.NewVecDense(2, x0), x)
	var at mat.Dense
	at.Pow(truth.A(u), 39)
	ad.MulVec(&at, &dev)
	ad.AddVec(&ad, x)
	if !mat.EqualApprox(mat.NewVecDense(2, path.RawRowView(39)), &ad, 1e-12) {
		t.Fatalf("x_39 = %v, want %v", path.RawRowView(39), ad.RawVector().Data)
	}
}

// TestFitProgressNamesItsMetricAndCanStop checks the run.Progress contract:
// steps carry the metric "log-joint" and the value recorded in Trace;
// run.ErrStop stops without an error; any other error is returned with the
// Result (oracle: the documented contract).
func TestFitProgressNamesItsMetricAndCanStop(t *testing.T) {
	ring := smallRing(t, 27, 4, 30)
	init := must(NewModel(rand.New(rand.NewPCG(1, 1)), RingConfig(), 10))
	var last run.Step
	res, err := Fit(init, ring.Trials, &Settings{MaxIterations: 30, Tolerance: -1, Progress: func(s run.Step) error {
		last = s
		if s.Iteration == 4 {
			return run.ErrStop
		}
		return nil
	}})
	if err != nil || res.Status != run.Stopped || res.Iterations != 4 {
		t.Fatalf("ErrStop: %v, status %v after %d iterations", err, res.Status, res.Iterations)
	}
	if last.Metric != "log-joint" || last.Value != res.Trace[4] || res.Objective != res.Trace[4] || len(res.LogLik) != 5 {
		t.Fatalf("last step %+v, trace %v, objective %v", last, res.Trace, res.Objective)
	}
	boom := errors.New("out of patience")
	res, err = Fit(init, ring.Trials, &Settings{Progress: func(run.Step) error { return boom }})
	if !errors.Is(err, boom) || res == nil || res.Status != run.Stopped || res.Model == nil {
		t.Fatalf("failing progress: %v, %+v", err, res)
	}
}

// TestNilAndMisshapenArgumentsAreErrors checks that every public entry
// reports a nil model, nil arguments and mismatched shapes with an error
// naming the argument (oracle: the message text), instead of panicking.
func TestNilAndMisshapenArgumentsAreErrors(t *testing.T) {
	ring := smallRing(t, 28, 2, 10)
	tr := ring.Trials[0]
	m := must(NewModel(rand.New(rand.NewPCG(1, 1)), RingConfig(), 10))
	var nilM *Model
	rng := rand.New(rand.NewPCG(1, 2))
	e := func(_ any, err error) error { return err }
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"Fit(nil)", e(Fit(nil, ring.Trials, nil)), "Fit: init is nil"},
		{"nil.LogLik", e(nilM.LogLik(ring.Trials)), "model is nil"},
		{"nil.Smooth", e(nilM.Smooth(tr)), "model is nil"},
		{"nil.Filter", e(nilM.Filter(tr)), "model is nil"},
		{"nil.FlowField", e(nilM.FlowField([]float64{0}, -1, 1, 3)), "model is nil"},
		{"nil.Evaluate", e(nilM.Evaluate(Grid(0, 1, 3))), "model is nil"},
		{"nil.Transform", e(nilM.Transform(mat.NewDense(2, 2, nil))), "model is nil"},
		{"nil.Save", nilM.Save(&strings.Builder{}), "model is nil"},
		{"nil.ValidateTrials", nilM.ValidateTrials(ring.Trials), "model is nil"},
		{"Sample(nil rng)", e2(m.Sample(nil, 10, tr.U)), "rng is nil"},
		{"Sample(u rows)", e2(m.Sample(rng, 5, tr.U)), "u has 10 rows, want T=5"},
		{"Sample(no u)", e2(m.Sample(rng, 5, nil)), "u is nil"},
		{"Forecast(future rows)", e(m.Forecast(tr, 3, mat.NewDense(2, 1, nil))), "future is 2×1, want steps×M = 3×1"},
		{"Forecast(nil future)", e(m.Forecast(tr, 3, nil)), "future is nil"},
		{"Evaluate(u length)", e(m.Evaluate([][]float64{{0}, {1, 2}})), "condition grid[1] has length 2"},
		{"FlowField(u)", e(m.FlowField(nil, -1, 1, 3)), "condition u has length 0"},
		{"FixedPoint(NaN)", e(m.FixedPoint([]float64{math.NaN()})), "condition u[0] is NaN"},
		{"Path(x0)", e(m.Path([]float64{0}, []float64{1}, 3)), "x0 has length 1"},
		{"Recovery(nil)", e(m.Recovery(nil, Grid(0, 1, 2))), "truth is nil"},
		{"Coverage(level)", e(m.Coverage(ring.Trials, ring.Latents, 1.5)), "level=1.5"},
		{"Load(nil)", e(Load(nil, nil)), "r is nil"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, c.err, c.want)
		}
	}
}

func e2(_, _ any, err error) error { return err }

// TestFlatKindHasNoPriorAndRoundTrips checks the Flat kind: its weights
// are not in the log-prior, a Flat model saves and loads, and with the
// same seed it starts from the GP model's weights (so the two are
// compared from the same initialisation).
func TestFlatKindHasNoPriorAndRoundTrips(t *testing.T) {
	gp := must(NewModel(rand.New(rand.NewPCG(3, 3)), RingConfig(), 10))
	cfg := RingConfig()
	cfg.A, cfg.B = Flat, Flat
	flat := must(NewModel(rand.New(rand.NewPCG(3, 3)), cfg, 10))
	for i := range gp.Weights.A {
		if gp.Weights.A[i] != flat.Weights.A[i] {
			t.Fatal("Flat and GP models from one seed start from different weights")
		}
	}
	onlyM0 := gp.Clone()
	onlyM0.Config.A, onlyM0.Config.B = Static, Static
	onlyM0.Weights.A, onlyM0.Weights.B = make([]float64, 4), make([]float64, 2)
	if flat.LogPrior() != onlyM0.LogPrior() || flat.LogPrior() == gp.LogPrior() {
		t.Fatalf("log-prior of the Flat model %v, of its m0 alone %v, of the GP model %v", flat.LogPrior(), onlyM0.LogPrior(), gp.LogPrior())
	}
	data := must(flat.MarshalJSON())
	var back Model
	if err := back.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	if back.Config.A != Flat || !mat.Equal(back.A([]float64{1}), flat.A([]float64{1})) {
		t.Fatalf("round trip lost the Flat kind or its weights: %v", back.Config.A)
	}
}

// TestFitNewDrawsItsStartFromSettingsSeed checks that FitNew is NewModel
// on the stream PCG(Settings.Seed, 1) followed by Fit (oracle: the two
// calls made by hand, compared bit for bit), and that NewModel rejects a
// nil rng.
func TestFitNewDrawsItsStartFromSettingsSeed(t *testing.T) {
	ring := smallRing(t, 29, 5, 30)
	set := &Settings{Seed: 7, MaxIterations: 5, Tolerance: -1}
	got := must(FitNew(RingConfig(), ring.Trials, set))
	want := must(Fit(must(NewModel(rand.New(rand.NewPCG(7, 1)), RingConfig(), 10)), ring.Trials, set))
	for k := range want.Trace {
		if got.Trace[k] != want.Trace[k] {
			t.Fatalf("iteration %d: FitNew %v, NewModel+Fit %v", k, got.Trace[k], want.Trace[k])
		}
	}
	if _, err := NewModel(nil, RingConfig(), 10); err == nil || !strings.Contains(err.Error(), "rng is nil") {
		t.Errorf("nil rng: %v", err)
	}
	if _, err := FitNew(RingConfig(), nil, nil); err == nil || !strings.Contains(err.Error(), "trials is empty") {
		t.Errorf("no trials: %v", err)
	}
}
