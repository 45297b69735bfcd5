package widgets

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

var someWords = strings.Fields("held-out log-likelihood per time bin below that of the true parameters " +
	"averaged over five seeds nats eigenvalue of the dynamics matrix A(θ) heading (rad) shortfall")

// Oracle: the invariants of fitting. The fitted text has the same words in
// the same order (it only breaks lines, unless it had to cut with "…"),
// every line fits, the font stays between the minimum and the original
// size, at most two lines are used above the minimum size and three at it,
// and text that already fits is returned unchanged.
func TestFitTextKeepsTheWordsAndFits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	base := text.Style{Font: font.From(sans, 11), Handler: plot.DefaultTextHandler}
	for trial := 0; trial < 300; trial++ {
		words := make([]string, 1+rng.IntN(14))
		for i := range words {
			words[i] = someWords[rng.IntN(len(someWords))]
		}
		s := strings.Join(words, " ")
		avail := vg.Points(20 + rng.Float64()*300)
		out, sty := fitText(s, base, avail)
		lines := strings.Split(out, "\n")
		if base.Width(s) <= avail && (out != s || sty.Font.Size != base.Font.Size) {
			t.Fatalf("%q fits in %v but was changed to %q at %v", s, avail, out, sty.Font.Size)
		}
		if sty.Font.Size < minTextSize || sty.Font.Size > base.Font.Size {
			t.Fatalf("%q in %v: size %v outside [%d, %v]", s, avail, sty.Font.Size, minTextSize, base.Font.Size)
		}
		if len(lines) > 3 || (len(lines) == 3 && sty.Font.Size > minTextSize) {
			t.Fatalf("%q in %v: %d lines at %v pt", s, avail, len(lines), sty.Font.Size)
		}
		for _, l := range lines {
			if w := sty.Width(l); w > avail {
				t.Fatalf("%q in %v: line %q is %v wide", s, avail, l, w)
			}
		}
		if !strings.HasSuffix(out, "…") && !slices.Equal(strings.Fields(out), words) {
			t.Fatalf("%q became %q: words changed", s, out)
		}
	}
	small := base
	small.Font.Size = 6
	if _, sty := fitText(strings.Join(someWords, " "), small, 100); sty.Font.Size != 6 {
		t.Errorf("a 6 pt text was set at %v pt; fitting must never enlarge a font", sty.Font.Size)
	}
}

// Oracle: the geometry gonum/plot lays out. A y label longer than the plot
// is tall shrinks the data area when drawn as is (negative control: the
// problem is real); fitted, the data area is exactly as tall as with a
// short label, the label is wrapped or smaller, and the caller's plot
// keeps its own label after drawing.
func TestLongYLabelKeepsTheDataArea(t *testing.T) {
	long := "held-out log-likelihood per time bin below that of the true parameters, averaged over five seeds (nats per bin)"
	mk := func(label string) *plot.Plot {
		p := NewPlot(&Options{Title: "t", XLabel: "training trials", YLabel: label})
		l, _ := plotter.NewLine(plotter.XYs{{X: 1, Y: 0.01}, {X: 80, Y: 2}})
		p.Add(l)
		return p
	}
	c := draw.New(vgimg.NewWith(vgimg.UseWH(pxToPt(640), pxToPt(300)), vgimg.UseDPI(pngDPI)))
	height := func(da draw.Canvas) vg.Length { return da.Max.Y - da.Min.Y }
	short := height(mk("shortfall").DataCanvas(c))
	p := mk(long)
	if raw := height(p.DataCanvas(c)); raw > 0.9*short {
		t.Fatalf("negative control: the unfitted long label leaves the data area %v tall of %v; expected gonum to shrink it", raw, short)
	}
	var fitted vg.Length
	var lbl string
	var size vg.Length
	withFittedText(p, c, func() {
		fitted = height(p.DataCanvas(c))
		lbl, size = p.Y.Label.Text, p.Y.Label.TextStyle.Font.Size
		p.Draw(c)
	})
	if math.Abs(float64(fitted-short)) > 0.01 {
		t.Errorf("fitted long label: data area %v tall, want %v as with a short label", fitted, short)
	}
	if !strings.Contains(lbl, "\n") && size >= 11 {
		t.Errorf("the label was neither wrapped nor reduced: %q at %v", lbl, size)
	}
	if p.Y.Label.Text != long || p.Y.Label.TextStyle.Font.Size != 11 {
		t.Errorf("the caller's label was not restored: %q at %v", p.Y.Label.Text, p.Y.Label.TextStyle.Font.Size)
	}
	t.Logf("label %q at %.1f pt; data area %.1f pt tall (unfitted %.1f)", lbl, size, fitted, height(p.DataCanvas(c)))
}

