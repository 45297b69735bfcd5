package widgets

import (
	"math"
	"math/rand/v2"
	"testing"
)

// checkIncreasing asserts kept indices increase and keep both endpoints.
func checkIncreasing(t *testing.T, idx []int, n int) {
	t.Helper()
	if idx[0] != 0 || idx[len(idx)-1] != n-1 {
		t.Fatalf("endpoints %d, %d; want 0 and %d", idx[0], idx[len(idx)-1], n-1)
	}
	for k := 1; k < len(idx); k++ {
		if idx[k] <= idx[k-1] {
			t.Fatalf("indices not increasing at %d: %d after %d", k, idx[k], idx[k-1])
		}
	}
}

// Oracle: the definition of LTTB, checked by brute force. For every bucket,
// no point of the bucket forms a larger triangle with the previously kept
// point and the next bucket's mean than the kept one.
func TestLTTBKeepsTheLargestTriangleOfEveryBucket(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 9))
	for _, tc := range []struct{ N, n int }{{1000, 50}, {10007, 333}, {100, 99}, {10, 3}} {
		x := make([]float64, tc.N)
		y := make([]float64, tc.N)
		acc := 0.0
		for i := range x {
			acc += rng.ExpFloat64()
			x[i] = acc
			y[i] = math.Sin(acc/50) + 0.3*rng.NormFloat64()
		}
		idx := LTTB.Indices(x, y, tc.n)
		if len(idx) != tc.n {
			t.Fatalf("N=%d n=%d: kept %d points", tc.N, tc.n, len(idx))
		}
		checkIncreasing(t, idx, tc.N)
		every := float64(tc.N-2) / float64(tc.n-2)
		for b := 0; b < tc.n-2; b++ {
			// Bucket b covers [1+floor(b·every), 1+floor((b+1)·every)),
			// computed here in floating point as in the paper's pseudo-code.
			start, end := 1+int(math.Floor(float64(b)*every+1e-9)), 1+int(math.Floor(float64(b+1)*every+1e-9))
			kept := idx[b+1]
			if kept < start || kept >= end {
				t.Fatalf("bucket %d [%d,%d): kept index %d outside it", b, start, end, kept)
			}
			nextEnd := tc.N
			if b+2 <= tc.n-2 {
				nextEnd = 1 + int(math.Floor(float64(b+2)*every+1e-9))
			}
			var mx, my float64
			for j := end; j < nextEnd; j++ {
				mx += x[j]
				my += y[j]
			}
			mx /= float64(nextEnd - end)
			my /= float64(nextEnd - end)
			a := idx[b]
			area := func(j int) float64 {
				return math.Abs((x[a]-mx)*(y[j]-y[a])-(x[a]-x[j])*(my-y[a])) / 2
			}
			for j := start; j < end; j++ {
				if area(j) > area(kept)*(1+1e-12) {
					t.Fatalf("bucket %d: point %d has area %g > kept point %d's %g", b, j, area(j), kept, area(kept))
				}
			}
		}
	}
}

// Oracle: a lone spike in a flat signal is the unique point with a non-zero
// triangle in its bucket, so LTTB must keep it; min/max must keep it too.
func TestDownsamplersKeepALoneSpike(t *testing.T) {
	y := make([]float64, 100000)
	y[31337] = 5
	for _, d := range []Downsampler{LTTB, MinMax} {
		found := false
		for _, i := range d.Indices(nil, y, 500) {
			found = found || i == 31337
		}
		if !found {
			t.Errorf("%v dropped the spike", d)
		}
	}
}

