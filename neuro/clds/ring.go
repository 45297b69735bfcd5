package clds

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/lds"
)

// RingSettings configures SimulateRing. Zero fields take the values of the
// reference's clds/simulate.py, given in brackets.
type RingSettings struct {
	Trials  int     // number of trials [100]
	Steps   int     // time steps per trial [100]
	Neurons int     // observation dimension N [10]
	Epsilon float64 // A(θ) = (1−ε) v vᵀ [0.1]
	Noise   float64 // noise standard deviation: Q = R = S0 = Noise²·I [0.2]
	StepStd float64 // standard deviation of the heading's random-walk steps [0.4]
	Seed    uint64  // random seed; 0 means 1
}

func (s *RingSettings) defaults() RingSettings {
	var o RingSettings
	if s != nil {
		o = *s
	}
	if o.Trials <= 0 {
		o.Trials = 100
	}
	if o.Steps <= 0 {
		o.Steps = 100
	}
	if o.Neurons <= 0 {
		o.Neurons = 10
	}
	if o.Epsilon == 0 {
		o.Epsilon = 0.1
	}
	if o.Noise == 0 {
		o.Noise = 0.2
	}
	if o.StepStd == 0 {
		o.StepStd = 0.4
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// Ring is a synthetic head-direction ring attractor (the paper's synthetic
// experiment, clds/simulate.py): with heading θ_t, u = (cos θ, sin θ) and
// v = (−sin θ, cos θ),
//
//	A(θ) = (1−ε) v vᵀ,  b(θ) = u(θ),  m0 = u(θ_0),  C ~ N(0, 1) (N×2, static)
//	Q = R = S0 = σ²·I,  θ_t = (Σ_{s<=t} StepStd·N(0,1)) mod 2π
//
// A(θ) has eigenvalues 1−ε and 0, and the fixed point (I−A(θ))⁻¹b(θ) =
// u(θ) lies on the unit circle.
type Ring struct {
	Settings RingSettings
	// Trials hold the observations Y (T×N) and the headings U (T×1).
	Trials []Trial
	// Latents[b] is trial b's true latent path (T×2).
	Latents []*mat.Dense
	// Loadings is the true C (N×2).
	Loadings *mat.Dense
}

// SimulateRing draws the data set; it is deterministic given the settings.
// Trial b's heading and noise come from their own stream, so a data set
// with more trials extends one with fewer.
func SimulateRing(settings *RingSettings) (*Ring, error) {
	s := settings.defaults()
	if s.Epsilon <= 0 || s.Epsilon > 1 || s.Noise < 0 || s.StepStd < 0 {
		return nil, fmt.Errorf("clds: SimulateRing: want 0 < Epsilon <= 1 and non-negative Noise and StepStd, got %+v", s)
	}
	if s.Neurons < 2 {
		return nil, fmt.Errorf("clds: SimulateRing: Neurons=%d, want >= 2 (latent dimension 2)", s.Neurons)
	}
	r := &Ring{Settings: s}
	crng := rand.New(rand.NewPCG(s.Seed, 0))
	r.Loadings = mat.NewDense(s.Neurons, 2, nil)
	for i := 0; i < s.Neurons; i++ {
		for j := 0; j < 2; j++ {
			r.Loadings.Set(i, j, crng.NormFloat64())
		}
	}
	model := r.staticModel()
	T := s.Steps
	for b := 0; b < s.Trials; b++ {
		rng := rand.New(rand.NewPCG(s.Seed, uint64(b)+1))
		u := mat.NewDense(T, 1, nil)
		var th float64
		for t := 0; t < T; t++ {
			th += s.StepStd * rng.NormFloat64()
			u.Set(t, 0, wrapAngle(th))
		}
		x, y, err := model.Sample(rng, T, r.varying(u))
		if err != nil {
			return nil, err
		}
		r.Trials = append(r.Trials, Trial{Y: y, U: u})
		r.Latents = append(r.Latents, x)
	}
	return r, nil
}

// staticModel holds the shared parameters (C, Q, R, S0) of the truth.
func (r *Ring) staticModel() *lds.Model {
	v := r.Settings.Noise * r.Settings.Noise
	scaled := func(n int) *mat.SymDense {
		s := mat.NewSymDense(n, nil)
		for i := 0; i < n; i++ {
			s.SetSym(i, i, v)
		}
		return s
	}
	return &lds.Model{A: mat.NewDense(2, 2, nil), C: r.Loadings, M0: mat.NewVecDense(2, nil),
		Q: scaled(2), R: scaled(r.Settings.Neurons), S0: scaled(2)}
}

// varying evaluates the true A(θ_t), b(θ_t) and m0(θ_0) along headings u.
func (r *Ring) varying(u *mat.Dense) *lds.Varying {
	T, _ := u.Dims()
	v := &lds.Varying{A: make([]float64, 0, 4*T), B: make([]float64, 0, 2*T)}
	for t := 0; t < T-1; t++ {
		a := r.TrueA(u.At(t, 0))
		v.A = append(v.A, a.RawMatrix().Data...)
		v.B = append(v.B, math.Cos(u.At(t, 0)), math.Sin(u.At(t, 0)))
	}
	v.M0 = []float64{math.Cos(u.At(0, 0)), math.Sin(u.At(0, 0))}
	return v
}

// TrueA returns A(θ) = (1−ε) v vᵀ.
func (r *Ring) TrueA(theta float64) *mat.Dense {
	e := 1 - r.Settings.Epsilon
	s, c := math.Sincos(theta)
	return mat.NewDense(2, 2, []float64{e * s * s, -e * s * c, -e * s * c, e * c * c})
}

// TrueB returns b(θ) = (cos θ, sin θ).
func (r *Ring) TrueB(theta float64) *mat.VecDense {
	s, c := math.Sincos(theta)
	return mat.NewVecDense(2, []float64{c, s})
}

// TrueObsFixedPoint returns C (I − A(θ))⁻¹ b(θ) = C u(θ), the fixed point
// in observation space (invariant to the latent coordinates).
func (r *Ring) TrueObsFixedPoint(theta float64) *mat.VecDense {
	var y mat.VecDense
	y.MulVec(r.Loadings, r.TrueB(theta))
	return &y
}

// Model returns the truth as a CLDS of configuration RingConfig: A, b
// and m0 expanded on the reference Fourier basis (the truth's cos 2θ,
// sin 2θ, cos θ and sin θ lie in its span exactly), C static, a static
// emission offset d = 0, Q = R = S0 = Noise²·I. Every analysis of a fit (Evaluate, Recovery,
// LogLik, Smooth) applies to it unchanged, so a fit and the truth are
// compared by the same code.
func (r *Ring) Model() (*Model, error) {
	cfg := RingConfig()
	n := r.Settings.Neurons
	m := &Model{Config: cfg, N: n}
	grid := Grid(0, 2*math.Pi, 4*cfg.Basis.Len())
	L := cfg.Basis.Len()
	phi := mat.NewDense(len(grid), L, nil)
	a, b := mat.NewDense(len(grid), 4, nil), mat.NewDense(len(grid), 2, nil)
	for k, u := range grid {
		cfg.Basis.Eval(phi.RawRowView(k), u)
		a.SetRow(k, r.TrueA(u[0]).RawMatrix().Data)
		b.SetRow(k, r.TrueB(u[0]).RawVector().Data)
	}
	var wa, wb, res mat.Dense
	if err := wa.Solve(phi, a); err != nil {
		return nil, fmt.Errorf("clds: Ring.Model: %w", err)
	}
	if err := wb.Solve(phi, b); err != nil {
		return nil, fmt.Errorf("clds: Ring.Model: %w", err)
	}
	res.Mul(phi, &wa)
	res.Sub(&res, a)
	if e := mat.Norm(&res, math.Inf(1)); e > 1e-9 {
		return nil, fmt.Errorf("clds: Ring.Model: the basis does not represent A(θ) (residual %.3g)", e)
	}
	m.Weights = Weights{A: wa.RawMatrix().Data, B: wb.RawMatrix().Data, M0: append([]float64(nil), wb.RawMatrix().Data...),
		C: append([]float64(nil), r.Loadings.RawMatrix().Data...), D: make([]float64, n)}
	v := r.Settings.Noise * r.Settings.Noise
	m.Weights.Q, m.Weights.R, m.Weights.S0 = scaledEye(2, v), scaledEye(n, v), scaledEye(2, v)
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("clds: Ring.Model: %w", err)
	}
	return m, nil
}

func scaledEye(n int, v float64) []float64 {
	out := eye(n)
	for i := range out {
		out[i] *= v
	}
	return out
}

// LogLik returns Σ_b log p(Y_b | U_b) under the true parameters, the
// ceiling a fitted model's held-out log-likelihood is compared with. It
// is computed from the simulator's own parameters through package lds,
// independently of Model.
func (r *Ring) LogLik(trials []Trial) (float64, error) {
	m := r.staticModel()
	lt := make([]lds.Trial, len(trials))
	for i, tr := range trials {
		if tr.U == nil {
			return 0, fmt.Errorf("clds: Ring.LogLik: trials[%d].U is nil", i)
		}
		lt[i] = lds.Trial{Y: tr.Y, Mask: tr.Mask, Varying: r.varying(tr.U)}
	}
	return m.LogLik(lt)
}

// RingReport is what the ring-attractor experiment measures on one data
// set: recovery of the dynamics, held-out log-likelihoods and the
// calibration of the smoother.
type RingReport struct {
	Seed uint64 `json:"seed"`
	// Recovery of the CLDS, aligned to the truth (AlignTo: the affine
	// change of latent coordinates that matches the emissions), on a
	// 200-point heading grid (see Model.Recovery).
	Recovery
	// HeldOut holds the log-likelihood (nats) of the test trials under the
	// CLDS, the static LDS and the true parameters.
	HeldOut struct {
		CLDS   float64 `json:"clds"`
		Static float64 `json:"static_lds"`
		Truth  float64 `json:"truth"`
	} `json:"heldout_loglik"`
	TestTrials int `json:"test_trials"`
	TestBins   int `json:"test_bins"`
	// Coverage is the fraction of the test trials' true latents inside
	// the aligned CLDS smoother's 95% band (see Model.Coverage).
	Coverage float64 `json:"coverage95"`
	// CoverageLinear is the same after a linear alignment that matches the
	// loadings only (x′ = S x, no translation), for comparison: it leaves
	// the fitted latents offset by the translation the offsets absorb.
	CoverageLinear float64 `json:"coverage95_linear_alignment"`
}

// RelGap returns |ℓ_CLDS − ℓ_truth| / |ℓ_truth| of the held-out
// log-likelihoods.
func (r *RingReport) RelGap() float64 {
	return math.Abs(r.HeldOut.CLDS-r.HeldOut.Truth) / math.Abs(r.HeldOut.Truth)
}

// Advantage returns ℓ_CLDS − ℓ_static (nats) of the held-out
// log-likelihoods.
func (r *RingReport) Advantage() float64 { return r.HeldOut.CLDS - r.HeldOut.Static }

// String formats the report on one line.
func (r *RingReport) String() string {
	return fmt.Sprintf("seed %d: eigenvalues ±%.3f; fixed points %.1f%% overall, %.1f%% worst; held-out %.1f%% from the truth, %+.0f nats over the static LDS; coverage %.3f (linear alignment %.3f)",
		r.Seed, r.EigenvalueMaxError, 100*r.FixedPointRelError, 100*r.FixedPointWorstRelError, 100*r.RelGap(), r.Advantage(), r.Coverage, r.CoverageLinear)
}

// RingWorst is the worst value of each measure over several data sets.
type RingWorst struct {
	EigenvalueMaxError, FixedPointRelError, FixedPointWorstRelError float64 // largest
	RelGap                                                          float64 // largest
	Advantage                                                       float64 // smallest
	CoverageMin, CoverageMax                                        float64
}

// Worst returns the worst value of each measure over reports.
func Worst(reports []RingReport) RingWorst {
	w := RingWorst{Advantage: math.Inf(1), CoverageMin: math.Inf(1), CoverageMax: math.Inf(-1)}
	for i := range reports {
		r := &reports[i]
		w.EigenvalueMaxError = math.Max(w.EigenvalueMaxError, r.EigenvalueMaxError)
		w.FixedPointRelError = math.Max(w.FixedPointRelError, r.FixedPointRelError)
		w.FixedPointWorstRelError = math.Max(w.FixedPointWorstRelError, r.FixedPointWorstRelError)
		w.RelGap = math.Max(w.RelGap, r.RelGap())
		w.Advantage = math.Min(w.Advantage, r.Advantage())
		w.CoverageMin, w.CoverageMax = math.Min(w.CoverageMin, r.Coverage), math.Max(w.CoverageMax, r.Coverage)
	}
	return w
}

// Report measures a CLDS fitted to the first train trials (and a static
// LDS fitted to the same trials) against the truth on the other trials.
func (r *Ring) Report(fit, static *Model, train int) (*RingReport, error) {
	if train <= 0 || train >= len(r.Trials) {
		return nil, fmt.Errorf("clds: Ring.Report: train=%d, want 0 < train < %d trials", train, len(r.Trials))
	}
	truth, err := r.Model()
	if err != nil {
		return nil, err
	}
	al, err := fit.AlignTo(truth, nil)
	if err != nil {
		return nil, fmt.Errorf("clds: Ring.Report: %w", err)
	}
	rec, err := al.Recovery(truth, Grid(0, 2*math.Pi, 200))
	if err != nil {
		return nil, fmt.Errorf("clds: Ring.Report: %w", err)
	}
	test := r.Trials[train:]
	rep := &RingReport{Seed: r.Settings.Seed, Recovery: *rec, TestTrials: len(test), TestBins: ObservedBins(test)}
	if rep.HeldOut.CLDS, err = fit.LogLik(test); err != nil {
		return nil, fmt.Errorf("clds: Ring.Report: fit: %w", err)
	}
	if rep.HeldOut.Static, err = static.LogLik(test); err != nil {
		return nil, fmt.Errorf("clds: Ring.Report: static: %w", err)
	}
	if rep.HeldOut.Truth, err = r.LogLik(test); err != nil {
		return nil, err
	}
	if rep.Coverage, err = al.Coverage(test, r.Latents[train:], 0.95); err != nil {
		return nil, fmt.Errorf("clds: Ring.Report: %w", err)
	}
	var s mat.Dense
	if err := s.Solve(r.Loadings, fit.C(nil)); err != nil {
		return nil, fmt.Errorf("clds: Ring.Report: linear alignment: %w", err)
	}
	lin, err := fit.Transform(&s)
	if err != nil {
		return nil, fmt.Errorf("clds: Ring.Report: linear alignment: %w", err)
	}
	if rep.CoverageLinear, err = lin.Coverage(test, r.Latents[train:], 0.95); err != nil {
		return nil, fmt.Errorf("clds: Ring.Report: %w", err)
	}
	return rep, nil
}

// Split returns the first n trials for training and the rest for testing
// (the reference's 80/20 split is Split(80) of 100 trials).
func (r *Ring) Split(n int) (train, test []Trial) {
	n = max(0, min(n, len(r.Trials)))
	return r.Trials[:n], r.Trials[n:]
}

// RingConfig is the reference model for the ring data: A, b and m0 GPs
// over the heading with the reference basis Tm_basis(5, σ=0.5, κ=0.1,
// period 2π) (L = 9), static C and d, λ = 1, D = 2.
func RingConfig() Config {
	b, err := NewFourier(FourierSettings{Frequencies: 5, Sigma: 0.5, Kappa: 0.1, Period: []float64{2 * math.Pi}})
	if err != nil {
		panic(err)
	}
	return Config{Latent: 2, Basis: b, A: GP, B: GP, C: Static, D: Static, M0: GP, Lambda: 1}
}

// StaticConfig is a plain LDS with latent dimension d (every parameter
// static), fitted by the same ECM code; conditions are ignored.
func StaticConfig(d int) Config {
	return Config{Latent: d, A: Static, B: Static, C: Static, D: Static, M0: Static}
}

// wrapAngle maps θ to [0, 2π), like Python's θ % (2π).
func wrapAngle(th float64) float64 {
	w := math.Mod(th, 2*math.Pi)
	if w < 0 {
		w += 2 * math.Pi
	}
	return w
}
