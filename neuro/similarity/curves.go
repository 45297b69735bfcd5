package similarity

import (
	"fmt"
	"math"
	"time"

	"github.com/neuronb/neuronb/neuro/replicates"
	"github.com/neuronb/neuronb/neuro/run"
)

// Curves lay out a study's results by neuron count, for charts and for
// JSON: Neurons is the x of every series, and each series holds one
// replicates.Summary per neuron count, so that
//
//	widgets.ErrorBars(c.Neurons, [][]replicates.Summary{c.SampleCKA, c.PredictedCKA, c.DenoisedCKA}, o)
//
// draws them. Monte Carlo series summarise the draws (mean and 95% t
// interval); single numbers (theory, denoised estimate, population value)
// are summaries of one value, whose interval is the value itself.
type Curves struct {
	Neurons []float64 `json:"neurons"`
	// Sample measures and the moment-based baseline, over draws.
	SampleCKA   []replicates.Summary `json:"sample_cka"`
	SampleCCA   []replicates.Summary `json:"sample_cca"`
	UnbiasedCKA []replicates.Summary `json:"unbiased_cka"`
	// Random-matrix prediction and denoised estimates.
	PredictedCKA []replicates.Summary `json:"predicted_cka"`
	PredictedCCA []replicates.Summary `json:"predicted_cca"`
	DenoisedCKA  []replicates.Summary `json:"denoised_cka"`
	DenoisedCCA  []replicates.Summary `json:"denoised_cca"`
	// The population values, repeated at every neuron count.
	PopulationCKA []replicates.Summary `json:"population_cka"`
	PopulationCCA []replicates.Summary `json:"population_cca"`
	// SelfOverlap[j] and SelfOverlapTheory[j] are Q_ii measured and
	// predicted at Neurons[j], for the leading modes kept by Curves.
	SelfOverlap       [][]float64 `json:"self_overlap"`
	SelfOverlapTheory [][]float64 `json:"self_overlap_theory"`
}

// single returns the summary of one number (N = 1, no spread), as
// replicates.Summarize gives it, for any v.
func single(v float64) replicates.Summary {
	return replicates.Summary{N: 1, Mean: v, Min: v, Max: v, Lo: v, Hi: v}
}

// Curves returns the study's results by neuron count, keeping the self
// overlaps of the leading modes modes (≤ 0: all).
func (r *StudyResult) Curves(modes int) Curves {
	var c Curves
	for _, p := range r.Points {
		c.Neurons = append(c.Neurons, float64(p.Neurons))
		c.SampleCKA, c.SampleCCA = append(c.SampleCKA, p.SampleCKA), append(c.SampleCCA, p.SampleCCA)
		c.UnbiasedCKA = append(c.UnbiasedCKA, p.UnbiasedCKA)
		c.PredictedCKA, c.PredictedCCA = append(c.PredictedCKA, single(p.PredictedCKA)), append(c.PredictedCCA, single(p.PredictedCCA))
		c.DenoisedCKA, c.DenoisedCCA = append(c.DenoisedCKA, single(p.DenoisedCKA)), append(c.DenoisedCCA, single(p.DenoisedCCA))
		c.PopulationCKA, c.PopulationCCA = append(c.PopulationCKA, single(r.PopulationCKA)), append(c.PopulationCCA, single(r.PopulationCCA))
		k := len(p.SelfOverlap)
		if modes > 0 {
			k = min(k, modes)
		}
		c.SelfOverlap = append(c.SelfOverlap, p.SelfOverlap[:k])
		c.SelfOverlapTheory = append(c.SelfOverlapTheory, p.SelfOverlapTheory[:min(k, len(p.SelfOverlapTheory))])
	}
	return c
}

// SelfOverlapSeries returns, for charts against the mode index 1…modes
// (the x it also returns), the measured and predicted Q_ii at each neuron
// count, padded with NaN (a gap) beyond the modes a recording has.
func (c *Curves) SelfOverlapSeries(modes int) (x []float64, measured, theory [][]float64) {
	x = make([]float64, modes)
	for i := range x {
		x[i] = float64(i + 1)
	}
	pad := func(v []float64) []float64 {
		out := make([]float64, modes)
		for i := range out {
			out[i] = math.NaN()
			if i < len(v) {
				out[i] = v[i]
			}
		}
		return out
	}
	for j := range c.SelfOverlap {
		measured, theory = append(measured, pad(c.SelfOverlap[j])), append(theory, pad(c.SelfOverlapTheory[j]))
	}
	return x, measured, theory
}

// Localized returns, at each neuron count, the number of leading modes
// whose Q_ii exceeds threshold (≤ 0: the paper's 1/2), measured and
// predicted.
func (c *Curves) Localized(threshold float64) (measured, theory []int) {
	if threshold <= 0 {
		threshold = 0.5
	}
	for j := range c.SelfOverlap {
		measured = append(measured, leadingAbove(c.SelfOverlap[j], threshold))
		theory = append(theory, leadingAbove(c.SelfOverlapTheory[j], threshold))
	}
	return measured, theory
}

