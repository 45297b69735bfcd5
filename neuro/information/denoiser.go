package information

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/neuronb/neuronb/neuro/train"
)

// DenoiserConfig is the shape of a conditional denoiser.
type DenoiserConfig struct {
	// Width and Depth: Depth hidden dense layers of Width units; 0 means
	// 128 and 3.
	Width int `json:"width"`
	Depth int `json:"depth"`
	// Activation of the hidden layers; the zero value (Identity) means SiLU.
	Activation train.Activation `json:"activation"`
	// LogGammaMin and LogGammaMax bound the noise levels the denoiser is
	// trained on and the estimator integrates over, in log γ; both 0 means
	// −9 and 7 (γ from 1.2e-4 to 1.1e3).
	LogGammaMin float64 `json:"log_gamma_min"`
	LogGammaMax float64 `json:"log_gamma_max"`
}

func (c DenoiserConfig) resolve() (DenoiserConfig, error) {
	if c.Width == 0 {
		c.Width = 128
	}
	if c.Depth == 0 {
		c.Depth = 3
	}
	if c.Activation == train.Identity {
		c.Activation = train.SiLU
	}
	if c.LogGammaMin == 0 && c.LogGammaMax == 0 {
		c.LogGammaMin, c.LogGammaMax = -9, 7
	}
	switch {
	case c.Width < 1 || c.Depth < 1:
		return c, fmt.Errorf("information: DenoiserConfig: Width %d and Depth %d must be positive", c.Width, c.Depth)
	case !finite(c.LogGammaMin) || !finite(c.LogGammaMax) || !(c.LogGammaMax > c.LogGammaMin):
		return c, fmt.Errorf("information: DenoiserConfig: log γ range [%v, %v] is empty or not finite", c.LogGammaMin, c.LogGammaMax)
	}
	return c, nil
}

// gammaFeatures is the number of Fourier features of log γ fed to the
// network besides log γ itself.
const gammaFeatures = 3

// Denoiser is a conditional noise predictor ε̂(y, log γ, r, mask) for the
// noisy stimulus y = x + √γ ξ of an encoder: with mask 1 it predicts ξ
// from y and the response r, with mask 0 (r withheld) from y alone. One
// network learns both by denoising score matching with condition dropout
// (Train), and then
//
//	∇_y log p(r|y) = s(y,γ|r) − s(y,γ) = −(ε̂(y,γ,r) − ε̂(y,γ,∅))/√γ,
//
// so I_local(x) = ½ ∫ E ‖ε̂(y,γ,r) − ε̂(y,γ,∅)‖² d log γ (Estimate).
//
// The prediction is ε̂ = ε_G(y,γ) + c(γ) ⊙ N(input), where N is an MLP of
// package train, ε_G = √γ (y − m)/(s + γ) is the exact prediction under the
// Gaussian prior alone (so N learns only what r adds, and 0 without r)
// and c_k(γ) = √(s_k γ)/(s_k + γ) scales the network's output to the size
// of that difference (it vanishes like √γ and like 1/√γ at the two ends).
// The input is (y − m)/√(s + γ) per feature, t = the position of log γ in
// its range mapped to [−1, 1], sin(πjt) and cos(πjt) for j = 1..3, the
// standardised response times the mask, and the mask.
type Denoiser struct {
	Config DenoiserConfig `json:"config"`
	Prior  Prior          `json:"prior"`
	// ResponseMean and ResponseScale standardise each response (the mean
	// and standard deviation of r under the prior, estimated from samples
	// when the denoiser is made).
	ResponseMean  []float64 `json:"response_mean"`
	ResponseScale []float64 `json:"response_scale"`
	// Net is the MLP, float32.
	Net *train.Net[float32] `json:"-"`

	// scratch pools forward caches and input buffers for NoiseDifference,
	// which goroutines call concurrently.
	scratch *sync.Pool
}

type forwardScratch struct {
	cache *train.Cache[float32]
	in    []float32
}

// forward runs the network on inputs built by fill (rows of n.In values)
// with pooled scratch and passes the outputs to use.
func (dn *Denoiser) forward(rows int, fill func(in []float32), use func(out []float32)) error {
	var s *forwardScratch
	if dn.scratch != nil {
		s, _ = dn.scratch.Get().(*forwardScratch)
	}
	if s == nil {
		s = &forwardScratch{}
	}
	if dn.scratch != nil {
		defer dn.scratch.Put(s)
	}
	if s.cache == nil {
		s.cache = dn.Net.NewCache()
	}
	if need := rows * dn.inputs(); cap(s.in) < need {
		s.in = make([]float32, need)
	}
	in := s.in[:rows*dn.inputs()]
	fill(in)
	out, err := dn.Net.Forward(s.cache, in)
	if err != nil {
		return err
	}
	use(out)
	return nil
}

// NewDenoiser returns an untrained denoiser for the encoder's stimuli and
// responses, initialised from rng.
func NewDenoiser(rng *rand.Rand, e *Encoder, c DenoiserConfig) (*Denoiser, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	c, err := c.resolve()
	if err != nil {
		return nil, err
	}
	dn := &Denoiser{Config: c, Prior: clonePrior(e.Prior)}
	// Standardise responses with 4096 prior-predictive draws.
	n := e.Responses()
	dn.ResponseMean, dn.ResponseScale = make([]float64, n), make([]float64, n)
	x, r := make([]float64, e.Dim()), make([]float64, n)
	sum2 := make([]float64, n)
	const draws = 4096
	for i := 0; i < draws; i++ {
		e.SampleStimulus(rng, x)
		e.SampleResponse(rng, x, r)
		for j, v := range r {
			dn.ResponseMean[j] += v / draws
			sum2[j] += v * v / draws
		}
	}
	for j := range sum2 {
		dn.ResponseScale[j] = math.Sqrt(max(sum2[j]-dn.ResponseMean[j]*dn.ResponseMean[j], 1e-12))
	}
	if err := dn.build(rng); err != nil {
		return nil, err
	}
	return dn, nil
}

