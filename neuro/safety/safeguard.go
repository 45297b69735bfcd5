package safety

import (
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/transformer"
)

// Features returns, for every prompt, the activations of the neurons of
// set (hook_post of model m) at the last prompt token, concatenated in
// layer order and by increasing index within a layer: the safeguard's
// input (the paper's "prompt_last" activations, read before generation).
func Features(m *transformer.Model, prompts [][]int, set NeuronSet) ([][]float64, error) {
	c := m.Config()
	if err := set.validate(c, "Features"); err != nil {
		return nil, err
	}
	var names []string
	var layers []int
	for l, idx := range set {
		if len(idx) > 0 {
			names = append(names, transformer.ActName("post", l))
			layers = append(layers, l)
		}
	}
	out := make([][]float64, len(prompts))
	err := forEach(len(prompts), func(_, i int) error {
		if len(prompts[i]) == 0 {
			return fmt.Errorf("safety: Features: prompt %d is empty", i)
		}
		o, err := m.Run(prompts[i], &transformer.RunOptions{Cache: names, LastLogitsOnly: true})
		if err != nil {
			return fmt.Errorf("safety: Features: prompt %d: %w", i, err)
		}
		x := make([]float64, 0, set.Len())
		for k, l := range layers {
			a := o.Cache[names[k]]
			row := a.Row(a.Shape[0] - 1)
			for _, j := range set[l] {
				x = append(x, float64(row[j]))
			}
		}
		out[i] = x
		return nil
	})
	return out, err
}

// LogisticSettings configures FitLogistic. A nil *LogisticSettings means
// the defaults, which are scikit-learn's LogisticRegression() defaults
// where they apply.
type LogisticSettings struct {
	// C is the inverse regularisation strength (default 1).
	C float64
	// MaxIter bounds the Newton iterations (default 100).
	MaxIter int
	// Tol stops when the largest gradient component is below it
	// (default 1e-8). The fit also stops, converged, when the Newton
	// decrement gᵀH⁻¹g falls below 1e-12·(1 + |objective|), the
	// resolution of float64 (a gradient summed over many rows may never
	// reach an absolute tolerance).
	Tol float64
}

// Logistic is a fitted L2-regularised logistic regression,
// P(y = 1 | x) = σ(w·x + b) with σ(z) = 1/(1 + e^(−z)).
type Logistic struct {
	Weights   []float64
	Intercept float64
	// Objective is the minimised value ½‖w‖² + C Σ log(1 + e^(−s_i (w·x_i + b))), s_i = ±1.
	Objective  float64
	Iterations int
	Converged  bool
	Runtime    time.Duration
}

