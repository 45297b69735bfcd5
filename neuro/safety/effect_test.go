package safety_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neuronb/neuronb/neuro/safety"
	"github.com/neuronb/neuronb/neuro/safety/synthetic"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// Oracle: the paper's own numbers (Table 8, Llama-2 on Beavertails:
// costs Base 2.2, Base+patch −5.7, SFT −2.4, SFT+patch −11.9, DPO −11.8)
// give Table 1's C = 1.01 and 0.56.
func TestCausalEffectReproducesThePapersTable(t *testing.T) {
	if c := safety.CausalEffect(-11.9, -2.4, -11.8); math.Abs(c-1.0106) > 1e-4 {
		t.Errorf("SFT patched by DPO: C = %v, want 1.01", c)
	}
	if c := safety.CausalEffect(-5.7, 2.2, -11.8); math.Abs(c-0.5643) > 1e-4 {
		t.Errorf("Base patched by DPO: C = %v, want 0.56", c)
	}
	if c := safety.CausalEffect(1, 2, 2); !math.IsNaN(c) {
		t.Errorf("equal F1 and F2: C = %v, want NaN", c)
	}
	if c := safety.CausalEffect(1, 1, -1); c != 0 || math.Signbit(c) {
		t.Errorf("no change: C = %v, want +0", c)
	}
}

// shipped sets up the acceptance experiment on the shipped models: change
// scores from 200 harmful train prompts completed by the base, evaluation
// on the 192 held-out harmful requests.
func shipped(t *testing.T, v synthetic.Variant) (*safety.Contrast, *safety.Experiment) {
	t.Helper()
	base, aligned := load(synthetic.Base), load(v)
	seqs, err := safety.Complete(base, synthetic.TokensOf(synthetic.ContrastPrompts(200, 1)), 16)
	if err != nil {
		t.Fatal(err)
	}
	c, err := safety.ContrastActivations(base, aligned, seqs, nil)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := safety.NewExperiment(base, aligned, synthetic.TokensOf(synthetic.HeldOutPrompts(synthetic.Harmful)),
		synthetic.Judge{}, &safety.ExperimentSettings{MaxNewTokens: 16})
	if err != nil {
		t.Fatal(err)
	}
	return c, ex
}

