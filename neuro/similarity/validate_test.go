package similarity

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Oracle: the error text. Bad input must name the argument, shape and index.
func TestBadInputErrorsNameTheArgument(t *testing.T) {
	good := powerLawData(10, 4, 61)
	nan := mat.DenseCopyOf(good)
	nan.Set(3, 2, math.NaN())
	inf := mat.DenseCopyOf(good)
	inf.Set(7, 1, math.Inf(1))
	constant := mat.NewDense(10, 4, nil)
	for i := 0; i < 10; i++ {
		constant.SetRow(i, []float64{1, 2, 3, 4})
	}
	cases := []struct {
		name string
		x, y mat.Matrix
		want []string
	}{
		{"NaN", nan, good, []string{"X (10×4)", "NaN", "row (stimulus) 3", "column (neuron) 2"}},
		{"Inf in Y", good, inf, []string{"Y (10×4)", "+Inf", "row (stimulus) 7", "column (neuron) 1"}},
		{"one stimulus", mat.NewDense(1, 3, []float64{1, 2, 3}), mat.NewDense(1, 3, []float64{1, 2, 3}), []string{"X has 1 stimulus", "need at least 2"}},
		{"mismatched stimuli", good, powerLawData(9, 4, 62), []string{"X is 10×4", "Y is 9×4", "10 vs 9"}},
		{"zero variance", good, constant, []string{"Y (10×4)", "zero variance"}},
		{"nil", nil, good, []string{"X is nil"}},
	}
	for _, c := range cases {
		for mname, m := range map[string]Measure{"LinearCKA": LinearCKA, "CCA": func(x, y mat.Matrix) (float64, error) { return CCA(x, y, 2) }} {
			_, err := m(c.x, c.y)
			if err == nil {
				t.Errorf("%s/%s: no error", mname, c.name)
				continue
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%s/%s: error %q does not mention %q", mname, c.name, err, w)
				}
			}
		}
	}
	if _, err := CCA(good, good, 5); err == nil || !strings.Contains(err.Error(), "min(P-1, N) = 4") {
		t.Errorf("CCA with k above the rank: %v", err)
	}
	if _, err := CanonicalCorrelations(powerLawData(5, 6, 63), good.Slice(0, 5, 0, 4)); err == nil || !strings.Contains(err.Error(), "fewer neurons than stimuli") {
		t.Errorf("full CCA with N >= P: %v", err)
	}
	dup := mat.DenseCopyOf(good)
	for i := 0; i < 10; i++ {
		dup.Set(i, 3, 2*dup.At(i, 1))
	}
	if _, err := CanonicalCorrelations(dup, good); err == nil || !strings.Contains(err.Error(), "column 3 is linearly dependent") {
		t.Errorf("full CCA with a dependent column: %v", err)
	}
	if _, err := SolveStieltjes([]float64{1}, []float64{1, -1}, 1, nil); err == nil || !strings.Contains(err.Error(), "population eigenvalue 1 is -1") {
		t.Errorf("negative population eigenvalue: %v", err)
	}
	if _, err := Denoise(mat.NewDense(2, 3, nil), []float64{1, 2}, []float64{1, 0.5}, []float64{1, 0.5, 0.1}, 1, nil); err == nil || !strings.Contains(err.Error(), "descending") {
		t.Errorf("unsorted sample eigenvalues: %v", err)
	}
}
