package widgets

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// maxCells bounds heatmap size (a 4000×4000 matrix has more cells than a
// figure has pixels).
const maxCells = 16_000_000

// Heatmap draws a matrix as a static heatmap with a colour bar: entry
// (i, j) is the cell in row i (from the top, as the matrix is written) and
// column j. o.Scale chooses Diverging (default: symmetric about zero, for
// dynamics matrices and differences), Sequential (for similarity or
// distance matrices) or Cyclic (phases, preferred angles); o.ColorRange
// fixes the scale's ends and o.ColorLabel labels the colour bar. NaN cells
// are drawn grey. Cells are drawn as sharp
// blocks at any size (nearest-neighbour), not blurred.
// Defaults: XLabel "column", YLabel "row".
func Heatmap(m mat.Matrix, o *Options) (*Figure, error) {
	r, err := o.resolved(DefaultWidth, DefaultHeight)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("widgets: Heatmap: m is nil")
	}
	rows, cols := m.Dims()
	if rows == 0 || cols == 0 || rows*cols > maxCells {
		return nil, fmt.Errorf("widgets: Heatmap: m is %d×%d, want between 1×1 and %d cells", rows, cols, maxCells)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	nan := 0
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			v := m.At(i, j)
			switch {
			case math.IsNaN(v):
				nan++
			case math.IsInf(v, 0):
				return nil, fmt.Errorf("widgets: Heatmap: m[%d,%d] is %v", i, j, v)
			default:
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if nan == rows*cols {
		lo, hi = 0, 0
	}
	if r.Scale == 0 {
		r.Scale = Diverging
	}
	if r.Scale == Categorical {
		return nil, fmt.Errorf("widgets: Heatmap: Options.Scale = %v, want Diverging, Sequential or Cyclic", r.Scale)
	}
	cm := scaleIn(r.Scale, lo, hi, r.ColorRange)
	cells := image.NewNRGBA(image.Rect(0, 0, cols, rows))
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			v := m.At(i, j)
			c := nanColor
			if !math.IsNaN(v) {
				c = cm.colorOf(v)
			}
			cells.SetNRGBA(j, i, c)
		}
	}
	p := newPlot(&r, "column", "row")
	p.Add(&cellImage{img: cells, rows: rows, cols: cols})
	p.X.Tick.Marker = indexTicks{n: cols}
	p.Y.Tick.Marker = indexTicks{n: rows}
	p.Y.Scale = plot.InvertedScale{Normalizer: plot.LinearScale{}}
	scale := scaleName(r.Scale, r.ColorRange)
	txt := fmt.Sprintf("Heatmap: %d×%d matrix, values in [%.4g, %.4g], %s colour scale [%.4g, %.4g]",
		rows, cols, lo, hi, scale, cm.min, cm.max)
	if nan > 0 {
		txt += fmt.Sprintf(", %d NaN cells (grey)", nan)
	}
	if r.Title != "" {
		txt = fmt.Sprintf("%q %s", r.Title, txt)
	}
	bar := colorBar{cm: cm, label: r.ColorLabel}
	f := newStaticFigure("heatmap", &r, txt, func(c draw.Canvas) { drawWithColorBar(c, p, bar) })
	f.plot = p
	return f, nil
}

// cellImage draws a matrix image over [-0.5, cols-0.5] × [-0.5, rows-0.5],
// upscaled by nearest neighbour to the device resolution first so the
// canvas's (bilinear) image drawing cannot blur cell edges.
type cellImage struct {
	img        *image.NRGBA
	rows, cols int
}

func (ci *cellImage) DataRange() (xmin, xmax, ymin, ymax float64) {
	return -0.5, float64(ci.cols) - 0.5, -0.5, float64(ci.rows) - 0.5
}

func (ci *cellImage) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	x0, x1 := trX(-0.5), trX(float64(ci.cols)-0.5)
	y0, y1 := trY(-0.5), trY(float64(ci.rows)-0.5)
	rect := vg.Rectangle{Min: vg.Point{X: min(x0, x1), Y: min(y0, y1)}, Max: vg.Point{X: max(x0, x1), Y: max(y0, y1)}}
	// Row 0 is at the top of the image, and the inverted y axis puts row 0
	// at the top of the plot, so the image is drawn as is.
	drawSharp(c, rect, ci.img)
}

// drawSharp draws img into rect after upscaling it by nearest neighbour to
// at least the canvas's resolution there (192 dpi for vector canvases), so
// the canvas's smoothing cannot blur or fade its pixels.
func drawSharp(c draw.Canvas, rect vg.Rectangle, img *image.NRGBA) {
	dpi, ok := rasterDPI(c)
	if !ok {
		dpi = pngDPI
	}
	w := int(math.Ceil(float64(rect.Max.X-rect.Min.X) / 72 * dpi))
	h := int(math.Ceil(float64(rect.Max.Y-rect.Min.Y) / 72 * dpi))
	sw, sh := img.Bounds().Dx(), img.Bounds().Dy()
	if w > sw || h > sh {
		img = nearest(img, max(w, sw), max(h, sh))
	}
	c.DrawImage(rect, img)
}

// nearest scales src to w×h by nearest neighbour.
func nearest(src *image.NRGBA, w, h int) *image.NRGBA {
	sw, sh := src.Bounds().Dx(), src.Bounds().Dy()
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	colOf := make([]int, w)
	for x := range colOf {
		colOf[x] = min(x*sw/w, sw-1) * 4
	}
	for y := 0; y < h; y++ {
		sy := min(y*sh/h, sh-1)
		srow := src.Pix[sy*src.Stride:]
		drow := dst.Pix[y*dst.Stride:]
		for x, sx := range colOf {
			copy(drow[4*x:4*x+4], srow[sx:sx+4])
		}
	}
	return dst
}

