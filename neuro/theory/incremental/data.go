package incremental

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"

	"gonum.org/v1/gonum/mat"
)

// OrthogonalityTolerance is the largest |cos ∠(x_i, x_k)| NewData accepts
// between two inputs it must treat as orthogonal.
const OrthogonalityTolerance = 1e-8

// Data holds n pairwise orthogonal inputs x_1..x_n ∈ R^d (rows of X) and
// their labels y_1..y_n. Construct it with NewData or SampleData, which
// validate it; its methods return views the caller must not modify.
type Data struct {
	x     mat.Matrix
	y     []float64
	norms []float64
	// diag is non-nil when x_i = diag[i] e_i with d = n (a *mat.DiagDense):
	// the products ⟨w_j, x_i⟩ then cost O(1) instead of O(d).
	diag []float64
}

// NewData checks that the rows of x (n × d, d ≥ n) are non-zero, finite and
// pairwise orthogonal (|cos| ≤ OrthogonalityTolerance; the error names the
// worst pair and its cosine) and that y has n finite, non-zero labels. x is
// copied. A *mat.DiagDense x (x_i = c_i e_i) is kept diagonal, which makes
// gradient descent O(mn) per step instead of O(mnd).
func NewData(x mat.Matrix, y []float64) (*Data, error) {
	if x == nil || (reflect.ValueOf(x).Kind() == reflect.Pointer && reflect.ValueOf(x).IsNil()) {
		return nil, errors.New("incremental: inputs X are nil")
	}
	n, d := x.Dims()
	if n == 0 || d == 0 {
		return nil, fmt.Errorf("incremental: inputs X are %d×%d; need n ≥ 1 inputs of dimension d ≥ 1", n, d)
	}
	if d < n {
		return nil, fmt.Errorf("incremental: %d inputs in dimension d = %d cannot be pairwise orthogonal; need d ≥ n", n, d)
	}
	if len(y) != n {
		return nil, fmt.Errorf("incremental: %d labels for %d inputs (rows of X)", len(y), n)
	}
	for i, v := range y {
		if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("incremental: label y[%d] = %v; labels must be finite and non-zero", i, v)
		}
	}
	data := &Data{y: append([]float64(nil), y...), norms: make([]float64, n)}
	if dg, ok := x.(*mat.DiagDense); ok {
		data.diag = make([]float64, n)
		for i := range n {
			c := dg.At(i, i)
			if c == 0 || math.IsNaN(c) || math.IsInf(c, 0) {
				return nil, fmt.Errorf("incremental: input x[%d] = %v·e_%d; inputs must be finite and non-zero", i, c, i)
			}
			data.diag[i], data.norms[i] = c, math.Abs(c)
		}
		data.x = mat.NewDiagDense(n, append([]float64(nil), data.diag...))
		return data, nil
	}
	xd := mat.DenseCopyOf(x)
	for i := range n {
		for k := range d {
			if v := xd.At(i, k); math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("incremental: input x[%d] has %v at coordinate %d", i, v, k)
			}
		}
		data.norms[i] = mat.Norm(xd.RowView(i), 2)
		if data.norms[i] == 0 {
			return nil, fmt.Errorf("incremental: input x[%d] is zero", i)
		}
	}
	if i, k, c := worstCosine(xd, data.norms); math.Abs(c) > OrthogonalityTolerance {
		return nil, fmt.Errorf("incremental: inputs x[%d] and x[%d] are not orthogonal: cos ∠ = %.3g (|cos| ≤ %g required; the limit process and the interpolation probability assume orthogonal inputs)", i, k, c, OrthogonalityTolerance)
	}
	data.x = xd
	return data, nil
}

// worstCosine returns the pair of rows with the largest |cos ∠| and that
// cosine (0 for a single row).
func worstCosine(x *mat.Dense, norms []float64) (wi, wk int, worst float64) {
	n, _ := x.Dims()
	var g mat.SymDense
	g.SymOuterK(1, x)
	for i := range n {
		for k := i + 1; k < n; k++ {
			if c := g.At(i, k) / (norms[i] * norms[k]); math.Abs(c) > math.Abs(worst) {
				wi, wk, worst = i, k, c
			}
		}
	}
	return wi, wk, worst
}

// N is the number of inputs n.
func (d *Data) N() int { return len(d.y) }

// Dim is the input dimension d.
func (d *Data) Dim() int { _, c := d.x.Dims(); return c }

// X returns the inputs as rows (n × d): a *mat.DiagDense for axis-aligned
// data with d = n, a *mat.Dense otherwise. Do not modify it.
func (d *Data) X() mat.Matrix { return d.x }

// Y returns the labels. Do not modify them.
func (d *Data) Y() []float64 { return d.y }

// Norms returns ‖x_i‖. Do not modify them.
func (d *Data) Norms() []float64 { return d.norms }

// Signs counts the positive and negative labels.
func (d *Data) Signs() (pos, neg int) {
	for _, v := range d.y {
		if v > 0 {
			pos++
		} else {
			neg++
		}
	}
	return pos, neg
}

