package similarity

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Oracle: the definition of the resampling. Every bootstrap resample of a
// representation against itself has CKA 1, so the interval collapses to
// [1, 1]; the same seed reproduces the interval exactly whatever the
// number of workers; and the interval of a related pair brackets its
// estimate.
func TestBootstrapIntervalIsReproducibleAndBracketsEstimate(t *testing.T) {
	x := powerLawData(40, 8, 71)
	self, err := Bootstrap(x, x, LinearCKA, &ResampleSettings{Resamples: 50, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "lower bound of CKA(X,X)", self.Lower, 1, 1e-12)
	assertClose(t, "upper bound of CKA(X,X)", self.Upper, 1, 1e-12)
	noise := randn(40, 8, 72)
	y := mat.DenseCopyOf(x)
	y.Add(y, noise)
	a := must(Bootstrap(x, y, LinearCKA, &ResampleSettings{Resamples: 200, Seed: 2, Workers: 1}))(t)
	b := must(Bootstrap(x, y, LinearCKA, &ResampleSettings{Resamples: 200, Seed: 2, Workers: 3}))(t)
	a.Runtime, b.Runtime = 0, 0
	if *a != *b {
		t.Errorf("intervals differ with the number of workers: %+v vs %+v", a, b)
	}
	if !(a.Lower < a.Estimate && a.Estimate < a.Upper) || a.SE <= 0 {
		t.Errorf("interval %+v does not bracket its estimate", a)
	}
}

// Oracle: the null hypothesis. A noisy copy of X is far more similar than
// any shuffle (p at its minimum 1/(1+R)); for independent representations
// the p-value is not small.
func TestPermutationTestSeparatesRelatedFromIndependent(t *testing.T) {
	x := powerLawData(30, 6, 73)
	y := mat.DenseCopyOf(x)
	y.Add(y, randn(30, 6, 74))
	const r = 99
	rel, err := PermutationTest(x, y, LinearCKA, &ResampleSettings{Resamples: r, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "p-value of a related pair", rel.PValue, 1.0/(1+r), 1e-15)
	ind := must(PermutationTest(randn(30, 6, 75), randn(30, 6, 76), LinearCKA, &ResampleSettings{Resamples: r, Seed: 3}))(t)
	if ind.PValue < 0.05 {
		t.Errorf("independent pair: p = %.3f", ind.PValue)
	}
	if math.IsNaN(ind.Observed) || len(ind.Null) != r {
		t.Errorf("null distribution has %d values", len(ind.Null))
	}
}
