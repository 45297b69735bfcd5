package singleneuron

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/neuronb/neuronb/neuro/replicates"
)

// Plane projects rows of Z onto their first two principal components
// (centred, unscaled; gonum's stat.PC), for drawing embeddings.
func Plane(Z [][]float64) (x, y []float64, err error) {
	if len(Z) < 2 || len(Z[0]) < 2 {
		return nil, nil, fmt.Errorf("singleneuron: Plane: %d rows, want ≥ 2 rows of ≥ 2 values", len(Z))
	}
	w := len(Z[0])
	a := mat.NewDense(len(Z), w, nil)
	for i, z := range Z {
		if len(z) != w {
			return nil, nil, fmt.Errorf("singleneuron: Plane: row %d has %d values, row 0 %d", i, len(z), w)
		}
		a.SetRow(i, z)
	}
	var pc stat.PC
	if !pc.PrincipalComponents(a, nil) {
		return nil, nil, fmt.Errorf("singleneuron: Plane: the principal components did not converge")
	}
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	var proj mat.Dense
	// Centre, then project on the first two directions.
	means := make([]float64, w)
	for j := range means {
		means[j] = stat.Mean(mat.Col(nil, j, a), nil)
	}
	for i := 0; i < len(Z); i++ {
		for j := 0; j < w; j++ {
			a.Set(i, j, a.At(i, j)-means[j])
		}
	}
	proj.Mul(a, vecs.Slice(0, w, 0, 2))
	return mat.Col(nil, 0, &proj), mat.Col(nil, 1, &proj), nil
}

// Sweep returns, for each λ, the summary over seeds of pick of a learned
// arm (ArmName(p, m, λ)), for error-bar charts against λ.
func (s *Study) Sweep(p Protocol, m ModelKind, lambdas []float64, pick func(FoldResult) float64) ([]replicates.Summary, error) {
	out := make([]replicates.Summary, len(lambdas))
	for i, l := range lambdas {
		v, err := s.Values(ArmName(p, m, l), pick)
		if err != nil {
			return nil, err
		}
		if out[i], err = replicates.Summarize(v); err != nil {
			return nil, err
		}
	}
	return out, nil
}
