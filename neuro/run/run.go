// Package run is the vocabulary every iterative routine of neuro/ shares,
// so that a user who learned one package can guess the next:
//
//   - Status says why a run stopped. Its zero value, NotTerminated, is never
//     returned by a finished run, so an unset Result cannot read "converged".
//   - Progress is the one callback type. It receives a Step (iteration,
//     iteration budget, the name and value of the run's metric) and can stop
//     the run by returning an error; ErrStop stops it without an error.
//   - Stats holds what every Result reports: Status, the final value of the
//     objective, the number of iterations and the wall time.
//
// Settings structs of neuro/ follow one convention, checked by a test that
// walks the exported API:
//
//   - MaxIterations int: an iteration budget; 0 means the package's
//     documented default.
//   - Tolerance float64: a run stops when the objective changes by at most
//     Tolerance relative to its size (see Settled); 0 means the documented
//     default and a negative value means "never stop early".
//   - Seed uint64: the seed of every random stream the run draws from.
//     Functions that draw samples for the caller take a *rand.Rand as their
//     first argument instead.
//   - Workers int: goroutines; 0 means runtime.GOMAXPROCS(0). Results never
//     depend on it (see neuro/parallel).
//   - Progress Progress: called after each iteration; nil means silent.
//
// A nil *Settings means every default. widgets.Progress.Record is a
// Progress, so a progress bar plugs into any Settings.Progress.
package run

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Status says why a run stopped.
type Status int

const (
	// NotTerminated is the zero value: the run has not finished (or the
	// Result was never filled in). A finished run never reports it.
	NotTerminated Status = iota
	// Converged: the run's convergence criterion was met (typically the
	// relative change of the objective fell to Settings.Tolerance).
	Converged
	// Finished: the run reached its natural end, such as a generator
	// emitting its stop token or a fixed schedule completing.
	Finished
	// IterationLimit: Settings.MaxIterations (or an equivalent budget such
	// as a number of tokens to generate) was used up.
	IterationLimit
	// ResourceLimit: a size limit other than the iteration budget was
	// reached, such as a model's context window.
	ResourceLimit
	// Stopped: the Progress callback asked the run to stop.
	Stopped
	// NumericalFailure: a value became non-finite or a matrix lost the
	// property the method needs (positive definiteness, invertibility).
	NumericalFailure
	// ObjectiveDecreased: an objective that the method guarantees not to
	// decrease (EM's log-likelihood) fell by more than rounding allows.
	ObjectiveDecreased
)

var statusNames = [...]string{
	NotTerminated:      "NotTerminated",
	Converged:          "Converged",
	Finished:           "Finished",
	IterationLimit:     "IterationLimit",
	ResourceLimit:      "ResourceLimit",
	Stopped:            "Stopped",
	NumericalFailure:   "NumericalFailure",
	ObjectiveDecreased: "ObjectiveDecreased",
}

// String returns the constant's name.
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Failed reports whether the run ended on a failure (NumericalFailure or
// ObjectiveDecreased) rather than on a criterion, a budget or a request.
func (s Status) Failed() bool { return s == NumericalFailure || s == ObjectiveDecreased }

// Step is what a run reports after each iteration.
type Step struct {
	// Iteration counts completed iterations: 1 after the first.
	Iteration int
	// MaxIterations is the budget of the run (0 when it has none).
	MaxIterations int
	// Metric names Value ("log-likelihood", "objective", "loss", ...), so
	// a progress bar or a log line can say what it shows.
	Metric string
	// Value is the metric after this iteration (NaN when not available).
	Value float64
}

// String formats the step as "iteration 3/100 · log-likelihood = -12.5".
func (s Step) String() string {
	it := fmt.Sprintf("iteration %d", s.Iteration)
	if s.MaxIterations > 0 {
		it += fmt.Sprintf("/%d", s.MaxIterations)
	}
	if s.Metric == "" || math.IsNaN(s.Value) {
		return it
	}
	return fmt.Sprintf("%s · %s = %.6g", it, s.Metric, s.Value)
}

// Progress is called by a run after each iteration. Returning a non-nil
// error stops the run with Status Stopped: ErrStop (or an error wrapping it)
// is a normal stop and the run returns no error; any other error is
// returned by the run, wrapped. A Progress is called from one goroutine at
// a time.
type Progress func(Step) error

// ErrStop, returned by a Progress, stops a run without an error.
var ErrStop = errors.New("run: stopped by the progress callback")

// Report calls p (a nil p does nothing) and says whether the run must stop
// and with which error: (false, nil) to go on, (true, nil) for ErrStop,
// (true, err) otherwise.
func (p Progress) Report(s Step) (stop bool, err error) {
	if p == nil {
		return false, nil
	}
	err = p(s)
	if err == nil {
		return false, nil
	}
	if errors.Is(err, ErrStop) {
		return true, nil
	}
	return true, fmt.Errorf("stopped by the progress callback at iteration %d: %w", s.Iteration, err)
}

// Stats are the fields every Result of neuro/ carries.
type Stats struct {
	// Status says why the run stopped.
	Status Status
	// Objective is the final value of the run's metric (the one its
	// Progress steps report).
	Objective float64
	// Iterations is the number of completed iterations.
	Iterations int
	// Runtime is the wall time of the run.
	Runtime time.Duration
}

// Settled reports whether the change from prev to cur is small enough to
// stop: |cur − prev| ≤ tol·|cur|. A tol ≤ 0 (the Settings convention for
// "never stop early" once defaults are applied) never settles.
func Settled(prev, cur, tol float64) bool {
	return tol > 0 && math.Abs(cur-prev) <= tol*math.Abs(cur)
}

// Iterations returns the iteration budget from a Settings field: n when
// positive, def otherwise.
func Iterations(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}

// Tolerance returns the tolerance from a Settings field: def when tol is 0,
// tol otherwise (negative: never stop early, see Settled).
func Tolerance(tol, def float64) float64 {
	if tol == 0 {
		return def
	}
	return tol
}
