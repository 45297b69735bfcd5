package npy_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

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
	m, err := b.Matrix()
	if err != nil {
		panic(err)
	}
	r, c := m.Dims()
	fmt.Println(b.Shape, r, c, m.At(1, 4))
	// Output: [2 2 3] 2 6 10
}

// Two arrays written as numpy.savez would, then read back by name.
func ExampleWriteNPZ() {
	var buf bytes.Buffer
	err := npy.WriteNPZ(&buf, map[string]*npy.Array{
		"spike_times": {Shape: []int{3}, Data: []float64{0.1, 0.25, 0.7}},
		"unit":        {Shape: []int{3}, Data: []float64{4, 4, 9}, DType: "<i8"},
	})
	if err != nil {
		panic(err)
	}
	z, err := npy.ReadNPZ(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		panic(err)
	}
	u, err := z.Read("unit")
	if err != nil {
		panic(err)
	}
	fmt.Println(z.Names(), u.DType, u.Data)
	// Output: [spike_times unit] <i8 [4 4 9]
}

// A compressed archive saved to a file, as numpy.savez_compressed would,
// then opened and read back.
func ExampleOpenNPZ() {
	dir, err := os.MkdirTemp("", "npz")
	if err != nil {
		panic(err)
	}
	path := filepath.Join(dir, "session.npz")
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	if err := npy.WriteNPZCompressed(f, map[string]*npy.Array{
		"type": {Shape: []int{1}, Strings: []string{"Ts"}},
		"t":    {Shape: []int{2}, Data: []float64{1.5, 2}},
	}); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
	z, err := npy.OpenNPZ(path)
	if err != nil {
		panic(err)
	}
	kind, err := z.Read("type")
	if err != nil {
		panic(err)
	}
	fmt.Println(z.Names(), kind.Strings, kind.DType)
	if err := z.Close(); err != nil {
		panic(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		panic(err)
	}
	// Output: [t type] [Ts] <U2
}
