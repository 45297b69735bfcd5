package similarity

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// RDMMetric is the dissimilarity between two stimulus patterns (rows).
type RDMMetric int

const (
	// Euclidean: squared Euclidean distance divided by the number of
	// neurons, ‖xᵢ − xⱼ‖² / N (rsatoolbox's "euclidean").
	Euclidean RDMMetric = iota
	// Correlation: 1 − Pearson correlation between the two patterns across
	// neurons.
	Correlation
)

// RDMComparison compares two dissimilarity vectors.
type RDMComparison int

const (
	// Spearman: Pearson correlation of the ranks (ties share their mean
	// rank).
	Spearman RDMComparison = iota
	// KendallTauA: (concordant − discordant pairs) / (n(n−1)/2); tied pairs
	// count as neither.
	KendallTauA
	// Cosine: a·b / (‖a‖ ‖b‖).
	Cosine
)

// RDM returns the representational dissimilarity matrix of x (P stimuli ×
// N neurons) as the vector of its upper triangle, entry (i, j) with i < j at
// index i·P − i(i+1)/2 + (j − i − 1), length P(P−1)/2.
func RDM(x mat.Matrix, metric RDMMetric) ([]float64, error) {
	if err := checkRepresentation("X", x); err != nil {
		return nil, err
	}
	return rdmOf("X", mat.DenseCopyOf(x), metric)
}

// SquareRDM expands an RDM from its upper-triangle vector (RDM's layout,
// length P(P−1)/2) to the symmetric P×P matrix with a zero diagonal, as
// scipy's squareform does, for widgets.Heatmap or matrix algebra.
func SquareRDM(d []float64) (*mat.SymDense, error) {
	// P(P−1)/2 = len(d) ⇒ P = (1 + √(1 + 8 len(d)))/2.
	p := int(math.Round((1 + math.Sqrt(1+8*float64(len(d)))) / 2))
	if len(d) == 0 || p*(p-1)/2 != len(d) {
		return nil, fmt.Errorf("similarity: an RDM vector has P(P−1)/2 entries for some P ≥ 2; got %d", len(d))
	}
	m := mat.NewSymDense(p, nil)
	k := 0
	for i := 0; i < p; i++ {
		for j := i + 1; j < p; j++ {
			m.SetSym(i, j, d[k])
			k++
		}
	}
	return m, nil
}

func rdmOf(name string, x *mat.Dense, metric RDMMetric) ([]float64, error) {
	p, n := x.Dims()
	switch metric {
	case Euclidean:
	case Correlation:
		if n < 2 {
			return nil, fmt.Errorf("similarity: correlation distance needs at least 2 neurons; %s is %d×%d", name, p, n)
		}
		for i := 0; i < p; i++ {
			row := x.RawRowView(i)
			var m float64
			for _, v := range row {
				m += v
			}
			m /= float64(n)
			var ss float64
			for j := range row {
				row[j] -= m
				ss += row[j] * row[j]
			}
			if ss == 0 {
				return nil, fmt.Errorf("similarity: stimulus %d of %s (%d×%d) has the same response in every neuron; its correlation distance is undefined", i, name, p, n)
			}
			s := 1 / math.Sqrt(ss)
			for j := range row {
				row[j] *= s
			}
		}
	default:
		return nil, fmt.Errorf("similarity: unknown RDM metric %d", int(metric))
	}
	g := gramOf(x)
	out := make([]float64, 0, p*(p-1)/2)
	for i := 0; i < p; i++ {
		for j := i + 1; j < p; j++ {
			if metric == Correlation {
				out = append(out, 1-g.At(i, j))
			} else {
				d := g.At(i, i) + g.At(j, j) - 2*g.At(i, j)
				out = append(out, math.Max(d, 0)/float64(n))
			}
		}
	}
	return out, nil
}

