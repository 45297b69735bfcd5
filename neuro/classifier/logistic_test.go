package classifier_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/classifier"
	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
	"github.com/neuronb/neuronb/neuro/run"
)

// logisticData draws n rows of d features with labels from a noisy
// logistic model, on a scale like raw activations (unstandardised).
func logisticData(n, d int, seed uint64) ([][]float64, []bool) {
	rng := rand.New(rand.NewPCG(seed, 4))
	w := make([]float64, d)
	for j := range w {
		w[j] = rng.NormFloat64()
	}
	X := make([][]float64, n)
	y := make([]bool, n)
	for i := range X {
		X[i] = make([]float64, d)
		z := 0.3
		for j := range X[i] {
			X[i][j] = (1 + float64(j%3)) * rng.NormFloat64()
			z += w[j] * X[i][j]
		}
		y[i] = rng.Float64() < 1/(1+math.Exp(-z))
	}
	return X, y
}

// Oracle: scikit-learn's LogisticRegression (L2, C, unpenalised
// intercept) on the same data. The objective is strictly convex, so a
// tightly converged solver must reach the same minimiser: sklearn's
// newton-cholesky at tol 1e-12 agrees to 1e-8; its default lbfgs stops
// early (scipy's relative-reduction test), so for it we check that our
// objective is no larger and the weights agree to 1e-4.
func TestFitLogisticMatchesSklearn(t *testing.T) {
	pyoracle.Require(t, "numpy", "sklearn")
	const script = `
import json, sys
import numpy as np
from sklearn.linear_model import LogisticRegression
d = json.load(sys.stdin)
out = []
for case in d:
    X, y = np.array(case["X"]), np.array(case["y"])
    m = LogisticRegression(C=case["C"], solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)
    d = LogisticRegression(C=case["C"]).fit(X, y)
    z = X @ d.coef_[0] + d.intercept_[0]
    s = np.where(y, 1.0, -1.0)
    f = 0.5 * d.coef_[0] @ d.coef_[0] + case["C"] * np.sum(np.logaddexp(0, -s * z))
    out.append({"w": m.coef_[0].tolist(), "b": float(m.intercept_[0]),
                "wd": d.coef_[0].tolist(), "bd": float(d.intercept_[0]), "fd": float(f)})
json.dump(out, sys.stdout)
`
	type pycase struct {
		X [][]float64 `json:"X"`
		Y []bool      `json:"y"`
		C float64     `json:"C"`
	}
	var cases []pycase
	for i, c := range []struct {
		n, d int
		C    float64
	}{{200, 5, 1}, {60, 12, 0.1}, {300, 3, 10}} {
		X, y := logisticData(c.n, c.d, uint64(i))
		cases = append(cases, pycase{X, y, c.C})
	}
	// Small activations, many rows: the gradient cannot reach an absolute
	// tolerance in float64 (a fit that relied on it never stopped).
	rng := rand.New(rand.NewPCG(1, 1))
	var X [][]float64
	var y []bool
	for i := 0; i < 720; i++ {
		v := 0.01 * rng.NormFloat64()
		if i%2 == 0 {
			v += 0.05
		}
		X, y = append(X, []float64{v}), append(y, i%2 == 0)
	}
	cases = append(cases, pycase{X, y, 1})
	var want []struct {
		W  []float64 `json:"w"`
		B  float64   `json:"b"`
		WD []float64 `json:"wd"` // default solver (lbfgs, tol 1e-4)
		BD float64   `json:"bd"`
		FD float64   `json:"fd"`
	}
	pyoracle.Run(t, script, cases, &want)
	for i, c := range cases {
		got, err := classifier.FitLogistic(c.X, c.Y, &classifier.LogisticSettings{C: c.C})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != run.Converged {
			t.Errorf("case %d: %v after %d iterations", i, got.Status, got.Iterations)
		}
		maxd, maxdd := math.Abs(got.Intercept-want[i].B), math.Abs(got.Intercept-want[i].BD)
		for j := range got.Weights {
			maxd = max(maxd, math.Abs(got.Weights[j]-want[i].W[j]))
			maxdd = max(maxdd, math.Abs(got.Weights[j]-want[i].WD[j]))
		}
		t.Logf("case %d: %d Newton iterations; max |Δ| vs sklearn newton-cholesky %.1e, vs default lbfgs %.1e; objective %.10g vs lbfgs %.10g",
			i, got.Iterations, maxd, maxdd, got.Objective, want[i].FD)
		if maxd > 1e-8 {
			t.Errorf("case %d: weights %v %v, sklearn %v %v", i, got.Weights, got.Intercept, want[i].W, want[i].B)
		}
		if maxdd > 1e-4 || got.Objective > want[i].FD+1e-12*math.Abs(want[i].FD) {
			t.Errorf("case %d: default sklearn gives %v %v with objective %v; ours %v", i, want[i].WD, want[i].BD, want[i].FD, got.Objective)
		}
	}
}

