package safety_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/safety"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// algorithm1 is the oracle: the paper's Algorithm 1 written literally, with
// no KV cache. At every step both models run on the whole current text;
// the receiver's chosen neurons take, at every position, the donor's
// values (or the ablation's); the next token is the receiver's argmax.
func algorithm1(t *testing.T, receiver, donor *transformer.Model, prompt []int, set safety.NeuronSet,
	ablation safety.Ablation, values *safety.Contrast, steps int) ([]int, []float64) {
	text := slices.Clone(prompt)
	var toks []int
	var lps []float64
	for step := 0; step < steps; step++ {
		var donorCache transformer.ActivationCache
		if ablation == safety.Donor {
			var names []string
			for l := range set {
				names = append(names, transformer.ActName("post", l))
			}
			var err error
			if _, donorCache, err = donor.RunWithCache(text, names...); err != nil {
				t.Fatal(err)
			}
		}
		var hooks []transformer.NamedHook
		for l, idx := range set {
			hooks = append(hooks, transformer.NamedHook{Name: transformer.ActName("post", l),
				Fn: func(ctx transformer.HookContext, a *transformer.Tensor) error {
					for r := 0; r < a.Shape[0]; r++ {
						for _, i := range idx {
							switch ablation {
							case safety.Donor:
								a.Row(r)[i] = donorCache.Get("post", l).At(r, i)
							case safety.Zero:
								a.Row(r)[i] = 0
							case safety.Mean:
								a.Row(r)[i] = float32(values.Mean2[l][i])
							}
						}
					}
					return nil
				}})
		}
		logits, err := receiver.RunWithHooks(text, hooks...)
		if err != nil {
			t.Fatal(err)
		}
		last := logits.Row(len(text) - 1)
		tok := transformer.Argmax(last)
		toks, lps = append(toks, tok), append(lps, transformer.LogSoftmaxAt(last, tok))
		text = append(text, tok)
	}
	return toks, lps
}

