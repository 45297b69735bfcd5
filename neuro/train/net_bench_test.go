package train_test

import (
	"math/rand/v2"
	"testing"

	"github.com/neuronb/neuronb/neuro/linalg"
	"github.com/neuronb/neuronb/neuro/train"
)

// benchStep times one Adam training step (forward, mean-squared-error
// gradient, backward, Adam) of the 3×128 ReLU MLP on a batch of 256
// samples of 8 inputs, the network of neuro/plasticity's non-stationary
// regression. neuro/plasticity's BenchmarkMLPStepSideBySide runs it beside
// torch.
func benchStep[T train.Float](b *testing.B) {
	b.Logf("BLAS: %s", linalg.BLAS())
	rng := rand.New(rand.NewPCG(1, 2))
	net, err := train.NewNet[T](rng, 8, train.Dense(128, train.ReLU), train.Dense(128, train.ReLU), train.Dense(128, train.ReLU), train.Dense(1, train.Identity))
	if err != nil {
		b.Fatal(err)
	}
	opt, err := train.NewAdam([]train.Group[T]{{Params: net.Params()}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	const batch = 256
	x, y, dy := make([]T, 8*batch), make([]T, batch), make([]T, batch)
	for i := range x {
		x[i] = T(rng.NormFloat64())
	}
	for i := range y {
		y[i] = T(rng.NormFloat64())
	}
	c := net.NewCache()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := net.Forward(c, x)
		if err != nil {
			b.Fatal(err)
		}
		for k := range y {
			dy[k] = 2 * (out[k] - y[k]) / batch
		}
		opt.ZeroGrad()
		if _, err := net.Backward(c, dy); err != nil {
			b.Fatal(err)
		}
		if err := opt.Step(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

func BenchmarkNetAdamStep64(b *testing.B) { benchStep[float64](b) }
func BenchmarkNetAdamStep32(b *testing.B) { benchStep[float32](b) }
