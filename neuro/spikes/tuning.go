package spikes

import (
	"fmt"
	"math"

	"github.com/neuronb/neuronb/neuro/parallel"
	"gonum.org/v1/gonum/mat"
)

// TuningSettings configures TuningCurves. The zero value (or nil) means
// pynapple's defaults: 10 bins over the range of the feature, the
// feature's support as epochs, its sampling rate estimated.
type TuningSettings struct {
	// Bins is the number of feature bins; 0 means 10.
	Bins int
	// Min and Max bound the bins, [Min, Max] split into Bins equal bins
	// (the last one closed, values outside are ignored, as np.histogram).
	// Both 0 means the smallest and largest feature value in the epochs.
	Min, Max float64
	// Period > 0 makes the feature circular (2π for a head direction in
	// radians): values are wrapped into [Min, Min + Period) and the bins
	// cover exactly one period; Max is ignored.
	Period float64
	// Column is the column of the feature series to use.
	Column int
	// Epochs restricts spikes and feature samples; nil means the feature's
	// support.
	Epochs *IntervalSet
	// SampleRate is the feature's sampling rate in Hz, which turns sample
	// counts into seconds of occupancy; 0 means 1 / the mean spacing of the
	// samples within epochs (pynapple's estimate).
	SampleRate float64
	// Workers is the number of goroutines; 0 means runtime.GOMAXPROCS(0).
	Workers int
}

// Tuning holds tuning curves: firing rate as a function of a feature.
type Tuning struct {
	// IDs are the unit ids, one per row of Counts and Rates.
	IDs []int
	// Edges are the Bins + 1 bin edges and Centres the bin centres.
	Edges, Centres []float64
	// Occupancy is the time spent in each bin (s): samples / SampleRate.
	Occupancy []float64
	// Counts (units × bins) counts each unit's spikes by the feature bin of
	// the sample closest in time to the spike.
	Counts *mat.Dense
	// Rates (units × bins) is Counts / Occupancy in Hz, NaN where the
	// occupancy is 0.
	Rates *mat.Dense
	// SampleRate is the feature sampling rate used (Hz).
	SampleRate float64
}

// TuningCurves computes each unit's tuning curve against a feature (a
// position, a speed, a head direction), pynapple's compute_tuning_curves
// for one feature: with occupancy normalisation,
//
//	rate_u(b) = n_u(b) / T(b),
//
// where T(b) = (number of feature samples in bin b) / SampleRate is the
// time spent in bin b and n_u(b) counts unit u's spikes whose closest
// feature sample in time (within the same epoch, the later sample on a tie,
// pynapple's value_from) falls in bin b. Spikes and samples outside the
// epochs are ignored, as are NaN feature values and spikes whose closest
// sample is NaN. Bin edges are computed as np.linspace computes them and
// values are assigned as np.histogram assigns them.
func (g *TsGroup) TuningCurves(feature *Tsd, s *TuningSettings) (*Tuning, error) {
	var set TuningSettings
	if s != nil {
		set = *s
	}
	if feature == nil {
		return nil, fmt.Errorf("spikes: TuningCurves: feature is nil")
	}
	if set.Column < 0 || set.Column >= feature.Cols() {
		return nil, fmt.Errorf("spikes: TuningCurves: Column %d, the feature has %d columns", set.Column, feature.Cols())
	}
	if set.Bins == 0 {
		set.Bins = 10
	}
	if set.Bins < 0 || set.Bins > 1<<20 {
		return nil, fmt.Errorf("spikes: TuningCurves: Bins = %d, want 1 … %d", set.Bins, 1<<20)
	}
	ep := set.Epochs
	if ep == nil {
		ep = feature.support
	}
	f := feature.Restrict(ep)
	vals := f.Column(set.Column)
	edges, err := tuningEdges(vals, &set)
	if err != nil {
		return nil, fmt.Errorf("spikes: TuningCurves: %w", err)
	}
	fs := set.SampleRate
	if fs == 0 {
		if fs, err = meanRate(f); err != nil {
			return nil, fmt.Errorf("spikes: TuningCurves: %w", err)
		}
	}
	if !(fs > 0) || math.IsInf(fs, 0) {
		return nil, fmt.Errorf("spikes: TuningCurves: SampleRate = %v Hz, want a finite positive rate", fs)
	}
	bin, occ := featureBins(vals, edges, &set)
	counts := g.countByBin(f, ep, bin, set.Bins, set.Workers)
	tc := &Tuning{IDs: g.IDs(), Edges: edges, Centres: make([]float64, set.Bins), Occupancy: make([]float64, set.Bins), SampleRate: fs}
	for b := range tc.Centres {
		tc.Centres[b] = edges[b] + (edges[b+1]-edges[b])/2
		tc.Occupancy[b] = occ[b] / fs
	}
	if g.Len() == 0 {
		return tc, nil
	}
	tc.Counts = counts
	tc.Rates = mat.NewDense(g.Len(), set.Bins, nil)
	for u := 0; u < g.Len(); u++ {
		for b := 0; b < set.Bins; b++ {
			if occ[b] == 0 {
				tc.Rates.Set(u, b, math.NaN())
			} else {
				tc.Rates.Set(u, b, counts.At(u, b)/tc.Occupancy[b])
			}
		}
	}
	return tc, nil
}

