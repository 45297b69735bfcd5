package similarity

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// randn returns an r×c matrix of standard normal entries from seed.
func randn(r, c int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 7))
	m := mat.NewDense(r, c, nil)
	for i := range m.RawMatrix().Data {
		m.RawMatrix().Data[i] = rng.NormFloat64()
	}
	return m
}

// powerLawData returns P×N data with neuron scales j^-0.6 plus offsets, so
// the Gram spectrum decays and the means are non-zero.
func powerLawData(p, n int, seed uint64) *mat.Dense {
	x := randn(p, n, seed)
	for i := 0; i < p; i++ {
		for j := 0; j < n; j++ {
			x.Set(i, j, x.At(i, j)*math.Pow(float64(j+1), -0.6)+float64(j%3))
		}
	}
	return x
}

func toRows(m mat.Matrix) [][]float64 {
	r, c := m.Dims()
	out := make([][]float64, r)
	for i := range out {
		out[i] = make([]float64, c)
		for j := range out[i] {
			out[i][j] = m.At(i, j)
		}
	}
	return out
}

func assertClose(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol || math.IsNaN(got) {
		t.Errorf("%s = %.15g, want %.15g (tolerance %g, off by %.3g)", what, got, want, tol, math.Abs(got-want))
	}
}

// must takes a call's value and error and returns a function that gives
// the value, failing t when the error is not nil, so that no test compares
// the zero values of two failed calls: v := must(f(x))(t).
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// mustEigen is symEigen for tests: eigenvalues and eigenvectors, failing t
// on an error.
func mustEigen(t testing.TB, a *mat.Dense) ([]float64, *mat.Dense) {
	t.Helper()
	vals, vecs, err := symEigen(a)
	if err != nil {
		t.Fatal(err)
	}
	return vals, vecs
}

func writeFile(path string, data []byte) error { return os.WriteFile(path, data, 0o644) }
