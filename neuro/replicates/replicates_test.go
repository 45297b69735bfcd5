package replicates_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
	"github.com/neuronb/neuronb/neuro/replicates"
)

func close(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// Oracle: numpy (mean, std with ddof=1, min, max) and scipy.stats.t.interval.
func TestSummarizeMatchesNumpy(t *testing.T) {
	pyoracle.Require(t, "numpy", "scipy")
	samples := [][]float64{{0.701, 0.68, 0.74, 0.69, 0.72}, {3}, {-1e3, 2e-3, 5, 5, 7.25, 1e2}}
	var want []map[string]float64
	pyoracle.Run(t, `
import json, sys, numpy as np
from scipy import stats
out = []
for x in json.load(sys.stdin):
    x = np.array(x); n = len(x); m = x.mean()
    sd = x.std(ddof=1) if n > 1 else 0.0
    se = sd/np.sqrt(n)
    lo, hi = stats.t.interval(0.95, n-1, loc=m, scale=se) if n > 1 else (m, m)
    out.append({k: float(v) for k, v in dict(mean=m, sd=sd, se=se, lo=lo, hi=hi, min=x.min(), max=x.max()).items()})
print(json.dumps(out))`, samples, &want)
	for i, x := range samples {
		s, err := replicates.Summarize(x)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{"mean": s.Mean, "sd": s.SD, "se": s.SE, "lo": s.Lo, "hi": s.Hi, "min": s.Min, "max": s.Max}
		for k, v := range want[i] {
			tol := 1e-12
			if k == "lo" || k == "hi" {
				tol = 1e-9 // gonum's Student t quantile is accurate to ~1e-10
			}
			if !close(got[k], v, tol) {
				t.Errorf("sample %d: %s = %.15g, numpy/scipy %.15g", i, k, got[k], v)
			}
		}
		if s.N != len(x) {
			t.Errorf("sample %d: N = %d", i, s.N)
		}
	}
}

// Oracle: scipy.stats.ttest_1samp, ttest_rel, ttest_ind(equal_var=False)
// and binomtest, for every alternative.
func TestTestsMatchScipy(t *testing.T) {
	pyoracle.Require(t, "scipy")
	a := []float64{1.2, 0.9, 1.7, 1.1, 1.4, 0.8}
	b := []float64{0.7, 0.95, 1.1, 0.6, 1.0, 0.5}
	c := []float64{0.2, 0.1, 0.35, 0.28}
	type tt struct{ T, DF, P float64 }
	var want struct {
		One, Paired, Welch [3]tt
		Binom              [][3]float64
	}
	binom := [][3]float64{{14, 20, 0.5}, {3, 20, 0.5}, {7, 10, 0.3}, {0, 5, 0.5}, {20, 20, 0.5}}
	pyoracle.Run(t, `
import json, sys
from scipy import stats
d = json.load(sys.stdin); alts = ["two-sided", "greater", "less"]
def pack(r, df): return dict(T=float(r.statistic), DF=float(df), P=float(r.pvalue))
one = [pack(stats.ttest_1samp(d["a"], 1.0, alternative=al), len(d["a"])-1) for al in alts]
paired = [pack(stats.ttest_rel(d["a"], d["b"], alternative=al), len(d["a"])-1) for al in alts]
# Debian's scipy 1.10 does not return Welch's df: Welch-Satterthwaite from
# numpy's variances (the statistic and p-value are scipy's).
import numpy as np
va, vc = np.var(d["a"], ddof=1)/len(d["a"]), np.var(d["c"], ddof=1)/len(d["c"])
wdf = (va+vc)**2/(va**2/(len(d["a"])-1) + vc**2/(len(d["c"])-1))
welch = [pack(stats.ttest_ind(d["a"], d["c"], equal_var=False, alternative=al), wdf) for al in alts]
binom = [[stats.binomtest(int(k), int(n), p, alternative=al).pvalue for al in alts] for k, n, p in d["binom"]]
print(json.dumps(dict(One=one, Paired=paired, Welch=welch, Binom=binom)))`,
		map[string]any{"a": a, "b": b, "c": c, "binom": binom}, &want)
	alts := []replicates.Alternative{replicates.TwoSided, replicates.Greater, replicates.Less}
	for i, alt := range alts {
		for _, c2 := range []struct {
			name string
			f    func() (replicates.TTest, error)
			want tt
		}{
			{"one-sample", func() (replicates.TTest, error) { return replicates.OneSampleT(a, 1.0, alt) }, want.One[i]},
			{"paired", func() (replicates.TTest, error) { return replicates.PairedT(a, b, alt) }, want.Paired[i]},
			{"Welch", func() (replicates.TTest, error) { return replicates.WelchT(a, c, alt) }, want.Welch[i]},
		} {
			got, err := c2.f()
			if err != nil {
				t.Fatalf("%s %v: %v", c2.name, alt, err)
			}
			if !close(got.T, c2.want.T, 1e-10) || !close(got.DF, c2.want.DF, 1e-10) || !close(got.P, c2.want.P, 1e-9) {
				t.Errorf("%s %v: %+v, scipy %+v", c2.name, alt, got, c2.want)
			}
		}
		for j, bc := range binom {
			p, err := replicates.Binomial(int(bc[0]), int(bc[1]), bc[2], alt)
			if err != nil {
				t.Fatal(err)
			}
			if !close(p, want.Binom[j][i], 1e-10) {
				t.Errorf("binomial %v %v: p=%.15g, scipy %.15g", bc, alt, p, want.Binom[j][i])
			}
		}
	}
}

func TestBadInputNamesTheArgument(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{errOf(replicates.Summarize(nil)), "xs has 0 values"},
		{errOf(replicates.Summarize([]float64{1, math.NaN()})), "xs[1] = NaN"},
		{errOf(replicates.OneSampleT([]float64{2, 2, 2}, 0, replicates.TwoSided)), "every value of x equals 2"},
		{errOf(replicates.PairedT([]float64{1, 2}, []float64{1}, replicates.TwoSided)), "a has 2 values, b has 1"},
		{errOf(replicates.WelchT([]float64{1}, []float64{1, 2}, replicates.TwoSided)), "a has 1 values"},
		{errOf(replicates.Binomial(5, 3, 0.5, replicates.Greater)), "k=5 successes in n=3"},
		{errOf(replicates.Binomial(1, 3, 1, replicates.Greater)), "p=1"},
		{errOf(replicates.Columns([][]float64{{1, 2}, {1}})), "rows[1] has 1 values"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("error %v, want it to contain %q", c.err, c.want)
		}
	}
}

