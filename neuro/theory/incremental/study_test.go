package incremental

import (
	"math"
	"slices"
	"testing"
)

// TestImplicitBiasBounds: no learned interpolator is smaller than the
// minimum-norm one (ratio ≥ 1); the summaries use only the replicates that
// interpolate; the study does not depend on the number of workers.
func TestImplicitBiasBounds(t *testing.T) {
	a, err := ImplicitBias([]int{16, 32}, &NormSettings{Seeds: 8, Seed: 2, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ImplicitBias([]int{16, 32}, &NormSettings{Seeds: 8, Seed: 2, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	for k := range a.Sizes {
		if !slices.Equal(a.Norm2[k], b.Norm2[k]) {
			t.Errorf("n = %v: 1 worker %v, 3 workers %v", a.Sizes[k], a.Norm2[k], b.Norm2[k])
		}
		count := 0
		for r, v := range a.Norm2[k] {
			if a.Interpolates[k][r] {
				count++
				if !(v >= a.MinNorm2[k][r]-1e-12) {
					t.Errorf("n = %v, replicate %d: learned ‖θ‖² %.6f below the minimum %.6f", a.Sizes[k], r, v, a.MinNorm2[k][r])
				}
			}
		}
		if a.Ratio[k].N != count || !(a.Ratio[k].Min >= 1-1e-12) {
			t.Errorf("n = %v: ratio summary %+v over %d interpolating replicates", a.Sizes[k], a.Ratio[k], count)
		}
		t.Logf("n = %v, m = %d: ratio %v, ‖θ‖²/√n %v", a.Sizes[k], a.Widths[k], a.Ratio[k], a.PerRootN[k])
	}
}

// TestScaleSweepMatchesDirectRuns: ScaleSweep's entries are the values a
// direct Predict and Descend give for the same seed and scale.
func TestScaleSweepMatchesDirectRuns(t *testing.T) {
	scales, seeds := []float64{1e-4, 1e-8}, []uint64{5, 6}
	st, err := ScaleSweep(16, 5, scales, seeds, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for k, lambda := range scales {
		for r, seed := range seeds {
			data, net := testProblem(t, seed, 16, 16, 5, lambda, nil)
			p, err := Predict(data, net)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Descend(data, net, nil)
			if err != nil {
				t.Fatal(err)
			}
			c := p.Compare(res, 3)
			if st.Norm2[k][r] != res.Net.Norm2() || st.Predicted[r] != p.Norm2 || st.Resolved[k][r] != c.Resolved ||
				(st.MaxScaledError[k][r] != c.MaxScaledError && !(st.MaxScaledError[k][r] == -1 && math.IsInf(c.MaxScaledError, 1))) {
				t.Errorf("seed %d, λ = %g: sweep %v/%v/%d/%v, direct %v/%v/%d/%v", seed, lambda, st.Norm2[k][r], st.Predicted[r], st.Resolved[k][r], st.MaxScaledError[k][r],
					res.Net.Norm2(), p.Norm2, c.Resolved, c.MaxScaledError)
			}
		}
	}
}
