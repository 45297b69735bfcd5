package spikes

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// TestPoissonStatisticsMatchClosedForms: for homogeneous Poisson trains of
// rate λ the closed forms are: mean count per bin λ·Δ, Fano factor 1 over
// bins and over trials, ISI CV 1, rate λ. Each estimate is asserted within
// 4 standard errors of its sampling distribution (rate and mean count:
// sqrt(λΔ/n)/Δ with n bins; Fano: sqrt(2/(n−1)) to leading order; CV of
// exponential intervals: 1/sqrt(n)), so the test fails by chance with
// probability below 1e-4 per assertion; the seed is fixed anyway.
func TestPoissonStatisticsMatchClosedForms(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 5))
	rates := []float64{2, 15, 60}
	const dur, bin = 2000.0, 0.1
	times := make([][]float64, len(rates))
	for i, r := range rates {
		times[i] = poisson(rng, r, 0, dur)
	}
	g := mustGroup(t, times, nil, nil)
	ep := mustSet(t, []float64{0}, []float64{dur}, nil)
	g = g.Restrict(ep)
	c, err := g.Count(bin, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := float64(c.Len())
	fano := c.Fano()
	cv := g.ISICV()
	trials, err := ep.Split(1)
	if err != nil {
		t.Fatal(err)
	}
	fanoTrials := g.CountIn(trials).Fano()
	for i, lambda := range rates {
		if se := math.Sqrt(lambda / dur); math.Abs(g.Rates()[i]-lambda) > 4*se {
			t.Errorf("λ = %v: rate %v (± %v)", lambda, g.Rates()[i], 4*se)
		}
		mean := stat.Mean(c.Column(i), nil)
		if se := math.Sqrt(lambda * bin / n); math.Abs(mean-lambda*bin) > 4*se {
			t.Errorf("λ = %v: mean count %v, want %v ± %v", lambda, mean, lambda*bin, 4*se)
		}
		if se := math.Sqrt(2/(n-1) + 1/(n*lambda*bin)); math.Abs(fano[i]-1) > 4*se {
			t.Errorf("λ = %v: Fano over bins %v, want 1 ± %v", lambda, fano[i], 4*se)
		}
		if se := math.Sqrt(2/(float64(trials.Len())-1) + 1/(float64(trials.Len())*lambda)); math.Abs(fanoTrials[i]-1) > 4*se {
			t.Errorf("λ = %v: Fano over trials %v, want 1 ± %v", lambda, fanoTrials[i], 4*se)
		}
		if se := 1 / math.Sqrt(float64(len(times[i])-1)); math.Abs(cv[i]-1) > 4*se {
			t.Errorf("λ = %v: ISI CV %v, want 1 ± %v", lambda, cv[i], 4*se)
		}
	}
}

