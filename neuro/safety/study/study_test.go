package study_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/replicates"
	"github.com/neuronb/neuronb/neuro/safety/study"
)

// made builds results by hand: an (IA)³ curve whose top 5% gives C = top
// and random controls rs at every fraction, a full curve, a safeguard.
func made(top float64, rs []float64, guard float64) *study.Results {
	point := func(f float64) study.Point {
		p := study.Point{Fraction: f, K: int(f * 576), C: top, CLow: top - 0.05, CHigh: top, CGraded: top, OverRefusal: 0.01}
		for i, r := range rs {
			p.RandomC = append(p.RandomC, r)
			p.RandomCGraded = append(p.RandomCGraded, r+0.01*float64(i))
			p.RandomOverlap, p.RandomScoreShare = append(p.RandomOverlap, i%2), append(p.RandomScoreShare, 0.1)
		}
		return p
	}
	curve := func(name string) *study.Curve {
		c := &study.Curve{Variant: name, Prompts: 4, F1: 1, F2: -1, CAll: 1, IdenticalAll: 4, Ablations: map[string]float64{}}
		for _, f := range []float64{0.01, 0.05, 0.2} {
			c.Points = append(c.Points, point(f))
		}
		return c
	}
	return &study.Results{Settings: study.Reduced(), Variants: map[string]*study.Curve{"ia3": curve("ia3"), "full": curve("full")},
		Guard: &study.Guard{K: 29, Accuracy: guard, Random: []float64{0.8, 0.82, 0.78}, Majority: 0.75}}
}

// Oracle: the registered thresholds applied by hand to hand-made numbers.
func TestEvaluateAppliesTheRegisteredThresholds(t *testing.T) {
	good, err := study.Evaluate(made(0.95, []float64{0, 0.1, 0.05}, 0.9))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range good {
		if !o.Holds {
			t.Errorf("%v should hold", o)
		}
	}
	bad, err := study.Evaluate(made(0.85, []float64{0.3, 0.4, 0.2}, 0.84))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"exact-zero": true, "exact-all": true, "top5-c": false, "random-small-k": false, "top5-vs-random-t": true, "over-refusal": true, "safeguard": false}
	for _, o := range bad {
		if o.Holds != want[o.Name] {
			t.Errorf("%v: holds %v, want %v", o, o.Holds, want[o.Name])
		}
	}
	if !strings.Contains(bad[2].String(), "NOT reproduced") {
		t.Errorf("an outcome that does not hold prints %q", bad[2])
	}
}

// Oracle: neuro/replicates on the same values.
func TestPointSummariesAreReplicates(t *testing.T) {
	p := made(0.95, []float64{0, 0.1, 0.05}, 0.9).Variants["ia3"].Points[1]
	s, err := p.Random(false)
	if err != nil || math.Abs(s.Mean-0.05) > 1e-15 || s.N != 3 {
		t.Errorf("summary %+v, %v", s, err)
	}
	want, err := replicates.OneSampleT([]float64{0, 0.11, 0.07}, 0.95, replicates.Less)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.TopVsRandom(true)
	if err != nil || math.Abs(got.T-want.T) > 1e-12 {
		t.Errorf("t test %+v, want %+v (%v)", got, want, err)
	}
	x, series, err := study.ErrorBarSeries(made(0.95, []float64{0, 0.1, 0.05}, 0.9).Variants["ia3"], false)
	if err != nil || len(x) != 3 || x[1] != 5 || len(series) != 2 || series[0][1].Mean != 0.95 || series[1][1].N != 3 {
		t.Errorf("ErrorBarSeries: %v %v %v", x, series, err)
	}
}

func TestResultsRoundTripAndTables(t *testing.T) {
	r := made(0.95, []float64{0, 0.1, 0.05}, 0.9)
	r.Sweep = map[string]*study.Curve{"0.1": r.Variants["ia3"], "0.003": r.Variants["full"]}
	path := filepath.Join(t.TempDir(), "r.json")
	if err := r.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := study.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, err := range []error{study.WriteTable(&b, back.Variants["ia3"]), study.WriteOverlap(&b, back.Variants["ia3"]),
		study.WriteSweep(&b, back), study.WriteGuard(&b, back.Guard)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"5% (28)", "0.950 [0.90, 0.95]", "0.050 (", "lr 0.003", "test accuracy 0.900", "0.00/0.00/0/0.10"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("tables lack %q:\n%s", want, b.String())
		}
	}
	if strings.Index(b.String(), "lr 0.003") > strings.Index(b.String(), "lr 0.1 ") {
		t.Error("the sweep is not in increasing learning rate")
	}
	if _, err := study.Load(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("a missing file should be an error")
	}
}

// The registered claims evaluated on hand-made results.
func ExampleEvaluate() {
	r := &study.Results{Variants: map[string]*study.Curve{
		"ia3": {Variant: "ia3", Prompts: 2, CAll: 1, IdenticalAll: 2, Points: []study.Point{{Fraction: 0.05, K: 29, C: 0.97, CLow: 0.95, CHigh: 0.99,
			CGraded: 0.9, RandomC: []float64{0, 0.1}, RandomCGraded: []float64{0.1, 0.2}}}},
		"full": {Variant: "full"}}}
	outcomes, err := study.Evaluate(r)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range outcomes[2:4] {
		fmt.Println(o.Name, o.Value, o.Holds)
	}
	// Output:
	// top5-c C = 0.970 [0.950, 0.990] true
	// random-small-k largest mean 0.050 true
}

// Oracle: counting by hand on a hand-made reanalysis.
func TestWritePreviousCountsControlsWithTheTopNeuron(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.json")
	data := `{"commit": "abc", "top6": ["L2.47", "L2.97"], "alone": {"top 1 alone": 0.3},
	  "controls": [{"percent": 10, "seed": 1, "c": 0.5, "top6_contained": ["L2.47"]},
	               {"percent": 10, "seed": 2, "c": 0, "top6_contained": ["L2.97"]},
	               {"percent": 20, "seed": 1, "c": 0, "top6_contained": []}]}`
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := study.LoadPrevious(path)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := study.WritePrevious(&b, p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "containing L2.47: 1, of which 1 with C > 0; without it: 2, of which 0 with C > 0") {
		t.Errorf("WritePrevious:\n%s", b.String())
	}
}
