package online

import (
	"errors"
	"math"
)

// Abstain is the prediction of a learner that has no label for an
// instance (a cell it has not seen, no stored point nearby): it is never
// correct, so a first visit always costs a mistake, as it can in the worst
// case (an adversary makes any guess wrong).
const Abstain = -1

// CellOracle knows the target's first layer and memorises the last label
// seen in each cell; in a new cell it predicts Default (Abstain unless
// changed). It errs at most once per distinct cell visited.
type CellOracle struct {
	Layer   []Hyperplane
	Default int
	memory  map[Cell]int
}

// NewCellOracle returns a cell oracle for the first layer of target.
func NewCellOracle(target *SignNet) (*CellOracle, error) {
	if target == nil {
		return nil, errors.New("online: NewCellOracle: target is nil")
	}
	return &CellOracle{Layer: target.Layer, Default: Abstain, memory: map[Cell]int{}}, nil
}

// Predict returns the label memorised for x's cell.
func (o *CellOracle) Predict(x []float64) int {
	if y, ok := o.memory[cellOf(o.Layer, x)]; ok {
		return y
	}
	return o.Default
}

// Update memorises y for x's cell.
func (o *CellOracle) Update(x []float64, y, _ int) { o.memory[cellOf(o.Layer, x)] = y }

// Dim is the dimension of the first layer.
func (o *CellOracle) Dim() int { return len(o.Layer[0].W) }

// Cells is the number of cells seen.
func (o *CellOracle) Cells() int { return len(o.memory) }

// Memoriser is the 2γ nearest-neighbour learner: it predicts the label of
// the nearest stored point closer than 2γ (Default, Abstain unless
// changed, when there is none) and stores x with its label after a
// mistake.
type Memoriser struct {
	Gamma   float64
	Default int
	points  [][]float64
	labels  []int
}

// NewMemoriser returns an empty memoriser for margin γ ∈ (0, 1).
func NewMemoriser(gamma float64) (*Memoriser, error) {
	if err := checkGamma(gamma); err != nil {
		return nil, err
	}
	return &Memoriser{Gamma: gamma, Default: Abstain}, nil
}

// Predict returns the label of the nearest stored point within 2γ.
func (m *Memoriser) Predict(x []float64) int {
	best, label := 2*m.Gamma, m.Default
	for k, p := range m.points {
		if d := dist(p, x); d < best {
			best, label = d, m.labels[k]
		}
	}
	return label
}

// Update stores x after a mistake.
func (m *Memoriser) Update(x []float64, y, prediction int) {
	if y != prediction {
		m.points = append(m.points, append([]float64(nil), x...))
		m.labels = append(m.labels, y)
	}
}

// Stored returns the stored points (the mistake points). Do not modify
// them.
func (m *Memoriser) Stored() [][]float64 { return m.points }

func dist(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		d := v - b[i]
		s += d * d
	}
	return math.Sqrt(s)
}