// FitLogistic fits P(y | x) = σ(w·x + b) by minimising
//
//	½‖w‖² + C Σ_i log(1 + exp(−s_i (w·x_i + b))),   s_i = +1 if y_i else −1,
//
// the objective of scikit-learn's LogisticRegression (penalty "l2", the
// intercept not penalised), with Newton's method and a backtracking line
// search: the objective is strictly convex, so the minimiser is unique and
// any solver converged tightly enough agrees with it. Features are used as
// given (the paper does not standardise them).
func FitLogistic(X [][]float64, y []bool, s *LogisticSettings) (*Logistic, error) {
	start := time.Now()
	set := LogisticSettings{C: 1, MaxIter: 100, Tol: 1e-8}
	if s != nil {
		if s.C < 0 || math.IsNaN(s.C) || math.IsInf(s.C, 0) {
			return nil, fmt.Errorf("safety: FitLogistic: C = %v must be positive and finite", s.C)
		}
		if s.C > 0 {
			set.C = s.C
		}
		if s.MaxIter > 0 {
			set.MaxIter = s.MaxIter
		}
		if s.Tol > 0 {
			set.Tol = s.Tol
		}
	}
	n := len(X)
	if n == 0 || len(y) != n {
		return nil, fmt.Errorf("safety: FitLogistic: %d feature rows and %d labels", n, len(y))
	}
	d := len(X[0])
	for i, x := range X {
		if len(x) != d {
			return nil, fmt.Errorf("safety: FitLogistic: row %d has %d features, row 0 has %d", i, len(x), d)
		}
		for j, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("safety: FitLogistic: X[%d][%d] = %v is not finite", i, j, v)
			}
		}
	}
	p := d + 1 // weights, then the intercept
	theta := make([]float64, p)
	objective := func(th []float64) float64 {
		f := 0.0
		for j := 0; j < d; j++ {
			f += 0.5 * th[j] * th[j]
		}
		for i, x := range X {
			z := th[d]
			for j, v := range x {
				z += th[j] * v
			}
			f += set.C * logLoss(z, y[i])
		}
		return f
	}
	grad := make([]float64, p)
	hdata := make([]float64, p*p) // upper triangle of the Hessian, row-major
	xi := make([]float64, p)
	step := make([]float64, p)
	trial := make([]float64, p)
	fit := &Logistic{}
	f := objective(theta)
	for it := 1; it <= set.MaxIter; it++ {
		fit.Iterations = it
		// Gradient and Hessian of the objective.
		for j := range grad {
			grad[j] = 0
		}
		for j := range hdata {
			hdata[j] = 0
		}
		for j := 0; j < d; j++ {
			grad[j] = theta[j]
			hdata[j*p+j] = 1
		}
		for i, x := range X {
			z := theta[d]
			for j, v := range x {
				z += theta[j] * v
			}
			pr := sigmoid(z)
			t := 0.0
			if y[i] {
				t = 1
			}
			r, w := set.C*(pr-t), set.C*pr*(1-pr)
			copy(xi, x)
			xi[d] = 1
			for j, xj := range xi {
				grad[j] += r * xj
				row := hdata[j*p : (j+1)*p]
				wx := w * xj
				for k := j; k < p; k++ {
					row[k] += wx * xi[k]
				}
			}
		}
		hess := mat.NewSymDense(p, hdata)
		if maxAbs(grad) < set.Tol {
			fit.Converged = true
			break
		}
		if err := newtonStep(hess, grad, step); err != nil {
			return nil, fmt.Errorf("safety: FitLogistic: iteration %d: %w", it, err)
		}
		// Backtracking (Armijo) line search along −step.
		slope := 0.0
		for j := range step {
			slope -= grad[j] * step[j]
		}
		if -slope <= 1e-12*(1+math.Abs(f)) {
			// The Newton decrement gᵀH⁻¹g is below what float64 resolves
			// in f: take the full step (Newton converges quadratically
			// here) and stop.
			for j := range theta {
				theta[j] -= step[j]
			}
			f = objective(theta)
			fit.Converged = true
			break
		}
		alpha, accepted := 1.0, false
		for k := 0; k < 50; k++ {
			for j := range trial {
				trial[j] = theta[j] - alpha*step[j]
			}
			if ft := objective(trial); ft <= f+1e-4*alpha*slope {
				copy(theta, trial)
				f, accepted = ft, true
				break
			}
			alpha /= 2
		}
		if !accepted { // no decrease is possible in floating point: at the optimum
			fit.Converged = maxAbs(grad) < 1e3*set.Tol
			break
		}
	}
	fit.Weights, fit.Intercept, fit.Objective = theta[:d:d], theta[d], f
	fit.Runtime = time.Since(start)
	return fit, nil
}

// newtonStep solves H·step = g, adding a small ridge if H is numerically
// singular (the unpenalised intercept with a single class).
func newtonStep(h *mat.SymDense, g, step []float64) error {
	var ch mat.Cholesky
	if !ch.Factorize(h) {
		p, _ := h.Dims()
		for j := 0; j < p; j++ {
			h.SetSym(j, j, h.At(j, j)+1e-10)
		}
		if !ch.Factorize(h) {
			return fmt.Errorf("the Hessian is not positive definite")
		}
	}
	out := mat.NewVecDense(len(step), step)
	return ch.SolveVecTo(out, mat.NewVecDense(len(g), g))
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

func maxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	return m
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
		return 0, fmt.Errorf("safety: Logistic.Accuracy: %d rows and %d labels", len(X), len(y))
	}
	ok := 0
	for i, x := range X {
		if len(x) != len(l.Weights) {
			return 0, fmt.Errorf("safety: Logistic.Accuracy: row %d has %d features, the model %d", i, len(x), len(l.Weights))
		}
		if l.Predict(x) == y[i] {
			ok++
		}
	}
	return float64(ok) / float64(len(y)), nil
}

// MajorityAccuracy is the accuracy on test of always predicting the class
// most frequent in train (true on ties): the majority-class baseline.
func MajorityAccuracy(train, test []bool) float64 {
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
	if len(test) == 0 {
		return 0
	}
	return float64(ok) / float64(len(test))
}
