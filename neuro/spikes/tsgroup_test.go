package spikes

import (
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestNewTsGroupErrorsNameUnitAndIndex: unsorted or non-finite times and
// bad ids or metadata are reported with the unit id, its position and the
// index of the time at fault.
func TestNewTsGroupErrorsNameUnitAndIndex(t *testing.T) {
	cases := []struct {
		times [][]float64
		ids   []int
		meta  *Metadata
		want  string
	}{
		{[][]float64{{0, 1}, {0.5, 2, 1.5}}, []int{4, 9}, nil, "unit 9 (index 1): time[2] = 1.5 comes before time[1] = 2; times must be sorted"},
		{[][]float64{{0, math.NaN()}}, []int{3}, nil, "unit 3 (index 0): time[1] = NaN is not finite"},
		{[][]float64{{math.Inf(-1)}}, nil, nil, "unit 0 (index 0): time[0] = -Inf is not finite"},
		{[][]float64{{0}, {1}}, []int{5, 5}, nil, "units 0 and 1 have the same id 5"},
		{[][]float64{{0}, {1}}, []int{5}, nil, "1 ids for 2 units"},
		{[][]float64{{0}, {1}}, nil, &Metadata{Strings: map[string][]string{"area": {"CA1"}}}, `column "area" has 1 entries for 2 units`},
	}
	for _, c := range cases {
		_, err := NewTsGroup(c.times, c.ids, c.meta)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.times, err, c.want)
		}
	}
}

// TestTsGroupSelection: ids, lookup, Where on a string column, Select with
// metadata, and the errors for a numeric or missing column and a repeated
// index.
func TestTsGroupSelection(t *testing.T) {
	g := mustGroup(t, [][]float64{{1}, {2, 3}, {4}}, []int{10, 20, 30}, &Metadata{
		Strings: map[string][]string{"area": {"ADn", "PoSub", "ADn"}},
		Numbers: map[string][]float64{"depth": {100, 250, 120}},
	})
	adn, err := g.Where("area", "ADn")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(adn.IDs(), []int{10, 30}) || !slices.Equal(adn.Metadata().Numbers["depth"], []float64{100, 120}) {
		t.Errorf("Where: %v", adn)
	}
	if i, ok := g.Index(20); !ok || i != 1 || g.ID(2) != 30 || !slices.Equal(g.SpikeCounts(), []int{1, 2, 1}) {
		t.Errorf("Index(20) = %d, %v", i, ok)
	}
	sel, err := g.Select([]int{2, 0})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sel.IDs(), []int{30, 10}) || sel.Times(0)[0] != 4 {
		t.Errorf("Select: %v", sel)
	}
	if _, err := g.Where("depth", "100"); err == nil || !strings.Contains(err.Error(), "holds numbers") {
		t.Errorf("numeric column: %v", err)
	}
	if _, err := g.Where("layer", "5"); err == nil || !strings.Contains(err.Error(), "columns: area, depth") {
		t.Errorf("missing column: %v", err)
	}
	if _, err := g.Select([]int{1, 1}); err == nil {
		t.Error("Select accepted a repeated index")
	}
	if s := g.String(); !strings.Contains(s, "PoSub") || !strings.Contains(s, "3 units") {
		t.Errorf("String:\n%s", s)
	}
}

