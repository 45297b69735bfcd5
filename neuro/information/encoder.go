package information

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Prior is the stimulus distribution x ~ N(Mean, diag(Var)): independent
// Gaussian features (pixels). Quadrature and the denoiser need independent
// features; LinearGaussian takes any covariance.
type Prior struct {
	Mean []float64 `json:"mean"`
	Var  []float64 `json:"var"`
}

// StandardPrior returns N(0, I) in d dimensions.
func StandardPrior(d int) Prior {
	p := Prior{Mean: make([]float64, d), Var: make([]float64, d)}
	for k := range p.Var {
		p.Var[k] = 1
	}
	return p
}

// Dim returns the number of features.
func (p Prior) Dim() int { return len(p.Mean) }

func (p Prior) validate() error {
	if len(p.Mean) == 0 {
		return errors.New("prior: no features (empty Mean)")
	}
	if len(p.Var) != len(p.Mean) {
		return fmt.Errorf("prior: %d means but %d variances", len(p.Mean), len(p.Var))
	}
	for k := range p.Mean {
		if !finite(p.Mean[k]) {
			return fmt.Errorf("prior: Mean[%d] = %v", k, p.Mean[k])
		}
		if !(p.Var[k] > 0) || math.IsInf(p.Var[k], 0) {
			return fmt.Errorf("prior: Var[%d] = %v, want a positive finite variance", k, p.Var[k])
		}
	}
	return nil
}

// Entropy returns the differential entropy of the prior, ½ Σ_k log(2πe Var_k).
func (p Prior) Entropy() float64 {
	h := 0.0
	for _, v := range p.Var {
		h += 0.5 * math.Log(2*math.Pi*math.E*v)
	}
	return h
}

// posterior returns, for the noisy stimulus y = x + √γ ξ, the mean of
// p(x | y) (into mu) and its variances C_k = Var_k γ/(Var_k + γ): the prior
// is Gaussian, so p(x | y) = N(m + B (y − m), C) with B_k = Var_k/(Var_k + γ).
func (p Prior) posterior(y []float64, gamma float64, mu, c []float64) {
	for k, v := range p.Var {
		b := v / (v + gamma)
		mu[k] = p.Mean[k] + b*(y[k]-p.Mean[k])
		c[k] = v * gamma / (v + gamma)
	}
}

// TuningKind names the shape of a tuning curve.
type TuningKind int

const (
	// Bump: f(x) = Base + Gain·exp(−‖x − Center‖²/Width), a Gaussian
	// tuning curve (Gain < 0 gives a U-shaped one).
	Bump TuningKind = iota + 1
	// Sigmoid: f(x) = Base + Gain·σ(Slope·(w·x − Threshold)), σ the logistic
	// function and w = Weights the receptive field.
	Sigmoid
	// Linear: f(x) = Base + w·x, the receptive field w = Weights read out
	// linearly (with Gaussian noise, the linear-Gaussian model).
	Linear
)

// String returns the kind's name.
func (k TuningKind) String() string {
	switch k {
	case Bump:
		return "bump"
	case Sigmoid:
		return "sigmoid"
	case Linear:
		return "linear"
	}
	return fmt.Sprintf("TuningKind(%d)", int(k))
}

// Tuning is a neuron's mean response f(x) to the stimulus x. Build one with
// BumpTuning, SigmoidTuning or LinearTuning; which fields are read depends
// on Kind.
type Tuning struct {
	Kind TuningKind `json:"kind"`
	// Base and Gain: f = Base + Gain·shape (Linear: f = Base + w·x).
	Base float64 `json:"base"`
	Gain float64 `json:"gain,omitempty"`
	// Center and Width of a Bump: exp(−‖x − Center‖²/Width).
	Center []float64 `json:"center,omitempty"`
	Width  float64   `json:"width,omitempty"`
	// Weights is the receptive field w of Sigmoid and Linear tuning.
	Weights []float64 `json:"weights,omitempty"`
	// Threshold and Slope of a Sigmoid.
	Threshold float64 `json:"threshold,omitempty"`
	Slope     float64 `json:"slope,omitempty"`
}

// BumpTuning returns f(x) = base + gain·exp(−‖x − center‖²/width): the
// brief's Poisson neuron is BumpTuning(0.5, 8, 0.5, 0.7).
func BumpTuning(base, gain, width float64, center ...float64) Tuning {
	return Tuning{Kind: Bump, Base: base, Gain: gain, Width: width, Center: center}
}

// SigmoidTuning returns f(x) = base + gain·σ(slope·(w·x − threshold)).
func SigmoidTuning(base, gain, slope, threshold float64, w ...float64) Tuning {
	return Tuning{Kind: Sigmoid, Base: base, Gain: gain, Slope: slope, Threshold: threshold, Weights: w}
}

// LinearTuning returns f(x) = base + w·x.
func LinearTuning(base float64, w ...float64) Tuning {
	return Tuning{Kind: Linear, Base: base, Weights: w}
}

