package widgets

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Scatter draws the points (x[i], y[i]) as a static scatter plot, each
// point coloured by its value c[i] (nil c: every point in Palette colour 0).
// o.Scale says how values become colours:
//   - Sequential (the default): viridis over [min, max] of c, with a colour
//     bar. For magnitudes: speed, time in trial, firing rate.
//   - Diverging: RdBu symmetric about zero, with a colour bar. For signed
//     values: residuals, differences.
//   - Cyclic: twilight over one period, o.ColorRange, by default [0, 2π)
//     for angles in radians (values outside are wrapped), with a colour bar
//     labelled in multiples of π. For headings, phases, directions.
//   - Categorical: c[i] ∈ {0, 1, 2, …} picks Palette colour c[i] (cycling
//     after eight) and a legend names the classes by o.Names (default
//     "class 1", …). For conditions, trial types, clusters.
//
// o.ColorRange fixes the ends of a continuous scale and o.ColorLabel labels
// the colour bar or the legend. Points are drawn in the order given (later
// points on top) as filled discs whose radius shrinks with their number,
// from 3 pt (up to 100 points) to 1 pt (10⁵ and more), so dense clouds stay
// readable. A point whose x or y is NaN is left out and a NaN value is drawn
// grey, both counted in the text; ±Inf is an error. It stays fast for 10⁵
// points: discs are rasterised straight into the figure's pixels (with
// exact anti-aliasing), not stroked one path at a time.
// Defaults: XLabel "x", YLabel "y".
func Scatter(x, y, c []float64, o *Options) (*Figure, error) {
	r, err := o.resolved(DefaultWidth, DefaultHeight)
	if err != nil {
		return nil, err
	}
	if r.Scale == 0 {
		r.Scale = Sequential
	}
	if len(x) == 0 {
		return nil, fmt.Errorf("widgets: Scatter: x is empty")
	}
	if len(y) != len(x) {
		return nil, fmt.Errorf("widgets: Scatter: y has %d points, x has %d", len(y), len(x))
	}
	if c != nil && len(c) != len(x) {
		return nil, fmt.Errorf("widgets: Scatter: c has %d values for %d points", len(c), len(x))
	}
	for _, v := range []struct {
		name string
		s    []float64
	}{{"x", x}, {"y", y}, {"c", c}} {
		for i, val := range v.s {
			if math.IsInf(val, 0) {
				return nil, fmt.Errorf("widgets: Scatter: %s[%d] = %v, want a finite value (or NaN)", v.name, i, val)
			}
		}
	}
	sp := &scatterPlotter{x: x, y: y, colours: make([]color.NRGBA, len(x)), radius: discRadius(len(x))}
	sp.xmin, sp.xmax, sp.ymin, sp.ymax = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	shown := 0
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) {
			continue
		}
		shown++
		sp.xmin, sp.xmax = math.Min(sp.xmin, x[i]), math.Max(sp.xmax, x[i])
		sp.ymin, sp.ymax = math.Min(sp.ymin, y[i]), math.Max(sp.ymax, y[i])
	}
	if shown == 0 {
		return nil, fmt.Errorf("widgets: Scatter: no point has finite x and y (all %d have a NaN)", len(x))
	}
	p := newPlot(&r, "x", "y")
	p.Add(sp)
	var b strings.Builder
	fmt.Fprintf(&b, "Scatter")
	if r.Title != "" {
		fmt.Fprintf(&b, " %q", r.Title)
	}
	fmt.Fprintf(&b, ": %s points, %s in [%.4g, %.4g], %s in [%.4g, %.4g]", thousands(shown),
		orDefault(r.XLabel, "x"), sp.xmin, sp.xmax, orDefault(r.YLabel, "y"), sp.ymin, sp.ymax)
	if shown < len(x) {
		fmt.Fprintf(&b, "; %s with a NaN coordinate left out", thousands(len(x)-shown))
	}
	d := drawPlot(p)
	switch {
	case c == nil:
		for i := range sp.colours {
			sp.colours[i] = paletteColor(0)
		}
	case r.Scale == Categorical:
		leg, desc, err := categoricalColours(c, &r, sp)
		if err != nil {
			return nil, err
		}
		b.WriteString(desc)
		d = func(cv draw.Canvas) { drawWithLegend(cv, p, leg) }
	default:
		lo, hi := finiteRange(c)
		cm := scaleIn(r.Scale, lo, hi, r.ColorRange)
		nan := 0
		for i, v := range c {
			if math.IsNaN(v) {
				sp.colours[i] = nanColor
				nan++
				continue
			}
			sp.colours[i] = cm.colorOf(v)
		}
		fmt.Fprintf(&b, "\ncolour: %s in [%.4g, %.4g], %s scale [%.4g, %.4g]",
			orDefault(r.ColorLabel, "value"), lo, hi, scaleName(r.Scale, r.ColorRange), cm.min, cm.max)
		if cm.cyclic {
			b.WriteString(" (wrapped)")
		}
		if nan > 0 {
			fmt.Fprintf(&b, "; %s NaN values (grey)", thousands(nan))
		}
		bar := colorBar{cm: cm, label: r.ColorLabel}
		d = func(cv draw.Canvas) { drawWithColorBar(cv, p, bar) }
	}
	f := newStaticFigure("scatter", &r, b.String(), d)
	f.plot = p
	return f, nil
}

