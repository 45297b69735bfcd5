package spikes

import (
	"fmt"
	"math"
)

// Scale returns the series with every value multiplied by c (the CLDS
// paper multiplies its smoothed 50 ms counts by 4, the window length, to
// get counts per 200 ms).
func (s *Tsd) Scale(c float64) *Tsd {
	out := s.withValues()
	for i, v := range s.v {
		out.v[i] = c * v
	}
	return out
}

// Sqrt returns the element-wise square root, the variance-stabilising
// transform of Poisson counts (for a count of mean λ, √n has variance near
// 1/4 once λ is a few spikes). A negative value is an error naming its row
// and column; NaN stays NaN.
func (s *Tsd) Sqrt() (*Tsd, error) {
	out := s.withValues()
	c := len(s.cols)
	for i, v := range s.v {
		if v < 0 {
			return nil, fmt.Errorf("spikes: Sqrt: value %v at row %d (t = %v s), column %q is negative", v, i/c, s.t[i/c], s.cols[i%c])
		}
		out.v[i] = math.Sqrt(v)
	}
	return out, nil
}

// ZScoreScope says over which values ZScore computes its mean and standard
// deviation.
type ZScoreScope int

const (
	// PerColumn standardises each column (unit) over its rows: every unit
	// gets mean 0 and variance 1.
	PerColumn ZScoreScope = iota
	// Global standardises with one mean and one standard deviation over all
	// values, keeping the units' relative scales; the CLDS reference
	// notebooks do this (Y = (Y − Y.mean()) / Y.std()) because their model
	// has no emission offset.
	Global
)

// ZScore returns (x − m)/σ with m and σ the mean and the standard
// deviation (divisor n, numpy's default) of the finite values, per column
// or over all values. A column (or series) with σ = 0 becomes 0 where
// finite, as sklearn's StandardScaler does, rather than NaN. To z-score
// several trials together, z-score the binned Tsd before splitting it into
// Epochs.
func (s *Tsd) ZScore(scope ZScoreScope) (*Tsd, error) {
	if scope != PerColumn && scope != Global {
		return nil, fmt.Errorf("spikes: ZScore: unknown scope %d", scope)
	}
	c := len(s.cols)
	out := s.withValues()
	if scope == Global {
		m, sd := meanSD(s.v, 0, 1)
		standardise(s.v, out.v, 0, 1, m, sd)
		return out, nil
	}
	for j := 0; j < c; j++ {
		m, sd := meanSD(s.v, j, c)
		standardise(s.v, out.v, j, c, m, sd)
	}
	return out, nil
}

// meanSD returns the mean and population standard deviation of the finite
// values x[j], x[j+stride], … (two passes, for accuracy).
func meanSD(x []float64, j, stride int) (m, sd float64) {
	var n float64
	for i := j; i < len(x); i += stride {
		if v := x[i]; !math.IsNaN(v) && !math.IsInf(v, 0) {
			m += v
			n++
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	m /= n
	var ss float64
	for i := j; i < len(x); i += stride {
		if v := x[i]; !math.IsNaN(v) && !math.IsInf(v, 0) {
			ss += (v - m) * (v - m)
		}
	}
	return m, math.Sqrt(ss / n)
}

func standardise(x, y []float64, j, stride int, m, sd float64) {
	for i := j; i < len(x); i += stride {
		switch {
		case sd > 0:
			y[i] = (x[i] - m) / sd
		case math.IsNaN(x[i]) || math.IsInf(x[i], 0):
			y[i] = x[i]
		default:
			y[i] = 0
		}
	}
}

// withValues returns a copy of s's shape with fresh value storage.
func (s *Tsd) withValues() *Tsd {
	return &Tsd{t: s.t, v: make([]float64, len(s.v)), cols: s.cols, support: s.support}
}
