package information

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/train"
)

// TrainSettings configures Denoiser.Train. A nil *TrainSettings means every
// default.
type TrainSettings struct {
	// MaxIterations is the number of optimisation steps; 0 means 20000.
	MaxIterations int `json:"max_iterations"`
	// Batch is the number of samples per step; 0 means 512.
	Batch int `json:"batch"`
	// LR is the peak learning rate of AdamW (linear warm-up over the first
	// 2% of steps, then a cosine decay to LR/100); 0 means 2e-3.
	LR float64 `json:"lr"`
	// WeightDecay is AdamW's decoupled decay on the weight matrices (not
	// the biases); 0 means none.
	WeightDecay float64 `json:"weight_decay"`
	// DropProb is the probability that a sample's response is withheld
	// (condition dropout); 0 means 0.25.
	DropProb float64 `json:"drop_prob"`
	// EMA is the decay of the exponential moving average of the weights
	// that Train keeps and leaves in the denoiser (warmed up as
	// min(EMA, (1 + t)/(10 + t))); 0 means 0.999.
	EMA float64 `json:"ema"`
	// Seed seeds the training samples (x, r, γ, ξ, masks).
	Seed uint64 `json:"seed"`
	// Progress is called after each step with the step's loss (metric
	// "loss"); returning run.ErrStop ends training (the averaged weights so
	// far are kept).
	Progress run.Progress `json:"-"`
	// Checkpoint, when set, is called every CheckpointEvery steps (and
	// after the last) with a denoiser holding the averaged weights so far,
	// to evaluate or save it; it must not change it. An error stops
	// training and is returned.
	Checkpoint      func(iteration int, averaged *Denoiser) error `json:"-"`
	CheckpointEvery int                                           `json:"checkpoint_every,omitempty"`
}

func (s *TrainSettings) resolve() (TrainSettings, error) {
	var r TrainSettings
	if s != nil {
		r = *s
	}
	if r.MaxIterations == 0 {
		r.MaxIterations = 20000
	}
	if r.Batch == 0 {
		r.Batch = 512
	}
	if r.LR == 0 {
		r.LR = 2e-3
	}
	if r.DropProb == 0 {
		r.DropProb = 0.25
	}
	if r.EMA == 0 {
		r.EMA = 0.999
	}
	switch {
	case r.MaxIterations < 0 || r.Batch < 1:
		return r, fmt.Errorf("information: TrainSettings: MaxIterations %d and Batch %d must be positive", r.MaxIterations, r.Batch)
	case !(r.LR > 0) || math.IsInf(r.LR, 0):
		return r, fmt.Errorf("information: TrainSettings.LR = %v, want a positive learning rate", r.LR)
	case !(r.WeightDecay >= 0) || math.IsInf(r.WeightDecay, 0):
		return r, fmt.Errorf("information: TrainSettings.WeightDecay = %v, want ≥ 0", r.WeightDecay)
	case !(r.DropProb > 0 && r.DropProb < 1):
		return r, fmt.Errorf("information: TrainSettings.DropProb = %v, want in (0, 1): both ε̂(·, r) and ε̂(·, ∅) must be learned", r.DropProb)
	case !(r.EMA > 0 && r.EMA < 1):
		return r, fmt.Errorf("information: TrainSettings.EMA = %v, want in (0, 1)", r.EMA)
	case r.Checkpoint != nil && r.CheckpointEvery < 1:
		return r, fmt.Errorf("information: TrainSettings.CheckpointEvery = %d, want ≥ 1 with a Checkpoint", r.CheckpointEvery)
	}
	return r, nil
}

// TrainResult is the outcome of Denoiser.Train.
type TrainResult struct {
	// Stats: Status IterationLimit (or Stopped), Objective the mean loss
	// of the last 100 steps, Iterations the steps run.
	run.Stats
	// Loss[i] is the batch loss of step i+1, the mean over the batch of
	// ‖ε̂ − ξ‖².
	Loss []float64 `json:"loss"`
}

