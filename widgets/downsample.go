package widgets

import "math"

// Indices returns the indices, increasing, of about n points of the series
// (x[i], y[i]) to draw in place of all len(y) of them. x must be
// non-decreasing; nil x means x[i] = i. When n ≥ len(y) every index is
// returned. The first and last points are always kept, and a bucket that
// contains NaN (a gap) keeps one NaN so the gap stays visible; the result
// then has one index more per such bucket.
//
// LTTB (Steinarsson 2013, "Downsampling time series for visual
// representation", ch. 4) splits the interior points into n-2 buckets of
// equal count and keeps, in each, the point forming the largest triangle
// with the point kept in the previous bucket and the mean of the next
// bucket: area = |(ax-cx)(by-ay) - (ax-bx)(cy-ay)|/2.
//
// MinMax splits the x range into n/2 buckets of equal width (pixel columns)
// and keeps the minimum and the maximum of each, so every extreme survives
// exactly (the drawn envelope equals the data's).
func (d Downsampler) Indices(x, y []float64, n int) []int {
	if n >= len(y) || n < 3 {
		if n >= len(y) {
			return allIndices(len(y))
		}
		n = 3
		if n >= len(y) {
			return allIndices(len(y))
		}
	}
	at := func(i int) float64 {
		if x == nil {
			return float64(i)
		}
		return x[i]
	}
	if d == MinMax {
		return minMaxIndices(at, y, n)
	}
	return lttbIndices(at, y, n)
}

func allIndices(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// lttbBucket returns the start of interior bucket i of LTTB over N points
// and n kept points: buckets 0..n-3 cover indices 1..N-2, and bucket n-2
// starts at N-1 (the last point).
func lttbBucket(i, N, n int) int { return 1 + i*(N-2)/(n-2) }

func lttbIndices(at func(int) float64, y []float64, n int) []int {
	N := len(y)
	out := make([]int, 0, n+8)
	out = append(out, 0)
	a := 0 // last kept point with a finite y, or -1 before the first
	if math.IsNaN(y[0]) {
		a = -1
	}
	for i := 0; i < n-2; i++ {
		start, end := lttbBucket(i, N, n), lttbBucket(i+1, N, n)
		nextEnd := N
		if i+2 <= n-2 {
			nextEnd = lttbBucket(i+2, N, n)
		}
		// Mean of the next bucket's finite points.
		var cx, cy float64
		cnt := 0
		for j := end; j < nextEnd; j++ {
			if !math.IsNaN(y[j]) {
				cx += at(j)
				cy += y[j]
				cnt++
			}
		}
		best, firstNaN := -1, -1
		bestArea := -1.0
		for j := start; j < end; j++ {
			if math.IsNaN(y[j]) {
				if firstNaN < 0 {
					firstNaN = j
				}
				continue
			}
			if a < 0 || cnt == 0 {
				// No anchor or no next mean: keep the first finite point.
				if best < 0 {
					best = j
				}
				continue
			}
			ax, ay := at(a), y[a]
			mx, my := cx/float64(cnt), cy/float64(cnt)
			area := math.Abs((ax-mx)*(y[j]-ay) - (ax-at(j))*(my-ay))
			if area > bestArea {
				best, bestArea = j, area
			}
		}
		switch {
		case best >= 0 && firstNaN >= 0:
			out = append(out, min(best, firstNaN), max(best, firstNaN))
		case best >= 0:
			out = append(out, best)
		case firstNaN >= 0:
			out = append(out, firstNaN)
		}
		if best >= 0 {
			a = best
		}
	}
	return append(out, N-1)
}

func minMaxIndices(at func(int) float64, y []float64, n int) []int {
	N := len(y)
	buckets := n / 2
	x0, x1 := at(0), at(N-1)
	width := (x1 - x0) / float64(buckets)
	bucketOf := func(j int) int {
		if !(width > 0) {
			return (j - 1) * buckets / (N - 2) // degenerate x: equal counts
		}
		b := int((at(j) - x0) / width)
		return min(max(b, 0), buckets-1)
	}
	out := make([]int, 0, n+8)
	out = append(out, 0)
	lo, hi, nan, cur := -1, -1, -1, -1
	flush := func() {
		var k [3]int
		m := 0
		for _, v := range [...]int{lo, hi, nan} {
			if v >= 0 {
				k[m] = v
				m++
			}
		}
		// Sort the (at most three) indices and drop duplicates (lo == hi).
		for i := 1; i < m; i++ {
			for j := i; j > 0 && k[j] < k[j-1]; j-- {
				k[j], k[j-1] = k[j-1], k[j]
			}
		}
		for i := 0; i < m; i++ {
			if i == 0 || k[i] != k[i-1] {
				out = append(out, k[i])
			}
		}
		lo, hi, nan = -1, -1, -1
	}
	for j := 1; j < N-1; j++ {
		if b := bucketOf(j); b != cur {
			flush()
			cur = b
		}
		v := y[j]
		switch {
		case math.IsNaN(v):
			if nan < 0 {
				nan = j
			}
		case lo < 0:
			lo, hi = j, j
		case v < y[lo]:
			lo = j
		case v > y[hi]:
			hi = j
		}
	}
	flush()
	return append(out, N-1)
}
