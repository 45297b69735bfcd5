package run_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/run"
)

// Oracle: the documented names and the zero value's meaning.
func TestStatusZeroValueIsNotTerminated(t *testing.T) {
	var s run.Status
	if s != run.NotTerminated || s.String() != "NotTerminated" {
		t.Fatalf("zero Status = %v", s)
	}
	for s := run.NotTerminated; s <= run.ObjectiveDecreased; s++ {
		if strings.HasPrefix(s.String(), "Status(") {
			t.Errorf("Status %d has no name", int(s))
		}
	}
	if got := run.Status(99).String(); got != "Status(99)" {
		t.Errorf("unknown status prints %q", got)
	}
	if !run.NumericalFailure.Failed() || !run.ObjectiveDecreased.Failed() || run.Converged.Failed() || run.Stopped.Failed() {
		t.Error("Failed() is wrong")
	}
}

func TestProgressReportStopsOnErrors(t *testing.T) {
	var nilP run.Progress
	if stop, err := nilP.Report(run.Step{Iteration: 1}); stop || err != nil {
		t.Errorf("nil progress: stop=%v err=%v", stop, err)
	}
	goOn := run.Progress(func(run.Step) error { return nil })
	if stop, err := goOn.Report(run.Step{Iteration: 1}); stop || err != nil {
		t.Errorf("nil error: stop=%v err=%v", stop, err)
	}
	stopper := run.Progress(func(run.Step) error { return fmt.Errorf("enough: %w", run.ErrStop) })
	if stop, err := stopper.Report(run.Step{Iteration: 1}); !stop || err != nil {
		t.Errorf("ErrStop: stop=%v err=%v", stop, err)
	}
	boom := errors.New("disk full")
	failer := run.Progress(func(run.Step) error { return boom })
	stop, err := failer.Report(run.Step{Iteration: 7})
	if !stop || !errors.Is(err, boom) || !strings.Contains(err.Error(), "iteration 7") {
		t.Errorf("other error: stop=%v err=%v", stop, err)
	}
}

func TestConvergedAndDefaults(t *testing.T) {
	if !run.Settled(100, 100.0001, 1e-5) || run.Settled(100, 101, 1e-5) {
		t.Error("Settled relative test is wrong")
	}
	if run.Settled(1, 1, -1) || run.Settled(1, 1, 0) {
		t.Error("a non-positive tolerance must never converge")
	}
	if run.Iterations(0, 100) != 100 || run.Iterations(-3, 100) != 100 || run.Iterations(7, 100) != 7 {
		t.Error("Iterations default is wrong")
	}
	if run.Tolerance(0, 1e-8) != 1e-8 || run.Tolerance(-1, 1e-8) != -1 || run.Tolerance(1e-3, 1e-8) != 1e-3 {
		t.Error("Tolerance default is wrong")
	}
}

func TestStepString(t *testing.T) {
	cases := map[string]run.Step{
		"iteration 3/100 · log-likelihood = -12.5": {Iteration: 3, MaxIterations: 100, Metric: "log-likelihood", Value: -12.5},
		"iteration 3": {Iteration: 3, Metric: "loss", Value: math.NaN()},
	}
	for want, s := range cases {
		if got := s.String(); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

// A Progress that stops a run after a fixed number of iterations.
func ExampleProgress() {
	var seen []float64
	progress := run.Progress(func(s run.Step) error {
		seen = append(seen, s.Value)
		if s.Iteration == 3 {
			return run.ErrStop
		}
		return nil
	})
	for it := 1; it <= 10; it++ {
		if stop, err := progress.Report(run.Step{Iteration: it, MaxIterations: 10, Metric: "loss", Value: 1 / float64(it)}); stop {
			fmt.Println("stopped after", it, "iterations, error:", err)
			break
		}
	}
	fmt.Printf("%.3f\n", seen)
	// Output:
	// stopped after 3 iterations, error: <nil>
	// [1.000 0.500 0.333]
}

// Oracle: git itself. The revision is HEAD's full hash (with +dirty when
// the tree has changes); outside a checkout it is an error.
func TestRevisionIsGitHEAD(t *testing.T) {
	rev, err := run.Revision(".")
	if err != nil {
		t.Skipf("not in a git checkout: %v", err)
	}
	if h := strings.TrimSuffix(rev, "+dirty"); len(h) != 40 {
		t.Errorf("revision %q is not a full hash", rev)
	}
	if _, err := run.Revision(t.TempDir()); err == nil {
		t.Error("a folder outside any checkout has a revision")
	}
}
