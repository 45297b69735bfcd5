package multilingual

import (
	"fmt"
	"math"

	"github.com/neuronb/neuronb/neuro/transformer"
)

// Hooks returns the hooks that deactivate every unit of set in a model of
// configuration cfg: they zero the unit's coordinate of hook_q, hook_k or
// hook_v (before the rotary embedding), of hook_z (O units: the input of
// the output projection) or of hook_post (FFN units), at every position,
// which is the same as zeroing the unit's weights and bias (a row of
// q_proj, k_proj, v_proj, up_proj; a column of o_proj, down_proj). Keys
// and values written to a KV cache are the zeroed ones, so the hooks
// deactivate the units in generation too.
func Hooks(cfg transformer.Config, set UnitSet) ([]transformer.NamedHook, error) {
	if err := set.check(ShapeOf(cfg), "the deactivated set"); err != nil {
		return nil, err
	}
	return hooksFor(cfg, set), nil
}

// hookKinds names the activation each component's units are coordinates of.
var hookKinds = [NumComponents]string{Q: "q", K: "k", V: "v", O: "z", FFN: "post"}

func hooksFor(cfg transformer.Config, set UnitSet) []transformer.NamedHook {
	var out []transformer.NamedHook
	for l := range set {
		for c := range set[l] {
			idx := set[l][c]
			if len(idx) == 0 {
				continue
			}
			out = append(out, transformer.NamedHook{Name: transformer.ActName(hookKinds[c], l), Fn: func(_ transformer.HookContext, act *transformer.Tensor) error {
				width := len(act.Data) / act.Shape[0] // heads·DHead, or DMLP
				for r := 0; r < act.Shape[0]; r++ {
					row := act.Data[r*width : (r+1)*width]
					for _, i := range idx {
						row[i] = 0
					}
				}
				return nil
			}})
		}
	}
	return out
}

// NLL returns the summed negative log-likelihood (nats) of every token of
// every text after its first, and the number of tokens predicted, with
// hooks running: exp(nll/n) is the perplexity.
func NLL(m *transformer.Model, texts [][]int, hooks []transformer.NamedHook) (nll float64, n int, err error) {
	for i, t := range texts {
		if len(t) < 2 {
			return 0, 0, fmt.Errorf("multilingual: NLL: text %d has %d tokens, need at least 2", i, len(t))
		}
		out, err := m.Run(t, &transformer.RunOptions{Hooks: hooks})
		if err != nil {
			return 0, 0, fmt.Errorf("multilingual: NLL: text %d: %w", i, err)
		}
		for p := 0; p+1 < len(t); p++ {
			nll -= transformer.LogSoftmaxAt(out.Logits.Row(p), t[p+1])
		}
		n += len(t) - 1
	}
	return nll, n, nil
}

// Perplexity returns exp of the mean negative log-likelihood per predicted
// token over texts (every token after the first of each), with hooks
// running (nil for the model as it is).
func Perplexity(m *transformer.Model, texts [][]int, hooks []transformer.NamedHook) (float64, error) {
	if len(texts) == 0 {
		return 0, fmt.Errorf("multilingual: Perplexity: no texts")
	}
	nll, n, err := NLL(m, texts, hooks)
	if err != nil {
		return 0, err
	}
	return math.Exp(nll / float64(n)), nil
}
