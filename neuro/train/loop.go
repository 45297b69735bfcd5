package train

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/neuronb/neuronb/neuro/run"
)

// Metric is the name of the value a training run reports to its Progress
// and stores in Result.Objective: the loss of the step's batch.
const Metric = "loss"

// DefaultIterations is the number of steps Loop runs when
// Settings.MaxIterations is 0.
const DefaultIterations = 1000

// Settings configures Loop. A nil *Settings means the defaults.
type Settings struct {
	// MaxIterations is the number of optimisation steps (0 means
	// DefaultIterations). Minibatch losses are noisy, so a training run has
	// no tolerance: it runs its steps unless Progress stops it.
	MaxIterations int
	// Seed seeds the random stream handed to every step (batches, dropout).
	Seed uint64
	// Progress is called after every step with the step's loss (Metric);
	// returning run.ErrStop ends training early with Status Stopped.
	Progress run.Progress
}

// Result is the outcome of Loop.
type Result struct {
	// Stats: Status is IterationLimit when every step ran, Stopped when
	// Progress ended the run, NumericalFailure when a loss was not finite;
	// Objective is the loss of the last completed step.
	run.Stats
	// Loss[i] is the loss of step i+1.
	Loss []float64
}

// TailMean returns the mean loss of the last n steps (all of them when
// fewer ran), a less noisy summary of where training ended than the last
// batch's loss; NaN when no step ran.
func (r *Result) TailMean(n int) float64 {
	k := min(max(n, 1), len(r.Loss))
	if k == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, v := range r.Loss[len(r.Loss)-k:] {
		s += v
	}
	return s / float64(k)
}

// StepFunc runs one optimisation step (iteration counts from 1): draw a
// batch from rng, compute the gradients, update the parameters (an
// optimizer's Step), and return the batch's loss before the update.
type StepFunc func(iteration int, rng *rand.Rand) (loss float64, err error)

// Loop runs step MaxIterations times with one random stream seeded by
// Settings.Seed, records the losses and reports each to Progress. A step's
// error, or a loss that is not finite, ends the run: Loop then returns the
// Result so far (Status NumericalFailure for a non-finite loss, Stopped for
// an error of the step or of Progress) together with the error.
func Loop(step StepFunc, s *Settings) (*Result, error) {
	if step == nil {
		return nil, errors.New("train: Loop: nil step function")
	}
	var set Settings
	if s != nil {
		set = *s
	}
	if set.MaxIterations < 0 {
		return nil, fmt.Errorf("train: Loop: MaxIterations = %d, want ≥ 0 (0 means %d)", set.MaxIterations, DefaultIterations)
	}
	n := run.Iterations(set.MaxIterations, DefaultIterations)
	rng := rand.New(rand.NewPCG(set.Seed, 0x7a41))
	start := time.Now()
	res := &Result{Loss: make([]float64, 0, n)}
	fail := func(status run.Status, err error) (*Result, error) {
		res.Status, res.Runtime = status, time.Since(start)
		return res, err
	}
	for it := 1; it <= n; it++ {
		loss, err := step(it, rng)
		if err != nil {
			return fail(run.Stopped, fmt.Errorf("train: step %d: %w", it, err))
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return fail(run.NumericalFailure, fmt.Errorf("train: step %d: the loss is %v", it, loss))
		}
		res.Loss = append(res.Loss, loss)
		res.Objective, res.Iterations = loss, it
		if stop, err := set.Progress.Report(run.Step{Iteration: it, MaxIterations: n, Metric: Metric, Value: loss}); stop {
			if err != nil {
				return fail(run.Stopped, err)
			}
			res.Status = run.Stopped
			res.Runtime = time.Since(start)
			return res, nil
		}
	}
	res.Status, res.Runtime = run.IterationLimit, time.Since(start)
	return res, nil
}
