package similarity

import (
	"fmt"
	"time"

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
	start := time.Now()
	set, err := s.defaults()
	if err != nil {
		return nil, err
	}
	sset, err := set.Stieltjes.defaults()
	if err != nil {
		return nil, err
	}
	xc, yc, err := centeredPair(x, other)
	if err != nil {
		return nil, err
	}
	sx, err := fullSpectrum(xc)
	if err != nil {
		return nil, err
	}
	sy, err := fullSpectrum(yc)
	if err != nil {
		return nil, fmt.Errorf("%w (other representation)", err)
	}
	return compareSpectra(sx, sy, population, set, sset, start)
}

// compareSpectra is CompareRecording for the full spectra sx of the
// recording and sy of the other representation.
func compareSpectra(sx, sy *Spectrum, population []float64, set DenoiseSettings, sset StieltjesSettings, start time.Time) (*RecordingComparison, error) {
	p, n := sx.Stimuli, sx.Neurons
	rank, nz := nonZeroCount(sx.Values), nonZeroCount(sy.Values)
	cmp := &RecordingComparison{Sample: sx, Other: sy, M: overlap(sx.Vectors, sy.Vectors)}
	var err error
	if population == nil {
		if cmp.PowerLaw, population, err = powerLawPrior(sx.Values[:rank], p, n); err != nil {
			return nil, err
		}
	} else if len(population) != p {
		return nil, fmt.Errorf("similarity: the population spectrum has %d eigenvalues; it must have one per stimulus (P = %d)", len(population), p)
	}
	cmp.Population = population
	// Only the non-zero modes carry information.
	mr := mat.DenseCopyOf(cmp.M.Slice(0, rank, 0, nz))
	lam, mu := sx.Values[:rank], sy.Values[:nz]
	cmp.SampleCKA, cmp.SampleCCA = spectralCKA(lam, mu, mr), spectralCCA(mr, set.CCAModes)
	q := float64(p) / float64(n)
	if err := checkStieltjesInput(lam, population, q); err != nil {
		return nil, err
	}
	qfull := selfOverlap(lam, newStieltjesProblem(population, q, sset))
	cmp.Denoised, err = denoiseWithQ(mr, qfull, lam, population, mu, set, start)
	return cmp, err
}

// nonZeroCount returns the number of leading values above 1e-10 of the
// first (a descending spectrum's rank).
func nonZeroCount(v []float64) int {
	r := 0
	for r < len(v) && v[r] > 1e-10*v[0] {
		r++
	}
	return r
}

// powerLawPrior fits a power law to the leading sample eigenvalues lam (the
// non-zero ones of a recording of n neurons, p stimuli; ranks 1 to
// max(3, n/4), capped at 30) and extends it to p−1 modes, scaled so that
// Σλ̃ equals Σlam, with a final zero for the dimension centring removes.
func powerLawPrior(lam []float64, p, n int) (*PowerLaw, []float64, error) {
	to := min(max(3, n/4), 30, len(lam))
	if to < 3 {
		return nil, nil, fmt.Errorf("similarity: the recording has rank %d; a power-law prior needs at least 3 non-zero modes (pass the population spectrum instead)", len(lam))
	}
	pl, err := FitPowerLaw(lam, 1, to)
	if err != nil {
		return nil, nil, err
	}
	var total, sum float64
	for _, v := range lam {
		total += v
	}
	population := make([]float64, p)
	copy(population, pl.Spectrum(p-1))
	for _, v := range population {
		sum += v
	}
	for k := range population {
		population[k] *= total / sum
	}
	return pl, population, nil
}
