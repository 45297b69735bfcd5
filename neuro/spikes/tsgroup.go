package spikes

import (
	"fmt"
	"math"
	"strings"

	"github.com/neuronb/neuronb/neuro/parallel"
)

// TsGroup holds the spike times of several units, pynapple's TsGroup:
// unit i has an integer id (a Kilosort cluster, an NWB unit id), sorted
// finite spike times in seconds, and a row of Metadata. The group has a
// time support, the IntervalSet in which it was observed: rates divide by
// its length and binning without explicit epochs covers it. A new group's
// support is [earliest spike, latest spike] over all units, as in pynapple;
// Restrict(ep) sets it to ep.
//
// A TsGroup is immutable; methods return new values. Times, Trains and
// Support return the group's own storage, which must not be modified.
type TsGroup struct {
	ids     []int
	times   [][]float64
	meta    Metadata
	support *IntervalSet
}

// NewTsGroup builds a group from one slice of spike times per unit (in
// seconds, sorted, finite; equal times allowed). ids gives the unit ids
// (nil: 0, 1, …); they must be distinct. meta (nil for none) has one row
// per unit. The time slices are kept, not copied (as gonum's NewDense keeps
// its data), so they must not be modified afterwards; the metadata is
// copied. Errors name the unit id and the index of the offending time.
func NewTsGroup(times [][]float64, ids []int, meta *Metadata) (*TsGroup, error) {
	if ids == nil {
		ids = make([]int, len(times))
		for i := range ids {
			ids[i] = i
		}
	} else {
		if len(ids) != len(times) {
			return nil, fmt.Errorf("spikes: NewTsGroup: %d ids for %d units", len(ids), len(times))
		}
		ids = append([]int(nil), ids...)
	}
	seen := make(map[int]int, len(ids))
	for i, id := range ids {
		if j, dup := seen[id]; dup {
			return nil, fmt.Errorf("spikes: NewTsGroup: units %d and %d have the same id %d", j, i, id)
		}
		seen[id] = i
	}
	if err := parallel.ForErr(len(times), 0, func(_, u int) error {
		return checkTimes(times[u], fmt.Sprintf("unit %d (index %d)", ids[u], u))
	}); err != nil {
		return nil, fmt.Errorf("spikes: NewTsGroup: %w", err)
	}
	m, err := validMetadata(meta, len(times), "unit")
	if err != nil {
		return nil, fmt.Errorf("%w (NewTsGroup)", err)
	}
	g := &TsGroup{ids: ids, times: times, meta: m}
	g.support = spanSupport(times)
	return g, nil
}

// checkTimes reports the first non-finite or out-of-order time.
func checkTimes(t []float64, what string) error {
	for k, x := range t {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%s: time[%d] = %v is not finite", what, k, x)
		}
		if k > 0 && x < t[k-1] {
			return fmt.Errorf("%s: time[%d] = %v comes before time[%d] = %v; times must be sorted (sort.Float64s)", what, k, x, k-1, t[k-1])
		}
	}
	return nil
}

// spanSupport is [earliest, latest] over the slices (empty when there are
// no times or a single instant).
func spanSupport(times [][]float64) *IntervalSet {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, t := range times {
		if len(t) > 0 {
			lo, hi = math.Min(lo, t[0]), math.Max(hi, t[len(t)-1])
		}
	}
	if hi > lo {
		return newSet([]float64{lo}, []float64{hi}, Metadata{})
	}
	return newSet(nil, nil, Metadata{})
}

// Len returns the number of units.
func (g *TsGroup) Len() int { return len(g.ids) }

// ID returns the id of unit i.
func (g *TsGroup) ID(i int) int { return g.ids[i] }

// IDs returns a copy of the unit ids.
func (g *TsGroup) IDs() []int { return append([]int(nil), g.ids...) }

// Index returns the position of the unit with the given id.
func (g *TsGroup) Index(id int) (int, bool) {
	for i, x := range g.ids {
		if x == id {
			return i, true
		}
	}
	return -1, false
}

