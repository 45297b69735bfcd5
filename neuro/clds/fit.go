package clds

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/em"
	"github.com/neuronb/neuronb/neuro/lds"
	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/run"
)

// Settings configures Fit. A nil *Settings means all defaults; the fields
// follow the conventions of package run.
type Settings struct {
	// MaxIterations is the number of ECM iterations; 0 means 200 (the
	// reference notebooks' setting).
	MaxIterations int
	// Tolerance stops the fit when the objective changes by at most
	// Tolerance·|J|; 0 means 1e-9, negative means never stop early.
	Tolerance float64
	// Seed seeds the initial weights FitNew draws (0 is a seed like any
	// other). Fit starts from the model it is given and draws nothing.
	Seed uint64
	// Workers is the number of goroutines running the E-step over trials;
	// 0 means runtime.GOMAXPROCS(0). Results do not depend on it: trials
	// are summed in fixed chunks in a fixed order (package parallel).
	Workers int
	// Progress, when not nil, is called after every iteration with the
	// metric "log-joint" (J after that iteration); returning an error
	// stops the fit (run.ErrStop without an error).
	// (*widgets.Progress).Record is a run.Progress.
	Progress run.Progress
	// MaxResidual is the largest accepted relative residual of a
	// Sylvester solve; 0 means 1e-8.
	MaxResidual float64
}

// withDefaults returns a copy of s (the zero Settings when s is nil) with
// every zero field replaced by its documented default; fields without a
// default are copied as they are.
func (s *Settings) withDefaults() Settings {
	var out Settings
	if s != nil {
		out = *s
	}
	out.MaxIterations = run.Iterations(out.MaxIterations, 200)
	out.Tolerance = run.Tolerance(out.Tolerance, 1e-9)
	out.Workers = parallel.Workers(out.Workers)
	if out.MaxResidual <= 0 {
		out.MaxResidual = 1e-8
	}
	return out
}

// Metric is the name of the objective Fit reports to Settings.Progress.
const Metric = "log-joint"

// Result is the outcome of Fit.
type Result struct {
	// Model holds the fitted parameters: the last good ones when the fit
	// stopped on a failure.
	Model *Model
	// Stats: Objective is Model's log-joint J.
	run.Stats
	// Trace[k] = LogLik[k] + log p(W_k), the log-joint after k iterations
	// (k = 0: the initial model); the last entry is Model's.
	Trace []float64
	// LogLik[k] is the marginal log-likelihood Σ_b log p(Y_b | θ_k), the
	// data part of Trace[k].
	LogLik []float64
	// Err says why the fit stopped with NumericalFailure,
	// ObjectiveDecreased, or Stopped by an error of Settings.Progress.
	Err error
}

// Fit estimates a CLDS from trials by MAP expectation-conditional
// maximisation, starting from init (not modified; see NewModel). The
// objective is
//
//	J(θ) = Σ_b log p(Y_b | U_b, θ) + log p(W),
//
// the prior on the GP weights counted once (the reference code counts it
// once per trial). The loop is package em's: one iteration is a
// Kalman-smoother E-step over all trials (in parallel) returning the
// sufficient statistics and J, followed by six conditional maximisations
// of E_q[log p(X, Y | θ)] + log p(W), each exact:
//
//  1. [A, b] given Q: the Sylvester equation ZZ W + Λ W Q = ZY (see
//     SolveSylvester) with z_t = [φ(u_t) ⊗ x_t ; φ(u_t)]
//  2. Q = (YY − WᵀZY − ZYᵀW + WᵀZZW)/Σ_b(T_b − 1)
//  3. [C, d] given R, and 4. R, likewise over observed bins
//  5. m0 given S0, and 6. S0 = mean_b E[(x_{b,0} − m0(u_{b,0}))(…)ᵀ]
//
// so J never decreases (ECM). Static parameters use the one feature 1 and
// no prior, Flat ones the basis and no prior. J is recorded per iteration
// (Result.Trace); a decrease beyond em.DecreaseTolerance stops the fit
// with run.ObjectiveDecreased. A numerical failure (a covariance losing
// positive definiteness, a singular or inaccurate Sylvester solve) stops
// it with run.NumericalFailure. Either way Result.Model holds the last
// good parameters and the error is returned alongside the Result.
func Fit(init *Model, trials []Trial, settings *Settings) (*Result, error) {
	if init == nil {
		return nil, fmt.Errorf("clds: Fit: init is nil")
	}
	if err := init.Validate(); err != nil {
		return nil, err
	}
	if init.Config.Latent > init.N {
		return nil, fmt.Errorf("clds: Config.Latent=%d exceeds the observation dimension N=%d; the model is not identifiable", init.Config.Latent, init.N)
	}
	if err := init.ValidateTrials(trials); err != nil {
		return nil, err
	}
	set := settings.withDefaults()
	e := newEStep(init, trials, set.Workers)
	var lls []float64
	estep := func(m *Model) (*stats, float64, error) {
		st, err := e.run(m)
		if err != nil {
			return nil, 0, err
		}
		lls = append(lls, st.ll)
		return st, st.ll + m.LogPrior(), nil
	}
	mstep := func(m *Model, st *stats) (*Model, error) {
		next := m.Clone()
		if err := e.mstep(next, st, set.MaxResidual); err != nil {
			return nil, err
		}
		return next, nil
	}
	r, err := em.Fit(init.Clone(), estep, mstep, em.Settings{
		MaxIterations: set.MaxIterations, Tolerance: set.Tolerance, Metric: Metric, Progress: set.Progress})
	if r == nil {
		return nil, fmt.Errorf("clds: Fit: %w", err)
	}
	res := &Result{Model: r.Params, Stats: r.Stats, Trace: r.Trace, LogLik: lls[:len(r.Trace)], Err: r.Err}
	if err != nil {
		res.Err = fmt.Errorf("clds: Fit: %w", err)
		return res, res.Err
	}
	return res, nil
}

