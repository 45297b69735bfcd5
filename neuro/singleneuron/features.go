package singleneuron

import (
	"fmt"
	"math"
)

// FeatureSettings sets the features of a spike-train segment. A nil
// *FeatureSettings means every default.
type FeatureSettings struct {
	// ISIBins log-spaced bins of the inter-spike-interval histogram span
	// [MinISI, MaxISI] seconds (defaults 25, 0.001, 2).
	ISIBins        int
	MinISI, MaxISI float64
	// ACGBin and ACGMaxLag set the autocorrelogram's bins (defaults 0.001
	// and 0.05 s: 50 bins).
	ACGBin, ACGMaxLag float64
	// BurstISI is the interval below which two spikes count as a burst
	// (default 0.01 s).
	BurstISI float64
	// MinSpikes is the fewest spikes a segment needs to be used (default
	// 3, which gives two intervals and an LV); sparser segments are
	// skipped.
	MinSpikes int
}

func (s *FeatureSettings) resolved() (FeatureSettings, error) {
	var o FeatureSettings
	if s != nil {
		o = *s
	}
	if o.ISIBins < 0 || o.MinSpikes < 0 {
		return o, fmt.Errorf("singleneuron: FeatureSettings: ISIBins = %d, MinSpikes = %d, want ≥ 0 (0 means the default)", o.ISIBins, o.MinSpikes)
	}
	if o.ISIBins == 0 {
		o.ISIBins = 25
	}
	if o.MinSpikes == 0 {
		o.MinSpikes = 3
	}
	if o.MinSpikes < 3 {
		return o, fmt.Errorf("singleneuron: FeatureSettings.MinSpikes = %d, want ≥ 3 (the LV needs two intervals)", o.MinSpikes)
	}
	for _, f := range []struct {
		v    *float64
		d    float64
		name string
	}{{&o.MinISI, 0.001, "MinISI"}, {&o.MaxISI, 2, "MaxISI"}, {&o.ACGBin, 0.001, "ACGBin"}, {&o.ACGMaxLag, 0.05, "ACGMaxLag"}, {&o.BurstISI, 0.01, "BurstISI"}} {
		if *f.v < 0 || math.IsNaN(*f.v) || math.IsInf(*f.v, 0) {
			return o, fmt.Errorf("singleneuron: FeatureSettings.%s = %v, want finite and ≥ 0 (0 means %v)", f.name, *f.v, f.d)
		}
		if *f.v == 0 {
			*f.v = f.d
		}
	}
	if !(o.MaxISI > o.MinISI) {
		return o, fmt.Errorf("singleneuron: FeatureSettings: MinISI = %v ≥ MaxISI = %v", o.MinISI, o.MaxISI)
	}
	if o.ACGMaxLag < o.ACGBin {
		return o, fmt.Errorf("singleneuron: FeatureSettings: ACGMaxLag = %v is shorter than one ACGBin = %v", o.ACGMaxLag, o.ACGBin)
	}
	return o, nil
}

// acgBins is the number of autocorrelogram bins.
func (s FeatureSettings) acgBins() int { return int(math.Round(s.ACGMaxLag / s.ACGBin)) }

// FeatureNames returns the names of the entries of a feature vector, in
// order: "isi[k]" (the log-ISI histogram), "acg[k]" (the autocorrelogram),
// "log10 rate", "cv", "lv", "burst fraction".
func FeatureNames(s *FeatureSettings) ([]string, error) {
	set, err := s.resolved()
	if err != nil {
		return nil, err
	}
	var names []string
	for k := 0; k < set.ISIBins; k++ {
		names = append(names, fmt.Sprintf("isi[%d]", k))
	}
	for k := 0; k < set.acgBins(); k++ {
		names = append(names, fmt.Sprintf("acg[%d]", k))
	}
	return append(names, "log10 rate", "cv", "lv", "burst fraction"), nil
}

// ISIs returns the intervals between consecutive spikes of t (sorted).
func ISIs(t []float64) []float64 {
	if len(t) < 2 {
		return nil
	}
	d := make([]float64, len(t)-1)
	for i := range d {
		d[i] = t[i+1] - t[i]
	}
	return d
}

// LogEdges returns bins+1 edges spaced evenly in log between lo and hi:
// e_k = lo·(hi/lo)^(k/bins).
func LogEdges(bins int, lo, hi float64) []float64 {
	e := make([]float64, bins+1)
	for k := range e {
		e[k] = lo * math.Pow(hi/lo, float64(k)/float64(bins))
	}
	e[bins] = hi
	return e
}

// ISIHistogram returns the fraction of the intervals isi in each of bins
// log-spaced bins [e_k, e_{k+1}) between lo and hi (LogEdges); intervals
// outside [lo, hi) count in the denominator only. For a Poisson process
// of rate λ the expected fraction in bin k is exp(−λ e_k) − exp(−λ e_{k+1}).
func ISIHistogram(isi []float64, bins int, lo, hi float64) []float64 {
	h := make([]float64, bins)
	if len(isi) == 0 {
		return h
	}
	llo, scale := math.Log(lo), float64(bins)/math.Log(hi/lo)
	for _, d := range isi {
		if d < lo || d >= hi {
			continue
		}
		k := min(int((math.Log(d)-llo)*scale), bins-1)
		h[k]++
	}
	for k := range h {
		h[k] /= float64(len(isi))
	}
	return h
}

