package widgets

import (
	"encoding/json"
	"image/color"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg/draw"
)

// Oracle: the option read back as JSON. A fit and its dashed reference
// named alike share a colour and one legend entry; the reference is
// dashed; DashedLabel adds one black dashed key; the text lists the dashed
// series.
func TestLinesDashedReferenceSharesColourAndLegend(t *testing.T) {
	x := []float64{0, 1, 2}
	f, err := Lines(x, [][]float64{{1, 2, 3}, {3, 2, 1}, {1.1, 2.1, 2.9}, {2.9, 2, 1.2}}, &Options{
		Names: []string{"A₁₁", "A₁₂", "A₁₁", "A₁₂"}, Dashed: []bool{false, false, true, true}, DashedLabel: "truth"})
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		Legend struct{ Data []string } `json:"legend"`
		Series []struct {
			Name, Color string
			LineStyle   struct{ Type string } `json:"lineStyle"`
		} `json:"series"`
	}
	js, _ := f.Option()
	if err := json.Unmarshal(js, &o); err != nil {
		t.Fatal(err)
	}
	if strings.Join(o.Legend.Data, "|") != "A₁₁|A₁₂|truth" {
		t.Errorf("legend %v, want A₁₁, A₁₂, truth", o.Legend.Data)
	}
	want := []struct{ name, colour, dash string }{
		{"A₁₁", Palette[0], ""}, {"A₁₂", Palette[1], ""}, {"A₁₁", Palette[0], "dashed"}, {"A₁₂", Palette[1], "dashed"}, {"truth", "#000000", "dashed"}}
	if len(o.Series) != len(want) {
		t.Fatalf("%d series, want %d", len(o.Series), len(want))
	}
	for i, w := range want {
		if s := o.Series[i]; s.Name != w.name || s.Color != w.colour || s.LineStyle.Type != w.dash {
			t.Errorf("series %d = %+v, want %+v", i, s, w)
		}
	}
	if !strings.Contains(f.Text(), "dashed (truth): A₁₁, A₁₂") {
		t.Errorf("text %q", f.Text())
	}
	if _, err := Lines(x, [][]float64{{1, 2, 3}}, &Options{Dashed: []bool{true, false}}); err == nil ||
		!strings.Contains(err.Error(), "Options.Dashed has 2 entries for 1 series") {
		t.Errorf("too many Dashed entries: %v", err)
	}
}

// Oracle: the pixels of the drawn lines. In a static chart, a solid
// horizontal line is unbroken in its colour; a dashed reference of the same
// name has the same colour, broken into dashes of 5 pt on and 3 pt off
// (13.3 and 8 pixels at 2×); a second name has the next Palette colour.
func TestStaticLinesDrawDashesInTheSharedColour(t *testing.T) {
	x := []float64{0, 10}
	o := &Options{Static: true, Names: []string{"fit", "fit", "other"}, Dashed: []bool{false, true}, DashedLabel: "truth",
		Width: 500, Height: 300}
	// Off the tick values, where grid lines would fill the gaps.
	f, err := Lines(x, [][]float64{{1.13, 1.13}, {2.07, 2.07}, {3.21, 3.21}}, o)
	if err != nil {
		t.Fatal(err)
	}
	if f.Interactive() || f.Plot() == nil {
		t.Fatal("Options.Static must give a static figure with its plot")
	}
	leg := newSideLegend("")
	for _, n := range []string{"fit", "other", "truth"} {
		leg.add(n)
	}
	d := drawFigure(t, f, func(c draw.Canvas) draw.Canvas { return draw.Crop(c, 0, -leg.width((c.Max.X-c.Min.X)/3), 0, 0) })
	row := func(y float64) []color.NRGBA {
		var out []color.NRGBA
		for k := 1; k < 200; k++ {
			out = append(out, d.at(0.5+9*float64(k)/200, y))
		}
		return out
	}
	for _, w := range []struct {
		y      float64
		colour color.NRGBA
		dashed bool
	}{{1.13, paletteColor(0), false}, {2.07, paletteColor(0), true}, {3.21, paletteColor(1), false}} {
		on, off, runs := 0, 0, 0
		prev := true
		for _, c := range row(w.y) {
			switch c {
			case w.colour:
				on++
				if !prev {
					runs++
				}
				prev = true
			default:
				if min(c.R, c.G, c.B) > 200 { // white, or a light blend at a dash's end
					off++
				}
				prev = false
			}
		}
		if !w.dashed && off > 0 {
			t.Errorf("solid line at y = %g has %d white pixels", w.y, off)
		}
		if w.dashed {
			// 200 samples over 9 units; the dash period is 8 pt.
			frac := float64(off) / float64(on+off)
			if runs < 10 || frac < 0.25 || frac > 0.5 {
				t.Errorf("dashed line at y = %g: %d dashes, %.0f%% gaps, want many dashes with 3/8 gaps", w.y, runs, 100*frac)
			}
		}
		if on < 100 {
			t.Errorf("line at y = %g: only %d of 199 samples in %v", w.y, on, w.colour)
		}
	}
	if !strings.Contains(f.Text(), "dashed (truth): fit") {
		t.Errorf("text %q", f.Text())
	}
}

// Oracle: Bands with Static draws its bands and lines with gonum/plot and
// describes them like the interactive chart.
func TestStaticBandsHaveBandsAndDashes(t *testing.T) {
	tt := []float64{0, 1, 2}
	f, err := Bands(tt, []Band{{Name: "x₁", Mean: []float64{0, 1, 0}, Lower: []float64{-1, 0, -1}, Upper: []float64{1, 2, 1}},
		{Name: "x₁", Mean: []float64{0, 1.2, 0.1}}}, &Options{Static: true, Dashed: []bool{false, true}, DashedLabel: "true latent"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Interactive() || !strings.Contains(f.Text(), "shaded bands: x₁") || !strings.Contains(f.Text(), "dashed (true latent): x₁") {
		t.Errorf("static Bands: interactive %v, text %q", f.Interactive(), f.Text())
	}
	if _, err := f.Render(); err != nil {
		t.Fatal(err)
	}
}
