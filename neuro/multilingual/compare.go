package multilingual

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"

	"github.com/neuronb/neuronb/neuro/transformer"
)

// Agreement compares, for the units of one component on one input, the
// parallel form (module output) with exact deactivation (layer output).
type Agreement struct {
	Component Component `json:"component"`
	Units     int       `json:"units"`
	// Spearman is the rank correlation of the two scores over the units
	// (all layers).
	Spearman float64 `json:"spearman"`
	// MedianRatio is the median of parallel/exact, and MaxRelDiff the
	// largest |parallel − exact|/exact.
	MedianRatio float64 `json:"median_ratio"`
	MaxRelDiff  float64 `json:"max_rel_diff"`
	// TopJaccard is |A∩B|/|A∪B| of the top-σ sets (Top) chosen by each.
	TopJaccard float64 `json:"top_jaccard"`
}

func (a Agreement) String() string {
	return fmt.Sprintf("%-3s %4d units: Spearman %.3f, median parallel/exact %.3f, largest relative difference %.2g, top-σ Jaccard %.2f",
		a.Component, a.Units, a.Spearman, a.MedianRatio, a.MaxRelDiff, a.TopJaccard)
}

// CompareExact scores every unit of m on tokens by the parallel form and
// by exact deactivation (one layer rerun per unit) and compares them per
// component; the FFN row is the exactness check (they are equal to float
// precision), the attention rows measure what the parallel form leaves
// out (the layer's MLP acting on the attention change).
func CompareExact(m *transformer.Model, tokens []int, sigma float64) ([NumComponents]Agreement, error) {
	var out [NumComponents]Agreement
	par, err := ParallelImportance(m, tokens, Deactivation)
	if err != nil {
		return out, err
	}
	ex, err := ExactImportance(m, tokens)
	if err != nil {
		return out, err
	}
	tp, err := Top(par, sigma)
	if err != nil {
		return out, err
	}
	te, err := Top(ex, sigma)
	if err != nil {
		return out, err
	}
	inter, union := Intersect(tp, te).ByComponent(), Union(tp, te).ByComponent()
	for c := range out {
		var a, b, ratio []float64
		worst := 0.0
		for l := range par {
			a, b = append(a, par[l][c]...), append(b, ex[l][c]...)
		}
		for i := range a {
			if b[i] > 0 {
				ratio = append(ratio, a[i]/b[i])
				worst = math.Max(worst, math.Abs(a[i]-b[i])/b[i])
			}
		}
		slices.Sort(ratio)
		med := math.NaN()
		if len(ratio) > 0 {
			med = ratio[len(ratio)/2]
		}
		out[c] = Agreement{Component: Component(c), Units: len(a), Spearman: spearman(a, b), MedianRatio: med, MaxRelDiff: worst,
			TopJaccard: float64(inter[c]) / float64(max(union[c], 1))}
	}
	return out, nil
}

// ExactImportance scores every unit of m on tokens by exact deactivation
// (Eq. 1 at the layer output: one layer rerun from its cached input per
// unit; see Exact).
func ExactImportance(m *transformer.Model, tokens []int) (Importance, error) {
	e, err := NewExact(m, tokens)
	if err != nil {
		return nil, err
	}
	ex := make(Importance, e.shape.Layers)
	for l := range ex {
		for c := range ex[l] {
			ex[l][c] = make([]float64, e.shape.Sizes[c])
			for i := range ex[l][c] {
				if ex[l][c][i], err = e.Importance(Unit{l, Component(c), i}); err != nil {
					return nil, err
				}
			}
		}
	}
	return ex, nil
}

// spearman is Pearson's correlation of the ranks (ties averaged).
func spearman(a, b []float64) float64 { return stat.Correlation(ranks(a), ranks(b), nil) }

func ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int { return cmp.Compare(x[i], x[j]) })
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		for k := i; k <= j; k++ {
			r[idx[k]] = float64(i+j)/2 + 1
		}
		i = j + 1
	}
	return r
}
