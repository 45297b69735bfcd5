package notebooks

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/replicates"
)

// The claims of issue 16 (Deng et al. 2025, "HetSyn: Versatile Timescale
// Integration in Spiking Neural Networks via Heterogeneous Synapses")
// checked by hetsyn_timescales.ipynb. The full runs are too long for CI:
// cmd/hetsyn-experiments wrote results/hetsyn_timescales_full.json (with
// its protocol and source revision) and it is committed; this check reads
// the raw per-seed numbers there and decides every registered claim itself,
// then checks that the notebook recorded the same verdicts and that its
// reduced live run points the same way as the full one.
func init() {
	claims["hetsyn_timescales"] = checkHetSynTimescales
}

// hetsynClaim is a registered claim, restated here independently of
// snn.RegisteredClaims (the notebook's first cells register them; this
// table must agree with them, see below).
type hetsynClaim struct {
	id            string
	metric        func(r *hetsynFull, model string) ([]float64, error)
	better, worse string
	lowerBetter   bool
	margin        float64 // absolute, or a fraction of worse's mean when relative
	relative      bool
	nonInferior   bool
}

// hetsynRecorded is the outcome recorded for each claim after the full
// run (results/hetsyn_timescales_full.json, revision 6d3dec3): true where
// it held. D2 and D4 were not reproduced: at a 2 s delay LIF (0.91) and
// ALIF (0.98) beat HetSyn (0.68), and under time stretching HetSyn is 1.9
// points below LIF. A change that flips any outcome fails the test.
var hetsynRecorded = map[string]bool{
	"P1": true, "P2a": true, "P2b": true, "P3": true,
	"D1": true, "D2": false, "D3": true, "D4": false,
}

// hetsynFull is the part of results/hetsyn_timescales_full.json the claims
// need.
type hetsynFull struct {
	Revision string   `json:"revision"`
	Seeds    []uint64 `json:"seeds"`
	Models   []string `json:"models"`
	Pattern  struct {
		Protocol struct {
			Iterations int       `json:"iterations"`
			Neurons    int       `json:"neurons"`
			NoiseAdd   []float64 `json:"noise_add"`
		} `json:"protocol"`
		Runs []struct {
			Model    string    `json:"model"`
			Seed     uint64    `json:"seed"`
			NMSE     float64   `json:"nmse"`
			NoiseAdd []float64 `json:"nmse_noise_add"`
		} `json:"runs"`
	} `json:"pattern"`
	DMS struct {
		Protocol struct {
			Iterations int       `json:"iterations"`
			Neurons    int       `json:"neurons"`
			TrainDelay float64   `json:"train_delay_s"`
			TestDelays []float64 `json:"test_delays_s"`
			NoiseAdd   []float64 `json:"noise_add"`
			Stretch    []float64 `json:"stretch"`
		} `json:"protocol"`
		Runs []struct {
			Model    string    `json:"model"`
			Seed     uint64    `json:"seed"`
			Accuracy []float64 `json:"accuracy_by_delay"`
			NoiseAdd []float64 `json:"accuracy_noise_add"`
			Stretch  []float64 `json:"accuracy_stretch"`
		} `json:"runs"`
	} `json:"dms"`
}

func indexOf(xs []float64, v float64) (int, error) {
	for i, x := range xs {
		if math.Abs(x-v) < 1e-12 {
			return i, nil
		}
	}
	return 0, fmt.Errorf("level %v not among %v", v, xs)
}

// perSeed returns get(run) of model for every seed, in the order of seeds.
func hetsynPattern(r *hetsynFull, model string, get func(nmse float64, noise []float64) float64) ([]float64, error) {
	var out []float64
	for _, s := range r.Seeds {
		found := false
		for _, run := range r.Pattern.Runs {
			if run.Model == model && run.Seed == s {
				out, found = append(out, get(run.NMSE, run.NoiseAdd)), true
			}
		}
		if !found {
			return nil, fmt.Errorf("no pattern run of %s, seed %d", model, s)
		}
	}
	return out, nil
}