// maxClasses bounds the classes of a categorical scatter (each is a legend
// entry).
const maxClasses = 64

// categoricalColours colours the points by class and returns the legend and
// the text describing the classes.
func categoricalColours(c []float64, o *Options, sp *scatterPlotter) (*sideLegend, string, error) {
	counts := map[int]int{}
	nClass, nan := 0, 0
	for i, v := range c {
		if math.IsNaN(v) {
			sp.colours[i] = nanColor
			nan++
			continue
		}
		if v < 0 || v != math.Trunc(v) || v >= maxClasses {
			return nil, "", fmt.Errorf("widgets: Scatter: c[%d] = %v, want a class 0, 1, …, %d (Categorical scale)", i, v, maxClasses-1)
		}
		k := int(v)
		sp.colours[i] = paletteColor(k)
		counts[k]++
		nClass = max(nClass, k+1)
	}
	if len(o.Names) > nClass {
		return nil, "", fmt.Errorf("widgets: Scatter: Options.Names has %d names for %d classes", len(o.Names), nClass)
	}
	leg := newSideLegend(o.ColorLabel)
	var b strings.Builder
	fmt.Fprintf(&b, "\ncolour: %d classes", nClass)
	if o.ColorLabel != "" {
		fmt.Fprintf(&b, " of %s", o.ColorLabel)
	}
	var parts []string
	for k := 0; k < nClass; k++ {
		name := o.name(k, "class")
		leg.add(name, discThumb{colour: paletteColor(k), radius: vg.Points(3)})
		parts = append(parts, fmt.Sprintf("%s (%s points)", name, thousands(counts[k])))
	}
	fmt.Fprintf(&b, ": %s", strings.Join(parts, ", "))
	if nClass > len(Palette) {
		fmt.Fprintf(&b, "; colours repeat after %d classes", len(Palette))
	}
	if nan > 0 {
		fmt.Fprintf(&b, "; %s NaN values (grey)", thousands(nan))
	}
	return leg, b.String(), nil
}

// discRadius is the radius of a scatter point for n points: 3 pt up to 100
// points, 1 pt from 10⁵, log-linear in between.
func discRadius(n int) vg.Length {
	l := math.Log10(math.Max(float64(n), 1))
	return vg.Points(math.Min(3, math.Max(1, 3-2*(l-2)/3)))
}

// scatterPlotter draws coloured discs.
type scatterPlotter struct {
	x, y                   []float64
	colours                []color.NRGBA
	radius                 vg.Length
	xmin, xmax, ymin, ymax float64
}

// DataRange implements plot.DataRanger over the points with finite
// coordinates; a single point or a line of points gets a unit-wide range.
func (sp *scatterPlotter) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax, ymin, ymax = sp.xmin, sp.xmax, sp.ymin, sp.ymax
	if xmax == xmin {
		xmin, xmax = xmin-0.5, xmax+0.5
	}
	if ymax == ymin {
		ymin, ymax = ymin-0.5, ymax+0.5
	}
	return xmin, xmax, ymin, ymax
}

