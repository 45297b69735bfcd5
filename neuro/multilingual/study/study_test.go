package study

import (
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/multilingual"
	"github.com/neuronb/neuronb/neuro/multilingual/synthetic"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// withRandomModels makes Run use random models of the shipped shape.
func withRandomModels(t *testing.T) {
	t.Helper()
	old := loadModel
	loadModel = func(seed uint64, budget int) (*transformer.Model, error) {
		return transformer.NewRandom(synthetic.Config(), seed*1000+uint64(budget))
	}
	t.Cleanup(func() { loadModel = old })
}

// TestRunEndToEndOnRandomModels runs a small study on random models: the
// rule picks the first σ with every shared set non-empty, the saved
// results load back equal, and Evaluate reads them.
func TestRunEndToEndOnRandomModels(t *testing.T) {
	withRandomModels(t)
	s := Settings{Seeds: []uint64{1, 2, 3}, Budgets: []int{10, 20}, Sigmas: []float64{1, 10, 50}, DetectTexts: 4, EvalTexts: 5, RandomSets: 2, Seed: 1,
		Released: true, CompareTexts: 1}
	r, err := Run(s)
	if err != nil {
		t.Fatal(err)
	}
	k := slicesIndex(s.Sigmas, r.Sigma)
	for _, m := range r.Models {
		if m.Neurons.Shared.Len() == 0 && k < len(s.Sigmas)-1 {
			t.Errorf("seed %d budget %d: empty shared set at the chosen σ = %g", m.Seed, m.Budget, r.Sigma)
		}
		if m.Sizes[k].Shared != m.Neurons.Shared.Len() || len(m.Effects.Random) != 2 || len(m.AbilityRandom) != 2 || m.Released == nil {
			t.Errorf("seed %d budget %d: incomplete result", m.Seed, m.Budget)
		}
		if (m.Budget == 20) != (len(m.Compare) == 1) {
			t.Errorf("seed %d budget %d: %d comparisons", m.Seed, m.Budget, len(m.Compare))
		}
	}
	for i := 0; i < k; i++ {
		empty := false
		for _, m := range r.Models {
			empty = empty || m.Sizes[i].Shared == 0
		}
		if !empty {
			t.Errorf("σ = %g already had every shared set non-empty; the rule picked %g", s.Sigmas[i], r.Sigma)
		}
	}
	path := filepath.Join(t.TempDir(), "r.json")
	if err := r.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Models[0].Neurons.Shared, r.Models[0].Neurons.Shared) || back.Sigma != r.Sigma {
		t.Error("results do not survive a save and load")
	}
	out, err := Evaluate(back)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out {
		t.Log(o)
	}
}

func slicesIndex(xs []float64, x float64) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// fake builds results with given per-(seed, budget) shared ratios and
// perplexities (oracle: the claims worked by hand).
func fake(ratio func(seed uint64, budget int) float64, shared, random float64) *Results {
	r := &Results{Settings: Settings{Seeds: []uint64{1, 2, 3, 4}, Budgets: []int{10, 30, 90}, RandomSets: 2}, Languages: []string{"a", "b"}}
	for _, seed := range r.Settings.Seeds {
		for _, b := range r.Settings.Budgets {
			k := int(math.Round(ratio(seed, b) * 10))
			sh := make([]multilingual.Unit, k)
			for i := range sh {
				sh[i] = multilingual.Unit{Component: multilingual.FFN, Index: i}
			}
			shape := multilingual.Shape{Layers: 1, Sizes: [multilingual.NumComponents]int{1, 1, 1, 1, 100}}
			set, err := multilingual.NewUnitSet(shape, sh)
			if err != nil {
				panic(err)
			}
			n := &multilingual.Neurons{Shape: shape, Languages: r.Languages, Language: []multilingual.UnitSet{setOf(shape, 10), setOf(shape, 10)}, Shared: set}
			jitter := 0.01 * float64(seed)
			e := &multilingual.Effects{Languages: r.Languages, Base: []float64{2, 2}, Shared: []float64{shared + jitter, shared + 2*jitter},
				Random: [][]float64{{random, random}, {random + jitter, random}}, SharedSize: k, Exclusive: [][]float64{{3, 2}, {2, 3}}, ExclusiveSize: []int{10 - k, 10 - k}}
			r.Models = append(r.Models, ModelResult{Seed: seed, Budget: b, Neurons: n, Effects: e})
		}
	}
	return r
}

func setOf(shape multilingual.Shape, k int) multilingual.UnitSet {
	var us []multilingual.Unit
	for i := 0; i < k; i++ {
		us = append(us, multilingual.Unit{Component: multilingual.FFN, Index: i})
	}
	s, err := multilingual.NewUnitSet(shape, us)
	if err != nil {
		panic(err)
	}
	return s
}

// TestEvaluateAppliesTheRegisteredClaims on hand-made results: a growing
// ratio and a shared set far above random hold; a flat ratio and a shared
// set below one random set do not.
func TestEvaluateAppliesTheRegisteredClaims(t *testing.T) {
	grow := func(seed uint64, b int) float64 { return 0.1*float64(b/10) + 0.1*float64(seed*seed%5)*float64(b)/90 }
	good, err := Evaluate(fake(grow, 50, 2.1))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range good {
		if !o.Holds && o.Name != "trend-agnostic-score" {
			t.Errorf("should hold: %v", o)
		}
	}
	flat := func(seed uint64, b int) float64 { return 0.3 + 0.01*float64(seed%2) }
	bad, err := Evaluate(fake(flat, 2.105, 2.1))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Outcome{}
	for _, o := range bad {
		byName[o.Name] = o
	}
	if byName["shared-vs-random"].Holds || byName["trend-shared-ratio"].Holds {
		t.Errorf("should not hold: %v", bad)
	}
	if !strings.Contains(byName["shared-vs-random"].Value, "comparisons won") {
		t.Errorf("value %q", byName["shared-vs-random"].Value)
	}
}

// TestPresentationRuns renders every table and figure of a small run on
// random models (oracle: none beyond "renders without error"; the numbers
// are the runs', tested above).
func TestPresentationRuns(t *testing.T) {
	withRandomModels(t)
	s := Settings{Seeds: []uint64{1, 2}, Budgets: []int{10, 20}, Sigmas: []float64{10, 50}, DetectTexts: 3, EvalTexts: 3, RandomSets: 2, Seed: 1, Released: true, CompareTexts: 1}
	r, err := Run(s)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range []func() error{func() error { return WriteSizes(&b, r) }, func() error { return WriteComponents(&b, r, 20) },
		func() error { return WriteEffects(&b, r, 20) }, func() error { return WriteTrend(&b, r) }, func() error { return WriteCompare(&b, r) },
		func() error { return WriteReleased(&b, r) }, func() error { return WriteShared(&b, r, 20) }} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	t.Log(b.String())
	for name, f := range map[string]func() (any, error){
		"layer": func() (any, error) { return LayerFigure(r, 20) }, "component": func() (any, error) { return ComponentFigure(r, 20) },
		"effects": func() (any, error) { return EffectsFigure(r, 20) }, "ratio": func() (any, error) { return TrendFigure(r, "ratio") },
		"score": func() (any, error) { return TrendFigure(r, "score") }, "ability": func() (any, error) { return TrendFigure(r, "ability") }} {
		if _, err := f(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
