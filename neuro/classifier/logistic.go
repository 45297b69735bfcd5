// Package classifier holds the classifiers neuro/ fits to features read
// from models or recordings: L2-regularised logistic regression
// (FitLogistic, scikit-learn's LogisticRegression objective, minimised by
// gonum's Newton method), its one-vs-rest multi-class form (FitOneVsRest),
// the majority-class baseline, and the scores of a multi-class prediction
// (Confusion, MacroF1, BalancedAccuracy, as scikit-learn computes them).
package classifier

import (
	"errors"
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"

	"github.com/neuronb/neuronb/neuro/run"
)

// ObjectiveMetric names the value FitLogistic reports to its Progress: the
// penalised objective it minimises.
const ObjectiveMetric = "penalised log-loss"

// LogisticSettings configures FitLogistic. A nil *LogisticSettings means
// the defaults, which are scikit-learn's LogisticRegression() defaults
// where they apply.
type LogisticSettings struct {
	// C is the inverse regularisation strength (default 1).
	C float64
	// MaxIterations bounds the Newton iterations (default 100).
	MaxIterations int
	// Tolerance stops the fit when the largest gradient component is at
	// most Tolerance (default 1e-8); the fit also stops, converged, when
	// the objective has not decreased by a relative 1e-14 in three
	// iterations, the resolution of float64 (a gradient summed over many
	// rows may never reach an absolute tolerance). A negative Tolerance
	// runs MaxIterations iterations.
	Tolerance float64
	// Progress is called after every Newton iteration with the objective
	// (ObjectiveMetric); run.ErrStop ends the fit early.
	Progress run.Progress
}

func (s *LogisticSettings) resolved() (LogisticSettings, error) {
	var out LogisticSettings
	if s != nil {
		out = *s
	}
	if out.C < 0 || math.IsNaN(out.C) || math.IsInf(out.C, 0) {
		return out, fmt.Errorf("classifier: FitLogistic: C = %v must be positive and finite", out.C)
	}
	if out.C == 0 {
		out.C = 1
	}
	out.MaxIterations = run.Iterations(out.MaxIterations, 100)
	out.Tolerance = run.Tolerance(out.Tolerance, 1e-8)
	return out, nil
}

// Logistic is a fitted L2-regularised logistic regression,
// P(y = 1 | x) = σ(w·x + b) with σ(z) = 1/(1 + e^(−z)).
type Logistic struct {
	Weights   []float64
	Intercept float64
	// Stats: Objective is the minimised ½‖w‖² + C Σ log(1 + e^(−s_i (w·x_i + b))),
	// s_i = ±1; Iterations counts Newton iterations; Status is Converged,
	// IterationLimit, Stopped or NumericalFailure.
	run.Stats
}

// FitLogistic fits P(y | x) = σ(w·x + b) by minimising
//
//	½‖w‖² + C Σ_i log(1 + exp(−s_i (w·x_i + b))),   s_i = +1 if y_i else −1,
//
// the objective of scikit-learn's LogisticRegression (penalty "l2", the
// intercept not penalised), with gonum's Newton method (optimize.Newton,
// exact Hessian, line search). The objective is strictly convex, so the
// minimiser is unique and any solver converged tightly enough agrees with
// it. Features are used as given (not standardised). Both classes must
// occur in y (with one class the intercept has no finite minimiser).
func FitLogistic(X [][]float64, y []bool, s *LogisticSettings) (*Logistic, error) {
	start := time.Now()
	set, err := s.resolved()
	if err != nil {
		return nil, err
	}
	if err := checkData(X, y); err != nil {
		return nil, fmt.Errorf("classifier: FitLogistic: %w", err)
	}
	obj := &logObjective{X: X, y: y, C: set.C, d: len(X[0])}
	settings := &optimize.Settings{MajorIterations: set.MaxIterations, Recorder: &recorder{progress: set.Progress, max: set.MaxIterations}}
	if set.Tolerance > 0 {
		settings.GradientThreshold = set.Tolerance
		settings.Converger = &optimize.FunctionConverge{Relative: 1e-14, Iterations: 3}
	} else {
		settings.Converger = optimize.NeverTerminate{}
	}
	p := optimize.Problem{Func: obj.f, Grad: obj.grad, Hess: obj.hess}
	res, err := optimize.Minimize(p, make([]float64, obj.d+1), settings, &optimize.Newton{})
	fit := &Logistic{}
	fit.Runtime = time.Since(start)
	if res != nil {
		fit.Weights, fit.Intercept = res.X[:obj.d:obj.d], res.X[obj.d]
		fit.Objective, fit.Iterations = res.F, res.MajorIterations
	}
	switch {
	case errors.Is(err, run.ErrStop):
		fit.Status = run.Stopped
	case err != nil && res != nil && (errors.Is(err, optimize.ErrLinesearcherFailure) || errors.Is(err, optimize.ErrNoProgress)) && obj.settled(res.X, res.F):
		// The line search found no decrease because there is none that
		// float64 can resolve: the minimum.
		fit.Status = run.Converged
	case err != nil:
		return nil, fmt.Errorf("classifier: FitLogistic: %w", err)
	default:
		fit.Status = status(res.Status)
	}
	return fit, nil
}