func hetsynDMS(r *hetsynFull, model string, get func(acc, noise, stretch []float64) float64) ([]float64, error) {
	var out []float64
	for _, s := range r.Seeds {
		found := false
		for _, run := range r.DMS.Runs {
			if run.Model == model && run.Seed == s {
				out, found = append(out, get(run.Accuracy, run.NoiseAdd, run.Stretch)), true
			}
		}
		if !found {
			return nil, fmt.Errorf("no DMS run of %s, seed %d", model, s)
		}
	}
	return out, nil
}

func hetsynClaims() []hetsynClaim {
	nmse := func(r *hetsynFull, m string) ([]float64, error) {
		return hetsynPattern(r, m, func(v float64, _ []float64) float64 { return v })
	}
	nmseNoise := func(r *hetsynFull, m string) ([]float64, error) {
		k, err := indexOf(r.Pattern.Protocol.NoiseAdd, 0.01)
		if err != nil {
			return nil, err
		}
		return hetsynPattern(r, m, func(_ float64, n []float64) float64 { return n[k] })
	}
	accDelay := func(d float64) func(r *hetsynFull, m string) ([]float64, error) {
		return func(r *hetsynFull, m string) ([]float64, error) {
			k, err := indexOf(r.DMS.Protocol.TestDelays, d)
			if err != nil {
				return nil, err
			}
			return hetsynDMS(r, m, func(a, _, _ []float64) float64 { return a[k] })
		}
	}
	accNoise := func(r *hetsynFull, m string) ([]float64, error) {
		k, err := indexOf(r.DMS.Protocol.NoiseAdd, 0.1)
		if err != nil {
			return nil, err
		}
		return hetsynDMS(r, m, func(_, n, _ []float64) float64 { return n[k] })
	}
	accStretch := func(r *hetsynFull, m string) ([]float64, error) {
		return hetsynDMS(r, m, func(_, _, s []float64) float64 {
			var sum float64
			for _, v := range s {
				sum += v
			}
			return sum / float64(len(s))
		})
	}
	return []hetsynClaim{
		{id: "P1", metric: nmse, better: "HetSyn", worse: "LIF", lowerBetter: true, margin: 0.2, relative: true},
		{id: "P2a", metric: nmse, better: "HetSyn", worse: "ALIF", lowerBetter: true},
		{id: "P2b", metric: nmse, better: "HetSyn", worse: "HetNeuron", lowerBetter: true},
		{id: "P3", metric: nmseNoise, better: "HetSyn", worse: "LIF", lowerBetter: true},
		{id: "D1", metric: accDelay(0.5), better: "HetSyn", worse: "LIF", margin: -0.02, nonInferior: true},
		{id: "D2", metric: accDelay(2), better: "HetSyn", worse: "LIF", margin: 0.05},
		{id: "D3", metric: accNoise, better: "HetSyn", worse: "LIF", margin: 0.05},
		{id: "D4", metric: accStretch, better: "HetSyn", worse: "LIF", margin: 0.05},
	}
}

// hetsynDecide applies a claim's registered test: paired by seed, the
// improvement d (worse − better for errors, better − worse for
// accuracies) must have mean ≥ margin and a one-sided t test p < 0.05; a
// non-inferiority claim needs the 95% t interval of d above the margin.
func hetsynDecide(t *testing.T, c hetsynClaim, r *hetsynFull) bool {
	t.Helper()
	b, err := c.metric(r, c.better)
	if err != nil {
		t.Fatal(err)
	}
	w, err := c.metric(r, c.worse)
	if err != nil {
		t.Fatal(err)
	}
	d := make([]float64, len(b))
	var wm float64
	for i := range d {
		d[i] = b[i] - w[i]
		if c.lowerBetter {
			d[i] = -d[i]
		}
		wm += w[i] / float64(len(w))
	}
	need := c.margin
	if c.relative {
		need *= math.Abs(wm)
	}
	s, err := replicates.Summarize(d)
	if err != nil {
		t.Fatal(err)
	}
	if c.nonInferior {
		t.Logf("%s: %s − %s = %.4f, 95%% CI [%.4f, %.4f]; non-inferiority needs the interval above %.3f", c.id, c.better, c.worse, s.Mean, s.Lo, s.Hi, need)
		return s.Lo > need
	}
	p := 0.5
	if s.SD > 0 {
		tt, err := replicates.OneSampleT(d, 0, replicates.Greater)
		if err != nil {
			t.Fatal(err)
		}
		p = tt.P
	} else if s.Mean > 0 {
		p = 0
	}
	t.Logf("%s: improvement of %s over %s = %.4g, 95%% CI [%.4g, %.4g], required %.4g, one-sided p = %.3g", c.id, c.better, c.worse, s.Mean, s.Lo, s.Hi, need, p)
	return s.Mean >= need && s.Mean > 0 && p < 0.05
}