func errOf[T any](_ T, err error) error { return err }

// Five seeds of a held-out score, summarised with a 95% interval.
func ExampleSummarize() {
	s, err := replicates.Summarize([]float64{0.701, 0.68, 0.74, 0.69, 0.72})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s)
	fmt.Printf("95%% interval [%.3f, %.3f]\n", s.Lo, s.Hi)
	// Output:
	// 0.706 ± 0.011 (n=5)
	// 95% interval [0.676, 0.736]
}

// Is a method better than chance at ordering two conditions? 17 correct
// orders out of 20 replicates, one-sided sign test against p = 0.5.
func ExampleBinomial() {
	p, err := replicates.Binomial(17, 20, 0.5, replicates.Greater)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("p = %.4f\n", p)
	// Output: p = 0.0013
}

// Safety neurons against random neurons over five seeds (Welch's t test).
func ExampleWelchT() {
	safety := []float64{0.93, 0.97, 0.91, 0.95, 0.96}
	random := []float64{0.05, 0.52, 0.10, 0.85, 0.02}
	r, err := replicates.WelchT(safety, random, replicates.Greater)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("t = %.2f on %.1f df, p = %.4f\n", r.T, r.DF, r.P)
	// Output: t = 3.89 on 4.0 df, p = 0.0087
}

// Oracle: Student's t with 2 degrees of freedom has the closed-form
// survival function ½ − t/(2√(2 + t²)); the degenerate case is decided by
// the sign as documented.
func TestComparePaired(t *testing.T) {
	a, b := []float64{1, 3, 5}, []float64{0, 1, 2} // differences 1, 2, 3
	p, err := replicates.ComparePaired(a, b, replicates.Greater)
	if err != nil {
		t.Fatal(err)
	}
	tt := 2 / (1 / math.Sqrt(3))
	want := 0.5 - tt/(2*math.Sqrt(2+tt*tt))
	if math.Abs(p.P-want) > 1e-12 || p.Diff.Mean != 2 || p.Diff.SD != 1 || p.A.Mean != 3 || p.B.Mean != 1 {
		t.Errorf("got %+v, want P = %v, differences mean 2 and SD 1, means 3 and 1", p, want)
	}
	for _, c := range []struct {
		alt  replicates.Alternative
		b    []float64
		want float64
	}{{replicates.Greater, []float64{0, 2, 4}, 0}, {replicates.Less, []float64{0, 2, 4}, 1},
		{replicates.TwoSided, []float64{0, 2, 4}, 0}, {replicates.TwoSided, a, 1}} {
		p, err := replicates.ComparePaired(a, c.b, c.alt)
		if err != nil {
			t.Fatal(err)
		}
		if p.P != c.want {
			t.Errorf("constant differences %v, alternative %v: P = %v, want %v", p.Diff.Mean, c.alt, p.P, c.want)
		}
	}
	if _, err := replicates.ComparePaired(a, b[:2], replicates.Greater); err == nil || !strings.Contains(err.Error(), "a has 3 values, b has 2") {
		t.Errorf("mismatched lengths: error %v", err)
	}
}

// Loss after training with and without a reset, on the same five seeds:
// is the reset's loss lower?
func ExampleComparePaired() {
	reset := []float64{0.41, 0.38, 0.45, 0.40, 0.39}
	none := []float64{0.47, 0.44, 0.46, 0.49, 0.42}
	p, err := replicates.ComparePaired(reset, none, replicates.Less)
	if err != nil {
		panic(err)
	}
	fmt.Printf("reset − none = %.3f [%.3f, %.3f], one-sided p = %.4f\n", p.Diff.Mean, p.Diff.Lo, p.Diff.Hi, p.P)
	// Output: reset − none = -0.050 [-0.088, -0.012], one-sided p = 0.0111
}
