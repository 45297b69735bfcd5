package safety

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/neuronb/neuronb/neuro/transformer"
)

// Neuron is one MLP neuron: coordinate Index of blocks.Layer.mlp.hook_post,
// the input of the MLP's output projection (W_down in Llama, c_proj in
// GPT-2).
type Neuron struct {
	Layer, Index int
}

func (n Neuron) String() string { return fmt.Sprintf("L%d.%d", n.Layer, n.Index) }

// ScoredNeuron is a neuron with its change score.
type ScoredNeuron struct {
	Neuron
	Score float64
}

// NeuronSet is a set of MLP neurons of a model, as sorted, distinct
// indices per layer: set[l] are the neurons of layer l. Its length is the
// number of layers.
type NeuronSet [][]int

// NewNeuronSet collects neurons into a set for a model with nLayers layers
// of dMLP neurons, rejecting out-of-range and repeated neurons.
func NewNeuronSet(nLayers, dMLP int, neurons []Neuron) (NeuronSet, error) {
	if nLayers <= 0 || dMLP <= 0 {
		return nil, fmt.Errorf("safety: NewNeuronSet: %d layers of %d neurons", nLayers, dMLP)
	}
	s := make(NeuronSet, nLayers)
	for i, n := range neurons {
		if n.Layer < 0 || n.Layer >= nLayers || n.Index < 0 || n.Index >= dMLP {
			return nil, fmt.Errorf("safety: NewNeuronSet: neurons[%d] = %v is outside %d layers × %d neurons", i, n, nLayers, dMLP)
		}
		s[n.Layer] = append(s[n.Layer], n.Index)
	}
	for l := range s {
		slices.Sort(s[l])
		if i := firstRepeat(s[l]); i >= 0 {
			return nil, fmt.Errorf("safety: NewNeuronSet: neuron %v appears twice", Neuron{l, s[l][i]})
		}
	}
	return s, nil
}

func firstRepeat(sorted []int) int {
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			return i
		}
	}
	return -1
}

// AllNeurons returns every MLP neuron of a model with nLayers layers of
// dMLP neurons.
func AllNeurons(nLayers, dMLP int) NeuronSet {
	s := make(NeuronSet, nLayers)
	for l := range s {
		s[l] = make([]int, dMLP)
		for i := range s[l] {
			s[l][i] = i
		}
	}
	return s
}

// Len returns the number of neurons in the set.
func (s NeuronSet) Len() int {
	n := 0
	for _, idx := range s {
		n += len(idx)
	}
	return n
}

// Counts returns the number of neurons per layer.
func (s NeuronSet) Counts() []int {
	c := make([]int, len(s))
	for l, idx := range s {
		c[l] = len(idx)
	}
	return c
}

// Neurons lists the set in layer order.
func (s NeuronSet) Neurons() []Neuron {
	var out []Neuron
	for l, idx := range s {
		for _, i := range idx {
			out = append(out, Neuron{l, i})
		}
	}
	return out
}

// Contains reports whether the set holds n.
func (s NeuronSet) Contains(n Neuron) bool {
	if n.Layer < 0 || n.Layer >= len(s) {
		return false
	}
	_, ok := slices.BinarySearch(s[n.Layer], n.Index)
	return ok
}

func (s NeuronSet) String() string {
	parts := make([]string, len(s))
	for l, idx := range s {
		parts[l] = fmt.Sprintf("L%d: %d", l, len(idx))
	}
	return fmt.Sprintf("%d neurons (%s)", s.Len(), strings.Join(parts, ", "))
}

// check checks the set against a model configuration.
func (s NeuronSet) check(c transformer.Config) error {
	if len(s) != c.NLayers {
		return fmt.Errorf("neuron set has %d layers, the model %d", len(s), c.NLayers)
	}
	for l, idx := range s {
		for j, i := range idx {
			if i < 0 || i >= c.DMLP {
				return fmt.Errorf("neuron set layer %d entry %d = %d is outside [0, %d)", l, j, i, c.DMLP)
			}
			if j > 0 && idx[j-1] >= i {
				return fmt.Errorf("neuron set layer %d is not sorted and distinct at entry %d", l, j)
			}
		}
	}
	return nil
}

// RandomMatched draws, for every layer, as many distinct neurons as like
// has in that layer, uniformly from all dMLP neurons of the layer (they
// may include neurons of like), as the paper's random control does
// (random.sample(range(d_mlp), count) per layer).
func RandomMatched(like NeuronSet, dMLP int, rng *rand.Rand) (NeuronSet, error) {
	out := make(NeuronSet, len(like))
	for l, idx := range like {
		if len(idx) > dMLP {
			return nil, fmt.Errorf("safety: RandomMatched: layer %d has %d neurons, more than d_mlp = %d", l, len(idx), dMLP)
		}
		out[l] = rng.Perm(dMLP)[:len(idx)]
		slices.Sort(out[l])
	}
	return out, nil
}

// Top returns the first k neurons of a ranking as a set for a model with
// nLayers layers of dMLP neurons.
func Top(ranking []ScoredNeuron, k, nLayers, dMLP int) (NeuronSet, error) {
	if k < 0 || k > len(ranking) {
		return nil, fmt.Errorf("safety: Top: k = %d outside [0, %d]", k, len(ranking))
	}
	ns := make([]Neuron, k)
	for i := range ns {
		ns[i] = ranking[i].Neuron
	}
	return NewNeuronSet(nLayers, dMLP, ns)
}