// hetsynNotebook is the part of the notebook's own results the check reads.
type hetsynNotebook struct {
	Verdicts []struct {
		ID    string `json:"id"`
		Holds bool   `json:"holds"`
	} `json:"verdicts"`
	// Reduced holds the live run's numbers and the full run's means for
	// the same comparisons.
	Reduced struct {
		PatternNMSE map[string]float64 `json:"pattern_nmse"`
		FullNMSE    map[string]float64 `json:"full_pattern_nmse"`
		DMSAccuracy map[string]float64 `json:"dms_accuracy_noise"`
		FullDMS     map[string]float64 `json:"full_dms_accuracy_noise"`
	} `json:"reduced"`
}

// checkHetSynTimescales asserts, from the committed full results (≥ 5
// seeds, the four arms, the registered protocol, a clean revision), every
// registered claim's recorded outcome; that the notebook's verdicts agree;
// and that the reduced live run orders LIF and HetSyn as the full run does
// on pattern generation and on noisy DMS.
func checkHetSynTimescales(t *testing.T) {
	data, err := os.ReadFile("results/hetsyn_timescales_full.json")
	if err != nil {
		t.Fatal(err)
	}
	var full hetsynFull
	if err := json.Unmarshal(data, &full); err != nil {
		t.Fatal(err)
	}
	if len(full.Seeds) < 5 || len(full.Models) != 4 {
		t.Fatalf("full results have %d seeds and models %v, want ≥ 5 seeds and the four arms", len(full.Seeds), full.Models)
	}
	if full.Revision == "" || strings.HasSuffix(full.Revision, "+dirty") {
		t.Errorf("full results come from revision %q, want a committed one", full.Revision)
	}
	if p, d := full.Pattern.Protocol, full.DMS.Protocol; p.Iterations != 1000 || p.Neurons != 100 || d.Iterations != 800 || d.Neurons != 64 || d.TrainDelay != 0.5 {
		t.Errorf("protocols differ from the registered ones: pattern %+v, DMS %+v", p, d)
	}
	decided := map[string]bool{}
	for _, c := range hetsynClaims() {
		decided[c.id] = hetsynDecide(t, c, &full)
		if decided[c.id] != hetsynRecorded[c.id] {
			t.Errorf("claim %s: the full results give holds = %v, the recorded outcome is %v", c.id, decided[c.id], hetsynRecorded[c.id])
		}
	}
	var nb hetsynNotebook
	if err := LoadResults("hetsyn_timescales", &nb); err != nil {
		t.Fatal(err)
	}
	if len(nb.Verdicts) != len(decided) {
		t.Fatalf("the notebook recorded %d verdicts, want %d", len(nb.Verdicts), len(decided))
	}
	for _, v := range nb.Verdicts {
		if got, ok := decided[v.ID]; !ok || got != v.Holds {
			t.Errorf("the notebook's verdict on %s (holds = %v) differs from this check's (%v)", v.ID, v.Holds, got)
		}
	}
	red := nb.Reduced
	for _, c := range []struct {
		what          string
		live, full    map[string]float64
		lowerIsBetter bool
		better, worse string
	}{{"pattern-generation NMSE", red.PatternNMSE, red.FullNMSE, true, "HetSyn", "LIF"},
		{"DMS accuracy with input noise", red.DMSAccuracy, red.FullDMS, false, "HetSyn", "LIF"}} {
		dl, df := c.live[c.better]-c.live[c.worse], c.full[c.better]-c.full[c.worse]
		t.Logf("%s: %s − %s = %+.4f live (reduced), %+.4f in the full run (mean)", c.what, c.better, c.worse, dl, df)
		if len(c.live) < 2 || len(c.full) < 2 || dl*df <= 0 {
			t.Errorf("%s: the reduced run (%+.4f) does not point the way the full run does (%+.4f)", c.what, dl, df)
		}
	}
}
