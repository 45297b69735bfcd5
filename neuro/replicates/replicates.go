// Package replicates summarises and compares results replicated over seeds,
// draws or recordings, the way the figure notebooks and claims tests report
// them: mean ± standard error with a t interval, and the significance tests
// the papers use (one- and two-sample t tests, a binomial sign test).
//
// For values x_1..x_n:
//
//	mean = Σ x_i / n,  SD = sqrt(Σ (x_i − mean)² / (n − 1)),  SE = SD / sqrt(n)
//
// and the level-L interval is mean ± t_{(1+L)/2, n−1} · SE, with t the
// Student t quantile on n − 1 degrees of freedom.
package replicates

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Summary describes replicated values.
type Summary struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean"`
	// SD is the sample standard deviation (n − 1 in the denominator); 0
	// for one value.
	SD float64 `json:"sd"`
	// SE = SD/√N, the standard error of the mean.
	SE float64 `json:"se"`
	// Min and Max are the extreme values.
	Min float64 `json:"min"`
	Max float64 `json:"max"`
	// Lo and Hi bound the 95% t interval of the mean (both equal Mean for
	// one value).
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
}

// Summarize returns the summary of xs, which must be non-empty and finite.
func Summarize(xs []float64) (Summary, error) {
	if err := check("xs", xs, 1); err != nil {
		return Summary{}, err
	}
	n := float64(len(xs))
	s := Summary{N: len(xs), Min: math.Inf(1), Max: math.Inf(-1)}
	for _, x := range xs {
		s.Mean += x
		s.Min, s.Max = math.Min(s.Min, x), math.Max(s.Max, x)
	}
	s.Mean /= n
	if len(xs) > 1 {
		var ss float64
		for _, x := range xs {
			ss += (x - s.Mean) * (x - s.Mean)
		}
		s.SD = math.Sqrt(ss / (n - 1))
		s.SE = s.SD / math.Sqrt(n)
	}
	s.Lo, s.Hi = s.Interval(0.95)
	return s, nil
}

// MustSummarize is Summarize for values known to be valid (a notebook's own
// results); it panics with Summarize's error otherwise.
func MustSummarize(xs []float64) Summary {
	s, err := Summarize(xs)
	if err != nil {
		panic(err)
	}
	return s
}

// Interval returns the level t interval of the mean (level in (0, 1)).
func (s Summary) Interval(level float64) (lo, hi float64) {
	if s.N < 2 || !(level > 0 && level < 1) {
		return s.Mean, s.Mean
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(s.N - 1)}.Quantile((1 + level) / 2)
	return s.Mean - t*s.SE, s.Mean + t*s.SE
}

// String formats the summary as "mean ± se (n=N)" with 3 significant
// digits.
func (s Summary) String() string {
	return fmt.Sprintf("%.3g ± %.2g (n=%d)", s.Mean, s.SE, s.N)
}

// Columns summarises each column of rows (rows[i][j]: replicate i, point
// j), as for a curve measured on every seed: the result has one Summary
// per point. Every row must have the same length.
func Columns(rows [][]float64) ([]Summary, error) {
	if len(rows) == 0 {
		return nil, fmt.Errorf("replicates: Columns: no rows")
	}
	out := make([]Summary, len(rows[0]))
	col := make([]float64, len(rows))
	for j := range out {
		for i, r := range rows {
			if len(r) != len(rows[0]) {
				return nil, fmt.Errorf("replicates: Columns: rows[%d] has %d values, rows[0] has %d", i, len(r), len(rows[0]))
			}
			col[i] = r[j]
		}
		s, err := Summarize(col)
		if err != nil {
			return nil, fmt.Errorf("replicates: Columns: column %d: %w", j, err)
		}
		out[j] = s
	}
	return out, nil
}

func check(name string, xs []float64, minN int) error {
	if len(xs) < minN {
		return fmt.Errorf("replicates: %s has %d values, want at least %d", name, len(xs), minN)
	}
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("replicates: %s[%d] = %v is not finite", name, i, x)
		}
	}
	return nil
}
