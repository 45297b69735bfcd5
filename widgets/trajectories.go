package widgets

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Trajectories draws 2-D latent trajectories as an interactive chart, one
// curve per trial coloured by its condition, with a dot at each start. Trial
// i is a T_i × d matrix (d ≥ 2, one row per time step); its first two
// columns are drawn. condition[i] in [0, C) picks trial i's colour and
// legend entry o.Names[condition[i]] (default "condition c+1"); nil puts
// every trial in one condition. Clicking a legend entry hides that
// condition. Trials longer than o.MaxPoints are thinned evenly for display.
// Defaults: XLabel "latent 1", YLabel "latent 2".
func Trajectories(trials []mat.Matrix, condition []int, o *Options) (*Figure, error) {
	r, err := o.resolved(DefaultWidth, DefaultHeight)
	if err != nil {
		return nil, err
	}
	if len(trials) == 0 {
		return nil, fmt.Errorf("widgets: Trajectories: trials is empty")
	}
	if condition != nil && len(condition) != len(trials) {
		return nil, fmt.Errorf("widgets: Trajectories: condition has %d entries for %d trials", len(condition), len(trials))
	}
	nCond := 1
	for i, c := range condition {
		if c < 0 {
			return nil, fmt.Errorf("widgets: Trajectories: condition[%d] = %d, want ≥ 0", i, c)
		}
		nCond = max(nCond, c+1)
	}
	if len(r.Names) > nCond {
		return nil, fmt.Errorf("widgets: Trajectories: Options.Names has %d names for %d conditions", len(r.Names), nCond)
	}
	names := make([]string, nCond)
	for c := range names {
		names[c] = r.name(c, "condition")
	}
	var series []any
	var starts []any
	thinned, longest := false, 0
	for i, tr := range trials {
		if tr == nil {
			return nil, fmt.Errorf("widgets: Trajectories: trials[%d] is nil", i)
		}
		T, d := tr.Dims()
		if T == 0 || d < 2 {
			return nil, fmt.Errorf("widgets: Trajectories: trials[%d] is %d×%d, want T×d with T ≥ 1, d ≥ 2", i, T, d)
		}
		for t := 0; t < T; t++ {
			for j := 0; j < 2; j++ {
				if v := tr.At(t, j); math.IsInf(v, 0) {
					return nil, fmt.Errorf("widgets: Trajectories: trials[%d] row %d column %d is %v", i, t, j, v)
				}
			}
		}
		longest = max(longest, T)
		idx := allIndices(T)
		if r.MaxPoints > 0 && T > r.MaxPoints {
			idx = evenIndices(T, r.MaxPoints)
			thinned = true
		}
		c := 0
		if condition != nil {
			c = condition[i]
		}
		colour := Palette[c%len(Palette)]
		series = append(series, map[string]any{
			"type": "line", "name": names[c], "showSymbol": false, "color": colour,
			"triggerLineEvent": true, "emphasis": map[string]any{"focus": "series"},
			"lineStyle": map[string]any{"width": 1.5, "opacity": 0.75},
			"data": pointsJSON(idx, func(k int) float64 { return tr.At(k, 0) },
				func(k int) float64 { return tr.At(k, 1) }),
		})
		if x0, y0 := tr.At(0, 0), tr.At(0, 1); !math.IsNaN(x0) && !math.IsNaN(y0) {
			starts = append(starts, map[string]any{
				"value":     []float64{x0, y0},
				"itemStyle": map[string]any{"color": colour, "borderColor": "#000", "borderWidth": 1},
			})
		}
	}
	series = append(series, map[string]any{
		"type": "scatter", "name": "start", "symbolSize": 8, "z": 4, "color": "#000", "data": starts,
	})
	note := ""
	if thinned {
		note = fmt.Sprintf("display: every trial thinned to ≤%s of up to %s steps; data unchanged", thousands(r.MaxPoints), thousands(longest))
	}
	opt := baseOption(&r, note, append(append([]string{}, names...), "start"))
	opt["tooltip"] = map[string]any{"trigger": "item", "confine": true}
	opt["xAxis"] = valueAxis(orDefault(r.XLabel, "latent 1"), 30)
	opt["yAxis"] = valueAxis(orDefault(r.YLabel, "latent 2"), 50)
	opt["series"] = series
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for _, tr := range trials {
		T, _ := tr.Dims()
		for t := 0; t < T; t++ {
			if v := tr.At(t, 1); !math.IsNaN(v) {
				ylo, yhi = math.Min(ylo, v), math.Max(yhi, v)
			}
		}
	}
	if ylo > yhi {
		ylo, yhi = math.NaN(), math.NaN()
	}
	fitAxisNames(opt, &r, ylo, yhi)
	var b strings.Builder
	fmt.Fprintf(&b, "Trajectories")
	if r.Title != "" {
		fmt.Fprintf(&b, " %q", r.Title)
	}
	fmt.Fprintf(&b, ": %d trials, %d conditions (%s), up to %d steps", len(trials), nCond, strings.Join(names, ", "), longest)
	if note != "" {
		fmt.Fprintf(&b, " (%s)", note)
	}
	fmt.Fprintf(&b, "\nx: %s, y: %s; dots mark the starts", orDefault(r.XLabel, "latent 1"), orDefault(r.YLabel, "latent 2"))
	return newOptionFigure("trajectories", &r, opt, b.String())
}

// evenIndices returns about n evenly spaced indices of 0..N-1, always
// including the last.
func evenIndices(N, n int) []int {
	idx := make([]int, 0, n)
	for k := 0; k < n-1; k++ {
		idx = append(idx, k*(N-1)/(n-1))
	}
	return append(idx, N-1)
}
