package similarity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// Measure is any similarity between two representations of the same
// stimuli, such as LinearCKA or a closure over CCA with a fixed k.
type Measure func(x, y mat.Matrix) (float64, error)

// ResampleSettings tunes Bootstrap and PermutationTest. A nil
// *ResampleSettings means the defaults documented on each field.
type ResampleSettings struct {
	// Resamples is the number of bootstrap resamples or permutations.
	// Default 1000.
	Resamples int
	// Level is the confidence level of the bootstrap interval. Default 0.95.
	Level float64
	// Seed makes the draws reproducible; resample r uses its own stream, so
	// results do not depend on Workers.
	Seed uint64
	// Workers evaluate resamples in parallel. Default runtime.GOMAXPROCS(0).
	Workers int
	// Progress, if not nil, is called after every resample with the number
	// done, the total and that resample's value.
	Progress func(iter, maxIter int, objective float64)
}

func (s *ResampleSettings) withDefaults() ResampleSettings {
	d := ResampleSettings{Resamples: 1000, Level: 0.95, Workers: runtime.GOMAXPROCS(0)}
	if s == nil {
		return d
	}
	if s.Resamples > 0 {
		d.Resamples = s.Resamples
	}
	if s.Level > 0 && s.Level < 1 {
		d.Level = s.Level
	}
	if s.Workers > 0 {
		d.Workers = s.Workers
	}
	d.Seed, d.Progress = s.Seed, s.Progress
	return d
}

// Interval is a bootstrap confidence interval.
type Interval struct {
	// Estimate is the measure on the original data; Lower and Upper the
	// percentile interval at Level; SE the bootstrap standard deviation.
	Estimate, Lower, Upper, SE float64
	Level                      float64
	// Resamples that were evaluated, and Failed those whose measure returned
	// an error (a resample with duplicated stimuli can, e.g., lose rank).
	Resamples, Failed int
}

// Bootstrap returns a percentile confidence interval for measure(X, Y) by
// resampling stimuli (rows, the same ones in X and Y) with replacement.
func Bootstrap(x, y mat.Matrix, measure Measure, s *ResampleSettings) (*Interval, error) {
	set := s.withDefaults()
	if measure == nil {
		return nil, fmt.Errorf("similarity: Bootstrap needs a measure (got nil)")
	}
	if err := checkPair(x, y); err != nil {
		return nil, err
	}
	est, err := measure(x, y)
	if err != nil {
		return nil, err
	}
	xd, yd := mat.DenseCopyOf(x), mat.DenseCopyOf(y)
	p, _ := xd.Dims()
	vals, failed := resample(set, func(r int, rng *rand.Rand) (float64, error) {
		idx := make([]int, p)
		for i := range idx {
			idx[i] = rng.IntN(p)
		}
		return measure(rowsOf(xd, idx), rowsOf(yd, idx))
	})
	if len(vals) == 0 {
		return nil, fmt.Errorf("similarity: all %d bootstrap resamples failed", set.Resamples)
	}
	sort.Float64s(vals)
	alpha := (1 - set.Level) / 2
	e := meanSE(vals)
	return &Interval{
		Estimate: est, Lower: quantile(vals, alpha), Upper: quantile(vals, 1-alpha),
		SE: e.SE * math.Sqrt(float64(len(vals))), Level: set.Level,
		Resamples: set.Resamples, Failed: failed,
	}, nil
}

// PermutationResult is the outcome of a permutation test.
type PermutationResult struct {
	// Observed is measure(X, Y); PValue = (1 + #{null ≥ Observed}) /
	// (1 + permutations), the one-sided p-value for similarity above chance.
	Observed, PValue float64
	// Null holds the measure under each permutation of Y's stimuli.
	Null   []float64
	Failed int
}

// PermutationTest tests whether measure(X, Y) exceeds what unrelated
// representations give, by shuffling which stimulus each row of Y belongs
// to.
func PermutationTest(x, y mat.Matrix, measure Measure, s *ResampleSettings) (*PermutationResult, error) {
	set := s.withDefaults()
	if measure == nil {
		return nil, fmt.Errorf("similarity: PermutationTest needs a measure (got nil)")
	}
	if err := checkPair(x, y); err != nil {
		return nil, err
	}
	obs, err := measure(x, y)
	if err != nil {
		return nil, err
	}
	yd := mat.DenseCopyOf(y)
	p, _ := yd.Dims()
	null, failed := resample(set, func(r int, rng *rand.Rand) (float64, error) {
		return measure(x, rowsOf(yd, rng.Perm(p)))
	})
	if len(null) == 0 {
		return nil, fmt.Errorf("similarity: all %d permutations failed", set.Resamples)
	}
	var ge int
	for _, v := range null {
		if v >= obs {
			ge++
		}
	}
	return &PermutationResult{Observed: obs, PValue: float64(1+ge) / float64(1+len(null)), Null: null, Failed: failed}, nil
}

// resample evaluates f for each resample in parallel with per-resample
// random streams, returning the successful values in resample order.
func resample(set ResampleSettings, f func(int, *rand.Rand) (float64, error)) ([]float64, int) {
	vals := make([]float64, set.Resamples)
	ok := make([]bool, set.Resamples)
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for w := 0; w < set.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range jobs {
				v, err := f(r, rand.New(rand.NewPCG(set.Seed, uint64(r))))
				vals[r], ok[r] = v, err == nil && !math.IsNaN(v)
				if set.Progress != nil {
					mu.Lock()
					done++
					set.Progress(done, set.Resamples, v)
					mu.Unlock()
				}
			}
		}()
	}
	for r := 0; r < set.Resamples; r++ {
		jobs <- r
	}
	close(jobs)
	wg.Wait()
	var out []float64
	for r, v := range vals {
		if ok[r] {
			out = append(out, v)
		}
	}
	return out, set.Resamples - len(out)
}

func rowsOf(x *mat.Dense, idx []int) *mat.Dense {
	_, c := x.Dims()
	out := mat.NewDense(len(idx), c, nil)
	for i, k := range idx {
		copy(out.RawRowView(i), x.RawRowView(k))
	}
	return out
}

// quantile returns the linearly interpolated q-quantile of sorted v.
func quantile(v []float64, q float64) float64 {
	pos := q * float64(len(v)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(v)-1)
	return v[lo] + (pos-float64(lo))*(v[hi]-v[lo])
}