// CompareRDMs compares two dissimilarity vectors of equal length.
func CompareRDMs(a, b []float64, method RDMComparison) (float64, error) {
	if len(a) != len(b) {
		return 0, fmt.Errorf("similarity: RDM vectors have lengths %d and %d; they must match", len(a), len(b))
	}
	if len(a) < 2 {
		return 0, fmt.Errorf("similarity: RDM comparison needs at least 2 dissimilarities, got %d", len(a))
	}
	for i := range a {
		if math.IsNaN(a[i]) || math.IsInf(a[i], 0) {
			return 0, fmt.Errorf("similarity: first RDM has %v at index %d", a[i], i)
		}
		if math.IsNaN(b[i]) || math.IsInf(b[i], 0) {
			return 0, fmt.Errorf("similarity: second RDM has %v at index %d", b[i], i)
		}
	}
	switch method {
	case Spearman:
		return pearson(ranks(a), ranks(b))
	case KendallTauA:
		return kendallTauA(a, b), nil
	case Cosine:
		var ab, aa, bb float64
		for i := range a {
			ab += a[i] * b[i]
			aa += a[i] * a[i]
			bb += b[i] * b[i]
		}
		if aa == 0 || bb == 0 {
			return 0, fmt.Errorf("similarity: cosine similarity of an all-zero RDM is undefined")
		}
		return ab / math.Sqrt(aa*bb), nil
	}
	return 0, fmt.Errorf("similarity: unknown RDM comparison %d", int(method))
}

// RSA returns the representational similarity of X and Y: their RDMs under
// metric compared by method.
func RSA(x, y mat.Matrix, metric RDMMetric, method RDMComparison) (float64, error) {
	if err := checkPair(x, y); err != nil {
		return 0, err
	}
	a, err := rdmOf("X", mat.DenseCopyOf(x), metric)
	if err != nil {
		return 0, err
	}
	b, err := rdmOf("Y", mat.DenseCopyOf(y), metric)
	if err != nil {
		return 0, err
	}
	return CompareRDMs(a, b, method)
}

// ranks returns 1-based ranks with ties given their mean rank.
func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return v[idx[i]] < v[idx[j]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		mean := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = mean
		}
		i = j + 1
	}
	return r
}

func pearson(a, b []float64) (float64, error) {
	n := float64(len(a))
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= n
	mb /= n
	var ab, aa, bb float64
	for i := range a {
		da, db := a[i]-ma, b[i]-mb
		ab += da * db
		aa += da * da
		bb += db * db
	}
	if aa == 0 || bb == 0 {
		return 0, fmt.Errorf("similarity: a constant RDM has no rank correlation")
	}
	return ab / math.Sqrt(aa*bb), nil
}

// kendallTauA counts concordant minus discordant pairs in O(n log n)
// (Knight's algorithm): sort by (a, b), count the exchanges a merge sort
// of b needs (discordant pairs), and correct for ties.
func kendallTauA(a, b []float64) float64 {
	n := len(a)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(i, j int) bool {
		if a[idx[i]] != a[idx[j]] {
			return a[idx[i]] < a[idx[j]]
		}
		return b[idx[i]] < b[idx[j]]
	})
	as, bs := make([]float64, n), make([]float64, n)
	for i, k := range idx {
		as[i], bs[i] = a[k], b[k]
	}
	// Pairs tied in a, and tied in both (within a run of equal a, b is
	// sorted).
	tiesA, tiesAB := tiedPairs(as), int64(0)
	for i := 0; i < n; {
		j := i
		for j+1 < n && as[j+1] == as[i] {
			j++
		}
		tiesAB += tiedPairs(bs[i : j+1])
		i = j + 1
	}
	swaps := mergeCount(bs, make([]float64, n))
	tiesB := tiedPairs(bs) // after sorting, bs is sorted
	total := int64(n) * int64(n-1) / 2
	// Untied-in-both pairs are concordant or discordant; discordant = swaps.
	concMinusDisc := total - tiesA - tiesB + tiesAB - 2*swaps
	return float64(concMinusDisc) / float64(total)
}

// mergeCount sorts v ascending and returns the number of inversions
// (pairs i < j with v[i] > v[j]).
func mergeCount(v, buf []float64) int64 {
	n := len(v)
	if n < 2 {
		return 0
	}
	mid := n / 2
	c := mergeCount(v[:mid], buf[:mid]) + mergeCount(v[mid:], buf[mid:])
	i, j, k := 0, mid, 0
	for i < mid && j < n {
		if v[j] < v[i] {
			buf[k] = v[j]
			c += int64(mid - i)
			j++
		} else {
			buf[k] = v[i]
			i++
		}
		k++
	}
	for i < mid {
		buf[k] = v[i]
		i++
		k++
	}
	for j < n {
		buf[k] = v[j]
		j++
		k++
	}
	copy(v, buf[:n])
	return c
}

// tiedPairs returns the number of pairs of equal values in sorted v.
func tiedPairs(v []float64) int64 {
	var ties int64
	for i := 0; i < len(v); {
		j := i
		for j+1 < len(v) && v[j+1] == v[i] {
			j++
		}
		m := int64(j - i + 1)
		ties += m * (m - 1) / 2
		i = j + 1
	}
	return ties
}
