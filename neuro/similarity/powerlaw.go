package similarity

import (
	"fmt"
	"math"
)

// PowerLaw is a fitted spectrum λ_k ≈ Amplitude · k^(−Alpha).
type PowerLaw struct {
	Alpha, Amplitude float64
	// R2 is the coefficient of determination of the log-log fit.
	R2 float64
	// From and To are the 1-based ranks used (inclusive).
	From, To int
}

// FitPowerLaw fits log λ_k = log A − α log k by least squares over the
// ranks k = from…to (1-based, inclusive) of a descending spectrum. Sample
// spectra bend away from a power law near the rank N of a recording, so
// the fit range should stay well below it (the paper fits the top ranks).
func FitPowerLaw(values []float64, from, to int) (*PowerLaw, error) {
	if from < 1 || to > len(values) || to-from < 1 {
		return nil, fmt.Errorf("similarity: power-law fit range [%d, %d] is invalid for %d eigenvalues; need 1 <= from < to <= %d", from, to, len(values), len(values))
	}
	var sx, sy, sxx, sxy float64
	n := float64(to - from + 1)
	for k := from; k <= to; k++ {
		v := values[k-1]
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("similarity: eigenvalue %d (rank %d) is %v; a power-law fit needs positive values", k-1, k, v)
		}
		x, y := math.Log(float64(k)), math.Log(v)
		sx += x
		sy += y
		sxx += x * x
		sxy += x * y
	}
	slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
	icpt := (sy - slope*sx) / n
	var ssr, sst float64
	my := sy / n
	for k := from; k <= to; k++ {
		x, y := math.Log(float64(k)), math.Log(values[k-1])
		ssr += sq(y - icpt - slope*x)
		sst += sq(y - my)
	}
	r2 := 1.0
	if sst > 0 {
		r2 = 1 - ssr/sst
	}
	return &PowerLaw{Alpha: -slope, Amplitude: math.Exp(icpt), R2: r2, From: from, To: to}, nil
}

// Spectrum returns the fitted λ_k for k = 1…n.
func (pl *PowerLaw) Spectrum(n int) []float64 {
	out := PowerLawSpectrum(n, pl.Alpha)
	for i := range out {
		out[i] *= pl.Amplitude
	}
	return out
}