// input copies x_i into dst (length d).
func (d *Data) input(i int, dst []float64) {
	clear(dst)
	if d.diag != nil {
		dst[i] = d.diag[i]
		return
	}
	mat.Row(dst, i, d.x)
}

// Rotate returns the data with every input rotated by q (d × d,
// orthogonal): x_i ↦ q x_i. Labels are kept.
func (d *Data) Rotate(q mat.Matrix) (*Data, error) {
	if err := checkOrthogonal(q, d.Dim()); err != nil {
		return nil, err
	}
	var x mat.Dense
	x.Mul(d.x, q.T())
	return NewData(&x, d.y)
}

// checkOrthogonal reports a q that is not a d × d orthogonal matrix
// (‖qᵀq − I‖_max ≤ 1e-10).
func checkOrthogonal(q mat.Matrix, d int) error {
	if q == nil || (reflect.ValueOf(q).Kind() == reflect.Pointer && reflect.ValueOf(q).IsNil()) {
		return errors.New("incremental: rotation is nil")
	}
	if r, c := q.Dims(); r != d || c != d {
		return fmt.Errorf("incremental: rotation is %d×%d, want %d×%d", r, c, d, d)
	}
	var g mat.Dense
	g.Mul(q.T(), q)
	for i := range d {
		for k := range d {
			want := 0.0
			if i == k {
				want = 1
			}
			if e := math.Abs(g.At(i, k) - want); !(e <= 1e-10) {
				return fmt.Errorf("incremental: rotation is not orthogonal: (QᵀQ)[%d,%d] = %.3g, want %v", i, k, g.At(i, k), want)
			}
		}
	}
	return nil
}

// RandomRotation draws a d × d orthogonal matrix from the Haar measure: the
// Q factor of a Gaussian matrix with the signs of R's diagonal moved into Q.
func RandomRotation(rng *rand.Rand, d int) (*mat.Dense, error) {
	if d < 1 {
		return nil, fmt.Errorf("incremental: rotation dimension d = %d, want d ≥ 1", d)
	}
	g := mat.NewDense(d, d, nil)
	for i := range d {
		for k := range d {
			g.Set(i, k, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q, r mat.Dense
	qr.QTo(&q)
	qr.RTo(&r)
	for k := range d {
		if r.At(k, k) < 0 {
			for i := range d {
				q.Set(i, k, -q.At(i, k))
			}
		}
	}
	return &q, nil
}

// DataOptions shapes SampleData's draw. The zero value gives unit-norm
// axis-aligned inputs and independent random label signs.
type DataOptions struct {
	// Rotate applies a Haar-random rotation Q: x_i = c_i Q e_i.
	Rotate bool
	// VaryNorms draws the input norms c_i ~ U[1, 2]; false gives c_i = 1.
	VaryNorms bool
	// Balanced gives exactly ⌈n/2⌉ positive labels at random positions;
	// false draws every sign independently.
	Balanced bool
}

// SampleData draws n orthogonal inputs x_i = c_i e_i in R^d (d ≥ n; rotated
// when o.Rotate) with labels y_i = ±|y_i|, |y_i| ~ U[1, 2] (continuous
// magnitudes avoid exact ties in the limit process). Unrotated data with
// d = n are diagonal (fast gradient descent). A nil o means the zero
// DataOptions.
func SampleData(rng *rand.Rand, n, d int, o *DataOptions) (*Data, error) {
	if n < 1 || d < 1 {
		return nil, fmt.Errorf("incremental: SampleData(n = %d, d = %d); need n ≥ 1 and d ≥ 1", n, d)
	}
	if d < n {
		return nil, fmt.Errorf("incremental: SampleData: %d orthogonal inputs need d ≥ n, have d = %d", n, d)
	}
	if o == nil {
		o = &DataOptions{}
	}
	c := make([]float64, n)
	y := make([]float64, n)
	for i := range n {
		c[i] = 1
		if o.VaryNorms {
			c[i] = 1 + rng.Float64()
		}
		y[i] = 1 + rng.Float64()
	}
	if o.Balanced {
		for k, i := range rng.Perm(n) {
			if k >= (n+1)/2 {
				y[i] = -y[i]
			}
		}
	} else {
		for i := range y {
			if rng.IntN(2) == 0 {
				y[i] = -y[i]
			}
		}
	}
	var x mat.Matrix
	switch {
	case o.Rotate:
		q, err := RandomRotation(rng, d)
		if err != nil {
			return nil, err
		}
		xd := mat.NewDense(n, d, nil)
		for i := range n {
			for k := range d {
				xd.Set(i, k, c[i]*q.At(k, i))
			}
		}
		x = xd
	case d == n:
		x = mat.NewDiagDense(n, c)
	default:
		xd := mat.NewDense(n, d, nil)
		for i := range n {
			xd.Set(i, i, c[i])
		}
		x = xd
	}
	return NewData(x, y)
}
