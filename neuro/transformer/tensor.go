package transformer

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Tensor is a dense row-major float32 array: element (i, j, k) of a tensor of
// shape [a, b, c] is Data[(i·b + j)·c + k].
type Tensor struct {
	Shape []int
	Data  []float32
}

// NewTensor returns a zero tensor of the given shape.
func NewTensor(shape ...int) *Tensor {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("transformer: NewTensor: negative dimension in %v", shape))
		}
		n *= d
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, n)}
}

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.Data) }

// offset returns the flat index of idx, panicking on a bad index as slices do.
func (t *Tensor) offset(idx []int) int {
	if len(idx) != len(t.Shape) {
		panic(fmt.Sprintf("transformer: index %v for a tensor of shape %v", idx, t.Shape))
	}
	off := 0
	for k, i := range idx {
		if i < 0 || i >= t.Shape[k] {
			panic(fmt.Sprintf("transformer: index %v out of range for shape %v", idx, t.Shape))
		}
		off = off*t.Shape[k] + i
	}
	return off
}

// At returns the element at idx.
func (t *Tensor) At(idx ...int) float32 { return t.Data[t.offset(idx)] }

// Set sets the element at idx to v.
func (t *Tensor) Set(v float32, idx ...int) { t.Data[t.offset(idx)] = v }

// Row returns the slice of Data holding t[i, ...] (shares memory).
func (t *Tensor) Row(i int) []float32 {
	if len(t.Shape) == 0 || i < 0 || i >= t.Shape[0] {
		panic(fmt.Sprintf("transformer: row %d of a tensor of shape %v", i, t.Shape))
	}
	n := len(t.Data) / t.Shape[0]
	return t.Data[i*n : (i+1)*n : (i+1)*n]
}

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)}
}

// String shows the shape and a few leading values.
func (t *Tensor) String() string {
	n := min(len(t.Data), 6)
	more := ""
	if n < len(t.Data) {
		more = " …"
	}
	return fmt.Sprintf("Tensor%v%v%s", t.Shape, t.Data[:n], more)
}

// Matrix copies a rank-2 tensor ([positions, units], as an activation
// cache holds) into a float64 matrix, for gonum and widgets (Heatmap,
// Trajectories). Slice it for a subset of units.
func (t *Tensor) Matrix() (*mat.Dense, error) {
	if len(t.Shape) != 2 || t.Shape[0] == 0 || t.Shape[1] == 0 {
		return nil, fmt.Errorf("transformer: Tensor.Matrix: shape %v, want two positive dimensions", t.Shape)
	}
	data := make([]float64, len(t.Data))
	for i, v := range t.Data {
		data[i] = float64(v)
	}
	return mat.NewDense(t.Shape[0], t.Shape[1], data), nil
}
