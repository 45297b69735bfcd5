package widgets

import (
	"image/color"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Oracle: the pixels around each grid point. In a 5×5 field of short
// arrows (speed 1, one far corner at speed 10 sets the scale), the points
// with a NaN in u or in v have no arrow and no dot (no coloured pixel
// within 0.3 of a cell), every other point has its arrow (coloured pixels
// next to it), a zero vector keeps its dot, and the text counts the
// missing points. ±Inf is still an error.
func TestFlowFieldNaNMeansNoArrow(t *testing.T) {
	g := []float64{0, 1, 2, 3, 4}
	u, v := mat.NewDense(5, 5, nil), mat.NewDense(5, 5, nil)
	for i := range g {
		for j := range g {
			u.Set(i, j, 0.6)
			v.Set(i, j, 0.8)
		}
	}
	u.Set(4, 4, 6) // the fastest arrow, far from the points under test
	v.Set(4, 4, 8)
	u.Set(1, 2, math.NaN())
	v.Set(2, 1, math.NaN())
	u.Set(3, 3, 0) // a zero vector: a dot
	v.Set(3, 3, 0)
	f, err := FlowField(g, g, u, v, &Options{Width: 400, Height: 400})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.Text(), "2 of 25 grid points without a value (NaN, no arrow)") {
		t.Errorf("text %q", f.Text())
	}
	d := drawFigure(t, f, nil)
	coloured := func(x, y, half float64) int {
		trX, trY := d.p.Transforms(&d.da)
		s := pngDPI / 72.0
		h := d.img.Bounds().Dy()
		x0, x1 := int(float64(trX(x-half))*s), int(float64(trX(x+half))*s)
		y0, y1 := h-int(float64(trY(y+half))*s), h-int(float64(trY(y-half))*s)
		n := 0
		for py := y0; py <= y1; py++ {
			for px := x0; px <= x1; px++ {
				c := color.NRGBAModel.Convert(d.img.At(px, py)).(color.NRGBA)
				if max(c.R, c.G, c.B)-min(c.R, c.G, c.B) > 40 {
					n++
				}
			}
		}
		return n
	}
	for i := range g {
		for j := range g {
			if i == 4 && j == 4 {
				continue
			}
			n := coloured(g[j], g[i], 0.3)
			missing := (i == 1 && j == 2) || (i == 2 && j == 1)
			switch {
			case missing && n > 0:
				t.Errorf("grid point (%d, %d) has NaN but %d coloured pixels around it", i, j, n)
			case !missing && n == 0:
				t.Errorf("grid point (%d, %d) lost its arrow or dot", i, j)
			}
		}
	}
	inf := mat.DenseCopyOf(u)
	inf.Set(0, 0, math.Inf(-1))
	if _, err := FlowField(g, g, inf, v, nil); err == nil || !strings.Contains(err.Error(), "u[0,0] = -Inf, want a finite value (or NaN for no arrow)") {
		t.Errorf("-Inf: err = %v", err)
	}
	allNaN := mat.NewDense(2, 2, []float64{math.NaN(), math.NaN(), math.NaN(), math.NaN()})
	f, err = FlowField(g[:2], g[:2], allNaN, allNaN, nil)
	if err != nil || !strings.Contains(f.Text(), "no grid point has a value") {
		t.Errorf("all NaN: %v, %q", err, f.Text())
	}
	if _, err := f.Render(); err != nil {
		t.Errorf("rendering an all-NaN field: %v", err)
	}
}
