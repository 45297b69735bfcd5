package clds

import (
	"math"
	"math/rand/v2"
	"testing"
)

// BenchmarkFitHeadDirection is the paper's synthetic head-direction fit:
// 80 trials × 100 steps, N=10, D=2, A, b, m0 GPs with L=9, 200 ECM
// iterations (reference JAX: 7 s; target here: <= 1.5 s on 2 cores).
func BenchmarkFitHeadDirection(b *testing.B) {
	ring, err := SimulateRing(nil)
	if err != nil {
		b.Fatal(err)
	}
	train, _ := ring.Split(80)
	benchFit(b, RingConfig(), train, 10)
}

// BenchmarkFitThalamusSized has the size of the mouse ADn fit: 156 trials
// × 200 steps, N=31, D=2, A, b, C, m0 GPs with T1_basis(5, σ=1, κ=0.15),
// 200 iterations (reference JAX: 134 s; target: <= 15 s). The data are
// ring-attractor simulations of that size.
func BenchmarkFitThalamusSized(b *testing.B) {
	ring, err := SimulateRing(&RingSettings{Trials: 156, Steps: 200, Neurons: 31, Seed: 2})
	if err != nil {
		b.Fatal(err)
	}
	basis := must(NewFourier(FourierSettings{Frequencies: 5, Sigma: 1, Kappa: 0.15, Period: []float64{2 * math.Pi}}))
	cfg := Config{Latent: 2, Basis: basis, A: GP, B: GP, C: GP, D: Zero, M0: GP, Lambda: 1}
	benchFit(b, cfg, ring.Trials, 31)
}

func benchFit(b *testing.B, cfg Config, trials []Trial, n int) {
	b.ReportAllocs()
	var iters int
	for i := 0; i < b.N; i++ {
		m, err := NewModel(rand.New(rand.NewPCG(1, 1)), cfg, n)
		if err != nil {
			b.Fatal(err)
		}
		res, err := Fit(m, trials, &Settings{MaxIterations: 200, Tolerance: -1})
		if err != nil {
			b.Fatal(err)
		}
		iters += res.Iterations
	}
	b.ReportMetric(float64(iters)/b.Elapsed().Seconds(), "iter/s")
}

// TestEStepDoesNotAllocatePerStep asserts that smoothing a trial and
// accumulating its statistics allocates nothing once the worker's
// buffers have grown (so nothing per time step).
func TestEStepDoesNotAllocatePerStep(t *testing.T) {
	ring := smallRing(t, 9, 2, 150)
	cfg := RingConfig()
	cfg.C, cfg.D = GP, GP
	m, err := NewModel(rand.New(rand.NewPCG(1, 1)), cfg, 10)
	if err != nil {
		t.Fatal(err)
	}
	e := newEStep(m, ring.Trials, 1)
	if _, err := e.run(m); err != nil { // grows the buffers and whitens C
		t.Fatal(err)
	}
	w, st := e.workers[0], e.stats[0]
	if a := testing.AllocsPerRun(5, func() {
		if err := e.trial(m, w, 0, st); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("E-step allocates %.0f times per trial of 150 steps", a)
	}
}
