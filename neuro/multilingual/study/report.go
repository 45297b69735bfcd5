package study

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/neuronb/neuronb/neuro/multilingual"
	"github.com/neuronb/neuronb/neuro/replicates"
)

// over summarises a metric over the seeds of a budget where it is defined
// (a zero Summary with N = 0 when it is defined for none; no interval with
// one).
func over(r *Results, budget int, metric func(*ModelResult) float64) replicates.Summary {
	var xs []float64
	for _, seed := range r.Settings.Seeds {
		if m, err := r.Model(seed, budget); err == nil {
			if v := metric(m); !math.IsNaN(v) {
				xs = append(xs, v)
			}
		}
	}
	if len(xs) < 2 {
		s := replicates.Summary{N: len(xs), Mean: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
		if len(xs) == 1 {
			s.Mean, s.Lo, s.Hi = xs[0], xs[0], xs[0]
		}
		return s
	}
	return replicates.MustSummarize(xs)
}

func ci(s replicates.Summary) string {
	if s.N == 0 {
		return "—"
	}
	if s.N == 1 {
		return fmt.Sprintf("%.3g (1 seed)", s.Mean)
	}
	return fmt.Sprintf("%.3g [%.3g, %.3g]", s.Mean, s.Lo, s.Hi)
}

func meanInts(xs []int) float64 {
	s := 0.0
	for _, x := range xs {
		s += float64(x) / float64(len(xs))
	}
	return s
}

// WriteSizes prints, for every budget and candidate σ, the mean over seeds
// of the language sets' size (mean over languages), the shared set's, the
// exclusive and strictly unique sets' (mean over languages), the shared
// ratio and the units activated per input; the σ the rule chose is marked.
func WriteSizes(w io.Writer, r *Results) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "budget\tσ %\t|N_ℓ|\t|shared|\t|exclusive|\t|strict|\tshared ratio\tper input\t")
	for _, b := range slices.Sorted(slices.Values(r.Settings.Budgets)) {
		for k, sg := range r.Settings.Sigmas {
			size := func(f func(Sizes) float64) string {
				return ci(over(r, b, func(m *ModelResult) float64 { return f(m.Sizes[k]) }))
			}
			mark := ""
			if sg == r.Sigma {
				mark = " ←"
			}
			fmt.Fprintf(tw, "%d\t%g%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t\n", b, sg, mark,
				size(func(s Sizes) float64 { return meanInts(s.Language) }), size(func(s Sizes) float64 { return float64(s.Shared) }),
				size(func(s Sizes) float64 { return meanInts(s.Exclusive) }), size(func(s Sizes) float64 { return meanInts(s.Strict) }),
				size(Sizes.Ratio), over(r, b, func(m *ModelResult) float64 { return m.Sizes[k].PerInput }).Mean)
		}
	}
	return tw.Flush()
}

// WriteComponents prints, at one budget, the shared and exclusive units
// (mean over seeds; exclusive also over languages) by component and by
// layer, as fractions of each set (the paper's Table 2 and Table 3).
func WriteComponents(w io.Writer, r *Results, budget int) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "budget %d\t", budget)
	for _, c := range multilingual.Components {
		fmt.Fprintf(tw, "%s\t", c)
	}
	layers := r.Models[0].Neurons.Shape.Layers
	for l := 0; l < layers; l++ {
		fmt.Fprintf(tw, "layer %d\t", l)
	}
	fmt.Fprintln(tw)
	for _, set := range []struct {
		name string
		sets func(*ModelResult) []multilingual.UnitSet
	}{{"shared", func(m *ModelResult) []multilingual.UnitSet { return []multilingual.UnitSet{m.Neurons.Shared} }},
		{"exclusive", func(m *ModelResult) []multilingual.UnitSet { return m.Neurons.Exclusive }}} {
		fmt.Fprintf(tw, "%s\t", set.name)
		for _, c := range multilingual.Components {
			fmt.Fprintf(tw, "%.1f\t", over(r, budget, func(m *ModelResult) float64 {
				return meanOf(set.sets(m), func(s multilingual.UnitSet) float64 { return float64(s.ByComponent()[c]) })
			}).Mean)
		}
		for l := 0; l < layers; l++ {
			fmt.Fprintf(tw, "%.1f\t", over(r, budget, func(m *ModelResult) float64 {
				return meanOf(set.sets(m), func(s multilingual.UnitSet) float64 { return float64(s.ByLayer()[l]) })
			}).Mean)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

func meanOf(sets []multilingual.UnitSet, f func(multilingual.UnitSet) float64) float64 {
	s := 0.0
	for _, x := range sets {
		s += f(x) / float64(len(sets))
	}
	return s
}

// WriteEffects prints, at one budget, each language's perplexity with
// nothing, the shared units, its own exclusive units and each random set
// deactivated (geometric means over seeds), and the rise of the log
// perplexity over the base (mean and 95% interval over seeds).
func WriteEffects(w io.Writer, r *Results, budget int) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "budget %d\tPPL base\tshared\town exclusive\trandom (mean of %d)\tΔlog PPL shared\tΔlog PPL exclusive\tΔlog PPL random\tImp^ℓ (Eq. 5)\t\n", budget, r.Settings.RandomSets)
	for li, name := range r.Languages {
		gm := func(f func(*ModelResult) float64) float64 {
			return math.Exp(over(r, budget, func(m *ModelResult) float64 { return math.Log(f(m)) }).Mean)
		}
		rise := func(f func(*ModelResult) float64) string {
			return ci(over(r, budget, func(m *ModelResult) float64 { return math.Log(f(m) / m.Effects.Base[li]) }))
		}
		shared := func(m *ModelResult) float64 { return m.Effects.Shared[li] }
		excl := func(m *ModelResult) float64 { return m.Effects.Exclusive[li][li] }
		rnd := func(m *ModelResult) float64 {
			s := 0.0
			for _, row := range m.Effects.Random {
				s += math.Log(row[li]) / float64(len(m.Effects.Random))
			}
			return math.Exp(s)
		}
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%.3f\t%s\t%s\t%s\t%s\t\n", name, gm(func(m *ModelResult) float64 { return m.Effects.Base[li] }),
			gm(shared), gm(excl), gm(rnd), rise(shared), rise(excl), rise(rnd),
			ci(over(r, budget, func(m *ModelResult) float64 { return m.Effects.ImportanceRatio()[li] })))
	}
	return tw.Flush()
}