// Oracle: brute-force minimum and maximum over each equal-width x bucket;
// the kept points must reproduce them exactly (the drawn envelope).
func TestMinMaxPreservesTheEnvelope(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	N, n := 50000, 400
	x, y := make([]float64, N), make([]float64, N)
	for i := range x {
		x[i] = float64(i) + 0.5*rng.Float64()
		y[i] = rng.NormFloat64()
	}
	idx := MinMax.Indices(x, y, n)
	checkIncreasing(t, idx, N)
	if len(idx) > n+2 {
		t.Errorf("kept %d points for n = %d", len(idx), n)
	}
	buckets := n / 2
	w := (x[N-1] - x[0]) / float64(buckets)
	bucket := func(i int) int { return min(int((x[i]-x[0])/w), buckets-1) }
	lo, hi := make([]float64, buckets), make([]float64, buckets)
	klo, khi := make([]float64, buckets), make([]float64, buckets)
	for b := range lo {
		lo[b], hi[b], klo[b], khi[b] = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	}
	for i := 1; i < N-1; i++ {
		b := bucket(i)
		lo[b], hi[b] = math.Min(lo[b], y[i]), math.Max(hi[b], y[i])
	}
	for _, i := range idx[1 : len(idx)-1] {
		b := bucket(i)
		klo[b], khi[b] = math.Min(klo[b], y[i]), math.Max(khi[b], y[i])
	}
	for b := range lo {
		if lo[b] != klo[b] || hi[b] != khi[b] {
			t.Fatalf("bucket %d: envelope [%g, %g], kept [%g, %g]", b, lo[b], hi[b], klo[b], khi[b])
		}
	}
}

// Oracle: the positions of the NaNs put into the series; each gap must
// still show as a NaN among the kept points.
func TestDownsamplersKeepGaps(t *testing.T) {
	y := make([]float64, 20000)
	for i := range y {
		y[i] = math.Sin(float64(i) / 300)
	}
	gaps := []int{5000, 12345}
	for _, g := range gaps {
		y[g] = math.NaN()
	}
	for _, d := range []Downsampler{LTTB, MinMax} {
		idx := d.Indices(nil, y, 200)
		checkIncreasing(t, idx, len(y))
		nan := 0
		for _, i := range idx {
			if math.IsNaN(y[i]) {
				nan++
			}
		}
		if nan != len(gaps) {
			t.Errorf("%v kept %d NaN gaps, want %d", d, nan, len(gaps))
		}
	}
}

func TestDownsamplersReturnEverythingWhenShort(t *testing.T) {
	y := []float64{1, 2, 3}
	for _, d := range []Downsampler{LTTB, MinMax} {
		if idx := d.Indices(nil, y, 10); len(idx) != 3 {
			t.Errorf("%v: %v, want all three", d, idx)
		}
		// n below 3 is raised to 3: first, last and one bucket between
		// (one point for LTTB, its minimum and maximum for MinMax).
		if idx := d.Indices(nil, []float64{1, 2, 3, 4, 5}, 1); len(idx) < 3 || len(idx) > 4 || idx[0] != 0 || idx[len(idx)-1] != 4 {
			t.Errorf("%v: n=1 gave %v, want first, the middle bucket's point(s), last", d, idx)
		}
	}
}

// FuzzDownsample checks the invariants every downsampler promises on
// arbitrary series: increasing indices within range, endpoints kept, and
// about n points.
func FuzzDownsample(f *testing.F) {
	f.Add([]byte{1, 200, 3, 4, 250, 6, 7, 8, 9, 10, 0, 255}, uint8(5), false)
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0}, uint8(3), true)
	f.Fuzz(func(t *testing.T, data []byte, n uint8, minmax bool) {
		if len(data) < 2 {
			return
		}
		y := make([]float64, len(data))
		x := make([]float64, len(data))
		for i, b := range data {
			y[i] = float64(b)
			if b == 13 {
				y[i] = math.NaN()
			}
			x[i] = float64(i / 3) // repeated x values are allowed
		}
		d := LTTB
		if minmax {
			d = MinMax
		}
		idx := d.Indices(x, y, int(n))
		checkIncreasing(t, idx, len(y))
		if int(n) >= len(y) && len(idx) != len(y) {
			t.Fatalf("n ≥ len: kept %d of %d", len(idx), len(y))
		}
		if len(idx) > max(int(n), 3)*2+2 {
			t.Fatalf("kept %d points for n = %d", len(idx), n)
		}
	})
}