// Oracle: the models' own generations (transformer.Generate). Patching no
// neuron reproduces M1 exactly (C = 0), for both variants; in the (IA)³
// variant patching every neuron reproduces M2 exactly (C = 1, identical
// tokens on every prompt).
func TestPatchingNoneAndAllNeuronsOfShippedModels(t *testing.T) {
	for _, v := range []synthetic.Variant{synthetic.IA3, synthetic.Full} {
		_, ex := shipped(t, v)
		none, err := ex.Patch(make(safety.NeuronSet, 3), nil)
		if err != nil {
			t.Fatal(err)
		}
		if none.C != 0 || none.Identical1 != len(ex.Prompts) {
			t.Errorf("%s, no neuron: C = %v, %d/%d generations identical to M1", v, none.C, none.Identical1, len(ex.Prompts))
		}
		for i, p := range ex.Prompts {
			g, _ := ex.M1.Generate(p, &transformer.GenerateSettings{MaxNewTokens: 16})
			if !slices.Equal(g.Tokens, ex.Responses1[i]) {
				t.Fatalf("%s: M1's responses are not its own greedy generations (prompt %d)", v, i)
			}
		}
		all, err := ex.Patch(safety.AllNeurons(3, 192), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: F1 %+.2f, F2 %+.2f; all 576 neurons: C = %.3f, %d/%d identical to M2", v, all.F1, all.F2, all.C, all.Identical2, len(ex.Prompts))
		if v == synthetic.IA3 && (all.C != 1 || all.Identical2 != len(ex.Prompts)) {
			t.Errorf("(IA)³, all neurons: C = %v, %d/%d identical to M2; want exactly 1 and all", all.C, all.Identical2, len(ex.Prompts))
		}
	}
}

// The acceptance claim of issue 7 for variant (a): on the held-out
// prompts the top 5% of neurons by change score give C ≥ 0.9, while random
// neurons with the same per-layer counts give C ≤ 0.2 (mean of 5 seeds).
func TestTopSafetyNeuronsOfIA3ModelRestoreRefusals(t *testing.T) {
	c, ex := shipped(t, synthetic.IA3)
	top, err := c.TopFraction(0.05)
	if err != nil {
		t.Fatal(err)
	}
	eff, err := ex.Patch(top, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("top %d neurons %v: C = %.3f [%.3f, %.3f]", top.Len(), top.Counts(), eff.C, eff.CLow, eff.CHigh)
	if !(eff.C >= 0.9) {
		t.Errorf("top 5%%: C = %.3f, want ≥ 0.9", eff.C)
	}
	m := 0.0
	for s := uint64(1); s <= 5; s++ {
		r, err := safety.RandomMatched(top, 192, rand.New(rand.NewPCG(s, 100)))
		if err != nil {
			t.Fatal(err)
		}
		e, err := ex.Patch(r, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("random control %d: C = %.3f", s, e.C)
		m += e.C / 5
	}
	if !(m <= 0.2) {
		t.Errorf("random controls: mean C = %.3f, want ≤ 0.2", m)
	}
}

// The safeguard claim of issue 7: on held-out objects, the base's top
// safety neuron at the last prompt token predicts whether the base's
// answer is harmful at least 5 points better than random neurons (same
// per-layer count, mean of 5 seeds) and than the majority class. One
// neuron is the paper's smaller safeguard (150 of 341,248 neurons, 0.044%)
// scaled to 576 neurons; at the paper's larger one (1,500, 0.44% → 3
// neurons) random neurons catch up here, which is logged.
func TestSafeguardBeatsRandomNeuronsAndMajorityOnHeldOutObjects(t *testing.T) {
	c, _ := shipped(t, synthetic.IA3)
	base := load(synthetic.Base)
	type split struct {
		prompts [][]int
		y       []bool
	}
	data := map[synthetic.Split]split{}
	for _, sp := range []synthetic.Split{synthetic.Train, synthetic.HeldOut} {
		ps := synthetic.TokensOf(synthetic.Prompts(synthetic.Filter{Kinds: []synthetic.Kind{synthetic.Harmful, synthetic.Benign},
			Objects: synthetic.SplitPtr(sp)}))
		answers, err := safety.Complete(base, ps, 16)
		if err != nil {
			t.Fatal(err)
		}
		y := make([]bool, len(ps))
		for i, a := range answers {
			f, err := synthetic.Judge{}.Score(a.Prompt, a.Completion)
			if err != nil {
				t.Fatal(err)
			}
			y[i] = f > 0
		}
		data[sp] = split{ps, y}
	}
	accuracy := func(set safety.NeuronSet) float64 {
		Xtr, err := safety.Features(base, data[synthetic.Train].prompts, set)
		if err != nil {
			t.Fatal(err)
		}
		Xte, _ := safety.Features(base, data[synthetic.HeldOut].prompts, set)
		fit, err := safety.FitLogistic(Xtr, data[synthetic.Train].y, nil)
		if err != nil {
			t.Fatal(err)
		}
		acc, _ := fit.Accuracy(Xte, data[synthetic.HeldOut].y)
		return acc
	}
	majority := safety.MajorityAccuracy(data[synthetic.Train].y, data[synthetic.HeldOut].y)
	for _, k := range []int{1, 3} {
		top, _ := c.Top(k)
		acc := accuracy(top)
		rnd := 0.0
		for s := uint64(1); s <= 5; s++ {
			r, _ := safety.RandomMatched(top, 192, rand.New(rand.NewPCG(s, 200)))
			rnd += accuracy(r) / 5
		}
		t.Logf("k = %d: safety neurons %.3f, random neurons %.3f (mean of 5), majority class %.3f", k, acc, rnd, majority)
		if k == 1 && !(acc >= rnd+0.05 && acc >= majority+0.05) {
			t.Errorf("k = 1: safety-neuron accuracy %.3f is not 5 points above random (%.3f) and majority (%.3f)", acc, rnd, majority)
		}
	}
}
