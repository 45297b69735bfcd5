package widgets

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// TestOverlaysDrawOnStaticFigures checks that AddLine, AddPoints and
// AddTrace change the picture of a static figure and its text, and that
// misuse is an error naming the problem (oracle: the rendered PNG before
// and after, the message text).
func TestOverlaysDrawOnStaticFigures(t *testing.T) {
	f, err := FlowFieldFunc(func(x, y float64) (float64, float64) { return -y, x }, -1, 1, -1, 1, 7, &Options{Title: "rotation"})
	if err != nil {
		t.Fatal(err)
	}
	before, err := f.Render()
	if err != nil {
		t.Fatal(err)
	}
	n := 50
	cx, cy := make([]float64, n), make([]float64, n)
	for k := range cx {
		cy[k], cx[k] = math.Sincos(2 * math.Pi * float64(k) / float64(n-1))
	}
	cx[10] = math.NaN() // a break in the line
	if err := f.AddLine("unit circle", cx, cy, 6, true); err != nil {
		t.Fatal(err)
	}
	if err := f.AddPoints("fixed point", []float64{0}, []float64{0}, 0, true); err != nil {
		t.Fatal(err)
	}
	if err := f.AddTrace([]float64{0.5, 0.4, 0.3}, []float64{0, 0.1, 0.15}); err != nil {
		t.Fatal(err)
	}
	after, err := f.Render()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(before.PNG, after.PNG) {
		t.Error("the overlays did not change the picture")
	}
	if !strings.Contains(after.Text, `line "unit circle" of 50 points`) || !strings.Contains(after.Text, `1 markers "fixed point"`) {
		t.Errorf("text does not mention the overlays: %s", after.Text)
	}
	inter, err := Lines(nil, [][]float64{{1, 2}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{inter.AddLine("", []float64{0}, []float64{0}, 0, false), "interactive figures do not take overlays"},
		{f.AddPoints("", []float64{0, 1}, []float64{0}, 0, false), "x has 2 points and y 1"},
		{f.AddTrace([]float64{math.Inf(1)}, []float64{0}), "point 0 = (+Inf, 0) is infinite"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q", c.err, c.want)
		}
	}
}

// TestOverlaysOnAnEmptyPlotDescribeTheirRange checks that a FromPlot
// figure drawn only by overlays describes the axes the overlays span
// (oracle: the data added).
func TestOverlaysOnAnEmptyPlotDescribeTheirRange(t *testing.T) {
	o := Options{XLabel: "a", YLabel: "b"}
	f, err := FromPlot(NewPlot(&o), &o)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.AddLine("l", []float64{-1, 2}, []float64{0, 3}, 0, false); err != nil {
		t.Fatal(err)
	}
	if txt := f.Text(); !strings.Contains(txt, "in [-1, 2]") || !strings.Contains(txt, `line "l" of 2 points`) {
		t.Errorf("text %q", txt)
	}
}
