package npy_test

import (
	"bytes"
	"fmt"

	"github.com/neuronb/neuronb/neuro/npy"
)

// Activations of 2 stimuli × (2×3) units, written and read back as
// numpy.save and numpy.load would, then flattened to a stimuli × units
// matrix.
func ExampleRead() {
	var buf bytes.Buffer
	a := &npy.Array{Shape: []int{2, 2, 3}, Data: []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}
	if err := npy.Write(&buf, a); err != nil {
		panic(err)
	}
	b, err := npy.Read(&buf)
	if err != nil {
		panic(err)
	}
	m, _ := b.Matrix()
	r, c := m.Dims()
	fmt.Println(b.Shape, r, c, m.At(1, 4))
	// Output: [2 2 3] 2 6 10
}
