package spikes

import (
	"fmt"
	"math"
	"strconv"

	"github.com/neuronb/neuronb/neuro/parallel"
)

// MaxBinnedValues bounds bins × units of one Count, so that a bin width
// given in the wrong unit fails with an error instead of exhausting memory
// (2³⁰ values are 8 GiB).
const MaxBinnedValues = 1 << 30

// Count bins every unit's spikes in bins of width bin seconds over the
// intervals of ep (nil: the group's support), pynapple's count(bin_size,
// ep). Interval [s, e] gets the bins
//
//	[s + k·bin, s + (k+1)·bin),  k = 0, 1, …, n−1,
//
// where n is the number of bins whose centre s + (k + ½)·bin is at most e:
// bins start at the interval's start; a last bin that sticks out past e is
// kept when its centre is inside (it counts the spikes up to e, and its
// count is not rescaled), and a remainder shorter than half a bin is not
// binned, so its spikes are not counted. Each bin counts the spikes t with
// edge_k ≤ t < edge_{k+1} that lie in the interval (closed, see
// IntervalSet), so a spike exactly on an inner edge goes to the later bin,
// as in np.histogram and pynapple.
//
// The result has one row per bin, at its centre, and one column per unit
// (named by the unit id); its support is ep, so its Epochs are the
// intervals. Edges are computed as s + k·bin; pynapple rounds them to 1 ns,
// so a spike within 1 ns of an edge can fall in the neighbouring bin there.
func (g *TsGroup) Count(bin float64, ep *IntervalSet) (*Tsd, error) {
	if !(bin > 0) || math.IsInf(bin, 0) {
		return nil, fmt.Errorf("spikes: Count: bin = %v s, want a finite positive width", bin)
	}
	if ep == nil {
		ep = g.support
	}
	grid, err := newBinGrid(ep, bin, len(g.times))
	if err != nil {
		return nil, fmt.Errorf("spikes: Count: %w", err)
	}
	out := &Tsd{t: grid.centres(), v: make([]float64, grid.total*len(g.times)), cols: idNames(g.ids), support: ep}
	grid.count(g.times, out.v)
	return out, nil
}

// binGrid is the bins of Count over the intervals of an IntervalSet.
type binGrid struct {
	ep    *IntervalSet
	bin   float64
	inv   float64
	off   []int // bins of interval k are rows off[k]:off[k+1]
	total int
}

func newBinGrid(ep *IntervalSet, bin float64, units int) (*binGrid, error) {
	g := &binGrid{ep: ep, bin: bin, inv: 1 / bin, off: make([]int, ep.Len()+1)}
	for k := 0; k < ep.Len(); k++ {
		s, e := ep.start[k], ep.end[k]
		n := math.Floor((e-s)/bin + 0.5)
		if n*float64(max(units, 1)) > MaxBinnedValues {
			return nil, fmt.Errorf("bins of %v s over interval %d [%v, %v] make more than %d values (%.3g GiB); use wider bins", bin, k, s, e, MaxBinnedValues, float64(MaxBinnedValues)*8/(1<<30))
		}
		m := int(n)
		for m > 0 && s+(float64(m-1)+0.5)*bin > e {
			m--
		}
		for s+(float64(m)+0.5)*bin <= e {
			m++
		}
		g.off[k+1] = g.off[k] + m
		if g.off[k+1]*max(units, 1) > MaxBinnedValues {
			return nil, fmt.Errorf("%d bins of %v s × %d units make more than %d values (%.3g GiB); use wider bins or fewer epochs", g.off[k+1], bin, units, MaxBinnedValues, float64(MaxBinnedValues)*8/(1<<30))
		}
	}
	g.total = g.off[ep.Len()]
	return g, nil
}

// edge returns the left edge of bin j of interval k.
func (g *binGrid) edge(k, j int) float64 { return g.ep.start[k] + float64(j)*g.bin }

// centres returns the bin centres, interval after interval.
func (g *binGrid) centres() []float64 {
	c := make([]float64, g.total)
	for k := 0; k < g.ep.Len(); k++ {
		for j := 0; j < g.off[k+1]-g.off[k]; j++ {
			c[g.off[k]+j] = g.ep.start[k] + (float64(j)+0.5)*g.bin
		}
	}
	return c
}

// count adds unit u's spikes to column u of the row-major counts. Rows are
// split into chunks counted in parallel; every row belongs to one chunk,
// so the result does not depend on the number of workers.
func (g *binGrid) count(times [][]float64, counts []float64) {
	units := len(times)
	if g.total == 0 || units == 0 {
		return
	}
	chunks := parallel.Chunks(g.total, 8*parallel.Workers(0))
	parallel.For(len(chunks), 0, func(_, c int) {
		r0, r1 := chunks[c][0], chunks[c][1]
		for k := 0; k < g.ep.Len(); k++ {
			b0, b1 := max(r0, g.off[k]), min(r1, g.off[k+1])
			if b0 >= b1 {
				continue
			}
			j0, j1 := b0-g.off[k], b1-g.off[k]
			for u, t := range times {
				lo, hi := g.ep.rangeOf(t, k)
				lo = max(lo, searchLeft(t[lo:hi], g.edge(k, j0))+lo)
				hi = min(hi, searchLeft(t[lo:hi], g.edge(k, j1))+lo)
				g.countRange(t[lo:hi], k, j0, j1, counts[g.off[k]*units+u:], units)
			}
		}
	})
}

// countRange bins spikes known to lie in bins [j0, j1) of interval k; dst
// is column u from the interval's first row, with row stride units.
func (g *binGrid) countRange(t []float64, k, j0, j1 int, dst []float64, units int) {
	s := g.ep.start[k]
	for _, x := range t {
		j := int((x - s) * g.inv)
		// The quotient can round across an edge; the edges themselves are
		// s + j·bin exactly.
		if j < j0 {
			j = j0
		}
		if j >= j1 {
			j = j1 - 1
		}
		for j > j0 && x < s+float64(j)*g.bin {
			j--
		}
		for j < j1-1 && x >= s+float64(j+1)*g.bin {
			j++
		}
		dst[j*units]++
	}
}

// CountIn counts every unit's spikes in each interval of ep (nil: the
// support), pynapple's count(ep=...): one row per interval, at its centre,
// one column per unit. Counts per trial give the Fano factor over trials
// (Tsd.Fano) and, divided by durations, the stimulus × neuron responses of
// Responses.
func (g *TsGroup) CountIn(ep *IntervalSet) *Tsd {
	if ep == nil {
		ep = g.support
	}
	units := len(g.times)
	out := &Tsd{t: ep.Centres(), v: make([]float64, ep.Len()*units), cols: idNames(g.ids), support: ep}
	parallel.For(units, 0, func(_, u int) {
		for k := 0; k < ep.Len(); k++ {
			lo, hi := ep.rangeOf(g.times[u], k)
			out.v[k*units+u] = float64(hi - lo)
		}
	})
	return out
}

// idNames formats unit ids as column names.
func idNames(ids []int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.Itoa(id)
	}
	return out
}
