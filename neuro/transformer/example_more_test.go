package transformer_test

import (
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/neuronb/neuronb/neuro/transformer"
)

// Read a Hugging Face config.json; absent fields take the Transformers
// library's defaults.
func ExampleParseConfig() {
	c, err := transformer.ParseConfig([]byte(`{"model_type": "gpt2", "vocab_size": 50257, "n_embd": 768,
		"n_layer": 12, "n_head": 12, "n_positions": 1024}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c)
	fmt.Println(c.NumParams(), "parameters")
	// Output:
	// gpt2: 12 layers, d_model 768, 12 heads × 64, d_mlp 3072, vocab 50257, context 1024
	// 124439808 parameters
}

// Temperature sampling: a fixed seed gives a reproducible draw.
func ExampleSample() {
	logits := []float32{2, 1, 0.5, -1}
	rng := rand.New(rand.NewPCG(1, 2))
	var draws []int
	for i := 0; i < 10; i++ {
		draws = append(draws, transformer.Sample(logits, 1, rng))
	}
	fmt.Println(draws, "greedy:", transformer.Argmax(logits))
	fmt.Printf("log p(token 0) = %.3f\n", transformer.LogSoftmaxAt(logits, 0))
	// Output:
	// [1 0 0 0 1 0 1 0 3 0] greedy: 0
	// log p(token 0) = -0.495
}

// Read one MLP neuron's output weights and ask which tokens it promotes
// (SafetyNeuron's neuron2word: the logit lens of a column of W_down).
func ExampleModel_Parameter() {
	m := must(transformer.NewRandom(tinyConfig(), 1))
	down, ok := m.Parameter("model.layers.1.mlp.down_proj.weight") // [d_model, d_mlp]
	if !ok {
		fmt.Println("no such weight")
		return
	}
	const neuron = 5
	dir := transformer.NewTensor(1, down.Shape[0])
	for i := range dir.Data {
		dir.Data[i] = down.At(i, neuron)
	}
	logits := must(m.LogitLens(dir))
	ids := make([]int, logits.Shape[1])
	for i := range ids {
		ids[i] = i
	}
	sort.Slice(ids, func(a, b int) bool { return logits.Data[ids[a]] > logits.Data[ids[b]] })
	fmt.Println("top tokens of neuron 5 in block 1:", ids[:3])
	// Output:
	// top tokens of neuron 5 in block 1: [2 4 7]
}

// Share a prompt between two continuations: clone the cache after the
// prompt, or truncate back to it.
func ExampleKVCache() {
	m := must(transformer.NewRandom(tinyConfig(), 1))
	kv := m.NewKVCache()
	check2(m.Run([]int{1, 5, 9}, &transformer.RunOptions{KV: kv}))
	branch := kv.Clone()
	a := must(m.Run([]int{3}, &transformer.RunOptions{KV: kv, LastLogitsOnly: true}))
	b := must(m.Run([]int{4}, &transformer.RunOptions{KV: branch, LastLogitsOnly: true}))
	check(kv.Truncate(3))
	fmt.Println(kv.Len(), branch.Len(), transformer.Argmax(a.Logits.Data), transformer.Argmax(b.Logits.Data))
	// Output:
	// 3 4 7 5
}

// Build a model from tensors named as in a Hugging Face checkpoint (here
// taken from another model).
func ExampleNewModel() {
	cfg := tinyConfig()
	src := must(transformer.NewRandom(cfg, 1))
	tensors := map[string]*transformer.Tensor{}
	for _, name := range src.ParameterNames() {
		tensors[name], _ = src.Parameter(name)
	}
	m, err := transformer.NewModel(cfg, tensors)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(tensors), "tensors;", m.HookNames()[:3])
	// Output:
	// 21 tensors; [hook_embed blocks.0.hook_resid_pre blocks.0.ln1.hook_normalized]
}

// An activation cache entry as a gonum matrix (for widgets.Heatmap): rows
// are positions, columns neurons.
func ExampleTensor_Matrix() {
	m := must(transformer.NewRandom(tinyConfig(), 1))
	cache := must2nd(m.RunWithCache([]int{1, 5, 9}, transformer.ActName("post", 0)))
	a := must(cache.Get("post", 0).Matrix())
	r, c := a.Dims()
	fmt.Println(r, c, float32(a.At(2, 7)) == cache.Get("post", 0).At(2, 7))
	_, err := transformer.NewTensor(2, 2, 2).Matrix()
	fmt.Println(err)
	// Output:
	// 3 64 true
	// transformer: Tensor.Matrix: shape [2 2 2], want two positive dimensions
}
