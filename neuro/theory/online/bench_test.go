package online

import (
	"math/rand/v2"
	"os"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// BenchmarkWeightedMajority is the brief's indicative run: γ = 0.2, two
// target lines, three labels, 3000 rounds, 672 candidate lines, 225,456
// experts, β = ½ (the brief's independent Go implementation: about 9 s).
func BenchmarkWeightedMajority(b *testing.B) {
	target, err := RandomNet(rand.New(rand.NewPCG(3, 0)), 2, 2, 3, 0.5)
	if err != nil {
		b.Fatal(err)
	}
	stream, err := SampleStream(rand.New(rand.NewPCG(3, 1)), target, 0.2, 3000)
	if err != nil {
		b.Fatal(err)
	}
	cpu := cpuSeconds()
	for b.Loop() {
		w, err := NewWeightedMajority(0.2, 3, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Play(w, stream, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/op")
}

// BenchmarkWeightedMajorityNumPy is BenchmarkWeightedMajority's anchor: the
// same learner vectorised over experts in NumPy (testdata/bench_numpy.py,
// its own random target and stream), 3000 rounds, timed inside Python.
// Measured on the shared 2-core machine under load ~17 (other sessions'
// jobs; wall times there mean little): Go 4.2 CPU-s (15.9 s wall; 6.1
// CPU-s before the update was fused into the vote), NumPy 30.7 CPU-s
// (155 s wall).
func BenchmarkWeightedMajorityNumPy(b *testing.B) {
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
		if err := pyoracle.Call(string(script), map[string]any{"gamma": 0.2, "rounds": 3000}, &out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(out.Seconds, "numpy-s/op")
	b.ReportMetric(out.CPUSeconds, "numpy-cpu-s/op")
}
