package widgets

import (
	"bytes"
	"encoding/json"
	"image/png"
	"math"
	"slices"
	"testing"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"gonum.org/v1/gonum/mat"
)

// optionFacts is what the test reads from an ECharts option by itself (the
// oracle the picture is checked against): the data range of every series a
// picture draws, how many such series there are, and the legend.
type optionFacts struct {
	xmin, xmax, ymin, ymax float64
	series                 int
	legend                 []string
	category               int // category labels on x, 0 for a value axis
}

func readFacts(t *testing.T, raw []byte) optionFacts {
	t.Helper()
	var o struct {
		Legend struct {
			Data []string `json:"data"`
		} `json:"legend"`
		XAxis  json.RawMessage `json:"xAxis"`
		Series []struct {
			Type       string            `json:"type"`
			RenderItem string            `json:"renderItem"`
			Data       []json.RawMessage `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		t.Fatalf("option: %v", err)
	}
	var xAxis struct {
		Type string `json:"type"`
		Data []any  `json:"data"`
	}
	if len(o.XAxis) > 0 && o.XAxis[0] == '[' {
		var axes []json.RawMessage
		if err := json.Unmarshal(o.XAxis, &axes); err != nil || len(axes) == 0 {
			t.Fatalf("xAxis: %v", err)
		}
		o.XAxis = axes[0]
	}
	if len(o.XAxis) > 0 {
		if err := json.Unmarshal(o.XAxis, &xAxis); err != nil {
			t.Fatalf("xAxis: %v", err)
		}
	}
	// ECharts' default x axis type is "category" (its documentation).
	category := xAxis.Type == "category" || xAxis.Type == "" && len(xAxis.Data) > 0
	f := optionFacts{xmin: math.Inf(1), xmax: math.Inf(-1), ymin: math.Inf(1), ymax: math.Inf(-1), legend: o.Legend.Data}
	see := func(x, y float64) {
		if math.IsNaN(x) || math.IsNaN(y) {
			return
		}
		f.xmin, f.xmax = math.Min(f.xmin, x), math.Max(f.xmax, x)
		f.ymin, f.ymax = math.Min(f.ymin, y), math.Max(f.ymax, y)
	}
	for _, s := range o.Series {
		switch {
		case s.Type == "line", s.Type == "scatter", s.Type == "custom" && s.RenderItem == "neuronb:band":
		case s.Type == "bar" && category:
		default:
			continue
		}
		f.series++
		for i, d := range s.Data {
			var item struct{ Value json.RawMessage }
			if json.Unmarshal(d, &item) == nil && len(item.Value) > 0 {
				d = item.Value // {value: …}
			}
			var row []*float64
			var num *float64
			switch {
			case json.Unmarshal(d, &row) == nil:
			case json.Unmarshal(d, &num) == nil:
				row = []*float64{ptr(float64(i)), num}
			}
			vals := make([]float64, len(row))
			for k, v := range row {
				vals[k] = math.NaN()
				if v != nil {
					vals[k] = *v
				}
			}
			if s.Type == "bar" {
				see(float64(i), 0)
			}
			for k := 1; k < len(vals); k++ {
				see(vals[0], vals[k])
			}
		}
	}
	if category {
		f.category = len(xAxis.Data)
		f.xmin, f.xmax = -0.5, float64(f.category)-0.5
	}
	return f
}

func ptr(v float64) *float64 { return &v }

// pictureFigures are interactive charts of every kind this package makes,
// plus go-echarts charts, with the features the picture must carry: gaps,
// dashed references and their legend key, bands, conditions and starts,
// overlapping histograms, category bars.
func pictureFigures(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	add := func(name string, f *Figure, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		opt, err := f.Option()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = opt
	}
	x := []float64{0, 1, 2, 3, 4}
	f, err := Lines(x, [][]float64{{1, 2, 3, 2, 5}, {0, math.NaN(), -1, 1, 1}, {1, 2, 3, 2, 4}},
		&Options{Names: []string{"fit", "other", "fit"}, Dashed: []bool{false, false, true}, DashedLabel: "truth", Title: "lines"})
	add("lines", f, err)
	f, err = Bands(x, []Band{{Name: "u", Mean: []float64{1, 2, 3, 2, 1}, Lower: []float64{0, 1, 2, 1, 0}, Upper: []float64{2, 3, 4.5, 3, 2}},
		{Name: "v", Mean: []float64{3, 3, 3, 3, 3}}}, nil)
	add("bands", f, err)
	f, err = Trajectories([]mat.Matrix{mat.NewDense(3, 2, []float64{0, 0, 1, 1, 2, 0}), mat.NewDense(2, 2, []float64{-1, 3, 0, 2})}, []int{0, 1}, nil)
	add("trajectories", f, err)
	f, err = Histogram([][]float64{{1, 2, 2, 3, 3, 3}, {2, 2, 2, 2}}, 3, &Options{Names: []string{"a", "b"}})
	add("histogram", f, err)

	bar := charts.NewBar()
	bar.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: "go-echarts bars"}), charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true)}))
	bar.SetXAxis([]string{"a", "b", "c"}).AddSeries("n", []opts.BarData{{Value: 1}, {Value: 4}, {Value: 2}}).
		AddSeries("m", []opts.BarData{{Value: 3}, {Value: 1}, {Value: 0.5}})
	line := charts.NewLine()
	line.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: "go-echarts line"}))
	line.SetXAxis([]string{"mon", "tue", "wed", "thu"}).AddSeries("visits", []opts.LineData{{Value: 5}, {Value: 7}, {Value: 3}, {Value: 8}})
	for name, c := range map[string]EChartsChart{"goecharts-bar": bar, "goecharts-line": line} {
		g, err := FromECharts(c)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = []byte(g.goe.option)
	}
	return out
}

// TestPictureMatchesItsOption: the picture gonum/plot draws from an
// interactive chart's ECharts option shows the option's data range on both
// axes, every series, and the legend the option names, and is not blank.
// The oracle is the option JSON, read by the test itself.
func TestPictureMatchesItsOption(t *testing.T) {
	for name, raw := range pictureFigures(t) {
		t.Run(name, func(t *testing.T) {
			want := readFacts(t, raw)
			pic, err := optionPicture(raw)
			if err != nil {
				t.Fatal(err)
			}
			p := pic.plot
			for _, c := range []struct {
				axis          string
				got, wantDiff float64
			}{{"x min", p.X.Min, want.xmin}, {"x max", p.X.Max, want.xmax}, {"y min", p.Y.Min, want.ymin}, {"y max", p.Y.Max, want.ymax}} {
				if math.Abs(c.got-c.wantDiff) > 1e-9*math.Max(1, math.Abs(c.wantDiff)) {
					t.Errorf("%s = %v, option's data say %v", c.axis, c.got, c.wantDiff)
				}
			}
			if pic.series != want.series || len(pic.skipped) > 0 {
				t.Errorf("drew %d series (skipped %v), option has %d drawable", pic.series, pic.skipped, want.series)
			}
			if len(want.legend) > 0 && !slices.Equal(pic.legend, want.legend) {
				t.Errorf("legend %q, option's %q", pic.legend, want.legend)
			}
			img, err := pic.png(600, 360)
			if err != nil {
				t.Fatal(err)
			}
			if frac := inkFraction(t, img); frac < 0.01 {
				t.Errorf("picture is %.2f%% ink: blank", 100*frac)
			}
		})
	}
}

// inkFraction is the share of a PNG's pixels that are not white.
func inkFraction(t *testing.T, data []byte) float64 {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				ink++
			}
		}
	}
	return float64(ink) / float64(b.Dx()*b.Dy())
}

// TestPictureNamesWhatItCannotDraw: a series type the picture does not
// draw is left out and said so, never silently.
func TestPictureNamesWhatItCannotDraw(t *testing.T) {
	pic, err := optionPicture([]byte(`{"title":{"text":"pie"},"series":[{"type":"pie","data":[1,2]},{"type":"line","name":"l","data":[[0,1],[1,2]]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if pic.series != 1 || !slices.Equal(pic.skipped, []string{"pie"}) {
		t.Errorf("series %d, skipped %v", pic.series, pic.skipped)
	}
	if _, err := optionPicture([]byte(`{"series": [`)); err == nil {
		t.Error("a broken option was accepted")
	}
}

// TestPictureCostsAtMost150kBPerChart: the budget, measured on the
// JSON an output is stored as (base64 of the PNG inside the HTML and as
// image/png), for three 2000-point series, against the same chart with
// NoPicture.
func TestPictureCostsAtMost150kBPerChart(t *testing.T) {
	x, ys := benchSeries(3, 2000)
	stored := func(o *Options) int {
		f, err := Lines(x, ys, o)
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.Render()
		if err != nil {
			t.Fatal(err)
		}
		js, err := json.Marshal(b.Data())
		if err != nil {
			t.Fatal(err)
		}
		return len(js)
	}
	with, without := stored(&Options{Title: "budget"}), stored(&Options{Title: "budget", NoPicture: true})
	growth := with - without
	t.Logf("output %d kB with the picture, %d kB without: +%d kB", with/1024, without/1024, growth/1024)
	if growth > 150*1024 {
		t.Errorf("the picture adds %d kB to the stored output, budget 150 kB", growth/1024)
	}
}
