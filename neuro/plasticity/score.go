package plasticity

import (
	"fmt"
	"math"

	"github.com/neuronb/neuronb/neuro/train"
)

// Metric selects how a neuron is scored. Every metric gives a raw value
// g_i per neuron of a hidden layer, normalised by the layer's mean,
//
//	s_i = g_i / ( (1/H) Σ_k g_k + 1e-9 ),
//
// and a neuron is inactive when s_i ≤ τ. With τ = 0 that means g_i is
// exactly zero (the authors' code tests isclose(s, 0)).
type Metric int

const (
	// TauDormant is the activation-based score of Sokar et al. (2023,
	// ReDo): g_i = E_b |h_i^b|, the mean absolute activation over the
	// batch. (The GraMa authors' code applies ReLU to every layer's output
	// before taking it; we take |φ(z)|, Sokar's definition, whatever φ is.)
	TauDormant Metric = iota + 1
	// GraMa is the gradient-magnitude score as the authors' code computes
	// it: g_i = (1/fan_in) Σ_j |∂L/∂W_ij|, the mean absolute gradient of
	// neuron i's incoming weights for the minibatch loss about to be
	// applied (a residual block's first map W₁). In a layer with
	// LayerNorm, the parameter that feeds φ directly is the LayerNorm gain,
	// and the score is g_i = |∂L/∂γ_i|, as the authors' code scores
	// LayerNorm layers: the rows of W before a LayerNorm keep a gradient
	// even when nothing downstream reads the neuron, because normalisation
	// couples every unit of the layer to every other.
	GraMa
	// GraMaPreAct is the pre-activation form g_i = E_b |∂L/∂a_i^b|, the
	// mean absolute gradient of the loss with respect to the input a of
	// neuron i's activation function, sample by sample (a = z = W x + b, or
	// a = LN(z) in a layer with LayerNorm). Since
	// ∂L/∂W_ij = Σ_b (∂L/∂z_i^b) x_j^b, both forms vanish when no sample
	// sends a learning signal to the neuron; GraMa also shrinks when the
	// inputs are near zero or the per-sample terms cancel.
	GraMaPreAct
)

var metricNames = [...]string{TauDormant: "tau-dormant", GraMa: "GraMa", GraMaPreAct: "GraMa (pre-activation)"}

// String names the metric.
func (m Metric) String() string {
	if m > 0 && int(m) < len(metricNames) {
		return metricNames[m]
	}
	return fmt.Sprintf("Metric(%d)", int(m))
}

// scoreEps is the authors' guard against a zero layer mean.
const scoreEps = 1e-9

// LayerScores are the scores of one hidden layer's neurons.
type LayerScores struct {
	// Layer is the index in the network's Layers, Name its name.
	Layer int    `json:"layer"`
	Name  string `json:"name"`
	// Raw holds g_i, Score s_i = g_i/(mean g + 1e-9).
	Raw   []float64 `json:"raw"`
	Score []float64 `json:"score"`
	// Inactive lists the neurons with s_i ≤ τ, in increasing order.
	Inactive []int `json:"inactive"`
	// Fraction is len(Inactive)/H.
	Fraction float64 `json:"fraction"`
}

// Scores are a network's neuron scores on one batch.
type Scores struct {
	Metric Metric  `json:"metric"`
	Tau    float64 `json:"tau"`
	// Layers holds every hidden layer (train.Net.Hidden); output layers
	// are never scored.
	Layers []LayerScores `json:"layers"`
	// Inactive and Neurons count over all hidden layers; Fraction is their
	// ratio (the "dormant ratio" of the papers).
	Inactive int     `json:"inactive"`
	Neurons  int     `json:"neurons"`
	Fraction float64 `json:"fraction"`
}

// Score scores every hidden neuron of net with metric m on the batch of
// cache c and marks those with s_i ≤ tau inactive. TauDormant reads the
// activations of c's Forward; GraMa reads the parameters' gradients,
// GraMaPreAct reads c's ∂L/∂z (∂L/∂LN(z)): call Score after Backward on the
// same batch (and before the optimizer step, as the authors do). Nothing
// is changed.
func Score[T train.Float](net *train.Net[T], c *train.Cache[T], m Metric, tau float64) (*Scores, error) {
	if err := checkCache(net, c); err != nil {
		return nil, fmt.Errorf("plasticity: Score: %w", err)
	}
	if !(tau >= 0) || math.IsInf(tau, 0) {
		return nil, fmt.Errorf("plasticity: Score: tau = %v, want a finite value ≥ 0", tau)
	}
	s := &Scores{Metric: m, Tau: tau}
	for _, li := range net.Hidden() {
		raw, err := rawScores(net.Layers[li], &c.Layers[li], c.Batch, m)
		if err != nil {
			return nil, fmt.Errorf("plasticity: Score: %w", err)
		}
		ls := normalise(raw, tau)
		ls.Layer, ls.Name = li, net.Layers[li].Name
		s.Layers = append(s.Layers, ls)
		s.Inactive += len(ls.Inactive)
		s.Neurons += len(raw)
	}
	if s.Neurons == 0 {
		return nil, fmt.Errorf("plasticity: Score: the network has no hidden layer to score")
	}
	s.Fraction = float64(s.Inactive) / float64(s.Neurons)
	return s, nil
}

