package spikes

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// poisson returns the times of a homogeneous Poisson process of rate Hz on
// [t0, t1).
func poisson(rng *rand.Rand, rate, t0, t1 float64) []float64 {
	var out []float64
	for t := t0 + rng.ExpFloat64()/rate; t < t1; t += rng.ExpFloat64() / rate {
		out = append(out, t)
	}
	return out
}

// randomIntervals returns n sorted, separated intervals in [t0, t1) with
// random lengths and gaps (never touching).
func randomIntervals(rng *rand.Rand, n int, t0, t1 float64) (start, end []float64) {
	cuts := make([]float64, 2*n)
	for i := range cuts {
		cuts[i] = t0 + (t1-t0)*rng.Float64()
	}
	sortFloats(cuts)
	for i := 0; i < n; i++ {
		if cuts[2*i+1] > cuts[2*i] {
			start, end = append(start, cuts[2*i]), append(end, cuts[2*i+1])
		}
	}
	return start, end
}

func sortFloats(x []float64) {
	for i := 1; i < len(x); i++ {
		for j := i; j > 0 && x[j] < x[j-1]; j-- {
			x[j], x[j-1] = x[j-1], x[j]
		}
	}
}

func mustSet(t testing.TB, start, end []float64, meta *Metadata) *IntervalSet {
	t.Helper()
	s, err := NewIntervalSet(start, end, meta)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustGroup(t testing.TB, times [][]float64, ids []int, meta *Metadata) *TsGroup {
	t.Helper()
	g, err := NewTsGroup(times, ids, meta)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// closeSlices reports the first index where a and b differ by more than
// tol (absolute), or −1; a length mismatch is index −2.
func closeSlices(a, b []float64, tol float64) int {
	if len(a) != len(b) {
		return -2
	}
	for i := range a {
		if math.IsNaN(a[i]) && math.IsNaN(b[i]) {
			continue
		}
		if !(math.Abs(a[i]-b[i]) <= tol) {
			return i
		}
	}
	return -1
}

// checkClose fails t when a and b differ by more than tol.
func checkClose(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	switch i := closeSlices(got, want, tol); {
	case i == -2:
		t.Errorf("%s: %d values, want %d\n got %v\nwant %v", what, len(got), len(want), head(got), head(want))
	case i >= 0:
		t.Errorf("%s: [%d] = %v, want %v (tolerance %g)", what, i, got[i], want[i], tol)
	}
}

func head(x []float64) []float64 {
	if len(x) > 12 {
		return x[:12]
	}
	return x
}

// nanFloats turns JSON nulls (NaN on the Python side) into NaN.
func nanFloats(x []*float64) []float64 {
	out := make([]float64, len(x))
	for i, p := range x {
		if p == nil {
			out[i] = math.NaN()
		} else {
			out[i] = *p
		}
	}
	return out
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 14)) }

func itoa(i int) string     { return strconv.Itoa(i) }
func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