// Train fits the denoiser to the encoder by denoising score matching: each
// step draws x ~ p(x), r ~ p(r|x), log γ uniform on the configured range,
// ξ ~ N(0, I), y = x + √γ ξ, withholds r with probability DropProb, and
// takes an AdamW step on the mean of ‖ε̂(y, γ, r·mask, mask) − ξ‖². The
// minimiser is ε̂ = E[ξ | y, r] (or E[ξ | y] without r), whose difference
// gives the scores of Estimate. The denoiser is left holding the moving
// average of the weights.
func (dn *Denoiser) Train(e *Encoder, s *TrainSettings) (*TrainResult, error) {
	start := time.Now()
	if err := dn.check(e); err != nil {
		return nil, err
	}
	set, err := s.resolve()
	if err != nil {
		return nil, err
	}
	net := dn.Net
	ema := net.Clone()
	var weights, others []*train.Param[float32]
	for _, l := range net.Layers {
		if l.W != nil {
			weights = append(weights, l.W)
		}
		for _, p := range []*train.Param[float32]{l.B, l.Gain, l.Shift, l.W2, l.B2} {
			if p != nil {
				others = append(others, p)
			}
		}
	}
	opt, err := train.NewAdam([]train.Group[float32]{{Params: weights, WeightDecay: set.WeightDecay}, {Params: others}},
		&train.AdamSettings{LR: set.LR, Decoupled: true})
	if err != nil {
		return nil, fmt.Errorf("information: Train: %w", err)
	}
	rng := rand.New(rand.NewPCG(set.Seed, 0x1f0))
	d, nIn, b := e.Dim(), dn.inputs(), set.Batch
	in := make([]float32, b*nIn)
	xi := make([]float64, b*d)
	ys := make([]float64, b*d)
	lg := make([]float64, b)
	dOut := make([]float32, b*d)
	x, y, r := make([]float64, d), make([]float64, d), make([]float64, e.Responses())
	eg, c := make([]float64, d), make([]float64, d)
	cache := net.NewCache()
	res := &TrainResult{Loss: make([]float64, 0, set.MaxIterations)}
	warm := max(1, set.MaxIterations/50)
	lo, hi := dn.Config.LogGammaMin, dn.Config.LogGammaMax
	for it := 1; it <= set.MaxIterations; it++ {
		for i := 0; i < b; i++ {
			e.SampleStimulus(rng, x)
			e.SampleResponse(rng, x, r)
			l := lo + (hi-lo)*rng.Float64()
			sg := math.Exp(0.5 * l)
			for k := 0; k < d; k++ {
				z := rng.NormFloat64()
				xi[i*d+k] = z
				y[k] = x[k] + sg*z
				ys[i*d+k] = y[k]
			}
			lg[i] = l
			dn.encode(in[i*nIn:(i+1)*nIn], y, l, r, rng.Float64() >= set.DropProb)
		}
		out, err := net.Forward(cache, in)
		if err != nil {
			return nil, fmt.Errorf("information: Train: %w", err)
		}
		loss := 0.0
		for i := 0; i < b; i++ {
			dn.scales(lg[i], eg, c)
			for k := 0; k < d; k++ {
				diff := eg[k]*(ys[i*d+k]-dn.Prior.Mean[k]) + c[k]*float64(out[i*d+k]) - xi[i*d+k]
				loss += diff * diff
				dOut[i*d+k] = float32(2 * diff * c[k] / float64(b))
			}
		}
		loss /= float64(b)
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			res.Status, res.Runtime = run.NumericalFailure, time.Since(start)
			dn.Net = ema
			return res, fmt.Errorf("information: Train: step %d: the loss is %v", it, loss)
		}
		net.ZeroGrad()
		if _, err := net.Backward(cache, dOut); err != nil {
			return nil, fmt.Errorf("information: Train: %w", err)
		}
		lr := set.LR * min(1, float64(it)/float64(warm)) * (0.01 + 0.99*0.5*(1+math.Cos(math.Pi*float64(it-1)/float64(set.MaxIterations))))
		for g := 0; g < 2; g++ {
			if err := opt.SetLR(g, lr); err != nil {
				return nil, err
			}
		}
		if err := opt.Step(); err != nil {
			return nil, fmt.Errorf("information: Train: step %d: %w", it, err)
		}
		decay := min(set.EMA, float64(1+it)/float64(10+it))
		if err := train.SoftUpdate(ema.Params(), net.Params(), 1-decay); err != nil {
			return nil, err
		}
		res.Loss = append(res.Loss, loss)
		res.Iterations = it
		res.Objective = tailMean(res.Loss, 100)
		if set.Checkpoint != nil && (it%set.CheckpointEvery == 0 || it == set.MaxIterations) {
			snap := *dn
			snap.Net = ema
			if err := set.Checkpoint(it, &snap); err != nil {
				res.Status, res.Runtime = run.Stopped, time.Since(start)
				dn.Net = ema
				return res, fmt.Errorf("information: Train: checkpoint at step %d: %w", it, err)
			}
		}
		if stop, err := set.Progress.Report(run.Step{Iteration: it, MaxIterations: set.MaxIterations, Metric: "loss", Value: loss}); stop {
			res.Status, res.Runtime = run.Stopped, time.Since(start)
			dn.Net = ema
			return res, err
		}
	}
	res.Status, res.Runtime = run.IterationLimit, time.Since(start)
	dn.Net = ema
	return res, nil
}

