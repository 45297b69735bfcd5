package widgets_test

import (
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/neuronb/neuronb/neuro/spikes"
	"github.com/neuronb/neuronb/widgets"
)

func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }

// Outside a notebook, Show writes files (in a notebook it displays them).
func ExampleShow() {
	dir, _ := os.MkdirTemp("", "widgets-example")
	defer os.RemoveAll(dir)
	os.Setenv("NEURONB_OUT", dir)
	defer os.Unsetenv("NEURONB_OUT")

	t := []float64{0, 1, 2, 3}
	widgets.Show(widgets.Lines(t, [][]float64{{0, 1, 4, 9}}, &widgets.Options{Title: "Squares"}))
	widgets.Show(widgets.Raster([][]float64{{0.1, 0.4}, {0.2}}, &widgets.Options{Title: "Spikes"}))
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		fmt.Println(filepath.Base(f))
	}
	// Output:
	// spikes-1.png
	// squares-1.html
	// squares-1.png
}

func ExampleOutputDir() {
	os.Unsetenv("NEURONB_OUT")
	fmt.Println(widgets.OutputDir())
	// Output: neuronb-out
}

func ExampleRender() {
	b, _ := widgets.Render(widgets.Heatmap(mat.NewDense(2, 2, []float64{1, -1, 0, 2}), &widgets.Options{Width: 300, Height: 200}))
	fmt.Println(len(b.PNG) > 0, b.Width, b.Height)
	fmt.Println(b.Metadata())
	// Output:
	// true 300 200
	// map[image/png:map[height:200 width:300]]
}

func ExampleWriteFiles() {
	dir, _ := os.MkdirTemp("", "widgets-example")
	defer os.RemoveAll(dir)
	b, _ := widgets.Render(widgets.Spectrum([][]float64{{3, 2, 1}}, &widgets.Options{Title: "Eigen spectrum", SVG: true}))
	paths, _ := widgets.WriteFiles(b, dir)
	for _, p := range paths {
		fmt.Println(filepath.Base(p))
	}
	// Output:
	// eigen-spectrum-1.png
	// eigen-spectrum-1.svg
}

func ExampleLines() {
	t := make([]float64, 100000)
	y := make([]float64, len(t))
	for i := range t {
		t[i] = float64(i) / 1000
		y[i] = math.Sin(t[i])
	}
	f, _ := widgets.Lines(t, [][]float64{y}, &widgets.Options{XLabel: "time (s)", Names: []string{"sin"}})
	fmt.Println(f.Text())
	// Output:
	// Lines: 1 series × 100000 points (display: 2,000 of 100,000 points per series (LTTB); data unchanged)
	// x: time (s) in [0, 100]
	// y: value in [-1, 1]
	// series: sin
}