func clonePrior(p Prior) Prior {
	return Prior{Mean: append([]float64(nil), p.Mean...), Var: append([]float64(nil), p.Var...)}
}

// inputs returns the width of the network's input.
func (dn *Denoiser) inputs() int {
	return dn.Prior.Dim() + 1 + 2*gammaFeatures + len(dn.ResponseMean) + 1
}

func (dn *Denoiser) build(rng *rand.Rand) error {
	c := dn.Config
	layers := make([]train.LayerSpec, 0, c.Depth+1)
	for i := 0; i < c.Depth; i++ {
		layers = append(layers, train.Dense(c.Width, c.Activation))
	}
	layers = append(layers, train.Dense(dn.Prior.Dim(), train.Identity))
	net, err := train.NewNet[float32](rng, dn.inputs(), layers...)
	if err != nil {
		return fmt.Errorf("information: denoiser: %w", err)
	}
	dn.Net = net
	dn.scratch = &sync.Pool{}
	return nil
}

// encode writes the network input for one sample into in.
func (dn *Denoiser) encode(in []float32, y []float64, logGamma float64, r []float64, mask bool) {
	d := dn.Prior.Dim()
	gamma := math.Exp(logGamma)
	for k := 0; k < d; k++ {
		in[k] = float32((y[k] - dn.Prior.Mean[k]) / math.Sqrt(dn.Prior.Var[k]+gamma))
	}
	t := 2*(logGamma-dn.Config.LogGammaMin)/(dn.Config.LogGammaMax-dn.Config.LogGammaMin) - 1
	in[d] = float32(t)
	for j := 1; j <= gammaFeatures; j++ {
		s, c := math.Sincos(math.Pi * float64(j) * t)
		in[d+2*j-1], in[d+2*j] = float32(s), float32(c)
	}
	o := d + 1 + 2*gammaFeatures
	for j := range dn.ResponseMean {
		v := 0.0
		if mask {
			v = (r[j] - dn.ResponseMean[j]) / dn.ResponseScale[j]
		}
		in[o+j] = float32(v)
	}
	in[len(in)-1] = 0
	if mask {
		in[len(in)-1] = 1
	}
}

// scales returns ε_G's factor √γ/(s_k + γ) and c_k(γ) per feature.
func (dn *Denoiser) scales(logGamma float64, eg, c []float64) {
	gamma := math.Exp(logGamma)
	for k, s := range dn.Prior.Var {
		eg[k] = math.Sqrt(gamma) / (s + gamma)
		c[k] = math.Sqrt(s*gamma) / (s + gamma)
	}
}

// Predict returns ε̂(y, γ, r) (mask true) or ε̂(y, γ, ∅) (mask false) for
// one noisy stimulus y at noise level exp(logGamma).
func (dn *Denoiser) Predict(y []float64, logGamma float64, r []float64, mask bool) ([]float64, error) {
	d := dn.Prior.Dim()
	if len(y) != d {
		return nil, fmt.Errorf("information: Predict: y has %d values, want %d", len(y), d)
	}
	if mask && len(r) != len(dn.ResponseMean) {
		return nil, fmt.Errorf("information: Predict: r has %d values, want %d", len(r), len(dn.ResponseMean))
	}
	if !finite(logGamma) || !allFinite(y) || (mask && !allFinite(r)) {
		return nil, errors.New("information: Predict: y, log γ and r must be finite")
	}
	in := make([]float32, dn.inputs())
	dn.encode(in, y, logGamma, r, mask)
	out, err := dn.Net.Forward(dn.Net.NewCache(), in)
	if err != nil {
		return nil, err
	}
	eg, c := make([]float64, d), make([]float64, d)
	dn.scales(logGamma, eg, c)
	eps := make([]float64, d)
	for k := range eps {
		eps[k] = eg[k]*(y[k]-dn.Prior.Mean[k]) + c[k]*float64(out[k])
	}
	return eps, nil
}

func (dn *Denoiser) check(e *Encoder) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if dn == nil || dn.Net == nil {
		return errors.New("information: nil or unbuilt denoiser")
	}
	if e.Dim() != dn.Prior.Dim() || e.Responses() != len(dn.ResponseMean) {
		return fmt.Errorf("information: the denoiser takes %d features and %d responses, the encoder has %d and %d", dn.Prior.Dim(), len(dn.ResponseMean), e.Dim(), e.Responses())
	}
	for k := range dn.Prior.Mean {
		if dn.Prior.Mean[k] != e.Prior.Mean[k] || dn.Prior.Var[k] != e.Prior.Var[k] {
			return fmt.Errorf("information: the denoiser was made for the prior N(%v, %v), the encoder's is N(%v, %v)", dn.Prior.Mean, dn.Prior.Var, e.Prior.Mean, e.Prior.Var)
		}
	}
	return nil
}