// TestCountEdges pins Count's edge conventions on hand-made cases (oracle:
// pynapple's count on the same input, worked out by hand): bins start at
// each interval's start; a spike on an inner edge goes to the later bin; a
// last bin sticking out past the end is kept when its centre is inside; a
// remainder under half a bin is not binned.
func TestCountEdges(t *testing.T) {
	g := mustGroup(t, [][]float64{{0, 0.1, 0.2, 0.35, 0.4, 0.45, 0.5, 0.62, 0.7, 1.0}}, nil, nil)
	// [0, 0.5] in 0.2 s bins: centres 0.1, 0.3, 0.5 (0.5 ≤ end: the third
	// bin [0.4, 0.6) is kept and counts up to 0.5).
	c, err := g.Count(0.2, mustSet(t, []float64{0}, []float64{0.5}, nil))
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "centres", c.Times(), []float64{0.1, 0.3, 0.5}, 1e-15)
	checkClose(t, "counts", c.Values(), []float64{2, 2, 3}, 0)
	// [0, 0.69] in 0.2 s bins: the fourth centre 0.7 is past the end, so
	// the remainder [0.6, 0.69] (spike 0.62) is not binned.
	c, err = g.Count(0.2, mustSet(t, []float64{0}, []float64{0.69}, nil))
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "counts without the remainder", c.Values(), []float64{2, 2, 3}, 0)
	// An interval shorter than half a bin has no bin.
	c, err = g.Count(0.2, mustSet(t, []float64{0.9}, []float64{0.95}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 0 || c.Support().Len() != 1 {
		t.Errorf("short interval: %v", c)
	}
	for _, bad := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if _, err := g.Count(bad, nil); err == nil {
			t.Errorf("Count(%v) accepted", bad)
		}
	}
	if _, err := g.Count(1e-12, mustSet(t, []float64{0}, []float64{1e6}, nil)); err == nil || !strings.Contains(err.Error(), "use wider bins") {
		t.Errorf("absurd bin count: %v", err)
	}
}

// TestCountDoesNotDependOnWorkers: the parallel binning gives the same
// counts as a one-by-one reference count (oracle: searchLeft on the exact
// edges, one bin at a time).
func TestCountDoesNotDependOnWorkers(t *testing.T) {
	rng := newRand(11)
	times := make([][]float64, 7)
	for i := range times {
		times[i] = poisson(rng, 50+20*float64(i), 0, 30)
	}
	g := mustGroup(t, times, nil, nil)
	ep := mustSet(t, []float64{0.3, 12}, []float64{11.1, 29.9}, nil)
	c, err := g.Count(0.003, ep)
	if err != nil {
		t.Fatal(err)
	}
	row := 0
	for k := 0; k < ep.Len(); k++ {
		s := ep.Start(k)
		for j := 0; ; j++ {
			if s+(float64(j)+0.5)*0.003 > ep.End(k) {
				break
			}
			lo, hi := s+float64(j)*0.003, s+float64(j+1)*0.003
			for u, tu := range times {
				in := restrictTimes(tu, ep.rows([]int{k}))
				if n := float64(searchLeft(in, hi) - searchLeft(in, lo)); c.At(row, u) != n {
					t.Fatalf("interval %d bin %d unit %d: %v, want %v", k, j, u, c.At(row, u), n)
				}
			}
			row++
		}
	}
	if row != c.Len() {
		t.Fatalf("%d bins, want %d", c.Len(), row)
	}
}

