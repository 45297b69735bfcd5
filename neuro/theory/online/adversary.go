package online

import (
	"fmt"
	"math"
)

// GridSide is the number of grid points per axis of the grid construction,
// ⌊1/(γ√d)⌋ + 1: points 2γ apart along an axis of the cube of side 2/√d
// inscribed in the unit ball. (A quotient within 1e-9 of an integer counts
// as that integer, so γ written in decimal is not cut by rounding.)
func GridSide(d int, gamma float64) (int, error) {
	if d < 1 {
		return 0, fmt.Errorf("online: dimension d = %d, want d ≥ 1", d)
	}
	if err := checkGamma(gamma); err != nil {
		return 0, err
	}
	return int(math.Floor(1/(gamma*math.Sqrt(float64(d)))+1e-9)) + 1, nil
}

// GridCount is the grid construction's lower bound on the totally-separable
// packing number, TS(d, γ) ≥ (⌊1/(γ√d)⌋ + 1)^d, as a float64 (exact up to
// 2^53). In d = 1 it is TS(1, γ) = ⌊1/γ⌋ + 1.
func GridCount(d int, gamma float64) (float64, error) {
	k, err := GridSide(d, gamma)
	if err != nil {
		return 0, err
	}
	return math.Pow(float64(k), float64(d)), nil
}

// PackingBound is ((1+γ)/γ)^d, the bound on points of the unit ball
// pairwise ≥ 2γ apart (disjoint γ-balls inside the ball of radius 1+γ),
// hence on the memoriser's mistakes and on TS(d, γ).
func PackingBound(d int, gamma float64) (float64, error) {
	if d < 1 {
		return 0, fmt.Errorf("online: dimension d = %d, want d ≥ 1", d)
	}
	if err := checkGamma(gamma); err != nil {
		return 0, err
	}
	return math.Pow((1+gamma)/gamma, float64(d)), nil
}

// Adversary is the grid construction played adaptively: it shows the
// GridCount points of the grid one by one (in lexicographic order) and
// labels each with (prediction + 1) mod Labels, so every deterministic
// learner errs on every point. The points are 2γ apart on each axis, in
// the cube of side 2/√d, and the axis-parallel hyperplanes half-way
// between grid lines separate every pair with margin exactly γ; Target
// returns the sign network realising the labels given.
type Adversary struct {
	D      int
	Gamma  float64
	Labels int
	points [][]float64
	given  []int
}

// MaxGridPoints bounds the grids NewAdversary builds.
const MaxGridPoints = 1_000_000

// NewAdversary builds the grid for dimension d ≥ 1, margin γ ∈ (0, 1) and
// labels ≥ 2 labels.
func NewAdversary(d int, gamma float64, labels int) (*Adversary, error) {
	k, err := GridSide(d, gamma)
	if err != nil {
		return nil, err
	}
	if labels < 2 {
		return nil, fmt.Errorf("online: %d labels, want at least 2", labels)
	}
	if n := math.Pow(float64(k), float64(d)); n > MaxGridPoints {
		return nil, fmt.Errorf("online: the grid for d = %d, γ = %v has %.3g points; at most %d", d, gamma, n, MaxGridPoints)
	}
	a := &Adversary{D: d, Gamma: gamma, Labels: labels}
	idx := make([]int, d)
	for {
		x := make([]float64, d)
		for i, j := range idx {
			x[i] = gridCoord(k, j, gamma)
		}
		a.points = append(a.points, x)
		i := d - 1
		for i >= 0 && idx[i] == k-1 {
			idx[i] = 0
			i--
		}
		if i < 0 {
			break
		}
		idx[i]++
	}
	return a, nil
}

// gridCoord is the j-th of k grid coordinates, centred: −(k−1)γ + 2γj.
func gridCoord(k, j int, gamma float64) float64 { return (float64(2*j-(k-1)) * gamma) }

// Rounds is the number of grid points.
func (a *Adversary) Rounds() int { return len(a.points) }

// Point returns grid point t.
func (a *Adversary) Point(t int) []float64 { return a.points[t] }

// Label returns a label the learner did not predict and records it.
func (a *Adversary) Label(t, prediction int) int {
	y := (prediction + 1) % a.Labels
	if prediction < 0 || prediction >= a.Labels {
		y = 0
	}
	for len(a.given) <= t {
		a.given = append(a.given, 0)
	}
	a.given[t] = y
	return y
}

// Target returns the sign network that realises the labels given so far:
// first layer the hyperplanes x_i = −(k−1)γ + 2γj + γ (j < k−1, every axis
// i), one cell per grid point, the label given to its point (0 for points
// not shown yet). Its margin on every grid point is γ.
func (a *Adversary) Target() (*SignNet, error) {
	k, err := GridSide(a.D, a.Gamma)
	if err != nil {
		return nil, err
	}
	var layer []Hyperplane
	for i := range a.D {
		for j := range k - 1 {
			w := make([]float64, a.D)
			w[i] = 1
			layer = append(layer, Hyperplane{W: w, B: -(gridCoord(k, j, a.Gamma) + a.Gamma)})
		}
	}
	if len(layer) == 0 { // a single grid point: one hyperplane outside the grid
		w := make([]float64, a.D)
		w[0] = 1
		layer = append(layer, Hyperplane{W: w, B: a.Gamma})
	}
	net, err := NewSignNet(layer, a.Labels)
	if err != nil {
		return nil, err
	}
	for t, x := range a.points {
		y := 0
		if t < len(a.given) {
			y = a.given[t]
		}
		net.Table[net.Cell(x)] = y
	}
	return net, nil
}

// Realised builds Target and reports the smallest margin of its first layer
// over the points shown so far and whether it labels each of them as the
// adversary did.
func (a *Adversary) Realised() (margin float64, consistent bool, err error) {
	net, err := a.Target()
	if err != nil {
		return 0, false, err
	}
	margin, consistent = math.Inf(1), true
	for t, y := range a.given {
		x := a.points[t]
		margin = math.Min(margin, net.Margin(x))
		consistent = consistent && net.Label(x) == y
	}
	return margin, consistent, nil
}