func checkCache[T train.Float](net *train.Net[T], c *train.Cache[T]) error {
	if net == nil {
		return fmt.Errorf("nil network")
	}
	if c == nil || c.Batch == 0 || len(c.Layers) != len(net.Layers) {
		return fmt.Errorf("the cache holds no batch of this network (batch of size 0, or Forward not run)")
	}
	for _, li := range net.Hidden() {
		l, lc := net.Layers[li], &c.Layers[li]
		if l.Spec.Width < 2 {
			return fmt.Errorf("layer %s has %d neuron: a score normalised by the layer mean needs ≥ 2", l.Name, l.Spec.Width)
		}
		if len(lc.H) != c.Batch*l.Spec.Width || len(lc.DZ) != c.Batch*l.Spec.Width {
			return fmt.Errorf("layer %s: the cache holds %d activations for batch %d × %d neurons: not a Forward of this network", l.Name, len(lc.H), c.Batch, l.Spec.Width)
		}
	}
	return nil
}

// rawScores returns g_i for the neurons of one layer. A NaN or an
// infinity among the summed magnitudes makes a sum non-finite, so values
// are checked once per sum and searched only when one fails.
func rawScores[T train.Float](l *train.Layer[T], lc *train.LayerCache[T], batch int, m Metric) ([]float64, error) {
	w := l.Spec.Width
	g := make([]float64, w)
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	perSample := func(what string, v []T) ([]float64, error) {
		for b := 0; b < batch; b++ {
			for i, x := range v[b*w : (b+1)*w] {
				g[i] += math.Abs(float64(x))
			}
		}
		for i := range g {
			if !finite(g[i]) {
				for b := 0; b < batch; b++ {
					if x := float64(v[b*w+i]); !finite(x) {
						return nil, fmt.Errorf("layer %s: %s of sample %d, neuron %d is %v", l.Name, what, b, i, x)
					}
				}
			}
			g[i] /= float64(batch)
		}
		return g, nil
	}
	row := func(p *train.Param[T], i, cols int) (float64, error) {
		var s float64
		for _, x := range p.Grad[i*cols : (i+1)*cols] {
			s += math.Abs(float64(x))
		}
		if !finite(s) {
			for j, x := range p.Grad[i*cols : (i+1)*cols] {
				if !finite(float64(x)) {
					return 0, fmt.Errorf("layer %s: gradient of %s[%d, %d] is %v", l.Name, p.Name, i, j, x)
				}
			}
		}
		return s / float64(cols), nil
	}
	var err error
	switch m {
	case TauDormant:
		return perSample("activation", lc.H)
	case GraMaPreAct:
		if l.Spec.LayerNorm {
			return perSample("∂L/∂LN(z)", lc.DU)
		}
		return perSample("∂L/∂z", lc.DZ)
	case GraMa:
		if l.Spec.LayerNorm {
			for i, x := range l.Gain.Grad {
				if g[i] = math.Abs(float64(x)); !finite(g[i]) {
					return nil, fmt.Errorf("layer %s: gradient of %s[%d] is %v", l.Name, l.Gain.Name, i, x)
				}
			}
			return g, nil
		}
		for i := 0; i < w; i++ {
			if g[i], err = row(l.W, i, l.In); err != nil {
				return nil, err
			}
		}
		return g, nil
	}
	return nil, fmt.Errorf("metric %v, want TauDormant, GraMa or GraMaPreAct", m)
}

// normalise divides raw by its mean (+1e-9) and lists the neurons at or
// below tau.
func normalise(raw []float64, tau float64) LayerScores {
	var mean float64
	for _, g := range raw {
		mean += g
	}
	mean /= float64(len(raw))
	ls := LayerScores{Raw: raw, Score: make([]float64, len(raw)), Inactive: []int{}}
	for i, g := range raw {
		ls.Score[i] = g / (mean + scoreEps)
		if ls.Score[i] <= tau {
			ls.Inactive = append(ls.Inactive, i)
		}
	}
	ls.Fraction = float64(len(ls.Inactive)) / float64(len(raw))
	return ls
}
