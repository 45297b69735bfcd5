package snn_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/snn"
)

// A HetSyn network and the LIF network with the same weights, driven by the
// same Poisson input.
func ExampleNetwork_Forward() {
	x, err := snn.Poisson(rand.New(rand.NewPCG(1, 1)), []float64{40, 40, 40, 40, 40}, 200, 1e-3)
	if err != nil {
		panic(err)
	}
	for _, m := range []snn.Model{snn.LIF, snn.HetSyn} {
		n, err := snn.New(rand.New(rand.NewPCG(2, 2)), snn.Config{Inputs: 5, Neurons: 8, Outputs: 1, Model: m})
		if err != nil {
			panic(err)
		}
		tr, err := n.Forward([][][]float64{x}, 1)
		if err != nil {
			panic(err)
		}
		spikes := 0
		for _, row := range tr.Spikes[0] {
			for _, z := range row {
				spikes += int(z)
			}
		}
		fmt.Printf("%-6v decays %d×%d, %d spikes in 200 ms\n", m, n.RhoIn.Rows, n.RhoIn.Cols, spikes)
	}
	// Output:
	// LIF    decays 8×1, 27 spikes in 200 ms
	// HetSyn decays 8×5, 14 spikes in 200 ms
}

// One gradient of the mean squared error, by BPTT and with the decays'
// gradient in forward mode; the two agree.
func ExampleNetwork_Gradient() {
	r := rand.New(rand.NewPCG(3, 3))
	task, err := snn.NewPatternTask(r, snn.PatternConfig{Inputs: 10, Steps: 300})
	if err != nil {
		panic(err)
	}
	n, err := snn.New(r, snn.Config{Inputs: 10, Neurons: 20, Outputs: 1})
	if err != nil {
		panic(err)
	}
	x, loss := task.Batch()
	for _, mode := range []snn.GradMode{snn.Reverse, snn.ForwardDecay} {
		l, err := n.Gradient(x, loss, &snn.GradSettings{Mode: mode})
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-19v loss %.4f, ∂L/∂ρ_in[0] = %.6f\n", mode, l, n.RhoIn.Grad[0])
	}
	// Output:
	// reverse             loss 0.9824, ∂L/∂ρ_in[0] = 0.168533
	// forward-mode decays loss 0.9824, ∂L/∂ρ_in[0] = 0.168533
}

// Training a small network on pattern generation with the authors'
// optimiser settings.
func ExampleFit() {
	r := rand.New(rand.NewPCG(4, 4))
	task, err := snn.NewPatternTask(r, snn.PatternConfig{Inputs: 20, Steps: 300})
	if err != nil {
		panic(err)
	}
	n, err := snn.New(r, snn.Config{Inputs: 20, Neurons: 20, Outputs: 1, Model: snn.HetSyn})
	if err != nil {
		panic(err)
	}
	x, loss := task.Batch()
	res, err := snn.Fit(n, func(*rand.Rand, int) ([][][]float64, snn.Loss, error) { return x, loss, nil },
		&snn.Settings{MaxIterations: 60, Workers: 1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%v after %d iterations: loss %.2f → %.2f\n", res.Status, res.Iterations, res.Loss[0], res.Objective)
	// Output:
	// IterationLimit after 60 iterations: loss 1.03 → 0.27
}

// A progress callback can stop training.
func ExampleSettings_progress() {
	r := rand.New(rand.NewPCG(5, 5))
	task, err := snn.NewPatternTask(r, snn.PatternConfig{Inputs: 5, Steps: 50})
	if err != nil {
		panic(err)
	}
	n, err := snn.New(r, snn.Config{Inputs: 5, Neurons: 5, Outputs: 1, Model: snn.LIF})
	if err != nil {
		panic(err)
	}
	x, loss := task.Batch()
	stopAt3 := func(s run.Step) error {
		if s.Iteration == 3 {
			return run.ErrStop
		}
		return nil
	}
	res, err := snn.Fit(n, func(*rand.Rand, int) ([][][]float64, snn.Loss, error) { return x, loss, nil }, &snn.Settings{Progress: stopAt3})
	fmt.Println(res.Status, res.Iterations, err)
	// Output:
	// Stopped 3 <nil>
}

// The authors' multi-Gaussian surrogate and snnTorch's atan at the
// threshold and one unit away.
func ExampleMultiGaussian() {
	for _, s := range []snn.Surrogate{snn.MultiGaussian{}, snn.Atan{}} {
		fmt.Printf("%v: ψ(0) = %.4f, ψ(1) = %.4f\n", s, s.Grad(0), s.Grad(1))
	}
	// Output:
	// multi-Gaussian(γ=0.5, σ=0.5, h=0.15, scale=6): ψ(0) = 0.4391, ψ(1) = 0.0435
	// atan(α=2): ψ(0) = 1.0000, ψ(1) = 0.0920
}

// Latency code: larger values spike earlier, values at or below the
// threshold never.
func ExampleLatency() {
	x, err := snn.Latency([]float64{1, 0.5, 0.1}, 11, 0.2)
	if err != nil {
		panic(err)
	}
	fmt.Println(snn.SpikeTimes(x, 1))
	// Output:
	// [[0] [5] []]
}

// A DMS trial: sample cue, delay, test cue, response window.
func ExampleSampleDMS() {
	b, err := snn.SampleDMS(rand.New(rand.NewPCG(6, 6)), snn.DMSConfig{}, 4, 0.5, 1)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d trials of %d steps × %d inputs; response window %v\n", len(b.X), len(b.X[0]), len(b.X[0][0]), b.Window)
	fmt.Println("sample", b.Sample, "test", b.Test, "match", b.Labels)
	// Output:
	// 4 trials of 80 steps × 40 inputs; response window [70 80]
	// sample [0 0 1 1] test [1 0 1 1] match [0 1 1 1]
}
