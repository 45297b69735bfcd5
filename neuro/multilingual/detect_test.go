package multilingual

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestTopCountAndTop: hand-computed counts, and Top keeps the largest
// scores of every layer and component (oracle: a hand-made importance).
func TestTopCountAndTop(t *testing.T) {
	for _, tc := range []struct {
		sigma float64
		n     int
		want  int
	}{{1, 48, 1}, {1, 128, 2}, {1, 100, 1}, {2.5, 40, 1}, {5, 48, 3}, {10, 128, 13}, {100, 48, 48}} {
		if got := TopCount(tc.sigma, tc.n); got != tc.want {
			t.Errorf("TopCount(%g, %d) = %d, want %d", tc.sigma, tc.n, got, tc.want)
		}
	}
	imp := Importance{{Q: {0.1, 0.9, 0.5, 0.7}, K: {1, 1, 0, 0}, V: {3, 2, 1, 0}, O: {0, 0, 0, 5}, FFN: {9, 8, 7, 6, 5, 4, 3, 2}}}
	set, err := Top(imp, 50)
	if err != nil {
		t.Fatal(err)
	}
	want := UnitSet{{Q: {1, 3}, K: {0, 1}, V: {0, 1}, O: {0, 3}, FFN: {0, 1, 2, 3}}}
	if !reflect.DeepEqual(set, want) {
		t.Errorf("Top = %v, want %v", set, want)
	}
	for _, bad := range []float64{0, -1, 100.5, math.NaN()} {
		if _, err := Top(imp, bad); err == nil || !strings.Contains(err.Error(), "(0, 100]") {
			t.Errorf("σ = %g: %v", bad, err)
		}
	}
}

