package llama

import (
	"fmt"
	"slices"
	"strings"

	"github.com/neuronb/neuronb/neuro/train"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// Weights maps Hugging Face parameter names to tensors, as
// transformer.NewModel takes them.
type Weights = map[string]*transformer.Tensor

// Init returns random initial weights for cfg under their Hugging Face
// names: those of transformer.NewRandom (matrices N(0, 1/fan_in),
// embeddings N(0, 0.25²)) with the norm gains set to one.
func Init(cfg *transformer.Config, seed uint64) (Weights, error) {
	if err := CheckConfig(cfg); err != nil {
		return nil, err
	}
	m, err := transformer.NewRandom(cfg, seed)
	if err != nil {
		return nil, err
	}
	w := Copy(m)
	for name, t := range w {
		if isNorm(name) {
			for i := range t.Data {
				t.Data[i] = 1
			}
		}
	}
	return w, nil
}

func isNorm(name string) bool {
	return name == "model.norm.weight" || strings.HasSuffix(name, ".input_layernorm.weight") ||
		strings.HasSuffix(name, ".post_attention_layernorm.weight")
}

// Copy returns a copy of a model's parameters by Hugging Face name.
func Copy(m *transformer.Model) Weights {
	w := Weights{}
	for _, name := range m.ParameterNames() {
		if t, ok := m.Parameter(name); ok {
			w[name] = t.Clone()
		}
	}
	return w
}

// expectedShapes returns the Hugging Face weights of cfg with their shapes.
func expectedShapes(cfg *transformer.Config) map[string][]int {
	d, f, v := cfg.DModel, cfg.DMLP, cfg.VocabSize
	hd := cfg.NHeads * cfg.DHead
	s := map[string][]int{"model.embed_tokens.weight": {v, d}, "model.norm.weight": {d}, "lm_head.weight": {v, d}}
	for l := 0; l < cfg.NLayers; l++ {
		p := fmt.Sprintf("model.layers.%d.", l)
		s[p+"input_layernorm.weight"], s[p+"post_attention_layernorm.weight"] = []int{d}, []int{d}
		s[p+"self_attn.q_proj.weight"], s[p+"self_attn.k_proj.weight"], s[p+"self_attn.v_proj.weight"] = []int{hd, d}, []int{hd, d}, []int{hd, d}
		s[p+"self_attn.o_proj.weight"] = []int{d, hd}
		s[p+"mlp.gate_proj.weight"], s[p+"mlp.up_proj.weight"] = []int{f, d}, []int{f, d}
		s[p+"mlp.down_proj.weight"] = []int{d, f}
	}
	return s
}

// CheckWeights reports a weight of cfg that is missing or misshapen in w,
// or a name w holds that cfg has no use for.
func CheckWeights(cfg *transformer.Config, w Weights) error {
	if err := CheckConfig(cfg); err != nil {
		return err
	}
	want := expectedShapes(cfg)
	for _, name := range sortedKeys(want) {
		t, ok := w[name]
		if !ok || t == nil {
			return fmt.Errorf("llama: no weight %q", name)
		}
		if !slices.Equal(t.Shape, want[name]) || len(t.Data) != shapeSize(want[name]) {
			return fmt.Errorf("llama: weight %q has shape %v and %d values, want %v", name, t.Shape, len(t.Data), want[name])
		}
	}
	for name := range w {
		if _, ok := want[name]; !ok {
			return fmt.Errorf("llama: weight %q is not part of this configuration", name)
		}
	}
	return nil
}

func shapeSize(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// toParams copies weights into float32 train.Params in name order: an
// [a, b] tensor becomes a×b, a vector of n values 1×n.
func toParams(w Weights) []*train.Param[float32] {
	out := make([]*train.Param[float32], 0, len(w))
	for _, name := range sortedKeys(w) {
		t := w[name]
		rows, cols := 1, len(t.Data)
		if len(t.Shape) == 2 {
			rows, cols = t.Shape[0], t.Shape[1]
		}
		p := train.NewParam[float32](name, rows, cols)
		copy(p.Value, t.Data)
		out = append(out, p)
	}
	return out
}

// fromParams copies parameters back into tensors shaped like like's.
func fromParams(ps []*train.Param[float32], like Weights) Weights {
	out := Weights{}
	for _, p := range ps {
		out[p.Name] = &transformer.Tensor{Shape: slices.Clone(like[p.Name].Shape), Data: slices.Clone(p.Value)}
	}
	return out
}

// ones returns the (IA)³ vectors of cfg initialised to one, as parameters.
func ones(cfg *transformer.Config) []*train.Param[float32] {
	out := make([]*train.Param[float32], cfg.NLayers)
	for l := range out {
		out[l] = train.NewParam[float32](IA3Name(l), 1, cfg.DMLP)
		for i := range out[l].Value {
			out[l].Value[i] = 1
		}
	}
	return out
}