// settled reports whether the Newton decrement gᵀH⁻¹g at th is below what
// float64 resolves in the objective f, 1e-12·(1 + |f|).
func (o *logObjective) settled(th []float64, f float64) bool {
	p := o.d + 1
	g := make([]float64, p)
	o.grad(g, th)
	h := mat.NewSymDense(p, nil)
	o.hess(h, th)
	var ch mat.Cholesky
	if !ch.Factorize(h) {
		return false
	}
	step := mat.NewVecDense(p, nil)
	if err := ch.SolveVecTo(step, mat.NewVecDense(p, g)); err != nil {
		return false
	}
	return mat.Dot(step, mat.NewVecDense(p, g)) <= 1e-12*(1+math.Abs(f))
}

// status maps gonum's termination status to run's.
func status(s optimize.Status) run.Status {
	switch s {
	case optimize.GradientThreshold, optimize.FunctionConvergence, optimize.MethodConverge, optimize.StepConvergence, optimize.Success:
		return run.Converged
	case optimize.IterationLimit:
		return run.IterationLimit
	case optimize.RuntimeLimit, optimize.FunctionEvaluationLimit, optimize.GradientEvaluationLimit, optimize.HessianEvaluationLimit:
		return run.ResourceLimit
	}
	return run.NumericalFailure
}

// checkData validates the features and labels.
func checkData(X [][]float64, y []bool) error {
	n := len(X)
	if n == 0 || len(y) != n {
		return fmt.Errorf("%d feature rows and %d labels", n, len(y))
	}
	d := len(X[0])
	for i, x := range X {
		if len(x) != d {
			return fmt.Errorf("row %d has %d features, row 0 has %d", i, len(x), d)
		}
		for j, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("X[%d][%d] = %v is not finite", i, j, v)
			}
		}
	}
	pos := 0
	for _, v := range y {
		if v {
			pos++
		}
	}
	if pos == 0 || pos == n {
		return fmt.Errorf("all %d labels are %v: both classes must occur", n, y[0])
	}
	return nil
}

// logObjective is the penalised log-loss over θ = (w, b).
type logObjective struct {
	X [][]float64
	y []bool
	C float64
	d int
}

func (o *logObjective) z(th, x []float64) float64 {
	z := th[o.d]
	for j, v := range x {
		z += th[j] * v
	}
	return z
}

func (o *logObjective) f(th []float64) float64 {
	f := 0.0
	for j := 0; j < o.d; j++ {
		f += 0.5 * th[j] * th[j]
	}
	for i, x := range o.X {
		f += o.C * logLoss(o.z(th, x), o.y[i])
	}
	return f
}

