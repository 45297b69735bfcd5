package widgets

import (
	"image"
	"image/color"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// drawn is a static figure drawn on a 2× raster canvas, with the data area
// its plot was drawn in, so tests can find where a data point landed.
type drawn struct {
	img *image.RGBA
	p   *plot.Plot
	da  draw.Canvas
}

// drawFigure draws f at its size on a 2× canvas. main crops the canvas the
// way f's draw function does for its key (colour bar or legend) before
// the plot's data area is measured.
func drawFigure(t *testing.T, f *Figure, main func(draw.Canvas) draw.Canvas) drawn {
	t.Helper()
	vc := vgimg.NewWith(vgimg.UseWH(pxToPt(f.width), pxToPt(f.height)), vgimg.UseDPI(pngDPI))
	c := draw.New(vc)
	f.draw(c)
	m := c
	if main != nil {
		m = main(c)
	}
	return drawn{img: vc.Image().(*image.RGBA), p: f.Plot(), da: f.Plot().DataCanvas(m)}
}

// at returns the colour of the pixel under the data point (x, y).
func (d drawn) at(x, y float64) color.NRGBA {
	trX, trY := d.p.Transforms(&d.da)
	s := pngDPI / 72.0
	px := int(float64(trX(x)) * s)
	py := d.img.Bounds().Dy() - 1 - int(float64(trY(y))*s)
	return color.NRGBAModel.Convert(d.img.At(px, py)).(color.NRGBA)
}

func barCrop(cm *colorMap) func(draw.Canvas) draw.Canvas {
	b := colorBar{cm: cm}
	return func(c draw.Canvas) draw.Canvas { return draw.Crop(c, 0, -b.width(b.ticks()), 0, 0) }
}

// Oracle: the scale's definition at its anchors. Points valued 0, 0.5 and 1
// on the Sequential scale over [0, 1] are drawn, at their centres, in the
// exact viridis anchors #440154, #21918c and #fde725; a NaN value in the
// grey of missing values; a NaN coordinate leaves the point out (its
// place stays white) and the text counts it.
func TestScatterPointsTakeTheirScaleColour(t *testing.T) {
	x := []float64{0, 4, 0, 4, math.NaN()}
	y := []float64{0, 0, 4, 4, 2}
	c := []float64{0, 0.5, 1, math.NaN(), 0.5}
	f, err := Scatter(x, y, c, &Options{Width: 400, Height: 300})
	if err != nil {
		t.Fatal(err)
	}
	d := drawFigure(t, f, barCrop(scaleFor(Sequential, 0, 1)))
	for _, w := range []struct {
		x, y float64
		want color.NRGBA
	}{{0, 0, hexColor("#440154")}, {4, 0, hexColor("#21918c")}, {0, 4, hexColor("#fde725")}, {4, 4, nanColor},
		{1.1, 2.9, color.NRGBA{255, 255, 255, 255}}} {
		if got := d.at(w.x, w.y); got != w.want {
			t.Errorf("pixel at (%g, %g) = %v, want %v", w.x, w.y, got, w.want)
		}
	}
	for _, s := range []string{"4 points", "1 with a NaN coordinate left out", "sequential (viridis) scale [0, 1]", "1 NaN values (grey)"} {
		if !strings.Contains(f.Text(), s) {
			t.Errorf("text %q lacks %q", f.Text(), s)
		}
	}
}

// Oracle: the cyclic scale's definition. Angles 0, π/2, π and 3π/2 are
// twilight's anchors 0, 8, 16 and 24 (of 32 per turn); angles a turn apart
// (5π/2, -π/2) get the same colour; with ColorRange [0, 360) degrees
// work the same way.
func TestScatterCyclicWrapsAngles(t *testing.T) {
	angles := []float64{0, math.Pi / 2, math.Pi, 3 * math.Pi / 2, 5 * math.Pi / 2, -math.Pi / 2}
	want := []string{twilight[0], twilight[8], twilight[16], twilight[24], twilight[8], twilight[24]}
	for _, unit := range []struct {
		name  string
		scale float64
		rng   [2]float64
	}{{"radians", 1, [2]float64{}}, {"degrees", 180 / math.Pi, [2]float64{0, 360}}} {
		x := make([]float64, len(angles))
		y := make([]float64, len(angles))
		c := make([]float64, len(angles))
		for i, a := range angles {
			x[i], y[i], c[i] = float64(i%3), float64(i/3), a*unit.scale
		}
		f, err := Scatter(x, y, c, &Options{Scale: Cyclic, ColorRange: unit.rng, Width: 400, Height: 300})
		if err != nil {
			t.Fatal(err)
		}
		cm := scaleIn(Cyclic, 0, 0, unit.rng)
		d := drawFigure(t, f, barCrop(cm))
		for i := range angles {
			if got := d.at(x[i], y[i]); got != hexColor(want[i]) {
				t.Errorf("%s: angle %.4g drawn %v, want %s", unit.name, c[i], got, want[i])
			}
		}
	}
}

// Oracle: Palette itself. Classes 0, 1, 2 are Palette colours 0, 1, 2, the
// legend names them, and a value that is not a class is refused.
func TestScatterCategoricalUsesPalette(t *testing.T) {
	x, y, c := []float64{0, 1, 2}, []float64{0, 1, 0}, []float64{2, 0, 1}
	o := &Options{Scale: Categorical, Names: []string{"left", "right", "straight"}, ColorLabel: "choice", Width: 400, Height: 300}
	f, err := Scatter(x, y, c, o)
	if err != nil {
		t.Fatal(err)
	}
	leg := newSideLegend(o.ColorLabel)
	for _, n := range o.Names {
		leg.add(n)
	}
	d := drawFigure(t, f, func(cv draw.Canvas) draw.Canvas {
		return draw.Crop(cv, 0, -leg.width((cv.Max.X-cv.Min.X)/3), 0, 0)
	})
	for i := range x {
		if got := d.at(x[i], y[i]); got != paletteColor(int(c[i])) {
			t.Errorf("class %g drawn %v, want %v", c[i], got, paletteColor(int(c[i])))
		}
	}
	if !strings.Contains(f.Text(), "3 classes of choice: left (1 points), right (1 points), straight (1 points)") {
		t.Errorf("text %q", f.Text())
	}
	if _, err := Scatter(x, y, []float64{0, 1.5, 1}, &Options{Scale: Categorical}); err == nil || !strings.Contains(err.Error(), "c[1] = 1.5, want a class") {
		t.Errorf("non-integer class: err = %v", err)
	}
}

// Oracle: the exact wording of the errors (argument, index, shape).
func TestScatterRejectsBadInput(t *testing.T) {
	cases := []struct {
		name string
		err  func() error
		want string
	}{
		{"lengths", func() error { _, err := Scatter([]float64{1, 2}, []float64{1}, nil, nil); return err }, "y has 1 points, x has 2"},
		{"values", func() error { _, err := Scatter([]float64{1}, []float64{1}, []float64{1, 2}, nil); return err }, "c has 2 values for 1 points"},
		{"inf", func() error {
			_, err := Scatter([]float64{1, 2}, []float64{1, math.Inf(1)}, nil, nil)
			return err
		}, "y[1] = +Inf"},
		{"all nan", func() error { _, err := Scatter([]float64{math.NaN()}, []float64{1}, nil, nil); return err }, "no point has finite x and y"},
		{"range", func() error {
			_, err := Scatter([]float64{1}, []float64{1}, []float64{1}, &Options{ColorRange: [2]float64{2, 1}})
			return err
		}, "Options.ColorRange = [2, 1]"},
		{"scale", func() error { _, err := Scatter([]float64{1}, []float64{1}, nil, &Options{Scale: 9}); return err }, "Options.Scale = 9"},
	}
	for _, c := range cases {
		if err := c.err(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

// Oracle: the definition of a disc of radius ρ. Every pixel whose centre
// lies more than ρ + 1 pixels from a point's centre stays white, every pixel
// within ρ − 1 has the point's exact colour, and the number of coloured
// pixels is within the discretisation error of π ρ².
func TestScatterDiscsHaveTheirRadius(t *testing.T) {
	// The middle point is away from the axes and off the grid lines (at
	// the ticks 0, 2, 4, …), which would cross its disc.
	f, err := Scatter([]float64{0, 5.37, 10}, []float64{0, 4.61, 10}, nil, &Options{Width: 300, Height: 300})
	if err != nil {
		t.Fatal(err)
	}
	d := drawFigure(t, f, nil)
	trX, trY := d.p.Transforms(&d.da)
	s := pngDPI / 72.0
	rho := float64(discRadius(3)) * s
	cx, cy := float64(trX(5.37))*s, float64(d.img.Bounds().Dy())-float64(trY(4.61))*s
	blue := paletteColor(0)
	n := 0
	for py := int(cy - rho - 3); py <= int(cy+rho+3); py++ {
		for px := int(cx - rho - 3); px <= int(cx+rho+3); px++ {
			got := color.NRGBAModel.Convert(d.img.At(px, py)).(color.NRGBA)
			r := math.Hypot(float64(px)+0.5-cx, float64(py)+0.5-cy)
			switch {
			case r > rho+1 && got != (color.NRGBA{255, 255, 255, 255}):
				t.Fatalf("pixel (%d, %d) at %.2f px from the centre (radius %.2f) is %v, want white", px, py, r, rho, got)
			case r < rho-1 && got != blue:
				t.Fatalf("pixel (%d, %d) at %.2f px from the centre (radius %.2f) is %v, want %v", px, py, r, rho, got, blue)
			}
			if got != (color.NRGBA{255, 255, 255, 255}) {
				n++
			}
		}
	}
	area := math.Pi * rho * rho
	if math.Abs(float64(n)-area) > 2*math.Pi*rho+4 {
		t.Errorf("%d coloured pixels, want about π ρ² = %.1f", n, area)
	}
}

// Oracle: the disc radius rule stated in Scatter's doc comment.
func TestScatterDiscRadiusShrinksWithCount(t *testing.T) {
	for _, w := range []struct {
		n  int
		pt float64
	}{{1, 3}, {100, 3}, {1000, 3 - 2.0/3}, {10000, 3 - 4.0/3}, {100000, 1}, {1000000, 1}} {
		if got := float64(discRadius(w.n)); math.Abs(got-w.pt) > 1e-9 {
			t.Errorf("radius for %d points = %g pt, want %g", w.n, got, w.pt)
		}
	}
}
