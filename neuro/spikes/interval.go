package spikes

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// IntervalSet is a set of time intervals (epochs: trials, stimulus
// presentations, sleep and wake), pynapple's IntervalSet: interval i is
// [Start(i), End(i)] in seconds, with
//
//	Start(0) < End(0) ≤ Start(1) < End(1) ≤ … ≤ Start(n−1) < End(n−1),
//
// so the intervals are sorted, of positive length and do not overlap.
// Intervals are closed, as in pynapple's restrict, with one exception that
// keeps every time in at most one interval: when an interval ends exactly
// where the next one starts (back-to-back trials), the shared time belongs
// to the later interval only. (pynapple instead moves the earlier end one
// microsecond back, so a spike in that microsecond belongs to neither.)
//
// An IntervalSet can carry Metadata, one row per interval (a trial's
// condition). It is immutable: operations return new sets.
type IntervalSet struct {
	start, end []float64
	meta       Metadata
}

// NewIntervalSet returns the intervals [start[i], end[i]] in normal form:
// sorted by start, with zero-length intervals (start[i] = end[i]) dropped
// and overlapping intervals merged into one, as pynapple does. Intervals
// that only touch (end[i] = start[j]) stay separate. Every time must be
// finite and end[i] ≥ start[i]; errors name the index. meta (nil for none)
// has one row per input interval; rows follow their intervals when they
// are sorted, and merging intervals that carry metadata is an error
// (their rows could not be combined).
func NewIntervalSet(start, end []float64, meta *Metadata) (*IntervalSet, error) {
	if len(start) != len(end) {
		return nil, fmt.Errorf("spikes: NewIntervalSet: %d starts but %d ends", len(start), len(end))
	}
	for i := range start {
		switch {
		case math.IsNaN(start[i]) || math.IsInf(start[i], 0):
			return nil, fmt.Errorf("spikes: NewIntervalSet: start[%d] = %v is not finite", i, start[i])
		case math.IsNaN(end[i]) || math.IsInf(end[i], 0):
			return nil, fmt.Errorf("spikes: NewIntervalSet: end[%d] = %v is not finite", i, end[i])
		case end[i] < start[i]:
			return nil, fmt.Errorf("spikes: NewIntervalSet: interval %d ends at %v before it starts at %v", i, end[i], start[i])
		}
	}
	m, err := validMetadata(meta, len(start), "interval")
	if err != nil {
		return nil, fmt.Errorf("%w (NewIntervalSet)", err)
	}
	order := make([]int, 0, len(start))
	for i := range start {
		if end[i] > start[i] {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool {
		i, j := order[a], order[b]
		return start[i] < start[j] || (start[i] == start[j] && end[i] < end[j])
	})
	s := &IntervalSet{start: make([]float64, 0, len(order)), end: make([]float64, 0, len(order))}
	var kept []int
	for _, i := range order {
		n := len(s.start)
		if n > 0 && start[i] < s.end[n-1] {
			if !m.empty() {
				return nil, fmt.Errorf("spikes: NewIntervalSet: intervals %d [%v, %v] and %d [%v, %v] overlap; intervals with metadata cannot be merged", kept[n-1], start[kept[n-1]], end[kept[n-1]], i, start[i], end[i])
			}
			s.end[n-1] = math.Max(s.end[n-1], end[i])
			continue
		}
		s.start = append(s.start, start[i])
		s.end = append(s.end, end[i])
		kept = append(kept, i)
	}
	if !m.empty() {
		s.meta = m.rows(kept)
	}
	return s, nil
}

// newSet builds a set from intervals already in normal form.
func newSet(start, end []float64, meta Metadata) *IntervalSet {
	return &IntervalSet{start: start, end: end, meta: meta}
}

// Len returns the number of intervals.
func (s *IntervalSet) Len() int { return len(s.start) }

// Start returns the start of interval i.
func (s *IntervalSet) Start(i int) float64 { return s.start[i] }

// End returns the end of interval i.
func (s *IntervalSet) End(i int) float64 { return s.end[i] }

// Starts returns a copy of the starts.
func (s *IntervalSet) Starts() []float64 { return append([]float64(nil), s.start...) }

// Ends returns a copy of the ends.
func (s *IntervalSet) Ends() []float64 { return append([]float64(nil), s.end...) }

// Duration returns End(i) − Start(i).
func (s *IntervalSet) Duration(i int) float64 { return s.end[i] - s.start[i] }

// TotalLength returns Σ_i (End(i) − Start(i)), pynapple's tot_length.
func (s *IntervalSet) TotalLength() float64 {
	var t float64
	for i := range s.start {
		t += s.end[i] - s.start[i]
	}
	return t
}

// Centres returns the midpoints (Start(i) + End(i))/2.
func (s *IntervalSet) Centres() []float64 {
	c := make([]float64, len(s.start))
	for i := range c {
		c[i] = s.start[i] + (s.end[i]-s.start[i])/2
	}
	return c
}

// Metadata returns a copy of the interval metadata.
func (s *IntervalSet) Metadata() Metadata { return s.meta.clone() }

// closedEnd reports whether interval i contains its end: true unless the
// next interval starts exactly there.
func (s *IntervalSet) closedEnd(i int) bool {
	return i == len(s.start)-1 || s.start[i+1] > s.end[i]
}

// Contains reports whether t lies in interval i (see the type's doc for
// the boundary rule).
func (s *IntervalSet) Contains(i int, t float64) bool {
	if t < s.start[i] || t > s.end[i] {
		return false
	}
	return t < s.end[i] || s.closedEnd(i)
}

// Find returns the index of the interval holding t, or −1 (pynapple's
// in_interval).
func (s *IntervalSet) Find(t float64) int {
	// The last interval starting at or before t is the only candidate.
	i := sort.Search(len(s.start), func(k int) bool { return s.start[k] > t }) - 1
	if i >= 0 && s.Contains(i, t) {
		return i
	}
	return -1
}

// rangeOf returns [lo, hi): the indices of the sorted times t that lie in
// interval i.
func (s *IntervalSet) rangeOf(t []float64, i int) (lo, hi int) {
	lo = searchLeft(t, s.start[i])
	if s.closedEnd(i) {
		hi = searchRight(t[lo:], s.end[i]) + lo
	} else {
		hi = searchLeft(t[lo:], s.end[i]) + lo
	}
	return lo, hi
}

// searchLeft returns the first index k with t[k] ≥ x (len(t) if none).
func searchLeft(t []float64, x float64) int {
	lo, hi := 0, len(t)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t[m] < x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// searchRight returns the first index k with t[k] > x (len(t) if none).
func searchRight(t []float64, x float64) int {
	lo, hi := 0, len(t)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t[m] <= x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// Select returns the intervals idx (in increasing order of index whatever
// the order of idx, since a set stays sorted; repeated indices count once),
// with their metadata.
func (s *IntervalSet) Select(idx []int) (*IntervalSet, error) {
	if err := checkIndices("IntervalSet", idx, s.Len()); err != nil {
		return nil, err
	}
	keep := make([]bool, s.Len())
	for _, i := range idx {
		keep[i] = true
	}
	var rows []int
	for i, k := range keep {
		if k {
			rows = append(rows, i)
		}
	}
	return s.rows(rows), nil
}

// rows returns the intervals rows (increasing) with their metadata.
func (s *IntervalSet) rows(rows []int) *IntervalSet {
	out := &IntervalSet{start: make([]float64, len(rows)), end: make([]float64, len(rows))}
	for k, i := range rows {
		out.start[k], out.end[k] = s.start[i], s.end[i]
	}
	if !s.meta.empty() {
		out.meta = s.meta.rows(rows)
	}
	return out
}

// Where returns the intervals whose string metadata column holds one of
// values, like pynapple's getby_category: trials.Where("stimulus", "grating").
func (s *IntervalSet) Where(column string, values ...string) (*IntervalSet, error) {
	idx, err := s.meta.match("IntervalSet", column, values)
	if err != nil {
		return nil, err
	}
	return s.rows(idx), nil
}

// String formats the set as a table, one interval per line, with its
// metadata columns.
func (s *IntervalSet) String() string {
	var b strings.Builder
	cols := s.meta.names()
	fmt.Fprintf(&b, "%6s %12s %12s", "index", "start", "end")
	for _, c := range cols {
		fmt.Fprintf(&b, " %12s", c)
	}
	b.WriteString("\n")
	for i := range s.start {
		fmt.Fprintf(&b, "%6d %12.6g %12.6g", i, s.start[i], s.end[i])
		for _, c := range cols {
			fmt.Fprintf(&b, " %12s", s.meta.cell(c, i))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%d intervals, total length %.6g s", s.Len(), s.TotalLength())
	return b.String()
}
