package notebooks

import (
	"testing"

	"github.com/neuronb/neuronb/neuro/plasticity"
)

// The claims of issue 15 (Liu et al. 2025, "Measure gradients, not
// activations!", arXiv 2505.24061) registered in the first cells of
// grama_dormant_neurons.ipynb before the first full run. The full runs'
// results are committed (results/grama_nonstationary_full.json from
// neuro/plasticity/cmd/nonstationary, results/grama_sac_full.json from
// cmd/sacpendulum); the check recomputes every claim from their raw
// numbers with the registered metric, threshold and test, and asserts the
// outcome recorded in the notebook, "reproduced" or "not reproduced here".
// It then reads the notebook's reduced live run and asserts that, for
// every claim whose full-run test is significant (p < 0.05), the reduced
// run's mean difference has the same sign.
func init() {
	claims["grama_dormant_neurons"] = checkGraMa
}

// gramaRecorded is the outcome of each registered claim on the committed
// full runs, as grama_dormant_neurons.ipynb records it (true: reproduced).
var gramaRecorded = map[string]bool{
	"H1a": false, "H1b": false, "H1c": true,
	"H2 relu-mlp vs none": true, "H2 relu-mlp vs ReDo": false,
	"H2 ln-residual vs none": false, "H2 ln-residual vs ReDo": false,
	"H2 tanh-mlp vs none": false, "H2 tanh-mlp vs ReDo": false,
	"H3": false, "H4 vs none": false, "H4 vs ReDo": false,
}

func gramaFullClaims(t *testing.T) []plasticity.Claim {
	t.Helper()
	reg, err := plasticity.LoadRegressionStudy("results/grama_nonstationary_full.json")
	if err != nil {
		t.Fatal(err)
	}
	sac, err := plasticity.LoadSACStudy("results/grama_sac_full.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.Runs) != 45 || len(sac.Runs) != 15 {
		t.Fatalf("full runs: %d regression runs (want 3 students × 3 arms × 5 seeds) and %d SAC runs (want 3 arms × 5 seeds)", len(reg.Runs), len(sac.Runs))
	}
	rc, err := plasticity.RegressionClaims(reg)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := plasticity.SACClaims(sac)
	if err != nil {
		t.Fatal(err)
	}
	return append(rc, sc...)
}

// TestGraMaCommittedClaims checks the committed full runs against the
// recorded outcomes without executing the notebook.
func TestGraMaCommittedClaims(t *testing.T) {
	for _, c := range gramaFullClaims(t) {
		t.Logf("%-22s A %.4g [%.4g, %.4g], B %.4g [%.4g, %.4g], A−B %+.4g [%+.4g, %+.4g], p = %.3g, holds %v",
			c.ID, c.A.Mean, c.A.Lo, c.A.Hi, c.B.Mean, c.B.Lo, c.B.Hi, c.Diff.Mean, c.Diff.Lo, c.Diff.Hi, c.P, c.Holds)
		want, ok := gramaRecorded[c.ID]
		if !ok {
			t.Errorf("claim %s has no recorded outcome", c.ID)
			continue
		}
		if c.Holds != want {
			t.Errorf("claim %s (%s): holds = %v on the committed runs, the notebook records %v", c.ID, c.Hypothesis, c.Holds, want)
		}
	}
}

func checkGraMa(t *testing.T) {
	full := gramaFullClaims(t)
	var r struct {
		Full    []plasticity.Claim `json:"full"`
		Reduced []plasticity.Claim `json:"reduced"`
	}
	if err := LoadResults("grama_dormant_neurons", &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Reduced) != len(full) || len(r.Full) != len(full) {
		t.Fatalf("the notebook saved %d full and %d reduced claims, want %d", len(r.Full), len(r.Reduced), len(full))
	}
	for i, c := range full {
		if r.Full[i].ID != c.ID || r.Full[i].Holds != c.Holds {
			t.Errorf("claim %s: the notebook's full-run outcome %v differs from the recomputed %v", c.ID, r.Full[i].Holds, c.Holds)
		}
		if c.Holds != gramaRecorded[c.ID] {
			t.Errorf("claim %s: holds = %v, the notebook records %v", c.ID, c.Holds, gramaRecorded[c.ID])
		}
		red := r.Reduced[i]
		t.Logf("%-22s full A−B %+.4g (p = %.3g), reduced %+.4g", c.ID, c.Diff.Mean, c.P, red.Diff.Mean)
		if c.P < 0.05 && red.Sign() != c.Sign() {
			t.Errorf("claim %s: the reduced run's difference %+.4g has the opposite sign of the full run's %+.4g", c.ID, red.Diff.Mean, c.Diff.Mean)
		}
	}
}