// GlyphBoxes implements plot.GlyphBoxer: a disc (with 1.5 pt to spare) at
// each extreme of the data range makes gonum keep every disc inside the
// data area, clear of the title and the axes.
func (sp *scatterPlotter) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	xmin, xmax, ymin, ymax := sp.DataRange()
	m := sp.radius + vg.Points(1.5)
	r := vg.Rectangle{Min: vg.Point{X: -m, Y: -m}, Max: vg.Point{X: m, Y: m}}
	var boxes []plot.GlyphBox
	for _, pt := range [][2]float64{{xmin, ymin}, {xmax, ymax}} {
		boxes = append(boxes, plot.GlyphBox{X: p.X.Norm(pt[0]), Y: p.Y.Norm(pt[1]), Rectangle: r})
	}
	return boxes
}

func (sp *scatterPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	if dpi, ok := rasterDPI(c); ok {
		sp.plotPixels(c, dpi, trX, trY)
		return
	}
	// Vector canvases (SVG): one filled circle per point.
	for i := range sp.x {
		if math.IsNaN(sp.x[i]) || math.IsNaN(sp.y[i]) {
			continue
		}
		c.SetColor(sp.colours[i])
		c.Fill(dot(trX(sp.x[i]), trY(sp.y[i]), sp.radius))
	}
}

// plotPixels composites the discs, in order, into an image of the data area
// (grown by a radius on every side) at the canvas resolution and aligned
// with its pixel grid, so the image is drawn without resampling. A pixel's
// coverage by a disc of radius ρ at distance d from its centre is
// clamp(ρ + ½ − d, 0, 1), exact for a straight edge.
func (sp *scatterPlotter) plotPixels(c draw.Canvas, dpi float64, trX, trY func(float64) vg.Length) {
	scale := dpi / 72 // pixels per point
	pad := float64(sp.radius) + 1
	x0 := math.Floor((float64(c.Min.X) - pad) * scale)
	y0 := math.Floor((float64(c.Min.Y) - pad) * scale)
	x1 := math.Ceil((float64(c.Max.X) + pad) * scale)
	y1 := math.Ceil((float64(c.Max.Y) + pad) * scale)
	w, h := int(x1-x0), int(y1-y0)
	if w <= 0 || h <= 0 {
		return
	}
	// Premultiplied RGBA in [0, 1], composited "over".
	buf := make([]float32, 4*w*h)
	rho := float64(sp.radius) * scale
	// Pixels nearer than ρ − ½ are covered, farther than ρ + ½ untouched.
	inner, outer := math.Max(rho-0.5, 0), rho+0.5
	inner2, outer2 := inner*inner, outer*outer
	for i := range sp.x {
		if math.IsNaN(sp.x[i]) || math.IsNaN(sp.y[i]) {
			continue
		}
		px := float64(trX(sp.x[i]))*scale - x0
		py := y1 - float64(trY(sp.y[i]))*scale // image rows run downwards
		col := sp.colours[i]
		cr, cg, cb := float32(col.R)/255, float32(col.G)/255, float32(col.B)/255
		q0, q1 := max(int(px-rho-1), 0), min(int(px+rho+2), w)
		r0, r1 := max(int(py-rho-1), 0), min(int(py+rho+2), h)
		for r := r0; r < r1; r++ {
			dy := float64(r) + 0.5 - py
			row := buf[4*r*w:]
			for q := q0; q < q1; q++ {
				dx := float64(q) + 0.5 - px
				d2 := dx*dx + dy*dy
				if d2 >= outer2 {
					continue
				}
				a := float32(1)
				if d2 > inner2 {
					a = float32(outer - math.Sqrt(d2))
				}
				px4 := row[4*q : 4*q+4]
				keep := 1 - a
				px4[0] = cr*a + px4[0]*keep
				px4[1] = cg*a + px4[1]*keep
				px4[2] = cb*a + px4[2]*keep
				px4[3] = a + px4[3]*keep
			}
		}
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for k := 0; k < w*h; k++ {
		a := buf[4*k+3]
		if a <= 0 {
			continue
		}
		for ch := 0; ch < 3; ch++ {
			img.Pix[4*k+ch] = uint8(math.Round(float64(min(buf[4*k+ch]/a, 1)) * 255))
		}
		img.Pix[4*k+3] = uint8(math.Round(float64(min(a, 1)) * 255))
	}
	c.DrawImage(vg.Rectangle{
		Min: vg.Point{X: vg.Length(x0 / scale), Y: vg.Length(y0 / scale)},
		Max: vg.Point{X: vg.Length(x1 / scale), Y: vg.Length(y1 / scale)}}, img)
}
