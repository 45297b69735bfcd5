package widgets

import (
	"fmt"
	"math"
	"math/cmplx"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Spectrum draws eigenvalue spectra on log-log axes as a static figure:
// each spectrum's values sorted in decreasing order against their rank
// 1, 2, …, n, so a power law λ_k ∝ k^(-α) is a straight line of slope -α.
// Non-positive values cannot be drawn on a log axis; they are left out and
// counted in the text (covariance spectra often end in tiny negative
// rounding errors). Defaults: XLabel "rank", YLabel "eigenvalue".
func Spectrum(spectra [][]float64, o *Options) (*Figure, error) {
	r, err := o.resolved(DefaultWidth, DefaultHeight)
	if err != nil {
		return nil, err
	}
	if len(spectra) == 0 {
		return nil, fmt.Errorf("widgets: Spectrum: spectra is empty")
	}
	if len(r.Names) > len(spectra) {
		return nil, fmt.Errorf("widgets: Spectrum: Options.Names has %d names for %d spectra", len(r.Names), len(spectra))
	}
	p := newPlot(&r, "rank", "eigenvalue")
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = logTicks{}, logTicks{}
	var b strings.Builder
	fmt.Fprintf(&b, "Spectrum (log-log, rank vs %s)", orDefault(r.YLabel, "eigenvalue"))
	if r.Title != "" {
		fmt.Fprintf(&b, " %q", r.Title)
	}
	drawn := 0
	for s, vals := range spectra {
		pos := make([]float64, 0, len(vals))
		for i, v := range vals {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("widgets: Spectrum: spectra[%d][%d] = %v, want a finite value", s, i, v)
			}
			if v > 0 {
				pos = append(pos, v)
			}
		}
		sort.Sort(sort.Reverse(sort.Float64Slice(pos)))
		name := r.name(s, "spectrum")
		fmt.Fprintf(&b, "\n%s: %d values", name, len(vals))
		if len(pos) > 0 {
			fmt.Fprintf(&b, ", largest %.4g, smallest positive %.4g", pos[0], pos[len(pos)-1])
		}
		if dropped := len(vals) - len(pos); dropped > 0 {
			fmt.Fprintf(&b, ", %d non-positive left out", dropped)
		}
		if len(pos) == 0 {
			continue
		}
		xy := make(plotter.XYs, len(pos))
		for k, v := range pos {
			xy[k] = plotter.XY{X: float64(k + 1), Y: v}
		}
		col := paletteColor(s)
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, fmt.Errorf("widgets: Spectrum: %w", err)
		}
		l.Color, l.Width = col, vg.Points(1.5)
		p.Add(l)
		thumbs := []plot.Thumbnailer{l}
		if len(pos) <= 200 {
			sc, err := plotter.NewScatter(xy)
			if err != nil {
				return nil, fmt.Errorf("widgets: Spectrum: %w", err)
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2), Shape: draw.CircleGlyph{}}
			p.Add(sc)
			thumbs = append(thumbs, sc)
		}
		if len(spectra) > 1 || len(r.Names) > 0 {
			p.Legend.Add(name, thumbs...)
		}
		drawn++
	}
	if drawn == 0 {
		return nil, fmt.Errorf("widgets: Spectrum: no spectrum has a positive value to draw on log axes")
	}
	p.Legend.Left = false
	f := newStaticFigure("spectrum", &r, b.String(), drawPlot(p))
	f.plot = p
	return f, nil
}