// TestStatisticsOnDegenerateInput: fewer than two intervals or a zero mean
// give NaN, documented, rather than a number; a perfectly regular train
// has CV 0 and a constant count has Fano 0.
func TestStatisticsOnDegenerateInput(t *testing.T) {
	g := mustGroup(t, [][]float64{{1, 2, 3, 4}, {5}, nil}, nil, nil)
	cv := g.ISICV()
	if cv[0] != 0 || !math.IsNaN(cv[1]) || !math.IsNaN(cv[2]) {
		t.Errorf("CV %v, want [0 NaN NaN]", cv)
	}
	x, err := NewTsd([]float64{0, 1, 2}, []float64{3, 3, 3})
	if err != nil {
		t.Fatal(err)
	}
	z, err := NewTsd([]float64{0, 1}, []float64{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	if f := x.Fano(); f[0] != 0 {
		t.Errorf("Fano of constant counts %v", f)
	}
	if f := z.Fano(); !math.IsNaN(f[0]) {
		t.Errorf("Fano of zero counts %v", f)
	}
	empty := mustGroup(t, [][]float64{{2}}, nil, nil)
	if r := empty.Rates(); !math.IsNaN(r[0]) {
		t.Errorf("rate over an empty support %v", r)
	}
}

// Oracle: per-trial rates counted independently (binary search of each
// bin's edges in the sorted spike times) and gonum's stat.Mean and
// stat.StdDev (n-1 denominator) for the 95% normal interval. (Moved with
// RateBand from widgets.)
func TestRateBandMatchesIndependentCountsAndGonumStats(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	trials := make([][]float64, 40)
	for i := range trials {
		for s := rng.ExpFloat64() / 30; s < 1.2; s += rng.ExpFloat64() / 30 {
			trials[i] = append(trials[i], s-0.1) // some spikes before t0
		}
	}
	t0, t1, bin := 0.0, 1.0, 0.05
	p, err := RateBand(trials, t0, t1, bin)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Centres) != 20 || math.Abs(p.Centres[0]-0.025) > 1e-12 || math.Abs(p.Centres[19]-0.975) > 1e-12 || p.Trials != 40 || p.Bin != bin {
		t.Fatalf("centres %v", p.Centres)
	}
	for k := range p.Centres {
		lo, hi := t0+float64(k)*bin, t0+float64(k+1)*bin
		rates := make([]float64, len(trials))
		for i, tr := range trials {
			s := append([]float64(nil), tr...)
			sort.Float64s(s)
			rates[i] = float64(sort.SearchFloat64s(s, hi)-sort.SearchFloat64s(s, lo)) / bin
		}
		m, sd := stat.Mean(rates, nil), stat.StdDev(rates, nil)
		half := 1.96 * sd / math.Sqrt(float64(len(trials)))
		if math.Abs(p.Mean[k]-m) > 1e-9 || math.Abs(p.Lower[k]-(m-half)) > 1e-9 || math.Abs(p.Upper[k]-(m+half)) > 1e-9 {
			t.Fatalf("bin %d: got %g [%g, %g], want %g [%g, %g]", k, p.Mean[k], p.Lower[k], p.Upper[k], m, m-half, m+half)
		}
	}
	for _, bad := range []struct {
		trials     [][]float64
		t0, t1, dt float64
		want       string
	}{
		{nil, 0, 1, 0.1, "trials is empty"},
		{[][]float64{{0.1}}, 0, 1, 0, "bin = 0"},
		{[][]float64{{0.1}}, 1, 1, 0.1, "not a finite, non-empty interval"},
		{[][]float64{{0.1, math.NaN()}}, 0, 1, 0.1, "trials[0][1] is NaN"},
		{[][]float64{{0.1}}, 0, 1, 1e-9, "use wider bins"},
	} {
		if _, err := RateBand(bad.trials, bad.t0, bad.t1, bad.dt); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("RateBand(%v, %v, %v, %v): %v, want %q", bad.trials, bad.t0, bad.t1, bad.dt, err, bad.want)
		}
	}
}

// TestPerieventPSTHIsRateBandOfAlignedTrials: the PSTH of a unit aligned to
// events equals RateBand of the aligned trains (oracle: shifting each trial
// by hand), and Unit returns the trials as a group with the window as
// support.
func TestPerieventPSTHIsRateBandOfAlignedTrials(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	g := mustGroup(t, [][]float64{poisson(rng, 20, 0, 50), poisson(rng, 5, 0, 50)}, []int{4, 8}, nil)
	events := []float64{30, 10, 20.5}
	pe, err := g.Perievent(events, 0.5, 1)
	if err != nil {
		t.Fatal(err)
	}
	h, err := pe.PSTH(0.1)
	if err != nil {
		t.Fatal(err)
	}
	for u := range 2 {
		var trials [][]float64
		for _, e := range events {
			var tr []float64
			for _, s := range g.Times(u) {
				if s >= e-0.5 && s <= e+1 {
					tr = append(tr, s-e)
				}
			}
			trials = append(trials, tr)
			checkClose(t, "aligned trial", pe.Trials(u)[len(trials)-1], tr, 0)
		}
		want, err := RateBand(trials, -0.5, 1, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		checkClose(t, "PSTH mean", h[u].Mean, want.Mean, 0)
		checkClose(t, "PSTH band", h[u].Upper, want.Upper, 0)
	}
	if h[1].Name != "unit 8" || len(h[0].Centres) != 15 {
		t.Errorf("PSTH %q with %d bins", h[1].Name, len(h[0].Centres))
	}
	tg := pe.Unit(0)
	if tg.Len() != 3 || tg.Support().Start(0) != -0.5 || tg.Metadata().Numbers["event"][0] != 30 {
		t.Errorf("Unit: %v", tg)
	}
	if _, err := g.Perievent([]float64{math.NaN()}, 1, 1); err == nil {
		t.Error("NaN event accepted")
	}
	if _, err := g.Perievent([]float64{1}, 0, 0); err == nil {
		t.Error("empty window accepted")
	}
}
