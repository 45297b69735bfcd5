package incremental

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/neuronb/neuronb/neuro/run"
)

// Settings configures Descend. A nil *Settings means every default.
type Settings struct {
	// StepSize is the gradient-descent step η; 0 means
	// 0.01 n / ‖(y_i ‖x_i‖)_i‖₂, which keeps ηρ ≤ 0.01 for every growth rate
	// ρ of the limit process (a relative time error ≤ 0.5%) and η far below
	// the stability limit at the fitted saddles.
	StepSize float64
	// MaxIterations is the step budget; 0 means 10,000,000.
	MaxIterations int
	// Tolerance stops the run (Converged) once no neuron can grow: every
	// neuron's escape rate ρ_j (the growth rate of its linearised dynamics
	// on the current residuals, see the package doc) is at most Tolerance.
	// 0 means 1e-9; negative never stops early.
	Tolerance float64
	// MaxTau stops the run (Finished) when the rescaled time τ = t/log(1/λ)
	// reaches it; 0 means no horizon.
	MaxTau float64
	// Activation is the threshold on a_j² at which neuron j counts as
	// activated; 0 means 0.1.
	Activation float64
	// Record is the number of steps between recorded points of the
	// trajectory; 0 means the steps in 0.01 units of τ. The first and the
	// last step are always recorded.
	Record int
	// Progress, when not nil, is called after every step with the loss.
	Progress run.Progress
}

// Result is a gradient-descent trajectory, in the rescaled time
// τ = t / log(1/λ) with t = (steps)·η.
type Result struct {
	// Net is the network after the last step.
	Net *Net
	// Stats: Objective is the final loss, Iterations the number of steps.
	run.Stats
	// StepSize is the η used and LogInvScale is log(1/λ).
	StepSize, LogInvScale float64
	// Tau, Loss and Exponent are the recorded trajectory: at τ = Tau[k] the
	// loss was Loss[k] and neuron j's exponent E_j = 1 + log|a_j| /
	// log(1/λ) was Exponent[j][k] (about 0 at initialisation, about 1 once
	// activated).
	Tau, Loss []float64
	Exponent  [][]float64
	// Activation[j] is the τ at which a_j² first exceeded
	// Settings.Activation (NaN: never).
	Activation []float64
	// FitTau[i] is the τ at which |f(x_i) − y_i| first fell to |y_i|/2
	// (NaN: never).
	FitTau []float64
	// FittedBy[i] is the neuron contributing most to f(x_i) at the end,
	// or −1 when point i is not fitted (|f(x_i) − y_i| > |y_i|/2).
	FittedBy []int
	// Escape is the largest escape rate at the end.
	Escape float64
}

// Descend runs full-batch gradient descent on the square loss from net
// (which is not modified), recording the trajectory. net.Scale must be the
// initialisation scale λ ∈ (0, 1). It stops when no neuron can grow any
// more (Converged), at Settings.MaxTau (Finished), on the step budget
// (IterationLimit), when Progress asks (Stopped) or on a non-finite loss
// (NumericalFailure, returned with an error).
func Descend(data *Data, net *Net, s *Settings) (*Result, error) {
	start := time.Now()
	if data == nil {
		return nil, fmt.Errorf("incremental: Descend: data are nil")
	}
	if err := net.check(data.Dim()); err != nil {
		return nil, err
	}
	if err := checkScale(net.Scale); err != nil {
		return nil, err
	}
	set, err := settings(data, s)
	if err != nil {
		return nil, err
	}
	logInv := -math.Log(net.Scale)
	if set.Record == 0 {
		set.Record = max(1, int(math.Round(0.01*logInv/set.StepSize)))
	}
	w := net.Clone()
	k := newKernel(data, w)
	res := &Result{Net: w, StepSize: set.StepSize, LogInvScale: logInv,
		Exponent: make([][]float64, k.m), Activation: nanSlice(k.m), FitTau: nanSlice(k.n)}
	record := func(tau, loss float64) {
		res.Tau, res.Loss = append(res.Tau, tau), append(res.Loss, loss)
		for j, a := range w.A {
			res.Exponent[j] = append(res.Exponent[j], 1+math.Log(math.Abs(a))/logInv)
		}
	}
	loss := k.forward()
	record(0, loss)
	res.Objective = loss
	finish := func(status run.Status, it int, err error) (*Result, error) {
		tau := float64(it) * set.StepSize / logInv
		if n := len(res.Tau); n == 0 || res.Tau[n-1] != tau {
			record(tau, loss)
		}
		res.Status, res.Iterations, res.Objective = status, it, loss
		res.Escape = k.escape(data.norms)
		res.FittedBy = fittedBy(k)
		res.Runtime = time.Since(start)
		return res, err
	}
	for it := 1; ; it++ {
		k.gradient()
		k.step(set.StepSize)
		loss = k.forward()
		tau := float64(it) * set.StepSize / logInv
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return finish(run.NumericalFailure, it, fmt.Errorf("incremental: loss is %v after step %d (step size η = %g too large?)", loss, it, set.StepSize))
		}
		for j, a := range w.A {
			if a*a > set.Activation && math.IsNaN(res.Activation[j]) {
				res.Activation[j] = tau
			}
		}
		for i, r := range k.r {
			if math.IsNaN(res.FitTau[i]) && math.Abs(r) <= math.Abs(k.y[i])/2 {
				res.FitTau[i] = tau
			}
		}
		if it%set.Record == 0 {
			record(tau, loss)
		}
		if stop, err := set.Progress.Report(run.Step{Iteration: it, MaxIterations: set.MaxIterations, Metric: "loss", Value: loss}); stop {
			return finish(run.Stopped, it, err)
		}
		switch {
		case set.Tolerance > 0 && k.escape(data.norms) <= set.Tolerance:
			return finish(run.Converged, it, nil)
		case set.MaxTau > 0 && tau >= set.MaxTau:
			return finish(run.Finished, it, nil)
		case it >= set.MaxIterations:
			return finish(run.IterationLimit, it, nil)
		}
	}
}