// EigenPlane draws sets of complex eigenvalues in the complex plane with the
// unit circle as a static figure, with equal scales on both axes so the
// circle is round. For a discrete-time linear system x_{t+1} = A x_t, an
// eigenvalue outside the circle is an unstable mode, its angle the rotation
// per step. Each set (one matrix, one condition) has its own colour and
// legend entry. Defaults: size 520×460, XLabel "Re λ", YLabel "Im λ".
func EigenPlane(sets [][]complex128, o *Options) (*Figure, error) {
	r, err := o.resolved(520, 460)
	if err != nil {
		return nil, err
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("widgets: EigenPlane: sets is empty")
	}
	if len(r.Names) > len(sets) {
		return nil, fmt.Errorf("widgets: EigenPlane: Options.Names has %d names for %d sets", len(r.Names), len(sets))
	}
	p := newPlot(&r, "Re λ", "Im λ")
	radius := 1.0
	var b strings.Builder
	fmt.Fprintf(&b, "EigenPlane")
	if r.Title != "" {
		fmt.Fprintf(&b, " %q", r.Title)
	}
	fmt.Fprintf(&b, ": eigenvalues in the complex plane with the unit circle")
	circle := make(plotter.XYs, 361)
	for k := range circle {
		a := float64(k) * math.Pi / 180
		circle[k] = plotter.XY{X: math.Cos(a), Y: math.Sin(a)}
	}
	cl, _ := plotter.NewLine(circle)
	cl.Color, cl.Width, cl.Dashes = paletteColor(6), vg.Points(0.8), []vg.Length{vg.Points(3), vg.Points(3)}
	p.Add(cl)
	for s, set := range sets {
		xy := make(plotter.XYs, len(set))
		maxAbs, outside := 0.0, 0
		for i, z := range set {
			if cmplx.IsNaN(z) || cmplx.IsInf(z) {
				return nil, fmt.Errorf("widgets: EigenPlane: sets[%d][%d] = %v, want a finite value", s, i, z)
			}
			xy[i] = plotter.XY{X: real(z), Y: imag(z)}
			a := cmplx.Abs(z)
			maxAbs = math.Max(maxAbs, a)
			if a > 1 {
				outside++
			}
		}
		radius = math.Max(radius, maxAbs)
		name := r.name(s, "set")
		fmt.Fprintf(&b, "\n%s: %d eigenvalues, spectral radius %.4g, %d outside the unit circle", name, len(set), maxAbs, outside)
		if len(set) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(xy)
		if err != nil {
			return nil, fmt.Errorf("widgets: EigenPlane: %w", err)
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: paletteColor(s), Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
		p.Add(sc)
		if len(sets) > 1 || len(r.Names) > 0 {
			p.Legend.Add(name, sc)
		}
	}
	lim := 1.08 * radius
	f := newStaticFigure("eigenplane", &r, b.String(), func(c draw.Canvas) { drawEqualAspect(c, p, lim) })
	f.plot = p
	return f, nil
}

// drawEqualAspect sets both axes to [-lim, lim], then widens whichever axis
// has more canvas per unit so one unit is equally long on both, and draws.
// New ranges can change the tick labels and so the data area; a few passes
// settle it.
func drawEqualAspect(c draw.Canvas, p *plot.Plot, lim float64) {
	withFittedText(p, c, func() { drawEqualAspectFitted(c, p, lim) })
}

func drawEqualAspectFitted(c draw.Canvas, p *plot.Plot, lim float64) {
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -lim, lim, -lim, lim
	for pass := 0; pass < 20; pass++ {
		da := p.DataCanvas(c)
		w, h := float64(da.Max.X-da.Min.X), float64(da.Max.Y-da.Min.Y)
		if w <= 0 || h <= 0 {
			break
		}
		sx, sy := w/(p.X.Max-p.X.Min), h/(p.Y.Max-p.Y.Min)
		if math.Abs(sx/sy-1) < 1e-9 {
			break
		}
		// The common scale is the one that fits [-lim, lim] on both axes.
		s := math.Min(w, h) / (2 * lim)
		p.X.Min, p.X.Max = -w/s/2, w/s/2
		p.Y.Min, p.Y.Max = -h/s/2, h/s/2
	}
	p.Draw(c)
}

// logTicks places ticks as plot.LogTicks does but labels them with at most
// three significant digits: the powers of ten LogTicks computes are not
// exact in binary (1e-5 comes out as 9.999999999999999e-05).
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.LogTicks{Prec: -1}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'g', 3, 64)
		}
	}
	return ticks
}