// Oracle: the option the chart is drawn from and the text metrics of the
// font ECharts is told to use (Liberation Sans, metric-compatible with
// Arial). A y name longer than the grid is tall is wrapped so every line
// fits the grid, the grid's left margin holds the gap and every line, the
// gap clears the widest tick label expected over the data, and a short
// name keeps the house layout (gap 50, left margin 72).
func TestLongAxisNamesFitTheGrid(t *testing.T) {
	type axis struct {
		Name          string `json:"name"`
		NameGap       int    `json:"nameGap"`
		NameTextStyle struct {
			FontSize float64 `json:"fontSize"`
		} `json:"nameTextStyle"`
	}
	type option struct {
		Grid struct{ Left, Right, Top, Bottom int } `json:"grid"`
		X    axis                                   `json:"xAxis"`
		Y    axis                                   `json:"yAxis"`
	}
	read := func(f *Figure) option {
		var o option
		js, err := f.Option()
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(js, &o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	long := "held-out log-likelihood per time bin below that of the true parameters, averaged over five seeds (nats per bin)"
	f, err := Lines(nil, [][]float64{{-120000, 5000, 300}}, &Options{YLabel: long, XLabel: long + " " + long, Height: 300, Width: 500})
	if err != nil {
		t.Fatal(err)
	}
	o := read(f)
	for _, c := range []struct {
		name  string
		a     axis
		avail int
	}{{"y", o.Y, 300 - o.Grid.Top - o.Grid.Bottom}, {"x", o.X, 500 - o.Grid.Left - o.Grid.Right}} {
		size := c.a.NameTextStyle.FontSize
		if size == 0 {
			size = 12
		}
		sty := text.Style{Font: font.From(sans, vg.Length(size)), Handler: plot.DefaultTextHandler}
		lines := strings.Split(c.a.Name, "\n")
		if len(lines) < 2 {
			t.Errorf("%s name not wrapped: %q", c.name, c.a.Name)
		}
		for _, l := range lines {
			if w := float64(sty.Width(l)); w > float64(c.avail) {
				t.Errorf("%s name line %q is %.0f px, the axis %d px", c.name, l, w, c.avail)
			}
		}
		if c.name == "y" && float64(o.Grid.Left) < float64(c.a.NameGap)+float64(len(lines))*size {
			t.Errorf("grid left %d cannot hold gap %d and %d lines of %g px", o.Grid.Left, c.a.NameGap, len(lines), size)
		}
	}
	tick := float64(text.Style{Font: font.From(sans, 12), Handler: plot.DefaultTextHandler}.Width("-120,000"))
	if float64(o.Y.NameGap) < tick+8 {
		t.Errorf("y name gap %d does not clear the tick label \"-120,000\" (%.0f px + 8 px margin)", o.Y.NameGap, tick)
	}
	f, _ = Lines(nil, [][]float64{{0, 1, 2}}, &Options{YLabel: "rate (Hz)"})
	if o := read(f); o.Y.NameGap != 50 || o.Grid.Left != 72 || o.Y.Name != "rate (Hz)" || o.Grid.Bottom != 84 {
		t.Errorf("a short name changed the layout: %+v", o)
	}
}

// Oracle: ECharts' own formatting of axis labels (thousands separators,
// fixed decimals).
func TestEChartsNumberFormatsLikeAxisLabels(t *testing.T) {
	for _, c := range []struct {
		v    float64
		d    int
		want string
	}{{-120000, 0, "-120,000"}, {1234.5, 1, "1,234.5"}, {0.25, 2, "0.25"}, {-0.0, 1, "0.0"}, {999, 0, "999"}} {
		if got := echartsNumber(c.v, c.d); got != c.want {
			t.Errorf("echartsNumber(%v, %d) = %q, want %q", c.v, c.d, got, c.want)
		}
	}
}

// Oracle: termination and sanity on extreme ranges (the tick estimate must
// not loop where adding a step does not change a float64).
func TestTickLabelWidthOnExtremeRanges(t *testing.T) {
	for _, r := range [][2]float64{{1e17, 1e17 + 16}, {-1e308, 1e308}, {0, 1e-12}, {math.NaN(), 1}, {5, 5}, {math.Inf(-1), 0}} {
		w := tickLabelWidth(r[0], r[1])
		if math.IsNaN(w) || w < 0 || w > 2000 {
			t.Errorf("tickLabelWidth(%v, %v) = %v", r[0], r[1], w)
		}
	}
}
