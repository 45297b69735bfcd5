package notebooks

import (
	"testing"

	"github.com/neuronb/neuronb/neuro/singleneuron"
)

// The claims of issue 19 ("Generalized and Invariant Single-Neuron In-Vivo
// Activity Representation Learning", OpenReview cujJ9AXZO3) registered in
// the first cells of singleneuron_invariance.ipynb before the first full
// run. The full run's results are committed
// (results/singleneuron_invariance_full.json from
// neuro/singleneuron/cmd/invariance); the check recomputes every claim from
// its raw numbers with the registered metric, threshold and test, and
// asserts the outcome recorded in the notebook, "reproduced" or "not
// reproduced here". It then reads the notebook's reduced live run and
// asserts that, for every claim whose full-run test is significant
// (p < 0.05) and that the reduced run computes, the reduced run's mean
// difference has the same sign.
func init() {
	claims["singleneuron_invariance"] = checkSingleNeuron
}

// singleNeuronRecorded is the outcome of each registered claim on the
// committed full run, as singleneuron_invariance.ipynb records it (true:
// reproduced).
var singleNeuronRecorded = map[string]bool{
	"H1 vicreg": true, "H1 vae": true, "H1 implicit": true,
	"H2 vicreg": true, "H2 vae": true, "H2 implicit": true,
	"H3 vicreg": false, "H3 vae": false, "H3 implicit": false,
	"H4 vicreg": false, "H4 vae": false, "H4 implicit": false,
	"H5 vicreg": false, "H5 vae": false, "H5 implicit": false,
	"H6 vicreg loso": false,
	"C1":             false, "C2": true, "C3": true,
}

func singleNeuronFullClaims(t *testing.T) []singleneuron.Claim {
	t.Helper()
	st, err := singleneuron.LoadStudy("results/singleneuron_invariance_full.json")
	if err != nil {
		t.Fatal(err)
	}
	if want := 5 * len(singleneuron.RegisteredArms()); len(st.Runs) != want || len(st.Settings.Seeds) != 5 {
		t.Fatalf("full run: %d runs on %d seeds, want %d (every registered arm on 5 seeds)", len(st.Runs), len(st.Settings.Seeds), want)
	}
	cs, err := singleneuron.Claims(st)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 19 {
		t.Fatalf("%d claims, want the 19 registered (H1–H5 × 3 models, H6, C1–C3)", len(cs))
	}
	return cs
}

// TestSingleNeuronCommittedClaims checks the committed full run against
// the recorded outcomes without executing the notebook.
func TestSingleNeuronCommittedClaims(t *testing.T) {
	for _, c := range singleNeuronFullClaims(t) {
		t.Logf("%-12s A %.4g [%.4g, %.4g], B %.4g [%.4g, %.4g], A−B %+.4g [%+.4g, %+.4g], p = %.3g, holds %v",
			c.ID, c.A.Mean, c.A.Lo, c.A.Hi, c.B.Mean, c.B.Lo, c.B.Hi, c.Diff.Mean, c.Diff.Lo, c.Diff.Hi, c.P, c.Holds)
		want, ok := singleNeuronRecorded[c.ID]
		if !ok {
			t.Errorf("claim %s has no recorded outcome", c.ID)
			continue
		}
		if c.Holds != want {
			t.Errorf("claim %s (%s): holds = %v on the committed run, the notebook records %v", c.ID, c.Hypothesis, c.Holds, want)
		}
	}
}

func checkSingleNeuron(t *testing.T) {
	full := singleNeuronFullClaims(t)
	var r struct {
		Full    []singleneuron.Claim `json:"full"`
		Reduced []singleneuron.Claim `json:"reduced"`
	}
	if err := LoadResults("singleneuron_invariance", &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Full) != len(full) || len(r.Reduced) == 0 {
		t.Fatalf("the notebook saved %d full and %d reduced claims, want %d and some", len(r.Full), len(r.Reduced), len(full))
	}
	reduced := map[string]singleneuron.Claim{}
	for _, c := range r.Reduced {
		reduced[c.ID] = c
	}
	for i, c := range full {
		if r.Full[i].ID != c.ID || r.Full[i].Holds != c.Holds {
			t.Errorf("claim %s: the notebook's full-run outcome %v differs from the recomputed %v", c.ID, r.Full[i].Holds, c.Holds)
		}
		if c.Holds != singleNeuronRecorded[c.ID] {
			t.Errorf("claim %s: holds = %v, the notebook records %v", c.ID, c.Holds, singleNeuronRecorded[c.ID])
		}
		red, ok := reduced[c.ID]
		if !ok {
			continue
		}
		t.Logf("%-12s full A−B %+.4g (p = %.3g), reduced %+.4g", c.ID, c.Diff.Mean, c.P, red.Diff.Mean)
		if c.P < 0.05 && red.Sign() != c.Sign() {
			t.Errorf("claim %s: the reduced run's difference %+.4g has the opposite sign of the full run's %+.4g", c.ID, red.Diff.Mean, c.Diff.Mean)
		}
	}
}