func ExamplePSTH() {
	trials := [][]float64{{0.01, 0.02, 0.15}, {0.05}, {0.12, 0.18}}
	psth, err := spikes.RateBand(trials, 0, 0.2, 0.05)
	if err != nil {
		panic(err)
	}
	psth.Name = "unit 7"
	f, err := widgets.PSTH([]*spikes.PSTH{psth}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(f.Text())
	// Output:
	// PSTH: 1 series × 4 points
	// x: time (s) in [0.025, 0.175]
	// y: rate (Hz) in [6.667, 13.33]
	// series: unit 7
	// shaded bands: unit 7
}

// An estimate with its 95% interval against the number of neurons, over a
// dashed reference.
func ExampleBands() {
	n := []float64{10, 20, 40, 80}
	f, err := widgets.Bands(n, []widgets.Band{
		{Name: "sample CKA", Mean: []float64{0.42, 0.55, 0.63, 0.68}, Lower: []float64{0.38, 0.52, 0.61, 0.67}, Upper: []float64{0.46, 0.58, 0.65, 0.69}},
		{Name: "population", Mean: []float64{0.7, 0.7, 0.7, 0.7}},
	}, &widgets.Options{XLabel: "neurons", YLabel: "CKA", Dashed: []bool{false, true}})
	if err != nil {
		panic(err)
	}
	fmt.Println(f.Text())
	// Output:
	// Bands: 2 series × 4 points
	// x: neurons in [10, 80]
	// y: CKA in [0.42, 0.7]
	// series: sample CKA, population
	// dashed: population
	// shaded bands: sample CKA
}

func ExampleTrajectories() {
	a := mat.NewDense(3, 2, []float64{0, 0, 1, 1, 2, 1})
	b := mat.NewDense(3, 2, []float64{0, 0, -1, 1, -2, 1})
	f, _ := widgets.Trajectories([]mat.Matrix{a, b}, []int{0, 1}, &widgets.Options{Names: []string{"left", "right"}})
	fmt.Println(f.Text())
	// Output:
	// Trajectories: 2 trials, 2 conditions (left, right), up to 3 steps
	// x: latent 1, y: latent 2; dots mark the starts
}

func ExampleHistogram() {
	f, _ := widgets.Histogram([][]float64{{1, 2, 2, 3, 3, 3, math.NaN()}}, 3, &widgets.Options{XLabel: "ISI (ms)"})
	fmt.Println(f.Text())
	// Output:
	// Histogram: 3 bins of width 0.6667 over [1, 3] of ISI (ms)
	// sample 1: n = 7
	// 1 NaN values ignored
}

func ExampleRaster() {
	f, _ := widgets.Raster([][]float64{{0.1, 0.5, 0.9}, {0.3}}, nil)
	fmt.Println(f.Text())
	// Output:
	// Raster: 2 rows (trial), 4 spikes, time (s) in [0.1, 0.9]
	// mean rate 2.5 per row per unit time
}

func ExampleFlowField() {
	x := []float64{-1, 0, 1}
	y := []float64{-1, 1}
	u := mat.NewDense(2, 3, []float64{1, 0, -1, 1, 0, -1}) // towards x = 0
	v := mat.NewDense(2, 3, nil)
	f, _ := widgets.FlowField(x, y, u, v, nil)
	fmt.Println(f.Text())
	// Output:
	// FlowField: 3×2 arrows over x₁ in [-1, 1], x₂ in [-1, 1]; speed from 0 to 1
}

func ExampleFlowFieldFunc() {
	// A damped rotation: ds/dt = A s with eigenvalues -0.1 ± i.
	f, _ := widgets.FlowFieldFunc(func(x, y float64) (float64, float64) {
		return -0.1*x - y, x - 0.1*y
	}, -2, 2, -2, 2, 21, &widgets.Options{Title: "Damped rotation"})
	fmt.Println(f.Text())
	// Output:
	// "Damped rotation" FlowField: 21×21 arrows over x₁ in [-2, 2], x₂ in [-2, 2]; speed from 0 to 2.843
}

func ExampleHeatmap() {
	sim := mat.NewDense(2, 2, []float64{1, 0.2, 0.2, 1})
	f, _ := widgets.Heatmap(sim, &widgets.Options{Scale: widgets.Sequential})
	fmt.Println(f.Text())
	// Output:
	// Heatmap: 2×2 matrix, values in [0.2, 1], sequential (viridis) colour scale [0.2, 1]
}

func ExampleSpectrum() {
	ev := []float64{1, 0.5, 0.25, 0.125, -1e-16}
	f, _ := widgets.Spectrum([][]float64{ev}, nil)
	fmt.Println(f.Text())
	// Output:
	// Spectrum (log-log, rank vs eigenvalue)
	// spectrum 1: 5 values, largest 1, smallest positive 0.125, 1 non-positive left out
}

func ExampleEigenPlane() {
	f, _ := widgets.EigenPlane([][]complex128{{0.9 + 0.2i, 0.9 - 0.2i, 1.05}}, nil)
	fmt.Println(f.Text())
	// Output:
	// EigenPlane: eigenvalues in the complex plane with the unit circle
	// set 1: 3 eigenvalues, spectral radius 1.05, 1 outside the unit circle
}

func ExampleSlider() {
	var frames []*widgets.Figure
	var labels []string
	for k := 0; k < 4; k++ {
		th := float64(k) * math.Pi / 4
		a := mat.NewDense(2, 2, []float64{math.Cos(th), -math.Sin(th), math.Sin(th), math.Cos(th)})
		f, _ := widgets.Heatmap(a, &widgets.Options{Width: 300, Height: 240})
		frames, labels = append(frames, f), append(labels, fmt.Sprintf("θ = %.2f", th))
	}
	c, _ := widgets.Slider("θ", labels, frames)
	b, _ := c.Render()
	fmt.Println(firstLine(b.Text))
	fmt.Println(strings.Count(b.HTML, "data:image/png;base64,"), "PNG frames")
	// Output:
	// Slider "θ" over 4 frames: θ = 0.00 … θ = 2.36
	// 4 PNG frames
}

func ExampleSelect() {
	var frames []*widgets.Figure
	names := []string{"slow", "fast"}
	for k, hz := range []float64{1, 5} {
		t := []float64{0, 0.1, 0.2, 0.3}
		y := make([]float64, len(t))
		for i := range t {
			y[i] = math.Sin(2 * math.Pi * hz * t[i])
		}
		f, _ := widgets.Lines(t, [][]float64{y}, &widgets.Options{Title: names[k]})
		frames = append(frames, f)
	}
	c, _ := widgets.Select("speed", names, frames)
	b, _ := c.Render()
	fmt.Println(firstLine(b.Text))
	// Output:
	// Select "speed" over 2 frames: slow … fast
}

func ExampleControl_Listen() {
	frames := make([]*widgets.Figure, 2)
	for i := range frames {
		frames[i], _ = widgets.Raster([][]float64{{float64(i)}}, nil)
	}
	c, _ := widgets.Slider("k", []string{"0", "1"}, frames)
	// Outside a notebook, or with NEURONB_HEADLESS=1, Listen returns at once.
	start := time.Now()
	_ = c.Listen(time.Hour, func(i int) { fmt.Println("frame", i) })
	fmt.Println(time.Since(start) < time.Minute)
	// Output: true
}

func ExampleHeadless() {
	os.Setenv(widgets.HeadlessEnv, "1")
	defer os.Unsetenv(widgets.HeadlessEnv)
	fmt.Println(widgets.Headless())
	// Output: true
}

func ExampleNewProgress() {
	// In a notebook: one bar updated in place; here: a text bar on stderr.
	p := widgets.NewProgress("EM", 3, "log-likelihood")
	for i := 1; i <= 3; i++ {
		p.Update(i, 3, -100/float64(i)) // the neuro Settings.Progress signature
	}
	p.Done()
	fmt.Println("fitted")
	// Output: fitted
}

func ExampleDownsampler_Indices() {
	y := []float64{0, 0, 0, 5, 0, 0, 0, 0, -3, 0, 0}
	fmt.Println(widgets.LTTB.Indices(nil, y, 5))
	fmt.Println(widgets.MinMax.Indices(nil, y, 4))
	// Output:
	// [0 3 4 8 10]
	// [0 1 3 5 8 10]
}

func ExampleFromPlot() {
	p := plot.New()
	p.Title.Text = "sqrt"
	xy := plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}, {X: 4, Y: 2}}
	l, _ := plotter.NewLine(xy)
	p.Add(l)
	f, _ := widgets.FromPlot(p, &widgets.Options{Width: 400, Height: 300, SVG: true})
	b, _ := f.Render()
	fmt.Println(strings.HasPrefix(b.SVG, "<?xml"), b.Width, b.Height)
	// Output: true 400 300
}

