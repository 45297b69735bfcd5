package widgets

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// AddLine draws the polyline through (x[k], y[k]) over a static figure
// (one with a Plot: FlowField, Scatter, FromPlot, …) in the house style of
// Palette colour colour, dashed for a reference curve (a true ring of
// fixed points under a fitted one). NaN breaks the line. A non-empty name
// adds a legend entry. The figure's text description mentions the line.
func (f *Figure) AddLine(name string, x, y []float64, colour int, dashed bool) error {
	if err := f.overlayCheck("AddLine", x, y); err != nil {
		return err
	}
	for k, seg := range segments(x, y) {
		l, err := plotter.NewLine(seg)
		if err != nil {
			return fmt.Errorf("widgets: AddLine: %w", err)
		}
		l.LineStyle = lineStyle(colour, dashed)
		f.plot.Add(l)
		if name != "" && k == 0 {
			f.plot.Legend.Add(name, l)
		}
	}
	f.describeOverlay(fmt.Sprintf("; line %q of %d points", orDefault(name, "overlay"), len(x)))
	return nil
}

// AddPoints draws markers at (x[k], y[k]) over a static figure: filled
// discs, or open circles when open (the convention for a reference, such
// as a true fixed point beside a fitted one), in Palette colour colour. A
// non-empty name adds a legend entry.
func (f *Figure) AddPoints(name string, x, y []float64, colour int, open bool) error {
	if err := f.overlayCheck("AddPoints", x, y); err != nil {
		return err
	}
	xy := make(plotter.XYs, 0, len(x))
	for k := range x {
		if !math.IsNaN(x[k]) && !math.IsNaN(y[k]) {
			xy = append(xy, plotter.XY{X: x[k], Y: y[k]})
		}
	}
	sc, err := plotter.NewScatter(xy)
	if err != nil {
		return fmt.Errorf("widgets: AddPoints: %w", err)
	}
	var shape draw.GlyphDrawer = draw.CircleGlyph{}
	if open {
		shape = draw.RingGlyph{}
	}
	sc.GlyphStyle = draw.GlyphStyle{Color: paletteColor(colour), Radius: vg.Points(5), Shape: shape}
	f.plot.Add(sc)
	if name != "" {
		f.plot.Legend.Add(name, sc)
	}
	f.describeOverlay(fmt.Sprintf("; %d markers %q", len(xy), orDefault(name, "overlay")))
	return nil
}

// describeOverlay adds note to the figure's text. A FromPlot figure's text
// describes its plot's axes, which the overlays extend, so it is
// described again.
func (f *Figure) describeOverlay(note string) {
	base := strings.TrimSuffix(f.text, f.overlays)
	if f.kind == "plot" {
		base = describePlot(f.plot, f.width, f.height)
	}
	f.overlays += note
	f.text = base + f.overlays
}

// traceGrey is the colour of context traces: visible, but behind the data.
var traceGrey = color.Gray{Y: 120}

// AddTrace draws (x[k], y[k]) as a thin grey line with a small dot at
// every point: context such as simulated trajectories over a flow field,
// where the spacing of the dots shows the speed.
func (f *Figure) AddTrace(x, y []float64) error {
	if err := f.overlayCheck("AddTrace", x, y); err != nil {
		return err
	}
	for _, seg := range segments(x, y) {
		l, pts, err := plotter.NewLinePoints(seg)
		if err != nil {
			return fmt.Errorf("widgets: AddTrace: %w", err)
		}
		l.Color, l.Width = traceGrey, vg.Points(0.8)
		pts.Color, pts.Radius, pts.Shape = traceGrey, vg.Points(1.2), draw.CircleGlyph{}
		f.plot.Add(l, pts)
	}
	return nil
}

// segments splits the points at a NaN in either coordinate.
func segments(x, y []float64) []plotter.XYs {
	yy := append([]float64(nil), y...)
	for k, v := range x {
		if math.IsNaN(v) {
			yy[k] = math.NaN()
		}
	}
	return finiteSegments(x, yy)
}

func (f *Figure) overlayCheck(fn string, x, y []float64) error {
	if f == nil || f.plot == nil {
		return fmt.Errorf("widgets: %s: the figure has no plot to draw on (interactive figures do not take overlays; build it with Options.Static)", fn)
	}
	if len(x) != len(y) || len(x) == 0 {
		return fmt.Errorf("widgets: %s: x has %d points and y %d, want the same positive number", fn, len(x), len(y))
	}
	for k := range x {
		if math.IsInf(x[k], 0) || math.IsInf(y[k], 0) {
			return fmt.Errorf("widgets: %s: point %d = (%v, %v) is infinite", fn, k, x[k], y[k])
		}
	}
	return nil
}
