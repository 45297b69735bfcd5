package study

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/neuronb/neuronb/neuro/replicates"
)

// WriteTable writes a curve as Table 1's row, one line per fraction: the
// top neurons' C with its bootstrap interval and graded C, the random
// controls' mean C and graded C with their 95% t intervals over seeds, the
// one-sided t test of the graded values (random < top) and the benign
// over-refusal with the top set patched.
func WriteTable(w io.Writer, c *Curve) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: F(M1) = %+.2f, F(M2) = %+.2f on %d harmful test prompts\n", c.Variant, c.F1, c.F2, c.Prompts)
	fmt.Fprintf(&b, "%-11s %-20s %-8s %-22s %-22s %-9s %s\n", "k", "top C [95% CI]", "graded", "random C (95% CI)", "random graded (CI)", "t-test p", "over-refusal")
	for _, p := range c.Points {
		fmt.Fprintf(&b, "%-11s %-20s %-8.3f ", fmt.Sprintf("%g%% (%d)", 100*p.Fraction, p.K), fmt.Sprintf("%.3f [%.2f, %.2f]", p.C, p.CLow, p.CHigh), p.CGraded)
		if len(p.RandomC) > 1 {
			r, err := p.Random(false)
			if err != nil {
				return err
			}
			g, err := p.Random(true)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "%-22s %-22s %-9s ", interval(r), interval(g), pValue(p))
		} else {
			fmt.Fprintf(&b, "%-22s %-22s %-9s ", "—", "—", "—")
		}
		fmt.Fprintf(&b, "%.3f\n", p.OverRefusal)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func interval(s replicates.Summary) string {
	return fmt.Sprintf("%.3f (%.2f, %.2f)", s.Mean, s.Lo, s.Hi)
}

func pValue(p Point) string {
	t, err := p.TopVsRandom(true)
	if err != nil {
		return "n/a"
	}
	return fmt.Sprintf("%.1g", t.P)
}

// ErrorBarSeries returns, for widgets.ErrorBars, the fractions in percent
// and two series: the top neurons' C (one value per point) and the random
// controls' mean with its 95% t interval; graded selects the graded C.
func ErrorBarSeries(c *Curve, graded bool) (x []float64, series [][]replicates.Summary, err error) {
	var top, random []replicates.Summary
	for _, p := range c.Points {
		v := p.C
		if graded {
			v = p.CGraded
		}
		t, err := replicates.Summarize([]float64{v})
		if err != nil {
			return nil, nil, err
		}
		r, err := p.Random(graded)
		if err != nil {
			return nil, nil, err
		}
		x, top, random = append(x, 100*p.Fraction), append(top, t), append(random, r)
	}
	return x, [][]replicates.Summary{top, random}, nil
}

// SweepSeries returns the top neurons' C of every swept learning rate
// against the fractions in percent, in increasing learning rate, with
// their names, for widgets.ErrorBars.
func SweepSeries(r *Results) (x []float64, series [][]replicates.Summary, names []string, err error) {
	for k, lr := range sweepKeys(r) {
		var s []replicates.Summary
		for _, p := range r.Sweep[lr].Points {
			t, err := replicates.Summarize([]float64{p.C})
			if err != nil {
				return nil, nil, nil, err
			}
			if k == 0 {
				x = append(x, 100*p.Fraction)
			}
			s = append(s, t)
		}
		series, names = append(series, s), append(names, "learning rate "+lr)
	}
	return x, series, names, nil
}

// sweepKeys returns the sweep's learning rates in increasing order.
func sweepKeys(r *Results) []string {
	keys := make([]string, 0, len(r.Sweep))
	for k := range r.Sweep {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		x, errA := strconv.ParseFloat(a, 64)
		y, errB := strconv.ParseFloat(b, 64)
		if errA != nil || errB != nil {
			return strings.Compare(a, b)
		}
		return cmp.Compare(x, y)
	})
	return keys
}

