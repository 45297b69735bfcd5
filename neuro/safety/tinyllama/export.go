package tinyllama

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/neuronb/neuronb/neuro/safety"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// Init returns random initial weights for cfg under their Hugging Face
// names: those of transformer.NewRandom (matrices N(0, 1/fan_in),
// embeddings N(0, 0.25²)) with the norm gains set to one.
func Init(cfg *transformer.Config, seed uint64) (map[string]*transformer.Tensor, error) {
	if err := checkConfig(cfg); err != nil {
		return nil, err
	}
	m, err := transformer.NewRandom(cfg, seed)
	if err != nil {
		return nil, err
	}
	w := Weights(m)
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
	var l int
	var rest string
	if name == "model.norm.weight" {
		return true
	}
	n, _ := fmt.Sscanf(name, "model.layers.%d.%s", &l, &rest)
	return n == 2 && (rest == "input_layernorm.weight" || rest == "post_attention_layernorm.weight")
}

// Weights copies a model's parameters into a map by Hugging Face name.
func Weights(m *transformer.Model) map[string]*transformer.Tensor {
	w := map[string]*transformer.Tensor{}
	for _, name := range m.ParameterNames() {
		t, _ := m.Parameter(name)
		w[name] = t.Clone()
	}
	return w
}

// FoldIA3 returns a copy of weights with the (IA)³ vector of each layer
// folded into the rows of up_proj (see safety.ApplyIA3), so that
// transformer.Model runs the (IA)³ model unchanged and reads the scaled
// neurons at hook_post.
func FoldIA3(cfg *transformer.Config, weights map[string]*transformer.Tensor, scales [][]float32) (map[string]*transformer.Tensor, error) {
	w := map[string]*transformer.Tensor{}
	for name, t := range weights {
		w[name] = t.Clone()
	}
	m, err := transformer.NewModel(cfg, w)
	if err != nil {
		return nil, fmt.Errorf("tinyllama: FoldIA3: %w", err)
	}
	if err := safety.ApplyIA3(m, scales); err != nil {
		return nil, err
	}
	return Weights(m), nil
}

// Logits runs the GoMLX graph of Forward on sequences of equal length and
// returns their logits, [T, VocabSize] each: the reference against which
// transformer.Model is checked on exported weights. scales, if not nil,
// are (IA)³ vectors applied inside the graph.
func Logits(cfg *transformer.Config, weights map[string]*transformer.Tensor, scales [][]float32, seqs [][]int) ([]*transformer.Tensor, error) {
	if err := checkConfig(cfg); err != nil {
		return nil, err
	}
	if len(seqs) == 0 {
		return nil, fmt.Errorf("tinyllama: Logits: no sequences")
	}
	T := len(seqs[0])
	flat := make([]int32, 0, len(seqs)*T)
	for i, s := range seqs {
		if len(s) != T {
			return nil, fmt.Errorf("tinyllama: Logits: sequence %d has %d tokens, sequence 0 has %d", i, len(s), T)
		}
		for j, id := range s {
			if id < 0 || id >= cfg.VocabSize {
				return nil, fmt.Errorf("tinyllama: Logits: sequence %d token %d = %d is outside the vocabulary", i, j, id)
			}
			flat = append(flat, int32(id))
		}
	}
	backend, err := Backend()
	if err != nil {
		return nil, err
	}
	defer backend.Finalize()
	ctx := context.New()
	if err := setWeights(ctx, cfg, weights, scales != nil); err != nil {
		return nil, err
	}
	if scales != nil {
		if len(scales) != cfg.NLayers {
			return nil, fmt.Errorf("tinyllama: Logits: %d scale vectors for %d layers", len(scales), cfg.NLayers)
		}
		for l, s := range scales {
			v := ctx.In(Scope).GetVariableByScopeAndName(ctx.In(Scope).Scope(), IA3Name(l))
			if err := v.SetValue(tensors.FromFlatDataAndDimensions(append([]float32(nil), s...), len(s))); err != nil {
				return nil, err
			}
		}
	}
	exec, err := context.NewExec(backend, ctx, func(ctx *context.Context, tok *graph.Node) *graph.Node {
		return Forward(ctx, cfg, tok, scales != nil)
	})
	if err != nil {
		return nil, fmt.Errorf("tinyllama: %w", err)
	}
	outs, err := exec.Exec(tensors.FromFlatDataAndDimensions(flat, len(seqs), T))
	if err != nil {
		return nil, fmt.Errorf("tinyllama: %w", err)
	}
	data := tensors.MustCopyFlatData[float32](outs[0])
	res := make([]*transformer.Tensor, len(seqs))
	n := T * cfg.VocabSize
	for i := range res {
		res[i] = &transformer.Tensor{Shape: []int{T, cfg.VocabSize}, Data: data[i*n : (i+1)*n : (i+1)*n]}
	}
	return res, nil
}
