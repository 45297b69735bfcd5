package clds

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/lds"
)

// Settings configures Fit. A nil *Settings means all defaults.
type Settings struct {
	// MaxIterations is the number of ECM iterations; 0 means 200 (the
	// reference notebooks' setting).
	MaxIterations int
	// Tolerance stops the fit when the objective changes by at most
	// Tolerance·|J|; 0 means 1e-9, negative means never stop early.
	Tolerance float64
	// Workers is the number of goroutines running the E-step over trials;
	// 0 means runtime.GOMAXPROCS(0). Results do not depend on it: trials
	// are summed in fixed chunks in a fixed order.
	Workers int
	// Progress, when not nil, is called once per iteration with the
	// iteration (1-based), MaxIterations and the objective J after it.
	// (*widgets.Progress).Update has this signature.
	Progress func(iter, maxIter int, objective float64)
	// MaxResidual is the largest accepted relative residual of a
	// Sylvester solve; 0 means 1e-8.
	MaxResidual float64
}

func (s *Settings) defaults() Settings {
	var out Settings
	if s != nil {
		out = *s
	}
	if out.MaxIterations <= 0 {
		out.MaxIterations = 200
	}
	if out.Tolerance == 0 {
		out.Tolerance = 1e-9
	}
	if out.Workers <= 0 {
		out.Workers = runtime.GOMAXPROCS(0)
	}
	if out.MaxResidual <= 0 {
		out.MaxResidual = 1e-8
	}
	return out
}

// Result is the outcome of Fit.
type Result struct {
	// Model holds the fitted parameters: the last good ones when the fit
	// stopped on a failure.
	Model  *Model
	Status lds.Status
	// Objective[k] = LogLik[k] + log p(W_k), the log-joint after k
	// iterations (k = 0: the initial model); the last entry is Model's.
	Objective []float64
	// LogLik[k] is the marginal log-likelihood Σ_b log p(Y_b | θ_k).
	LogLik     []float64
	Iterations int
	Runtime    time.Duration
	// Err describes why a fit stopped with NumericalFailure or
	// ObjectiveDecreased.
	Err error
}

// Fit estimates a CLDS from trials by MAP expectation-conditional
// maximisation, starting from init (not modified; see NewModel). The
// objective is
//
//	J(θ) = Σ_b log p(Y_b | U_b, θ) + log p(W),
//
// the prior on the GP weights counted once (the reference code counts it
// once per trial). One iteration is a Kalman-smoother E-step over all
// trials (in parallel) followed by six conditional maximisations of
// E_q[log p(X, Y | θ)] + log p(W), each exact:
//
//  1. [A, b] given Q: the Sylvester equation ZZ W + Λ W Q = ZY (see
//     SolveSylvester) with z_t = [φ(u_t) ⊗ x_t ; φ(u_t)]
//  2. Q = (YY − WᵀZY − ZYᵀW + WᵀZZW)/Σ_b(T_b − 1)
//  3. [C, d] given R, and 4. R, likewise over observed bins
//  5. m0 given S0, and 6. S0 = mean_b E[(x_{b,0} − m0(u_{b,0}))(…)ᵀ]
//
// so J never decreases (ECM). Static parameters use the one feature 1 and
// no prior. J is recorded per iteration; a decrease beyond
// lds.DecreaseTolerance stops the fit with ObjectiveDecreased. A
// numerical failure (a covariance losing positive definiteness, a
// singular or inaccurate Sylvester solve) stops it with NumericalFailure.
// Either way Result.Model holds the last good parameters and the error is
// returned alongside the Result.
func Fit(init *Model, trials []Trial, settings *Settings) (*Result, error) {
	start := time.Now()
	if err := init.Validate(); err != nil {
		return nil, err
	}
	if init.Config.Latent > init.N {
		return nil, fmt.Errorf("clds: Config.Latent=%d exceeds the observation dimension N=%d; the model is not identifiable", init.Config.Latent, init.N)
	}
	if err := init.ValidateTrials(trials); err != nil {
		return nil, err
	}
	set := settings.defaults()
	e := newEStep(init, trials, set.Workers)
	cur := init.Clone()
	res := &Result{Model: cur}
	fail := func(status lds.Status, err error) (*Result, error) {
		res.Status, res.Err, res.Runtime = status, err, time.Since(start)
		return res, err
	}
	if err := e.run(cur); err != nil {
		return fail(lds.NumericalFailure, err)
	}
	obj := e.total.ll + cur.LogPrior()
	res.LogLik = append(res.LogLik, e.total.ll)
	res.Objective = append(res.Objective, obj)
	for it := 1; ; it++ {
		next := cur.Clone()
		if err := e.mstep(next, set.MaxResidual); err != nil {
			return fail(lds.NumericalFailure, fmt.Errorf("clds: iteration %d: %w", it, err))
		}
		if err := e.run(next); err != nil {
			return fail(lds.NumericalFailure, fmt.Errorf("clds: iteration %d: %w", it, err))
		}
		nobj := e.total.ll + next.LogPrior()
		if math.IsNaN(nobj) {
			return fail(lds.NumericalFailure, fmt.Errorf("clds: iteration %d: objective is NaN", it))
		}
		if nobj < obj-lds.DecreaseTolerance*math.Abs(obj) {
			return fail(lds.ObjectiveDecreased, fmt.Errorf("clds: iteration %d: objective decreased from %.10g to %.10g", it, obj, nobj))
		}
		cur, res.Model = next, next
		res.LogLik = append(res.LogLik, e.total.ll)
		res.Objective = append(res.Objective, nobj)
		res.Iterations = it
		if set.Progress != nil {
			set.Progress(it, set.MaxIterations, nobj)
		}
		converged := set.Tolerance > 0 && math.Abs(nobj-obj) <= set.Tolerance*math.Abs(nobj)
		obj = nobj
		if converged {
			res.Status = lds.Converged
			break
		}
		if it >= set.MaxIterations {
			res.Status = lds.IterationLimit
			break
		}
	}
	res.Runtime = time.Since(start)
	return res, nil
}

