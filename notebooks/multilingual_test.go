package notebooks

import (
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/neuronb/neuronb/neuro/multilingual/study"
	"github.com/neuronb/neuronb/neuro/multilingual/synthetic"
	"github.com/neuronb/neuronb/neuro/replicates"
)

// The claims of multilingual_shared_neurons.ipynb (Chen et al. 2025, "The
// Emergence of Abstract Thought in Large Language Models Beyond Any
// Language", arXiv 2506.09890), registered in the notebook's first cells
// and in study.Claims before the first full run (issue 17). The full run's
// results are committed (results/multilingual_shared_neurons_full.json,
// from neuro/multilingual/cmd/sharedneurons); the check evaluates the
// registered claims on them and asserts the outcome the notebook records,
// then checks that the notebook's reduced live run agrees in direction.
func init() {
	claims["multilingual_shared_neurons"] = checkMultilingual
}

// registeredMultilingualClaims are the thresholds as registered; a change
// to study.Claims must change this too.
var registeredMultilingualClaims = struct {
	Sigmas            []float64
	Alpha, TrendAlpha float64
	MinSeeds          int
}{[]float64{1, 2, 5, 10}, 0.01, 0.05, 3}

// multilingualOutcomes records, for each registered claim, whether the
// full run reproduced it (true) or the notebook records "not reproduced
// here" (false).
var multilingualOutcomes = map[string]bool{
	"shared-vs-random":     false,
	"trend-shared-ratio":   false,
	"trend-agnostic-score": false,
}

func multilingualFull(t *testing.T) *study.Results {
	t.Helper()
	c := study.Claims
	if !slices.Equal(c.Sigmas, registeredMultilingualClaims.Sigmas) || c.Alpha != registeredMultilingualClaims.Alpha ||
		c.TrendAlpha != registeredMultilingualClaims.TrendAlpha || c.MinSeeds != registeredMultilingualClaims.MinSeeds {
		t.Fatalf("study.Claims %+v differ from the registered %+v", c, registeredMultilingualClaims)
	}
	full, err := study.Load(filepath.Join("results", "multilingual_shared_neurons_full.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := synthetic.DefaultRecipe()
	if !slices.Equal(full.Settings.Seeds, r.Seeds) || !slices.Equal(full.Settings.Budgets, r.Budgets) || full.Settings.DetectTexts != 100 ||
		full.Settings.EvalTexts != 200 || full.Settings.RandomSets != 5 || len(full.Models) != len(r.Seeds)*len(r.Budgets) {
		t.Fatalf("the full run's settings %+v are not the registered ones", full.Settings)
	}
	return full
}

// TestMultilingualCommittedClaims checks the committed full run against
// the recorded outcomes without executing the notebook.
func TestMultilingualCommittedClaims(t *testing.T) {
	outcomes, err := study.Evaluate(multilingualFull(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outcomes {
		t.Log(o)
		want, ok := multilingualOutcomes[o.Name]
		if !ok {
			t.Errorf("claim %q has no recorded outcome", o.Name)
		} else if o.Holds != want {
			t.Errorf("claim %s: %s gives %s; recorded outcome: reproduced = %v", o.Name, o.Claim, o.Value, want)
		}
	}
	if len(outcomes) != len(multilingualOutcomes) {
		t.Errorf("%d claims evaluated, %d recorded", len(outcomes), len(multilingualOutcomes))
	}
}

// checkMultilingual asserts the recorded outcomes on the full run and
// that the live reduced run (two seeds) agrees with it in direction
// wherever the full run has a direction, i.e. where the 95% t interval
// over its five seeds excludes zero: at the largest budget, a language's
// excess rise of log perplexity with the shared units off over the random
// sets' mean (every live seed must have the full run's sign), and each
// trend's change from the smallest to the largest budget (the live mean
// change must have the full run's sign). Where the full run's interval
// holds zero (no effect, as for most of this null result) the live run
// has nothing to agree with; the test logs it. At least one direction is
// checked.
func checkMultilingual(t *testing.T) {
	TestMultilingualCommittedClaims(t)
	full := multilingualFull(t)
	var live study.Results
	if err := LoadResults("multilingual_shared_neurons", &live); err != nil {
		t.Fatal(err)
	}
	top := slices.Max(full.Settings.Budgets)
	checked := 0
	for li, name := range full.Languages {
		var perSeed []float64
		for _, seed := range full.Settings.Seeds {
			perSeed = append(perSeed, meanExcess(t, full, top, li, []uint64{seed}))
		}
		s := summarize(t, perSeed)
		if s.Lo <= 0 && s.Hi >= 0 {
			t.Logf("%s: full run's shared-vs-random excess %v holds zero: no direction to check", name, s)
			continue
		}
		checked++
		for _, seed := range live.Settings.Seeds {
			if got := meanExcess(t, &live, top, li, []uint64{seed}); math.Signbit(got) != math.Signbit(s.Mean) {
				t.Errorf("live run, seed %d, %s: shared vs random excess %.3g, the full run's %v", seed, name, got, s)
			}
		}
	}
	for name, metric := range map[string]func(*study.ModelResult) float64{"shared ratio": study.SharedRatio, "agnostic score": study.AgnosticScore} {
		d := summarize(t, changes(t, full, metric))
		l, err := study.BudgetMeans(&live, metric)
		if err != nil {
			t.Fatal(err)
		}
		dl := l[len(l)-1] - l[0]
		t.Logf("%s: change from the smallest to the largest budget, full %v, live %.3g", name, d, dl)
		if d.N < 2 || (d.Lo <= 0 && d.Hi >= 0) {
			continue
		}
		checked++
		if math.IsNaN(dl) || math.Signbit(d.Mean) != math.Signbit(dl) {
			t.Errorf("%s: change from the smallest to the largest budget %v in the full run, %.3g live", name, d, dl)
		}
	}
	if checked == 0 {
		t.Error("the full run has no direction the live run could be checked against")
	}
}

// changes returns, per seed of r, a metric's change from the smallest to
// the largest budget (seeds where it is undefined at either end left out).
func changes(t *testing.T, r *study.Results, metric func(*study.ModelResult) float64) []float64 {
	t.Helper()
	lo, hi := slices.Min(r.Settings.Budgets), slices.Max(r.Settings.Budgets)
	var out []float64
	for _, seed := range r.Settings.Seeds {
		a, err := r.Model(seed, lo)
		if err != nil {
			t.Fatal(err)
		}
		b, err := r.Model(seed, hi)
		if err != nil {
			t.Fatal(err)
		}
		if d := metric(b) - metric(a); !math.IsNaN(d) {
			out = append(out, d)
		}
	}
	return out
}

func summarize(t *testing.T, xs []float64) replicates.Summary {
	t.Helper()
	s, err := replicates.Summarize(xs)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// meanExcess is the mean over seeds of log(PPL_shared/PPL_base) minus the
// random sets' mean log rise, for one language at one budget.
func meanExcess(t *testing.T, r *study.Results, budget, li int, seeds []uint64) float64 {
	t.Helper()
	s := 0.0
	for _, seed := range seeds {
		m, err := r.Model(seed, budget)
		if err != nil {
			t.Fatal(err)
		}
		e := m.Effects
		x := math.Log(e.Shared[li] / e.Base[li])
		for _, row := range e.Random {
			x -= math.Log(row[li]/e.Base[li]) / float64(len(e.Random))
		}
		s += x / float64(len(seeds))
	}
	return s
}