// WriteSweep writes, per swept learning rate, C of the top neurons at
// every fraction and the over-refusal at Claims.TopFraction.
func WriteSweep(w io.Writer, r *Results) error {
	var b strings.Builder
	for _, lr := range sweepKeys(r) {
		c := r.Sweep[lr]
		fmt.Fprintf(&b, "lr %-6s M2 refuses %.3f;  C at", lr, c.M2Refusal)
		for _, p := range c.Points {
			fmt.Fprintf(&b, " %g%%: %.2f", 100*p.Fraction, p.C)
		}
		if p, err := c.At(Claims.TopFraction); err == nil {
			fmt.Fprintf(&b, ";  over-refusal at %g%%: %.3f", 100*Claims.TopFraction, p.OverRefusal)
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteOverlap writes, for every fraction with random controls, each
// control's C and graded C next to the number of its neurons among the top
// 1% by change score and its share of the top set's summed change score,
// and the correlation over all controls between that share and the graded
// C: the data that say which random sets restore refusals.
func WriteOverlap(w io.Writer, c *Curve) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: random controls as C/graded C/neurons among the top 1%%/share of the top set's score\n", c.Variant)
	var share, graded []float64
	for _, p := range c.Points {
		if len(p.RandomC) == 0 {
			continue
		}
		fmt.Fprintf(&b, "%-11s", fmt.Sprintf("%g%% (%d)", 100*p.Fraction, p.K))
		for i := range p.RandomC {
			fmt.Fprintf(&b, " %.2f/%.2f/%d/%.2f", p.RandomC[i], p.RandomCGraded[i], p.RandomOverlap[i], p.RandomScoreShare[i])
		}
		b.WriteByte('\n')
		share, graded = append(share, p.RandomScoreShare...), append(graded, p.RandomCGraded...)
	}
	if len(share) > 2 {
		fmt.Fprintf(&b, "correlation of the score share with the graded C over the %d controls: %.2f\n", len(share), stat.Correlation(share, graded, nil))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Previous is the reanalysis of the random controls of the earlier run of
// the notebook (results/safety_previous_random_controls.json).
type Previous struct {
	About    string             `json:"about"`
	Commit   string             `json:"commit"`
	Top6     []string           `json:"top6"`
	Alone    map[string]float64 `json:"alone"`
	Controls []struct {
		Percent float64  `json:"percent"`
		Seed    int      `json:"seed"`
		Counts  []int    `json:"counts"`
		C       float64  `json:"c"`
		Top6    []string `json:"top6_contained"`
	} `json:"controls"`
}

// LoadPrevious reads the reanalysis.
func LoadPrevious(path string) (*Previous, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("study: %w", err)
	}
	var p Previous
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("study: %s: %w", path, err)
	}
	return &p, nil
}

// WritePrevious writes the controls with C > 0 and the fraction of
// controls with and without the top neuron that restored refusals.
func WritePrevious(w io.Writer, p *Previous) error {
	if len(p.Top6) == 0 {
		return fmt.Errorf("study: WritePrevious: no top neurons")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "previous models (%s): top neurons %v; alone: %v\n", p.Commit, p.Top6, p.Alone)
	with, flipWith, without, flipWithout := 0, 0, 0, 0
	for _, c := range p.Controls {
		has := slices.Contains(c.Top6, p.Top6[0])
		if has {
			with++
			if c.C > 0 {
				flipWith++
			}
		} else {
			without++
			if c.C > 0 {
				flipWithout++
			}
		}
		if c.C > 0 || has {
			fmt.Fprintf(&b, "  %g%% seed %d: C = %.3f, contains %v\n", c.Percent, c.Seed, c.C, c.Top6)
		}
	}
	fmt.Fprintf(&b, "controls containing %s: %d, of which %d with C > 0; without it: %d, of which %d with C > 0\n", p.Top6[0], with, flipWith, without, flipWithout)
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteGuard writes the safeguard's accuracies.
func WriteGuard(w io.Writer, g *Guard) error {
	r, err := replicates.Summarize(g.Random)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "safeguard on the jailbreakable model: %d train and %d test requests, %.0f%% of test answers harmful\n"+
		"  top %d safety neurons %v: test accuracy %.3f\n  random neurons, same counts: %s over %d seeds\n"+
		"  majority class %.3f;  predicting the answer by the request's harmfulness %.3f\n",
		g.TrainN, g.TestN, 100*g.TestPositive, g.K, g.Counts, g.Accuracy, interval(r), r.N, g.Majority, g.Harmfulness)
	return err
}