// Oracle: Algorithm 1 recomputed from scratch at every step (above). The
// cached implementation must choose the same tokens with the same
// log-probabilities up to float32 rounding, for Llama (with grouped-query
// attention) and GPT-2, and for the donor, zero and mean ablations.
func TestDynamicPatchingEqualsAlgorithm1RecomputedFromScratch(t *testing.T) {
	for _, cfg := range []*transformer.Config{llamaConfig(), gpt2Config()} {
		receiver, donor := randomModel(t, cfg, 11), randomModel(t, cfg, 12)
		values, err := safety.ContrastActivations(receiver, donor, randomSequences(4, cfg.VocabSize, 5), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, ab := range []safety.Ablation{safety.Donor, safety.Zero, safety.Mean} {
			for _, k := range []int{1, 17, cfg.NLayers * cfg.DMLP} {
				set := randomSet(t, cfg, k, uint64(k))
				prompt := []int{1, 5, 9, 3, 7}
				g, err := safety.PatchedGenerate(receiver, donor, prompt, set, &safety.PatchSettings{
					Ablation: ab, Values: values, MaxNewTokens: 12, StopTokens: []int{}})
				if err != nil {
					t.Fatal(err)
				}
				toks, lps := algorithm1(t, receiver, donor, prompt, set, ab, values, 12)
				if !slices.Equal(g.Tokens, toks) {
					t.Fatalf("%s, %s, k=%d: cached %v, recomputed %v", cfg.Arch, ab, k, g.Tokens, toks)
				}
				for i := range lps {
					if math.Abs(g.LogProbs[i]-lps[i]) > 1e-5 {
						t.Fatalf("%s, %s, k=%d, step %d: log-prob %v vs %v", cfg.Arch, ab, k, i, g.LogProbs[i], lps[i])
					}
				}
			}
		}
	}
}

// Oracle: transformer.Generate. Patching no neuron is the receiver's own
// greedy generation, bit for bit (so C = 0 exactly).
func TestPatchingNoNeuronIsTheReceiversOwnGeneration(t *testing.T) {
	cfg := llamaConfig()
	receiver := randomModel(t, cfg, 21)
	empty := make(safety.NeuronSet, cfg.NLayers)
	for _, prompt := range [][]int{{1, 4}, {1, 9, 9, 3, 12}} {
		g, err := safety.PatchedGenerate(receiver, nil, prompt, empty, &safety.PatchSettings{MaxNewTokens: 10})
		if err != nil {
			t.Fatal(err)
		}
		want, err := receiver.Generate(prompt, &transformer.GenerateSettings{MaxNewTokens: 10})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(g.Tokens, want.Tokens) || !slices.Equal(g.LogProbs, want.LogProbs) || g.Stop != want.Stop || g.Stop == run.NotTerminated {
			t.Errorf("prompt %v: %v (%s), want %v (%s)", prompt, g.Tokens, g.Stop, want.Tokens, want.Stop)
		}
	}
}

// Oracle: the donor's own generation. When the donor is the receiver with
// an (IA)³ vector on every layer, the two differ only in their neurons, so
// patching every neuron turns the receiver into the donor, bit for bit.
func TestPatchingEveryNeuronOfAnIA3DonorReproducesIt(t *testing.T) {
	cfg := llamaConfig()
	receiver := randomModel(t, cfg, 31)
	donor := ia3Copy(t, cfg, 31, randomScales(cfg, 32))
	all := safety.AllNeurons(cfg.NLayers, cfg.DMLP)
	differ := 0
	for _, prompt := range [][]int{{1, 4, 6}, {1, 10, 3, 3, 5, 7}, {1, 12}, {1, 8, 8}} {
		g, err := safety.PatchedGenerate(receiver, donor, prompt, all, &safety.PatchSettings{MaxNewTokens: 16, StopTokens: []int{}})
		if err != nil {
			t.Fatal(err)
		}
		want, err := donor.Generate(prompt, &transformer.GenerateSettings{MaxNewTokens: 16, StopTokens: []int{}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(g.Tokens, want.Tokens) || !slices.Equal(g.LogProbs, want.LogProbs) {
			t.Errorf("prompt %v: patched %v, donor %v", prompt, g.Tokens, want.Tokens)
		}
		own, err := receiver.Generate(prompt, &transformer.GenerateSettings{MaxNewTokens: 16, StopTokens: []int{}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(own.Tokens, want.Tokens) {
			differ++
		}
	}
	if differ == 0 {
		t.Error("receiver and donor generate the same on every prompt: the test cannot tell patching from no patching")
	}
}

// Oracle: noise of zero standard deviation is no patch at all; equal seeds
// give equal generations.
func TestNoiseAblationIsSeededAndScaledByStd(t *testing.T) {
	cfg := llamaConfig()
	receiver := randomModel(t, cfg, 41)
	values, err := safety.ContrastActivations(receiver, randomModel(t, cfg, 42), randomSequences(3, cfg.VocabSize, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	set := randomSet(t, cfg, 30, 3)
	prompt := []int{1, 6, 7}
	generate := func(v *safety.Contrast, seed uint64) []int {
		g, err := safety.PatchedGenerate(receiver, nil, prompt, set, &safety.PatchSettings{Ablation: safety.Noise, Values: v,
			Seed: seed, MaxNewTokens: 12, StopTokens: []int{}})
		if err != nil {
			t.Fatal(err)
		}
		return g.Tokens
	}
	if a, b := generate(values, 7), generate(values, 7); !slices.Equal(a, b) {
		t.Errorf("equal seeds, different generations: %v %v", a, b)
	}
	quiet := *values
	quiet.Std1 = make([][]float64, cfg.NLayers)
	for l := range quiet.Std1 {
		quiet.Std1[l] = make([]float64, cfg.DMLP)
	}
	own, err := receiver.Generate(prompt, &transformer.GenerateSettings{MaxNewTokens: 12, StopTokens: []int{}})
	if err != nil {
		t.Fatal(err)
	}
	if got := generate(&quiet, 7); !slices.Equal(got, own.Tokens) {
		t.Errorf("zero-std noise changed the generation: %v vs %v", got, own.Tokens)
	}
}

func TestPatchedGenerateRejectsBadInput(t *testing.T) {
	cfg := llamaConfig()
	m := randomModel(t, cfg, 1)
	set := randomSet(t, cfg, 3, 1)
	other := *cfg
	other.DMLP = 32
	for _, c := range []struct {
		donor  *transformer.Model
		prompt []int
		set    safety.NeuronSet
		s      *safety.PatchSettings
		want   string
	}{
		{m, nil, set, nil, "empty prompt"},
		{nil, []int{1}, set, nil, "needs a donor"},
		{randomModel(t, &other, 1), []int{1}, set, nil, "differ in shape"},
		{m, []int{1}, safety.NeuronSet{{1}}, nil, "neuron set has 1 layers, the model 2"},
		{m, []int{1}, safety.NeuronSet{{1}, {99}}, nil, "layer 1 entry 0 = 99"},
		{m, []int{1}, set, &safety.PatchSettings{Ablation: safety.Mean}, "mean ablation needs Values"},
		{m, []int{1, 99}, set, nil, "tokens[1] = 99"},
	} {
		if _, err := safety.PatchedGenerate(m, c.donor, c.prompt, c.set, c.s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want an error containing %q, got %v", c.want, err)
		}
	}
}
