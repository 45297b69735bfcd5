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

// RelativeErrors returns the relative error (estimate − exact)/exact at
// every point, their root mean square and the largest in absolute value.
func RelativeErrors(estimate, exact []float64) (rel []float64, rms, largest float64, err error) {
	if len(estimate) != len(exact) || len(exact) == 0 {
		return nil, 0, 0, fmt.Errorf("information: RelativeErrors: %d estimates for %d exact values", len(estimate), len(exact))
	}
	rel = make([]float64, len(exact))
	for i, v := range exact {
		if !(v > 0) {
			return nil, 0, 0, fmt.Errorf("information: RelativeErrors: exact value %d is %v, want > 0", i, v)
		}
		rel[i] = (estimate[i] - v) / v
		rms += rel[i] * rel[i]
		largest = max(largest, math.Abs(rel[i]))
	}
	return rel, math.Sqrt(rms / float64(len(exact))), largest, nil
}

// TrainingRun is the record cmd/traindenoiser writes with the shipped
// denoisers (models/results.json, returned by PretrainedRun).
type TrainingRun struct {
	Revision  string `json:"revision"`
	Dirty     bool   `json:"dirty"`
	Date      string `json:"date"`
	GoVersion string `json:"go"`
	BLAS      string `json:"blas"`
	CPUs      int    `json:"cpus"`
	// Models holds one record per check.
	Models []TrainedModel `json:"models"`
}

// TrainedModel records how one shipped denoiser was trained and how it did
// on its check.
type TrainedModel struct {
	Name    string           `json:"name"`
	Encoder *Encoder         `json:"encoder"`
	Grid    [][]float64      `json:"grid"`
	Config  DenoiserConfig   `json:"config"`
	Train   TrainSettings    `json:"train"`
	Check   EstimateSettings `json:"check"`
	// MutualInfo and Exact are the quadrature's I and I_local on Grid;
	// Estimate (with the 95% interval EstimateLo..EstimateHi over the
	// check's replicates) the final denoiser's.
	MutualInfo  float64   `json:"mutual_information"`
	Exact       []float64 `json:"exact_ilocal"`
	Estimate    []float64 `json:"estimate_ilocal"`
	EstimateLo  []float64 `json:"estimate_lo"`
	EstimateHi  []float64 `json:"estimate_hi"`
	RMSRelative float64   `json:"rms_relative"`
	MaxRelative float64   `json:"max_relative"`
	Passed      bool      `json:"passed"`
	// TrainSeconds is the training time without the evaluations, and
	// SecondsToTarget and StepsToTarget when the RMS relative error of the
	// cheap evaluation first fell to the check's MaxRMS (−1: never).
	TrainSeconds    float64 `json:"train_seconds"`
	SecondsToTarget float64 `json:"seconds_to_target"`
	StepsToTarget   int     `json:"steps_to_target"`
	// Curve holds the evaluations during training and LossEvery100 every
	// hundredth step's batch loss.
	Curve        []TrainingPoint `json:"curve"`
	LossEvery100 []float64       `json:"loss_every_100"`
	// ExactGivenX and EstimateGivenX are I_local with r ~ p(r|x) (rf2d).
	ExactGivenX    []float64 `json:"exact_ilocal_given_x,omitempty"`
	EstimateGivenX []float64 `json:"estimate_ilocal_given_x,omitempty"`
}

// TrainingPoint is one evaluation during training: the averaged weights'
// cheap estimate (128 draws per node, one replicate) against the
// quadrature, and the held-out denoising loss.
type TrainingPoint struct {
	Step         int       `json:"step"`
	TrainSeconds float64   `json:"train_seconds"`
	TrainLoss    float64   `json:"train_loss"`
	HeldOutLoss  float64   `json:"held_out_loss"`
	RMSRelative  float64   `json:"rms_relative"`
	MaxRelative  float64   `json:"max_relative"`
	Estimate     []float64 `json:"estimate"`
}

// Curves returns the evaluations during training as series: training time
// (s), RMS and largest relative error, what widgets.Lines draws.
func (m TrainedModel) Curves() (seconds, rms, largest []float64) {
	for _, p := range m.Curve {
		seconds, rms, largest = append(seconds, p.TrainSeconds), append(rms, p.RMSRelative), append(largest, p.MaxRelative)
	}
	return seconds, rms, largest
}
