package clds

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/lds"
)

// Kind says how a parameter depends on the condition u.
type Kind int

const (
	// Static: one value shared by all conditions, no prior.
	Static Kind = iota
	// GP: a weight-space Gaussian process F(u) = Σ_l W_l φ_l(u) with
	// W_l entries iid N(0, 1/λ).
	GP
	// Zero: fixed at zero (allowed for B, D and M0; the reference code has
	// no emission offset D).
	Zero
	// Flat: the same expansion F(u) = Σ_l W_l φ_l(u) as GP but with a flat
	// prior on W (maximum likelihood for this parameter, λ = 0 whatever
	// Config.Lambda says). It is the control for what the smoothing prior
	// adds: the same functions can be represented, none is preferred.
	Flat
)

func (k Kind) String() string {
	switch k {
	case Static:
		return "static"
	case GP:
		return "gp"
	case Zero:
		return "zero"
	case Flat:
		return "flat"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// expanded reports whether a parameter of kind k is expanded on the basis
// (GP or Flat).
func (k Kind) expanded() bool { return k == GP || k == Flat }

// NoPrior as Config.Lambda fits GP weights by maximum likelihood (λ = 0).
const NoPrior = -1.0

// Config fixes the structure of a CLDS.
type Config struct {
	// Latent is the latent dimension D >= 1.
	Latent int
	// Basis is the feature map of every GP parameter. It may be nil when
	// no parameter is a GP; then conditions are not needed.
	Basis Basis
	// A, B, C, D and M0 choose how the dynamics matrix, dynamics offset,
	// loadings, emission offset and initial mean depend on u. The zero
	// value is Static. A and C cannot be Zero.
	A, B, C, D, M0 Kind
	// Lambda is the prior precision λ of GP weights, counted once in the
	// objective. 0 means 1 (the reference's N(0, 1) weights); NoPrior
	// (any negative value) means λ = 0, maximum likelihood.
	Lambda float64
}

func (c Config) lambda() float64 {
	switch {
	case c.Lambda == 0:
		return 1
	case c.Lambda < 0:
		return 0
	}
	return c.Lambda
}

// Conditions returns M, the dimension of a condition (0 without a basis).
func (c Config) Conditions() int {
	if c.Basis == nil {
		return 0
	}
	return c.Basis.Dim()
}

func (c Config) validate() error {
	if c.Latent < 1 {
		return fmt.Errorf("clds: Config.Latent=%d, want >= 1", c.Latent)
	}
	if c.A == Zero || c.C == Zero {
		return fmt.Errorf("clds: Config.A and Config.C cannot be Zero")
	}
	for _, k := range []struct {
		name string
		k    Kind
	}{{"A", c.A}, {"B", c.B}, {"C", c.C}, {"D", c.D}, {"M0", c.M0}} {
		if k.k < Static || k.k > Flat {
			return fmt.Errorf("clds: Config.%s=%v is not a Kind", k.name, k.k)
		}
		if k.k.expanded() && c.Basis == nil {
			return fmt.Errorf("clds: Config.%s is %v but Config.Basis is nil", k.name, k.k)
		}
	}
	if c.Basis != nil && (c.Basis.Len() < 1 || c.Basis.Dim() < 1) {
		return fmt.Errorf("clds: Config.Basis has L=%d features over M=%d dimensions, want both >= 1", c.Basis.Len(), c.Basis.Dim())
	}
	if math.IsNaN(c.Lambda) || math.IsInf(c.Lambda, 0) {
		return fmt.Errorf("clds: Config.Lambda=%v is not finite", c.Lambda)
	}
	return nil
}

// features returns the number of features of a parameter of kind k.
func (c Config) features(k Kind) int {
	switch k {
	case GP, Flat:
		return c.Basis.Len()
	case Static:
		return 1
	}
	return 0
}

// Weights holds all parameters as flat row-major slices. A parameter of
// kind GP has L blocks (one per feature), Static one block, Zero none:
//
//	A:  blocks of D×D, A(u) = Σ_l φ_l(u) A_l
//	B:  blocks of D
//	C:  blocks of N×D
//	D:  blocks of N
//	M0: blocks of D
//	Q, S0: D×D;  R: N×N (full symmetric matrices)
type Weights struct {
	A, B, C, D, M0 []float64
	Q, R, S0       []float64
}

func (w *Weights) clone() Weights {
	c := func(x []float64) []float64 { return append([]float64(nil), x...) }
	return Weights{A: c(w.A), B: c(w.B), C: c(w.C), D: c(w.D), M0: c(w.M0), Q: c(w.Q), R: c(w.R), S0: c(w.S0)}
}

// Model is a conditionally linear dynamical system (CLDS): for a trial
// with conditions u_0..u_{T−1} (e.g. head direction),
//
//	x_0     ~ N(m0(u_0), S0)
//	x_{t+1} = A(u_t) x_t + b(u_t) + w_t,   w_t ~ N(0, Q)
//	y_t     = C(u_t) x_t + d(u_t) + v_t,   v_t ~ N(0, R)
//
// Parameters with index t drive the step t → t+1 (A(u_{T−1}) is unused).
// Each of A, b, C, d, m0 is a weight-space GP over u, static, or (b, d,
// m0) zero, as set by Config; Q, R and S0 are shared.
type Model struct {
	Config  Config
	N       int // observation dimension
	Weights Weights
}

// NewModel draws a model of configuration cfg with observation dimension
// n from rng, initialised as in the reference notebooks: GP (and Flat)
// weights drawn from the prior N(0, 1/λ) (N(0, 1) when λ = 0), static
// A = 0.5·I, static C with N(0, 1) entries, offsets and static m0 zero,
// Q = R = S0 = I. Like every function of neuro/ that draws samples, it
// takes the *rand.Rand first; the draw is deterministic given rng.
func NewModel(rng *rand.Rand, cfg Config, n int) (*Model, error) {
	if rng == nil {
		return nil, fmt.Errorf("clds: NewModel: rng is nil")
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	d := cfg.Latent
	if n < 1 {
		return nil, fmt.Errorf("clds: NewModel: observation dimension N=%d, want >= 1", n)
	}
	if d > n {
		return nil, fmt.Errorf("clds: Config.Latent=%d exceeds the observation dimension N=%d; the model is not identifiable", d, n)
	}
	sd := 1.0
	if l := cfg.lambda(); l > 0 {
		sd = 1 / math.Sqrt(l)
	}
	draw := func(k Kind, size int, static func(i int) float64) []float64 {
		out := make([]float64, cfg.features(k)*size)
		for i := range out {
			if k.expanded() {
				out[i] = sd * rng.NormFloat64()
			} else {
				out[i] = static(i)
			}
		}
		return out
	}
	m := &Model{Config: cfg, N: n}
	m.Weights.A = draw(cfg.A, d*d, func(i int) float64 {
		if i/d == i%d {
			return 0.5
		}
		return 0
	})
	m.Weights.B = draw(cfg.B, d, func(int) float64 { return 0 })
	m.Weights.C = draw(cfg.C, n*d, func(int) float64 { return rng.NormFloat64() })
	m.Weights.D = draw(cfg.D, n, func(int) float64 { return 0 })
	m.Weights.M0 = draw(cfg.M0, d, func(int) float64 { return 0 })
	m.Weights.Q = eye(d)
	m.Weights.R = eye(n)
	m.Weights.S0 = eye(d)
	return m, nil
}

func eye(n int) []float64 {
	out := make([]float64, n*n)
	for i := 0; i < n; i++ {
		out[i*n+i] = 1
	}
	return out
}

// Clone returns a deep copy of m (the basis is shared).
func (m *Model) Clone() *Model {
	return &Model{Config: m.Config, N: m.N, Weights: m.Weights.clone()}
}

// Validate checks the weight lengths against the config and that Q, R
// and S0 are finite and positive definite.
func (m *Model) Validate() error {
	if m == nil {
		return fmt.Errorf("clds: model is nil")
	}
	if err := m.Config.validate(); err != nil {
		return err
	}
	d, n, c := m.Config.Latent, m.N, m.Config
	w := &m.Weights
	for _, f := range []struct {
		name string
		x    []float64
		want int
	}{
		{"A", w.A, c.features(c.A) * d * d}, {"B", w.B, c.features(c.B) * d},
		{"C", w.C, c.features(c.C) * n * d}, {"D", w.D, c.features(c.D) * n},
		{"M0", w.M0, c.features(c.M0) * d}, {"Q", w.Q, d * d}, {"R", w.R, n * n}, {"S0", w.S0, d * d},
	} {
		if len(f.x) != f.want {
			return fmt.Errorf("clds: Model.Weights.%s has length %d, want %d", f.name, len(f.x), f.want)
		}
		for i, v := range f.x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("clds: Model.Weights.%s[%d] is %v", f.name, i, v)
			}
		}
	}
	for _, s := range []struct {
		name string
		x    []float64
		n    int
	}{{"Q", w.Q, d}, {"R", w.R, n}, {"S0", w.S0, d}} {
		var ch mat.Cholesky
		if !ch.Factorize(symOf(s.x, s.n)) {
			return fmt.Errorf("clds: Model.Weights.%s is not positive definite", s.name)
		}
	}
	return nil
}

// symOf returns the symmetric part of the n×n row-major matrix x.
func symOf(x []float64, n int) *mat.SymDense {
	s := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s.SetSym(i, j, 0.5*(x[i*n+j]+x[j*n+i]))
		}
	}
	return s
}