// Autocorrelogram returns the number of ordered spike pairs (i < j) of t
// (sorted) whose lag t_j − t_i falls in each bin [k·bin, (k+1)·bin) for
// k = 0 … maxLag/bin − 1; zero lags (a spike with itself) are excluded.
// For a Poisson process of rate λ observed on [0, T] the expected count in
// [l₁, l₂) is λ² ∫_{l₁}^{l₂} (T − τ) dτ.
func Autocorrelogram(t []float64, bin, maxLag float64) []float64 {
	n := int(math.Round(maxLag / bin))
	c := make([]float64, n)
	for i, ti := range t {
		for j := i + 1; j < len(t); j++ {
			k := int((t[j] - ti) / bin)
			if k >= n {
				break
			}
			c[k]++
		}
	}
	return c
}

// CV returns the coefficient of variation of the intervals isi, s/m with
// the sample standard deviation s (divisor n−1), as spikes.TsGroup.ISICV:
// 1 for a Poisson process, 1/√k for a gamma renewal process of shape k.
// NaN with fewer than two intervals.
func CV(isi []float64) float64 {
	if len(isi) < 2 {
		return math.NaN()
	}
	var n, mean, m2 float64
	for _, d := range isi {
		n++
		delta := d - mean
		mean += delta / n
		m2 += delta * (d - mean)
	}
	return math.Sqrt(m2/(n-1)) / mean
}

// LV returns the local variation of Shinomoto et al. (2003),
//
//	LV = 3/(n−1) Σ_{i=1}^{n−1} ((I_i − I_{i+1})/(I_i + I_{i+1}))²
//
// over n intervals: 1 for a Poisson process, 3/(2k+1) for a gamma renewal
// process of shape k, and insensitive to slow rate changes that inflate
// the CV. NaN with fewer than two intervals.
func LV(isi []float64) float64 {
	if len(isi) < 2 {
		return math.NaN()
	}
	var s float64
	for i := 0; i+1 < len(isi); i++ {
		r := (isi[i] - isi[i+1]) / (isi[i] + isi[i+1])
		s += r * r
	}
	return 3 * s / float64(len(isi)-1)
}

// BurstFraction returns the fraction of intervals shorter than thr:
// 1 − exp(−λ·thr) for a Poisson process of rate λ. NaN without intervals.
func BurstFraction(isi []float64, thr float64) float64 {
	if len(isi) == 0 {
		return math.NaN()
	}
	var k int
	for _, d := range isi {
		if d < thr {
			k++
		}
	}
	return float64(k) / float64(len(isi))
}

// SegmentFeatures returns the feature vector of the spikes t (sorted,
// seconds) that fall in the segment [t0, t1) (see FeatureNames): the
// log-ISI histogram (fractions of intervals), the autocorrelogram
// normalised by its Poisson expectation at the segment's rate,
// count_k·T/(n²·bin) (≈ 1 − lag/T for a Poisson process), log10 of the
// rate n/T, the CV, the LV and the burst fraction. ok is false, with a
// nil vector, when the segment holds fewer than MinSpikes spikes. A
// segment shorter than the ISI histogram's range (MaxISI) is an error.
func SegmentFeatures(t []float64, t0, t1 float64, s *FeatureSettings) (x []float64, ok bool, err error) {
	set, err := s.resolved()
	if err != nil {
		return nil, false, err
	}
	if !(t1-t0 >= set.MaxISI) {
		return nil, false, fmt.Errorf("singleneuron: SegmentFeatures: segment [%v, %v] of %v s is shorter than the ISI histogram's last bin (up to MaxISI = %v s)", t0, t1, t1-t0, set.MaxISI)
	}
	x = segmentFeatures(t, t0, t1, set)
	return x, x != nil, nil
}

// segmentFeatures is SegmentFeatures without validation; it returns nil
// for a segment with fewer than MinSpikes spikes.
func segmentFeatures(t []float64, t0, t1 float64, set FeatureSettings) []float64 {
	lo, hi := lowerBound(t, t0), lowerBound(t, t1)
	seg := t[lo:hi]
	n := len(seg)
	if n < set.MinSpikes {
		return nil
	}
	T := t1 - t0
	isi := ISIs(seg)
	x := ISIHistogram(isi, set.ISIBins, set.MinISI, set.MaxISI)
	norm := T / (float64(n) * float64(n) * set.ACGBin)
	for _, c := range Autocorrelogram(seg, set.ACGBin, set.ACGMaxLag) {
		x = append(x, c*norm)
	}
	return append(x, math.Log10(float64(n)/T), CV(isi), LV(isi), BurstFraction(isi, set.BurstISI))
}

// lowerBound returns the first index i with t[i] ≥ v.
func lowerBound(t []float64, v float64) int {
	lo, hi := 0, len(t)
	for lo < hi {
		m := (lo + hi) / 2
		if t[m] < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}
