package safety

import (
	"fmt"

	"github.com/neuronb/neuronb/neuro/transformer"
)

// ApplyIA3 multiplies the MLP neurons of a Llama-family model by (IA)³
// vectors, in place: neuron i of layer l becomes scales[l][i] times its
// value, for every input. The scale is folded into row i of up_proj (and
// its bias, if any), since
//
//	SiLU(W_gate·x) ⊙ (diag(s)·W_up·x) = s ⊙ (SiLU(W_gate·x) ⊙ W_up·x),
//
// so the model runs unchanged and blocks.l.mlp.hook_post reads the scaled
// neurons, as in the paper (hook_post after the (IA)³ scaling). Folding
// into the columns of down_proj would give the same logits with unscaled
// hook_post, and patching every neuron would then not reproduce the
// scaled model. GPT-2's GELU neuron cannot be folded this way and is
// refused. Do not call it while the model runs.
func ApplyIA3(m *transformer.Model, scales [][]float32) error {
	c := m.Config()
	if c.Arch != transformer.Llama {
		return fmt.Errorf("safety: ApplyIA3: a %s model's neurons cannot be rescaled through its weights (Llama family only)", c.Arch)
	}
	if len(scales) != c.NLayers {
		return fmt.Errorf("safety: ApplyIA3: %d scale vectors for %d layers", len(scales), c.NLayers)
	}
	for l, s := range scales {
		if len(s) != c.DMLP {
			return fmt.Errorf("safety: ApplyIA3: layer %d has %d scales for %d neurons", l, len(s), c.DMLP)
		}
	}
	for l, s := range scales {
		prefix := fmt.Sprintf("model.layers.%d.mlp.up_proj.", l)
		up, ok := m.Parameter(prefix + "weight")
		if !ok {
			return fmt.Errorf("safety: ApplyIA3: the model has no %sweight", prefix)
		}
		for i, si := range s {
			row := up.Row(i)
			for j := range row {
				row[j] *= si
			}
		}
		if b, ok := m.Parameter(prefix + "bias"); ok {
			for i, si := range s {
				b.Data[i] *= si
			}
		}
	}
	return nil
}
