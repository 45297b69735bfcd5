package widgets

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// curve is one series of a static line chart, with an optional band.
type curve struct {
	name         string
	y            []float64
	lower, upper []float64 // both nil: no band
	colour       int       // Palette index
	dashed       bool
}

// dashPattern is the dash of reference series: 5 pt on, 3 pt off.
var dashPattern = []vg.Length{vg.Points(5), vg.Points(3)}

// LineStyle is the style of series i in this package's static line
// charts: Palette colour i, 1.5 pt wide, and dashed (5 pt on, 3 pt off)
// for a reference series. Use it for lines added to a NewPlot or to
// Figure.Plot so they match.
func LineStyle(i int, dashed bool) draw.LineStyle { return lineStyle(i, dashed) }

// lineStyle is the house style of a series line.
func lineStyle(colour int, dashed bool) draw.LineStyle {
	sty := draw.LineStyle{Color: paletteColor(colour), Width: vg.Points(1.5)}
	if dashed {
		sty.Dashes = dashPattern
	}
	return sty
}

// staticLines draws curves against x (nil: 0, 1, …) with gonum/plot: bands
// first (light, behind), then lines in order, NaN breaking a line; the
// legend, beside the plot, has one entry per distinct name (plus
// o.DashedLabel), shown when there is more than one name, names were given
// or a dashed label was asked for.
func staticLines(kind, fn string, x []float64, curves []curve, o *Options, xdef, ydef string) (*Figure, error) {
	p := newPlot(o, xdef, ydef)
	xs := x
	if xs == nil {
		xs = make([]float64, len(curves[0].y))
		for i := range xs {
			xs[i] = float64(i)
		}
	}
	for _, c := range curves {
		if c.lower == nil {
			continue
		}
		for _, poly := range bandPolygons(xs, c.lower, c.upper) {
			pg, err := plotter.NewPolygon(poly)
			if err != nil {
				return nil, fmt.Errorf("widgets: %s: %w", fn, err)
			}
			col := paletteColor(c.colour)
			col.A = 56
			pg.Color, pg.LineStyle.Width = col, 0
			p.Add(pg)
		}
	}
	legend := newSideLegend("")
	seen := map[string]bool{}
	for _, c := range curves {
		sty := lineStyle(c.colour, c.dashed)
		for _, seg := range finiteSegments(xs, c.y) {
			l, err := plotter.NewLine(seg)
			if err != nil {
				return nil, fmt.Errorf("widgets: %s: %w", fn, err)
			}
			l.LineStyle = sty
			p.Add(l)
		}
		if !seen[c.name] {
			seen[c.name] = true
			var thumbs []plot.Thumbnailer
			if c.lower != nil {
				col := paletteColor(c.colour)
				col.A = 56
				thumbs = append(thumbs, bandThumb{colour: col})
			}
			legend.add(c.name, append(thumbs, lineThumb{style: sty})...)
		}
	}
	if o.DashedLabel != "" {
		legend.add(o.DashedLabel, lineThumb{style: draw.LineStyle{Color: color.Black, Width: vg.Points(1.5), Dashes: dashPattern}})
	}
	ys := make([][]float64, len(curves))
	for i, c := range curves {
		ys[i] = c.y
	}
	text := describeLines(fn, o, x, ys, curveNames(curves), "")
	var banded []string
	for _, c := range curves {
		if c.lower != nil {
			banded = append(banded, c.name)
		}
	}
	if len(banded) > 0 {
		text += "\nshaded bands: " + strings.Join(banded, ", ")
	}
	d := drawPlot(p)
	if len(seen) > 1 || len(o.Names) > 0 || o.DashedLabel != "" {
		d = func(c draw.Canvas) { drawWithLegend(c, p, legend) }
	}
	f := newStaticFigure(kind, o, text, d)
	f.plot = p
	return f, nil
}

func curveNames(curves []curve) []string {
	out := make([]string, len(curves))
	for i, c := range curves {
		out[i] = c.name
	}
	return out
}

// finiteSegments splits a series at NaN into runs of finite points.
func finiteSegments(x, y []float64) []plotter.XYs {
	var segs []plotter.XYs
	var cur plotter.XYs
	for i := range y {
		if math.IsNaN(y[i]) {
			if len(cur) > 0 {
				segs = append(segs, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, plotter.XY{X: x[i], Y: y[i]})
	}
	if len(cur) > 0 {
		segs = append(segs, cur)
	}
	return segs
}

// bandPolygons returns the outline of the band lower..upper over each run
// of points where both are finite.
func bandPolygons(x, lower, upper []float64) []plotter.XYs {
	var polys []plotter.XYs
	start := -1
	flush := func(end int) {
		if start < 0 || end-start < 2 {
			start = -1
			return
		}
		var pts plotter.XYs
		for i := start; i < end; i++ {
			pts = append(pts, plotter.XY{X: x[i], Y: lower[i]})
		}
		for i := end - 1; i >= start; i-- {
			pts = append(pts, plotter.XY{X: x[i], Y: upper[i]})
		}
		polys = append(polys, pts)
		start = -1
	}
	for i := range x {
		if math.IsNaN(lower[i]) || math.IsNaN(upper[i]) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(x))
	return polys
}
