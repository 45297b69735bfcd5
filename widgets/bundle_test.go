package widgets

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"image/png"
	"io"
	"math"
	"math/cmplx"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
	"github.com/janpfeifer/gonb/gonbui/protocol"
	"github.com/neuronb/neuronb/neuro/spikes"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"

	"github.com/neuronb/neuronb/widgets/internal/echartsjs"
)

// staticFigures builds one figure of every static chart type.
func staticFigures(t *testing.T, o *Options) map[string]*Figure {
	t.Helper()
	figs := map[string]*Figure{}
	add := func(name string, f *Figure, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		figs[name] = f
	}
	f, err := Raster([][]float64{{0.1, 0.5}, {0.2, 0.9}, {}}, o)
	add("raster", f, err)
	f, err = FlowFieldFunc(func(x, y float64) (float64, float64) { return -y, x }, -1, 1, -1, 1, 6, o)
	add("flowfield", f, err)
	f, err = Heatmap(mat.NewDense(3, 4, []float64{1, -2, 3, 0, 0.5, 1, -1, 2, 0, 0, 1, 1}), o)
	add("heatmap", f, err)
	f, err = Spectrum([][]float64{{4, 2, 1, 0.5, -1e-12}}, o)
	add("spectrum", f, err)
	f, err = EigenPlane([][]complex128{{0.5 + 0.5i, 0.5 - 0.5i, 1.2}}, o)
	add("eigenplane", f, err)
	p := plot.New()
	p.Title.Text = "p"
	f, err = FromPlot(p, o)
	add("plot", f, err)
	return figs
}

// Oracle: image/png decoding by the standard library; the 2× rendering
// must have exactly twice the display size in pixels (±1 for rounding of
// the point size), and the metadata must ask front ends to show it at 1×.
func TestStaticPNGDecodesAtTwiceDisplaySize(t *testing.T) {
	for _, size := range [][2]int{{0, 0}, {333, 211}} {
		o := &Options{Width: size[0], Height: size[1], Title: "t"}
		for name, f := range staticFigures(t, o) {
			b, err := f.Render()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			img, err := png.Decode(bytes.NewReader(b.PNG))
			if err != nil {
				t.Fatalf("%s: PNG does not decode: %v", name, err)
			}
			w, h := f.Size()
			got := img.Bounds().Size()
			if abs(got.X-2*w) > 1 || abs(got.Y-2*h) > 1 {
				t.Errorf("%s: PNG is %v, want 2×(%d×%d)", name, got, w, h)
			}
			if size[0] > 0 && (w != size[0] || h != size[1]) {
				t.Errorf("%s: size %d×%d, want the requested %v", name, w, h, size)
			}
			md := b.Metadata()["image/png"].(map[string]any)
			if md["width"] != w || md["height"] != h {
				t.Errorf("%s: metadata %v, want width %d height %d", name, md, w, h)
			}
			if b.HTML != "" || b.SVG != "" {
				t.Errorf("%s: SVG/HTML present without Options.SVG", name)
			}
			if _, ok := b.Data()[protocol.MIMETextPlain]; !ok || b.Text == "" {
				t.Errorf("%s: no text/plain description", name)
			}
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Oracle: encoding/xml must parse the whole SVG document; its fonts are
// embedded (@font-face with data), and the HTML rendering is an <img> whose
// data URL decodes back to the same document.
func TestSVGParsesWithEmbeddedFonts(t *testing.T) {
	for name, f := range staticFigures(t, &Options{SVG: true, Title: "Embedded"}) {
		b, err := f.Render()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		dec := xml.NewDecoder(strings.NewReader(b.SVG))
		root := ""
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: SVG does not parse: %v", name, err)
			}
			if se, ok := tok.(xml.StartElement); ok && root == "" {
				root = se.Name.Local
			}
		}
		if root != "svg" {
			t.Errorf("%s: root element %q, want svg", name, root)
		}
		if !strings.Contains(b.SVG, "@font-face") {
			t.Errorf("%s: SVG fonts are not embedded", name)
		}
		m := regexp.MustCompile(`src="data:image/svg\+xml;base64,([^"]+)"`).FindStringSubmatch(b.HTML)
		if m == nil {
			t.Fatalf("%s: HTML is not an <img> of the SVG: %.200s", name, b.HTML)
		}
		raw, err := base64.StdEncoding.DecodeString(m[1])
		if err != nil || string(raw) != b.SVG {
			t.Errorf("%s: <img> data URL does not hold the SVG (%v)", name, err)
		}
		if b.PNG == nil {
			t.Errorf("%s: PNG fallback missing next to the SVG", name)
		}
	}
}

// interactiveFigures builds one figure of every interactive chart type.
func interactiveFigures(t *testing.T) map[string]*Figure {
	t.Helper()
	x := []float64{0, 1, 2, 3}
	figs := map[string]*Figure{}
	var err error
	if figs["lines"], err = Lines(x, [][]float64{{1, 2, 3, 2}, {0, math.NaN(), 1, 1}}, &Options{Title: `a "quoted" </script> title`}); err != nil {
		t.Fatal(err)
	}
	if figs["bands"], err = Bands(x, []Band{{Name: "u", Mean: []float64{1, 2, 3, 2}, Lower: []float64{0, 1, 2, 1}, Upper: []float64{2, 3, 4, 3}}}, nil); err != nil {
		t.Fatal(err)
	}
	if figs["psth"], err = PSTH([]*spikes.PSTH{{Name: "unit 3", Centres: x, Mean: []float64{1, 2, 3, 2}, Lower: []float64{0, 1, 2, 1}, Upper: []float64{2, 3, 4, 3}}}, nil); err != nil {
		t.Fatal(err)
	}
	if figs["trajectories"], err = Trajectories([]mat.Matrix{mat.NewDense(3, 2, []float64{0, 0, 1, 1, 2, 0})}, []int{0}, nil); err != nil {
		t.Fatal(err)
	}
	if figs["histogram"], err = Histogram([][]float64{{1, 2, 2, 3, 3, 3}}, 3, nil); err != nil {
		t.Fatal(err)
	}
	return figs
}

// scriptBodies returns the contents of every <script> element of h.
func scriptBodies(h string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`(?s)<script[^>]*>(.*?)</script>`).FindAllStringSubmatch(h, -1) {
		out = append(out, m[1])
	}
	return out
}

