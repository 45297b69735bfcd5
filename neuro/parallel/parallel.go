// Package parallel is the one deterministic parallel loop of neuro/.
//
// For runs a body for every index of a range on a fixed number of
// goroutines. Results do not depend on the number of workers as long as
// body(i) writes only to what belongs to index i (slot i of an output, or
// the scratch of its worker). Reductions (sums of per-trial statistics)
// stay deterministic by summing into per-chunk accumulators with Chunks,
// whose boundaries do not depend on the number of workers, and then adding
// the chunks in order: floating-point addition is not associative, so a
// sum whose order depends on scheduling would change in its last digits
// from run to run.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Workers returns w when positive and runtime.GOMAXPROCS(0) otherwise, the
// meaning of a Settings.Workers field of 0.
func Workers(w int) int {
	if w > 0 {
		return w
	}
	return runtime.GOMAXPROCS(0)
}

// For calls body(worker, i) once for every i in [0, n), on at most
// Workers(workers) goroutines, and returns when all calls have returned.
// worker, in [0, Workers(workers)), names the goroutine running the call so
// that body can use per-worker scratch memory without locking. Indices are
// handed out in increasing order; which worker runs which index is not
// fixed. With one worker (or n ≤ 1) everything runs on the caller's
// goroutine.
func For(n, workers int, body func(worker, i int)) {
	if n <= 0 {
		return
	}
	w := min(Workers(workers), n)
	if w == 1 {
		for i := 0; i < n; i++ {
			body(0, i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for k := 0; k < w; k++ {
		wg.Add(1)
		go func(worker int) {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				body(worker, i)
			}
		}(k)
	}
	wg.Wait()
}

// ForErr is For for a body that can fail. Once a call fails no new index is
// started; ForErr returns the error of the lowest failing index among the
// indices that ran, so with one failing index the error does not depend on
// scheduling.
func ForErr(n, workers int, body func(worker, i int) error) error {
	if n <= 0 {
		return nil
	}
	var (
		mu       sync.Mutex
		failed   atomic.Bool
		firstIdx = n
		firstErr error
	)
	For(n, workers, func(worker, i int) {
		if failed.Load() {
			return
		}
		if err := body(worker, i); err != nil {
			failed.Store(true)
			mu.Lock()
			if i < firstIdx {
				firstIdx, firstErr = i, err
			}
			mu.Unlock()
		}
	})
	return firstErr
}

// Chunks splits [0, n) into min(n, maxChunks) contiguous chunks of nearly
// equal size, as [lo, hi) pairs in order. The boundaries depend only on n
// and maxChunks, never on the number of workers: accumulate per chunk, then
// add the chunks in order, and a sum is the same on any machine.
func Chunks(n, maxChunks int) [][2]int {
	if n <= 0 {
		return nil
	}
	c := min(n, max(maxChunks, 1))
	out := make([][2]int, c)
	for k := range out {
		out[k] = [2]int{k * n / c, (k + 1) * n / c}
	}
	return out
}