// featuresAt writes the features of kind k at u to dst and returns them.
// A condition of the wrong length is a programming error in a caller that
// has no error to return (A, B, C, D, M0): it panics with a message naming
// u; the methods that return errors check u first (checkCondition).
func (m *Model) featuresAt(dst []float64, k Kind, u []float64) []float64 {
	switch k {
	case GP, Flat:
		if err := m.checkCondition("u", u); err != nil {
			panic(err)
		}
		dst = dst[:m.Config.Basis.Len()]
		m.Config.Basis.Eval(dst, u)
		return dst
	case Static:
		dst = dst[:1]
		dst[0] = 1
		return dst
	}
	return dst[:0]
}

// checkCondition reports a condition that is not a finite vector of the
// basis dimension M (any u is accepted when no parameter depends on it).
func (m *Model) checkCondition(name string, u []float64) error {
	if !m.dependsOnCondition() {
		return nil
	}
	if M := m.Config.Conditions(); len(u) != M {
		return fmt.Errorf("clds: condition %s has length %d, want the basis dimension M=%d", name, len(u), M)
	}
	for i, v := range u {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("clds: condition %s[%d] is %v", name, i, v)
		}
	}
	return nil
}

// dependsOnCondition reports whether some parameter is expanded on the
// basis.
func (m *Model) dependsOnCondition() bool {
	c := m.Config
	return c.A.expanded() || c.B.expanded() || c.C.expanded() || c.D.expanded() || c.M0.expanded()
}

