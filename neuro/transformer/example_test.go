package transformer_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/neuronb/neuronb/neuro/transformer"
	"github.com/neuronb/neuronb/neuro/transformer/safetensors"
	"github.com/neuronb/neuronb/neuro/transformer/tokenizer"
)

// tinyConfig is a small Llama-style model like those of the synthetic
// chat-language demonstrations.
func tinyConfig() *transformer.Config {
	return &transformer.Config{Arch: transformer.Llama, ModelType: "llama", VocabSize: 16, DModel: 32,
		NLayers: 2, NHeads: 4, NKVHeads: 2, DHead: 8, DMLP: 64, MaxPositions: 64, NormEps: 1e-6,
		Activation: "silu", RopeTheta: 10000, BOS: 1, EOS: []int{2}}
}

// Run a model, caching the MLP neurons of block 1.
func Example() {
	m, err := transformer.NewRandom(tinyConfig(), 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	tokens := []int{1, 5, 9, 3}
	logits, cache, err := m.RunWithCache(tokens, transformer.ActName("post", 1))
	if err != nil {
		fmt.Println(err)
		return
	}
	post := cache.Get("post", 1)
	fmt.Println("logits", logits.Shape, "neurons", post.Shape)
	fmt.Println("next token:", transformer.Argmax(logits.Row(len(tokens)-1)))
	// Output:
	// logits [4 16] neurons [4 64]
	// next token: 7
}

// Zero-ablate MLP neurons 3 and 7 of block 0 at every position, and scale
// all neurons of block 1 (an (IA)³ vector on hook_post).
func ExampleModel_RunWithHooks() {
	m := must(transformer.NewRandom(tinyConfig(), 1))
	tokens := []int{1, 5, 9, 3}
	plain := must(m.Logits(tokens))
	ablate := transformer.NamedHook{Name: "blocks.0.mlp.hook_post", Fn: func(_ transformer.HookContext, a *transformer.Tensor) error {
		for r := 0; r < a.Shape[0]; r++ {
			a.Row(r)[3], a.Row(r)[7] = 0, 0
		}
		return nil
	}}
	scale := make([]float32, 64)
	for i := range scale {
		scale[i] = 0.5
	}
	ia3 := transformer.NamedHook{Name: "blocks.1.mlp.hook_post", Fn: func(_ transformer.HookContext, a *transformer.Tensor) error {
		for r := 0; r < a.Shape[0]; r++ {
			for i, s := range scale {
				a.Row(r)[i] *= s
			}
		}
		return nil
	}}
	patched := must(m.RunWithHooks(tokens, ablate, ia3))
	fmt.Printf("last-position logit 0: %.3f → %.3f\n", plain.At(3, 0), patched.At(3, 0))
	// Output:
	// last-position logit 0: -0.701 → -0.860
}

// Dynamic activation patching (Algorithm 1 of the safety-neuron paper):
// two models generate side by side, each with its own KV cache; at every
// step the donor runs the new tokens and records hook_post, then the
// receiver runs them with chosen neurons overwritten by the donor's values.
func ExampleModel_Run() {
	cfg := tinyConfig()
	receiver := must(transformer.NewRandom(cfg, 1))
	donor := must(transformer.NewRandom(cfg, 2))
	neurons := map[int][]int{0: {4, 9}, 1: {0, 17, 33}} // layer → neuron indices
	var names []string
	for l := range neurons {
		names = append(names, transformer.ActName("post", l))
	}
	kvR, kvD := receiver.NewKVCache(), donor.NewKVCache()
	next := []int{1, 5, 9, 3} // the prompt, then one token per step
	var out []int
	for step := 0; step < 6; step++ {
		d, err := donor.Run(next, &transformer.RunOptions{KV: kvD, Cache: names, LastLogitsOnly: true})
		if err != nil {
			fmt.Println(err)
			return
		}
		var hooks []transformer.NamedHook
		for l, idx := range neurons {
			src := d.Cache.Get("post", l) // rows for the same new positions
			hooks = append(hooks, transformer.NamedHook{Name: transformer.ActName("post", l),
				Fn: func(ctx transformer.HookContext, a *transformer.Tensor) error {
					for r := 0; r < a.Shape[0]; r++ { // absolute position ctx.Pos0 + r
						for _, i := range idx {
							a.Row(r)[i] = src.Row(r)[i]
						}
					}
					return nil
				}})
		}
		r, err := receiver.Run(next, &transformer.RunOptions{KV: kvR, Hooks: hooks, LastLogitsOnly: true})
		if err != nil {
			fmt.Println(err)
			return
		}
		tok := transformer.Argmax(r.Logits.Data)
		out = append(out, tok)
		next = []int{tok}
	}
	fmt.Println("patched continuation:", out, "cache lengths:", kvR.Len(), kvD.Len())
	// Output:
	// patched continuation: [5 5 7 5 7 7] cache lengths: 9 9
}

// Greedy generation with the KV cache, stopping at the end-of-sequence id.
func ExampleModel_Generate() {
	m := must(transformer.NewRandom(tinyConfig(), 3))
	g, err := m.Generate([]int{1, 4, 4, 7}, &transformer.GenerateSettings{MaxNewTokens: 8})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(g.Tokens, g.Stop)
	// Output:
	// [9 8 15 13 2] Finished
}

// The logit lens: what each layer's residual stream predicts at the last
// position.
func ExampleModel_LayerLogits() {
	m := must(transformer.NewRandom(tinyConfig(), 1))
	tokens := []int{1, 5, 9, 3}
	cache := must2nd(m.RunWithCache(tokens, m.ResidNames()...))
	lens, err := m.LayerLogits(cache, len(tokens)-1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := 0; i < lens.Shape[0]; i++ {
		fmt.Printf("after %d blocks: token %d\n", i, transformer.Argmax(lens.Row(i)))
	}
	// Output:
	// after 0 blocks: token 9
	// after 1 blocks: token 7
	// after 2 blocks: token 7
}

// Save a model as a Hugging Face directory in bfloat16 and load it back,
// with a word-level tokenizer for its synthetic language.
func ExampleLoad() {
	dir := must(os.MkdirTemp("", "model"))
	defer os.RemoveAll(dir)
	words := strings.Fields("<unk> <bos> <eos> <user> <assistant> how do i make a cake kite sure sorry , .")
	tok := must(tokenizer.NewWordLevel(words, "<unk>"))
	m := must(transformer.NewRandom(tinyConfig(), 1))
	if err := m.Save(dir, safetensors.BF16); err != nil {
		fmt.Println(err)
		return
	}
	loaded, err := transformer.Load(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	c := loaded.Config()
	fmt.Println(c.String())
	ids := must(tok.Encode("<bos> <user> how do i make a kite <assistant>"))
	g := must(loaded.Generate(ids, &transformer.GenerateSettings{MaxNewTokens: 4}))
	text := must(tok.Decode(g.Tokens))
	fmt.Println(text)
	// Output:
	// llama: 2 layers, d_model 32, 4 heads (2 kv) × 8, d_mlp 64, vocab 16, context 64
	// i how i i
}

// must stops an example on an error (examples print what they show; a
// failure is a bug).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// check stops an example on an error.
func check(err error) {
	if err != nil {
		panic(err)
	}
}

// must2nd returns the second of two results, stopping on an error.
func must2nd[A, B any](_ A, b B, err error) B {
	check(err)
	return b
}

// check2 stops an example on the error of a call whose value it does not
// need.
func check2[A any](_ A, err error) { check(err) }
