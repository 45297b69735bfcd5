// Package em is the one expectation-maximisation driver of neuro/, shaped
// like dynamax's fit_em: the model supplies an E-step that returns
// sufficient statistics together with the objective of the parameters it
// was run at, and an M-step that turns statistics into new parameters; Fit
// is the loop between them. It records the objective per iteration (so the
// user can plot convergence), stops on convergence, on the iteration
// budget, on a request of the Progress callback, on a non-finite objective
// and on a decrease that EM forbids, and always returns the last good
// parameters.
//
// Any monotone alternating scheme fits the same loop: exact EM (neuro/lds),
// MAP expectation-conditional maximisation (neuro/clds), where the
// objective is the log-joint.
package em

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/neuronb/neuronb/neuro/run"
)

// DecreaseTolerance is the largest relative decrease of the objective
// between iterations attributed to rounding rather than failure.
const DecreaseTolerance = 1e-9

// EStep computes the sufficient statistics of the data under params and
// the objective at params (for EM, the marginal log-likelihood, plus the
// log-prior for MAP). An error is a numerical failure.
type EStep[P, S any] func(params P) (stats S, objective float64, err error)

// MStep returns parameters that do not decrease the objective, from the
// current parameters and the statistics the E-step computed under them. It
// must not modify params. An error is a numerical failure.
type MStep[P, S any] func(params P, stats S) (P, error)

// Settings configures Fit. Unlike the Settings of the model packages,
// which apply their own documented defaults before calling Fit, every
// field is used as given.
type Settings struct {
	// MaxIterations is the iteration budget; it must be positive.
	MaxIterations int
	// Tolerance stops the loop when the objective changes by at most
	// Tolerance·|objective| (run.Settled); ≤ 0 never stops early.
	Tolerance float64
	// Metric names the objective in the Steps given to Progress
	// ("log-likelihood", "log-joint").
	Metric string
	// Progress, when not nil, is called after every iteration.
	Progress run.Progress
}

// Result is the outcome of Fit.
type Result[P any] struct {
	// Params are the fitted parameters: the last good ones when the loop
	// stopped on a failure.
	Params P
	// Stats: Objective is Params' objective.
	run.Stats
	// Trace[k] is the objective after k iterations (Trace[0]: the initial
	// parameters); the last entry is Params'.
	Trace []float64
	// Err says why the loop stopped on NumericalFailure, on
	// ObjectiveDecreased or on an error of the Progress callback.
	Err error
}

// ErrSettings reports a Settings value Fit cannot use.
var ErrSettings = errors.New("em: invalid settings")

// Fit runs EM from init. The E-step at init gives the first entry of the
// trace; each iteration is one M-step followed by the E-step at the new
// parameters, accepted when its objective is finite and not lower than the
// previous one by more than DecreaseTolerance relative. On a failure Fit
// returns the Result (holding the last accepted parameters, Status
// NumericalFailure or ObjectiveDecreased) together with the error; an
// error of the Progress callback other than run.ErrStop is returned the
// same way with Status Stopped. init is never modified by Fit itself.
func Fit[P, S any](init P, estep EStep[P, S], mstep MStep[P, S], set Settings) (*Result[P], error) {
	if set.MaxIterations <= 0 {
		return nil, fmt.Errorf("%w: MaxIterations = %d, want > 0", ErrSettings, set.MaxIterations)
	}
	start := time.Now()
	res := &Result[P]{Params: init}
	fail := func(status run.Status, err error) (*Result[P], error) {
		res.Status, res.Err, res.Runtime = status, err, time.Since(start)
		return res, err
	}
	stats, obj, err := estep(init)
	if err != nil {
		return fail(run.NumericalFailure, fmt.Errorf("E-step at the initial parameters: %w", err))
	}
	if math.IsNaN(obj) || math.IsInf(obj, 0) {
		return fail(run.NumericalFailure, fmt.Errorf("the objective at the initial parameters is %v", obj))
	}
	res.Objective = obj
	res.Trace = append(res.Trace, obj)
	for it := 1; ; it++ {
		next, err := mstep(res.Params, stats)
		if err != nil {
			return fail(run.NumericalFailure, fmt.Errorf("iteration %d: M-step: %w", it, err))
		}
		nstats, nobj, err := estep(next)
		if err != nil {
			return fail(run.NumericalFailure, fmt.Errorf("iteration %d: E-step: %w", it, err))
		}
		if math.IsNaN(nobj) || math.IsInf(nobj, 0) {
			return fail(run.NumericalFailure, fmt.Errorf("iteration %d: objective is %v", it, nobj))
		}
		if nobj < obj-DecreaseTolerance*math.Abs(obj) {
			return fail(run.ObjectiveDecreased, fmt.Errorf("iteration %d: objective decreased from %.10g to %.10g", it, obj, nobj))
		}
		res.Params, stats = next, nstats
		res.Trace = append(res.Trace, nobj)
		res.Objective, res.Iterations = nobj, it
		converged := run.Settled(obj, nobj, set.Tolerance)
		obj = nobj
		if stop, err := set.Progress.Report(run.Step{Iteration: it, MaxIterations: set.MaxIterations, Metric: set.Metric, Value: nobj}); stop {
			if err != nil {
				return fail(run.Stopped, err)
			}
			res.Status = run.Stopped
			break
		}
		if converged {
			res.Status = run.Converged
			break
		}
		if it >= set.MaxIterations {
			res.Status = run.IterationLimit
			break
		}
	}
	res.Runtime = time.Since(start)
	return res, nil
}
