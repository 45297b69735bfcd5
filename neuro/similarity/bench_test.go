package similarity

import (
	"math"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The sizes: P = 2000 stimuli, N = 5000 neurons per representation,
// Gaussian entries with neuron scales j^-0.6 (the distribution that
// testdata/bench_numpy.py draws for the NumPy side of the comparison).
const benchP, benchN = 2000, 5000

var benchData = sync.OnceValues(func() (*mat.Dense, *mat.Dense) {
	gen := func(seed uint64) *mat.Dense {
		x := randn(benchP, benchN, seed)
		for j := 0; j < benchN; j++ {
			s := math.Pow(float64(j+1), -0.6)
			for i := 0; i < benchP; i++ {
				x.Set(i, j, x.At(i, j)*s)
			}
		}
		return x
	}
	return gen(1), gen(2)
})

func BenchmarkLinearCKA(b *testing.B) {
	x, y := benchData()
	for b.Loop() {
		if _, err := LinearCKA(x, y); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCCA10(b *testing.B) {
	x, y := benchData()
	for b.Loop() {
		if _, err := CCA(x, y, 10); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSpectralDecomposition: both full spectra and the overlap matrix.
func BenchmarkSpectralDecomposition(b *testing.B) {
	x, y := benchData()
	for b.Loop() {
		sx, err := NewSpectrum(x)
		if err != nil {
			b.Fatal(err)
		}
		sy := must(NewSpectrum(y))(b)
		if _, err := Overlap(sx, sy); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDenoise: one recording of N = 100 neurons from a P = 500 pair
// with population CKA 0.5 (overlap matrix, eigenvalues and Q included).
func BenchmarkDenoise(b *testing.B) {
	pair, err := PowerLawPair(500, 1.2, 0.5, 3)
	if err != nil {
		b.Fatal(err)
	}
	res, err := SubsamplingStudy(pair.X, pair.Y, []int{100}, &StudySettings{Draws: 1, Seed: 1, Denoise: &DenoiseSettings{MaxIterations: 1}})
	if err != nil {
		b.Fatal(err)
	}
	p := res.Points[0]
	b.ResetTimer()
	for b.Loop() {
		d, err := Denoise(p.MeanOverlap, p.SampleEigenvalues, res.Population, res.Other, 5, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(d.Iterations), "iterations")
	}
}

func BenchmarkSelfOverlap(b *testing.B) {
	pop := make([]float64, 500)
	copy(pop, PowerLawSpectrum(499, 1.2))
	lam := make([]float64, 100)
	for i := range lam {
		lam[i] = 1.3 * math.Pow(float64(i+1), -1.2)
	}
	for b.Loop() {
		if _, err := SelfOverlap(lam, pop, 5, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSubsamplingStudy: the notebooks' workhorse, P = 500 with
// N = 10…200 and 20 draws each.
func BenchmarkSubsamplingStudy(b *testing.B) {
	pair, err := PowerLawPair(500, 1.2, 0.5, 4)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := SubsamplingStudy(pair.X, pair.Y, []int{10, 50, 200}, &StudySettings{Draws: 20, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