// eStep runs the smoother over all trials and accumulates statistics.
type eStep struct {
	cfg     Config
	d, n    int
	trials  []Trial
	phi     [][]float64 // per trial T×L features (nil without a basis)
	chunks  [][2]int
	stats   []*stats
	total   *stats
	emiYY   []float64 // Σ y yᵀ over observed bins: constant
	workers []*worker
	one     []float64
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
	e := &eStep{cfg: cfg, d: d, n: n, trials: trials, one: []float64{1}}
	nc := min(len(trials), maxChunks)
	for c := 0; c < nc; c++ {
		e.chunks = append(e.chunks, [2]int{c * len(trials) / nc, (c + 1) * len(trials) / nc})
	}
	pd := cfg.features(cfg.A)*d + cfg.features(cfg.B)
	pe := cfg.features(cfg.C)*d + cfg.features(cfg.D)
	p0 := cfg.features(cfg.M0)
	mk := func() *stats {
		return &stats{dyn: newRegression(pd, d, cfg.features(cfg.A), d), emi: newRegression(pe, n, cfg.features(cfg.C), d), ini: newRegression(p0, d, 0, d)}
	}
	for range e.chunks {
		e.stats = append(e.stats, mk())
	}
	e.total = mk()
	e.phi = make([][]float64, len(trials))
	if cfg.Basis != nil {
		L := cfg.Basis.Len()
		for i := range trials {
			T := trials[i].Len()
			phi := make([]float64, T*L)
			for t := 0; t < T; t++ {
				cfg.Basis.Eval(phi[t*L:(t+1)*L], trials[i].U.RawRowView(t))
			}
			e.phi[i] = phi
		}
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
	for w := 0; w < min(workers, len(e.chunks)); w++ {
		e.workers = append(e.workers, &worker{s: make([]float64, d*d), xy: make([]float64, d*n), yy: make([]float64, d*d)})
	}
	return e
}

// feat returns the features of kind k at step t of trial i.
func (e *eStep) feat(k Kind, i, t int) []float64 {
	switch k {
	case GP:
		L := e.cfg.Basis.Len()
		return e.phi[i][t*L : (t+1)*L]
	case Static:
		return e.one
	}
	return nil
}

// ldsModel returns the static part of m as an lds.Model; GP parameters
// enter through each trial's Varying.
func ldsModel(m *Model) *lds.Model {
	c, d, n := m.Config, m.Config.Latent, m.N
	w := &m.Weights
	out := &lds.Model{
		A: mat.NewDense(d, d, nil), C: mat.NewDense(n, d, nil), M0: mat.NewVecDense(d, nil),
		Q: symOf(w.Q, d), R: symOf(w.R, n), S0: symOf(w.S0, d),
	}
	if c.A == Static {
		out.A = mat.NewDense(d, d, append([]float64(nil), w.A...))
	}
	if c.C == Static {
		out.C = mat.NewDense(n, d, append([]float64(nil), w.C...))
	}
	if c.B == Static {
		out.B = mat.NewVecDense(d, append([]float64(nil), w.B...))
	}
	if c.D == Static {
		out.D = mat.NewVecDense(n, append([]float64(nil), w.D...))
	}
	if c.M0 == Static {
		out.M0 = mat.NewVecDense(d, append([]float64(nil), w.M0...))
	}
	return out
}

func grow(x []float64, n int) []float64 {
	if cap(x) < n {
		return make([]float64, n)
	}
	return x[:n]
}

// fillVarying evaluates the GP parameters of m along trial i. With cw
// (whitened C weights) not nil, a GP C enters as whitened loadings CW.
func (e *eStep) fillVarying(m *Model, v *lds.Varying, i int, cw []float64) {
	c, d, n := e.cfg, e.d, e.n
	T := e.trials[i].Len()
	w := &m.Weights
	*v = lds.Varying{A: v.A[:0], B: v.B[:0], C: v.C[:0], D: v.D[:0], M0: v.M0[:0], CW: v.CW[:0]}
	if c.A == GP {
		v.A = grow(v.A, (T-1)*d*d)
		for t := 0; t < T-1; t++ {
			combine(v.A[t*d*d:(t+1)*d*d], w.A, e.feat(GP, i, t))
		}
	} else {
		v.A = nil
	}
	if c.B == GP {
		v.B = grow(v.B, (T-1)*d)
		for t := 0; t < T-1; t++ {
			combine(v.B[t*d:(t+1)*d], w.B, e.feat(GP, i, t))
		}
	} else {
		v.B = nil
	}
	if c.C == GP && cw != nil {
		v.CW = grow(v.CW[:0], T*n*d)
		for t := 0; t < T; t++ {
			combine(v.CW[t*n*d:(t+1)*n*d], cw, e.feat(GP, i, t))
		}
		v.C = nil
	} else if c.C == GP {
		v.CW = nil
		v.C = grow(v.C, T*n*d)
		for t := 0; t < T; t++ {
			combine(v.C[t*n*d:(t+1)*n*d], w.C, e.feat(GP, i, t))
		}
	} else {
		v.C, v.CW = nil, nil
	}
	if c.D == GP {
		v.D = grow(v.D, T*n)
		for t := 0; t < T; t++ {
			combine(v.D[t*n:(t+1)*n], w.D, e.feat(GP, i, t))
		}
	} else {
		v.D = nil
	}
	if c.M0 == GP {
		v.M0 = grow(v.M0, d)
		combine(v.M0, w.M0, e.feat(GP, i, 0))
	} else {
		v.M0 = nil
	}
}

// run performs the E-step for m, leaving the summed statistics in e.total.
func (e *eStep) run(m *Model) error {
	lm := ldsModel(m)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, len(e.workers))
	for wi, w := range e.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.sm.SetModel(lm); err != nil {
				errs[wi] = err
				return
			}
			if e.cfg.C == GP {
				nd := e.n * e.d
				w.cw = grow(w.cw, len(m.Weights.C))
				for l := 0; l < len(w.cw)/nd; l++ {
					if err := w.sm.WhitenLoadings(w.cw[l*nd:(l+1)*nd], m.Weights.C[l*nd:(l+1)*nd]); err != nil {
						panic(err)
					}
				}
			}
			for {
				c := int(next.Add(1)) - 1
				if c >= len(e.chunks) {
					return
				}
				st := e.stats[c]
				st.reset()
				for i := e.chunks[c][0]; i < e.chunks[c][1]; i++ {
					if err := e.trial(m, w, i, st); err != nil {
						st.err = fmt.Errorf("trials[%d]: %w", i, err)
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	e.total.reset()
	for _, st := range e.stats {
		e.total.add(st)
	}
	if e.total.err != nil {
		return e.total.err
	}
	for i, v := range e.emiYY {
		e.total.emi.yy[i] += v
	}
	e.total.dyn.symmetrize()
	e.total.emi.symmetrize()
	e.total.ini.symmetrize()
	return nil
}

// trial smooths trial i and adds its statistics to st.
func (e *eStep) trial(m *Model, w *worker, i int, st *stats) error {
	tr := &e.trials[i]
	e.fillVarying(m, &w.vary, i, w.cw)
	w.tr = lds.Trial{Y: tr.Y, Mask: tr.Mask, Varying: &w.vary}
	if err := w.sm.Smooth(&w.tr, &w.post); err != nil {
		return err
	}
	p := &w.post
	c, d, n := e.cfg, e.d, e.n
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
	st.ini.addZZ(nil, e.feat(c.M0, i, 0), nil, nil, d)
	st.ini.addZY(nil, e.feat(c.M0, i, 0), nil, p.Mean[:d], d)
	st.ini.addYY(w.s)
	st.ini.n++
	for t := 0; t < T; t++ {
		mt := p.Mean[t*d : t*d+d]
		second(w.s, t)
		if t < T-1 {
			fa, fb := e.feat(c.A, i, t), e.feat(c.B, i, t)
			st.dyn.addZZ(fa, fb, mt, w.s, d)
			st.dyn.addZY(fa, fb, p.Cross[t*dd:(t+1)*dd], p.Mean[(t+1)*d:(t+2)*d], d)
			second(w.yy, t+1)
			st.dyn.addYY(w.yy)
			st.dyn.n++
		}
		if tr.Mask == nil || tr.Mask[t] {
			fc, fd := e.feat(c.C, i, t), e.feat(c.D, i, t)
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
			st.bins++
		}
	}
	return nil
}

// mstep overwrites m with the conditional maximisers for e.total.
func (e *eStep) mstep(m *Model, maxRes float64) error {
	c, d, n := e.cfg, e.d, e.n
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
	t := e.total
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