// TestTsdConstructors: the three constructors, their validation and the
// accessors (oracle: the inputs).
func TestTsdConstructors(t *testing.T) {
	f, err := NewTsdRate(10, 4, mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6}), []string{"x", "y"})
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "times", f.Times(), []float64{10, 10.25, 10.5}, 0)
	if f.At(2, 1) != 6 || !slices.Equal(f.Column(0), []float64{1, 3, 5}) || f.Cols() != 2 || f.Columns()[1] != "y" {
		t.Errorf("accessors: %v", f)
	}
	if r, c := f.Matrix().Dims(); r != 3 || c != 2 {
		t.Errorf("matrix %d×%d", r, c)
	}
	// A view with a stride is copied row by row.
	big := mat.NewDense(3, 3, []float64{1, 2, 0, 3, 4, 0, 5, 6, 0})
	v, err := NewTsdFrame([]float64{0, 1, 2}, big.Slice(0, 3, 0, 2).(*mat.Dense), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "strided view", v.Values(), []float64{1, 2, 3, 4, 5, 6}, 0)
	if !slices.Equal(v.Columns(), []string{"0", "1"}) {
		t.Errorf("default columns %v", v.Columns())
	}
	for name, err := range map[string]error{
		"length":   second(NewTsd([]float64{0, 1}, []float64{1})),
		"unsorted": second(NewTsd([]float64{0, 2, 1}, []float64{1, 2, 3})),
		"rows":     second(NewTsdFrame([]float64{0}, mat.NewDense(2, 1, nil), nil)),
		"names":    second(NewTsdFrame([]float64{0}, mat.NewDense(1, 2, nil), []string{"a"})),
		"rate":     second(NewTsdRate(0, 0, mat.NewDense(1, 1, nil), nil)),
		"start":    second(NewTsdRate(math.NaN(), 1, mat.NewDense(1, 1, nil), nil)),
		"nil":      second(NewTsdFrame(nil, nil, nil)),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := NewTsd([]float64{0, 2, 1}, []float64{1, 2, 3}); err == nil || !strings.Contains(err.Error(), "time[2] = 1 comes before time[1] = 2") {
		t.Errorf("unsorted times: %v", err)
	}
}

// TestValueFromTiesAndGaps: a time halfway between two samples takes the
// later one (pynapple); samples in another epoch are never used, so a time
// in an epoch without samples gets NaN.
func TestValueFromTiesAndGaps(t *testing.T) {
	data, err := NewTsd([]float64{0, 1, 2, 10}, []float64{100, 101, 102, 110})
	if err != nil {
		t.Fatal(err)
	}
	q, err := NewTsd([]float64{0.5, 1.5, 2.4, 6, 9}, make([]float64, 5))
	if err != nil {
		t.Fatal(err)
	}
	got, err := q.ValueFrom(data, nil, Closest)
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "closest", got.Values(), []float64{101, 102, 102, 110, 110}, 0)
	ep := mustSet(t, []float64{0, 5}, []float64{3, 8}, nil)
	got, err = q.ValueFrom(data, ep, Closest)
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "times in epochs", got.Times(), []float64{0.5, 1.5, 2.4, 6}, 0)
	checkClose(t, "values in epochs", got.Values(), []float64{101, 102, 102, math.NaN()}, 0)
}

// TestResponsesAverageOverPresentations: spikes per condition over total
// presentation time (oracle: hand count), conditions sorted by value, and
// by = "" giving one row per interval.
func TestResponsesAverageOverPresentations(t *testing.T) {
	g := mustGroup(t, [][]float64{{0.5, 1.5, 2.5, 5.5}, {4.2}}, []int{1, 2}, nil)
	ep := mustSet(t, []float64{0, 2, 4}, []float64{1, 3, 6}, &Metadata{Numbers: map[string][]float64{"contrast": {0.5, 1, 0.5}}})
	r, err := g.Responses(ep, "contrast")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Conditions, []string{"0.5", "1"}) {
		t.Errorf("conditions %v", r.Conditions)
	}
	// Condition 0.5: [0, 1] and [4, 6], 3 s: unit 1 has 2 spikes, unit 2 one.
	if !mat.EqualApprox(r.Rates, mat.NewDense(2, 2, []float64{2.0 / 3, 1.0 / 3, 1, 0}), 1e-15) {
		t.Errorf("rates %v", mat.Formatted(r.Rates))
	}
	each, err := g.Responses(ep, "")
	if err != nil {
		t.Fatal(err)
	}
	if rr, _ := each.Rates.Dims(); rr != 3 || each.Conditions[2] != "2" || each.Rates.At(2, 0) != 0.5 {
		t.Errorf("per interval: %v %v", each.Conditions, mat.Formatted(each.Rates))
	}
	if _, err := g.Responses(ep, "orientation"); err == nil || !strings.Contains(err.Error(), "columns: contrast") {
		t.Errorf("missing column: %v", err)
	}
}
