package classifier

import (
	"fmt"
	"math"
	"time"

	"github.com/neuronb/neuronb/neuro/run"
)

// OneVsRest is a multi-class classifier made of one binary logistic
// regression per class, class k against the rest (scikit-learn's
// OneVsRestClassifier(LogisticRegression(C))): it predicts the class whose
// model gives the largest w_k·x + b_k, which is the largest P(y = k | x)
// of the binary models.
type OneVsRest struct {
	// Classes is the number of classes 0 … Classes−1.
	Classes int
	// Models[k] separates class k from the rest; nil for a class absent
	// from the training labels, which is then never predicted.
	Models []*Logistic
	// Stats: Iterations adds up the Newton iterations of the binary fits,
	// Status is the worst of theirs (Converged only if every fit
	// converged); Objective is the sum of their objectives.
	run.Stats
}

// FitOneVsRest fits one FitLogistic model per class k of y (labels in
// 0 … classes−1), with the rows of class k as positives and all others as
// negatives, each with settings s. At least two classes must occur in y.
func FitOneVsRest(X [][]float64, y []int, classes int, s *LogisticSettings) (*OneVsRest, error) {
	start := time.Now()
	if classes < 2 {
		return nil, fmt.Errorf("classifier: FitOneVsRest: %d classes, want ≥ 2", classes)
	}
	if len(y) != len(X) {
		return nil, fmt.Errorf("classifier: FitOneVsRest: %d feature rows and %d labels", len(X), len(y))
	}
	count := make([]int, classes)
	for i, v := range y {
		if v < 0 || v >= classes {
			return nil, fmt.Errorf("classifier: FitOneVsRest: y[%d] = %d, want a class in [0, %d)", i, v, classes)
		}
		count[v]++
	}
	present := 0
	for _, c := range count {
		if c > 0 {
			present++
		}
	}
	if present < 2 {
		return nil, fmt.Errorf("classifier: FitOneVsRest: only %d class occurs in the %d labels, want ≥ 2", present, len(y))
	}
	o := &OneVsRest{Classes: classes, Models: make([]*Logistic, classes)}
	o.Status = run.Converged
	yk := make([]bool, len(y))
	for k := 0; k < classes; k++ {
		if count[k] == 0 {
			continue
		}
		for i, v := range y {
			yk[i] = v == k
		}
		m, err := FitLogistic(X, yk, s)
		if err != nil {
			return nil, fmt.Errorf("classifier: FitOneVsRest: class %d: %w", k, err)
		}
		o.Models[k] = m
		o.Iterations += m.Iterations
		o.Objective += m.Objective
		if m.Status != run.Converged {
			o.Status = m.Status
		}
	}
	o.Runtime = time.Since(start)
	return o, nil
}

// Decision returns w_k·x + b_k for every class (−Inf for a class without
// a model).
func (o *OneVsRest) Decision(x []float64) []float64 {
	d := make([]float64, o.Classes)
	for k, m := range o.Models {
		if m == nil {
			d[k] = math.Inf(-1)
			continue
		}
		z := m.Intercept
		for j, v := range x {
			z += m.Weights[j] * v
		}
		d[k] = z
	}
	return d
}

// Predict returns the class with the largest decision value (the lowest
// index on ties, as numpy's argmax).
func (o *OneVsRest) Predict(x []float64) int {
	best := 0
	d := o.Decision(x)
	for k, v := range d {
		if v > d[best] {
			best = k
		}
	}
	return best
}

// PredictAll returns the predicted class of every row of X, which must
// have as many features as the models.
func (o *OneVsRest) PredictAll(X [][]float64) ([]int, error) {
	var width int
	for _, m := range o.Models {
		if m != nil {
			width = len(m.Weights)
			break
		}
	}
	out := make([]int, len(X))
	for i, x := range X {
		if len(x) != width {
			return nil, fmt.Errorf("classifier: OneVsRest.PredictAll: row %d has %d features, the model %d", i, len(x), width)
		}
		out[i] = o.Predict(x)
	}
	return out, nil
}
