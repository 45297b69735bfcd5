package lds

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/em"
	"github.com/neuronb/neuronb/neuro/run"
)

func sampleTrials(t testing.TB, m *Model, rng *rand.Rand, nTrials, T int) []Trial {
	trials := make([]Trial, nTrials)
	for i := range trials {
		_, y, err := m.Sample(rng, T+i%5, nil)
		if err != nil {
			t.Fatal(err)
		}
		trials[i] = Trial{Y: y}
	}
	return trials
}

// TestFitLogLikNeverDecreases checks the EM invariant: the marginal
// log-likelihood (computed by the filter, itself checked against the dense
// Gaussian) is non-decreasing, on ragged trials with missing bins.
func TestFitLogLikNeverDecreases(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		rng := rand.New(rand.NewPCG(seed, 1))
		truth := randModel(rng, 2, 6)
		trials := sampleTrials(t, truth, rng, 12, 40)
		for i := range trials {
			trials[i].Mask = make([]bool, trials[i].Len())
			for k := range trials[i].Mask {
				trials[i].Mask[k] = rng.Float64() > 0.1
			}
		}
		init := randModel(rng, 2, 6)
		res, err := Fit(init, trials, &Settings{MaxIterations: 60, Tolerance: -1})
		if err != nil {
			t.Fatal(err)
		}
		for k := 1; k < len(res.Trace); k++ {
			if res.Trace[k] < res.Trace[k-1]-em.DecreaseTolerance*math.Abs(res.Trace[k-1]) {
				t.Fatalf("seed %d: log-likelihood decreased at iteration %d: %v -> %v", seed, k, res.Trace[k-1], res.Trace[k])
			}
		}
		if res.Status != run.IterationLimit || res.Iterations != 60 || len(res.Trace) != 61 {
			t.Fatalf("status %v after %d iterations with %d log-likelihoods", res.Status, res.Iterations, len(res.Trace))
		}
		ll, err := res.Model.LogLik(trials)
		if err != nil {
			t.Fatal(err)
		}
		if relErr(ll, res.Trace[60]) > 1e-12 {
			t.Fatalf("last recorded log-likelihood %v is not the returned model's %v", res.Trace[60], ll)
		}
	}
}

// expectedCompleteLL computes E_q[log p(X, Y | m)] under fixed smoothed
// posteriors q, from the Gaussian identity E[r rᵀ] = H Σ Hᵀ + (Hμ − c)(Hμ − c)ᵀ
// for residuals r = H z − c that are linear in z = (x_t, x_{t+1}). It is
// written independently of the statistics that Fit accumulates.
func expectedCompleteLL(m *Model, trials []Trial, posts []*Posterior) float64 {
	d, _ := m.Dims()
	gauss := func(cov *mat.SymDense, err *mat.Dense) float64 {
		var ch mat.Cholesky
		if !ch.Factorize(cov) {
			return math.Inf(-1)
		}
		var sol mat.Dense
		if e := ch.SolveTo(&sol, err); e != nil {
			return math.Inf(-1)
		}
		k, _ := cov.Dims()
		return -0.5 * (float64(k)*math.Log(2*math.Pi) + ch.LogDet() + mat.Trace(&sol))
	}
	var total float64
	for b, tr := range trials {
		p := posts[b]
		T := p.T
		// Initial state.
		r := mat.NewVecDense(d, nil)
		r.SubVec(p.MeanAt(0), m.M0)
		e := mat.NewDense(d, d, nil)
		e.Outer(1, r, r)
		e.Add(e, p.CovAt(0))
		total += gauss(m.S0, e)
		for t := 0; t < T-1; t++ {
			// z = (x_t, x_{t+1}), H = [−A, I], c = b.
			sz := mat.NewDense(2*d, 2*d, nil)
			mz := mat.NewVecDense(2*d, nil)
			vt, vn := p.CovAt(t), p.CovAt(t+1)
			mt, mn := p.MeanAt(t), p.MeanAt(t+1)
			cross := p.CrossAt(t)
			for i := 0; i < d; i++ {
				mz.SetVec(i, mt.AtVec(i))
				mz.SetVec(d+i, mn.AtVec(i))
				for j := 0; j < d; j++ {
					sz.Set(i, j, vt.At(i, j))
					sz.Set(d+i, d+j, vn.At(i, j))
					c := cross.At(i, j) - mt.AtVec(i)*mn.AtVec(j)
					sz.Set(i, d+j, c)
					sz.Set(d+j, i, c)
				}
			}
			h := mat.NewDense(d, 2*d, nil)
			for i := 0; i < d; i++ {
				for j := 0; j < d; j++ {
					h.Set(i, j, -m.A.At(i, j))
				}
				h.Set(i, d+i, 1)
			}
			var hs, hsh mat.Dense
			hs.Mul(h, sz)
			hsh.Mul(&hs, h.T())
			var hm mat.VecDense
			hm.MulVec(h, mz)
			hm.SubVec(&hm, m.B)
			hsh.RankOne(&hsh, 1, &hm, &hm)
			total += gauss(m.Q, &hsh)
		}
		for t := 0; t < T; t++ {
			if !tr.observed(t) {
				continue
			}
			var cv, cvc mat.Dense
			cv.Mul(m.C, p.CovAt(t))
			cvc.Mul(&cv, m.C.T())
			var res mat.VecDense
			res.MulVec(m.C, p.MeanAt(t))
			res.AddVec(&res, m.D)
			res.SubVec(tr.Y.RowView(t), &res)
			cvc.RankOne(&cvc, 1, &res, &res)
			total += gauss(m.R, &cvc)
		}
	}
	return total
}

