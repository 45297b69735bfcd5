package information

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Grid is a set of stimuli on which Exact reports pointwise measures: the
// tensor product of one strictly increasing axis per feature (1-D or 2-D).
// Points are numbered row-major: in 2-D, point i₁·len(Axes[1]) + i₂ is
// (Axes[0][i₁], Axes[1][i₂]).
type Grid struct {
	Axes [][]float64
}

// NewGrid returns the grid of the given axes after checking that each is
// non-empty, finite and strictly increasing.
func NewGrid(axes ...[]float64) (Grid, error) {
	g := Grid{Axes: axes}
	return g, g.validate()
}

// Linspace returns n evenly spaced values from lo to hi inclusive.
func Linspace(lo, hi float64, n int) []float64 {
	if n <= 0 {
		return nil
	}
	x := make([]float64, n)
	if n == 1 {
		x[0] = lo
		return x
	}
	for i := range x {
		x[i] = lo + (hi-lo)*float64(i)/float64(n-1)
	}
	return x
}

func (g Grid) validate() error {
	if len(g.Axes) == 0 {
		return errors.New("information: grid has no axes")
	}
	for a, ax := range g.Axes {
		if len(ax) == 0 {
			return fmt.Errorf("information: grid axis %d is empty", a)
		}
		for i, v := range ax {
			if !finite(v) {
				return fmt.Errorf("information: grid axis %d: value %d is %v", a, i, v)
			}
			if i > 0 && !(v > ax[i-1]) {
				return fmt.Errorf("information: grid axis %d is not increasing at index %d (%v after %v)", a, i, v, ax[i-1])
			}
		}
	}
	return nil
}

// Dim returns the number of axes.
func (g Grid) Dim() int { return len(g.Axes) }

// Len returns the number of points.
func (g Grid) Len() int {
	n := 1
	for _, a := range g.Axes {
		n *= len(a)
	}
	return n
}

// Point writes point i into x.
func (g Grid) Point(i int, x []float64) {
	for a := len(g.Axes) - 1; a >= 0; a-- {
		n := len(g.Axes[a])
		x[a] = g.Axes[a][i%n]
		i /= n
	}
}

// Index returns the point of the grid nearest to x, by axis.
func (g Grid) Index(x ...float64) (int, error) {
	if len(x) != len(g.Axes) {
		return 0, fmt.Errorf("information: Index: %d coordinates for a %d-D grid", len(x), len(g.Axes))
	}
	idx := 0
	for a, ax := range g.Axes {
		best := 0
		for i, v := range ax {
			if math.Abs(v-x[a]) < math.Abs(ax[best]-x[a]) {
				best = i
			}
		}
		idx = idx*len(ax) + best
	}
	return idx, nil
}

// trapezoid returns the trapezoid weights of an axis (a single point has
// weight 1).
func trapezoid(ax []float64) []float64 {
	w := make([]float64, len(ax))
	if len(ax) == 1 {
		w[0] = 1
		return w
	}
	for i := 0; i+1 < len(ax); i++ {
		h := ax[i+1] - ax[i]
		w[i] += h / 2
		w[i+1] += h / 2
	}
	return w
}

// Matrix returns a field over a 2-D grid (one value per point, as Exact's
// results hold them) as a len(Axes[0]) × len(Axes[1]) matrix, row i₁ and
// column i₂: what widgets.Heatmap draws.
func (g Grid) Matrix(field []float64) (*mat.Dense, error) {
	if len(g.Axes) != 2 {
		return nil, fmt.Errorf("information: Matrix: the grid is %d-D, want 2-D", len(g.Axes))
	}
	if len(field) != g.Len() {
		return nil, fmt.Errorf("information: Matrix: field has %d values, the grid %d points", len(field), g.Len())
	}
	return mat.NewDense(len(g.Axes[0]), len(g.Axes[1]), append([]float64(nil), field...)), nil
}