func ExampleFromImage() {
	img := image.NewGray(image.Rect(0, 0, 64, 32))
	f, _ := widgets.FromImage(img, nil)
	w, h := f.Size()
	fmt.Println(f.Text(), w, h)
	// Output: image 64×32 pixels 32 16
}

func ExampleFromECharts() {
	bar := charts.NewBar()
	bar.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: "Counts"}))
	bar.SetXAxis([]string{"a", "b"}).AddSeries("n", []opts.BarData{{Value: 2}, {Value: 3}})
	f, _ := widgets.FromECharts(bar)
	fmt.Println(f.Text())
	fmt.Println(f.Interactive())
	// Output:
	// ECharts chart 900×500 px "Counts"
	// bar series "n"
	// true
}

func ExampleFigure_Plot() {
	f, _ := widgets.FlowFieldFunc(func(x, y float64) (float64, float64) { return -x, -y }, -1, 1, -1, 1, 9, nil)
	// Static figures expose their gonum plot: add a fixed point.
	s, _ := plotter.NewScatter(plotter.XYs{{X: 0, Y: 0}})
	f.Plot().Add(s)
	b, _ := f.Render()
	fmt.Println(len(b.PNG) > 0)
	// Output: true
}

func ExampleScatter() {
	// Latent states on a ring, coloured by the heading that produced them.
	var x, y, heading []float64
	for k := 0; k < 8; k++ {
		th := float64(k) * math.Pi / 4
		x, y, heading = append(x, math.Cos(th)), append(y, math.Sin(th)), append(heading, th)
	}
	f, _ := widgets.Scatter(x, y, heading, &widgets.Options{Scale: widgets.Cyclic, ColorLabel: "heading θ (rad)", XLabel: "latent 1", YLabel: "latent 2"})
	fmt.Println(f.Text())
	// Output:
	// Scatter: 8 points, latent 1 in [-1, 1], latent 2 in [-1, 1]
	// colour: heading θ (rad) in [0, 5.498], cyclic (twilight) scale [0, 6.283] (wrapped)
}

