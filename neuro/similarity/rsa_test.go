package similarity

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Oracle: counting concordant and discordant pairs one by one, with ties.
func TestKendallTauAMatchesPairCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 20; trial++ {
		n := 2 + rng.IntN(60)
		a, b := make([]float64, n), make([]float64, n)
		for i := range a {
			a[i] = float64(rng.IntN(5)) // many ties
			b[i] = float64(rng.IntN(7))
		}
		var s int
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				s += sign(a[i]-a[j]) * sign(b[i]-b[j])
			}
		}
		want := float64(s) / float64(n*(n-1)/2)
		got, err := CompareRDMs(a, b, KendallTauA)
		if err != nil {
			t.Fatal(err)
		}
		assertClose(t, "Kendall τ-a", got, want, 1e-14)
	}
}

func sign(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// Oracle: Spearman's ρ with ties is the Pearson correlation of mid-ranks,
// computed here by counting, for each value, how many values are smaller and
// equal.
func TestSpearmanUsesMidRanksForTies(t *testing.T) {
	a := []float64{1, 2, 2, 3, 5, 5, 5, 0}
	b := []float64{2, 1, 4, 4, 3, 9, 0, 1}
	mid := func(v []float64) []float64 {
		r := make([]float64, len(v))
		for i := range v {
			var less, eq float64
			for j := range v {
				if v[j] < v[i] {
					less++
				} else if v[j] == v[i] {
					eq++
				}
			}
			r[i] = less + (eq+1)/2
		}
		return r
	}
	ra, rb := mid(a), mid(b)
	var ma, mb float64
	for i := range ra {
		ma += ra[i] / 8
		mb += rb[i] / 8
	}
	var ab, aa, bb float64
	for i := range ra {
		ab += (ra[i] - ma) * (rb[i] - mb)
		aa += sq(ra[i] - ma)
		bb += sq(rb[i] - mb)
	}
	got := must(CompareRDMs(a, b, Spearman))(t)
	assertClose(t, "Spearman ρ", got, ab/math.Sqrt(aa*bb), 1e-14)
}

// Oracle: an RDM of a representation compared with itself is perfectly
// correlated, and the RSA of a representation with a monotone function of
// its RDM keeps Spearman at 1.
func TestRSAOfIdenticalRepresentationsIsOne(t *testing.T) {
	x := powerLawData(20, 6, 51)
	for _, m := range []RDMComparison{Spearman, KendallTauA, Cosine} {
		v, err := RSA(x, x, Correlation, m)
		if err != nil {
			t.Fatal(err)
		}
		assertClose(t, "RSA(X, X)", v, 1, 1e-12)
	}
}

// Oracle: RDM's documented index, entry (i, j) at i·P − i(i+1)/2 + (j − i − 1).
func TestSquareRDMInvertsTheVectorLayout(t *testing.T) {
	x := powerLawData(7, 4, 41)
	d := must(RDM(x, Euclidean))(t)
	m := must(SquareRDM(d))(t)
	if r, _ := m.Dims(); r != 7 {
		t.Fatalf("%d×%d from %d entries", r, r, len(d))
	}
	for i := 0; i < 7; i++ {
		if m.At(i, i) != 0 {
			t.Errorf("diagonal %d = %v", i, m.At(i, i))
		}
		for j := i + 1; j < 7; j++ {
			want := d[i*7-i*(i+1)/2+(j-i-1)]
			if m.At(i, j) != want || m.At(j, i) != want {
				t.Errorf("(%d, %d) = %v, want %v", i, j, m.At(i, j), want)
			}
		}
	}
	for _, n := range []int{0, 2, 4} {
		if _, err := SquareRDM(make([]float64, n)); err == nil {
			t.Errorf("SquareRDM accepted %d entries", n)
		}
	}
}
