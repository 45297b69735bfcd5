package similarity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/replicates"
	"github.com/neuronb/neuronb/neuro/run"
)

// Measure is any similarity between two representations of the same
// stimuli, such as LinearCKA or a closure over CCA with a fixed k.
type Measure func(x, y mat.Matrix) (float64, error)

// ResampleSettings tunes Bootstrap and PermutationTest. A nil
// *ResampleSettings means the defaults documented on each field; a zero
// field means its default.
type ResampleSettings struct {
	// Resamples is the number of bootstrap resamples or permutations.
	// Default 1000.
	Resamples int
	// Level is the confidence level of the bootstrap interval, in (0, 1).
	// Default 0.95.
	Level float64
	// Seed makes the draws reproducible; resample r uses its own stream
	// PCG(Seed, r), so results do not depend on Workers.
	Seed uint64
	// Workers evaluate resamples in parallel; 0 means
	// runtime.GOMAXPROCS(0). Results do not depend on it.
	Workers int
	// Progress, if not nil, is called after every resample, in resample
	// order, with the metric "resampled value" (NaN when the measure
	// failed on it). It can stop the run (see run.Progress): the result
	// then uses the resamples up to the stop.
	Progress run.Progress `json:"-"`
}

func (s *ResampleSettings) defaults() (ResampleSettings, error) {
	var d ResampleSettings
	if s != nil {
		d = *s
	}
	d.Resamples = run.Iterations(d.Resamples, 1000)
	if d.Level == 0 {
		d.Level = 0.95
	}
	if !(d.Level > 0 && d.Level < 1) {
		return d, fmt.Errorf("similarity: ResampleSettings.Level = %v; want a confidence level in (0, 1) (0 for 0.95)", d.Level)
	}
	return d, nil
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
	// Stats: Status is Finished, or Stopped by Progress; Iterations counts
	// the resamples evaluated; Objective is Estimate.
	run.Stats
}

// Bootstrap returns a percentile confidence interval for measure(X, Y) by
// resampling stimuli (rows, the same ones in X and Y) with replacement.
func Bootstrap(x, y mat.Matrix, measure Measure, s *ResampleSettings) (*Interval, error) {
	start := time.Now()
	set, err := s.defaults()
	if err != nil {
		return nil, err
	}
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
	rs, err := resample(set, func(r int, rng *rand.Rand) (float64, error) {
		idx := make([]int, p)
		for i := range idx {
			idx[i] = rng.IntN(p)
		}
		return measure(rowsOf(xd, idx), rowsOf(yd, idx))
	})
	if len(rs.vals) == 0 {
		if err == nil {
			err = fmt.Errorf("similarity: all %d bootstrap resamples failed", rs.done)
		}
		return nil, err
	}
	vals := rs.vals
	sort.Float64s(vals)
	alpha := (1 - set.Level) / 2
	iv := &Interval{
		Estimate: est, Lower: quantile(vals, alpha), Upper: quantile(vals, 1-alpha), Level: set.Level,
		Resamples: rs.done, Failed: rs.done - len(vals),
	}
	if len(vals) > 1 {
		iv.SE = replicates.MustSummarize(vals).SD
	}
	iv.Status, iv.Iterations, iv.Objective, iv.Runtime = rs.status, rs.done, est, time.Since(start)
	return iv, err
}

// PermutationResult is the outcome of a permutation test.
type PermutationResult struct {
	// Observed is measure(X, Y); PValue = (1 + #{null ≥ Observed}) /
	// (1 + permutations), the one-sided p-value for similarity above chance.
	Observed, PValue float64
	// Null holds the measure under each permutation of Y's stimuli.
	Null   []float64
	Failed int
	// Stats: Status is Finished, or Stopped by Progress; Iterations counts
	// the permutations evaluated; Objective is Observed.
	run.Stats
}

// PermutationTest tests whether measure(X, Y) exceeds what unrelated
// representations give, by shuffling which stimulus each row of Y belongs
// to.
func PermutationTest(x, y mat.Matrix, measure Measure, s *ResampleSettings) (*PermutationResult, error) {
	start := time.Now()
	set, err := s.defaults()
	if err != nil {
		return nil, err
	}
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
	rs, err := resample(set, func(r int, rng *rand.Rand) (float64, error) {
		return measure(x, rowsOf(yd, rng.Perm(p)))
	})
	if len(rs.vals) == 0 {
		if err == nil {
			err = fmt.Errorf("similarity: all %d permutations failed", rs.done)
		}
		return nil, err
	}
	var ge int
	for _, v := range rs.vals {
		if v >= obs {
			ge++
		}
	}
	pr := &PermutationResult{Observed: obs, PValue: float64(1+ge) / float64(1+len(rs.vals)), Null: rs.vals, Failed: rs.done - len(rs.vals)}
	pr.Status, pr.Iterations, pr.Objective, pr.Runtime = rs.status, rs.done, obs, time.Since(start)
	return pr, err
}

// resampled is the outcome of resample.
type resampled struct {
	vals   []float64 // successful values in resample order
	done   int       // resamples evaluated (all, or up to a stop)
	status run.Status
}

// resample evaluates f for each resample with its own random stream, in
// batches run in parallel whose progress is reported in resample order, so
// that a stop after resample r keeps resamples 0…r on any number of
// workers. The error is that of Progress, if it stopped the run with one.
func resample(set ResampleSettings, f func(int, *rand.Rand) (float64, error)) (resampled, error) {
	vals := make([]float64, set.Resamples)
	ok := make([]bool, set.Resamples)
	out := resampled{status: run.Finished}
	batch := 4 * parallel.Workers(set.Workers)
	var stopErr error
	for lo := 0; lo < set.Resamples && out.status == run.Finished; lo += batch {
		hi := min(lo+batch, set.Resamples)
		parallel.For(hi-lo, set.Workers, func(_, k int) {
			r := lo + k
			v, err := f(r, rand.New(rand.NewPCG(set.Seed, uint64(r))))
			vals[r], ok[r] = v, err == nil && !math.IsNaN(v)
		})
		for r := lo; r < hi; r++ {
			out.done = r + 1
			v := vals[r]
			if !ok[r] {
				v = math.NaN()
			}
			if stop, err := set.Progress.Report(run.Step{Iteration: r + 1, MaxIterations: set.Resamples, Metric: "resampled value", Value: v}); stop {
				out.status, stopErr = run.Stopped, err
				break
			}
		}
	}
	for r := 0; r < out.done; r++ {
		if ok[r] {
			out.vals = append(out.vals, vals[r])
		}
	}
	return out, stopErr
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
