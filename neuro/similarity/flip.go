package similarity

import "fmt"

// FlipPoint compares the two models of FlipModels at one neuron count.
type FlipPoint struct {
	Neurons int
	// Sample CCA_10 of each model with the recorded target (mean ± s.e.).
	Sample1, Sample2 Estimate
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
}

// CCAFlip records the target of f with each count of neurons (the models
// are fully observed), and reports at each count which model the sample
// CCA_10 and the denoised CCA_10 rank closer to the target. At small N the
// sample CCA reverses the population order; denoising restores it. The
// denoised gap at N ≈ 20 is a few hundredths, so use at least 40 draws
// there for the order to be reliable (with 10 draws it fails for some
// seeds).
func CCAFlip(f *FlipModels, neurons []int, s *StudySettings) (*FlipResult, error) {
	if f == nil {
		return nil, fmt.Errorf("similarity: CCAFlip needs FlipModels (got nil)")
	}
	set := s.withDefaults()
	set.CCAModes = 10
	s1, err := SubsamplingStudy(f.Target, f.Model1, neurons, &set)
	if err != nil {
		return nil, fmt.Errorf("similarity: model 1: %w", err)
	}
	s2, err := SubsamplingStudy(f.Target, f.Model2, neurons, &set)
	if err != nil {
		return nil, fmt.Errorf("similarity: model 2: %w", err)
	}
	res := &FlipResult{Population1: s1.PopulationCCA, Population2: s2.PopulationCCA, Study1: s1, Study2: s2}
	popOrder := s2.PopulationCCA > s1.PopulationCCA
	for i := range neurons {
		a, b := s1.Points[i], s2.Points[i]
		res.Points = append(res.Points, FlipPoint{
			Neurons: a.Neurons,
			Sample1: a.SampleCCA, Sample2: b.SampleCCA,
			Denoised1: a.DenoisedCCA, Denoised2: b.DenoisedCCA,
			SampleOrderCorrect:   (b.SampleCCA.Mean > a.SampleCCA.Mean) == popOrder,
			DenoisedOrderCorrect: (b.DenoisedCCA > a.DenoisedCCA) == popOrder,
		})
	}
	return res, nil
}
