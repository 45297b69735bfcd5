package llama

import (
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuronb/neuronb/neuro/train/autodiff"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// Logits runs the graph of Forward on sequences of equal length and
// returns their logits, [T, VocabSize] each: the graph Train optimises, run
// forward, against which transformer.Model is checked on the same weights.
// scales, if not nil, are (IA)³ vectors (one per layer, DMLP values)
// applied inside the graph.
func Logits(cfg *transformer.Config, w Weights, scales [][]float32, seqs [][]int) ([]*transformer.Tensor, error) {
	if err := CheckWeights(cfg, w); err != nil {
		return nil, err
	}
	tok, err := tokenTensor(cfg, seqs)
	if err != nil {
		return nil, err
	}
	names := sortedKeys(w)
	args, err := logitsArgs(cfg, w, names, scales)
	if err != nil {
		return nil, err
	}
	args = append(args, tok)
	backend, err := autodiff.Backend()
	if err != nil {
		return nil, err
	}
	defer backend.Finalize()
	exec, err := graph.NewExec(backend, func(in []*graph.Node) *graph.Node {
		nodes := make(map[string]*graph.Node, len(in))
		for i, name := range names {
			nodes[name] = in[i]
		}
		for l := range scales {
			nodes[IA3Name(l)] = in[len(names)+l]
		}
		return Forward(cfg, nodes, in[len(in)-1])
	})
	if err != nil {
		return nil, fmt.Errorf("llama: Logits: %w", err)
	}
	outs, err := exec.Exec(args...)
	if err != nil {
		return nil, fmt.Errorf("llama: Logits: %w", err)
	}
	data, err := tensors.CopyFlatData[float32](outs[0])
	if err != nil {
		return nil, fmt.Errorf("llama: Logits: %w", err)
	}
	res := make([]*transformer.Tensor, len(seqs))
	T, n := len(seqs[0]), len(seqs[0])*cfg.VocabSize
	for i := range res {
		res[i] = &transformer.Tensor{Shape: []int{T, cfg.VocabSize}, Data: data[i*n : (i+1)*n : (i+1)*n]}
	}
	return res, nil
}

// logitsArgs returns the weights in names order, then the (IA)³ vectors,
// as tensors.
func logitsArgs(cfg *transformer.Config, w Weights, names []string, scales [][]float32) ([]any, error) {
	args := make([]any, 0, len(names)+len(scales)+1)
	for _, name := range names {
		args = append(args, tensors.FromFlatDataAndDimensions(slices.Clone(w[name].Data), w[name].Shape...))
	}
	if scales != nil && len(scales) != cfg.NLayers {
		return nil, fmt.Errorf("llama: Logits: %d scale vectors for %d layers", len(scales), cfg.NLayers)
	}
	for l, s := range scales {
		if len(s) != cfg.DMLP {
			return nil, fmt.Errorf("llama: Logits: layer %d has %d scales for %d neurons", l, len(s), cfg.DMLP)
		}
		args = append(args, tensors.FromFlatDataAndDimensions(slices.Clone(s), len(s)))
	}
	return args, nil
}

// tokenTensor checks sequences of equal length within the vocabulary and
// stacks them as int32 [len(seqs), T].
func tokenTensor(cfg *transformer.Config, seqs [][]int) (*tensors.Tensor, error) {
	if len(seqs) == 0 || len(seqs[0]) == 0 {
		return nil, fmt.Errorf("llama: Logits: no tokens")
	}
	T := len(seqs[0])
	if T > cfg.MaxPositions {
		return nil, fmt.Errorf("llama: Logits: %d tokens exceed the context length %d", T, cfg.MaxPositions)
	}
	flat := make([]int32, 0, len(seqs)*T)
	for i, s := range seqs {
		if len(s) != T {
			return nil, fmt.Errorf("llama: Logits: sequence %d has %d tokens, sequence 0 has %d", i, len(s), T)
		}
		for j, id := range s {
			if id < 0 || id >= cfg.VocabSize {
				return nil, fmt.Errorf("llama: Logits: sequence %d token %d = %d is outside the vocabulary", i, j, id)
			}
			flat = append(flat, int32(id))
		}
	}
	return tensors.FromFlatDataAndDimensions(flat, len(seqs), T), nil
}
