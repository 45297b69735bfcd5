package notebooks

import (
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/neuronb/neuronb/neuro/multilingual/study"
	"github.com/neuronb/neuronb/neuro/multilingual/synthetic"
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
// that the live reduced run (two seeds) agrees with it in direction: at
// the largest budget, the shared set's excess rise of log perplexity over
// the random sets' mean has the full run's sign for every language and
// seed, and each trend's mean change from the smallest to the largest
// budget has the full run's sign.
func checkMultilingual(t *testing.T) {
	TestMultilingualCommittedClaims(t)
	full := multilingualFull(t)
	var live study.Results
	if err := LoadResults("multilingual_shared_neurons", &live); err != nil {
		t.Fatal(err)
	}
	top := slices.Max(full.Settings.Budgets)
	for li, name := range full.Languages {
		want := math.Signbit(meanExcess(t, full, top, li, full.Settings.Seeds))
		for _, seed := range live.Settings.Seeds {
			if got := math.Signbit(meanExcess(t, &live, top, li, []uint64{seed})); got != want {
				t.Errorf("live run, seed %d, %s: shared vs random excess has the other sign than the full run's", seed, name)
			}
		}
	}
	for name, metric := range map[string]func(*study.ModelResult) float64{"shared ratio": study.SharedRatio, "agnostic score": study.AgnosticScore} {
		f, err := study.BudgetMeans(full, metric)
		if err != nil {
			t.Fatal(err)
		}
		l, err := study.BudgetMeans(&live, metric)
		if err != nil {
			t.Fatal(err)
		}
		df, dl := f[len(f)-1]-f[0], l[len(l)-1]-l[0]
		t.Logf("%s: full %v, live %v", name, f, l)
		if math.IsNaN(df) || math.IsNaN(dl) || math.Signbit(df) != math.Signbit(dl) {
			t.Errorf("%s: change from the smallest to the largest budget %.3g in the full run, %.3g live", name, df, dl)
		}
	}
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
