package widgets

import (
	"fmt"
	"math"
	"strings"
)

// Lines draws several series against a shared x as an interactive line
// chart with a legend (hover for values, wheel to zoom x, legend to toggle
// series). x nil means x = 0, 1, 2, …; otherwise every series has len(x)
// points and x is finite and non-decreasing. NaN in a series is a gap.
//
// o.Dashed marks reference series (ground truth, observations, a
// baseline) drawn dashed; series sharing a name share a colour and a legend
// entry, so a fit and its reference named alike are drawn in one colour and
// toggled together, and o.DashedLabel adds a legend entry saying what the
// dashed lines are. o.Static draws the chart with gonum/plot instead (a
// PNG for saved figures, every point drawn, legend beside the plot).
//
// Series longer than o.MaxPoints are reduced for display (o.Downsample,
// LTTB by default) and the figure says so; ys is never modified.
// Defaults: XLabel "x", YLabel "value", Names "series 1", ….
func Lines(x []float64, ys [][]float64, o *Options) (*Figure, error) {
	r, err := o.resolved(DefaultWidth, DefaultHeight)
	if err != nil {
		return nil, err
	}
	if err := checkSeries("Lines", x, ys, "ys", r.Names, "series"); err != nil {
		return nil, err
	}
	if len(r.Dashed) > len(ys) {
		return nil, fmt.Errorf("widgets: Lines: Options.Dashed has %d entries for %d series", len(r.Dashed), len(ys))
	}
	names := make([]string, len(ys))
	for i := range ys {
		names[i] = r.name(i, "series")
	}
	colours := sharedColours(names)
	if r.Static {
		curves := make([]curve, len(ys))
		for i, y := range ys {
			curves[i] = curve{name: names[i], y: y, colour: colours[i], dashed: r.dashed(i)}
		}
		return staticLines("lines", "Lines", x, curves, &r, "x", "value")
	}
	series := make([]any, 0, len(ys)+1)
	shown := 0
	for i, y := range ys {
		idx := displayIndices(&r, x, y)
		shown = max(shown, len(idx))
		series = append(series, lineSeries(names[i], idx, x, y, colours[i], r.dashed(i)))
	}
	opt, note := lineChartOption(&r, series, names, ys, shown, "x", "value", ys)
	return newOptionFigure("lines", &r, opt, describeLines("Lines", &r, x, ys, names, note))
}

// lineChartOption assembles the ECharts option Lines, Bands and PSTH share:
// the legend (with the dashed-series key), value axes named by the caller or
// the chart's defaults, zoom inside the plot, and axis names fitted to the
// range of all the values drawn. ys are the series the downsampling note counts.
func lineChartOption(r *Options, series []any, names []string, ys [][]float64, shown int, xName, yName string, all [][]float64) (opt map[string]any, note string) {
	legend := uniqueNames(names)
	if r.DashedLabel != "" {
		series = append(series, dashedKeySeries(r.DashedLabel))
		legend = append(legend, r.DashedLabel)
	}
	note = downsampleNote(r, ys, shown)
	opt = baseOption(r, note, legend)
	opt["xAxis"] = valueAxis(orDefault(r.XLabel, xName), 30)
	opt["yAxis"] = valueAxis(orDefault(r.YLabel, yName), 50)
	opt["dataZoom"] = insideZoom()
	opt["series"] = series
	ylo, yhi := finiteRange(all...)
	fitAxisNames(opt, r, ylo, yhi)
	return opt, note
}

// dashed reports whether series i is marked dashed.
func (o *Options) dashed(i int) bool { return i < len(o.Dashed) && o.Dashed[i] }

// sharedColours gives every distinct name the next Palette index, in order
// of first appearance, so series sharing a name share a colour.
func sharedColours(names []string) []int {
	idx := map[string]int{}
	out := make([]int, len(names))
	for i, n := range names {
		k, ok := idx[n]
		if !ok {
			k = len(idx)
			idx[n] = k
		}
		out[i] = k
	}
	return out
}

