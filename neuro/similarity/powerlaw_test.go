package similarity

import "testing"

// Oracle: an exact power law is recovered exactly, with R² = 1.
func TestFitPowerLawRecoversExactExponent(t *testing.T) {
	v := PowerLawSpectrum(50, 1.3)
	for i := range v {
		v[i] *= 2.5
	}
	pl, err := FitPowerLaw(v, 2, 40)
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "alpha", pl.Alpha, 1.3, 1e-12)
	assertClose(t, "amplitude", pl.Amplitude, 2.5, 1e-12)
	assertClose(t, "R²", pl.R2, 1, 1e-12)
	assertClose(t, "refitted spectrum", pl.Spectrum(10)[9], v[9], 1e-12)
}
