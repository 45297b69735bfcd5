package lds

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/em"
	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/run"
)

// Settings configures Fit. A nil *Settings means all defaults; the fields
// follow the conventions of package run.
type Settings struct {
	// MaxIterations is the number of EM iterations; 0 means 100.
	MaxIterations int
	// Tolerance stops the fit when |ℓ_k − ℓ_{k−1}| <= Tolerance·|ℓ_k|;
	// 0 means 1e-8, negative means never stop early.
	Tolerance float64
	// Workers is the number of goroutines running E-steps over trials;
	// 0 means runtime.GOMAXPROCS(0). Results do not depend on it.
	Workers int
	// Progress, when not nil, is called after every iteration with the
	// metric "log-likelihood" (the marginal log-likelihood of the
	// parameters after that iteration); returning an error stops the fit
	// (run.ErrStop without an error).
	Progress run.Progress
}

// withDefaults returns a copy of s (the zero Settings when s is nil) with
// every zero field replaced by its documented default; fields without a
// default are copied as they are.
func (s *Settings) withDefaults() Settings {
	var out Settings
	if s != nil {
		out = *s
	}
	out.MaxIterations = run.Iterations(out.MaxIterations, 100)
	out.Tolerance = run.Tolerance(out.Tolerance, 1e-8)
	out.Workers = parallel.Workers(out.Workers)
	return out
}

// Metric is the name of the objective Fit reports to Settings.Progress.
const Metric = "log-likelihood"

// Result is the outcome of Fit.
type Result struct {
	// Model holds the fitted parameters: the last good ones when the fit
	// stopped on a failure.
	Model *Model
	// Stats: Objective is Model's marginal log-likelihood.
	run.Stats
	// Trace[k] is the marginal log-likelihood of the parameters after k
	// iterations (Trace[0]: the initial parameters); the last entry
	// belongs to Model.
	Trace []float64
	// Err says why the fit stopped with NumericalFailure,
	// ObjectiveDecreased, or Stopped by an error of Settings.Progress.
	Err error
}

// Fit runs expectation-maximisation for a static LDS from the initial
// parameters init (not modified) on trials, which must not carry Varying
// parameters. The loop is package em's: the E-step smooths every trial
// (in parallel) and returns the summed sufficient statistics with the
// marginal log-likelihood; the M-step is the exact maximiser of the
// expected complete-data log-likelihood:
//
//	[A b]ᵀ = (Σ E[x̃_t x̃_tᵀ])⁻¹ Σ E[x̃_t x_{t+1}ᵀ],  x̃ = (x, 1)
//	Q = (1/Σ(T_b−1)) Σ E[(x_{t+1} − A x_t − b)(…)ᵀ]
//	[C d]ᵀ, R likewise over observed bins
//	M0 = mean_b E[x_{b,0}],  S0 = mean_b E[(x_{b,0} − M0)(…)ᵀ]
//
// A nil init.B or init.D is kept at zero. The marginal log-likelihood
// cannot decrease; it is recorded per iteration (Result.Trace), and a
// decrease beyond em.DecreaseTolerance stops the fit with
// run.ObjectiveDecreased. On a failure Fit returns the Result holding the
// last good parameters together with the error.
func Fit(init *Model, trials []Trial, settings *Settings) (*Result, error) {
	if init == nil {
		return nil, errorf("Fit: init is nil")
	}
	if err := init.Validate(); err != nil {
		return nil, err
	}
	d, n := init.Dims()
	if d > n {
		return nil, fmt.Errorf("lds: Fit: latent dimension D=%d exceeds observation dimension N=%d; the model is not identifiable", d, n)
	}
	if err := init.ValidateTrials(trials); err != nil {
		return nil, err
	}
	for i := range trials {
		if trials[i].Varying != nil {
			return nil, fmt.Errorf("lds: Fit: trials[%d].Varying is set; Fit estimates a static LDS", i)
		}
	}
	set := settings.withDefaults()
	e := newEStepper(trials, d, n, set.Workers)
	r, err := em.Fit(init.Clone(), e.estep, e.mstep, em.Settings{
		MaxIterations: set.MaxIterations, Tolerance: set.Tolerance, Metric: Metric, Progress: set.Progress})
	if r == nil {
		return nil, fmt.Errorf("lds: Fit: %w", err)
	}
	res := &Result{Model: r.Params, Stats: r.Stats, Trace: r.Trace, Err: r.Err}
	if err != nil {
		res.Err = fmt.Errorf("lds: Fit: %w", err)
		return res, res.Err
	}
	return res, nil
}

// lds EM statistics with x̃ = (x, 1).
type emStats struct {
	sxx, sxn, snn []float64 // dynamics, (D+1)², (D+1)·D, D²
	k1            float64
	exx, exy, syy []float64 // emissions, (D+1)², (D+1)·N, N²
	k2            float64
	s0m, s0xx     []float64
	k0            float64
	ll            float64
	d1, d, n      int
}

