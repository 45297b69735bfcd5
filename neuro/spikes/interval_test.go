package spikes

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// TestNewIntervalSetNormalises: unsorted input is sorted (metadata rows
// follow), overlapping intervals merge, zero-length ones are dropped and
// touching ones stay apart, as pynapple does (oracle: hand-computed normal
// forms).
func TestNewIntervalSetNormalises(t *testing.T) {
	s := mustSet(t, []float64{5, 0, 2, 9, 9, 12}, []float64{6, 3, 4, 9, 12, 13}, nil)
	checkClose(t, "starts", s.Starts(), []float64{0, 5, 9, 12}, 0)
	checkClose(t, "ends", s.Ends(), []float64{4, 6, 12, 13}, 0)
	m := mustSet(t, []float64{20, 0, 10}, []float64{25, 5, 15}, &Metadata{Strings: map[string][]string{"c": {"x", "y", "z"}}, Numbers: map[string][]float64{"n": {2, 0, 1}}})
	if got := m.Metadata(); !slices.Equal(got.Strings["c"], []string{"y", "z", "x"}) || !slices.Equal(got.Numbers["n"], []float64{0, 1, 2}) {
		t.Errorf("metadata did not follow its intervals: %v", got)
	}
	if s.TotalLength() != 4+1+3+1 || m.Duration(2) != 5 {
		t.Errorf("lengths %v %v", s.TotalLength(), m.Duration(2))
	}
	if c := m.Centres(); !slices.Equal(c, []float64{2.5, 12.5, 22.5}) {
		t.Errorf("centres %v", c)
	}
}

