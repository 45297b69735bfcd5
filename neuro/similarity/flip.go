package similarity

import (
	"fmt"
	"time"

	"github.com/neuronb/neuronb/neuro/replicates"
	"github.com/neuronb/neuronb/neuro/run"
)

// FlipPoint compares the two models of FlipModels at one neuron count.
type FlipPoint struct {
	Neurons int
	// Sample CCA_10 of each model with the recorded target, over draws.
	Sample1, Sample2 replicates.Summary
	// Denoised CCA_10 estimates (from the draw-averaged overlaps).
	Denoised1, Denoised2 float64
	// SampleOrderCorrect and DenoisedOrderCorrect report whether each
	// ranks the models as the population does.
	SampleOrderCorrect, DenoisedOrderCorrect bool
}

// FlipResult is the paper's "CCA flip" experiment.
type FlipResult struct {
	// Population1 and Population2 are the population CCA_10 of each model.
	Population1, Population2 float64
	Points                   []FlipPoint
	// Study1 and Study2 hold the full subsampling studies.
	Study1, Study2 *StudyResult
	// Stats: Status is Finished, or Stopped by Progress; Iterations counts
	// the draws of both studies; Objective is the denoised gap
	// Denoised2 − Denoised1 at the last neuron count in Points.
	run.Stats
}

// CCAFlip records the target of f with each count of neurons (the models
// are fully observed), and reports at each count which model the sample
// CCA_10 and the denoised CCA_10 rank closer to the target. At small N the
// sample CCA reverses the population order; denoising restores it. Both
// studies use the same settings (CCAModes is set to 10), so with the same
// Seed they see the same recordings of the target. Progress steps count
// the draws of both studies in turn; a stop returns the neuron counts both
// finished.
func CCAFlip(f *FlipModels, neurons []int, s *StudySettings) (*FlipResult, error) {
	start := time.Now()
	if f == nil {
		return nil, fmt.Errorf("similarity: CCAFlip needs FlipModels (got nil)")
	}
	var set StudySettings
	if s != nil {
		set = *s
	}
	set.CCAModes = 10
	user := set.Progress
	done := 0
	if user != nil {
		set.Progress = func(st run.Step) error {
			st.Iteration += done
			st.MaxIterations *= 2
			return user(st)
		}
	}
	res := &FlipResult{}
	var err error
	// A study stopped by an error of Progress returns its result too.
	if res.Study1, err = SubsamplingStudy(f.Target, f.Model1, neurons, &set); res.Study1 == nil {
		return nil, fmt.Errorf("similarity: model 1: %w", err)
	}
	if err == nil && res.Study1.Status != run.Stopped {
		done = res.Study1.Iterations
		if res.Study2, err = SubsamplingStudy(f.Target, f.Model2, neurons, &set); res.Study2 == nil {
			return nil, fmt.Errorf("similarity: model 2: %w", err)
		}
	}
	res.tally(start)
	return res, err
}

// tally fills the points from the two studies and the run's statistics.
func (res *FlipResult) tally(start time.Time) {
	s1, s2 := res.Study1, res.Study2
	res.Status, res.Iterations = run.Finished, s1.Iterations
	res.Population1 = s1.PopulationCCA
	if s2 == nil {
		res.Status = run.Stopped
		res.Runtime = time.Since(start)
		return
	}
	res.Population2, res.Iterations = s2.PopulationCCA, s1.Iterations+s2.Iterations
	if s1.Status == run.Stopped || s2.Status == run.Stopped {
		res.Status = run.Stopped
	}
	popOrder := s2.PopulationCCA > s1.PopulationCCA
	for i := range min(len(s1.Points), len(s2.Points)) {
		a, b := s1.Points[i], s2.Points[i]
		res.Points = append(res.Points, FlipPoint{
			Neurons: a.Neurons,
			Sample1: a.SampleCCA, Sample2: b.SampleCCA,
			Denoised1: a.DenoisedCCA, Denoised2: b.DenoisedCCA,
			SampleOrderCorrect:   (b.SampleCCA.Mean > a.SampleCCA.Mean) == popOrder,
			DenoisedOrderCorrect: (b.DenoisedCCA > a.DenoisedCCA) == popOrder,
		})
		res.Objective = b.DenoisedCCA - a.DenoisedCCA
	}
	res.Runtime = time.Since(start)
}
