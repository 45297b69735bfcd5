package study

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/neuronb/neuronb/neuro/multilingual"
	"github.com/neuronb/neuronb/neuro/replicates"
	"github.com/neuronb/neuronb/widgets"
)

// bars draws grouped means (one group per category, one point per
// series, side by side) with 95% interval whiskers, all placed in data
// units so that each whisker sits on its point at any figure size.
func bars(categories, names []string, values [][]replicates.Summary, o *widgets.Options) (*widgets.Figure, error) {
	p := widgets.NewPlot(o)
	for s := range names {
		xy := make(plotter.XYs, len(categories))
		var yerr plotter.YErrors
		for c := range categories {
			v := values[s][c]
			xy[c].X, xy[c].Y = float64(c), v.Mean
			lo, hi := v.Mean-v.Lo, v.Hi-v.Mean
			if math.IsNaN(lo) || math.IsNaN(hi) {
				lo, hi = 0, 0
			}
			yerr = append(yerr, struct{ Low, High float64 }{lo, hi})
		}
		pts := offsetXYs(xy, float64(s)-float64(len(names)-1)/2, len(names))
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, fmt.Errorf("study: %w", err)
		}
		sc.GlyphStyle.Color, sc.GlyphStyle.Radius, sc.GlyphStyle.Shape = widgets.PaletteColor(s), vg.Points(4), draw.CircleGlyph{}
		eb, err := plotter.NewYErrorBars(struct {
			plotter.XYer
			plotter.YErrorer
		}{pts, yerr})
		if err != nil {
			return nil, fmt.Errorf("study: %w", err)
		}
		eb.LineStyle.Color = widgets.PaletteColor(s)
		p.Add(eb, sc)
		p.Legend.Add(names[s], sc)
	}
	p.NominalX(categories...)
	p.X.Min, p.X.Max = -0.5, float64(len(categories))-0.5
	return widgets.FromPlot(p, o)
}

// offsetXYs shifts the points of series k (centred: −(n−1)/2 … (n−1)/2)
// of n sideways within their category, by a fraction of a category.
func offsetXYs(xy plotter.XYs, k float64, n int) plotter.XYs {
	out := make(plotter.XYs, len(xy))
	for i, p := range xy {
		out[i].X, out[i].Y = p.X+k*0.8/float64(n+1), p.Y
	}
	return out
}

// LayerFigure draws, at one budget, the shared, exclusive and strictly
// unique units per layer (exclusive and strict: mean over languages), each
// the mean over seeds with its 95% interval: the paper's layer picture
// (App. C.2–C.3, Figs. 6–7).
func LayerFigure(r *Results, budget int) (*widgets.Figure, error) {
	layers := r.Models[0].Neurons.Shape.Layers
	var x []float64
	for l := 0; l < layers; l++ {
		x = append(x, float64(l))
	}
	series := make([][]replicates.Summary, 3)
	for k, sets := range []func(*ModelResult) []multilingual.UnitSet{
		func(m *ModelResult) []multilingual.UnitSet { return []multilingual.UnitSet{m.Neurons.Shared} },
		func(m *ModelResult) []multilingual.UnitSet { return m.Neurons.Exclusive },
		func(m *ModelResult) []multilingual.UnitSet { return m.Neurons.Strict }} {
		for l := 0; l < layers; l++ {
			series[k] = append(series[k], over(r, budget, func(m *ModelResult) float64 {
				return meanOf(sets(m), func(s multilingual.UnitSet) float64 { return float64(s.ByLayer()[l]) })
			}))
		}
	}
	return widgets.ErrorBars(x, series, &widgets.Options{Title: fmt.Sprintf("Language units per layer, %d steps (σ = %g%%, mean ± 95%% CI over %d seeds)", budget, r.Sigma, len(r.Settings.Seeds)),
		XLabel: "layer", YLabel: "units", Names: []string{"shared", "exclusive (mean over languages)", "strictly unique (mean over languages)"}, Width: 720, Height: 380})
}

// ComponentFigure draws, at one budget, the shared and exclusive units by
// component (the paper's Table 2).
func ComponentFigure(r *Results, budget int) (*widgets.Figure, error) {
	var cats []string
	vals := make([][]replicates.Summary, 2)
	for _, c := range multilingual.Components {
		cats = append(cats, c.String())
		vals[0] = append(vals[0], over(r, budget, func(m *ModelResult) float64 { return float64(m.Neurons.Shared.ByComponent()[c]) }))
		vals[1] = append(vals[1], over(r, budget, func(m *ModelResult) float64 {
			return meanOf(m.Neurons.Exclusive, func(s multilingual.UnitSet) float64 { return float64(s.ByComponent()[c]) })
		}))
	}
	return bars(cats, []string{"shared", "exclusive (mean over languages)"}, vals, &widgets.Options{
		Title:  fmt.Sprintf("Language units by component, %d steps (mean ± 95%% CI over seeds)", budget),
		XLabel: "component", YLabel: "units", Width: 720, Height: 380})
}

