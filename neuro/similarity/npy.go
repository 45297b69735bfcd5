package similarity

import (
	"fmt"
	"io"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/npy"
)

// ReadNPY reads a NumPy .npy array (see package npy for the formats
// accepted) as a representation: a 2-D array of shape (P, N) becomes a P×N
// matrix, a 1-D array of length P a P×1 matrix, and an array of shape
// (P, d₁, d₂, …) is flattened to P×(d₁·d₂·…) in C order, as
// X.reshape(P, -1) would do (the usual layout of network activations).
func ReadNPY(r io.Reader) (*mat.Dense, error) {
	a, err := npy.Read(r)
	if err != nil {
		return nil, fmt.Errorf("similarity: %w", err)
	}
	m, err := a.Matrix()
	if err != nil {
		return nil, fmt.Errorf("similarity: %w", err)
	}
	return m, nil
}

// LoadNPY reads a .npy file (see ReadNPY).
func LoadNPY(path string) (*mat.Dense, error) {
	a, err := npy.Load(path)
	if err != nil {
		return nil, fmt.Errorf("similarity: %w", err)
	}
	m, err := a.Matrix()
	if err != nil {
		return nil, fmt.Errorf("similarity: %w (file %s)", err, path)
	}
	return m, nil
}
