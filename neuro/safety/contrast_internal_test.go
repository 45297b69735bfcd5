package safety

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Oracle: the two-pass variance, Σ(x − mean)²/n after the mean, on values
// with a large mean (10⁹ ± 1), where E[x²] − mean² loses every digit in
// float64 (x² ≈ 10¹⁸ carries an absolute rounding error of about 100).
// Welford's update within chunks and Chan's merge across them keep it.
func TestMomentsAreStableAtLargeMean(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	xs := make([]float64, 3000)
	for i := range xs {
		xs[i] = 1e9 + rng.NormFloat64()
	}
	chunks := []*neuronMoments{newNeuronMoments(1), newNeuronMoments(1), newNeuronMoments(1)}
	for i, x := range xs {
		c := chunks[i*3/len(xs)]
		c.n++
		c.add(0, x, x-1)
	}
	total := newNeuronMoments(1)
	for _, c := range chunks {
		total.merge(c)
	}
	mean, ss, sum, sumSq := 0.0, 0.0, 0.0, 0.0
	for _, x := range xs {
		mean += x / float64(len(xs))
		sum += x
		sumSq += x * x
	}
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	n := float64(len(xs))
	want := ss / n
	got := total.ss1[0] / n
	naive := sumSq/n - (sum/n)*(sum/n)
	t.Logf("variance: two-pass %.12f, Welford+Chan %.12f, E[x²]−m² %.6g", want, got, naive)
	if math.Abs(got-want) > 1e-8*want || math.Abs(total.mean1[0]-mean) > 1e-6 || total.sumSq[0] != n {
		t.Errorf("variance %v, mean %v, Σd² %v; want %v, %v, %v", got, total.mean1[0], total.sumSq[0], want, mean, n)
	}
	if math.Abs(total.ss2[0]/n-want) > 1e-8*want {
		t.Errorf("model 2's variance %v, want %v (a shift does not change it)", total.ss2[0]/n, want)
	}
}