// Oracle: the structure the loader relies on, read from the HTML text:
// one container with a fresh id per output, the library exactly once, one
// script whose code is a single IIFE (nothing declared at page level), and
// an option that parses as JSON with the figure's title in it.
func TestInteractiveHTMLHasOneContainerAndTheLibraryOnce(t *testing.T) {
	lib := echartsjs.GzipBase64()
	containers := regexp.MustCompile(`data-neuronb="(nb[0-9a-f]{24})"`)
	for name, f := range interactiveFigures(t) {
		ids := map[string]bool{}
		for k := 0; k < 2; k++ { // the same figure shown twice
			b, err := f.Render()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			m := containers.FindAllStringSubmatch(b.HTML, -1)
			if len(m) != 1 {
				t.Fatalf("%s: %d containers, want 1", name, len(m))
			}
			if ids[m[0][1]] {
				t.Errorf("%s: id %s reused by a second output", name, m[0][1])
			}
			ids[m[0][1]] = true
			if n := strings.Count(b.HTML, lib); n != 1 {
				t.Errorf("%s: ECharts carried %d times, want 1", name, n)
			}
			if n := strings.Count(b.HTML, "function lib()"); n != 1 {
				t.Errorf("%s: loader present %d times, want 1", name, n)
			}
			scripts := scriptBodies(b.HTML)
			if len(scripts) != 1 {
				t.Fatalf("%s: %d scripts, want 1", name, len(scripts))
			}
			body := strings.TrimSpace(scripts[0])
			if !strings.HasPrefix(body, "(function () {") || !strings.HasSuffix(body, "})();") {
				t.Errorf("%s: script is not one IIFE: %.40s … %.20s", name, body, body[max(0, len(body)-20):])
			}
			if strings.Count(strings.ToLower(b.HTML), "</script") != 1 {
				t.Errorf("%s: a </script> inside the script would end it early", name)
			}
			// HTML (with the picture inside the container), the same
			// picture as image/png for exports without HTML, and text.
			if b.PNG == nil || b.Text == "" {
				t.Errorf("%s: want HTML, image/png and text/plain", name)
			}
			if want := base64.StdEncoding.EncodeToString(b.PNG); !strings.Contains(b.HTML, `src="data:image/png;base64,`+want+`"`) {
				t.Errorf("%s: the image/png is not the picture inside the HTML container", name)
			}
		}
		opt, err := f.Option()
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(opt, &v); err != nil {
			t.Fatalf("%s: option is not JSON: %v", name, err)
		}
		if _, ok := v["series"].([]any); !ok {
			t.Errorf("%s: option has no series array", name)
		}
		b, _ := f.Render()
		if !strings.Contains(b.HTML, string(opt)) {
			t.Errorf("%s: the HTML does not carry the option JSON verbatim", name)
		}
	}
	var v struct {
		Title struct{ Text string } `json:"title"`
	}
	opt, _ := interactiveFigures(t)["lines"].Option()
	if err := json.Unmarshal(opt, &v); err != nil || v.Title.Text != `a "quoted" </script> title` {
		t.Errorf("title round trip = %q, %v", v.Title.Text, err)
	}
}