// uniqueNames returns names without repeats, in order of first appearance.
func uniqueNames(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// dashedKeySeries is an empty black dashed series whose only purpose is a
// legend entry saying what the dashed lines are.
func dashedKeySeries(label string) map[string]any {
	return map[string]any{
		"type": "line", "name": label, "showSymbol": false, "color": "#000000",
		"lineStyle": map[string]any{"width": 1.5, "type": "dashed"}, "data": []any{},
	}
}

// checkSeries validates a shared x against the series ys.
func checkSeries(fn string, x []float64, ys [][]float64, arg string, names []string, kind string) error {
	if len(ys) == 0 {
		return fmt.Errorf("widgets: %s: %s has no %s", fn, arg, kind)
	}
	if len(names) > len(ys) {
		return fmt.Errorf("widgets: %s: Options.Names has %d names for %d %s", fn, len(names), len(ys), kind)
	}
	for i, y := range ys {
		if len(y) == 0 {
			return fmt.Errorf("widgets: %s: %s[%d] is empty", fn, arg, i)
		}
		if x != nil && len(y) != len(x) {
			return fmt.Errorf("widgets: %s: %s[%d] has %d points, x has %d", fn, arg, i, len(y), len(x))
		}
	}
	return checkAxis(fn, x)
}

// checkAxis requires x finite and non-decreasing.
func checkAxis(fn string, x []float64) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("widgets: %s: x[%d] = %v, want a finite value", fn, i, v)
		}
		if i > 0 && v < x[i-1] {
			return fmt.Errorf("widgets: %s: x decreases at index %d (%v after %v); sort it first", fn, i, v, x[i-1])
		}
	}
	return nil
}

// displayIndices picks the points of y that are drawn.
func displayIndices(o *Options, x, y []float64) []int {
	if o.MaxPoints < 0 || len(y) <= o.MaxPoints {
		return allIndices(len(y))
	}
	return o.Downsample.Indices(x, y, o.MaxPoints)
}

func downsampleNote(o *Options, ys [][]float64, shown int) string {
	longest := 0
	for _, y := range ys {
		longest = max(longest, len(y))
	}
	if shown >= longest {
		return ""
	}
	return fmt.Sprintf("display: %s of %s points per series (%s); data unchanged", thousands(shown), thousands(longest), o.Downsample)
}

// thousands formats n with comma separators: 100000 → "100,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func lineSeries(name string, idx []int, x, y []float64, colour int, dashed bool) map[string]any {
	xf := func(i int) float64 { return float64(i) }
	if x != nil {
		xf = func(i int) float64 { return x[i] }
	}
	style := map[string]any{"width": 1.5}
	if dashed {
		style["type"] = "dashed"
	}
	return map[string]any{
		// A line needs two points; a lone point is drawn as its marker.
		"type": "line", "name": name, "showSymbol": len(idx) < 2, "symbolSize": 4,
		"color":     Palette[colour%len(Palette)],
		"lineStyle": style,
		"data":      pointsJSON(idx, xf, func(i int) float64 { return y[i] }),
	}
}

func describeLines(kind string, o *Options, x []float64, ys [][]float64, names []string, note string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", kind)
	if o.Title != "" {
		fmt.Fprintf(&b, " %q", o.Title)
	}
	n := len(ys[0])
	fmt.Fprintf(&b, ": %d series × %d points", len(ys), n)
	if note != "" {
		fmt.Fprintf(&b, " (%s)", note)
	}
	xlo, xhi := 0.0, float64(n-1)
	if x != nil {
		xlo, xhi = x[0], x[len(x)-1]
	}
	ylo, yhi := finiteRange(ys...)
	fmt.Fprintf(&b, "\nx: %s in [%.4g, %.4g]\ny: %s in [%.4g, %.4g]\nseries: %s",
		orDefault(o.XLabel, "x"), xlo, xhi, orDefault(o.YLabel, "value"), ylo, yhi, strings.Join(names, ", "))
	var dashed []string
	for i, n := range names {
		if o.dashed(i) {
			dashed = append(dashed, n)
		}
	}
	if len(dashed) > 0 {
		fmt.Fprintf(&b, "\ndashed")
		if o.DashedLabel != "" {
			fmt.Fprintf(&b, " (%s)", o.DashedLabel)
		}
		fmt.Fprintf(&b, ": %s", strings.Join(dashed, ", "))
	}
	return b.String()
}
