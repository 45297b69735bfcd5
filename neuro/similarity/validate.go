package similarity

import (
	"fmt"
	"math"
	"reflect"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/parallel"
)

// checkFinite reports the first NaN or Inf entry of x, naming the argument.
func checkFinite(name string, x mat.Matrix) error {
	if isNil(x) {
		return fmt.Errorf("similarity: %s is nil", name)
	}
	r, c := x.Dims()
	if rm, ok := x.(mat.RawMatrixer); ok {
		raw := rm.RawMatrix()
		for i := 0; i < r; i++ {
			row := raw.Data[i*raw.Stride : i*raw.Stride+c]
			for j, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("similarity: %s (%d×%d) has %v at row (stimulus) %d, column (neuron) %d", name, r, c, v, i, j)
				}
			}
		}
		return nil
	}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if v := x.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("similarity: %s (%d×%d) has %v at row (stimulus) %d, column (neuron) %d", name, r, c, v, i, j)
			}
		}
	}
	return nil
}

// isNil reports a nil interface or a typed nil pointer inside it.
func isNil(x mat.Matrix) bool {
	if x == nil {
		return true
	}
	v := reflect.ValueOf(x)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// checkRepresentation validates one P×N representation.
func checkRepresentation(name string, x mat.Matrix) error {
	if err := checkShape(name, x); err != nil {
		return err
	}
	return checkFinite(name, x)
}

// checkShape validates the shape of one P×N representation.
func checkShape(name string, x mat.Matrix) error {
	if isNil(x) {
		return fmt.Errorf("similarity: %s is nil", name)
	}
	if _, ok := x.(interface{ IsEmpty() bool }); ok && x.(interface{ IsEmpty() bool }).IsEmpty() {
		return fmt.Errorf("similarity: %s is empty", name)
	}
	r, c := x.Dims()
	if r < 2 {
		return fmt.Errorf("similarity: %s has %d stimulus (row) of %d×%d; need at least 2 stimuli", name, r, r, c)
	}
	if c < 1 {
		return fmt.Errorf("similarity: %s (%d×%d) has no neurons (columns)", name, r, c)
	}
	return nil
}

// checkPair validates two representations of the same stimuli.
func checkPair(x, y mat.Matrix) error {
	if err := checkPairShape(x, y); err != nil {
		return err
	}
	if err := checkFinite("X", x); err != nil {
		return err
	}
	return checkFinite("Y", y)
}

// checkPairShape validates the shapes of two representations of the same
// stimuli.
func checkPairShape(x, y mat.Matrix) error {
	if err := checkShape("X", x); err != nil {
		return err
	}
	if err := checkShape("Y", y); err != nil {
		return err
	}
	rx, cx := x.Dims()
	ry, cy := y.Dims()
	if rx != ry {
		return fmt.Errorf("similarity: X is %d×%d and Y is %d×%d: the stimulus counts (rows) differ (%d vs %d)", rx, cx, ry, cy, rx, ry)
	}
	return nil
}

// centered returns a column-centred copy of x, failing when x holds NaN or
// Inf or when every column of x is constant over stimuli. For a *mat.Dense it makes one pass to sum
// the columns and one to write the copy, the least memory traffic a
// centred copy allows (large representations are memory-bound here).
func centered(name string, x mat.Matrix) (*mat.Dense, error) {
	r, c := x.Dims()
	src, ok := x.(*mat.Dense)
	if !ok {
		src = mat.DenseCopyOf(x)
	}
	raw := src.RawMatrix()
	mean := make([]float64, c)
	for i := 0; i < r; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+c]
		for j, v := range row {
			mean[j] += v
		}
	}
	for j := range mean {
		if math.IsNaN(mean[j]) || math.IsInf(mean[j], 0) {
			// Locate the offending entry (NaN and Inf propagate into sums).
			if err := checkFinite(name, x); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("similarity: %s (%d×%d) column (neuron) %d overflows when summed over stimuli", name, r, c, j)
		}
		mean[j] /= float64(r)
	}
	xc := mat.NewDense(r, c, nil)
	dst := xc.RawMatrix()
	var ss, scale float64
	for i := 0; i < r; i++ {
		in := raw.Data[i*raw.Stride : i*raw.Stride+c]
		out := dst.Data[i*dst.Stride : i*dst.Stride+c]
		for j, v := range in {
			d := v - mean[j]
			out[j] = d
			ss += d * d
			if a := math.Abs(v); a > scale {
				scale = a
			}
		}
	}
	// A constant column leaves only rounding after centring: compare with the
	// data's magnitude rather than with zero.
	if ss <= float64(r*c)*sq(1e-13*scale) {
		return nil, fmt.Errorf("similarity: %s (%d×%d) has zero variance: every column is constant over stimuli", name, r, c)
	}
	return xc, nil
}

func sq(x float64) float64 { return x * x }

// centeredPair validates and centres two representations.
func centeredPair(x, y mat.Matrix) (xc, yc *mat.Dense, err error) {
	if err = checkPairShape(x, y); err != nil {
		return nil, nil, err
	}
	// Centring is memory-bound: the two representations go on two cores at
	// once. X's error is reported first when both fail.
	var errs [2]error
	parallel.For(2, 0, func(_, i int) {
		if i == 0 {
			xc, errs[0] = centered("X", x)
		} else {
			yc, errs[1] = centered("Y", y)
		}
	})
	for _, e := range errs {
		if e != nil {
			return nil, nil, e
		}
	}
	return xc, yc, nil
}
