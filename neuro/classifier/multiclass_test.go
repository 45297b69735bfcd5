package classifier_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/neuronb/neuronb/neuro/classifier"
	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// multiData draws n rows of d features around one centre per class.
func multiData(n, d, classes int, seed uint64) ([][]float64, []int) {
	rng := rand.New(rand.NewPCG(seed, 9))
	centres := make([][]float64, classes)
	for k := range centres {
		centres[k] = make([]float64, d)
		for j := range centres[k] {
			centres[k][j] = 1.5 * rng.NormFloat64()
		}
	}
	X := make([][]float64, n)
	y := make([]int, n)
	for i := range X {
		y[i] = rng.IntN(classes)
		X[i] = make([]float64, d)
		for j := range X[i] {
			X[i][j] = centres[y[i]][j] + rng.NormFloat64()
		}
	}
	return X, y
}

// Oracle: scikit-learn's OneVsRestClassifier(LogisticRegression) fitted
// tightly (newton-cholesky, tol 1e-12) on the same data: the binary
// objectives are strictly convex, so the decision values agree to 1e-7 and
// the predictions exactly; and sklearn's f1_score(average="macro"),
// balanced_accuracy_score and confusion_matrix on the same predictions.
func TestOneVsRestAndScoresMatchSklearn(t *testing.T) {
	pyoracle.Require(t, "numpy", "sklearn")
	const script = `
import json, sys
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.metrics import f1_score, balanced_accuracy_score, confusion_matrix
d = json.load(sys.stdin)
X, y, Xt = np.array(d["X"]), np.array(d["y"]), np.array(d["Xt"])
m = OneVsRestClassifier(LogisticRegression(C=d["C"], solver="newton-cholesky", tol=1e-12, max_iter=1000)).fit(X, y)
pred = m.predict(Xt)
out = {"dec": m.decision_function(Xt).tolist(), "pred": pred.tolist(), "scores": []}
for t, p in d["pairs"]:
    out["scores"].append({"f1": f1_score(t, p, average="macro", zero_division=0),
        "ba": balanced_accuracy_score(t, p), "cm": confusion_matrix(t, p, labels=list(range(d["k"]))).tolist()})
json.dump(out, sys.stdout)
`
	X, y := multiData(240, 5, 4, 1)
	Xt, yt := multiData(80, 5, 4, 1) // same centres (same seed), new rows
	Xt, yt = Xt[:80], yt[:80]
	m, err := classifier.FitOneVsRest(X, y, 4, &classifier.LogisticSettings{C: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	pred, err := m.PredictAll(Xt)
	if err != nil {
		t.Fatal(err)
	}
	// Label pairs with absent classes, classes only predicted, and a
	// class never predicted (undefined precision).
	pairs := [][2][]int{{yt, pred}, {{0, 0, 1, 2, 2, 2}, {0, 1, 1, 2, 0, 3}}, {{1, 1, 1, 3}, {1, 3, 1, 1}}, {{0, 1, 2, 3, 0}, {0, 0, 0, 0, 0}}}
	var py struct {
		Dec    [][]float64 `json:"dec"`
		Pred   []int       `json:"pred"`
		Scores []struct {
			F1 float64 `json:"f1"`
			BA float64 `json:"ba"`
			CM [][]int `json:"cm"`
		} `json:"scores"`
	}
	pyoracle.Run(t, script, map[string]any{"X": X, "y": y, "Xt": Xt, "C": 0.5, "k": 4, "pairs": pairs}, &py)
	for i, x := range Xt {
		d := m.Decision(x)
		for k := range d {
			if diff := d[k] - py.Dec[i][k]; diff > 1e-7 || diff < -1e-7 {
				t.Fatalf("row %d class %d: decision %.10g, sklearn %.10g", i, k, d[k], py.Dec[i][k])
			}
		}
		if pred[i] != py.Pred[i] {
			t.Errorf("row %d: predicted %d, sklearn %d", i, pred[i], py.Pred[i])
		}
	}
	for i, p := range pairs {
		f1, err := classifier.MacroF1(p[0], p[1], 4)
		if err != nil {
			t.Fatal(err)
		}
		ba, err := classifier.BalancedAccuracy(p[0], p[1], 4)
		if err != nil {
			t.Fatal(err)
		}
		cm, err := classifier.Confusion(p[0], p[1], 4)
		if err != nil {
			t.Fatal(err)
		}
		want := py.Scores[i]
		if d := f1 - want.F1; d > 1e-12 || d < -1e-12 {
			t.Errorf("pair %d: macro-F1 %.15g, sklearn %.15g", i, f1, want.F1)
		}
		if d := ba - want.BA; d > 1e-12 || d < -1e-12 {
			t.Errorf("pair %d: balanced accuracy %.15g, sklearn %.15g", i, ba, want.BA)
		}
		if fmt.Sprint(cm) != fmt.Sprint(want.CM) {
			t.Errorf("pair %d: confusion %v, sklearn %v", i, cm, want.CM)
		}
	}
}

// Closed forms: a perfect prediction scores 1; a constant prediction of
// one of K balanced classes has balanced accuracy 1/K and macro-F1
// (2/(K+1))/K (the predicted class has precision 1/K and recall 1).
func TestScoresClosedForms(t *testing.T) {
	truth := []int{0, 1, 2, 3, 0, 1, 2, 3}
	f1, err := classifier.MacroF1(truth, truth, 4)
	if err != nil || f1 != 1 {
		t.Fatalf("perfect macro-F1 = %v, %v", f1, err)
	}
	pred := make([]int, len(truth))
	ba, err := classifier.BalancedAccuracy(truth, pred, 4)
	if err != nil || ba != 0.25 {
		t.Fatalf("constant balanced accuracy = %v (%v), want 0.25", ba, err)
	}
	f1, err = classifier.MacroF1(truth, pred, 4)
	if err != nil || f1 != (2.0/5)/4 {
		t.Fatalf("constant macro-F1 = %v (%v), want %v", f1, err, (2.0/5)/4)
	}
}

func TestMulticlassRejectsBadInput(t *testing.T) {
	X, y := multiData(20, 2, 3, 2)
	for name, f := range map[string]func() error{
		"one class":   func() error { _, err := classifier.FitOneVsRest(X, make([]int, len(y)), 3, nil); return err },
		"label range": func() error { _, err := classifier.FitOneVsRest(X, append(y[:19:19], 5), 3, nil); return err },
		"lengths":     func() error { _, err := classifier.FitOneVsRest(X, y[:3], 3, nil); return err },
		"classes":     func() error { _, err := classifier.FitOneVsRest(X, y, 1, nil); return err },
		"empty f1":    func() error { _, err := classifier.MacroF1(nil, nil, 3); return err },
		"pred range":  func() error { _, err := classifier.BalancedAccuracy([]int{0}, []int{-1}, 3); return err },
	} {
		if err := f(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	m, err := classifier.FitOneVsRest(X, y, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.PredictAll([][]float64{{1}}); err == nil {
		t.Error("PredictAll with a short row: no error")
	}
}

func ExampleFitOneVsRest() {
	X := [][]float64{{0, 0}, {0.2, 0.1}, {3, 0}, {3.1, 0.2}, {0, 3}, {0.1, 3.2}}
	y := []int{0, 0, 1, 1, 2, 2}
	m, err := classifier.FitOneVsRest(X, y, 3, &classifier.LogisticSettings{C: 10})
	if err != nil {
		fmt.Println(err)
		return
	}
	pred, err := m.PredictAll([][]float64{{0.1, 0.1}, {2.9, 0.1}, {0.2, 2.8}})
	if err != nil {
		fmt.Println(err)
		return
	}
	f1, err := classifier.MacroF1([]int{0, 1, 2}, pred, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pred, f1)
	// Output: [0 1 2] 1
}

func ExampleBalancedAccuracy() {
	truth := []int{0, 0, 0, 0, 1, 1}
	pred := []int{0, 0, 0, 0, 0, 1}
	ba, err := classifier.BalancedAccuracy(truth, pred, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ba) // (4/4 + 1/2)/2
	// Output: 0.75
}
