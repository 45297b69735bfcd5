package multilingual

import (
	"sync"
	"testing"

	"github.com/neuronb/neuronb/neuro/transformer"
)

// GPT-2 small's shape (124M parameters) with random weights: the cost of
// scoring does not depend on the values.
var gpt2Small = sync.OnceValues(func() (*transformer.Model, error) {
	return transformer.NewRandom(&transformer.Config{Arch: transformer.GPT2, ModelType: "gpt2", VocabSize: 50257, DModel: 768, NLayers: 12,
		NHeads: 12, NKVHeads: 12, DHead: 64, DMLP: 3072, MaxPositions: 1024, NormEps: 1e-5, Activation: "gelu_new", TiedEmbeddings: true, BOS: -1}, 1)
})

func benchSetup(b *testing.B) (*transformer.Model, []int) {
	m, err := gpt2Small()
	if err != nil {
		b.Fatal(err)
	}
	return m, randomTokens(128, m.Config().VocabSize, 2)
}

// BenchmarkForwardGPT2Small128 is the anchor of BenchmarkImportance: one
// forward pass over 128 tokens with the logits of every position.
func BenchmarkForwardGPT2Small128(b *testing.B) {
	m, tokens := benchSetup(b)
	for b.Loop() {
		if _, err := m.Logits(tokens); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkForwardLastLogitsGPT2Small128 is the same forward pass with
// the logits of the last position only (the unembedding of 127 rows
// skipped), the cheaper anchor: Importance needs no logits.
func BenchmarkForwardLastLogitsGPT2Small128(b *testing.B) {
	m, tokens := benchSetup(b)
	for b.Loop() {
		if _, err := m.Run(tokens, &transformer.RunOptions{LastLogitsOnly: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportanceGPT2Small128: the parallel importance of all 12 ×
// (4·768 + 3072) = 73,728 units over 128 tokens, its forward pass
// included (the Scorer, built once per model, outside the loop; see
// BenchmarkNewScorerGPT2Small). Target: at most twice
// BenchmarkForwardGPT2Small128 (and, measured, within twice
// BenchmarkForwardLastLogitsGPT2Small128 too).
func BenchmarkImportanceGPT2Small128(b *testing.B) {
	m, tokens := benchSetup(b)
	s, err := NewScorer(m, Deactivation)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Importance(tokens); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewScorerGPT2Small: what the scorer computes once per model
// (norms of W_down and W_O rows, the square roots of 144 head Gram
// matrices).
func BenchmarkNewScorerGPT2Small(b *testing.B) {
	m, _ := benchSetup(b)
	for b.Loop() {
		if _, err := NewScorer(m, Deactivation); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLayerForwardGPT2Small128 is the anchor of BenchmarkExactUnit:
// one layer's forward pass (block 6) from its cached input over 128
// tokens.
func BenchmarkLayerForwardGPT2Small128(b *testing.B) {
	m, tokens := benchSetup(b)
	_, cache, err := m.RunWithCache(tokens, transformer.ActName("resid_pre", 6))
	if err != nil {
		b.Fatal(err)
	}
	kv := m.NewKVCache()
	for b.Loop() {
		if _, err := m.Run(tokens, &transformer.RunOptions{Resid: cache.Get("resid_pre", 6), StartAtLayer: 6, StopAtLayer: 7, KV: kv}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExactUnitGPT2Small128: exact deactivation of one unit of block
// 6 over 128 tokens, reusing the prefix. Target: at most one layer's
// forward (BenchmarkLayerForwardGPT2Small128).
func BenchmarkExactUnitGPT2Small128(b *testing.B) {
	m, tokens := benchSetup(b)
	e, err := NewExact(m, tokens)
	if err != nil {
		b.Fatal(err)
	}
	for _, u := range []Unit{{6, Q, 100}, {6, FFN, 100}} {
		b.Run(u.Component.String(), func(b *testing.B) {
			for b.Loop() {
				if _, err := e.Importance(u); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