// eStep runs the smoother over all trials and accumulates statistics. The
// features of every trial are computed once; two totals alternate, so the
// statistics of the accepted parameters survive the E-step of a rejected
// proposal.
type eStep struct {
	model   *Model // for the configuration and dimensions only
	d, n    int
	trials  []Trial
	phi     [][]float64 // per trial T×L features (nil without a basis)
	chunks  [][2]int
	stats   []*stats
	totals  [2]*stats
	turn    int
	emiYY   []float64 // Σ y yᵀ over observed bins: constant
	workers []*worker
}

type worker struct {
	cw   []float64 // whitened C weights, L_R⁻¹ C_l
	sm   lds.Smoother
	post lds.Posterior
	vary lds.Varying
	tr   lds.Trial
	s    []float64 // D×D second moment
	xy   []float64 // D×N
	yy   []float64 // D×D
}

const maxChunks = 64

func newEStep(m *Model, trials []Trial, workers int) *eStep {
	cfg := m.Config
	d, n := cfg.Latent, m.N
	e := &eStep{model: m, d: d, n: n, trials: trials, chunks: parallel.Chunks(len(trials), maxChunks)}
	pd := cfg.features(cfg.A)*d + cfg.features(cfg.B)
	pe := cfg.features(cfg.C)*d + cfg.features(cfg.D)
	p0 := cfg.features(cfg.M0)
	mk := func() *stats {
		return &stats{dyn: newRegression(pd, d, cfg.features(cfg.A), d), emi: newRegression(pe, n, cfg.features(cfg.C), d), ini: newRegression(p0, d, 0, d)}
	}
	for range e.chunks {
		e.stats = append(e.stats, mk())
	}
	e.totals = [2]*stats{mk(), mk()}
	e.phi = make([][]float64, len(trials))
	for i := range trials {
		e.phi[i] = m.trialFeatures(nil, trials[i].U, trials[i].Len())
	}
	e.emiYY = make([]float64, n*n)
	for i := range trials {
		tr := &trials[i]
		for t := 0; t < tr.Len(); t++ {
			if tr.Mask != nil && !tr.Mask[t] {
				continue
			}
			y := tr.Y.RawRowView(t)
			for a, ya := range y {
				row := e.emiYY[a*n : a*n+n]
				for b, yb := range y {
					row[b] += ya * yb
				}
			}
		}
	}
	for w := 0; w < min(parallel.Workers(workers), len(e.chunks)); w++ {
		e.workers = append(e.workers, &worker{s: make([]float64, d*d), xy: make([]float64, d*n), yy: make([]float64, d*d)})
	}
	return e
}