// EffectsFigure draws, at one budget, the rise of each language's log
// perplexity when the shared units, its own exclusive units or a random
// set of the shared set's size are deactivated (mean ± 95% CI over seeds;
// random: the mean of the random sets): the paper's Fig. 4.
func EffectsFigure(r *Results, budget int) (*widgets.Figure, error) {
	vals := make([][]replicates.Summary, 3)
	for li := range r.Languages {
		base := func(m *ModelResult) float64 { return m.Effects.Base[li] }
		vals[0] = append(vals[0], over(r, budget, func(m *ModelResult) float64 { return math.Log(m.Effects.Shared[li] / base(m)) }))
		vals[1] = append(vals[1], over(r, budget, func(m *ModelResult) float64 { return math.Log(m.Effects.Exclusive[li][li] / base(m)) }))
		vals[2] = append(vals[2], over(r, budget, func(m *ModelResult) float64 {
			s := 0.0
			for _, row := range m.Effects.Random {
				s += math.Log(row[li]/base(m)) / float64(len(m.Effects.Random))
			}
			return s
		}))
	}
	return bars(r.Languages, []string{"shared units off", "the language's exclusive units off", "random units off (shared set's counts)"}, vals, &widgets.Options{
		Title:  fmt.Sprintf("Deactivation effects per language, %d steps (mean ± 95%% CI over seeds)", budget),
		XLabel: "language evaluated", YLabel: "rise of log perplexity (nats per token)", Width: 720, Height: 400})
}

// TrendFigure draws a metric against the training budget (log scale),
// mean ± 95% CI over seeds: "ratio" (shared ratio), "score"
// (language-agnostic score) or "ability" (question answering on seen and
// held-out facts): the paper's Figs. 3 and 5 with budget for model
// generation.
func TrendFigure(r *Results, metric string) (*widgets.Figure, error) {
	budgets := slices.Sorted(slices.Values(r.Settings.Budgets))
	var x []float64
	for _, b := range budgets {
		x = append(x, float64(b))
	}
	col := func(f func(*ModelResult) float64) []replicates.Summary {
		var out []replicates.Summary
		for _, b := range budgets {
			out = append(out, over(r, b, f))
		}
		return out
	}
	o := &widgets.Options{XLabel: "training budget (Adam steps, log scale)", LogX: true, Width: 640, Height: 360}
	var series [][]replicates.Summary
	switch metric {
	case "ratio":
		series, o.Names = [][]replicates.Summary{col(SharedRatio)}, []string{"shared ratio |N_shared| / mean |N_ℓ|"}
		o.Title, o.YLabel = "Shared ratio against training budget", "shared ratio"
	case "score":
		series, o.Names = [][]replicates.Summary{col(AgnosticScore)}, []string{"log(1 + mean Imp^ℓ)"}
		o.Title, o.YLabel = "Language-agnostic score against training budget (log 2: shared = exclusive per unit)", "language-agnostic score"
	case "ability":
		series = [][]replicates.Summary{col(func(m *ModelResult) float64 { s, _ := m.Ability.Mean(); return s }),
			col(func(m *ModelResult) float64 { _, h := m.Ability.Mean(); return h })}
		o.Names, o.Title, o.YLabel = []string{"facts seen in the language", "facts held out of the language"}, "Question answering against training budget (chance 1/6)", "accuracy"
	default:
		return nil, fmt.Errorf("study: TrendFigure: metric %q, want ratio, score or ability", metric)
	}
	// Budgets where a metric is defined for no seed are left out.
	var keep []int
	for i := range x {
		if !slices.ContainsFunc(series, func(s []replicates.Summary) bool { return s[i].N == 0 }) {
			keep = append(keep, i)
		}
	}
	if len(keep) == 0 {
		return nil, fmt.Errorf("study: TrendFigure: %s is defined for no model", metric)
	}
	xk, sk := make([]float64, len(keep)), make([][]replicates.Summary, len(series))
	for j, i := range keep {
		xk[j] = x[i]
		for s := range series {
			sk[s] = append(sk[s], series[s][i])
		}
	}
	return widgets.ErrorBars(xk, sk, o)
}

// CompareFigure draws every unit's exact score (layer output) against its
// parallel score (module output) on one input, log10 both, coloured by
// component: FFN units lie on the diagonal.
func CompareFigure(par, exact multilingual.Importance) (*widgets.Figure, error) {
	var x, y, c []float64
	for l := range par {
		for k := range par[l] {
			for i, v := range par[l][k] {
				if v > 0 && exact[l][k][i] > 0 {
					x, y, c = append(x, math.Log10(exact[l][k][i])), append(y, math.Log10(v)), append(c, float64(k))
				}
			}
		}
	}
	return widgets.Scatter(x, y, c, &widgets.Options{Title: "Parallel form (module output) against exact deactivation (layer output), every unit",
		XLabel: "log10 exact ‖ΔY_layer‖", YLabel: "log10 parallel ‖ΔY_module‖", Scale: widgets.Categorical, Names: []string{"Q", "K", "V", "O", "FFN"}, Width: 560, Height: 460})
}
