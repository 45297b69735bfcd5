package safety

import (
	"math"
	"testing"
)

// Oracle: numpy.percentile's default "linear" interpolation, worked by
// hand: for [1, 2, 3, 4], the 25th percentile is at h = 0.75 → 1.75.
func TestQuantileInterpolatesLikeNumpy(t *testing.T) {
	x := []float64{1, 2, 3, 4}
	for _, c := range []struct{ q, want float64 }{{0.25, 1.75}, {0.5, 2.5}, {0, 1}, {1, 4}, {0.975, 3.925}} {
		if got := quantile(x, c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("quantile(%v) = %v, want %v", c.q, got, c.want)
		}
	}
}

// Oracle: the documented spans, for a prompt of 4 and completion of 3.
func TestPositionSpans(t *testing.T) {
	for _, c := range []struct {
		p      Positions
		lo, hi int
	}{{Predicting, 3, 6}, {Completion, 4, 7}, {PromptTokens, 0, 4}, {PromptLast, 3, 4}} {
		if lo, hi := c.p.span(4, 3); lo != c.lo || hi != c.hi {
			t.Errorf("%s: [%d, %d), want [%d, %d)", c.p, lo, hi, c.lo, c.hi)
		}
	}
}
