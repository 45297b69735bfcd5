package widgets

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// pxToPt converts CSS pixels (1/96 in) to vg lengths (points, 1/72 in).
func pxToPt(px int) vg.Length { return vg.Length(px) * vg.Inch / 96 }

// pngDPI renders static figures at twice the CSS pixel density (96 dpi), so
// they stay sharp on HiDPI screens when shown at their CSS size.
const pngDPI = 192

// renderPNG draws d on a white canvas of w×h CSS pixels at 2× density. A
// panic inside gonum/plot (a user's *plot.Plot with, say, a log axis over
// zero) is returned as an error instead of ending the cell.
func renderPNG(d func(draw.Canvas), w, h int) (out []byte, err error) {
	return renderPNGAt(d, w, h, pngDPI)
}

func renderPNGAt(d func(draw.Canvas), w, h, dpi int) (out []byte, err error) {
	return renderPNGWith(d, w, h, dpi, nil)
}

// renderPNGWith is renderPNGAt, reducing the image to a palette of at most
// 256 colours first when quantize is given (see quantize).
func renderPNGWith(d func(draw.Canvas), w, h, dpi int, quantize func(image.Image) image.Image) (out []byte, err error) {
	defer recoverDraw(&err)
	c := vgimg.NewWith(vgimg.UseWH(pxToPt(w), pxToPt(h)), vgimg.UseDPI(dpi))
	d(draw.New(c))
	var img image.Image = c.Image()
	if quantize != nil {
		img = quantize(img)
	}
	var buf bytes.Buffer
	// BestSpeed: a figure is mostly flat colour, so fast deflate costs
	// little size and keeps a 1440×800 encode within a few milliseconds.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("widgets: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// pictureDPI is the resolution of the picture inside an interactive chart:
// the CSS pixel density. The picture rides in every interactive output
// twice (inside the HTML and as image/png), base64-encoded, and has to stay
// within 150 kB of growth per chart: 1x keeps a dense chart under that
// (2000-point lines: 32 kB; 15 noisy trajectories: 53 kB), where 1.5x
// reaches 86 kB (229 kB of growth). It is a little soft on HiDPI screens.
const pictureDPI = 96

// renderSVG draws d as an SVG document whose fonts are embedded, so text
// keeps the metrics gonum/plot laid it out with in every viewer.
func renderSVG(d func(draw.Canvas), w, h int) (out string, err error) {
	defer recoverDraw(&err)
	c := vgsvg.NewWith(vgsvg.UseWH(pxToPt(w), pxToPt(h)), vgsvg.EmbedFonts(true))
	d(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("widgets: writing SVG: %w", err)
	}
	return buf.String(), nil
}

func recoverDraw(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("widgets: drawing the figure failed: %v", r)
	}
}

// sans is the face of every static figure built here: Liberation Sans,
// metric-compatible with Arial/Helvetica, shipped inside gonum/plot.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// NewPlot returns an empty gonum plot in the look of this package's static
// figures (Liberation Sans: 13 pt bold title, 11 pt axis labels, 9.5 pt
// ticks and legend; light grey grid; axes without padding; legend at the
// top right), titled and labelled from o (nil: no title, no labels; only
// Title, XLabel and YLabel are used), for a custom static chart. Add
// plotters styled with LineStyle and PaletteColor and show it with
// FromPlot(p, o), which sizes it and, like every static figure, fits a
// long title or axis label by wrapping it or reducing its font.
func NewPlot(o *Options) *plot.Plot {
	if o == nil {
		o = &Options{}
	}
	return newPlot(o, "", "")
}

// newPlot returns a plot with this package's look: sans-serif text, light
// grid, labelled axes.
func newPlot(o *Options, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = o.Title
	p.Title.TextStyle.Font = font.From(sans, 13)
	p.Title.TextStyle.Font.Weight = xfont.WeightBold
	p.X.Label.Text = orDefault(o.XLabel, xlabel)
	p.Y.Label.Text = orDefault(o.YLabel, ylabel)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, 11)
		a.Tick.Label.Font = font.From(sans, 9.5)
		a.Padding = 0
	}
	p.Legend.TextStyle.Font = font.From(sans, 9.5)
	p.Legend.Top = true
	grid := plotter.NewGrid()
	grid.Vertical.Color = color.Gray{Y: 230}
	grid.Horizontal.Color = color.Gray{Y: 230}
	p.Add(grid)
	return p
}

// drawPlot draws p on c with its title and axis labels fitted to c.
func drawPlot(p *plot.Plot) func(draw.Canvas) {
	return func(c draw.Canvas) { withFittedText(p, c, func() { p.Draw(c) }) }
}

// rasterDPI returns the resolution of the raster canvas under c's crops,
// or false for vector canvases (SVG).
func rasterDPI(c draw.Canvas) (float64, bool) {
	var v vg.Canvas = c.Canvas
	for {
		switch x := v.(type) {
		case *vgimg.Canvas:
			return x.DPI(), true
		case draw.Canvas:
			v = x.Canvas
		case *draw.Canvas:
			v = x.Canvas
		default:
			return 0, false
		}
	}
}
