package spikes

import (
	"fmt"
	"math"
)

// Intersect returns the times in both s and b: for every pair of
// overlapping intervals, [max(starts), min(ends)], as pynapple's
// intersect. Pieces keep the metadata row of the interval of s they came
// from (pynapple also appends b's columns).
func (s *IntervalSet) Intersect(b *IntervalSet) *IntervalSet {
	var st, en []float64
	var rows []int
	i, j := 0, 0
	for i < s.Len() && j < b.Len() {
		lo, hi := math.Max(s.start[i], b.start[j]), math.Min(s.end[i], b.end[j])
		if lo < hi {
			st, en, rows = append(st, lo), append(en, hi), append(rows, i)
		}
		if s.end[i] < b.end[j] {
			i++
		} else {
			j++
		}
	}
	var m Metadata
	if !s.meta.empty() {
		m = s.meta.rows(rows)
	}
	return newSet(st, en, m)
}

// Union returns the times in s or b, in normal form (overlapping intervals
// merged, touching ones kept apart, as NewIntervalSet does). Metadata is
// dropped, as in pynapple.
func (s *IntervalSet) Union(b *IntervalSet) *IntervalSet {
	st := make([]float64, 0, s.Len()+b.Len())
	en := make([]float64, 0, s.Len()+b.Len())
	i, j := 0, 0
	for i < s.Len() || j < b.Len() {
		var lo, hi float64
		if j == b.Len() || (i < s.Len() && s.start[i] <= b.start[j]) {
			lo, hi = s.start[i], s.end[i]
			i++
		} else {
			lo, hi = b.start[j], b.end[j]
			j++
		}
		if n := len(st); n > 0 && lo < en[n-1] {
			en[n-1] = math.Max(en[n-1], hi)
			continue
		}
		st, en = append(st, lo), append(en, hi)
	}
	return newSet(st, en, Metadata{})
}

// Difference returns the times in s but not in b (pynapple's set_diff):
// each interval of s minus the intervals of b that overlap it. Pieces keep
// the metadata row of their interval of s.
func (s *IntervalSet) Difference(b *IntervalSet) *IntervalSet {
	var st, en []float64
	var rows []int
	j := 0
	for i := range s.start {
		for j < b.Len() && b.end[j] <= s.start[i] {
			j++
		}
		cur := s.start[i]
		for k := j; k < b.Len() && b.start[k] < s.end[i]; k++ {
			if b.start[k] > cur {
				st, en, rows = append(st, cur), append(en, b.start[k]), append(rows, i)
			}
			cur = math.Max(cur, b.end[k])
		}
		if cur < s.end[i] {
			st, en, rows = append(st, cur), append(en, s.end[i]), append(rows, i)
		}
	}
	var m Metadata
	if !s.meta.empty() {
		m = s.meta.rows(rows)
	}
	return newSet(st, en, m)
}

// Complement returns the gaps of s within [t0, t1]: [t0, t1] minus s.
func (s *IntervalSet) Complement(t0, t1 float64) (*IntervalSet, error) {
	span, err := NewIntervalSet([]float64{t0}, []float64{t1}, nil)
	if err != nil {
		return nil, fmt.Errorf("spikes: Complement: [t0, t1] = [%v, %v]: %w", t0, t1, err)
	}
	return span.Difference(s), nil
}

// MergeClose joins consecutive intervals separated by a gap of at most gap
// seconds (pynapple's merge_close_intervals); MergeClose(0) joins touching
// intervals. Metadata is dropped.
func (s *IntervalSet) MergeClose(gap float64) (*IntervalSet, error) {
	if !(gap >= 0) || math.IsInf(gap, 0) {
		return nil, fmt.Errorf("spikes: MergeClose: gap = %v s, want a finite value ≥ 0", gap)
	}
	var st, en []float64
	for i := range s.start {
		if n := len(st); n > 0 && s.start[i]-en[n-1] <= gap {
			en[n-1] = s.end[i]
			continue
		}
		st, en = append(st, s.start[i]), append(en, s.end[i])
	}
	return newSet(st, en, Metadata{}), nil
}

// DropShort returns the intervals longer than min seconds, with their
// metadata (pynapple's drop_short_intervals).
func (s *IntervalSet) DropShort(min float64) (*IntervalSet, error) {
	if math.IsNaN(min) {
		return nil, fmt.Errorf("spikes: DropShort: min is NaN")
	}
	var rows []int
	for i := range s.start {
		if s.end[i]-s.start[i] > min {
			rows = append(rows, i)
		}
	}
	return s.rows(rows), nil
}

// Split cuts every interval into consecutive pieces of size seconds,
// [Start + k·size, Start + (k+1)·size], and drops each interval's
// remainder shorter than size (and intervals shorter than size), as
// pynapple's split does; a piece whose end is within 10⁻⁹·size of the
// interval's end counts as whole. Pieces touch (pynapple moves each end one
// microsecond back) and keep their interval's metadata row.
func (s *IntervalSet) Split(size float64) (*IntervalSet, error) {
	if !(size > 0) || math.IsInf(size, 0) {
		return nil, fmt.Errorf("spikes: Split: size = %v s, want a finite positive length", size)
	}
	var st, en []float64
	var rows []int
	for i := range s.start {
		n := int(math.Floor((s.end[i]-s.start[i])/size + 1e-9))
		for k := 0; k < n; k++ {
			a := s.start[i] + float64(k)*size
			b := math.Min(s.start[i]+float64(k+1)*size, s.end[i])
			if b <= a {
				continue
			}
			st, en, rows = append(st, a), append(en, b), append(rows, i)
		}
	}
	var m Metadata
	if !s.meta.empty() {
		m = s.meta.rows(rows)
	}
	return newSet(st, en, m), nil
}
