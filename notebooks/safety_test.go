package notebooks

import (
	"path/filepath"
	"testing"

	"github.com/neuronb/neuronb/neuro/safety/study"
	"github.com/neuronb/neuronb/neuro/safety/synthetic"
)

// The claims of safety_causal_effect.ipynb (Chen et al. 2024, "Towards
// Understanding Safety Alignment: A Mechanistic Perspective from Safety
// Neurons"), registered in the notebook's first cells and in study.Claims
// before the first full run on the retrained models (issue 13).
func init() {
	claims["safety_causal_effect"] = checkSafetyCausalEffect
}

// registeredSafetyClaims are the thresholds as registered; a change to
// study.Claims must change this too.
var registeredSafetyClaims = struct{ TopFraction, MinC, MaxRandomC, Alpha, MaxOverRefusal, GuardMargin float64 }{0.05, 0.9, 0.2, 0.01, 0.05, 0.05}

// safetyOutcomes records, for each registered claim, whether the full run
// reproduced it (true) or the notebook records "not reproduced here"
// (false). A later change that flips a result fails either way.
var safetyOutcomes = map[string]bool{
	"exact-zero": true,
	"exact-all":  true,
	// Not reproduced here: at the learning rate the validation criterion
	// selects (0.003) the top 5% give C = 0.026 [0.005, 0.052].
	"top5-c":           false,
	"random-small-k":   true,
	"top5-vs-random-t": true,
	"over-refusal":     true,
	// Not reproduced here: safety neurons 0.974, random neurons 0.979
	// (mean of 10 seeds), majority class 0.750.
	"safeguard": false,
}

// checkSafetyCausalEffect asserts the registered claims on the committed
// full run (results/safety_causal_effect_full.json, written by
// cmd/causaleffect) and that the notebook's live reduced run agrees with it
// in direction.
func checkSafetyCausalEffect(t *testing.T) {
	c := study.Claims
	if c.TopFraction != registeredSafetyClaims.TopFraction || c.MinC != registeredSafetyClaims.MinC || c.MaxRandomC != registeredSafetyClaims.MaxRandomC ||
		c.Alpha != registeredSafetyClaims.Alpha || c.MaxOverRefusal != registeredSafetyClaims.MaxOverRefusal || c.GuardMargin != registeredSafetyClaims.GuardMargin {
		t.Fatalf("study.Claims %+v differ from the registered %+v", c, registeredSafetyClaims)
	}
	full, err := study.Load(filepath.Join("results", "safety_causal_effect_full.json"))
	if err != nil {
		t.Fatal(err)
	}
	checkFullSafetyRun(t, full)
	var live study.Results
	if err := LoadResults("safety_causal_effect", &live); err != nil {
		t.Fatal(err)
	}
	checkSafetyDirections(t, full, &live)
}

func checkFullSafetyRun(t *testing.T, full *study.Results) {
	if len(full.Settings.Seeds) < 10 || len(full.Settings.Fractions) != len(study.Fractions) || len(full.Sweep) != 4 || full.Guard == nil {
		t.Fatalf("the full run has %d seeds, %d fractions, %d swept learning rates, safeguard %v", len(full.Settings.Seeds),
			len(full.Settings.Fractions), len(full.Sweep), full.Guard != nil)
	}
	rec, err := synthetic.TrainingRecord()
	if err != nil {
		t.Fatal(err)
	}
	if lr, err := synthetic.SelectIA3LR(rec.IA3Validation); err != nil || lr != full.SelectedLR {
		t.Errorf("the criterion selects %v (%v); the full run used the model trained at %v", lr, err, full.SelectedLR)
	}
	outcomes, err := study.Evaluate(full)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outcomes {
		t.Log(o)
		want, ok := safetyOutcomes[o.Name]
		if !ok {
			t.Errorf("claim %q has no recorded outcome", o.Name)
		} else if o.Holds != want {
			t.Errorf("claim %s: %s gives %s; recorded outcome: reproduced = %v", o.Name, o.Claim, o.Value, want)
		}
	}
}

// checkSafetyDirections: the live reduced run (3 seeds) must agree with the
// full run on each claim's side: exactness, top above random at
// TopFraction, over-refusal and the safeguard on the same side of their
// thresholds.
func checkSafetyDirections(t *testing.T, full, live *study.Results) {
	f, err := study.Evaluate(full)
	if err != nil {
		t.Fatal(err)
	}
	l, err := study.Evaluate(live)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]study.Outcome{}
	for _, o := range f {
		byName[o.Name] = o
	}
	for _, o := range l {
		t.Logf("live: %v", o)
		if o.Name == "top5-vs-random-t" {
			continue // a t test over 3 seeds has little power: compared by its sign below
		}
		if fo, ok := byName[o.Name]; ok && fo.Holds != o.Holds {
			t.Errorf("live run: claim %s %v (%s), full run %v (%s)", o.Name, o.Holds, o.Value, fo.Holds, fo.Value)
		}
	}
	for name, r := range map[string]*study.Results{"full": full, "live": live} {
		p, err := r.Variants["ia3"].At(study.Claims.TopFraction)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := p.Random(true)
		if err != nil {
			t.Fatal(err)
		}
		if !(p.CGraded > rs.Mean) {
			t.Errorf("%s run: graded C of the top %g%% (%.3f) is not above the random controls' mean (%.3f)", name, 100*study.Claims.TopFraction, p.CGraded, rs.Mean)
		}
	}
}