// Oracle: the go-echarts snippet's own chart id must be gone (replaced by a
// fresh id per output), its `let` declarations must sit inside the IIFE,
// and showing the chart twice gives two ids.
func TestGoEChartsChartGetsAFreshIDPerOutput(t *testing.T) {
	bar := charts.NewBar()
	bar.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: "</script><b>x</b>"}))
	bar.SetXAxis([]string{"a", "b"}).AddSeries("n", []opts.BarData{{Value: 1}, {Value: 2}})
	f, err := FromECharts(bar)
	if err != nil {
		t.Fatal(err)
	}
	b1, err := Render(bar)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := f.Render()
	orig := f.goe.chartID
	for _, b := range []*Bundle{b1, b2} {
		if strings.Contains(b.HTML, orig) {
			t.Errorf("go-echarts id %s still in the output", orig)
		}
		s := scriptBodies(b.HTML)
		if len(s) != 1 || !strings.HasPrefix(strings.TrimSpace(s[0]), "(function () {") {
			t.Fatalf("want one IIFE script, got %d", len(s))
		}
		if !strings.Contains(s[0], "let goecharts_nb") {
			t.Errorf("go-echarts instance not renamed to the output id")
		}
		if strings.Count(strings.ToLower(b.HTML), "</script") != 1 {
			t.Errorf("a title with </script> ends the script early")
		}
	}
	id := regexp.MustCompile(`data-neuronb="(nb[0-9a-f]+)"`)
	if id.FindString(b1.HTML) == id.FindString(b2.HTML) {
		t.Errorf("the same chart shown twice reuses its id")
	}
	if !strings.Contains(b1.Text, "bar series") {
		t.Errorf("text does not describe the series: %q", b1.Text)
	}
}

func TestGoEChartsNeedingOtherAssetsIsRefused(t *testing.T) {
	bar := charts.NewBar()
	bar.SetGlobalOptions(charts.WithInitializationOpts(opts.Initialization{Theme: types.ThemeChalk}))
	bar.SetXAxis([]string{"a"}).AddSeries("n", []opts.BarData{{Value: 1}})
	_, err := FromECharts(bar)
	if err == nil || !strings.Contains(err.Error(), "chalk") {
		t.Fatalf("err = %v, want a refusal naming the chalk theme", err)
	}
}

// Oracle: the input slices, compared element by element before and after;
// the option's point count; the note on the figure.
func TestLinesDownsample100kPointsAndSaySo(t *testing.T) {
	x, ys := benchSeries(2, 100000)
	keep := append([]float64(nil), ys[0]...)
	for _, d := range []Downsampler{LTTB, MinMax} {
		f, err := Lines(x, ys, &Options{Downsample: d})
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Title  struct{ Subtext string } `json:"title"`
			Series []struct {
				Data [][2]float64 `json:"data"`
			} `json:"series"`
		}
		opt, _ := f.Option()
		if err := json.Unmarshal(opt, &v); err != nil {
			t.Fatal(err)
		}
		for i, s := range v.Series {
			if len(s.Data) > DefaultMaxPoints+2 || len(s.Data) < DefaultMaxPoints/2 {
				t.Errorf("%v: series %d sends %d points, want about %d", d, i, len(s.Data), DefaultMaxPoints)
			}
		}
		if !strings.Contains(v.Title.Subtext, "of 100,000 points") || !strings.Contains(f.Text(), "100,000") {
			t.Errorf("%v: figure does not say it is downsampled: %q / %q", d, v.Title.Subtext, f.Text())
		}
	}
	for i := range keep {
		if keep[i] != ys[0][i] {
			t.Fatalf("caller's data changed at %d", i)
		}
	}
	f, _ := Lines(x[:500], [][]float64{ys[0][:500]}, nil)
	if strings.Contains(f.Text(), "display:") {
		t.Errorf("a 500-point series was marked downsampled: %q", f.Text())
	}
}

