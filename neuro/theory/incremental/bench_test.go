package incremental

import (
	"math/rand/v2"
	"testing"
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
	for b.Loop() {
		r, err := Descend(data, net, nil)
		if err != nil {
			b.Fatal(err)
		}
		steps += r.Iterations
	}
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
}
