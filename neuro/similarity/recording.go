package similarity

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// RecordingComparison compares a recording of a few neurons with a fully
// observed representation.
type RecordingComparison struct {
	// SampleCKA and SampleCCA are the measures of the recording as it is.
	SampleCKA, SampleCCA float64
	// Denoised holds the population estimates (Denoised.CKA, Denoised.CCA).
	Denoised *DenoiseResult
	// Population is the population spectrum λ̃ used (length P); PowerLaw the
	// fit it came from when none was given.
	Population []float64
	PowerLaw   *PowerLaw
	// Sample and Other are the two spectra, M their overlap matrix.
	Sample, Other *Spectrum
	M             *mat.Dense
}

// CompareRecording estimates how similar the population behind a recording
// x (P stimuli × N recorded neurons) is to a fully observed representation
// other (P × any number of units, e.g. a network layer): it measures the
// sample CKA and CCA_k and denoises them.
//
// population is the spectrum λ̃ of the recorded population on the
// recording's per-neuron scale (length P, descending; e.g. from a larger
// set of neurons). When it is nil, a power law is fitted to the recording's
// leading sample eigenvalues (ranks 1 to max(3, N/4), capped at 30, which
// stay close to their population values) and extended to P−1 modes with
// its amplitude set so that Σλ̃ equals the recording's total variance
// (E[tr X Xᵀ/(P·N)] is the population's). The paper's experiments take λ̃
// from a larger population; the power-law prior is its suggested route for
// unknown populations.
func CompareRecording(x, other mat.Matrix, population []float64, s *DenoiseSettings) (*RecordingComparison, error) {
	if err := checkPair(x, other); err != nil {
		return nil, err
	}
	set := s.withDefaults()
	sx, err := NewSpectrum(x)
	if err != nil {
		return nil, err
	}
	sy, err := NewSpectrum(other)
	if err != nil {
		return nil, fmt.Errorf("%w (other representation)", err)
	}
	p, n := sx.Stimuli, sx.Neurons
	rank := 0
	for rank < len(sx.Values) && sx.Values[rank] > 1e-10*sx.Values[0] {
		rank++
	}
	cmp := &RecordingComparison{Sample: sx, Other: sy}
	if population == nil {
		to := min(max(3, n/4), 30, rank)
		if to < 3 {
			return nil, fmt.Errorf("similarity: the recording has rank %d; a power-law prior needs at least 3 non-zero modes (pass the population spectrum instead)", rank)
		}
		pl, err := FitPowerLaw(sx.Values, 1, to)
		if err != nil {
			return nil, err
		}
		var total, sum float64
		for _, v := range sx.Values[:rank] {
			total += v
		}
		population = make([]float64, p)
		for k := 0; k < p-1; k++ {
			population[k] = pl.Spectrum(p - 1)[k]
			sum += population[k]
		}
		for k := range population {
			population[k] *= total / sum
		}
		cmp.PowerLaw = pl
	} else if len(population) != p {
		return nil, fmt.Errorf("similarity: the population spectrum has %d eigenvalues; it must have one per stimulus (P = %d)", len(population), p)
	}
	cmp.Population = population
	m, _ := Overlap(sx, sy)
	cmp.M = m
	// Only the rank-many non-zero sample modes carry information.
	mr := mat.DenseCopyOf(m.Slice(0, rank, 0, len(sy.Values)))
	nz := 0
	for nz < len(sy.Values) && sy.Values[nz] > 1e-10*sy.Values[0] {
		nz++
	}
	mr = mat.DenseCopyOf(mr.Slice(0, rank, 0, nz))
	cmp.SampleCKA, _ = SpectralCKA(sx.Values[:rank], sy.Values[:nz], mr)
	cmp.SampleCCA, _ = SpectralCCA(mr, set.CCAModes)
	d, err := Denoise(mr, sx.Values[:rank], population, sy.Values[:nz], float64(p)/float64(n), s)
	if err != nil {
		return nil, err
	}
	cmp.Denoised = d
	return cmp, nil
}