// prepare sets every worker's smoother to the static part of m and, for a
// condition-dependent C, whitens the C weights once.
func (e *eStep) prepare(m *Model) error {
	lm := m.ldsModel()
	nd := e.n * e.d
	for _, w := range e.workers {
		if err := w.sm.SetModel(lm); err != nil {
			return err
		}
		if !m.Config.C.expanded() {
			w.cw = nil
			continue
		}
		w.cw = grow(w.cw, len(m.Weights.C))
		for l := 0; l < len(w.cw)/nd; l++ {
			if err := w.sm.WhitenLoadings(w.cw[l*nd:(l+1)*nd], m.Weights.C[l*nd:(l+1)*nd]); err != nil {
				return err
			}
		}
	}
	return nil
}

// run performs the E-step for m and returns the summed statistics.
func (e *eStep) run(m *Model) (*stats, error) {
	if err := e.prepare(m); err != nil {
		return nil, err
	}
	err := parallel.ForErr(len(e.chunks), len(e.workers), func(wi, c int) error {
		st := e.stats[c]
		st.reset()
		for i := e.chunks[c][0]; i < e.chunks[c][1]; i++ {
			if err := e.trial(m, e.workers[wi], i, st); err != nil {
				return fmt.Errorf("trials[%d]: %w", i, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.turn = 1 - e.turn
	total := e.totals[e.turn]
	total.reset()
	for _, st := range e.stats {
		total.add(st)
	}
	for i, v := range e.emiYY {
		total.emi.yy[i] += v
	}
	total.dyn.symmetrize()
	total.emi.symmetrize()
	total.ini.symmetrize()
	return total, nil
}

// trial smooths trial i and adds its statistics to st.
func (e *eStep) trial(m *Model, w *worker, i int, st *stats) error {
	tr := &e.trials[i]
	phi := e.phi[i]
	m.fillVarying(&w.vary, phi, tr.Len(), w.cw)
	w.tr = lds.Trial{Y: tr.Y, Mask: tr.Mask, Varying: &w.vary}
	if err := w.sm.Smooth(&w.tr, &w.post); err != nil {
		return err
	}
	p := &w.post
	c, d, n := m.Config, e.d, e.n
	dd := d * d
	T := p.T
	st.ll += p.LogLik
	second := func(dst []float64, t int) {
		mt := p.Mean[t*d : t*d+d]
		v := p.Cov[t*dd : t*dd+dd]
		for a := 0; a < d; a++ {
			for b := 0; b < d; b++ {
				dst[a*d+b] = v[a*d+b] + mt[a]*mt[b]
			}
		}
	}
	second(w.s, 0)
	f0 := m.feat(c.M0, phi, 0)
	st.ini.addZZ(nil, f0, nil, nil, d)
	st.ini.addZY(nil, f0, nil, p.Mean[:d], d)
	st.ini.addYY(w.s)
	st.ini.n++
	for t := 0; t < T; t++ {
		mt := p.Mean[t*d : t*d+d]
		second(w.s, t)
		if t < T-1 {
			fa, fb := m.feat(c.A, phi, t), m.feat(c.B, phi, t)
			st.dyn.addZZ(fa, fb, mt, w.s, d)
			st.dyn.addZY(fa, fb, p.Cross[t*dd:(t+1)*dd], p.Mean[(t+1)*d:(t+2)*d], d)
			second(w.yy, t+1)
			st.dyn.addYY(w.yy)
			st.dyn.n++
		}
		if tr.Mask == nil || tr.Mask[t] {
			fc, fd := m.feat(c.C, phi, t), m.feat(c.D, phi, t)
			st.emi.addZZ(fc, fd, mt, w.s, d)
			y := tr.Y.RawRowView(t)
			for a := 0; a < d; a++ {
				row := w.xy[a*n : a*n+n]
				for b, yb := range y {
					row[b] = mt[a] * yb
				}
			}
			st.emi.addZY(fc, fd, w.xy, y, d)
			st.emi.n++
		}
	}
	return nil
}

// mstep overwrites m with the conditional maximisers for the statistics t.
func (e *eStep) mstep(m *Model, t *stats, maxRes float64) error {
	c, d, n := m.Config, e.d, e.n
	lam := c.lambda()
	w := &m.Weights
	prec := func(fk Kind, fsize int, gk Kind) []float64 {
		var out []float64
		for i := 0; i < c.features(fk)*fsize; i++ {
			out = append(out, priorOf(fk, lam))
		}
		for i := 0; i < c.features(gk); i++ {
			out = append(out, priorOf(gk, lam))
		}
		return out
	}
	if t.dyn.n > 0 {
		wd, q, err := solveRegression(t.dyn, prec(c.A, d, c.B), w.Q, maxRes)
		if err != nil {
			return fmt.Errorf("M-step for A, b, Q: %w", err)
		}
		unpack(w.A, w.B, wd, c.features(c.A), c.features(c.B), d, d)
		w.Q = q
	}
	if t.emi.n > 0 {
		we, r, err := solveRegression(t.emi, prec(c.C, d, c.D), w.R, maxRes)
		if err != nil {
			return fmt.Errorf("M-step for C, d, R: %w", err)
		}
		unpack(w.C, w.D, we, c.features(c.C), c.features(c.D), d, n)
		w.R = r
	}
	w0, s0, err := solveRegression(t.ini, prec(Zero, d, c.M0), w.S0, maxRes)
	if err != nil {
		return fmt.Errorf("M-step for m0, S0: %w", err)
	}
	unpack(nil, w.M0, w0, 0, c.features(c.M0), d, d)
	w.S0 = s0
	if err := m.Validate(); err != nil {
		return fmt.Errorf("after the M-step: %w (a constant or silent observation dimension has zero residual variance)", err)
	}
	return nil
}

func priorOf(k Kind, lam float64) float64 {
	if k == GP {
		return lam
	}
	return 0
}

// solveRegression returns the conditional MAP weights W (P×K, flat) given
// the current noise covariance, and the noise covariance maximising the
// expected log-likelihood given W.
func solveRegression(r *regression, prec, noise []float64, maxRes float64) ([]float64, []float64, error) {
	p, k := r.p, r.k
	var wf []float64
	cov := make([]float64, k*k)
	if p > 0 {
		g := mat.NewSymDense(p, append([]float64(nil), r.zz...))
		h := mat.NewDense(p, k, append([]float64(nil), r.zy...))
		w, res, err := SolveSylvester(g, prec, symOf(noise, k), h)
		if err != nil {
			return nil, nil, err
		}
		if !(res <= maxRes) {
			return nil, nil, fmt.Errorf("Sylvester solve has relative residual %.3g > %.3g (ill-conditioned statistics)", res, maxRes)
		}
		wf = w.RawMatrix().Data
		// cov = YY − WᵀZY − ZYᵀW + WᵀZZW.
		var wzy, zzw, wzzw mat.Dense
		wzy.Mul(w.T(), h)
		zzw.Mul(g, w)
		wzzw.Mul(w.T(), &zzw)
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				cov[i*k+j] = r.yy[i*k+j] - wzy.At(i, j) - wzy.At(j, i) + wzzw.At(i, j)
			}
		}
	} else {
		copy(cov, r.yy)
	}
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			v := 0.5 * (cov[i*k+j] + cov[j*k+i]) / r.n
			cov[i*k+j], cov[j*k+i] = v, v
		}
	}
	return wf, cov, nil
}

// unpack writes W (P×out, rows l·D+i then offsets) into the matrix
// weights mw (lf blocks of out×D) and offset weights ow (lg blocks of out).
func unpack(mw, ow, w []float64, lf, lg, d, out int) {
	for l := 0; l < lf; l++ {
		for i := 0; i < d; i++ {
			for j := 0; j < out; j++ {
				mw[(l*out+j)*d+i] = w[(l*d+i)*out+j]
			}
		}
	}
	off := lf * d
	for l := 0; l < lg; l++ {
		for j := 0; j < out; j++ {
			ow[l*out+j] = w[(off+l)*out+j]
		}
	}
}

// FitNew draws the initial model of configuration cfg for the trials'
// observation dimension N from the stream seeded by settings.Seed,
// NewModel(rand.New(rand.NewPCG(Seed, 1)), cfg, N), and fits it: the
// one-call fit of the notebooks, reproducible from the seed.
func FitNew(cfg Config, trials []Trial, settings *Settings) (*Result, error) {
	if len(trials) == 0 || trials[0].Y == nil {
		return nil, fmt.Errorf("clds: FitNew: trials is empty or trials[0].Y is nil")
	}
	_, n := trials[0].Y.Dims()
	var seed uint64
	if settings != nil {
		seed = settings.Seed
	}
	init, err := NewModel(rand.New(rand.NewPCG(seed, 1)), cfg, n)
	if err != nil {
		return nil, err
	}
	return Fit(init, trials, settings)
}