func (t *Tuning) validate(d int) error {
	if !finite(t.Base) || !finite(t.Gain) {
		return fmt.Errorf("tuning: Base %v, Gain %v must be finite", t.Base, t.Gain)
	}
	switch t.Kind {
	case Bump:
		if len(t.Center) != d {
			return fmt.Errorf("bump tuning: Center has %d values, the stimulus %d features", len(t.Center), d)
		}
		if !allFinite(t.Center) {
			return fmt.Errorf("bump tuning: Center %v is not finite", t.Center)
		}
		if !(t.Width > 0) || math.IsInf(t.Width, 0) {
			return fmt.Errorf("bump tuning: Width = %v, want a positive finite width", t.Width)
		}
	case Sigmoid, Linear:
		if len(t.Weights) != d {
			return fmt.Errorf("%v tuning: Weights has %d values, the stimulus %d features", t.Kind, len(t.Weights), d)
		}
		if !allFinite(t.Weights) {
			return fmt.Errorf("%v tuning: Weights %v is not finite", t.Kind, t.Weights)
		}
		if t.Kind == Sigmoid && (!finite(t.Slope) || !finite(t.Threshold)) {
			return fmt.Errorf("sigmoid tuning: Slope %v, Threshold %v must be finite", t.Slope, t.Threshold)
		}
	default:
		return fmt.Errorf("tuning: unknown kind %v", t.Kind)
	}
	return nil
}

// minRate returns a lower bound of f over all stimuli (−Inf for Linear
// tuning with a non-zero receptive field).
func (t *Tuning) minRate() float64 {
	switch t.Kind {
	case Bump, Sigmoid:
		return t.Base + min(t.Gain, 0)
	}
	for _, w := range t.Weights {
		if w != 0 {
			return math.Inf(-1)
		}
	}
	return t.Base
}

// Rate returns f(x).
func (t *Tuning) Rate(x []float64) float64 {
	switch t.Kind {
	case Bump:
		d2 := 0.0
		for k, c := range t.Center {
			d2 += (x[k] - c) * (x[k] - c)
		}
		return t.Base + t.Gain*math.Exp(-d2/t.Width)
	case Sigmoid:
		return t.Base + t.Gain*logistic(t.Slope*(dot(t.Weights, x)-t.Threshold))
	}
	return t.Base + dot(t.Weights, x)
}

// RateGradient returns f(x) and writes ∇f(x) into grad.
func (t *Tuning) RateGradient(x, grad []float64) float64 {
	switch t.Kind {
	case Bump:
		d2 := 0.0
		for k, c := range t.Center {
			d2 += (x[k] - c) * (x[k] - c)
		}
		e := t.Gain * math.Exp(-d2/t.Width)
		for k, c := range t.Center {
			grad[k] = -2 * e * (x[k] - c) / t.Width
		}
		return t.Base + e
	case Sigmoid:
		s := logistic(t.Slope * (dot(t.Weights, x) - t.Threshold))
		g := t.Gain * s * (1 - s) * t.Slope
		for k, w := range t.Weights {
			grad[k] = g * w
		}
		return t.Base + t.Gain*s
	}
	copy(grad, t.Weights)
	return t.Base + dot(t.Weights, x)
}

// Noise is a neuron's response distribution around its tuning curve.
type Noise int

const (
	// Poisson: r ~ Poisson(f(x)), spike counts; f must stay positive.
	Poisson Noise = iota + 1
	// Gaussian: r ~ N(f(x), Variance).
	Gaussian
)

// String returns the noise's name.
func (n Noise) String() string {
	switch n {
	case Poisson:
		return "poisson"
	case Gaussian:
		return "gaussian"
	}
	return fmt.Sprintf("Noise(%d)", int(n))
}

// Neuron is one neuron of an encoder: a tuning curve and a noise model.
type Neuron struct {
	Tuning Tuning `json:"tuning"`
	Noise  Noise  `json:"noise"`
	// Variance is the Gaussian noise variance v (unused for Poisson).
	Variance float64 `json:"variance,omitempty"`
}

// PoissonNeuron returns a neuron with Poisson spike counts around t.
func PoissonNeuron(t Tuning) Neuron { return Neuron{Tuning: t, Noise: Poisson} }

// GaussianNeuron returns a neuron with responses N(f(x), variance).
func GaussianNeuron(t Tuning, variance float64) Neuron {
	return Neuron{Tuning: t, Noise: Gaussian, Variance: variance}
}

// Encoder is a population of neurons with conditionally independent noise
// encoding a stimulus drawn from a Gaussian prior:
//
//	x ~ N(m, diag(s)),   p(r | x) = Π_n p(r_n | f_n(x)).
type Encoder struct {
	Prior   Prior    `json:"prior"`
	Neurons []Neuron `json:"neurons"`
}

// NewEncoder validates the prior and the neurons and returns an encoder.
// Variances must be positive and finite, tuning parameters finite and of
// the stimulus's dimension, and Poisson rates positive for every stimulus.
func NewEncoder(prior Prior, neurons ...Neuron) (*Encoder, error) {
	e := &Encoder{Prior: prior, Neurons: neurons}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return e, nil
}