// featureBins returns the histogram bin of every feature sample (−1 for
// NaN or out of range) and the number of samples per bin.
func featureBins(vals, edges []float64, s *TuningSettings) (bin []int32, occ []float64) {
	bin = make([]int32, len(vals))
	occ = make([]float64, s.Bins)
	for i, v := range vals {
		if s.Period > 0 {
			v = wrap(v, s.Min, s.Period)
		}
		b := histBin(edges, v)
		bin[i] = int32(b)
		if b >= 0 {
			occ[b]++
		}
	}
	return bin, occ
}

// countByBin counts each unit's spikes by the bin of the closest feature
// sample of f within the same interval of ep (units × bins).
func (g *TsGroup) countByBin(f *Tsd, ep *IntervalSet, bin []int32, bins, workers int) *mat.Dense {
	counts := mat.NewDense(max(g.Len(), 1), bins, nil)
	ranges := make([][2]int, ep.Len())
	for k := range ranges {
		lo, hi := ep.rangeOf(f.t, k)
		ranges[k] = [2]int{lo, hi}
	}
	parallel.For(g.Len(), workers, func(_, u int) {
		row := counts.RawRowView(u)
		t := g.times[u]
		for k, r := range ranges {
			if r[1] == r[0] {
				continue
			}
			ft := f.t[r[0]:r[1]]
			lo, hi := ep.rangeOf(t, k)
			p := 0
			for _, q := range t[lo:hi] {
				p = gallop(ft, p, q)
				if b := bin[r[0]+closestAt(ft, p, q)]; b >= 0 {
					row[b]++
				}
			}
		}
	})
	return counts
}

// tuningEdges returns np.linspace(lo, hi, bins+1) for the settings' range.
func tuningEdges(vals []float64, s *TuningSettings) ([]float64, error) {
	if math.IsNaN(s.Min) || math.IsInf(s.Min, 0) || math.IsNaN(s.Max) || math.IsInf(s.Max, 0) {
		return nil, fmt.Errorf("range [%v, %v] is not finite", s.Min, s.Max)
	}
	lo, hi := s.Min, s.Max
	switch {
	case s.Period > 0:
		if math.IsInf(s.Period, 0) {
			return nil, fmt.Errorf("Period = %v", s.Period)
		}
		hi = lo + s.Period
	case s.Period < 0 || math.IsNaN(s.Period):
		return nil, fmt.Errorf("Period = %v, want 0 (not circular) or a positive period", s.Period)
	case lo == 0 && hi == 0:
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, v := range vals {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		if math.IsInf(lo, 1) {
			return nil, fmt.Errorf("the feature has no finite sample in the epochs")
		}
		if lo == hi { // as np.histogram widens an empty range
			lo, hi = lo-0.5, hi+0.5
		}
	case !(hi > lo):
		return nil, fmt.Errorf("range [Min, Max] = [%v, %v] is empty", lo, hi)
	}
	n := s.Bins
	step := (hi - lo) / float64(n)
	e := make([]float64, n+1)
	for k := range e {
		e[k] = float64(k)*step + lo
	}
	e[n] = hi
	return e, nil
}

// histBin returns np.histogram's bin of v for sorted edges: k with
// e[k] ≤ v < e[k+1], the last bin closed, −1 outside or for NaN.
func histBin(e []float64, v float64) int {
	n := len(e) - 1
	if math.IsNaN(v) || v < e[0] || v > e[n] {
		return -1
	}
	if v == e[n] {
		return n - 1
	}
	return searchRight(e, v) - 1
}

// wrap maps v into [lo, lo + p).
func wrap(v, lo, p float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return math.NaN()
	}
	r := math.Mod(v-lo, p)
	if r < 0 {
		r += p
	}
	if r >= p { // rounding of a tiny negative remainder
		r = 0
	}
	return lo + r
}

// meanRate is 1 / the mean spacing of rows within support intervals.
func meanRate(f *Tsd) (float64, error) {
	var sum float64
	var n int
	for k := 0; k < f.support.Len(); k++ {
		lo, hi := f.support.rangeOf(f.t, k)
		if hi-lo > 1 {
			sum += f.t[hi-1] - f.t[lo]
			n += hi - lo - 1
		}
	}
	if n == 0 || !(sum > 0) {
		return 0, fmt.Errorf("the feature has fewer than two distinct samples in every epoch, so its sampling rate is unknown; set SampleRate")
	}
	return float64(n) / sum, nil
}

// gallop returns the first index ≥ p of sorted t with t[index] ≥ q, for q
// not smaller than the previous query (exponential then binary search, so
// a sorted sweep costs O(log gap) per query).
func gallop(t []float64, p int, q float64) int {
	if p >= len(t) || t[p] >= q {
		return p
	}
	step := 1
	for p+step < len(t) && t[p+step] < q {
		p += step
		step *= 2
	}
	hi := min(p+step, len(t))
	return searchLeft(t[p+1:hi], q) + p + 1
}

// closestAt returns the index of the sample closest to q given the first
// index p with t[p] ≥ q (the later one on a tie).
func closestAt(t []float64, p int, q float64) int {
	switch {
	case p == 0:
		return 0
	case p == len(t):
		return len(t) - 1
	case t[p]-q <= q-t[p-1]:
		return p
	}
	return p - 1
}