// combine sets dst = Σ_l f_l W[l*size:(l+1)*size].
func combine(dst, w, f []float64) {
	size := len(dst)
	for i := range dst {
		dst[i] = 0
	}
	for l, fl := range f {
		if fl == 0 {
			continue
		}
		blk := w[l*size : (l+1)*size]
		for i, v := range blk {
			dst[i] += fl * v
		}
	}
}

func (m *Model) eval(k Kind, w []float64, size int, u []float64) []float64 {
	buf := make([]float64, max(1, m.basisLen()))
	out := make([]float64, size)
	combine(out, w, m.featuresAt(buf, k, u))
	return out
}

func (m *Model) basisLen() int {
	if m.Config.Basis == nil {
		return 1
	}
	return m.Config.Basis.Len()
}

// A returns A(u).
func (m *Model) A(u []float64) *mat.Dense {
	d := m.Config.Latent
	return mat.NewDense(d, d, m.eval(m.Config.A, m.Weights.A, d*d, u))
}

// B returns the dynamics offset b(u).
func (m *Model) B(u []float64) *mat.VecDense {
	return mat.NewVecDense(m.Config.Latent, m.eval(m.Config.B, m.Weights.B, m.Config.Latent, u))
}

// C returns the loadings C(u).
func (m *Model) C(u []float64) *mat.Dense {
	d := m.Config.Latent
	return mat.NewDense(m.N, d, m.eval(m.Config.C, m.Weights.C, m.N*d, u))
}

// D returns the emission offset d(u).
func (m *Model) D(u []float64) *mat.VecDense {
	return mat.NewVecDense(m.N, m.eval(m.Config.D, m.Weights.D, m.N, u))
}

// M0 returns the initial mean m0(u).
func (m *Model) M0(u []float64) *mat.VecDense {
	return mat.NewVecDense(m.Config.Latent, m.eval(m.Config.M0, m.Weights.M0, m.Config.Latent, u))
}