// indexTicks labels integer positions 0..n-1, at most ~10 labels.
type indexTicks struct{ n int }

func (t indexTicks) Ticks(_, _ float64) []plot.Tick {
	step := niceStep(t.n)
	var ticks []plot.Tick
	for k := 0; k < t.n; k += step {
		ticks = append(ticks, plot.Tick{Value: float64(k), Label: strconv.Itoa(k)})
	}
	return ticks
}

// colorBar is the key of a continuous colour scale drawn beside a plot.
type colorBar struct {
	cm    *colorMap
	label string
}

// ticks returns the bar's labelled values: multiples of π/2 for a cyclic
// scale over one turn in radians, of 90 over 360 (degrees), else gonum's
// default placement.
func (b colorBar) ticks() []plot.Tick {
	lo, hi := b.cm.min, b.cm.max
	if b.cm.cyclic {
		names := []string{"0", "π/2", "π", "3π/2", "2π"}
		if q := lo / (math.Pi / 2); math.Abs(hi-lo-2*math.Pi) < 1e-9 && math.Abs(q-math.Round(q)) < 1e-9 {
			var ticks []plot.Tick
			for k := 0; k <= 4; k++ {
				v := lo + float64(k)*math.Pi/2
				n := int(math.Round(v / (math.Pi / 2)))
				lbl := ""
				switch {
				case n >= 0 && n <= 4:
					lbl = names[n]
				case n < 0 && n >= -4:
					lbl = "-" + names[-n]
				default:
					lbl = strconv.FormatFloat(v, 'g', 3, 64)
				}
				ticks = append(ticks, plot.Tick{Value: v, Label: lbl})
			}
			return ticks
		}
		if math.Abs(hi-lo-360) < 1e-9 && math.Mod(lo, 90) == 0 {
			var ticks []plot.Tick
			for v := lo; v <= hi; v += 90 {
				ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64) + "°"})
			}
			return ticks
		}
	}
	var ticks []plot.Tick
	span := hi - lo
	for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
		if t.Label == "" || t.Value < lo-1e-12*span || t.Value > hi+1e-12*span {
			continue
		}
		ticks = append(ticks, t)
	}
	return ticks
}

var barTickStyle = text.Style{Color: color.Black, Font: font.From(sans, 9.5), YAlign: draw.YCenter, Handler: plot.DefaultTextHandler}

// width is the room the bar, its tick labels and its label take on the
// right of the plot.
func (b colorBar) width(ticks []plot.Tick) vg.Length {
	w := vg.Points(10 + 12 + 5)
	var lw vg.Length
	for _, t := range ticks {
		lw = max(lw, barTickStyle.Width(t.Label))
	}
	w += max(lw, vg.Points(14)) + vg.Points(6)
	if b.label != "" {
		w += barLabelStyle().Height("x") + vg.Points(4)
	}
	return w
}

func barLabelStyle() text.Style {
	return text.Style{Color: color.Black, Font: font.From(sans, 11), XAlign: draw.XCenter, YAlign: draw.YTop,
		Rotation: math.Pi / 2, Handler: plot.DefaultTextHandler}
}

// drawWithColorBar draws p leaving room on the right, then a vertical
// colour bar aligned with p's data area, with its tick labels and, if set,
// its label (rotated, fitted to the bar's height).
func drawWithColorBar(c draw.Canvas, p *plot.Plot, b colorBar) {
	ticks := b.ticks()
	main := draw.Crop(c, 0, -b.width(ticks), 0, 0)
	withFittedText(p, main, func() {
		p.Draw(main)
		drawColorBar(c, p.DataCanvas(main), main.Max.X, b, ticks)
	})
}

func drawColorBar(c draw.Canvas, da draw.Canvas, left vg.Length, b colorBar, ticks []plot.Tick) {
	cm := b.cm
	bar := vg.Rectangle{
		Min: vg.Point{X: left + vg.Points(10), Y: da.Min.Y},
		Max: vg.Point{X: left + vg.Points(22), Y: da.Max.Y},
	}
	strip := image.NewNRGBA(image.Rect(0, 0, 1, 256))
	for k := 0; k < 256; k++ {
		strip.SetNRGBA(0, 255-k, cm.frac(float64(k)/255))
	}
	drawSharp(c, bar, strip)
	c.SetLineStyle(draw.LineStyle{Color: color.Black, Width: vg.Points(0.5)})
	c.Stroke(bar.Path())
	span := cm.max - cm.min
	var lw vg.Length
	for _, t := range ticks {
		y := bar.Min.Y + vg.Length((t.Value-cm.min)/span)*(bar.Max.Y-bar.Min.Y)
		c.StrokeLine2(draw.LineStyle{Color: color.Black, Width: vg.Points(0.5)}, bar.Max.X, y, bar.Max.X+vg.Points(3), y)
		c.FillText(barTickStyle, vg.Point{X: bar.Max.X + vg.Points(5), Y: y}, t.Label)
		lw = max(lw, barTickStyle.Width(t.Label))
	}
	if b.label != "" {
		sty := barLabelStyle()
		lbl, sty := fitText(b.label, sty, 0.98*(bar.Max.Y-bar.Min.Y))
		x := bar.Max.X + vg.Points(5) + max(lw, vg.Points(14)) + vg.Points(6)
		c.FillText(sty, vg.Point{X: x, Y: (bar.Min.Y + bar.Max.Y) / 2}, lbl)
	}
}