// LossAt returns the recorded loss linearly interpolated at each τ (the
// last recorded value after the end of the run).
func (r *Result) LossAt(tau []float64) []float64 { return interpolate(r.Tau, r.Loss, tau) }

// ExponentAt returns the recorded exponents E_j ([row][k] at tau[k]) of
// the given neurons (every neuron when none is given), linearly
// interpolated, as Prediction.ExponentAt lays them out.
func (r *Result) ExponentAt(tau []float64, neurons ...int) [][]float64 {
	if len(neurons) == 0 {
		neurons = make([]int, len(r.Exponent))
		for j := range neurons {
			neurons[j] = j
		}
	}
	out := make([][]float64, len(neurons))
	for i, j := range neurons {
		out[i] = interpolate(r.Tau, r.Exponent[j], tau)
	}
	return out
}

// interpolate evaluates the piecewise-linear curve through (xs, ys), xs
// increasing, at each x (constant beyond the ends).
func interpolate(xs, ys, at []float64) []float64 {
	out := make([]float64, len(at))
	for k, x := range at {
		i := sort.SearchFloat64s(xs, x)
		switch {
		case i == 0:
			out[k] = ys[0]
		case i == len(xs):
			out[k] = ys[len(ys)-1]
		default:
			f := (x - xs[i-1]) / (xs[i] - xs[i-1])
			out[k] = ys[i-1] + f*(ys[i]-ys[i-1])
		}
	}
	return out
}

// settings applies the defaults of Settings.
func settings(data *Data, s *Settings) (Settings, error) {
	var set Settings
	if s != nil {
		set = *s
	}
	if set.StepSize < 0 || math.IsNaN(set.StepSize) || math.IsInf(set.StepSize, 0) {
		return set, fmt.Errorf("incremental: StepSize η = %v, want η > 0 (or 0 for the default)", set.StepSize)
	}
	if set.StepSize == 0 {
		var q float64
		for i, y := range data.y {
			q += y * y * data.norms[i] * data.norms[i]
		}
		set.StepSize = 0.01 * float64(data.N()) / math.Sqrt(q)
	}
	set.MaxIterations = run.Iterations(set.MaxIterations, 10_000_000)
	set.Tolerance = run.Tolerance(set.Tolerance, 1e-9)
	if set.Activation == 0 {
		set.Activation = 0.1
	}
	if !(set.Activation > 0) || set.MaxTau < 0 || set.Record < 0 {
		return set, fmt.Errorf("incremental: Activation = %v, MaxTau = %v, Record = %d; want Activation > 0, MaxTau ≥ 0, Record ≥ 0", set.Activation, set.MaxTau, set.Record)
	}
	return set, nil
}

// fittedBy names, for each fitted point, the neuron contributing most to
// its output (with the label's sign), and −1 for points not fitted.
func fittedBy(k *kernel) []int {
	out := make([]int, k.n)
	for i := range out {
		out[i] = -1
		if math.Abs(k.r[i]) > math.Abs(k.y[i])/2 {
			continue
		}
		best := 0.0
		for j, a := range k.a {
			if v := k.p[j*k.n+i]; v > 0 {
				if c := a * v * math.Copysign(1, k.y[i]); c > best {
					best, out[i] = c, j
				}
			}
		}
	}
	return out
}

func nanSlice(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}
