package safety_test

import (
	"math/rand/v2"
	"testing"

	"github.com/neuronb/neuronb/neuro/safety"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// llamaConfig is a small random Llama with grouped-query attention.
func llamaConfig() *transformer.Config {
	return &transformer.Config{Arch: transformer.Llama, ModelType: "llama", VocabSize: 16, DModel: 32,
		NLayers: 2, NHeads: 4, NKVHeads: 2, DHead: 8, DMLP: 48, MaxPositions: 64, NormEps: 1e-6,
		Activation: "silu", RopeTheta: 10000, BOS: 1, EOS: []int{2}}
}

// gpt2Config is a small random GPT-2.
func gpt2Config() *transformer.Config {
	return &transformer.Config{Arch: transformer.GPT2, ModelType: "gpt2", VocabSize: 16, DModel: 32,
		NLayers: 2, NHeads: 4, NKVHeads: 4, DHead: 8, DMLP: 64, MaxPositions: 64, NormEps: 1e-5,
		Activation: "gelu_new", TiedEmbeddings: true, BOS: 1, EOS: []int{2}}
}

func randomModel(t testing.TB, cfg *transformer.Config, seed uint64) *transformer.Model {
	t.Helper()
	m, err := transformer.NewRandom(cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// randomScales draws (IA)³ vectors around one.
func randomScales(cfg *transformer.Config, seed uint64) [][]float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	s := make([][]float32, cfg.NLayers)
	for l := range s {
		s[l] = make([]float32, cfg.DMLP)
		for i := range s[l] {
			s[l][i] = float32(1 + 0.5*rng.NormFloat64())
		}
	}
	return s
}

// ia3Copy returns a copy of m with random (IA)³ vectors applied.
func ia3Copy(t testing.TB, cfg *transformer.Config, seed uint64, scales [][]float32) *transformer.Model {
	t.Helper()
	m := randomModel(t, cfg, seed)
	if err := safety.ApplyIA3(m, scales); err != nil {
		t.Fatal(err)
	}
	return m
}

// randomSequences draws prompts of 3–6 tokens and completions of 2–5.
func randomSequences(n, vocab int, seed uint64) []safety.Sequence {
	rng := rand.New(rand.NewPCG(seed, 2))
	out := make([]safety.Sequence, n)
	for i := range out {
		p := make([]int, 3+rng.IntN(4))
		c := make([]int, 2+rng.IntN(4))
		for j := range p {
			p[j] = rng.IntN(vocab)
		}
		for j := range c {
			c[j] = rng.IntN(vocab)
		}
		out[i] = safety.Sequence{Prompt: p, Completion: c}
	}
	return out
}

func randomSet(t testing.TB, cfg *transformer.Config, k int, seed uint64) safety.NeuronSet {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 3))
	var ns []safety.Neuron
	for _, j := range rng.Perm(cfg.NLayers * cfg.DMLP)[:k] {
		ns = append(ns, safety.Neuron{Layer: j / cfg.DMLP, Index: j % cfg.DMLP})
	}
	s, err := safety.NewNeuronSet(cfg.NLayers, cfg.DMLP, ns)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
