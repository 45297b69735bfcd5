package singleneuron

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuronb/neuronb/neuro/spikes"
)

// renewal draws a renewal process on [0, T] with intervals from draw.
func renewal(T float64, draw func() float64) []float64 {
	var t []float64
	for x := draw(); x <= T; x += draw() {
		t = append(t, x)
	}
	return t
}

// gammaDraw returns intervals from a gamma distribution of integer shape k
// and mean m (a sum of k exponentials).
func gammaDraw(rng *rand.Rand, k int, m float64) func() float64 {
	return func() float64 {
		s := 0.0
		for i := 0; i < k; i++ {
			s += rng.ExpFloat64()
		}
		return s * m / float64(k)
	}
}

// Closed forms of a Poisson process of rate λ on [0, T]: CV = LV = 1,
// burst fraction 1 − e^(−λ·thr), ISI histogram bins e^(−λ e_k) −
// e^(−λ e_{k+1}), autocorrelogram counts λ² ∫ (T − τ) dτ over each bin.
// Tolerances are 5 standard errors of each estimate.
func TestFeaturesMatchPoissonClosedForms(t *testing.T) {
	const lambda, T = 20.0, 4000.0
	rng := rand.New(rand.NewPCG(1, 1))
	tr := renewal(T, func() float64 { return rng.ExpFloat64() / lambda })
	isi := ISIs(tr)
	n := float64(len(isi))
	if cv := CV(isi); math.Abs(cv-1) > 5*math.Sqrt(2/n) { // SE of CV ≈ √(2/n)·… ≤ 1.5/√n
		t.Errorf("Poisson CV = %.4f, want 1", cv)
	}
	if lv := LV(isi); math.Abs(lv-1) > 5*math.Sqrt(0.4/n) { // Var of one LV term ≈ 0.3
		t.Errorf("Poisson LV = %.4f, want 1", lv)
	}
	p := 1 - math.Exp(-lambda*0.01)
	if bf := BurstFraction(isi, 0.01); math.Abs(bf-p) > 5*math.Sqrt(p*(1-p)/n) {
		t.Errorf("Poisson burst fraction = %.4f, want %.4f", bf, p)
	}
	edges := LogEdges(25, 0.001, 2)
	for k, h := range ISIHistogram(isi, 25, 0.001, 2) {
		q := math.Exp(-lambda*edges[k]) - math.Exp(-lambda*edges[k+1])
		if math.Abs(h-q) > 5*math.Sqrt(q*(1-q)/n)+1e-12 {
			t.Errorf("ISI bin %d [%.4g, %.4g): %.5f, closed form %.5f", k, edges[k], edges[k+1], h, q)
		}
	}
	for k, c := range Autocorrelogram(tr, 0.001, 0.05) {
		l1, l2 := float64(k)*0.001, float64(k+1)*0.001
		want := lambda * lambda * (T*(l2-l1) - (l2*l2-l1*l1)/2)
		if math.Abs(c-want) > 5*math.Sqrt(want) {
			t.Errorf("ACG bin %d: %v pairs, expected %.1f", k, c, want)
		}
	}
	// The normalised autocorrelogram of SegmentFeatures is flat at 1 − lag/T.
	x, ok, err := SegmentFeatures(tr, 0, T, nil)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	var mean float64
	for _, v := range x[25:75] {
		mean += v / 50
	}
	if math.Abs(mean-1) > 0.01 {
		t.Errorf("normalised ACG mean %.4f, want ≈ 1", mean)
	}
	if r := math.Pow(10, x[75]); math.Abs(r-lambda) > 5*math.Sqrt(lambda/T) {
		t.Errorf("rate %.3f, want %v", r, lambda)
	}
}

// Closed forms of a gamma renewal process of shape k: CV = 1/√k and
// LV = 3/(2k + 1).
func TestFeaturesMatchGammaClosedForms(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, k := range []int{2, 4, 9} {
		isi := ISIs(renewal(3000, gammaDraw(rng, k, 0.05)))
		n := float64(len(isi))
		if cv, want := CV(isi), 1/math.Sqrt(float64(k)); math.Abs(cv-want) > 5/math.Sqrt(n) {
			t.Errorf("shape %d: CV %.4f, want %.4f", k, cv, want)
		}
		if lv, want := LV(isi), 3/(2*float64(k)+1); math.Abs(lv-want) > 5/math.Sqrt(n) {
			t.Errorf("shape %d: LV %.4f, want %.4f", k, lv, want)
		}
	}
}

// CV is spikes.TsGroup.ISICV on the same train (the same definition,
// sample SD with divisor n − 1, computed independently), to 1e-12.
func TestCVMatchesSpikesISICV(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	tr := renewal(100, gammaDraw(rng, 3, 0.02))
	g, err := spikes.NewTsGroup([][]float64{tr}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := CV(ISIs(tr)), g.ISICV()[0]; math.Abs(a-b) > 1e-12 {
		t.Errorf("CV %v, spikes.ISICV %v", a, b)
	}
}

// Small hand-counted cases.
func TestFeaturesByHand(t *testing.T) {
	tr := []float64{0, 0.0015, 0.003, 0.010}
	// Pairs (lags): 1.5, 3, 10, 1.5, 8.5, 7 ms → 1 ms bins 1: 2, 3: 1, 7: 1, 8: 1, 10: 1.
	got := Autocorrelogram(tr, 0.001, 0.011)
	want := []float64{0, 2, 0, 1, 0, 0, 0, 1, 1, 0, 1}
	for k := range want {
		if got[k] != want[k] {
			t.Fatalf("ACG %v, want %v", got, want)
		}
	}
	// LV of intervals (1, 3): 3·((1−3)/(1+3))²/1 = 0.75.
	if lv := LV([]float64{1, 3}); math.Abs(lv-0.75) > 1e-15 {
		t.Errorf("LV = %v, want 0.75", lv)
	}
	if h := ISIHistogram([]float64{0.0005, 0.001, 0.5, 3}, 2, 0.001, 2); h[0] != 0.25 || h[1] != 0.25 {
		t.Errorf("ISI histogram %v, want [0.25 0.25] (one interval below, one above the range)", h)
	}
}

func TestFeaturesRejectBadInput(t *testing.T) {
	if _, _, err := SegmentFeatures([]float64{0.1, 0.2, 0.3}, 0, 1, nil); err == nil {
		t.Error("a 1 s segment with a 2 s ISI range: no error")
	}
	if _, ok, err := SegmentFeatures([]float64{0.1, 0.2}, 0, 5, nil); err != nil || ok {
		t.Errorf("two spikes: ok %v, err %v; want skipped without error", ok, err)
	}
	g, err := spikes.NewTsGroup([][]float64{{1, 2, 3, 4}, {}}, []int{7, 9}, nil)
	if err != nil {
		t.Fatal(err)
	}
	seg, err := spikes.NewIntervalSet([]float64{0}, []float64{5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := Features(g, seg, nil); err == nil {
		t.Error("a unit without spikes: no error")
	} else {
		t.Log(err)
	}
	short, err := spikes.NewIntervalSet([]float64{0}, []float64{0.0005}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := Features(g, short, nil); err == nil {
		t.Error("a segment shorter than one ISI bin: no error")
	}
	for _, s := range []FeatureSettings{{MinISI: 2, MaxISI: 1}, {MinSpikes: 2}, {ACGBin: 0.1, ACGMaxLag: 0.05}, {ISIBins: -1}} {
		if _, err := FeatureNames(&s); err == nil {
			t.Errorf("settings %+v: no error", s)
		}
	}
}