// TestIntervalSetErrorsNameTheIndex: each kind of bad input is reported
// with the argument and index at fault.
func TestIntervalSetErrorsNameTheIndex(t *testing.T) {
	cases := []struct {
		start, end []float64
		meta       *Metadata
		want       string
	}{
		{[]float64{0, 1}, []float64{1}, nil, "2 starts but 1 ends"},
		{[]float64{0, math.NaN()}, []float64{1, 2}, nil, "start[1] = NaN is not finite"},
		{[]float64{0, 1}, []float64{1, math.Inf(1)}, nil, "end[1] = +Inf is not finite"},
		{[]float64{0, 3}, []float64{1, 2}, nil, "interval 1 ends at 2 before it starts at 3"},
		{[]float64{0, 1}, []float64{2, 3}, &Metadata{Strings: map[string][]string{"c": {"a", "b"}}}, "intervals 0 [0, 2] and 1 [1, 3] overlap"},
		{[]float64{0}, []float64{1}, &Metadata{Numbers: map[string][]float64{"n": {1, 2}}}, `column "n" has 2 entries for 1 intervals`},
		{[]float64{0}, []float64{1}, &Metadata{Numbers: map[string][]float64{"n": {1}}, Strings: map[string][]string{"n": {"a"}}}, `"n" is both a number and a string column`},
	}
	for _, c := range cases {
		_, err := NewIntervalSet(c.start, c.end, c.meta)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: error %v, want %q", c.start, c.end, err, c.want)
		}
	}
	s := mustSet(t, []float64{0}, []float64{1}, nil)
	for name, err := range map[string]error{
		"complement": second(s.Complement(2, 1)),
		"merge":      second(s.MergeClose(-1)),
		"split":      second(s.Split(0)),
		"drop":       second(s.DropShort(math.NaN())),
		"select":     second(s.Select([]int{1})),
		"where":      second(s.Where("absent", "x")),
	} {
		if err == nil {
			t.Errorf("%s accepted bad input", name)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// TestTouchingIntervalsShareNoTime: with back-to-back intervals the shared
// time belongs to the later one only, so restricting to the set and
// counting per interval see every spike once; the end of the last interval
// is included (closed intervals, as pynapple's restrict).
func TestTouchingIntervalsShareNoTime(t *testing.T) {
	ep := mustSet(t, []float64{0, 1, 2}, []float64{1, 2, 3}, nil)
	g := mustGroup(t, [][]float64{{0, 0.5, 1, 1, 2, 2.5, 3, 3.5}}, nil, nil)
	checkClose(t, "restrict", g.Restrict(ep).Times(0), []float64{0, 0.5, 1, 1, 2, 2.5, 3}, 0)
	checkClose(t, "per interval", g.CountIn(ep).Values(), []float64{2, 2, 3}, 0)
	for _, c := range []struct {
		t    float64
		want int
	}{{0, 0}, {1, 1}, {2, 2}, {3, 2}, {3.1, -1}, {-0.1, -1}, {0.999, 0}} {
		if got := ep.Find(c.t); got != c.want {
			t.Errorf("Find(%v) = %d, want %d", c.t, got, c.want)
		}
	}
	joined, err := ep.MergeClose(0)
	if err != nil {
		t.Fatal(err)
	}
	if joined.Len() != 1 || joined.End(0) != 3 {
		t.Errorf("MergeClose(0) gave %v", joined)
	}
}

// TestIntervalAlgebraIdentities checks set identities on random sets
// (oracle: the identities, evaluated by total length and membership):
// A = (A∩B) ∪ (A∖B) with the two parts disjoint, |A∪B| = |A| + |B| − |A∩B|,
// and the complement within a span partitions the span.
func TestIntervalAlgebraIdentities(t *testing.T) {
	rng := newRand(7)
	for trial := 0; trial < 50; trial++ {
		as, ae := randomIntervals(rng, 1+trial%7, 0, 10)
		bs, be := randomIntervals(rng, 1+trial%5, 0, 10)
		a := mustSet(t, as, ae, nil)
		b := mustSet(t, bs, be, nil)
		in, diff, un := a.Intersect(b), a.Difference(b), a.Union(b)
		if d := in.TotalLength() + diff.TotalLength() - a.TotalLength(); math.Abs(d) > 1e-12 {
			t.Fatalf("trial %d: |A∩B| + |A∖B| − |A| = %g", trial, d)
		}
		if d := un.TotalLength() - (a.TotalLength() + b.TotalLength() - in.TotalLength()); math.Abs(d) > 1e-12 {
			t.Fatalf("trial %d: inclusion–exclusion off by %g", trial, d)
		}
		if in.Intersect(diff).TotalLength() != 0 {
			t.Fatalf("trial %d: A∩B and A∖B overlap", trial)
		}
		comp, err := a.Complement(-1, 11)
		if err != nil {
			t.Fatal(err)
		}
		if d := comp.TotalLength() + a.TotalLength() - 12; math.Abs(d) > 1e-12 || comp.Intersect(a).TotalLength() != 0 {
			t.Fatalf("trial %d: complement does not partition the span (%g)", trial, d)
		}
		for k := 0; k < 20; k++ {
			x := -0.5 + 11*rng.Float64()
			inA, inB := a.Find(x) >= 0, b.Find(x) >= 0
			if (un.Find(x) >= 0) != (inA || inB) || (in.Find(x) >= 0) != (inA && inB) || (diff.Find(x) >= 0) != (inA && !inB) {
				t.Fatalf("trial %d: membership of %v wrong", trial, x)
			}
		}
	}
}

// TestIntervalSelectionKeepsMetadata: Where, Select, Intersect, Difference
// and Split keep each piece's metadata row; Union drops it.
func TestIntervalSelectionKeepsMetadata(t *testing.T) {
	trials := mustSet(t, []float64{0, 10, 20}, []float64{5, 15, 25}, &Metadata{Strings: map[string][]string{"stim": {"a", "b", "a"}}})
	a, err := trials.Where("stim", "a")
	if err != nil {
		t.Fatal(err)
	}
	if a.Len() != 2 || a.Start(1) != 20 {
		t.Errorf("Where: %v", a)
	}
	cut := trials.Difference(mustSet(t, []float64{2, 12}, []float64{3, 22}, nil))
	if got := cut.Metadata().Strings["stim"]; !slices.Equal(got, []string{"a", "a", "b", "a"}) {
		t.Errorf("Difference metadata %v (%v)", got, cut)
	}
	sp, err := trials.Split(2)
	if err != nil {
		t.Fatal(err)
	}
	if sp.Len() != 6 || !slices.Equal(sp.Metadata().Strings["stim"], []string{"a", "a", "b", "b", "a", "a"}) {
		t.Errorf("Split: %v", sp)
	}
	if u := trials.Union(trials); !u.meta.empty() {
		t.Error("Union kept metadata")
	}
	if !strings.Contains(trials.String(), "stim") {
		t.Errorf("String lacks the metadata column:\n%v", trials)
	}
}
