package train

import "math"

// WarmupCosine returns the learning-rate multiplier at step (counted from
// 0) of a run scheduled over total steps: a linear warmup, a cosine decay,
// then a plateau, the LambdaLR schedule of HetSyn's training script
// (Deng et al. 2025). With W = ⌊warmup·total⌋ and P = ⌊(1 − plateau)·total⌋,
//
//	step < W:       step / W
//	W ≤ step < P:   c(step) = ½·(1 + cos(π·(step − W)/max(1, total − W)))
//	step ≥ P:       c(P)
//
// Multiply a group's base learning rate by it before each optimizer step
// (Adam.SetLR). warmup and plateau are fractions in [0, 1).
func WarmupCosine(step, total int, warmup, plateau float64) float64 {
	w := int(warmup * float64(total))
	p := int(float64(total) * (1 - plateau))
	cosine := func(s int) float64 {
		return 0.5 * (1 + math.Cos(math.Pi*float64(s-w)/float64(max(1, total-w))))
	}
	switch {
	case step < w:
		return float64(step) / float64(w)
	case step < p:
		return cosine(step)
	}
	return cosine(p)
}
