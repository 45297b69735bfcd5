package tinyllama

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/neuronb/neuronb/neuro/safety/synthetic"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// Recipe is how the shipped models of the synthetic chat language are
// trained: the base model from scratch on the pre-training corpus, then two
// aligned variants from the base on the alignment corpus, one training
// only (IA)³ vectors and one fine-tuning every weight. Each stage is Adam
// with a constant learning rate, batches of BatchSize sequences, no
// regulariser (no sparsity penalty on the (IA)³ vectors).
type Recipe struct {
	Seed      uint64 // weights and data
	BatchSize int

	BaseSteps int
	BaseLR    float64

	IA3Steps int
	IA3LR    float64

	FullSteps int
	FullLR    float64

	// IA3SweepLRs are further (IA)³ learning rates trained like the IA3
	// stage (same steps and data), to show how the sparsity of the
	// safety neurons depends on the size of the (IA)³ changes.
	IA3SweepLRs []float64
}

// DefaultRecipe is the recipe of the shipped checkpoints.
func DefaultRecipe() Recipe {
	return Recipe{Seed: 1, BatchSize: 32,
		BaseSteps: 1200, BaseLR: 3e-3,
		IA3Steps: 300, IA3LR: 3e-2,
		FullSteps: 200, FullLR: 1e-3,
		IA3SweepLRs: []float64{3e-3, 1e-2, 1e-1}}
}

// Trained holds the outcome of a recipe.
type Trained struct {
	Config *transformer.Config
	Base   map[string]*transformer.Tensor
	// IA3Scales are the trained (IA)³ vectors; IA3 is the base with them
	// folded into up_proj (see FoldIA3).
	IA3Scales [][]float32
	IA3       map[string]*transformer.Tensor
	Full      map[string]*transformer.Tensor
	// IA3Sweep maps each of Recipe.IA3SweepLRs to its (IA)³ vectors.
	IA3Sweep map[float64][][]float32
	// Runtimes and final losses (mean of the last 20 steps) per stage.
	BaseTime, IA3Time, FullTime time.Duration
	BaseLoss, IA3Loss, FullLoss float64
}

// Stage names passed to the progress callback.
const (
	StageBase = "base"
	StageIA3  = "ia3"
	StageFull = "full"
)

// TrainSynthetic runs the recipe. progress, if not nil, is called after
// every step of every stage.
func TrainSynthetic(r Recipe, progress func(stage string, iter, maxIter int, loss float64)) (*Trained, error) {
	cfg := synthetic.Config()
	init, err := Init(cfg, r.Seed)
	if err != nil {
		return nil, err
	}
	stage := func(name string, from map[string]*transformer.Tensor, corpus synthetic.Stage, mode Mode, steps int, lr float64, seed uint64) (*Result, error) {
		s := &Settings{Steps: steps, BatchSize: r.BatchSize, SeqLen: synthetic.MaxLen, LearningRate: lr, Seed: seed}
		if progress != nil {
			s.Progress = func(i, n int, l float64) { progress(name, i, n, l) }
		}
		res, err := Train(cfg, from, sampler(corpus), mode, s)
		if err != nil {
			return nil, fmt.Errorf("tinyllama: %s stage: %w", name, err)
		}
		return res, nil
	}
	out := &Trained{Config: cfg}
	base, err := stage(StageBase, init, synthetic.Pretraining, Full, r.BaseSteps, r.BaseLR, r.Seed)
	if err != nil {
		return nil, err
	}
	out.Base, out.BaseTime, out.BaseLoss = base.Weights, base.Runtime, tailMean(base.Loss)
	ia3, err := stage(StageIA3, out.Base, synthetic.Alignment, IA3, r.IA3Steps, r.IA3LR, r.Seed+1)
	if err != nil {
		return nil, err
	}
	out.IA3Scales, out.IA3Time, out.IA3Loss = ia3.IA3, ia3.Runtime, tailMean(ia3.Loss)
	if out.IA3, err = FoldIA3(cfg, out.Base, ia3.IA3); err != nil {
		return nil, err
	}
	full, err := stage(StageFull, out.Base, synthetic.Alignment, Full, r.FullSteps, r.FullLR, r.Seed+1)
	if err != nil {
		return nil, err
	}
	out.Full, out.FullTime, out.FullLoss = full.Weights, full.Runtime, tailMean(full.Loss)
	out.IA3Sweep = map[float64][][]float32{}
	for _, lr := range r.IA3SweepLRs {
		res, err := stage(fmt.Sprintf("%s@%g", StageIA3, lr), out.Base, synthetic.Alignment, IA3, r.IA3Steps, lr, r.Seed+1)
		if err != nil {
			return nil, err
		}
		out.IA3Sweep[lr] = res.IA3
	}
	return out, nil
}

func tailMean(x []float64) float64 {
	n := min(20, len(x))
	if n == 0 {
		return 0
	}
	s := 0.0
	for _, v := range x[len(x)-n:] {
		s += v
	}
	return s / float64(n)
}

// sampler adapts a corpus to Train.
func sampler(s synthetic.Stage) Sampler {
	return func(rng *rand.Rand) ([]int, []bool) {
		e := s.Sample(rng)
		return e.Tokens, e.Loss
	}
}