// TestMStepMaximisesExpectedCompleteLogLik checks each M-step of Fit
// against its definition: the new parameters maximise E_q[log p(X, Y)]
// under the posterior of the old ones (oracle: expectedCompleteLL, an
// independent formula, with central finite differences and random
// perturbations of every parameter block).
func TestMStepMaximisesExpectedCompleteLogLik(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	d, n := 2, 4
	truth := randModel(rng, d, n)
	trials := sampleTrials(t, truth, rng, 8, 30)
	trials[2].Mask = make([]bool, trials[2].Len())
	for k := range trials[2].Mask {
		trials[2].Mask[k] = k%3 != 0
	}
	old := randModel(rng, d, n)
	posts := make([]*Posterior, len(trials))
	for i := range trials {
		p, err := old.Smooth(trials[i])
		if err != nil {
			t.Fatal(err)
		}
		posts[i] = p
	}
	res, err := Fit(old, trials, &Settings{MaxIterations: 1, Tolerance: -1})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Model
	q0 := expectedCompleteLL(m, trials, posts)
	const h = 1e-5
	var worst float64
	probe := func(name string, get func() float64, set func(float64)) {
		v := get()
		set(v + h)
		up := expectedCompleteLL(m, trials, posts)
		set(v - h)
		dn := expectedCompleteLL(m, trials, posts)
		set(v)
		g := (up - dn) / (2 * h)
		curv := (up + dn - 2*q0) / (h * h)
		if curv >= 0 {
			t.Errorf("%s: not a maximum (curvature %.3g)", name, curv)
		}
		step := math.Abs(g / curv)
		worst = math.Max(worst, step)
		if step > 1e-6 {
			t.Errorf("%s: gradient %.3g, Newton step %.3g at the M-step solution", name, g, step)
		}
	}
	entry := func(name string, x *mat.Dense, i, j int) {
		probe(name, func() float64 { return x.At(i, j) }, func(v float64) { x.Set(i, j, v) })
	}
	vec := func(name string, x *mat.VecDense, i int) {
		probe(name, func() float64 { return x.AtVec(i) }, func(v float64) { x.SetVec(i, v) })
	}
	sym := func(name string, x *mat.SymDense, i, j int) {
		probe(name, func() float64 { return x.At(i, j) }, func(v float64) { x.SetSym(i, j, v) })
	}
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			entry("A", m.A, i, j)
			sym("Q", m.Q, i, j)
			sym("S0", m.S0, i, j)
		}
		vec("B", m.B, i)
		vec("M0", m.M0, i)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			entry("C", m.C, i, j)
		}
		vec("D", m.D, i)
		sym("R", m.R, i, (i+1)%n)
		sym("R", m.R, i, i)
	}
	// Random joint perturbations never increase the objective.
	for k := 0; k < 20; k++ {
		p := m.Clone()
		p.A.Add(p.A, randDense(rng, d, d, 1e-3))
		p.C.Add(p.C, randDense(rng, n, d, 1e-3))
		p.B.AddVec(p.B, randVec(rng, d, 1e-3))
		p.D.AddVec(p.D, randVec(rng, n, 1e-3))
		p.M0.AddVec(p.M0, randVec(rng, d, 1e-3))
		if q := expectedCompleteLL(p, trials, posts); q > q0 {
			t.Errorf("perturbation %d increased the expected complete log-likelihood: %.12g > %.12g", k, q, q0)
		}
	}
	t.Logf("largest Newton step %.2g", worst)
}