// Oracle: the exact wording of the errors (argument, index, shape).
func TestBadInputErrorsNameArgumentAndIndex(t *testing.T) {
	x := []float64{0, 1, 2}
	cases := []struct {
		name string
		err  func() error
		want string
	}{
		{"lines length", func() error { _, err := Lines(x, [][]float64{{1, 2, 3}, {1, 2}}, nil); return err }, "ys[1] has 2 points, x has 3"},
		{"lines order", func() error { _, err := Lines([]float64{0, 2, 1}, [][]float64{{1, 2, 3}}, nil); return err }, "x decreases at index 2"},
		{"lines names", func() error {
			_, err := Lines(x, [][]float64{{1, 2, 3}}, &Options{Names: []string{"a", "b"}})
			return err
		}, "2 names for 1 series"},
		{"width", func() error { _, err := Lines(x, [][]float64{{1, 2, 3}}, &Options{Width: 99999}); return err }, "Options.Width = 99999"},
		{"band order", func() error {
			_, err := Bands(x, []Band{{Mean: []float64{1, 1, 1}, Lower: []float64{0, 2, 0}, Upper: []float64{2, 1, 2}}}, nil)
			return err
		}, "Bands: bands[0].Lower[1] = 2 > Upper[1] = 1"},
		{"heatmap inf", func() error { _, err := Heatmap(mat.NewDense(2, 2, []float64{0, 0, math.Inf(1), 0}), nil); return err }, "m[1,0] is +Inf"},
		{"trajectory shape", func() error {
			_, err := Trajectories([]mat.Matrix{mat.NewDense(3, 2, nil), mat.NewDense(3, 1, nil)}, nil, nil)
			return err
		}, "trials[1] is 3×1"},
		{"flow shape", func() error {
			_, err := FlowField(x, x, mat.NewDense(3, 3, nil), mat.NewDense(2, 3, nil), nil)
			return err
		}, "v is 2×3, want len(y)×len(x) = 3×3"},
		{"raster nan", func() error { _, err := Raster([][]float64{{0.1}, {math.NaN()}}, nil); return err }, "trains[1][0] = NaN"},
		{"spectrum nan", func() error { _, err := Spectrum([][]float64{{1, math.NaN()}}, nil); return err }, "spectra[0][1] = NaN"},
		{"eigen inf", func() error { _, err := EigenPlane([][]complex128{{1, cmplx.Inf()}}, nil); return err }, "sets[0][1]"},
		{"histogram inf", func() error { _, err := Histogram([][]float64{{1}, {2, math.Inf(-1)}}, 0, nil); return err }, "samples[1][1] is -Inf"},
		{"psth bins", func() error {
			_, err := PSTH([]*spikes.PSTH{{Centres: x, Mean: x}, {Centres: x[:2], Mean: x[:2]}}, nil)
			return err
		}, "psths[1] has other bin centres than psths[0] (2 bins from 0 vs 3 from 0)"},
		{"psth empty", func() error { _, err := PSTH(nil, nil); return err }, "PSTH: psths is empty"},
		{"slider labels", func() error {
			f, _ := Raster([][]float64{{1}}, nil)
			_, err := Slider("k", []string{"a", "b"}, []*Figure{f})
			return err
		}, "2 labels for 1 frames"},
		{"slider mixed", func() error {
			s, _ := Raster([][]float64{{1}}, nil)
			l, _ := Lines(nil, [][]float64{{1, 2}}, nil)
			_, err := Select("k", []string{"a", "b"}, []*Figure{s, l})
			return err
		}, "frames[1] is interactive (lines) but frames[0] is static (raster)"},
		{"show type", func() error { _, err := Render(42); return err }, "cannot show a int"},
	}
	for _, c := range cases {
		err := c.err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

// Oracle: the files on disk, decoded by image/png, and the recorder's view
// of what a notebook would receive.
func TestShowWritesFilesOutsideANotebookAndOneOutputInside(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("NEURONB_OUT", dir)
	f, err := Heatmap(mat.NewDense(2, 2, []float64{1, 2, 3, 4}), &Options{Title: "My Matrix!", Scale: Sequential})
	if err != nil {
		t.Fatal(err)
	}
	if err := Show(f); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "my-matrix-1.png"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	l, _ := Lines(nil, [][]float64{{1, 2, 3}}, nil)
	if err := Show(l); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "lines-1.html"))
	if err != nil || !bytes.HasPrefix(page, []byte("<!DOCTYPE html>")) || !bytes.Contains(page, []byte("data-neuronb=")) {
		t.Fatalf("standalone page missing or wrong (%v)", err)
	}

	rec := record(t)
	if err := Show(f); err != nil {
		t.Fatal(err)
	}
	if err := Show(Lines(nil, [][]float64{{1, 2, 3}}, nil)); err != nil {
		t.Fatal(err)
	}
	if err := Show(Lines(nil, nil, nil)); err == nil {
		t.Fatal("Show of a constructor error returned nil")
	}
	if len(rec.sends) != 2 || rec.syncs != 2 {
		t.Fatalf("%d outputs, %d syncs; want 2 and 2", len(rec.sends), rec.syncs)
	}
	if _, ok := rec.sends[0].Data[protocol.MIMEImagePNG].([]byte); !ok || rec.sends[0].DisplayID != "" {
		t.Errorf("static figure: want a PNG output without display id, got %v", keys(rec.sends[0].Data))
	}
	if _, ok := rec.sends[1].Data[protocol.MIMETextHTML].(string); !ok {
		t.Errorf("interactive figure: want text/html, got %v", keys(rec.sends[1].Data))
	}
}

func keys(m map[protocol.MIMEType]any) []string {
	var k []string
	for key := range m {
		k = append(k, string(key))
	}
	return k
}