func ExampleNewPlot() {
	// A custom static chart in the house style: error bars on log axes.
	o := &widgets.Options{Title: "Shortfall", XLabel: "training trials", YLabel: "nats per bin", Width: 480, Height: 320}
	p := widgets.NewPlot(o)
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	xy := plotter.XYs{{X: 2, Y: 1.8}, {X: 10, Y: 0.12}, {X: 80, Y: 0.008}}
	l, pts, _ := plotter.NewLinePoints(xy)
	l.Color, pts.Color = widgets.PaletteColor(0), widgets.PaletteColor(0)
	p.Add(l, pts)
	f, _ := widgets.FromPlot(p, o)
	fmt.Println(f.Text())
	// Output:
	// gonum/plot figure 480×320 px "Shortfall"
	// x: training trials in [2, 80]
	// y: nats per bin in [0.008, 1.8]
}

func ExamplePaletteColor() {
	fmt.Println(widgets.PaletteColor(0), widgets.PaletteColor(9) == widgets.PaletteColor(1))
	// Output: {0 114 178 255} true
}

func ExampleLines_reference() {
	// A fit (solid) and the ground truth (dashed), paired by name: one
	// colour and one legend entry per pair.
	theta := []float64{0, math.Pi / 2, math.Pi, 3 * math.Pi / 2}
	fit := []float64{0.02, 0.97, 0.01, -0.95}
	truth := []float64{0, 1, 0, -1}
	f, _ := widgets.Lines(theta, [][]float64{fit, truth}, &widgets.Options{
		XLabel: "heading θ (rad)", YLabel: "b₂(θ)", Names: []string{"b₂", "b₂"},
		Dashed: []bool{false, true}, DashedLabel: "truth", Static: true})
	fmt.Println(f.Text())
	// Output:
	// Lines: 2 series × 4 points
	// x: heading θ (rad) in [0, 4.712]
	// y: b₂(θ) in [-1, 1]
	// series: b₂, b₂
	// dashed (truth): b₂
}

func ExampleLineStyle() {
	// The true ring of fixed points, dashed black, over a custom plot.
	p := widgets.NewPlot(&widgets.Options{XLabel: "latent x₁", YLabel: "latent x₂"})
	ring := make(plotter.XYs, 101)
	for k := range ring {
		ring[k].Y, ring[k].X = math.Sincos(2 * math.Pi * float64(k) / 100)
	}
	l, _ := plotter.NewLine(ring)
	l.LineStyle = widgets.LineStyle(6, true) // Palette colour 6 is black
	p.Add(l)
	fmt.Println(l.Color, l.Width, l.Dashes)
	// Output: {0 0 0 255} 1.5 [5 3]
}