func newEmStats(d, n int) *emStats {
	d1 := d + 1
	return &emStats{d1: d1, d: d, n: n,
		sxx: make([]float64, d1*d1), sxn: make([]float64, d1*d), snn: make([]float64, d*d),
		exx: make([]float64, d1*d1), exy: make([]float64, d1*n), syy: make([]float64, n*n),
		s0m: make([]float64, d), s0xx: make([]float64, d*d)}
}

func (s *emStats) reset() {
	for _, x := range [][]float64{s.sxx, s.sxn, s.snn, s.exx, s.exy, s.syy, s.s0m, s.s0xx} {
		for i := range x {
			x[i] = 0
		}
	}
	s.k1, s.k2, s.k0, s.ll = 0, 0, 0, 0
}

func (s *emStats) add(o *emStats) {
	for _, pair := range [][2][]float64{{s.sxx, o.sxx}, {s.sxn, o.sxn}, {s.snn, o.snn}, {s.exx, o.exx}, {s.exy, o.exy}, {s.syy, o.syy}, {s.s0m, o.s0m}, {s.s0xx, o.s0xx}} {
		for i := range pair[0] {
			pair[0][i] += pair[1][i]
		}
	}
	s.k1 += o.k1
	s.k2 += o.k2
	s.k0 += o.k0
	s.ll += o.ll
}

// accumulate adds the statistics of one smoothed trial.
func (s *emStats) accumulate(tr *Trial, p *Posterior) {
	d, d1, n := s.d, s.d1, s.n
	dd := d * d
	T := p.T
	s.ll += p.LogLik
	// Second moment of x̃_t into dst ((D+1)²), scaled by w.
	addXX := func(dst []float64, t int) {
		m := p.Mean[t*d : t*d+d]
		v := p.Cov[t*dd : t*dd+dd]
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				dst[i*d1+j] += v[i*d+j] + m[i]*m[j]
			}
			dst[i*d1+d] += m[i]
			dst[d*d1+i] += m[i]
		}
		dst[d*d1+d]++
	}
	for t := 0; t < T; t++ {
		m := p.Mean[t*d : t*d+d]
		if t < T-1 {
			addXX(s.sxx, t)
			cr := p.Cross[t*dd : t*dd+dd]
			mn := p.Mean[(t+1)*d : (t+2)*d]
			vn := p.Cov[(t+1)*dd : (t+2)*dd]
			for i := 0; i < d; i++ {
				for j := 0; j < d; j++ {
					s.sxn[i*d+j] += cr[i*d+j]
					s.snn[i*d+j] += vn[i*d+j] + mn[i]*mn[j]
				}
			}
			for j := 0; j < d; j++ {
				s.sxn[d*d+j] += mn[j]
			}
			s.k1++
		}
		if tr.observed(t) {
			addXX(s.exx, t)
			y := tr.Y.RawRowView(t)
			for i := 0; i < d; i++ {
				for j := 0; j < n; j++ {
					s.exy[i*n+j] += m[i] * y[j]
				}
			}
			for j := 0; j < n; j++ {
				s.exy[d*n+j] += y[j]
				for k := 0; k < n; k++ {
					s.syy[j*n+k] += y[j] * y[k]
				}
			}
			s.k2++
		}
	}
	for i := 0; i < d; i++ {
		s.s0m[i] += p.Mean[i]
		for j := 0; j < d; j++ {
			s.s0xx[i*d+j] += p.Cov[i*d+j] + p.Mean[i]*p.Mean[j]
		}
	}
	s.k0++
}

// eStepper runs smoothers over the trials in parallel (package parallel).
// Trials are split into fixed chunks whose statistics are summed in chunk
// order, so the result does not depend on the number of workers or on
// scheduling. Two totals alternate, so the statistics of the accepted
// parameters survive the E-step of a rejected proposal.
type eStepper struct {
	trials  []Trial
	chunks  [][2]int
	stats   []*emStats
	totals  [2]*emStats
	turn    int
	workers int
	sm      []*Smoother
	post    []*Posterior
}

const maxChunks = 64

func newEStepper(trials []Trial, d, n, workers int) *eStepper {
	e := &eStepper{trials: trials, chunks: parallel.Chunks(len(trials), maxChunks)}
	e.totals = [2]*emStats{newEmStats(d, n), newEmStats(d, n)}
	e.workers = min(workers, len(e.chunks))
	e.stats = make([]*emStats, len(e.chunks))
	for i := range e.stats {
		e.stats[i] = newEmStats(d, n)
	}
	e.sm = make([]*Smoother, e.workers)
	e.post = make([]*Posterior, e.workers)
	for w := range e.sm {
		e.sm[w] = &Smoother{}
		e.post[w] = &Posterior{}
	}
	return e
}

