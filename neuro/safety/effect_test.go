package safety_test

import (
	"math"
	"slices"
	"testing"

	"github.com/neuronb/neuronb/neuro/replicates"
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

// shipped sets up the experiment on the shipped models: change scores from
// 200 harmful train prompts completed by the base, evaluation on the 192
// harmful test requests.
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
	ex, err := safety.NewExperiment(base, aligned, synthetic.TokensOf(synthetic.TestPrompts(synthetic.Harmful)),
		synthetic.Judge{}, &safety.ExperimentSettings{MaxNewTokens: 16, Graded: synthetic.FirstWordCost()})
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
			g, err := ex.M1.Generate(p, &transformer.GenerateSettings{MaxNewTokens: 16})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(g.Tokens, ex.Responses1[i]) {
				t.Fatalf("%s: M1's responses are not its own greedy generations (prompt %d)", v, i)
			}
		}
		all, err := ex.Patch(safety.AllNeurons(3, 192), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: F1 %+.2f, F2 %+.2f; all 576 neurons: C = %.3f, %d/%d identical to M2", v, all.F1, all.F2, all.C, all.Identical2, len(ex.Prompts))
		if v == synthetic.IA3 && (all.C != 1 || all.Identical2 != len(ex.Prompts) || all.CGraded != 1) {
			t.Errorf("(IA)³, all neurons: C = %v, graded %v, %d/%d identical to M2; want exactly 1, 1 and all", all.C, all.CGraded, all.Identical2, len(ex.Prompts))
		}
		if none.CGraded != 0 {
			t.Errorf("%s, no neuron: graded C = %v, want exactly 0", v, none.CGraded)
		}
	}
}

// Oracle: log-softmax written out. The graded cost is the log-probability
// of the unsafe first token minus that of the safe one.
func TestGradedIsLogProbabilityMargin(t *testing.T) {
	logits := []float32{1, -2, 0.5, 3}
	lse := math.Log(math.Exp(1) + math.Exp(-2) + math.Exp(0.5) + math.Exp(3))
	g, err := safety.Graded{Unsafe: 3, Safe: 1}.Score(logits)
	if err != nil {
		t.Fatal(err)
	}
	if want := (3 - lse) - (-2 - lse); math.Abs(g-want) > 1e-6 {
		t.Errorf("G = %v, want %v", g, want)
	}
	if _, err := (safety.Graded{Unsafe: 4}).Score(logits); err == nil {
		t.Error("a token outside the vocabulary should be refused")
	}
}

// Oracle: neuro/replicates on the same numbers. A sweep point summarises
// its random controls and tests them against the top set.
func TestSweepPointSummariesAndTest(t *testing.T) {
	p := safety.SweepPoint{Top: &safety.Effect{C: 0.9, CGraded: 0.8}}
	for _, c := range []float64{0.1, 0.3, 0.2, 0.0, 0.25} {
		p.Random = append(p.Random, &safety.Effect{C: c, CGraded: c / 2})
	}
	s, err := p.RandomSummary(false)
	if err != nil || math.Abs(s.Mean-0.17) > 1e-12 || s.N != 5 {
		t.Errorf("summary %+v, %v", s, err)
	}
	want, err := replicates.OneSampleT([]float64{0.05, 0.15, 0.1, 0, 0.125}, 0.8, replicates.Less)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.TopVsRandom(true)
	if err != nil || math.Abs(got.T-want.T) > 1e-12 || math.Abs(got.P-want.P) > 1e-15 || !(got.P < 1e-4) {
		t.Errorf("graded t test %+v, %v; want %+v", got, err, want)
	}
	flat := safety.SweepPoint{Top: &safety.Effect{C: 1}, Random: []*safety.Effect{{C: 0}, {C: 0}}}
	if _, err := flat.TopVsRandom(false); err == nil {
		t.Error("constant controls should make the t test fail")
	}
}

// firstTokenJudge scores a response by its first token's parity, a toy
// judge for random models.
type firstTokenJudge struct{}

func (firstTokenJudge) Score(_, response []int) (float64, error) {
	if len(response) == 0 {
		return 0, nil
	}
	return float64(response[0]%2*2 - 1), nil
}

// Oracle: the same experiment on one worker. Each prompt's generation
// writes only its own slot, so scores, graded costs and responses do not
// depend on the number of workers (noise ablation included: one stream per
// prompt).
func TestExperimentDoesNotDependOnWorkers(t *testing.T) {
	cfg := llamaConfig()
	m1, m2 := randomModel(t, cfg, 1), randomModel(t, cfg, 2)
	var prompts [][]int
	for _, s := range randomSequences(9, cfg.VocabSize, 4) {
		prompts = append(prompts, s.Prompt)
	}
	values, err := safety.ContrastActivations(m1, m2, randomSequences(3, cfg.VocabSize, 5), nil)
	if err != nil {
		t.Fatal(err)
	}
	set := randomSet(t, cfg, 20, 6)
	run := func(workers int) []*safety.Effect {
		ex, err := safety.NewExperiment(m1, m2, prompts, firstTokenJudge{}, &safety.ExperimentSettings{MaxNewTokens: 6,
			Bootstrap: 50, Graded: &safety.Graded{Unsafe: 3, Safe: 4}, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		var out []*safety.Effect
		for _, p := range []*safety.PatchSettings{nil, {Ablation: safety.Noise, Values: values, Seed: 3}} {
			e, err := ex.Patch(set, p)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, e)
		}
		return out
	}
	one, four := run(1), run(4)
	for k := range one {
		a, b := one[k], four[k]
		if a.C != b.C || a.CLow != b.CLow || a.CGraded != b.CGraded || !slices.Equal(a.FPerPrompt, b.FPerPrompt) || !slices.Equal(a.GPerPrompt, b.GPerPrompt) {
			t.Errorf("patch %d: 1 worker %+v, 4 workers %+v", k, a, b)
		}
		for i := range a.Responses {
			if !slices.Equal(a.Responses[i], b.Responses[i]) {
				t.Errorf("patch %d prompt %d: responses differ", k, i)
			}
		}
	}
}
