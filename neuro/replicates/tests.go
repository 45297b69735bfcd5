package replicates

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Alternative is the alternative hypothesis of a test.
type Alternative int

const (
	// TwoSided: the statistic differs from its null value.
	TwoSided Alternative = iota
	// Greater: the first sample's mean (or the count) is larger.
	Greater
	// Less: it is smaller.
	Less
)

// String returns the constant's name.
func (a Alternative) String() string {
	switch a {
	case TwoSided:
		return "two-sided"
	case Greater:
		return "greater"
	case Less:
		return "less"
	}
	return fmt.Sprintf("Alternative(%d)", int(a))
}

// TTest is the outcome of a t test.
type TTest struct {
	// T is the statistic, DF its degrees of freedom (Welch–Satterthwaite
	// for two samples with unequal variances).
	T  float64 `json:"t"`
	DF float64 `json:"df"`
	// P is the p-value under the test's Alternative.
	P float64 `json:"p"`
}

// OneSampleT tests whether the mean of x differs from mu:
// T = (mean − mu)/SE on n − 1 degrees of freedom. x needs at least two
// values and a positive spread.
func OneSampleT(x []float64, mu float64, alt Alternative) (TTest, error) {
	if err := check("x", x, 2); err != nil {
		return TTest{}, err
	}
	s, err := Summarize(x)
	if err != nil {
		return TTest{}, err
	}
	if s.SE == 0 {
		return TTest{}, fmt.Errorf("replicates: OneSampleT: every value of x equals %v; the t statistic is undefined", s.Mean)
	}
	t := (s.Mean - mu) / s.SE
	df := float64(s.N - 1)
	return TTest{T: t, DF: df, P: tPValue(t, df, alt)}, nil
}

// PairedT tests whether the mean of a_i − b_i differs from zero (a and b
// paired by index, as the same seeds under two conditions).
func PairedT(a, b []float64, alt Alternative) (TTest, error) {
	if len(a) != len(b) {
		return TTest{}, fmt.Errorf("replicates: PairedT: a has %d values, b has %d", len(a), len(b))
	}
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return OneSampleT(d, 0, alt)
}

// WelchT tests whether the means of a and b differ, without assuming equal
// variances: T = (m_a − m_b)/sqrt(s_a²/n_a + s_b²/n_b), with
// Welch–Satterthwaite degrees of freedom. Each sample needs at least two
// values, and they must not both be constant.
func WelchT(a, b []float64, alt Alternative) (TTest, error) {
	if err := check("a", a, 2); err != nil {
		return TTest{}, err
	}
	if err := check("b", b, 2); err != nil {
		return TTest{}, err
	}
	sa, err := Summarize(a)
	if err != nil {
		return TTest{}, err
	}
	sb, err := Summarize(b)
	if err != nil {
		return TTest{}, err
	}
	va, vb := sa.SE*sa.SE, sb.SE*sb.SE
	if va+vb == 0 {
		return TTest{}, fmt.Errorf("replicates: WelchT: both samples are constant; the t statistic is undefined")
	}
	t := (sa.Mean - sb.Mean) / math.Sqrt(va+vb)
	df := (va + vb) * (va + vb) / (va*va/float64(sa.N-1) + vb*vb/float64(sb.N-1))
	return TTest{T: t, DF: df, P: tPValue(t, df, alt)}, nil
}

func tPValue(t, df float64, alt Alternative) float64 {
	d := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	switch alt {
	case Greater:
		return d.Survival(t)
	case Less:
		return d.CDF(t)
	}
	return math.Min(1, 2*d.Survival(math.Abs(t)))
}

// Binomial tests k successes in n trials against success probability p:
// Greater gives P(X ≥ k), Less P(X ≤ k), TwoSided the sum of the
// probabilities of outcomes no more likely than k (as scipy's binomtest).
func Binomial(k, n int, p float64, alt Alternative) (float64, error) {
	if n < 1 || k < 0 || k > n {
		return 0, fmt.Errorf("replicates: Binomial: k=%d successes in n=%d trials, want 0 ≤ k ≤ n and n ≥ 1", k, n)
	}
	if !(p > 0 && p < 1) {
		return 0, fmt.Errorf("replicates: Binomial: p=%v, want 0 < p < 1", p)
	}
	pmf := func(i int) float64 {
		return math.Exp(lchoose(n, i) + float64(i)*math.Log(p) + float64(n-i)*math.Log1p(-p))
	}
	sum := func(lo, hi int) float64 {
		s := 0.0
		for i := lo; i <= hi; i++ {
			s += pmf(i)
		}
		return math.Min(1, s)
	}
	switch alt {
	case Greater:
		return sum(k, n), nil
	case Less:
		return sum(0, k), nil
	}
	// Outcomes no more likely than the observed one, with scipy's
	// relative tolerance for ties.
	pk := pmf(k) * (1 + 1e-7)
	s := 0.0
	for i := 0; i <= n; i++ {
		if q := pmf(i); q <= pk {
			s += q
		}
	}
	return math.Min(1, s), nil
}

func lchoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// Paired is the comparison of two conditions run on the same seeds: the
// summaries of a, of b and of the differences a_i − b_i, and the p-value of
// the paired t test of the differences.
type Paired struct {
	A    Summary `json:"a"`
	B    Summary `json:"b"`
	Diff Summary `json:"diff"`
	P    float64 `json:"p"`
}

// Sign is the sign of the mean paired difference: +1, −1 or 0.
func (p Paired) Sign() int {
	switch {
	case p.Diff.Mean > 0:
		return 1
	case p.Diff.Mean < 0:
		return -1
	}
	return 0
}

// ComparePaired summarises a, b (paired by index) and their differences
// and tests the differences in direction alt with PairedT. When every
// difference is the same the t statistic is undefined and the sign decides:
// P is 0 when that common difference lies in direction alt (any non-zero
// one for TwoSided) and 1 otherwise.
func ComparePaired(a, b []float64, alt Alternative) (Paired, error) {
	var p Paired
	if len(a) != len(b) {
		return p, fmt.Errorf("replicates: ComparePaired: a has %d values, b has %d", len(a), len(b))
	}
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	var err error
	if p.A, err = Summarize(a); err != nil {
		return p, fmt.Errorf("replicates: ComparePaired: a: %w", err)
	}
	if p.B, err = Summarize(b); err != nil {
		return p, fmt.Errorf("replicates: ComparePaired: b: %w", err)
	}
	if p.Diff, err = Summarize(d); err != nil {
		return p, fmt.Errorf("replicates: ComparePaired: a − b: %w", err)
	}
	if p.Diff.SD == 0 {
		m := p.Diff.Mean
		p.P = 1
		if (alt == Greater && m > 0) || (alt == Less && m < 0) || (alt == TwoSided && m != 0) {
			p.P = 0
		}
		return p, nil
	}
	t, err := PairedT(a, b, alt)
	if err != nil {
		return p, err
	}
	p.P = t.P
	return p, nil
}