// TestSampleMomentsMatchModel checks Sample against the model's exact
// marginal mean and variance of y_t (oracle: the dense stacked Gaussian).
func TestSampleMomentsMatchModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	m := randModel(rng, 2, 3)
	const T, reps = 6, 20000
	tr := randTrial(rng, m, T, true, false)
	g := newDenseGaussian(m, &tr)
	sum := make([]float64, T*3)
	sq := make([]float64, T*3)
	for r := 0; r < reps; r++ {
		_, y, err := m.Sample(rng, T, tr.Varying)
		if err != nil {
			t.Fatal(err)
		}
		for i := range sum {
			v := y.At(i/3, i%3)
			sum[i] += v
			sq[i] += v * v
		}
	}
	for i := range sum {
		mean := sum[i] / reps
		v := sq[i]/reps - mean*mean
		wantM, wantV := g.muY.AtVec(i), g.syy.At(i, i)
		if z := math.Abs(mean-wantM) / math.Sqrt(wantV/reps); z > 4.5 {
			t.Errorf("y[%d,%d]: sample mean %.4f, model %.4f (z=%.1f)", i/3, i%3, mean, wantM, z)
		}
		if z := math.Abs(v-wantV) / (wantV * math.Sqrt(2.0/reps)); z > 4.5 {
			t.Errorf("y[%d,%d]: sample variance %.4f, model %.4f (z=%.1f)", i/3, i%3, v, wantV, z)
		}
	}
}

// TestForecastMatchesDenseConditional compares Forecast with the dense
// conditional Gaussian of the future latents given the past observations
// (oracle: dense conditioning on a trial extended by masked steps).
func TestForecastMatchesDenseConditional(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 2))
	d, n, T, steps := 3, 4, 20, 5
	m := randModel(rng, d, n)
	tr := randTrial(rng, m, T, false, false)
	future := &Varying{A: randFlat(rng, steps*d*d, 0.4), B: randFlat(rng, steps*d, 0.3), C: randFlat(rng, steps*n*d, 1)}
	fc, err := m.Forecast(tr, steps, future)
	if err != nil {
		t.Fatal(err)
	}
	// Extended trial: static parameters up to T−1, then the future ones.
	ext := Trial{Y: mat.NewDense(T+steps, n, nil), Mask: make([]bool, T+steps), Varying: &Varying{}}
	for i := 0; i < T; i++ {
		ext.Y.SetRow(i, tr.Y.RawRowView(i))
		ext.Mask[i] = true
	}
	for i := 0; i < T+steps-1; i++ {
		if i < T-1 {
			ext.Varying.A = append(ext.Varying.A, m.A.RawMatrix().Data...)
			ext.Varying.B = append(ext.Varying.B, m.B.RawVector().Data...)
		} else {
			j := i - (T - 1)
			ext.Varying.A = append(ext.Varying.A, future.A[j*d*d:(j+1)*d*d]...)
			ext.Varying.B = append(ext.Varying.B, future.B[j*d:(j+1)*d]...)
		}
	}
	mean, cov := newDenseGaussian(m, &ext).posterior()
	var worst float64
	for j := 0; j < steps; j++ {
		for a := 0; a < d; a++ {
			worst = math.Max(worst, relErr(fc.Mean.At(j, a), mean.AtVec((T+j)*d+a)))
			for b := 0; b < d; b++ {
				worst = math.Max(worst, relErr(fc.Cov[j*d*d+a*d+b], cov.At((T+j)*d+a, (T+j)*d+b)))
			}
		}
		// Observation mean C_j E[x] + d.
		c := mat.NewDense(n, d, future.C[j*n*d:(j+1)*n*d])
		var ym mat.VecDense
		ym.MulVec(c, mean.SliceVec((T+j)*d, (T+j+1)*d))
		for i := 0; i < n; i++ {
			worst = math.Max(worst, relErr(fc.ObsMean.At(j, i), ym.AtVec(i)+m.D.AtVec(i)))
		}
	}
	if worst > 1e-10 {
		t.Errorf("forecast differs from the dense conditional by %.3g relative", worst)
	}
}

// TestFitIsIdenticalForAnyNumberOfWorkers checks that the parallel E-step
// sums trials in an order that does not depend on the number of workers:
// with 1, 2 and 7 workers every recorded log-likelihood and every fitted
// parameter are equal bit for bit (oracle: the one-worker run).
func TestFitIsIdenticalForAnyNumberOfWorkers(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 1))
	truth := randModel(rng, 2, 5)
	trials := sampleTrials(t, truth, rng, 90, 30) // more trials than chunks
	init := randModel(rng, 2, 5)
	var ref *Result
	for _, w := range []int{1, 2, 7} {
		res, err := Fit(init, trials, &Settings{MaxIterations: 15, Tolerance: -1, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = res
			continue
		}
		for k := range ref.Trace {
			if res.Trace[k] != ref.Trace[k] {
				t.Fatalf("%d workers: Trace[%d] = %v, 1 worker: %v", w, k, res.Trace[k], ref.Trace[k])
			}
		}
		for _, p := range []struct {
			name string
			a, b mat.Matrix
		}{{"A", res.Model.A, ref.Model.A}, {"C", res.Model.C, ref.Model.C}, {"Q", res.Model.Q, ref.Model.Q},
			{"R", res.Model.R, ref.Model.R}, {"M0", res.Model.M0, ref.Model.M0}, {"S0", res.Model.S0, ref.Model.S0}} {
			if !mat.Equal(p.a, p.b) {
				t.Fatalf("%d workers: fitted %s differs from the one-worker fit", w, p.name)
			}
		}
	}
}