func tailMean(v []float64, n int) float64 {
	k := min(n, len(v))
	s := 0.0
	for _, x := range v[len(v)-k:] {
		s += x
	}
	return s / float64(k)
}

// Loss returns the denoising loss, the mean of ‖ε̂ − ξ‖² with the
// response withheld with probability dropProb, over n fresh samples drawn
// from rng as in Train: a held-out criterion for choosing a recipe.
func (dn *Denoiser) Loss(rng *rand.Rand, e *Encoder, n int, dropProb float64) (float64, error) {
	if err := dn.check(e); err != nil {
		return 0, err
	}
	if n < 1 || !(dropProb >= 0 && dropProb <= 1) {
		return 0, fmt.Errorf("information: Loss: n = %d (≥ 1), dropProb = %v (in [0, 1])", n, dropProb)
	}
	d, nIn := e.Dim(), dn.inputs()
	const batch = 1024
	in := make([]float32, batch*nIn)
	xi, ys, lg := make([]float64, batch*d), make([]float64, batch*d), make([]float64, batch)
	x, r := make([]float64, d), make([]float64, e.Responses())
	eg, c := make([]float64, d), make([]float64, d)
	cache := dn.Net.NewCache()
	lo, hi := dn.Config.LogGammaMin, dn.Config.LogGammaMax
	total := 0.0
	for done := 0; done < n; done += batch {
		b := min(batch, n-done)
		for i := 0; i < b; i++ {
			e.SampleStimulus(rng, x)
			e.SampleResponse(rng, x, r)
			l := lo + (hi-lo)*rng.Float64()
			sg := math.Exp(0.5 * l)
			for k := 0; k < d; k++ {
				z := rng.NormFloat64()
				xi[i*d+k], ys[i*d+k] = z, x[k]+sg*z
			}
			lg[i] = l
			dn.encode(in[i*nIn:(i+1)*nIn], ys[i*d:(i+1)*d], l, r, rng.Float64() >= dropProb)
		}
		out, err := dn.Net.Forward(cache, in[:b*nIn])
		if err != nil {
			return 0, err
		}
		for i := 0; i < b; i++ {
			dn.scales(lg[i], eg, c)
			for k := 0; k < d; k++ {
				diff := eg[k]*(ys[i*d+k]-dn.Prior.Mean[k]) + c[k]*float64(out[i*d+k]) - xi[i*d+k]
				total += diff * diff
			}
		}
	}
	return total / float64(n), nil
}
