package multilingual

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuronb/neuronb/neuro/transformer"
)

func tinyConfigs() map[string]*transformer.Config {
	return map[string]*transformer.Config{
		"gpt2": {Arch: transformer.GPT2, ModelType: "gpt2", VocabSize: 53, DModel: 32, NLayers: 2, NHeads: 4, NKVHeads: 4,
			DHead: 8, DMLP: 64, MaxPositions: 40, NormEps: 1e-5, Activation: "gelu_new", TiedEmbeddings: true, BOS: -1},
		"llama": {Arch: transformer.Llama, ModelType: "llama", VocabSize: 59, DModel: 32, NLayers: 2, NHeads: 4, NKVHeads: 4,
			DHead: 8, DMLP: 48, MaxPositions: 40, NormEps: 1e-6, Activation: "silu", RopeTheta: 10000, BOS: -1},
		"llama-gqa": {Arch: transformer.Llama, ModelType: "llama", VocabSize: 59, DModel: 32, NLayers: 2, NHeads: 4, NKVHeads: 2,
			DHead: 8, DMLP: 48, MaxPositions: 40, NormEps: 1e-6, Activation: "silu", RopeTheta: 500, QKVBias: true, BOS: -1},
	}
}

func randomTokens(n, vocab int, seed uint64) []int {
	rng := rand.New(rand.NewPCG(seed, 3))
	out := make([]int, n)
	for i := range out {
		out[i] = rng.IntN(vocab)
	}
	return out
}

func mustModel(t testing.TB, c *transformer.Config, seed uint64) *transformer.Model {
	t.Helper()
	m, err := transformer.NewRandom(c, seed)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// moduleChange reruns layer u.Layer from the cached residual with u
// deactivated and returns ‖Δ‖_F of the unit's module output
// (hook_attn_out or hook_mlp_out): the brute-force oracle of the closed
// forms.
func moduleChange(t *testing.T, m *transformer.Model, tokens []int, u Unit) float64 {
	t.Helper()
	mod := "attn_out"
	if u.Component == FFN {
		mod = "mlp_out"
	}
	name := transformer.ActName(mod, u.Layer)
	_, cache, err := m.RunWithCache(tokens, transformer.ActName("resid_pre", u.Layer), name)
	if err != nil {
		t.Fatal(err)
	}
	set, err := NewUnitSet(ShapeOf(m.Config()), []Unit{u})
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.Run(tokens, &transformer.RunOptions{Resid: cache.Get("resid_pre", u.Layer), StartAtLayer: u.Layer, StopAtLayer: u.Layer + 1,
		Cache: []string{name}, Hooks: hooksFor(m.Config(), set)})
	if err != nil {
		t.Fatal(err)
	}
	ss := 0.0
	for i, v := range out.Cache[name].Data {
		d := float64(v) - float64(cache[name].Data[i])
		ss += d * d
	}
	return math.Sqrt(ss)
}

// TestParallelFormIsExactForEveryModule: for every unit of random GPT-2,
// Llama and grouped-query Llama models, the closed form (norms for FFN, V
// and O; re-softmax without the unit's term, through the rotary
// embedding, for Q and K) equals the change of the module's output when
// the module is rerun with the unit zeroed (oracle: the forward pass with
// a zeroing hook), to float32 precision.
func TestParallelFormIsExactForEveryModule(t *testing.T) {
	for name, c := range tinyConfigs() {
		m := mustModel(t, c, 7)
		tokens := randomTokens(17, c.VocabSize, 8)
		imp, err := ParallelImportance(m, tokens, Deactivation)
		if err != nil {
			t.Fatal(err)
		}
		worst := [NumComponents]float64{}
		for _, u := range allUnits(ShapeOf(*c)) {
			want, got := moduleChange(t, m, tokens, u), imp.At(u)
			rel := math.Abs(got-want) / math.Max(want, 1e-3)
			worst[u.Component] = math.Max(worst[u.Component], rel)
		}
		t.Logf("%s: largest relative difference per component %v", name, worst)
		for comp, w := range worst {
			if w > 1e-4 {
				t.Errorf("%s %s: closed form differs from the rerun module by %.2g (relative)", name, Component(comp), w)
			}
		}
	}
}

func allUnits(s Shape) []Unit {
	var out []Unit
	for l := 0; l < s.Layers; l++ {
		for c := range s.Sizes {
			for i := 0; i < s.Sizes[c]; i++ {
				out = append(out, Unit{l, Component(c), i})
			}
		}
	}
	return out
}

// TestFFNParallelFormEqualsExactDeactivation: for FFN units the parallel
// approximation ‖H[:, k]‖·‖W_down[k, :]‖ equals exact deactivation
// measured at the layer's output (oracle: Exact, the layer rerun with the
// unit zeroed) to float precision.
func TestFFNParallelFormEqualsExactDeactivation(t *testing.T) {
	for name, c := range tinyConfigs() {
		m := mustModel(t, c, 9)
		tokens := randomTokens(23, c.VocabSize, 10)
		imp, err := ParallelImportance(m, tokens, Deactivation)
		if err != nil {
			t.Fatal(err)
		}
		e, err := NewExact(m, tokens)
		if err != nil {
			t.Fatal(err)
		}
		all, err := ExactImportance(m, tokens)
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for _, u := range allUnits(ShapeOf(*c)) {
			if u.Component != FFN {
				continue
			}
			want, err := e.Importance(u)
			if err != nil {
				t.Fatal(err)
			}
			if all.At(u) != want {
				t.Errorf("%s: ExactImportance %v = %g, Exact.Importance %g", name, u, all.At(u), want)
			}
			worst = math.Max(worst, math.Abs(imp.At(u)-want)/want)
		}
		t.Logf("%s: FFN parallel vs exact, largest relative difference %.2g", name, worst)
		if worst > 1e-4 {
			t.Errorf("%s: FFN parallel form differs from exact deactivation by %.2g", name, worst)
		}
	}
}

// TestAttentionParallelFormAgainstExactDeactivation measures, on random
// models, how the parallel form (attention module output) ranks attention
// units against exact deactivation at the layer output (oracle: Exact).
// The FFN row must agree exactly; the attention rows only in ranking.
func TestAttentionParallelFormAgainstExactDeactivation(t *testing.T) {
	for name, c := range tinyConfigs() {
		m := mustModel(t, c, 11)
		ag, err := CompareExact(m, randomTokens(19, c.VocabSize, 12), 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range ag {
			t.Logf("%s: %v", name, a)
		}
		if ag[FFN].MaxRelDiff > 1e-4 || ag[FFN].TopJaccard != 1 {
			t.Errorf("%s: FFN %v", name, ag[FFN])
		}
		for _, comp := range []Component{Q, K, V, O} {
			if ag[comp].Spearman < 0.8 {
				t.Errorf("%s: %v", name, ag[comp])
			}
		}
	}
}
