package snn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/train"
)

// Settings configures Fit. A nil *Settings means every default, which are
// the authors' SHD script's: AdamW, weights at 2e-3 and decays at 4e-3,
// weight decay 4e-3 on both, warmup-cosine schedule.
type Settings struct {
	// MaxIterations is the number of optimizer steps; 0 means 1000.
	MaxIterations int
	// Tolerance stops training when the loss changes by at most Tolerance
	// relative to its size between two iterations (run.Settled), useful
	// for a fixed batch; 0 and negative values mean never stop early (the
	// default: minibatch losses fluctuate).
	Tolerance float64
	// Seed seeds the random stream handed to the batch source.
	Seed uint64
	// Workers: goroutines over batch elements; 0 means GOMAXPROCS. Results
	// do not depend on it.
	Workers int
	// Progress is called after every step with the metric "loss" (the
	// step's mean loss); it can stop training.
	Progress run.Progress
	// LR is the weights' learning rate (0 means 2e-3); DecayLR the
	// decays' (0 means 2·LR).
	LR, DecayLR float64
	// WeightDecay is AdamW's decoupled weight decay for both groups; 0
	// means 4e-3, negative means none.
	WeightDecay float64
	// ClipNorm clips the gradients' joint norm (train.ClipGradNorm); 0
	// means no clipping.
	ClipNorm float64
	// Schedule returns the learning-rate multiplier at a step of a run of
	// total steps; nil means train.WarmupCosine with 5% warmup and 5%
	// plateau, the script's.
	Schedule func(step, total int) float64
	// Mode is the gradient mode (Reverse by default).
	Mode GradMode
}

// Batches returns the training batch of an iteration (counted from 0) and
// its loss, drawing any randomness from r (seeded by Settings.Seed).
type Batches func(r *rand.Rand, iteration int) ([][][]float64, Loss, error)

// Result is the outcome of Fit.
type Result struct {
	run.Stats
	// Loss holds the mean loss of every step.
	Loss []float64
}

// Fit trains n in place by BPTT with AdamW over the two parameter groups
// (Network.Groups), clamping the decays to [0, 1] after every step (Align).
// Each step: batch ← data; gradients ← Gradient; optional clipping;
// learning rates ← base·Schedule; AdamW step; Align. A step whose loss or
// gradient is not finite ends the run with NumericalFailure.
func Fit(n *Network, data Batches, s *Settings) (*Result, error) {
	var set Settings
	if s != nil {
		set = *s
	}
	if data == nil {
		return nil, fmt.Errorf("snn: Fit: nil batch source")
	}
	iters := run.Iterations(set.MaxIterations, 1000)
	lr := orF(set.LR, 2e-3)
	dlr := orF(set.DecayLR, 2*lr)
	wd := orF(set.WeightDecay, 4e-3)
	if wd < 0 {
		wd = 0
	}
	if !(lr > 0) || !(dlr > 0) || set.ClipNorm < 0 {
		return nil, fmt.Errorf("snn: Fit: LR = %v, DecayLR = %v, ClipNorm = %v, want positive rates and ClipNorm ≥ 0", lr, dlr, set.ClipNorm)
	}
	sched := set.Schedule
	if sched == nil {
		sched = func(step, total int) float64 { return train.WarmupCosine(step, total, 0.05, 0.05) }
	}
	groups := n.Groups(lr, dlr, wd)
	opt, err := train.NewAdam(groups, &train.AdamSettings{LR: lr, Decoupled: true})
	if err != nil {
		return nil, fmt.Errorf("snn: Fit: %w", err)
	}
	base := []float64{lr, dlr}
	r := rand.New(rand.NewPCG(set.Seed, 0x48657453796e)) // "HetSyn"
	gs := &GradSettings{Mode: set.Mode, Workers: set.Workers}
	res := &Result{}
	start := time.Now()
	defer func() { res.Runtime = time.Since(start) }()
	prev := math.NaN()
	for it := 0; it < iters; it++ {
		x, loss, err := data(r, it)
		if err != nil {
			return res, fmt.Errorf("snn: Fit: batch %d: %w", it, err)
		}
		l, err := n.Gradient(x, loss, gs)
		if err != nil {
			return res, fmt.Errorf("snn: Fit: iteration %d: %w", it, err)
		}
		if set.ClipNorm > 0 {
			if _, err := train.ClipGradNorm(n.Trainable(), set.ClipNorm); err != nil {
				res.Status = run.NumericalFailure
				return res, fmt.Errorf("snn: Fit: iteration %d: %w", it, err)
			}
		}
		f := sched(it, iters)
		for g := range groups {
			// Adam.SetLR wants a positive rate; a zero multiplier (the
			// warmup's first step) becomes the smallest positive one.
			if err := opt.SetLR(g, max(base[g]*f, math.SmallestNonzeroFloat64)); err != nil {
				return res, err
			}
		}
		if err := opt.Step(); err != nil {
			res.Status = run.NumericalFailure
			return res, fmt.Errorf("snn: Fit: iteration %d: %w", it, err)
		}
		n.Align()
		res.Loss = append(res.Loss, l)
		res.Iterations, res.Objective = it+1, l
		if stop, err := set.Progress.Report(run.Step{Iteration: it + 1, MaxIterations: iters, Metric: "loss", Value: l}); stop {
			res.Status = run.Stopped
			return res, err
		}
		if set.Tolerance > 0 && run.Settled(prev, l, set.Tolerance) {
			res.Status = run.Converged
			return res, nil
		}
		prev = l
	}
	res.Status = run.IterationLimit
	return res, nil
}
