package transformer

import (
	"sync"
	"testing"
	"time"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
	"github.com/neuronb/neuronb/neuro/linalg"
)

// gpt2SmallConfig is GPT-2 small's shape (124M parameters).
func gpt2SmallConfig() *Config {
	return &Config{Arch: GPT2, ModelType: "gpt2", VocabSize: 50257, DModel: 768, NLayers: 12, NHeads: 12, NKVHeads: 12,
		DHead: 64, DMLP: 3072, MaxPositions: 1024, NormEps: 1e-5, Activation: "gelu_new", TiedEmbeddings: true, BOS: -1}
}

var gpt2Small = sync.OnceValues(func() (*Model, error) { return NewRandom(gpt2SmallConfig(), 1) })

func benchModel(b *testing.B) *Model {
	m, err := gpt2Small()
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("BLAS: %s", linalg.BLAS())
	return m
}

// BenchmarkForwardGPT2Small: one forward pass over 128 tokens, batch 1,
// logits at every position (as a Hugging Face forward returns them).
func BenchmarkForwardGPT2Small(b *testing.B) {
	m := benchModel(b)
	tokens := tokensFor(128, m.cfg.VocabSize, 2)
	if _, err := m.Logits(tokens); err != nil { // warm up
		b.Fatal(err)
	}
	start := time.Now()
	n := 0
	for b.Loop() {
		if _, err := m.Logits(tokens); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n*len(tokens))/time.Since(start).Seconds(), "tokens/s")
}

// BenchmarkGenerateGPT2Small: greedy generation of 32 tokens after a
// 16-token prompt with the KV cache.
func BenchmarkGenerateGPT2Small(b *testing.B) {
	m := benchModel(b)
	prompt := tokensFor(16, m.cfg.VocabSize, 2)
	const gen = 32
	start := time.Now()
	n := 0
	for b.Loop() {
		if _, err := m.Generate(prompt, &GenerateSettings{MaxNewTokens: gen, StopTokens: []int{}}); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n*gen)/time.Since(start).Seconds(), "tokens/s")
}

// BenchmarkTorchReferenceGPT2Small runs the side-by-side PyTorch script on
// the same shape and workload (torch.set_num_threads(2),
// torch.inference_mode(), float32) and reports its figures.
func BenchmarkTorchReferenceGPT2Small(b *testing.B) {
	if err := pyoracle.Available("torch"); err != nil {
		b.Skip(err)
	}
	script := torchScript(b)
	var out map[string]any
	for b.Loop() {
		if err := pyoracle.Call(script, map[string]any{"mode": "bench", "seq": 128, "gen": 32, "threads": 2, "repeats": 3}, &out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(out["forward_tokens_per_s"].(float64), "fwd-tokens/s")
	b.ReportMetric(out["generate_tokens_per_s"].(float64), "gen-tokens/s")
}

// BenchmarkForwardTinyLlama: the scale of the synthetic-language models.
func BenchmarkForwardTinyLlama(b *testing.B) {
	c := &Config{Arch: Llama, ModelType: "llama", VocabSize: 128, DModel: 128, NLayers: 4, NHeads: 4, NKVHeads: 4,
		DHead: 32, DMLP: 512, MaxPositions: 64, NormEps: 1e-6, Activation: "silu", RopeTheta: 10000, BOS: -1}
	m := mustRandom(b, c, 1)
	tokens := tokensFor(64, c.VocabSize, 2)
	for b.Loop() {
		if _, err := m.Run(tokens, &RunOptions{Cache: []string{"blocks.3.mlp.hook_post"}}); err != nil {
			b.Fatal(err)
		}
	}
}
