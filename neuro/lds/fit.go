package lds

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"gonum.org/v1/gonum/mat"
)

// Status says why an iterative fit stopped.
type Status int

const (
	// NotTerminated is the zero value; a returned Result never has it.
	NotTerminated Status = iota
	// IterationLimit: Settings.MaxIterations iterations were run.
	IterationLimit
	// Converged: the relative change of the objective fell below
	// Settings.Tolerance.
	Converged
	// NumericalFailure: a covariance lost positive definiteness or a value
	// became non-finite. The Result holds the last good parameters.
	NumericalFailure
	// ObjectiveDecreased: the objective fell by more than 1e-9 relative,
	// which EM forbids in exact arithmetic; it signals ill-conditioning.
	// The Result holds the parameters from before the decrease.
	ObjectiveDecreased
)

func (s Status) String() string {
	switch s {
	case NotTerminated:
		return "NotTerminated"
	case IterationLimit:
		return "IterationLimit"
	case Converged:
		return "Converged"
	case NumericalFailure:
		return "NumericalFailure"
	case ObjectiveDecreased:
		return "ObjectiveDecreased"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// DecreaseTolerance is the largest relative decrease of an EM objective
// between iterations that is attributed to rounding rather than failure.
const DecreaseTolerance = 1e-9

// Settings configures Fit. A nil *Settings means all defaults.
type Settings struct {
	// MaxIterations is the number of EM iterations; 0 means 100.
	MaxIterations int
	// Tolerance stops the fit when |ℓ_k − ℓ_{k−1}| <= Tolerance·|ℓ_k|;
	// 0 means 1e-8, negative means never stop early.
	Tolerance float64
	// Workers is the number of goroutines running E-steps over trials;
	// 0 means runtime.GOMAXPROCS(0). Results do not depend on it.
	Workers int
	// Progress, when not nil, is called once per iteration with the
	// iteration number (1-based), MaxIterations and the log-likelihood
	// of the parameters after that iteration.
	Progress func(iter, maxIter int, objective float64)
}

func (s *Settings) defaults() Settings {
	var out Settings
	if s != nil {
		out = *s
	}
	if out.MaxIterations <= 0 {
		out.MaxIterations = 100
	}
	if out.Tolerance == 0 {
		out.Tolerance = 1e-8
	}
	if out.Workers <= 0 {
		out.Workers = runtime.GOMAXPROCS(0)
	}
	return out
}

// Result is the outcome of Fit.
type Result struct {
	Model  *Model
	Status Status
	// LogLik[k] is the marginal log-likelihood of the parameters after k
	// iterations (LogLik[0]: the initial parameters); the last entry
	// belongs to Model.
	LogLik     []float64
	Iterations int
	Runtime    time.Duration
	// Err describes a NumericalFailure.
	Err error
}

// Fit runs expectation-maximisation for a static LDS from the initial
// parameters init (not modified) on trials, which must not carry Varying
// parameters. Each M-step is the exact maximiser of the expected
// complete-data log-likelihood:
//
//	[A b]ᵀ = (Σ E[x̃_t x̃_tᵀ])⁻¹ Σ E[x̃_t x_{t+1}ᵀ],  x̃ = (x, 1)
//	Q = (1/Σ(T_b−1)) Σ E[(x_{t+1} − A x_t − b)(…)ᵀ]
//	[C d]ᵀ, R likewise over observed bins
//	M0 = mean_b E[x_{b,0}],  S0 = mean_b E[(x_{b,0} − M0)(…)ᵀ]
//
// A nil init.B or init.D is kept at zero. The marginal log-likelihood
// cannot decrease; it is recorded per iteration. On a numerical failure
// Fit returns the Result holding the last good parameters together with
// the error.
func Fit(init *Model, trials []Trial, settings *Settings) (*Result, error) {
	start := time.Now()
	if err := init.Validate(); err != nil {
		return nil, err
	}
	d, n := init.Dims()
	if d > n {
		return nil, fmt.Errorf("lds: Fit: latent dimension D=%d exceeds observation dimension N=%d; the model is not identifiable", d, n)
	}
	if err := ValidateTrials(trials, d, n); err != nil {
		return nil, err
	}
	for i := range trials {
		if trials[i].Varying != nil {
			return nil, fmt.Errorf("lds: Fit: trials[%d].Varying is set; Fit estimates a static LDS", i)
		}
	}
	set := settings.defaults()
	e := newEStepper(trials, d, n, set.Workers)
	cur := init.Clone()
	res := &Result{Model: cur}
	ll, err := e.run(cur)
	if err != nil {
		res.Status, res.Err, res.Runtime = NumericalFailure, err, time.Since(start)
		return res, err
	}
	res.LogLik = append(res.LogLik, ll)
	for it := 1; ; it++ {
		next := cur.Clone()
		if err := e.mstep(next); err != nil {
			res.Status, res.Err = NumericalFailure, err
			break
		}
		nll, err := e.run(next)
		if err != nil {
			res.Status, res.Err = NumericalFailure, err
			break
		}
		if nll < ll-DecreaseTolerance*math.Abs(ll) {
			res.Status = ObjectiveDecreased
			res.Err = fmt.Errorf("lds: Fit: log-likelihood decreased from %.10g to %.10g at iteration %d", ll, nll, it)
			break
		}
		cur, res.Model = next, next
		res.LogLik = append(res.LogLik, nll)
		res.Iterations = it
		if set.Progress != nil {
			set.Progress(it, set.MaxIterations, nll)
		}
		if set.Tolerance > 0 && math.Abs(nll-ll) <= set.Tolerance*math.Abs(nll) {
			res.Status = Converged
			break
		}
		ll = nll
		if it >= set.MaxIterations {
			res.Status = IterationLimit
			break
		}
	}
	res.Runtime = time.Since(start)
	return res, res.Err
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
	err           error
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
	s.k1, s.k2, s.k0, s.ll, s.err = 0, 0, 0, 0, nil
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
	if s.err == nil {
		s.err = o.err
	}
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

// eStepper runs smoothers over the trials in parallel. Trials are split
// into fixed chunks whose statistics are summed in chunk order, so the
// result does not depend on the number of workers or on scheduling.
type eStepper struct {
	trials  []Trial
	chunks  [][2]int
	stats   []*emStats
	total   *emStats
	workers int
	sm      []*Smoother
	post    []*Posterior
}

const maxChunks = 64

func chunkTrials(nTrials int) [][2]int {
	nc := min(nTrials, maxChunks)
	out := make([][2]int, nc)
	for c := 0; c < nc; c++ {
		out[c] = [2]int{c * nTrials / nc, (c + 1) * nTrials / nc}
	}
	return out
}

func newEStepper(trials []Trial, d, n, workers int) *eStepper {
	e := &eStepper{trials: trials, chunks: chunkTrials(len(trials)), total: newEmStats(d, n)}
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

func (e *eStepper) run(m *Model) (float64, error) {
	d, n := m.Dims()
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < e.workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			sm, p := e.sm[w], e.post[w]
			sm.setModel(m, d, n)
			for {
				c := int(next.Add(1)) - 1
				if c >= len(e.chunks) {
					return
				}
				st := e.stats[c]
				st.reset()
				for i := e.chunks[c][0]; i < e.chunks[c][1]; i++ {
					if err := sm.smooth(&e.trials[i], p); err != nil {
						st.err = fmt.Errorf("trials[%d]: %w", i, err)
						break
					}
					st.accumulate(&e.trials[i], p)
				}
			}
		}(w)
	}
	wg.Wait()
	e.total.reset()
	for _, st := range e.stats {
		e.total.add(st)
	}
	if e.total.err != nil {
		return 0, e.total.err
	}
	return e.total.ll, nil
}

// mstep overwrites m's parameters with the maximisers for e.total.
func (e *eStepper) mstep(m *Model) error {
	s := e.total
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