// Times returns the spike times of unit i (read-only).
func (g *TsGroup) Times(i int) []float64 { return g.times[i] }

// Trains returns every unit's spike times (read-only), the input of
// widgets.Raster.
func (g *TsGroup) Trains() [][]float64 { return g.times }

// Support returns the time support.
func (g *TsGroup) Support() *IntervalSet { return g.support }

// Metadata returns a copy of the unit metadata.
func (g *TsGroup) Metadata() Metadata { return g.meta.clone() }

// SpikeCounts returns the number of spikes of each unit.
func (g *TsGroup) SpikeCounts() []int {
	n := make([]int, len(g.times))
	for i, t := range g.times {
		n[i] = len(t)
	}
	return n
}

// Restrict keeps the spikes inside ep (closed intervals, with the boundary
// rule of IntervalSet) and makes ep the support, as pynapple's restrict.
func (g *TsGroup) Restrict(ep *IntervalSet) *TsGroup {
	out := &TsGroup{ids: g.ids, meta: g.meta, support: ep, times: make([][]float64, len(g.times))}
	parallel.For(len(g.times), 0, func(_, u int) {
		out.times[u] = restrictTimes(g.times[u], ep)
	})
	return out
}

// restrictTimes returns the times inside ep (a new slice).
func restrictTimes(t []float64, ep *IntervalSet) []float64 {
	var out []float64
	n := 0
	ranges := make([][2]int, ep.Len())
	for i := range ranges {
		lo, hi := ep.rangeOf(t, i)
		ranges[i] = [2]int{lo, hi}
		n += hi - lo
	}
	out = make([]float64, 0, n)
	for _, r := range ranges {
		out = append(out, t[r[0]:r[1]]...)
	}
	return out
}

// Select returns the units at positions idx, in that order, with their
// metadata and the same support.
func (g *TsGroup) Select(idx []int) (*TsGroup, error) {
	if err := checkIndices("TsGroup", idx, g.Len()); err != nil {
		return nil, err
	}
	seen := map[int]bool{}
	for k, i := range idx {
		if seen[i] {
			return nil, fmt.Errorf("spikes: TsGroup.Select: index %d appears twice (indices[%d])", i, k)
		}
		seen[i] = true
	}
	return g.rows(idx), nil
}

func (g *TsGroup) rows(idx []int) *TsGroup {
	out := &TsGroup{ids: make([]int, len(idx)), times: make([][]float64, len(idx)), support: g.support}
	for k, i := range idx {
		out.ids[k], out.times[k] = g.ids[i], g.times[i]
	}
	if !g.meta.empty() {
		out.meta = g.meta.rows(idx)
	}
	return out
}

// Where returns the units whose string metadata column holds one of
// values, pynapple's getby_category: g.Where("location", "adn").
func (g *TsGroup) Where(column string, values ...string) (*TsGroup, error) {
	idx, err := g.meta.match("TsGroup", column, values)
	if err != nil {
		return nil, err
	}
	return g.rows(idx), nil
}

// String formats the group as pynapple prints it: one line per unit with
// its id, rate (Hz), spike count and metadata.
func (g *TsGroup) String() string {
	var b strings.Builder
	cols := g.meta.names()
	rates := g.Rates()
	fmt.Fprintf(&b, "%8s %10s %8s", "id", "rate", "spikes")
	for _, c := range cols {
		fmt.Fprintf(&b, " %12s", c)
	}
	b.WriteString("\n")
	for i, id := range g.ids {
		fmt.Fprintf(&b, "%8d %10.4g %8d", id, rates[i], len(g.times[i]))
		for _, c := range cols {
			fmt.Fprintf(&b, " %12s", g.meta.cell(c, i))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%d units, support %d intervals, %.6g s", g.Len(), g.support.Len(), g.support.TotalLength())
	return b.String()
}
