package snn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/neuronb/neuronb/neuro/train"
)

// benchCase is one of the two training-step benchmarks.
type benchCase struct {
	name                 string
	inputs, neurons, out int
	steps, batch         int
	task                 string // "mse" or "window_ce"
}

var benchCases = []benchCase{
	{"PatternGeneration", 50, 100, 1, 1000, 1, "mse"},
	{"DMS", 40, 64, 2, 300, 32, "window_ce"},
}

// benchStep returns a closure running one training step (forward, loss,
// BPTT, AdamW with the script's two groups, clamp), as the torch side's
// bench mode does, on inputs at 20 Hz.
func benchStep(b testing.TB, bc benchCase, model Model, mode GradMode, workers int) (func() error, *Network) {
	r := rand.New(rand.NewPCG(1, 2))
	n, err := New(r, Config{Inputs: bc.inputs, Neurons: bc.neurons, Outputs: bc.out, Model: model})
	if err != nil {
		b.Fatal(err)
	}
	x := randomSpikes(r, bc.batch, bc.steps, bc.inputs, 0.02)
	var loss Loss
	if bc.task == "mse" {
		loss = MSE{Target: randomTarget(r, bc.batch, bc.steps, bc.out)}
	} else {
		labels := make([]int, bc.batch)
		for i := range labels {
			labels[i] = i % bc.out
		}
		loss = WindowCE{Labels: labels, From: bc.steps - 10}
	}
	opt, err := train.NewAdam(n.Groups(2e-3, 4e-3, 4e-3), &train.AdamSettings{Decoupled: true})
	if err != nil {
		b.Fatal(err)
	}
	gs := &GradSettings{Mode: mode, Workers: workers}
	return func() error {
		if _, err := n.Gradient(x, loss, gs); err != nil {
			return err
		}
		if err := opt.Step(); err != nil {
			return err
		}
		n.Align()
		return nil
	}, n
}

// BenchmarkTrainStep times one training step of the pattern-generation
// network (T = 1000, batch 1) and of the DMS network (T = 300, batch 32)
// for every model and both gradient modes, and reports the scratch memory
// the step used ("scratch-MB", per all workers).
func BenchmarkTrainStep(b *testing.B) {
	for _, bc := range benchCases {
		for _, model := range []Model{HetSyn, LIF} {
			for _, mode := range []GradMode{Reverse, ForwardDecay} {
				if model != HetSyn && mode == ForwardDecay {
					continue
				}
				b.Run(fmt.Sprintf("%s/%v/%v", bc.name, model, mode), func(b *testing.B) {
					step, n := benchStep(b, bc, model, mode, 0)
					if err := step(); err != nil {
						b.Fatal(err)
					}
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						if err := step(); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
					b.ReportMetric(float64(n.ScratchBytes())/1e6, "scratch-MB")
				})
			}
		}
	}
}