// estep is the E-step of em.Fit: the statistics of all trials under m and
// their marginal log-likelihood.
func (e *eStepper) estep(m *Model) (*emStats, float64, error) {
	d, n := m.Dims()
	for _, sm := range e.sm {
		sm.setModel(m, d, n)
	}
	err := parallel.ForErr(len(e.chunks), e.workers, func(w, c int) error {
		sm, p, st := e.sm[w], e.post[w], e.stats[c]
		st.reset()
		for i := e.chunks[c][0]; i < e.chunks[c][1]; i++ {
			if err := sm.smooth(&e.trials[i], p); err != nil {
				return fmt.Errorf("trials[%d]: %w", i, err)
			}
			st.accumulate(&e.trials[i], p)
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	e.turn = 1 - e.turn
	total := e.totals[e.turn]
	total.reset()
	for _, st := range e.stats {
		total.add(st)
	}
	return total, total.ll, nil
}

// mstep is the M-step of em.Fit: the maximisers for the statistics s,
// written into a copy of m.
func (e *eStepper) mstep(m *Model, s *emStats) (*Model, error) {
	next := m.Clone()
	if err := mstepInto(next, s); err != nil {
		return nil, err
	}
	return next, nil
}

// mstepInto overwrites m's parameters with the maximisers for s.
func mstepInto(m *Model, s *emStats) error {
	d, d1, n := s.d, s.d1, s.n
	if s.k1 > 0 {
		w, cov, err := regress(s.sxx, s.sxn, s.snn, d1, d, s.k1, m.B != nil)
		if err != nil {
			return fmt.Errorf("lds: M-step for A, B, Q: %w", err)
		}
		setRegression(m.A, m.B, w, d)
		m.Q = cov
	}
	w, cov, err := regress(s.exx, s.exy, s.syy, d1, n, s.k2, m.D != nil)
	if err != nil {
		return fmt.Errorf("lds: M-step for C, D, R: %w", err)
	}
	setRegression(m.C, m.D, w, d)
	m.R = cov
	m0 := make([]float64, d)
	for i := range m0 {
		m0[i] = s.s0m[i] / s.k0
	}
	s0 := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			v := 0.5*(s.s0xx[i*d+j]+s.s0xx[j*d+i])/s.k0 - m0[i]*m0[j]
			s0.SetSym(i, j, v)
		}
	}
	m.M0 = mat.NewVecDense(d, m0)
	m.S0 = s0
	return m.Validate()
}

// regress solves the least-squares regression of targets on x̃ from the
// second moments sxx ((d1)²), sxy (d1×out) and syy (out²) over k samples,
// returning W (d1×out, or d×out plus a zero row when !bias) and the
// residual covariance (syy − sxyᵀW − Wᵀsxy + Wᵀ sxx W)/k.
func regress(sxx, sxy, syy []float64, d1, out int, k float64, bias bool) (*mat.Dense, *mat.SymDense, error) {
	p := d1
	if !bias {
		p = d1 - 1
	}
	xx := mat.NewSymDense(p, nil)
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			xx.SetSym(i, j, sxx[i*d1+j])
		}
	}
	xy := mat.NewDense(p, out, append([]float64(nil), sxy[:p*out]...))
	var ch mat.Cholesky
	if !ch.Factorize(xx) {
		return nil, nil, fmt.Errorf("second-moment matrix of the regressors is singular")
	}
	w := mat.NewDense(p, out, nil)
	if err := ch.SolveTo(w, xy); err != nil {
		return nil, nil, err
	}
	var wxy, wxx, wxxw mat.Dense
	wxy.Mul(w.T(), xy)
	wxx.Mul(w.T(), xx)
	wxxw.Mul(&wxx, w)
	cov := mat.NewSymDense(out, nil)
	for i := 0; i < out; i++ {
		for j := i; j < out; j++ {
			v := syy[i*out+j] - wxy.At(i, j) - wxy.At(j, i) + wxxw.At(i, j)
			v2 := syy[j*out+i] - wxy.At(j, i) - wxy.At(i, j) + wxxw.At(j, i)
			cov.SetSym(i, j, 0.5*(v+v2)/k)
		}
	}
	if !bias {
		full := mat.NewDense(d1, out, nil)
		full.Slice(0, p, 0, out).(*mat.Dense).Copy(w)
		w = full
	}
	return w, cov, nil
}

// setRegression writes W = [Mᵀ; vᵀ] into the matrix m (out×d) and the
// offset v (may be nil, meaning fixed at zero).
func setRegression(m *mat.Dense, v *mat.VecDense, w *mat.Dense, d int) {
	r, _ := m.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < d; j++ {
			m.Set(i, j, w.At(j, i))
		}
		if v != nil {
			v.SetVec(i, w.At(d, i))
		}
	}
}
