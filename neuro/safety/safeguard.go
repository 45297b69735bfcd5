package safety

import (
	"fmt"

	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// Features returns, for every prompt, the activations of the neurons of
// set (hook_post of model m) at the last prompt token, concatenated in
// layer order and by increasing index within a layer: the safeguard's
// input (the paper's "prompt_last" activations, read before generation),
// for neuro/classifier.FitLogistic.
func Features(m *transformer.Model, prompts [][]int, set NeuronSet) ([][]float64, error) {
	c := m.Config()
	if err := set.check(c); err != nil {
		return nil, fmt.Errorf("safety: Features: %w", err)
	}
	var names []string
	var layers []int
	for l, idx := range set {
		if len(idx) > 0 {
			names = append(names, transformer.ActName("post", l))
			layers = append(layers, l)
		}
	}
	out := make([][]float64, len(prompts))
	err := parallel.ForErr(len(prompts), 0, func(_, i int) error {
		if len(prompts[i]) == 0 {
			return fmt.Errorf("safety: Features: prompt %d is empty", i)
		}
		o, err := m.Run(prompts[i], &transformer.RunOptions{Cache: names, LastLogitsOnly: true})
		if err != nil {
			return fmt.Errorf("safety: Features: prompt %d: %w", i, err)
		}
		x := make([]float64, 0, set.Len())
		for k, l := range layers {
			a := o.Cache[names[k]]
			row := a.Row(a.Shape[0] - 1)
			for _, j := range set[l] {
				x = append(x, float64(row[j]))
			}
		}
		out[i] = x
		return nil
	})
	return out, err
}