// TestFitProgressNamesItsMetricAndCanStop checks the run.Progress contract:
// steps carry the metric "log-likelihood" and the value recorded in Trace;
// run.ErrStop stops the fit without an error, any other error is returned
// with the Result (oracle: the documented contract).
func TestFitProgressNamesItsMetricAndCanStop(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 1))
	truth := randModel(rng, 2, 4)
	trials := sampleTrials(t, truth, rng, 6, 30)
	var steps []run.Step
	stopAt3 := func(s run.Step) error {
		steps = append(steps, s)
		if s.Iteration == 3 {
			return run.ErrStop
		}
		return nil
	}
	res, err := Fit(randModel(rng, 2, 4), trials, &Settings{MaxIterations: 50, Tolerance: -1, Progress: stopAt3})
	if err != nil || res.Status != run.Stopped || res.Iterations != 3 || len(steps) != 3 {
		t.Fatalf("ErrStop: err %v, status %v after %d iterations, %d steps", err, res.Status, res.Iterations, len(steps))
	}
	if s := steps[2]; s.Metric != "log-likelihood" || s.Value != res.Trace[3] || s.Value != res.Objective || s.MaxIterations != 50 {
		t.Fatalf("step %+v, trace %v, objective %v", s, res.Trace, res.Objective)
	}
	boom := errors.New("disk full")
	res, err = Fit(randModel(rng, 2, 4), trials, &Settings{Progress: func(run.Step) error { return boom }})
	if !errors.Is(err, boom) || res == nil || res.Status != run.Stopped || res.Iterations != 1 {
		t.Fatalf("failing progress: err %v, result %+v", err, res)
	}
}

// TestNilArgumentsAreErrorsNamingThem checks that nil models and empty
// inputs give errors naming the argument instead of panicking.
func TestNilArgumentsAreErrorsNamingThem(t *testing.T) {
	var nilModel *Model
	rng := rand.New(rand.NewPCG(13, 1))
	trials := []Trial{{Y: randDense(rng, 4, 3, 1)}}
	checks := []struct {
		name string
		err  error
		want string
	}{
		{"Fit(nil)", second(Fit(nil, trials, nil)), "Fit: init is nil"},
		{"nil.LogLik", second(nilModel.LogLik(trials)), "model is nil"},
		{"nil.ValidateTrials", nilModel.ValidateTrials(trials), "model is nil"},
		{"nil.Smooth", second(nilModel.Smooth(trials[0])), "model is nil"},
		{"nil.Forecast", second(nilModel.Forecast(trials[0], 2, nil)), "model is nil"},
		{"LogLikPerBin(no trials)", second(randModel(rng, 2, 3).LogLikPerBin(nil)), "trials is empty"},
	}
	for _, c := range checks {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, c.err, c.want)
		}
	}
	_, _, err := nilModel.Sample(rng, 3, nil)
	if err == nil || !strings.Contains(err.Error(), "model is nil") {
		t.Errorf("nil.Sample: %v", err)
	}
}

func second[T any](_ T, err error) error { return err }

// TestLogLikPerBinCountsObservedBins checks ObservedBins and LogLikPerBin
// on trials with masked bins (oracle: counting by hand).
func TestLogLikPerBinCountsObservedBins(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 1))
	m := randModel(rng, 2, 3)
	trials := sampleTrials(t, m, rng, 2, 10) // lengths 10 and 11
	trials[1].Mask = make([]bool, 11)
	for k := range trials[1].Mask {
		trials[1].Mask[k] = k%3 != 0 // 4 of 11 masked
	}
	if got := ObservedBins(trials); got != 10+7 {
		t.Fatalf("ObservedBins = %d, want 17", got)
	}
	ll, err := m.LogLik(trials)
	if err != nil {
		t.Fatal(err)
	}
	per, err := m.LogLikPerBin(trials)
	if err != nil || per != ll/17 {
		t.Fatalf("LogLikPerBin = %v (%v), want %v", per, err, ll/17)
	}
}
