package spikes

import "math"

// Rates returns each unit's mean firing rate in Hz, its number of spikes
// divided by the total length of the support (pynapple's rates); NaN when
// the support is empty.
func (g *TsGroup) Rates() []float64 {
	l := g.support.TotalLength()
	r := make([]float64, len(g.times))
	for i, t := range g.times {
		if l > 0 {
			r[i] = float64(len(t)) / l
		} else {
			r[i] = math.NaN()
		}
	}
	return r
}

// ISICV returns each unit's coefficient of variation of inter-spike
// intervals, CV = s/m, with m the mean and s the sample standard deviation
// (divisor n−1) of the intervals between consecutive spikes of the same
// support interval (an interval never spans a gap in the recording). CV is
// 1 for a Poisson process, below 1 for regular and above 1 for bursty
// firing. It is NaN for a unit with fewer than two intervals or a zero mean
// interval.
func (g *TsGroup) ISICV() []float64 {
	cv := make([]float64, len(g.times))
	for u, t := range g.times {
		var n, mean, m2 float64
		for k := 0; k < g.support.Len(); k++ {
			lo, hi := g.support.rangeOf(t, k)
			for i := lo + 1; i < hi; i++ {
				// Welford's update of the mean and the sum of squares.
				d := t[i] - t[i-1]
				n++
				delta := d - mean
				mean += delta / n
				m2 += delta * (d - mean)
			}
		}
		if n < 2 || mean == 0 {
			cv[u] = math.NaN()
			continue
		}
		cv[u] = math.Sqrt(m2/(n-1)) / mean
	}
	return cv
}

// Fano returns each column's Fano factor, the variance over rows (divisor
// n−1) divided by the mean: over bins of one recording (Count) or over
// trials (CountIn with one interval per trial). It is 1 for Poisson counts.
// NaN values are skipped; a column with fewer than two values or a zero
// mean gives NaN.
func (s *Tsd) Fano() []float64 {
	c := len(s.cols)
	f := make([]float64, c)
	for j := range f {
		var n, mean, m2 float64
		for i := j; i < len(s.v); i += c {
			x := s.v[i]
			if math.IsNaN(x) {
				continue
			}
			n++
			d := x - mean
			mean += d / n
			m2 += d * (x - mean)
		}
		if n < 2 || mean == 0 {
			f[j] = math.NaN()
			continue
		}
		f[j] = m2 / (n - 1) / mean
	}
	return f
}