// grad is w + C Σ (σ(z_i) − t_i)(x_i, 1), t_i = 1 if y_i.
func (o *logObjective) grad(g, th []float64) {
	copy(g, th[:o.d])
	g[o.d] = 0
	for i, x := range o.X {
		r := o.C * (sigmoid(o.z(th, x)) - b2f(o.y[i]))
		for j, v := range x {
			g[j] += r * v
		}
		g[o.d] += r
	}
}

// hess is diag(1, …, 1, 0) + C Σ σ(z_i)(1 − σ(z_i)) (x_i, 1)(x_i, 1)ᵀ.
func (o *logObjective) hess(h *mat.SymDense, th []float64) {
	p := o.d + 1
	data := make([]float64, p*p)
	for j := 0; j < o.d; j++ {
		data[j*p+j] = 1
	}
	xi := make([]float64, p)
	for _, x := range o.X {
		pr := sigmoid(o.z(th, x))
		w := o.C * pr * (1 - pr)
		copy(xi, x)
		xi[o.d] = 1
		for j, xj := range xi {
			row := data[j*p : (j+1)*p]
			for k := j; k < p; k++ {
				row[k] += w * xj * xi[k]
			}
		}
	}
	for j := 0; j < p; j++ {
		for k := j; k < p; k++ {
			h.SetSym(j, k, data[j*p+k])
		}
	}
}

// recorder reports every Newton iteration to a run.Progress.
type recorder struct {
	progress run.Progress
	max      int
	iter     int
}

func (r *recorder) Init() error { return nil }

// Record reports each major iteration and, at the end, the final location
// if the iteration that ended the fit was not reported (gonum records only
// iterations that do not terminate).
func (r *recorder) Record(loc *optimize.Location, op optimize.Operation, st *optimize.Stats) error {
	if (op != optimize.MajorIteration && op != optimize.PostIteration) || st.MajorIterations <= r.iter {
		return nil
	}
	r.iter = st.MajorIterations
	stop, err := r.progress.Report(run.Step{Iteration: r.iter, MaxIterations: r.max, Metric: ObjectiveMetric, Value: loc.F})
	if err != nil {
		return err
	}
	if stop {
		return run.ErrStop
	}
	return nil
}

// logLoss is log(1 + exp(−s z)), s = ±1, computed without overflow.
func logLoss(z float64, y bool) float64 {
	if !y {
		z = -z
	}
	if z > 0 {
		return math.Log1p(math.Exp(-z))
	}
	return -z + math.Log1p(math.Exp(z))
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Prob returns P(y = 1 | x).
func (l *Logistic) Prob(x []float64) float64 {
	z := l.Intercept
	for j, v := range x {
		z += l.Weights[j] * v
	}
	return sigmoid(z)
}

// Predict returns whether P(y = 1 | x) > ½.
func (l *Logistic) Predict(x []float64) bool { return l.Prob(x) > 0.5 }

// Accuracy returns the fraction of rows classified correctly.
func (l *Logistic) Accuracy(X [][]float64, y []bool) (float64, error) {
	if len(X) != len(y) || len(X) == 0 {
		return 0, fmt.Errorf("classifier: Logistic.Accuracy: %d rows and %d labels", len(X), len(y))
	}
	ok := 0
	for i, x := range X {
		if len(x) != len(l.Weights) {
			return 0, fmt.Errorf("classifier: Logistic.Accuracy: row %d has %d features, the model %d", i, len(x), len(l.Weights))
		}
		if l.Predict(x) == y[i] {
			ok++
		}
	}
	return float64(ok) / float64(len(y)), nil
}

// MajorityAccuracy is the accuracy on test of always predicting the class
// most frequent in train (true on ties): the majority-class baseline.
func MajorityAccuracy(train, test []bool) (float64, error) {
	if len(train) == 0 || len(test) == 0 {
		return 0, fmt.Errorf("classifier: MajorityAccuracy: %d train and %d test labels", len(train), len(test))
	}
	pos := 0
	for _, v := range train {
		if v {
			pos++
		}
	}
	guess := 2*pos >= len(train)
	ok := 0
	for _, v := range test {
		if v == guess {
			ok++
		}
	}
	return float64(ok) / float64(len(test)), nil
}