// TestSetAlgebraMatchesMaps checks Intersect, Minus, Union and
// RandomMatched against map-based sets (oracle: Go maps).
func TestSetAlgebraMatchesMaps(t *testing.T) {
	shape := Shape{Layers: 3, Sizes: [NumComponents]int{8, 4, 4, 8, 16}}
	rng := rand.New(rand.NewPCG(1, 1))
	draw := func() (UnitSet, map[Unit]bool) {
		m := map[Unit]bool{}
		var us []Unit
		for _, u := range allUnits(shape) {
			if rng.IntN(3) == 0 {
				m[u], us = true, append(us, u)
			}
		}
		s, err := NewUnitSet(shape, us)
		if err != nil {
			t.Fatal(err)
		}
		return s, m
	}
	for range 20 {
		a, am := draw()
		b, bm := draw()
		for name, tc := range map[string]struct {
			got  UnitSet
			keep func(u Unit) bool
		}{"intersect": {Intersect(a, b), func(u Unit) bool { return am[u] && bm[u] }},
			"minus": {Minus(a, b), func(u Unit) bool { return am[u] && !bm[u] }},
			"union": {Union(a, b), func(u Unit) bool { return am[u] || bm[u] }}} {
			n := 0
			for _, u := range allUnits(shape) {
				if tc.keep(u) {
					n++
				}
				if tc.got.Contains(u) != tc.keep(u) {
					t.Fatalf("%s: unit %v", name, u)
				}
			}
			if tc.got.Len() != n || tc.got.check(shape, name) != nil {
				t.Fatalf("%s: %d units, want %d (%v)", name, tc.got.Len(), n, tc.got.check(shape, name))
			}
		}
		r, err := RandomMatched(rng, a, shape)
		if err != nil {
			t.Fatal(err)
		}
		for l := range a {
			for c := range a[l] {
				if len(r[l][c]) != len(a[l][c]) {
					t.Fatalf("random set has %d units at layer %d %s, want %d", len(r[l][c]), l, Component(c), len(a[l][c]))
				}
			}
		}
		if err := r.check(shape, "random"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := NewUnitSet(shape, []Unit{{0, Q, 8}}); err == nil {
		t.Error("out-of-range unit accepted")
	}
	if _, err := NewUnitSet(shape, []Unit{{0, Q, 1}, {0, Q, 1}}); err == nil {
		t.Error("repeated unit accepted")
	}
}

func testLanguages(vocab int) []Language {
	var out []Language
	for i, name := range []string{"a", "b", "c"} {
		var texts [][]int
		for j := range 6 {
			texts = append(texts, randomTokens(8+j, vocab, uint64(10*i+j)))
		}
		out = append(out, Language{Name: name, Texts: texts})
	}
	return out
}

// TestDetectIntersectsPerLanguage: Detect's sets equal intersections of
// per-input top sets computed one by one (oracle: ParallelImportance, Top
// and Intersect, each tested above), shared ⊆ every language, exclusive =
// language \ shared, strict ⊆ exclusive, and nothing depends on Workers.
func TestDetectIntersectsPerLanguage(t *testing.T) {
	c := tinyConfigs()["llama-gqa"]
	m := mustModel(t, c, 17)
	langs := testLanguages(c.VocabSize)
	n, err := Detect(m, langs, &Settings{Sigma: 60, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for li, l := range langs {
		var want UnitSet
		for j, tx := range l.Texts {
			imp, err := ParallelImportance(m, tx, Deactivation)
			if err != nil {
				t.Fatal(err)
			}
			top, err := Top(imp, 60)
			if err != nil {
				t.Fatal(err)
			}
			if j == 0 {
				want = top
			} else {
				want = Intersect(want, top)
			}
		}
		if !reflect.DeepEqual(n.Language[li], want) {
			t.Errorf("language %s: %v, want %v", l.Name, n.Language[li], want)
		}
		if Minus(n.Shared, n.Language[li]).Len() != 0 || !reflect.DeepEqual(n.Exclusive[li], Minus(n.Language[li], n.Shared)) ||
			Minus(n.Strict[li], n.Exclusive[li]).Len() != 0 {
			t.Errorf("language %s: shared, exclusive and strict sets inconsistent", l.Name)
		}
	}
	t.Logf("shared %v, ratio %.3f, fraction %.4f", n.Shared, n.SharedRatio(), n.SharedFraction())
	n4, err := Detect(m, langs, &Settings{Sigma: 60, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	n4.Runtime = n.Runtime
	if !reflect.DeepEqual(n, n4) {
		t.Error("Detect depends on Workers")
	}
}

// TestDetectRejectsBadInput: every documented misuse is an error naming
// what is wrong.
func TestDetectRejectsBadInput(t *testing.T) {
	c := tinyConfigs()["gpt2"]
	m := mustModel(t, c, 18)
	langs := testLanguages(c.VocabSize)
	for _, tc := range []struct {
		langs []Language
		set   *Settings
		want  string
	}{
		{nil, nil, "no languages"},
		{[]Language{langs[0], {Name: "empty"}}, nil, `language 1 ("empty") has no inputs`},
		{[]Language{{Name: "x", Texts: [][]int{{1, 2}, {}}}}, nil, `language "x" input 1 is empty`},
		{langs, &Settings{Sigma: -1}, "Sigma = -1%"},
		{langs, &Settings{Sigma: 101}, "Sigma = 101%"},
		{langs, &Settings{Sigma: math.NaN()}, "Sigma = NaN%"},
		{langs, &Settings{Method: 7}, "unknown method 7"},
		{[]Language{{Name: "x", Texts: [][]int{{1, 9999}}}}, nil, "outside the vocabulary"},
	} {
		if _, err := Detect(m, tc.langs, tc.set); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want %q", tc.set, err, tc.want)
		}
	}
}

// TestImportanceRatioAndLanguageAgnosticScore on hand-made effects
// (oracle: Eqs. 5 and 6 by hand).
func TestImportanceRatioAndLanguageAgnosticScore(t *testing.T) {
	e := &Effects{Languages: []string{"a", "b", "c"}, Base: []float64{2, 3, 4}, Shared: []float64{12, 5, 4}, SharedSize: 10,
		Exclusive: [][]float64{{4, 3, 4}, {2, 3, 4}, {4, 4, 6}}, ExclusiveSize: []int{5, 5, 0}}
	imp := e.ImportanceRatio()
	// a: (10/10)/(2/5) = 2.5; b: ΔPPL_excl = 0, undefined; c: no exclusive units.
	if imp[0] != 2.5 || !math.IsNaN(imp[1]) || !math.IsNaN(imp[2]) {
		t.Errorf("importance ratios %v, want [2.5 NaN NaN]", imp)
	}
	if got, want := e.LanguageAgnosticScore(), math.Log(3.5); math.Abs(got-want) > 1e-15 {
		t.Errorf("score %v, want log(3.5) = %v", got, want)
	}
	e.SharedSize = 0
	if !math.IsNaN(e.LanguageAgnosticScore()) {
		t.Error("no shared units: the score is undefined")
	}
}

// TestDeactivateMeasuresEachSet: the base row is the undeactivated
// perplexity, the shared row the perplexity with Hooks(shared) (oracle:
// Perplexity, tested against a hand log-softmax), random rows differ from
// each other, and Workers change nothing.
func TestDeactivateMeasuresEachSet(t *testing.T) {
	c := tinyConfigs()["llama"]
	m := mustModel(t, c, 19)
	langs := testLanguages(c.VocabSize)
	n, err := Detect(m, langs, &Settings{Sigma: 50})
	if err != nil {
		t.Fatal(err)
	}
	if n.Shared.Len() == 0 {
		t.Fatal("no shared units to deactivate")
	}
	e, err := Deactivate(m, n, langs, &Settings{RandomSets: 3, Seed: 5, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	hooks, err := Hooks(*c, n.Shared)
	if err != nil {
		t.Fatal(err)
	}
	for li, l := range langs {
		base, err := Perplexity(m, l.Texts, nil)
		if err != nil {
			t.Fatal(err)
		}
		shared, err := Perplexity(m, l.Texts, hooks)
		if err != nil {
			t.Fatal(err)
		}
		if e.Base[li] != base || e.Shared[li] != shared {
			t.Errorf("%s: base %v shared %v, want %v %v", l.Name, e.Base[li], e.Shared[li], base, shared)
		}
	}
	if len(e.Random) != 3 || e.Random[0][0] == e.Random[1][0] {
		t.Errorf("random rows %v", e.Random)
	}
	e4, err := Deactivate(m, n, langs, &Settings{RandomSets: 3, Seed: 5, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	e4.Runtime = e.Runtime
	if !reflect.DeepEqual(e, e4) {
		t.Error("Deactivate depends on Workers")
	}
	if _, err := Deactivate(m, n, langs[:2], nil); err == nil {
		t.Error("two evaluation languages for three accepted")
	}
}

// TestDetectSweepEqualsDetectAtEachSigma (oracle: Detect at each σ).
func TestDetectSweepEqualsDetectAtEachSigma(t *testing.T) {
	c := tinyConfigs()["llama"]
	m := mustModel(t, c, 20)
	langs := testLanguages(c.VocabSize)
	sweep, err := DetectSweep(m, langs, []float64{10, 50, 80}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, sg := range []float64{10, 50, 80} {
		one, err := Detect(m, langs, &Settings{Sigma: sg})
		if err != nil {
			t.Fatal(err)
		}
		one.Runtime = sweep[k].Runtime
		if !reflect.DeepEqual(one, sweep[k]) {
			t.Errorf("σ = %g: the sweep's sets differ from Detect's", sg)
		}
	}
	if _, err := DetectSweep(m, langs, []float64{5, 0}, nil); err == nil {
		t.Error("σ = 0 accepted")
	}
}