// Validate checks the encoder (see NewEncoder).
func (e *Encoder) Validate() error {
	if e == nil {
		return errors.New("information: nil encoder")
	}
	if err := e.Prior.validate(); err != nil {
		return fmt.Errorf("information: %w", err)
	}
	if len(e.Neurons) == 0 {
		return errors.New("information: the encoder has no neurons")
	}
	d := e.Prior.Dim()
	for i := range e.Neurons {
		n := &e.Neurons[i]
		if err := n.Tuning.validate(d); err != nil {
			return fmt.Errorf("information: neuron %d: %w", i, err)
		}
		switch n.Noise {
		case Poisson:
			if m := n.Tuning.minRate(); !(m > 0) {
				return fmt.Errorf("information: neuron %d: Poisson rate can reach %v, want rates > 0 for every stimulus (Linear tuning cannot drive a Poisson neuron)", i, m)
			}
		case Gaussian:
			if !(n.Variance > 0) || math.IsInf(n.Variance, 0) {
				return fmt.Errorf("information: neuron %d: Gaussian noise Variance = %v, want a positive finite variance", i, n.Variance)
			}
		default:
			return fmt.Errorf("information: neuron %d: unknown noise %v", i, n.Noise)
		}
	}
	return nil
}

// Dim returns the stimulus dimension.
func (e *Encoder) Dim() int { return e.Prior.Dim() }

// Responses returns the number of neurons (the length of a response r).
func (e *Encoder) Responses() int { return len(e.Neurons) }

// SampleStimulus draws x ~ N(m, diag(s)) into x.
func (e *Encoder) SampleStimulus(rng *rand.Rand, x []float64) {
	for k, v := range e.Prior.Var {
		x[k] = e.Prior.Mean[k] + math.Sqrt(v)*rng.NormFloat64()
	}
}

// SampleResponse draws r ~ p(r | x) into r (one value per neuron).
func (e *Encoder) SampleResponse(rng *rand.Rand, x, r []float64) {
	for i := range e.Neurons {
		n := &e.Neurons[i]
		f := n.Tuning.Rate(x)
		if n.Noise == Poisson {
			r[i] = distuv.Poisson{Lambda: f, Src: rng}.Rand()
		} else {
			r[i] = f + math.Sqrt(n.Variance)*rng.NormFloat64()
		}
	}
}

// SamplePosterior draws x′ ~ p(x | y) for the noisy stimulus
// y = x + √γ ξ (ξ ~ N(0, I)): N(m + B(y − m), C) with B = s/(s + γ) and
// C = sγ/(s + γ), since the prior is Gaussian. Then SampleResponse at x′
// draws r ~ p(r | y), the sampling the reference code uses.
func (e *Encoder) SamplePosterior(rng *rand.Rand, y []float64, gamma float64, x []float64) {
	c := make([]float64, len(y))
	e.Prior.posterior(y, gamma, x, c)
	for k := range x {
		x[k] += math.Sqrt(c[k]) * rng.NormFloat64()
	}
}

// LogLikelihood returns log p(r | x).
func (e *Encoder) LogLikelihood(r, x []float64) float64 {
	ll := 0.0
	for i := range e.Neurons {
		n := &e.Neurons[i]
		ll += n.logLikelihood(r[i], n.Tuning.Rate(x))
	}
	return ll
}

func (n *Neuron) logLikelihood(r, f float64) float64 {
	if n.Noise == Poisson {
		lg, _ := math.Lgamma(r + 1)
		return r*math.Log(f) - f - lg
	}
	return -0.5*(r-f)*(r-f)/n.Variance - 0.5*math.Log(2*math.Pi*n.Variance)
}

// rateScore returns ∂ log p(r | f)/∂f.
func (n *Neuron) rateScore(r, f float64) float64 {
	if n.Noise == Poisson {
		return r/f - 1
	}
	return (r - f) / n.Variance
}

// rateFisher returns the Fisher information of one response about its
// mean f: 1/f (Poisson) or 1/v (Gaussian).
func (n *Neuron) rateFisher(f float64) float64 {
	if n.Noise == Poisson {
		return 1 / f
	}
	return 1 / n.Variance
}

// Fisher returns the Fisher information matrix at x,
//
//	J(x) = E_{r|x} ∇log p(r|x) ∇log p(r|x)ᵀ = Σ_n ∇f_n ∇f_nᵀ / f_n     (Poisson)
//	                                         Σ_n ∇f_n ∇f_nᵀ / v_n     (Gaussian).
func (e *Encoder) Fisher(x []float64) *mat.SymDense {
	d := e.Dim()
	j := mat.NewSymDense(d, nil)
	g := make([]float64, d)
	for i := range e.Neurons {
		n := &e.Neurons[i]
		f := n.Tuning.RateGradient(x, g)
		w := n.rateFisher(f)
		for a := 0; a < d; a++ {
			for b := a; b < d; b++ {
				j.SetSym(a, b, j.At(a, b)+w*g[a]*g[b])
			}
		}
	}
	return j
}

func logistic(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func allFinite(v []float64) bool {
	for _, x := range v {
		if !finite(x) {
			return false
		}
	}
	return true
}