// WriteTrend prints, per budget, the shared ratio, the shared fraction of
// all units, the language-agnostic score and the question answering
// (seen and held-out facts; seen facts with the shared units or a random
// set deactivated), each the mean with its 95% t interval over seeds.
func WriteTrend(w io.Writer, r *Results) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "budget\tshared ratio\tshared fraction\tagnostic score\tQA seen\tQA held-out\tQA seen, shared off\tQA seen, random off\t")
	for _, b := range slices.Sorted(slices.Values(r.Settings.Budgets)) {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", b, ci(over(r, b, SharedRatio)),
			ci(over(r, b, func(m *ModelResult) float64 { return m.Neurons.SharedFraction() })), ci(over(r, b, AgnosticScore)),
			ci(over(r, b, func(m *ModelResult) float64 { s, _ := m.Ability.Mean(); return s })),
			ci(over(r, b, func(m *ModelResult) float64 { _, h := m.Ability.Mean(); return h })),
			ci(over(r, b, func(m *ModelResult) float64 { s, _ := m.AbilityShared.Mean(); return s })),
			ci(over(r, b, func(m *ModelResult) float64 { return randomSeen(m) })))
	}
	return tw.Flush()
}

// randomSeen is the seen-fact accuracy with a random set deactivated,
// averaged over the random sets.
func randomSeen(m *ModelResult) float64 {
	s := 0.0
	for _, a := range m.AbilityRandom {
		v, _ := a.Mean()
		s += v / float64(len(m.AbilityRandom))
	}
	return s
}

// WriteCompare prints the agreement of parallel and exact scores per
// component, averaged over every compared text and model.
func WriteCompare(w io.Writer, r *Results) error {
	var rows [multilingual.NumComponents][]multilingual.Agreement
	for _, m := range r.Models {
		for _, ag := range m.Compare {
			for c, a := range ag {
				rows[c] = append(rows[c], a)
			}
		}
	}
	if len(rows[0]) == 0 {
		_, err := fmt.Fprintln(w, "no comparison in these results")
		return err
	}
	for c, as := range rows {
		var sp, med, jac, worst []float64
		for _, a := range as {
			sp, med, jac, worst = append(sp, a.Spearman), append(med, a.MedianRatio), append(jac, a.TopJaccard), append(worst, a.MaxRelDiff)
		}
		fmt.Fprintf(w, "%-3s (%d texts): Spearman %.3f, median parallel/exact %.3f, largest relative difference %.2g, top-σ Jaccard %.2f\n",
			multilingual.Component(c), len(as), mean(sp), mean(med), slices.Max(worst), mean(jac))
	}
	return nil
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x / float64(len(xs))
	}
	return s
}

// WriteReleased prints, per budget, the shared set found with the
// released code's scores next to the paper's criterion's, and their
// overlap.
func WriteReleased(w io.Writer, r *Results) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "budget\t|shared| (deactivation)\t|shared| (released code)\tin both\tshared ratio (released code)\t")
	for _, b := range slices.Sorted(slices.Values(r.Settings.Budgets)) {
		if m, err := r.Model(r.Settings.Seeds[0], b); err != nil || m.Released == nil {
			continue
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t\n", b, ci(over(r, b, func(m *ModelResult) float64 { return float64(m.Neurons.Shared.Len()) })),
			ci(over(r, b, func(m *ModelResult) float64 { return float64(m.Released.Sizes.Shared) })),
			ci(over(r, b, func(m *ModelResult) float64 { return float64(m.Released.Overlap) })),
			ci(over(r, b, func(m *ModelResult) float64 { return m.Released.Sizes.Ratio() })))
	}
	return tw.Flush()
}

// WriteShared lists the shared units of the models of one budget, one
// line per seed.
func WriteShared(w io.Writer, r *Results, budget int) error {
	for _, seed := range r.Settings.Seeds {
		m, err := r.Model(seed, budget)
		if err != nil {
			return err
		}
		us := m.Neurons.Shared.Units()
		names := make([]string, len(us))
		for i, u := range us {
			names[i] = u.String()
		}
		fmt.Fprintf(w, "seed %d: %s\n", seed, strings.Join(names, " "))
	}
	return nil
}
