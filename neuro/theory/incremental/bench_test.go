package incremental

import (
	"math/rand/v2"
	"os"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// BenchmarkDescendTiny is gradient descent at λ = 1e-24 for n = 64
// orthogonal points and m = 12 neurons (seed 3), run to convergence.
func BenchmarkDescendTiny(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 0))
	data, err := SampleData(rng, 64, 64, nil)
	if err != nil {
		b.Fatal(err)
	}
	net, err := InitNet(rng, 12, 64, 1e-24)
	if err != nil {
		b.Fatal(err)
	}
	var steps int
	cpu := cpuSeconds()
	for b.Loop() {
		r, err := Descend(data, net, nil)
		if err != nil {
			b.Fatal(err)
		}
		steps += r.Iterations
	}
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
	b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/op")
}

// BenchmarkDescendTinyNumPy is BenchmarkDescendTiny's anchor: the same
// gradient descent (n = 64, m = 12, λ = 1e-24, the same step and number of
// steps) vectorised in NumPy (testdata/bench_numpy.py), timed inside
// Python. Measured on the shared 2-core machine under load ~17: Go 0.083
// CPU-s (0.30 s wall) for 23,436 steps, NumPy 0.31 CPU-s (1.07 s wall).
func BenchmarkDescendTinyNumPy(b *testing.B) {
	if err := pyoracle.Available("numpy"); err != nil {
		b.Skip(err)
	}
	script, err := os.ReadFile("testdata/bench_numpy.py")
	if err != nil {
		b.Fatal(err)
	}
	var out struct {
		Seconds    float64 `json:"seconds"`
		CPUSeconds float64 `json:"cpu_seconds"`
	}
	for b.Loop() {
		if err := pyoracle.Call(string(script), map[string]any{"n": 64, "m": 12, "lambda": 1e-24, "steps": 23436}, &out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(out.Seconds, "numpy-s/op")
	b.ReportMetric(out.CPUSeconds, "numpy-cpu-s/op")
}
