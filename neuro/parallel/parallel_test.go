package parallel_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/neuronb/neuronb/neuro/parallel"
)

// Oracle: a counter per index (each index exactly once, worker ids in range).
func TestForRunsEveryIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 1000} {
		for _, w := range []int{0, 1, 3, 64} {
			counts := make([]atomic.Int32, n)
			var bad atomic.Bool
			parallel.For(n, w, func(worker, i int) {
				if worker < 0 || worker >= parallel.Workers(w) {
					bad.Store(true)
				}
				counts[i].Add(1)
			})
			for i := range counts {
				if c := counts[i].Load(); c != 1 {
					t.Fatalf("n=%d workers=%d: index %d ran %d times", n, w, i, c)
				}
			}
			if bad.Load() {
				t.Fatalf("n=%d workers=%d: worker id out of range", n, w)
			}
		}
	}
}

// chunkedSum sums x with per-chunk accumulators added in chunk order.
func chunkedSum(x []float64, workers int) float64 {
	chunks := parallel.Chunks(len(x), 64)
	part := make([]float64, len(chunks))
	parallel.For(len(chunks), workers, func(_, c int) {
		for i := chunks[c][0]; i < chunks[c][1]; i++ {
			part[c] += x[i]
		}
	})
	s := 0.0
	for _, p := range part {
		s += p
	}
	return s
}

// Oracle: the same chunked sum computed serially; bit-for-bit equality for
// every worker count, on values whose sum depends on the order of addition.
func TestChunkedSumDoesNotDependOnWorkers(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 10007)
	for i := range x {
		x[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(12)))
	}
	want := chunkedSum(x, 1)
	for _, w := range []int{2, 3, 8, 17} {
		for rep := 0; rep < 5; rep++ {
			if got := chunkedSum(x, w); got != want {
				t.Fatalf("workers=%d: sum %v, serial %v", w, got, want)
			}
		}
	}
}

func TestChunksCoverTheRangeInOrder(t *testing.T) {
	for _, n := range []int{1, 5, 64, 65, 1000} {
		for _, m := range []int{0, 1, 7, 64} {
			c := parallel.Chunks(n, m)
			if len(c) != min(n, max(m, 1)) {
				t.Fatalf("n=%d max=%d: %d chunks", n, m, len(c))
			}
			lo := 0
			for _, ch := range c {
				if ch[0] != lo || ch[1] <= ch[0] {
					t.Fatalf("n=%d max=%d: chunks %v", n, m, c)
				}
				lo = ch[1]
			}
			if lo != n {
				t.Fatalf("n=%d max=%d: chunks end at %d", n, m, lo)
			}
		}
	}
	if parallel.Chunks(0, 8) != nil {
		t.Error("no chunks for an empty range")
	}
}

// Oracle: with one failing index the error is that index's, whatever the
// number of workers.
func TestForErrReturnsTheFailingIndex(t *testing.T) {
	for _, w := range []int{1, 2, 8} {
		err := parallel.ForErr(100, w, func(_, i int) error {
			if i == 42 {
				return fmt.Errorf("item %d failed", i)
			}
			return nil
		})
		if err == nil || err.Error() != "item 42 failed" {
			t.Fatalf("workers=%d: %v", w, err)
		}
	}
	if err := parallel.ForErr(10, 3, func(_, i int) error { return nil }); err != nil {
		t.Fatal(err)
	}
	// Several failures: the lowest index among those that ran.
	err := parallel.ForErr(50, 1, func(_, i int) error {
		if i%10 == 9 {
			return errors.New(fmt.Sprint(i))
		}
		return nil
	})
	if err == nil || err.Error() != "9" {
		t.Fatalf("serial: %v", err)
	}
}

// Squares of 0..7 computed on two workers, each written to its own slot.
func ExampleFor() {
	out := make([]int, 8)
	parallel.For(len(out), 2, func(_, i int) { out[i] = i * i })
	fmt.Println(out)
	// Output: [0 1 4 9 16 25 36 49]
}
