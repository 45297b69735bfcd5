package widgets

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/neuronb/neuronb/neuro/replicates"
)

// ErrorBars draws results replicated over seeds or draws against a shared
// x as a static figure: for each series the means joined by a line with a
// marker at each point, and an error bar over the 95% t interval of the
// mean (Summary.Lo to Summary.Hi). series[k][j] summarises series k at
// x[j] (replicates.Columns makes it from a replicate × point table); a
// series may be shorter than x (missing points at the end). o.Names names
// the series; o.Dashed dashes reference series.
//
// o.LogX and o.LogY put that axis on a log scale, as for a sweep over the
// number of neurons or training trials: x must then be positive, and on a
// log y every mean must be positive and a bar's lower end is drawn no lower
// than a tenth of its mean. Defaults: XLabel "x", YLabel "mean (95% CI)".
func ErrorBars(x []float64, series [][]replicates.Summary, o *Options) (*Figure, error) {
	r, err := o.resolved(DefaultWidth, DefaultHeight)
	if err != nil {
		return nil, err
	}
	logX, logY := r.LogX, r.LogY
	if len(series) == 0 {
		return nil, fmt.Errorf("widgets: ErrorBars: series is empty")
	}
	if len(x) == 0 {
		return nil, fmt.Errorf("widgets: ErrorBars: x is empty")
	}
	if len(r.Names) > len(series) || len(r.Dashed) > len(series) {
		return nil, fmt.Errorf("widgets: ErrorBars: Options has %d names and %d dashed flags for %d series", len(r.Names), len(r.Dashed), len(series))
	}
	for j, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) || (logX && v <= 0) {
			return nil, fmt.Errorf("widgets: ErrorBars: x[%d] = %v, want a finite value%s", j, v, map[bool]string{true: " > 0 (log x axis)"}[logX])
		}
	}
	p := newPlot(&r, "x", "mean (95% CI)")
	if logX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	if logY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "ErrorBars (mean and 95%% t interval against %s)", orDefault(r.XLabel, "x"))
	if r.Title != "" {
		fmt.Fprintf(&b, " %q", r.Title)
	}
	names := make([]string, len(series))
	for k := range series {
		names[k] = r.name(k, "series")
	}
	colours := sharedColours(names)
	legend := map[string]bool{}
	for k, s := range series {
		if len(s) > len(x) {
			return nil, fmt.Errorf("widgets: ErrorBars: series[%d] has %d points for %d x values", k, len(s), len(x))
		}
		xy := make(plotter.XYs, 0, len(s))
		var errs plotter.YErrors
		fmt.Fprintf(&b, "\n%s:", names[k])
		for j, sm := range s {
			if math.IsNaN(sm.Mean) || math.IsInf(sm.Mean, 0) || sm.Lo > sm.Mean || sm.Hi < sm.Mean || (logY && sm.Mean <= 0) {
				return nil, fmt.Errorf("widgets: ErrorBars: series[%d][%d]: mean %v with interval [%v, %v], want a finite mean inside its interval%s",
					k, j, sm.Mean, sm.Lo, sm.Hi, map[bool]string{true: " and > 0 (log y axis)"}[logY])
			}
			low := sm.Mean - sm.Lo
			if logY {
				low = math.Min(low, 0.9*sm.Mean)
			}
			xy = append(xy, plotter.XY{X: x[j], Y: sm.Mean})
			errs = append(errs, struct{ Low, High float64 }{low, sm.Hi - sm.Mean})
			fmt.Fprintf(&b, " %.4g→%.4g [%.4g, %.4g] n=%d;", x[j], sm.Mean, sm.Lo, sm.Hi, sm.N)
		}
		if len(xy) == 0 {
			continue
		}
		col := paletteColor(colours[k])
		l, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, fmt.Errorf("widgets: ErrorBars: %w", err)
		}
		l.LineStyle = LineStyle(colours[k], k < len(r.Dashed) && r.Dashed[k])
		pts.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
		bars, err := plotter.NewYErrorBars(struct {
			plotter.XYs
			plotter.YErrors
		}{xy, errs})
		if err != nil {
			return nil, fmt.Errorf("widgets: ErrorBars: %w", err)
		}
		bars.LineStyle.Color, bars.LineStyle.Width = col, vg.Points(1.2)
		p.Add(l, pts, bars)
		if !legend[names[k]] && (len(series) > 1 || len(r.Names) > 0) {
			p.Legend.Add(names[k], l, pts)
			legend[names[k]] = true
		}
	}
	p.Legend.Left = false
	pad(&p.X, logX)
	pad(&p.Y, logY)
	if len(x) <= 12 {
		ticks := make([]plot.Tick, len(x))
		for j, v := range x {
			ticks[j] = plot.Tick{Value: v, Label: fmt.Sprintf("%.4g", v)}
		}
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
	}
	f := newStaticFigure("errorbars", &r, b.String(), drawPlot(p))
	f.plot = p
	return f, nil
}

// pad widens an axis by 6% of its range on each side (of its log range on
// a log axis) so that markers and bar caps at the ends are not cut.
func pad(a *plot.Axis, log bool) {
	if log && a.Min > 0 {
		f := math.Pow(a.Max/a.Min, 0.06)
		if f == 1 {
			f = 1.1
		}
		a.Min, a.Max = a.Min/f, a.Max*f
		return
	}
	d := 0.06 * (a.Max - a.Min)
	if d == 0 {
		d = 0.1 * math.Max(math.Abs(a.Max), 1)
	}
	a.Min, a.Max = a.Min-d, a.Max+d
}