// StudyReplicates repeat a subsampling study on independent population
// pairs. Values are per replicate ([r]) or per replicate and neuron count
// ([r][j]); sample values are a replicate's mean over its recordings,
// denoised values the estimate from its draw-averaged overlap matrix.
type StudyReplicates struct {
	Stimuli   int      `json:"stimuli"`
	Alpha     float64  `json:"alpha"`
	TargetCKA float64  `json:"target_cka"`
	Draws     int      `json:"draws"`
	Neurons   []int    `json:"neurons"`
	Seeds     []uint64 `json:"seeds"`

	PopulationCKA []float64   `json:"population_cka"`
	PopulationCCA []float64   `json:"population_cca"`
	SampleCKA     [][]float64 `json:"sample_cka"`
	PredictedCKA  [][]float64 `json:"predicted_cka"`
	DenoisedCKA   [][]float64 `json:"denoised_cka"`
	SampleCCA     [][]float64 `json:"sample_cca"`
	DenoisedCCA   [][]float64 `json:"denoised_cca"`
	// Stats: Status Finished, or Stopped by Progress; Iterations counts
	// the replicates; Objective is the last replicate's denoised CKA at
	// the first neuron count.
	run.Stats
}

// PowerLawStudy is the paper's Fig. 2 experiment on one synthetic pair:
// SubsamplingStudy of PowerLawPair(p, alpha, targetCKA, s.Seed), recording
// the first representation and observing the second fully.
func PowerLawStudy(p int, alpha, targetCKA float64, neurons []int, s *StudySettings) (*StudyResult, error) {
	var seed uint64
	if s != nil {
		seed = s.Seed
	}
	pair, err := PowerLawPair(p, alpha, targetCKA, seed)
	if err != nil {
		return nil, err
	}
	return SubsamplingStudy(pair.X, pair.Y, neurons, s)
}

// ReplicateStudies runs replicates independent subsampling studies: the
// r-th builds PowerLawPair(p, alpha, targetCKA, seed+r) and records it
// with StudySettings seed seed+r (s.Seed is ignored). s.Progress, if set,
// is called after each replicate (metric "denoised CKA at N = Neurons[0]")
// and can stop the run, which then holds the replicates finished.
func ReplicateStudies(p int, alpha, targetCKA float64, neurons []int, seed uint64, replicates int, s *StudySettings) (*StudyReplicates, error) {
	start := time.Now()
	if replicates < 1 {
		return nil, fmt.Errorf("similarity: ReplicateStudies needs at least one replicate, got %d", replicates)
	}
	var set StudySettings
	if s != nil {
		set = *s
	}
	progress := set.Progress
	set.Progress = nil
	res := &StudyReplicates{Stimuli: p, Alpha: alpha, TargetCKA: targetCKA, Draws: run.Iterations(set.Draws, 50), Neurons: neurons}
	res.Status = run.Finished
	for r := 0; r < replicates; r++ {
		set.Seed = seed + uint64(r)
		st, err := PowerLawStudy(p, alpha, targetCKA, neurons, &set)
		if err != nil {
			return nil, fmt.Errorf("similarity: replicate %d (seed %d): %w", r, set.Seed, err)
		}
		res.add(set.Seed, st)
		res.Iterations, res.Objective = r+1, st.Points[0].DenoisedCKA
		step := run.Step{Iteration: r + 1, MaxIterations: replicates, Metric: fmt.Sprintf("denoised CKA at N = %d", neurons[0]), Value: res.Objective}
		if stop, err := progress.Report(step); stop {
			res.Status, res.Runtime = run.Stopped, time.Since(start)
			return res, err
		}
	}
	res.Runtime = time.Since(start)
	return res, nil
}

// add appends one replicate's study.
func (s *StudyReplicates) add(seed uint64, st *StudyResult) {
	s.Seeds = append(s.Seeds, seed)
	s.PopulationCKA, s.PopulationCCA = append(s.PopulationCKA, st.PopulationCKA), append(s.PopulationCCA, st.PopulationCCA)
	var sk, pk, dk, sc, dc []float64
	for _, p := range st.Points {
		sk, pk, dk = append(sk, p.SampleCKA.Mean), append(pk, p.PredictedCKA), append(dk, p.DenoisedCKA)
		sc, dc = append(sc, p.SampleCCA.Mean), append(dc, p.DenoisedCCA)
	}
	s.SampleCKA, s.PredictedCKA, s.DenoisedCKA = append(s.SampleCKA, sk), append(s.PredictedCKA, pk), append(s.DenoisedCKA, dk)
	s.SampleCCA, s.DenoisedCCA = append(s.SampleCCA, sc), append(s.DenoisedCCA, dc)
}

// Deviations summarises over replicates, at each neuron count, the
// deviation values[r][j] − reference[r] of an estimate from a per-replicate
// reference (such as DenoisedCKA from PopulationCKA). Every row of values
// needs one entry per neuron count and reference one entry per row.
func Deviations(values [][]float64, reference []float64) ([]replicates.Summary, error) {
	if len(values) != len(reference) {
		return nil, fmt.Errorf("similarity: Deviations: %d rows of values for %d reference values", len(values), len(reference))
	}
	rows := make([][]float64, len(values))
	for r, row := range values {
		rows[r] = make([]float64, len(row))
		for j, v := range row {
			rows[r][j] = v - reference[r]
		}
	}
	return replicates.Columns(rows)
}