// Q returns the dynamics noise covariance.
func (m *Model) Q() *mat.SymDense { return symOf(m.Weights.Q, m.Config.Latent) }

// R returns the observation noise covariance.
func (m *Model) R() *mat.SymDense { return symOf(m.Weights.R, m.N) }

// S0 returns the initial-state covariance.
func (m *Model) S0() *mat.SymDense { return symOf(m.Weights.S0, m.Config.Latent) }

// LogPrior returns log p(W) = Σ over GP weights of log N(w; 0, 1/λ); zero
// without a prior.
func (m *Model) LogPrior() float64 {
	l := m.Config.lambda()
	if l == 0 {
		return 0
	}
	var lp float64
	c := m.Config
	for _, b := range []struct {
		k Kind
		w []float64
	}{{c.A, m.Weights.A}, {c.B, m.Weights.B}, {c.C, m.Weights.C}, {c.D, m.Weights.D}, {c.M0, m.Weights.M0}} {
		if b.k != GP {
			continue
		}
		for _, v := range b.w {
			lp += -0.5*l*v*v + 0.5*math.Log(l/(2*math.Pi))
		}
	}
	return lp
}

// Trial is one recording: observations Y (T×N), conditions U (T×M, row t
// is u_t) and an optional mask (Mask[t] == false: bin t missing).
type Trial struct {
	Y    *mat.Dense
	U    *mat.Dense
	Mask []bool
}

// Len returns T.
func (tr *Trial) Len() int {
	if tr.Y == nil {
		return 0
	}
	r, _ := tr.Y.Dims()
	return r
}

// Conditions returns the conditions u_0 .. u_{T−1} as slices (views of
// the rows of U; nil without conditions), the grid Evaluate takes to
// evaluate a model along the trial.
func (tr *Trial) Conditions() [][]float64 {
	if tr.U == nil {
		return nil
	}
	r, _ := tr.U.Dims()
	out := make([][]float64, r)
	for t := range out {
		out[t] = tr.U.RawRowView(t)
	}
	return out
}

// Observed returns the number of observed bins (T minus the masked ones).
func (tr *Trial) Observed() int { return (&lds.Trial{Y: tr.Y, Mask: tr.Mask}).Observed() }

// ObservedBins returns the number of observed bins of all trials, the
// denominator of a log-likelihood per bin.
func ObservedBins(trials []Trial) (n int) {
	for i := range trials {
		n += trials[i].Observed()
	}
	return n
}

// ValidateTrials checks trials against the model's dimensions: valid
// observations (see lds.ValidateTrials) and one finite condition of
// dimension M per time bin. Errors name the argument, trial and index.
func (m *Model) ValidateTrials(trials []Trial) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return validateTrials(trials, m.ldsModel(), m.Config.Conditions())
}

// validateTrials checks the observations of trials against the static
// LDS lm (lds's checks) and their conditions against the dimension dim.
func validateTrials(trials []Trial, lm *lds.Model, dim int) error {
	if len(trials) == 0 {
		return fmt.Errorf("clds: trials is empty")
	}
	for i := range trials {
		tr := &trials[i]
		if err := lm.ValidateTrials([]lds.Trial{{Y: tr.Y, Mask: tr.Mask}}); err != nil {
			msg := strings.TrimPrefix(err.Error(), "lds: ")
			msg = strings.Replace(msg, "trials[0]", fmt.Sprintf("trials[%d]", i), 1)
			return fmt.Errorf("clds: %s", msg)
		}
		if dim == 0 {
			continue
		}
		T := tr.Len()
		if tr.U == nil {
			return fmt.Errorf("clds: trials[%d].U is nil, want T×M = %d×%d conditions", i, T, dim)
		}
		r, c := tr.U.Dims()
		if r != T {
			return fmt.Errorf("clds: trials[%d].U has %d rows but trials[%d].Y has %d; want one condition per time bin", i, r, i, T)
		}
		if c != dim {
			return fmt.Errorf("clds: trials[%d].U has %d columns, want the basis dimension M=%d", i, c, dim)
		}
		for t := 0; t < r; t++ {
			for j := 0; j < c; j++ {
				if v := tr.U.At(t, j); math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("clds: trials[%d].U[%d,%d] is %v", i, t, j, v)
				}
			}
		}
	}
	return nil
}
