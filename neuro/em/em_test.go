package em_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/em"
	"github.com/neuronb/neuronb/neuro/run"
)

// scripted is an "EM" whose parameters are an iteration counter and whose
// objective at parameter k is obj[k].
func scripted(obj []float64) (em.EStep[int, int], em.MStep[int, int]) {
	e := func(k int) (int, float64, error) {
		if k >= len(obj) {
			return 0, 0, errors.New("ran past the script")
		}
		return k, obj[k], nil
	}
	m := func(k, stats int) (int, error) {
		if stats != k {
			return 0, fmt.Errorf("M-step got statistics %d for parameters %d", stats, k)
		}
		return k + 1, nil
	}
	return e, m
}

// Oracle: the scripted objective sequence, whose stopping point is known.
func TestFitStopsWhereTheSettingsSay(t *testing.T) {
	rising := []float64{-100, -50, -20, -10, -9.99999999, -9.99999999, -9.99999999, -9.99999999}
	cases := []struct {
		name     string
		obj      []float64
		set      em.Settings
		status   run.Status
		params   int
		hasError bool
	}{
		{"budget", rising, em.Settings{MaxIterations: 2, Tolerance: 1e-6}, run.IterationLimit, 2, false},
		{"converged", rising, em.Settings{MaxIterations: 7, Tolerance: 1e-6}, run.Converged, 4, false},
		{"never early", rising, em.Settings{MaxIterations: 7, Tolerance: -1}, run.IterationLimit, 7, false},
		{"decrease", []float64{-10, -5, -6}, em.Settings{MaxIterations: 5}, run.ObjectiveDecreased, 1, true},
		{"rounding is not a decrease", []float64{-10, -5, -5 - 1e-12, -4}, em.Settings{MaxIterations: 3}, run.IterationLimit, 3, false},
		{"NaN", []float64{-10, math.NaN()}, em.Settings{MaxIterations: 5}, run.NumericalFailure, 0, true},
		{"Inf at start", []float64{math.Inf(-1)}, em.Settings{MaxIterations: 5}, run.NumericalFailure, 0, true},
	}
	for _, c := range cases {
		e, m := scripted(c.obj)
		res, err := em.Fit(0, e, m, c.set)
		if res == nil {
			t.Fatalf("%s: nil result (%v)", c.name, err)
		}
		if res.Status != c.status || res.Params != c.params || (err != nil) != c.hasError || (res.Err != nil) != c.hasError {
			t.Errorf("%s: status %v params %d err %v, want %v %d error=%v", c.name, res.Status, res.Params, err, c.status, c.params, c.hasError)
		}
		if len(res.Trace) > 0 && len(res.Trace) != res.Params+1 {
			t.Errorf("%s: trace %v for params %d", c.name, res.Trace, res.Params)
		}
		if len(res.Trace) > 0 && res.Objective != res.Trace[len(res.Trace)-1] {
			t.Errorf("%s: Objective %v is not the trace's last %v", c.name, res.Objective, res.Trace)
		}
		if res.Iterations != max(len(res.Trace)-1, 0) {
			t.Errorf("%s: %d iterations, trace %v", c.name, res.Iterations, res.Trace)
		}
	}
}

func TestFitProgressCanStop(t *testing.T) {
	e, m := scripted([]float64{-5, -4, -3, -2, -1})
	var steps []run.Step
	res, err := em.Fit(0, e, m, em.Settings{MaxIterations: 4, Metric: "log-likelihood", Progress: func(s run.Step) error {
		steps = append(steps, s)
		if s.Iteration == 2 {
			return run.ErrStop
		}
		return nil
	}})
	if err != nil || res.Status != run.Stopped || res.Params != 2 || len(steps) != 2 {
		t.Fatalf("ErrStop: %v %v params %d, %d steps", err, res.Status, res.Params, len(steps))
	}
	if steps[1] != (run.Step{Iteration: 2, MaxIterations: 4, Metric: "log-likelihood", Value: -3}) {
		t.Errorf("step = %+v", steps[1])
	}
	boom := errors.New("boom")
	res, err = em.Fit(0, e, m, em.Settings{MaxIterations: 4, Progress: func(run.Step) error { return boom }})
	if !errors.Is(err, boom) || res.Status != run.Stopped || res.Params != 1 || !errors.Is(res.Err, boom) {
		t.Fatalf("error from progress: %v %v %d", err, res.Status, res.Params)
	}
}

func TestFitRejectsBadSettingsAndReportsStepErrors(t *testing.T) {
	e, m := scripted([]float64{0, 1})
	if _, err := em.Fit(0, e, m, em.Settings{}); !errors.Is(err, em.ErrSettings) || !strings.Contains(err.Error(), "MaxIterations") {
		t.Errorf("zero MaxIterations: %v", err)
	}
	mfail := func(int, int) (int, error) { return 0, errors.New("singular matrix") }
	res, err := em.Fit(0, e, mfail, em.Settings{MaxIterations: 3})
	if err == nil || !strings.Contains(err.Error(), "iteration 1: M-step: singular matrix") || res.Status != run.NumericalFailure || res.Params != 0 {
		t.Errorf("M-step error: %v %v", err, res.Status)
	}
}

// A real EM, checked against its closed form: the mean μ of a unit-variance
// Gaussian from observed values and some missing ones. The E-step fills the
// missing values with μ; the M-step averages. The fixed point is the mean
// of the observed values, and the log-likelihood of the observed values
// rises monotonically to its maximum there.
func ExampleFit() {
	observed := []float64{1.2, 0.7, 2.3, 1.8}
	missing := 4
	type stats struct{ sum float64 }
	estep := func(mu float64) (stats, float64, error) {
		ll := 0.0
		for _, y := range observed {
			ll -= 0.5*(y-mu)*(y-mu) + 0.5*math.Log(2*math.Pi)
		}
		s := float64(missing) * mu // E[y_missing] = μ
		for _, y := range observed {
			s += y
		}
		return stats{s}, ll, nil
	}
	mstep := func(_ float64, s stats) (float64, error) {
		return s.sum / float64(len(observed)+missing), nil
	}
	res, err := em.Fit(0.0, estep, mstep, em.Settings{MaxIterations: 60, Tolerance: -1, Metric: "log-likelihood"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v after %d iterations: μ = %.6f (observed mean 1.500000)\n", res.Status, res.Iterations, res.Params)
	// Output: IterationLimit after 60 iterations: μ = 1.500000 (observed mean 1.500000)
}