// Oracle: at the minimiser the objective's gradient vanishes; checked by
// central finite differences of the documented objective, including on
// linearly separable data, where only the penalty keeps w finite.
func TestFitLogisticIsStationary(t *testing.T) {
	X, y := logisticData(80, 4, 9)
	sep := make([]bool, len(X))
	for i, x := range X {
		sep[i] = x[0]+0.5*x[1] > 0.2 // separable by construction
	}
	for _, labels := range [][]bool{y, sep} {
		fit, err := classifier.FitLogistic(X, labels, nil)
		if err != nil {
			t.Fatal(err)
		}
		obj := func(w []float64, b float64) float64 {
			f := 0.0
			for _, v := range w {
				f += v * v / 2
			}
			for i, x := range X {
				z := b
				for j, v := range x {
					z += w[j] * v
				}
				s := -1.0
				if labels[i] {
					s = 1
				}
				f += math.Log1p(math.Exp(-s * z))
			}
			return f
		}
		if d := math.Abs(obj(fit.Weights, fit.Intercept) - fit.Objective); d > 1e-9 {
			t.Errorf("reported objective off by %v", d)
		}
		const h = 1e-5
		for j := 0; j <= len(fit.Weights); j++ {
			w := append([]float64(nil), fit.Weights...)
			b := fit.Intercept
			var fp, fm float64
			if j < len(w) {
				w[j] += h
				fp = obj(w, b)
				w[j] -= 2 * h
				fm = obj(w, b)
			} else {
				fp, fm = obj(w, b+h), obj(w, b-h)
			}
			if g := (fp - fm) / (2 * h); math.Abs(g) > 1e-5 {
				t.Errorf("∂f/∂θ_%d = %v at the reported minimum", j, g)
			}
		}
		acc, err := fit.Accuracy(X, labels)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("accuracy on its training data %.3f after %d iterations", acc, fit.Iterations)
	}
}

func TestFitLogisticRejectsBadInput(t *testing.T) {
	for _, c := range []struct {
		X    [][]float64
		y    []bool
		s    *classifier.LogisticSettings
		want string
	}{
		{nil, nil, nil, "0 feature rows"},
		{[][]float64{{1}, {2}}, []bool{true}, nil, "2 feature rows and 1 labels"},
		{[][]float64{{1, 2}, {2}}, []bool{true, false}, nil, "row 1 has 1 features"},
		{[][]float64{{1}, {math.NaN()}}, []bool{true, false}, nil, "X[1][0] = NaN"},
		{[][]float64{{1}}, []bool{true}, &classifier.LogisticSettings{C: -1}, "C = -1"},
		{[][]float64{{1}, {2}}, []bool{true, true}, nil, "both classes"},
	} {
		if _, err := classifier.FitLogistic(c.X, c.y, c.s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want an error containing %q, got %v", c.want, err)
		}
	}
}

// Oracle: counting by hand.
func TestMajorityAccuracy(t *testing.T) {
	tr := []bool{true, false, false}
	te := []bool{false, false, true, false}
	if got, err := classifier.MajorityAccuracy(tr, te); err != nil || got != 0.75 {
		t.Errorf("got %v, %v; want 0.75", got, err)
	}
	if _, err := classifier.MajorityAccuracy(nil, te); err == nil {
		t.Error("no training labels should be refused")
	}
}

// Oracle: the vocabulary's contract. Progress sees every Newton iteration
// with the objective and can stop the fit; a negative Tolerance runs every
// iteration.
func TestFitLogisticProgressAndBudget(t *testing.T) {
	X, y := logisticData(100, 3, 2)
	var steps []run.Step
	fit, err := classifier.FitLogistic(X, y, &classifier.LogisticSettings{Progress: func(s run.Step) error { steps = append(steps, s); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) == 0 || steps[len(steps)-1].Metric != classifier.ObjectiveMetric || steps[len(steps)-1].Value != fit.Objective {
		t.Errorf("steps %v, objective %v", steps, fit.Objective)
	}
	stopped, err := classifier.FitLogistic(X, y, &classifier.LogisticSettings{Progress: func(s run.Step) error {
		if s.Iteration == 1 {
			return run.ErrStop
		}
		return nil
	}})
	if err != nil || stopped.Status != run.Stopped {
		t.Errorf("stopped fit: %v, %v", stopped, err)
	}
	all, err := classifier.FitLogistic(X, y, &classifier.LogisticSettings{MaxIterations: 7, Tolerance: -1})
	if err != nil || all.Status != run.IterationLimit || all.Iterations != 7 {
		t.Errorf("negative tolerance: %+v, %v", all, err)
	}
}

// Logistic regression with scikit-learn's default objective.
func ExampleFitLogistic() {
	X := [][]float64{{0.1}, {0.4}, {0.35}, {0.8}, {0.9}, {0.6}}
	y := []bool{false, false, true, true, true, false}
	fit, err := classifier.FitLogistic(X, y, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("w = %.4f, b = %.4f, %v\n", fit.Weights[0], fit.Intercept, fit.Status)
	fmt.Printf("P(y | x = 0.7) = %.4f\n", fit.Prob([]float64{0.7}))
	// Output:
	// w = 0.4272, b = -0.2243, Converged
	// P(y | x = 0.7) = 0.5187
}

// The majority-class baseline.
func ExampleMajorityAccuracy() {
	acc, err := classifier.MajorityAccuracy([]bool{true, true, false}, []bool{true, false, false, false})
	fmt.Println(acc, err)
	// Output:
	// 0.25 <nil>
}

// The safeguard's fit: 1,536 train prompts, 29 neurons (5%).
func BenchmarkFitLogistic1536x29(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	X := make([][]float64, 1536)
	y := make([]bool, len(X))
	for i := range X {
		X[i] = make([]float64, 29)
		for j := range X[i] {
			X[i][j] = rng.NormFloat64()
		}
		y[i] = X[i][0]+0.5*X[i][1]+rng.NormFloat64() > 0
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := classifier.FitLogistic(X, y, nil); err != nil {
			b.Fatal(err)
		}
	}
}
