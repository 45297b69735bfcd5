package study

import (
	"fmt"

	"github.com/neuronb/neuronb/neuro/replicates"
	"github.com/neuronb/neuronb/widgets"
)

// CausalEffectFigure draws C (graded: the graded C) against the percentage
// of neurons patched on a log axis for the IA3 and Full curves of r: solid
// the top neurons, dashed the random controls' mean with its 95% t
// interval over seeds.
func CausalEffectFigure(r *Results, graded bool) (*widgets.Figure, error) {
	var x []float64
	var series [][]replicates.Summary
	var names []string
	var dashed []bool
	for _, v := range []struct{ key, name string }{{"ia3", "(a) (IA)³-aligned"}, {"full", "(b) fully fine-tuned"}} {
		c, ok := r.Variants[v.key]
		if !ok {
			return nil, fmt.Errorf("study: no %s curve", v.key)
		}
		xs, s, err := ErrorBarSeries(c, graded)
		if err != nil {
			return nil, err
		}
		x, series = xs, append(series, s...)
		names, dashed = append(names, v.name, v.name), append(dashed, false, true)
	}
	y := "causal effect C (first-word judge)"
	if graded {
		y = "graded causal effect (log p(sure) − log p(sorry))"
	}
	return widgets.ErrorBars(x, series, &widgets.Options{Title: fmt.Sprintf("Patching top neurons (solid) vs random neurons, same counts (dashed, mean ± 95%% CI, %d seeds)", len(r.Settings.Seeds)),
		XLabel: "neurons patched, k (% of all 576, log scale)", YLabel: y, Names: names, Dashed: dashed, LogX: true, Width: 760, Height: 420})
}

// SweepFigure draws the top neurons' C against the percentage patched for
// every swept (IA)³ learning rate.
func SweepFigure(r *Results) (*widgets.Figure, error) {
	x, series, names, err := SweepSeries(r)
	if err != nil {
		return nil, err
	}
	return widgets.ErrorBars(x, series, &widgets.Options{Title: "(IA)³ alignment: top neurons' causal effect by learning rate",
		XLabel: "neurons patched, k (% of all 576, log scale)", YLabel: "causal effect C", Names: names, LogX: true, Width: 760, Height: 420})
}
