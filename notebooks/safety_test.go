package notebooks

import (
	"math"
	"testing"
)

// The claims of issue 7 (Chen et al. 2024, "Towards Understanding Safety
// Alignment: A Mechanistic Perspective from Safety Neurons") reproduced on
// the synthetic chat language by safety_causal_effect.ipynb. The check
// reads the raw causal effects the notebook saved (top neurons and every
// random control) and applies the thresholds itself.
func init() {
	claims["safety_causal_effect"] = checkSafetyCausalEffect
}

// safetyCurve is one aligned model's row of results/safety_causal_effect.json.
type safetyCurve struct {
	Fractions    []float64          `json:"fractions"`
	K            []int              `json:"k"`
	C            []float64          `json:"c_top"`
	Random       [][]float64        `json:"c_random"`
	CNone        float64            `json:"c_no_neuron"`
	CAll         float64            `json:"c_all_neurons"`
	IdenticalAll int                `json:"identical_to_m2_all_neurons"`
	Prompts      int                `json:"prompts"`
	M2Refusal    float64            `json:"m2_refusal_rate"`
	Ablations    map[string]float64 `json:"ablations_top5"`
}

type safetyResults struct {
	Neurons  int                    `json:"neurons"`
	Variants map[string]safetyCurve `json:"variants"`
	Sweep    map[string]safetyCurve `json:"ia3_lr_sweep"`
}

// checkSafetyCausalEffect asserts, for variant (a) ((IA)³ alignment):
// patching no neuron gives C = 0 exactly; patching all 576 gives C = 1
// exactly with M2's tokens on every prompt; the top 5% give C ≥ 0.9; and
// random neurons with matched per-layer counts give C ≤ 0.2 (the mean of
// ≥ 5 seeds, as the paper averages its random controls) at every k ≤ 5%,
// the sizes the claim is about. Larger random sets (58 or 115 of 576
// neurons) sometimes include one of the few neurons that carry the
// refusal; their values are logged, not asserted. For variant (b) (full
// fine-tuning) it asserts only C = 0 with no neuron and that the whole
// Table-1 row with its controls was measured: its curve is reported,
// whatever it shows.
func checkSafetyCausalEffect(t *testing.T) {
	var r safetyResults
	if err := LoadResults("safety_causal_effect", &r); err != nil {
		t.Fatal(err)
	}
	want := []float64{0.005, 0.01, 0.02, 0.05, 0.1, 0.2}
	for _, v := range []string{"ia3", "full"} {
		c, ok := r.Variants[v]
		if !ok {
			t.Fatalf("no results for variant %s", v)
		}
		if len(c.Fractions) != len(want) || len(c.C) != len(want) || len(c.Random) != len(want) {
			t.Fatalf("%s: fractions %v with %d effects and %d control sets, want %v", v, c.Fractions, len(c.C), len(c.Random), want)
		}
		for i, f := range want {
			if math.Abs(c.Fractions[i]-f) > 1e-12 || len(c.Random[i]) < 5 {
				t.Fatalf("%s: fraction %d is %v with %d random controls, want %v with ≥ 5", v, i, c.Fractions[i], len(c.Random[i]), f)
			}
		}
		if c.CNone != 0 {
			t.Errorf("%s: patching no neuron gives C = %v, want exactly 0", v, c.CNone)
		}
		if c.M2Refusal != 1 {
			t.Errorf("%s: M2 refuses %.3f of the held-out harmful prompts, want all", v, c.M2Refusal)
		}
		t.Logf("%s: C(top) = %v at k = %v; C(all 576) = %.3f; ablations of the top 5%%: %v", v, c.C, c.K, c.CAll, c.Ablations)
		for i, f := range want {
			t.Logf("%s: random controls at %g%%: %v", v, 100*f, c.Random[i])
		}
	}
	a := r.Variants["ia3"]
	if a.CAll != 1 || a.IdenticalAll != a.Prompts || a.Prompts == 0 {
		t.Errorf("(IA)³: patching all neurons gives C = %v with %d of %d generations identical to M2, want C = 1 and all", a.CAll, a.IdenticalAll, a.Prompts)
	}
	if c5 := a.C[3]; !(c5 >= 0.9) {
		t.Errorf("(IA)³: the top 5%% of neurons give C = %.3f, want ≥ 0.9", c5)
	}
	for i, f := range want {
		if f > 0.05 {
			continue
		}
		m := 0.0
		for _, c := range a.Random[i] {
			m += c / float64(len(a.Random[i]))
		}
		if !(m <= 0.2) {
			t.Errorf("(IA)³: random controls at %g%% give C = %.3f on average (%v), want ≤ 0.2", 100*f, m, a.Random[i])
		}
	}
	if len(r.Sweep) < 4 {
		t.Errorf("the (IA)³ learning-rate sweep has %d models, want 4", len(r.Sweep))
	}
}
