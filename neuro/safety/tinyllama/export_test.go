package tinyllama

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuronb/neuronb/neuro/safety/synthetic"
	"github.com/neuronb/neuronb/neuro/transformer"
)

func randomTokens(n, T, vocab int, seed uint64) [][]int {
	rng := rand.New(rand.NewPCG(seed, 5))
	out := make([][]int, n)
	for i := range out {
		out[i] = make([]int, T)
		for j := range out[i] {
			out[i][j] = rng.IntN(vocab)
		}
	}
	return out
}

// maxLogitDiff compares GoMLX's logits with transformer.Model's on seqs.
func maxLogitDiff(t *testing.T, m *transformer.Model, weights map[string]*transformer.Tensor, scales [][]float32, seqs [][]int) float64 {
	t.Helper()
	cfg := m.Config()
	got, err := Logits(&cfg, weights, scales, seqs)
	if err != nil {
		t.Fatal(err)
	}
	d := 0.0
	for i, s := range seqs {
		want, err := m.Logits(s)
		if err != nil {
			t.Fatal(err)
		}
		for k := range want.Data {
			d = max(d, math.Abs(float64(got[i].Data[k]-want.Data[k])))
		}
	}
	return d
}

// Oracle: neuro/transformer's independent Go forward pass on the same
// weights. The GoMLX graph (the one trained) and the inference code must
// compute the same logits: at random initialisation, for the three
// shipped checkpoints, and for the (IA)³ model with its vectors applied
// inside the graph versus folded into up_proj.
func TestGoMLXLogitsEqualTransformerOnExportedWeights(t *testing.T) {
	cfg := synthetic.Config()
	seqs := randomTokens(4, cfg.MaxPositions, cfg.VocabSize, 1)
	init, err := Init(cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	m, err := transformer.NewModel(cfg, init)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxLogitDiff(t, m, Weights(m), nil, seqs); d > 1e-4 {
		t.Errorf("random init: max |Δlogit| = %v", d)
	} else {
		t.Logf("random init: max |Δlogit| = %.2e", d)
	}
	for _, v := range synthetic.Variants {
		m, err := synthetic.Load(v)
		if err != nil {
			t.Fatal(err)
		}
		if d := maxLogitDiff(t, m, Weights(m), nil, seqs); d > 1e-4 {
			t.Errorf("%s: max |Δlogit| = %v", v, d)
		} else {
			t.Logf("%s: max |Δlogit| = %.2e", v, d)
		}
	}
	base, _ := synthetic.Load(synthetic.Base)
	ia3, _ := synthetic.Load(synthetic.IA3)
	scales, err := synthetic.IA3Scales()
	if err != nil {
		t.Fatal(err)
	}
	if d := maxLogitDiff(t, ia3, Weights(base), scales, seqs); d > 1e-4 {
		t.Errorf("(IA)³ in the graph vs folded: max |Δlogit| = %v", d)
	} else {
		t.Logf("(IA)³ in the graph vs folded: max |Δlogit| = %.2e", d)
	}
}

func TestLogitsAndTrainRejectBadInput(t *testing.T) {
	cfg := synthetic.Config()
	w, _ := Init(cfg, 1)
	if _, err := Logits(cfg, w, nil, [][]int{{1, 2}, {1}}); err == nil {
		t.Error("sequences of different lengths should be refused")
	}
	if _, err := Logits(cfg, w, nil, [][]int{{1, 999}}); err == nil {
		t.Error("a token outside the vocabulary should be refused")
	}
	gqa := *cfg
	gqa.NKVHeads = 2
	if _, err := Train(&gqa, w, nil, Full, nil); err == nil {
		t.Error("grouped-query attention is not built and should be refused")
	}
	if _, err := Train(cfg, w, nil, Full, nil); err == nil {
		t.Error("a nil sampler should be refused")
	}
}
