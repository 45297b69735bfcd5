package information

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/integrate/quad"
)

// The quadrature works on uniform one-dimensional grids, one per feature,
// and expresses every Gaussian expectation over a grid as a matrix (an
// operator) applied along one axis, so that 2-D expectations are two
// matrix products.

// uniform is the grid lo + j·step, j = 0..n−1.
type uniform struct {
	lo, step float64
	n        int
}

// span returns the uniform grid with steps of at most step covering
// [lo, hi], with at least minPoints points.
func span(lo, hi, step float64, minPoints int) uniform {
	n := int(math.Ceil((hi-lo)/step)) + 1
	if n < minPoints {
		n = minPoints
	}
	return uniform{lo: lo, step: (hi - lo) / float64(n-1), n: n}
}

func (u uniform) at(j int) float64 { return u.lo + float64(j)*u.step }

// hermiteNodes are Gauss–Hermite nodes t and weights w for
// E_{z~N(0,1)} v(z) ≈ Σ w_q v(t_q).
type hermiteNodes struct{ t, w []float64 }

func newHermite(n int) hermiteNodes {
	h := hermiteNodes{t: make([]float64, n), w: make([]float64, n)}
	quad.Hermite{}.FixedLocations(h.t, h.w, math.Inf(-1), math.Inf(1))
	for q := range h.t {
		h.t[q] *= math.Sqrt2
		h.w[q] /= math.SqrtPi
	}
	return h
}

// stencil is the number of points of the Lagrange interpolation used
// below (degree stencil−1).
const stencil = 6

// gaussOperator returns the len(centres) × g.n matrix W, row-major, with
//
//	Σ_j W[i,j] v(g_j) ≈ E_{t~N(centres[i], sd²)} v(t)
//
// for a function v sampled on g, which must cover centres ± 8 sd. A
// Gaussian wider than two grid steps is sampled on the grid (the trapezoid
// rule, whose error for a Gaussian of width sd on steps h is of order
// exp(−2π² sd²/h²)) and each row normalised; a narrower one is integrated
// by Gauss–Hermite nodes at which v is interpolated from the grid
// (Lagrange, stencil points).
func gaussOperator(centres []float64, sd float64, g uniform, gh hermiteNodes) operator {
	w := make([]float64, len(centres)*g.n)
	for i, c := range centres {
		row := w[i*g.n : (i+1)*g.n]
		if sd >= 2*g.step {
			j0 := max(0, int(math.Floor((c-9*sd-g.lo)/g.step)))
			j1 := min(g.n-1, int(math.Ceil((c+9*sd-g.lo)/g.step)))
			s := 0.0
			for j := j0; j <= j1; j++ {
				z := (g.at(j) - c) / sd
				row[j] = math.Exp(-0.5 * z * z)
				s += row[j]
			}
			for j := j0; j <= j1; j++ {
				row[j] /= s
			}
			continue
		}
		if sd == 0 {
			interpolate(row, c, g, 1)
			continue
		}
		for q, t := range gh.t {
			interpolate(row, c+sd*t, g, gh.w[q])
		}
	}
	return newOperator(w, len(centres), g.n)
}

// operator is an m × n matrix, row-major, whose rows are non-zero only on
// a band: row i on columns [band[i][0], band[i][1]).
type operator struct {
	w    []float64
	m, n int
	band [][2]int
}

func newOperator(w []float64, m, n int) operator {
	op := operator{w: w, m: m, n: n, band: make([][2]int, m)}
	for i := 0; i < m; i++ {
		row := w[i*n : (i+1)*n]
		lo, hi := 0, n
		for lo < n && row[lo] == 0 {
			lo++
		}
		for hi > lo && row[hi-1] == 0 {
			hi--
		}
		op.band[i] = [2]int{lo, hi}
	}
	return op
}

// blockRows is the number of operator rows applied by one matrix product:
// their bands' union is the block's columns.
const blockRows = 8

// blocks calls f for every block of rows [i0, i1) with the union [j0, j1)
// of their bands (skipping empty blocks).
func (op operator) blocks(f func(i0, i1, j0, j1 int)) {
	for i0 := 0; i0 < op.m; i0 += blockRows {
		i1 := min(i0+blockRows, op.m)
		j0, j1 := op.n, 0
		for i := i0; i < i1; i++ {
			if op.band[i][0] < op.band[i][1] {
				j0, j1 = min(j0, op.band[i][0]), max(j1, op.band[i][1])
			}
		}
		f(i0, i1, j0, j1)
	}
}

// interpolate adds weight times the Lagrange interpolation weights of the
// point t on g to row.
func interpolate(row []float64, t float64, g uniform, weight float64) {
	p := min(stencil, g.n)
	s := (t - g.lo) / g.step
	j0 := int(math.Floor(s)) - (p-1)/2
	j0 = max(0, min(j0, g.n-p))
	for a := 0; a < p; a++ {
		l := 1.0
		for b := 0; b < p; b++ {
			if b != a {
				l *= (s - float64(j0+b)) / float64(a-b)
			}
		}
		row[j0+a] += weight * l
	}
}

// applyFirst computes out (m × cols) = W (m × n) · in (n × cols), all
// row-major: an operator applied along the first axis of a tensor whose
// other axes are flattened into cols. Each block of rows multiplies only
// the columns of its band.
func applyFirst(out []float64, op operator, in []float64, cols int) {
	op.blocks(func(i0, i1, j0, j1 int) {
		if j0 >= j1 {
			clear(out[i0*cols : i1*cols])
			return
		}
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
			blas64.General{Rows: i1 - i0, Cols: j1 - j0, Stride: op.n, Data: op.w[i0*op.n+j0:]},
			blas64.General{Rows: j1 - j0, Cols: cols, Stride: cols, Data: in[j0*cols:]},
			0, blas64.General{Rows: i1 - i0, Cols: cols, Stride: cols, Data: out[i0*cols:]})
	})
}

// applyLast computes out (rows × m) = in (rows × n) · Wᵀ (W is m × n): an
// operator applied along the last axis, block of output columns by block.
func applyLast(out []float64, rows int, in []float64, op operator) {
	op.blocks(func(i0, i1, j0, j1 int) {
		if j0 >= j1 {
			for r := 0; r < rows; r++ {
				clear(out[r*op.m+i0 : r*op.m+i1])
			}
			return
		}
		blas64.Gemm(blas.NoTrans, blas.Trans, 1,
			blas64.General{Rows: rows, Cols: j1 - j0, Stride: op.n, Data: in[j0:]},
			blas64.General{Rows: i1 - i0, Cols: j1 - j0, Stride: op.n, Data: op.w[i0*op.n+j0:]},
			0, blas64.General{Rows: rows, Cols: i1 - i0, Stride: op.m, Data: out[i0:]})
	})
}
