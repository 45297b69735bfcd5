package widgets

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// maxLabelledRows is the most rows a raster labels by name.
const maxLabelledRows = 40

// Raster draws a spike raster as a static figure: row i (a neuron or a
// trial, first row at the top) has a short vertical tick at every spike
// time in trains[i]. It stays fast and small for 10⁵ spikes, where an
// interactive chart would not. Rows are labelled 1..N, or by o.Names when
// there are at most 40 rows. Defaults: XLabel "time (s)", YLabel "trial".
func Raster(trains [][]float64, o *Options) (*Figure, error) {
	r, err := o.resolved(DefaultWidth, DefaultHeight)
	if err != nil {
		return nil, err
	}
	if len(trains) == 0 {
		return nil, fmt.Errorf("widgets: Raster: trains is empty")
	}
	if len(r.Names) > len(trains) {
		return nil, fmt.Errorf("widgets: Raster: Options.Names has %d names for %d rows", len(r.Names), len(trains))
	}
	spikes := 0
	for i, tr := range trains {
		for j, s := range tr {
			if math.IsNaN(s) || math.IsInf(s, 0) {
				return nil, fmt.Errorf("widgets: Raster: trains[%d][%d] = %v, want a finite spike time", i, j, s)
			}
		}
		spikes += len(tr)
	}
	lo, hi := finiteRange(trains...)
	if spikes == 0 {
		lo, hi = 0, 1
	} else if hi == lo {
		lo, hi = lo-0.5, hi+0.5
	}
	p := newPlot(&r, "time (s)", "trial")
	p.Add(&rasterPlotter{trains: trains, colour: paletteColor(6)})
	p.X.Min, p.X.Max = lo, hi
	p.Y.Min, p.Y.Max = 0, float64(len(trains))
	p.Y.Scale = plot.InvertedScale{Normalizer: plot.LinearScale{}}
	p.Y.Tick.Marker = rowTicks{n: len(trains), names: r.Names}
	text := fmt.Sprintf("Raster: %d rows (%s), %d spikes, %s in [%.4g, %.4g]",
		len(trains), orDefault(r.YLabel, "trial"), spikes, orDefault(r.XLabel, "time (s)"), lo, hi)
	if r.Title != "" {
		text = fmt.Sprintf("%q %s", r.Title, text)
	}
	if spikes > 0 && hi > lo {
		text += fmt.Sprintf("\nmean rate %.4g per row per unit time", float64(spikes)/float64(len(trains))/(hi-lo))
	}
	f := newStaticFigure("raster", &r, text, drawPlot(p))
	f.plot = p
	return f, nil
}

// rasterPlotter draws every spike of every row as a short vertical tick.
type rasterPlotter struct {
	trains [][]float64
	colour color.Color
}

// tickWidth is the width of a spike tick.
var tickWidth = vg.Points(0.6)

func (rp *rasterPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	if dpi, ok := rasterDPI(c); ok {
		rp.plotPixels(c, dpi, trX, trY)
		return
	}
	// Vector canvases (SVG): one path of short segments.
	var path vg.Path
	for i, tr := range rp.trains {
		y0, y1 := trY(float64(i)+0.1), trY(float64(i)+0.9)
		for _, s := range tr {
			x := trX(s)
			path.Move(vg.Point{X: x, Y: y0})
			path.Line(vg.Point{X: x, Y: y1})
		}
	}
	c.SetColor(rp.colour)
	c.SetLineWidth(tickWidth)
	c.SetLineDash(nil, 0)
	c.Stroke(path)
}

// plotPixels rasterises the ticks itself, with exact area coverage as
// anti-aliasing, into an image of the data area at the canvas resolution:
// stroking 10⁵ tiny paths through the canvas takes seconds, this takes
// milliseconds.
func (rp *rasterPlotter) plotPixels(c draw.Canvas, dpi float64, trX, trY func(float64) vg.Length) {
	rect := c.Rectangle
	scale := dpi / 72 // pixels per point
	w := int(math.Ceil(float64(rect.Max.X-rect.Min.X) * scale))
	h := int(math.Ceil(float64(rect.Max.Y-rect.Min.Y) * scale))
	if w <= 0 || h <= 0 {
		return
	}
	alpha := make([]float32, w*h)
	half := math.Max(float64(tickWidth)*scale/2, 0.5)
	overlap := func(a0, a1, b0, b1 float64) float64 { return math.Max(0, math.Min(a1, b1)-math.Max(a0, b0)) }
	for i, tr := range rp.trains {
		ya := float64(rect.Max.Y-trY(float64(i)+0.1)) * scale
		yb := float64(rect.Max.Y-trY(float64(i)+0.9)) * scale
		if ya > yb {
			ya, yb = yb, ya
		}
		r0, r1 := max(int(ya), 0), min(int(math.Ceil(yb)), h)
		for _, s := range tr {
			x := float64(trX(s)-rect.Min.X) * scale
			q0, q1 := max(int(x-half), 0), min(int(math.Ceil(x+half)), w)
			for q := q0; q < q1; q++ {
				cx := overlap(float64(q), float64(q+1), x-half, x+half)
				for r := r0; r < r1; r++ {
					cov := float32(cx * overlap(float64(r), float64(r+1), ya, yb))
					a := &alpha[r*w+q]
					*a += cov * (1 - *a)
				}
			}
		}
	}
	cr, cg, cb, _ := rp.colour.RGBA()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for k, a := range alpha {
		if a > 0 {
			img.Pix[4*k], img.Pix[4*k+1], img.Pix[4*k+2] = uint8(cr>>8), uint8(cg>>8), uint8(cb>>8)
			img.Pix[4*k+3] = uint8(math.Round(float64(min(a, 1)) * 255))
		}
	}
	c.DrawImage(vg.Rectangle{Min: rect.Min, Max: vg.Point{
		X: rect.Min.X + vg.Length(float64(w)/scale), Y: rect.Max.Y}}, img)
}

// rowTicks labels row centres 1..n (or by name), at most ~10 labels.
type rowTicks struct {
	n     int
	names []string
}

func (t rowTicks) Ticks(_, _ float64) []plot.Tick {
	if t.n <= maxLabelledRows && len(t.names) > 0 {
		ticks := make([]plot.Tick, t.n)
		for i := range ticks {
			lbl := strconv.Itoa(i + 1)
			if i < len(t.names) && t.names[i] != "" {
				lbl = t.names[i]
			}
			ticks[i] = plot.Tick{Value: float64(i) + 0.5, Label: lbl}
		}
		return ticks
	}
	step := niceStep(t.n)
	var ticks []plot.Tick
	if step > 1 {
		ticks = append(ticks, plot.Tick{Value: 0.5, Label: "1"})
	}
	for k := step; k <= t.n; k += step {
		ticks = append(ticks, plot.Tick{Value: float64(k) - 0.5, Label: strconv.Itoa(k)})
	}
	return ticks
}

// niceStep returns a 1-2-5 step giving at most about 10 ticks over n.
func niceStep(n int) int {
	for _, base := range []int{1, 10, 100, 1000, 10000, 100000} {
		for _, m := range []int{1, 2, 5} {
			if n/(m*base) <= 10 {
				return m * base
			}
		}
	}
	return 1000000
}
