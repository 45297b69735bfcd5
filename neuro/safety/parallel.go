package safety

import (
	"runtime"
	"sync"
)

// forEach runs fn(i) for i < n on up to GOMAXPROCS goroutines, each
// taking a contiguous block of indices (so per-block partial results can
// be merged in a fixed order), and returns the error of the lowest index
// that failed. fn receives its block number for per-block scratch memory.
func forEach(n int, fn func(block, i int) error) error {
	blocks := min(runtime.GOMAXPROCS(0), n)
	if blocks <= 1 {
		for i := 0; i < n; i++ {
			if err := fn(0, i); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for b := 0; b < blocks; b++ {
		wg.Add(1)
		go func(b int) {
			defer wg.Done()
			for i := b * n / blocks; i < (b+1)*n/blocks; i++ {
				if errs[i] = fn(b, i); errs[i] != nil {
					return
				}
			}
		}(b)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// numBlocks is the number of blocks forEach uses for n items.
func numBlocks(n int) int { return max(1, min(runtime.GOMAXPROCS(0), n)) }
