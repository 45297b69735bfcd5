package information

import (
	"fmt"
	"math"
)

// PoissonBumpNeuron returns the brief's 1-D Poisson neuron: x ~ N(0, 1),
// f(x) = 0.5 + 8 exp(−(x − 0.7)²/0.5), spike counts r ~ Poisson(f(x)). Its
// mutual information is 0.61512 nats; I_local is high on the tuning
// curve's flanks and low at its peak and in the tails.
func PoissonBumpNeuron() *Encoder {
	e, err := NewEncoder(StandardPrior(1), PoissonNeuron(BumpTuning(0.5, 8, 0.5, 0.7)))
	if err != nil {
		panic(fmt.Sprintf("information: the brief's neuron does not validate: %v", err))
	}
	return e
}

// Check is a registered check of the diffusion estimator (issue 18): the
// estimate of the named pretrained denoiser on Grid, with Settings,
// against Exact's I_local on the same grid, must have a root-mean-square
// relative error of at most MaxRMS and a largest relative error of at
// most MaxRel.
type Check struct {
	Name     string
	Encoder  *Encoder
	Grid     Grid
	Settings EstimateSettings
	MaxRMS   float64
	MaxRel   float64
}

// Checks returns the registered diffusion checks, fixed before the
// denoisers were trained:
//   - "poisson1d": PoissonBumpNeuron on x = −2, −1.6, …, 2.4 (tail, both
//     flanks, the peak at 0.7 and beyond);
//   - "rf2d": the 2-D linear-Gaussian receptive-field neuron RF2D on the
//     5 × 5 grid {−2, −1, 0, 1, 2}²;
//
// both with 32 Gauss–Legendre nodes in log γ over [−9, 7], 512 draws per
// node and stimulus, the mean of 4 replicates (seed 1), RMS relative error
// ≤ 10% and maximum ≤ 20%.
func Checks() []Check {
	rf, err := RF2D()
	if err != nil {
		panic(err)
	}
	erf, err := rf.Encoder()
	if err != nil {
		panic(err)
	}
	set := EstimateSettings{GammaNodes: 32, Samples: 512, Replicates: 4, Seed: 1}
	ax := []float64{-2, -1, 0, 1, 2}
	g2, err := NewGrid(ax, ax)
	if err != nil {
		panic(err)
	}
	xs := make([]float64, 12)
	for i := range xs {
		xs[i] = math.Round((-2+0.4*float64(i))*10) / 10
	}
	g1, err := NewGrid(xs)
	if err != nil {
		panic(err)
	}
	return []Check{
		{Name: "poisson1d", Encoder: PoissonBumpNeuron(), Grid: g1, Settings: set, MaxRMS: 0.10, MaxRel: 0.20},
		{Name: "rf2d", Encoder: erf, Grid: g2, Settings: set, MaxRMS: 0.10, MaxRel: 0.20},
	}
}

// RelativeErrors returns the root-mean-square and the largest absolute
// relative error of estimate against exact, point by point.
func RelativeErrors(estimate, exact []float64) (rms, largest float64, err error) {
	if len(estimate) != len(exact) || len(exact) == 0 {
		return 0, 0, fmt.Errorf("information: RelativeErrors: %d estimates for %d exact values", len(estimate), len(exact))
	}
	for i, v := range exact {
		if !(v > 0) {
			return 0, 0, fmt.Errorf("information: RelativeErrors: exact value %d is %v, want > 0", i, v)
		}
		r := (estimate[i] - v) / v
		rms += r * r
		largest = max(largest, math.Abs(r))
	}
	return math.Sqrt(rms / float64(len(exact))), largest, nil
}
