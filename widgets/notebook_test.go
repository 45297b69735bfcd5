package widgets

// Executed notebooks without a kernel: the widget calls run in this test
// process with the GoNB pipe replaced by a recorder, and the recorded
// display data become the outputs of an .ipynb, exactly as nbclient would
// store them (an update of a display id replaces that output in place).

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/janpfeifer/gonb/gonbui/protocol"
	"github.com/neuronb/neuronb/neuro/spikes"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// recorder stands in for GoNB: it keeps every display message in order.
type recorder struct {
	sends []*protocol.DisplayData
	syncs int
}

// record makes this test's Show and Progress calls go to a recorder, as
// inside a notebook, until the test ends.
func record(t *testing.T) *recorder {
	t.Helper()
	rec := &recorder{}
	saved := display
	display.notebook = func() bool { return true }
	display.send = func(d *protocol.DisplayData) { rec.sends = append(rec.sends, d) }
	display.sync = func() { rec.syncs++ }
	t.Cleanup(func() { display = saved })
	return rec
}

// outputs converts the messages into nbformat outputs, replacing the output
// of a known display id in place as nbclient does.
func (r *recorder) outputs() []map[string]any {
	var outs []map[string]any
	byID := map[string]int{}
	for _, d := range r.sends {
		data := map[string]any{}
		for mime, v := range d.Data {
			switch x := v.(type) {
			case []byte:
				data[string(mime)] = base64.StdEncoding.EncodeToString(x)
			default:
				data[string(mime)] = x
			}
		}
		meta := map[string]any{}
		for k, v := range d.Metadata {
			meta[k] = v
		}
		out := map[string]any{"output_type": "display_data", "data": data, "metadata": meta}
		if d.DisplayID != "" {
			out["transient"] = map[string]any{"display_id": d.DisplayID}
			if i, ok := byID[d.DisplayID]; ok {
				outs[i] = out
				continue
			}
			byID[d.DisplayID] = len(outs)
		}
		outs = append(outs, out)
	}
	for _, o := range outs {
		delete(o, "transient") // nbformat does not store it
	}
	return outs
}

// galleryCell is one code cell of the test notebook: its source (what a
// notebook author would write) and the calls that produce its outputs.
type galleryCell struct {
	source string
	run    func(t *testing.T)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// galleryCells shows every chart type and control, a figure twice, a
// go-echarts chart, a gonum plot and a progress bar.
func galleryCells() []galleryCell {
	rng := rand.New(rand.NewPCG(7, 11))
	t := make([]float64, 10000)
	ys := make([][]float64, 3)
	for i := range t {
		t[i] = float64(i) / 1000
	}
	for s := range ys {
		ys[s] = make([]float64, len(t))
		for i := range t {
			ys[s][i] = math.Sin(2*math.Pi*(float64(s)+1)*t[i]/3) + 0.1*rng.NormFloat64()
		}
	}
	trains := make([][]float64, 25)
	for i := range trains {
		for s := rng.ExpFloat64() / 15; s < 2; s += rng.ExpFloat64() / (15 + 25*math.Exp(-10*(s-0.5)*(s-0.5))) {
			trains[i] = append(trains[i], s)
		}
	}
	lines, _ := Lines(t, ys, &Options{Title: "Three noisy sines", XLabel: "time (s)", Names: []string{"1/3 Hz", "2/3 Hz", "1 Hz"}})
	rot := func(th float64) *mat.Dense {
		return mat.NewDense(2, 2, []float64{0.95 * math.Cos(th), -0.95 * math.Sin(th), 0.95 * math.Sin(th), 0.95 * math.Cos(th)})
	}
	return []galleryCell{
		{"widgets.Show(widgets.Lines(t, ys, opts))", func(tt *testing.T) { must(tt, Show(lines)) }},
		{"widgets.Show(lines) // the same figure again", func(tt *testing.T) { must(tt, Show(lines)) }},
		{"widgets.Show(widgets.Raster(trains, nil))", func(tt *testing.T) { must(tt, Show(Raster(trains, &Options{Title: "Raster"}))) }},
		{"widgets.Show(widgets.PSTH([]*spikes.PSTH{psth}, nil))", func(tt *testing.T) {
			p, err := spikes.RateBand(trains, 0, 2, 0.05)
			must(tt, err)
			p.Name = "unit 1"
			must(tt, Show(PSTH([]*spikes.PSTH{p}, &Options{Title: "PSTH"})))
		}},
		{"widgets.Show(widgets.Trajectories(trials, cond, opts))", func(tt *testing.T) {
			var trials []mat.Matrix
			var cond []int
			for k := 0; k < 6; k++ {
				d := mat.NewDense(80, 2, nil)
				for s := 0; s < 80; s++ {
					a := float64(s)/15 + float64(k%3)*2
					d.Set(s, 0, math.Cos(a)*float64(s)/80)
					d.Set(s, 1, math.Sin(a)*float64(s)/80)
				}
				trials, cond = append(trials, d), append(cond, k%3)
			}
			must(tt, Show(Trajectories(trials, cond, &Options{Title: "Latents", Names: []string{"left", "up", "right"}})))
		}},
		{"widgets.Show(widgets.FlowFieldFunc(f, -2, 2, -2, 2, 15, nil))", func(tt *testing.T) {
			must(tt, Show(FlowFieldFunc(func(x, y float64) (float64, float64) { return -y - 0.2*x, x - 0.2*y }, -2, 2, -2, 2, 15, &Options{Title: "Flow"})))
		}},
		{"widgets.Show(widgets.Heatmap(m, nil))", func(tt *testing.T) {
			m := mat.NewDense(30, 30, nil)
			for i := 0; i < 30; i++ {
				for j := 0; j < 30; j++ {
					m.Set(i, j, math.Sin(float64(i)/4)*math.Cos(float64(j)/5))
				}
			}
			must(tt, Show(Heatmap(m, &Options{Title: "Heatmap", SVG: true})))
		}},
		{"widgets.Show(widgets.Spectrum(spectra, nil))", func(tt *testing.T) {
			ev := make([]float64, 200)
			for i := range ev {
				ev[i] = math.Pow(float64(i+1), -1.1)
			}
			must(tt, Show(Spectrum([][]float64{ev}, &Options{Title: "Spectrum"})))
		}},
		{"widgets.Show(widgets.EigenPlane(sets, nil))", func(tt *testing.T) {
			z := make([]complex128, 24)
			for i := range z {
				z[i] = cmplx.Rect(0.4+0.7*rng.Float64(), rng.Float64()*2*math.Pi)
			}
			must(tt, Show(EigenPlane([][]complex128{z}, &Options{Title: "Eigenvalues"})))
		}},
		{"widgets.Show(widgets.Histogram(samples, 0, nil))", func(tt *testing.T) {
			a, b := make([]float64, 500), make([]float64, 500)
			for i := range a {
				a[i], b[i] = rng.NormFloat64(), 1+0.5*rng.NormFloat64()
			}
			must(tt, Show(Histogram([][]float64{a, b}, 0, &Options{Title: "Histogram", Names: []string{"a", "b"}})))
		}},
		{"widgets.Show(widgets.Slider(\"θ\", labels, heatmaps))", func(tt *testing.T) {
			var frames []*Figure
			var labels []string
			for k := 0; k < 8; k++ {
				th := float64(k) * math.Pi / 8
				f, err := Heatmap(rot(th), &Options{Title: fmt.Sprintf("A(θ), θ = %.2f", th), Width: 360, Height: 300})
				must(tt, err)
				frames, labels = append(frames, f), append(labels, fmt.Sprintf("θ = %.2f", th))
			}
			must(tt, Show(Slider("θ", labels, frames)))
		}},
		{"widgets.Show(widgets.Select(\"frequency\", labels, lineCharts))", func(tt *testing.T) {
			var frames []*Figure
			var labels []string
			for k := 1; k <= 4; k++ {
				f, err := Lines(t[:2000], [][]float64{ys[0][:2000], sinus(t[:2000], float64(k))}, &Options{Title: fmt.Sprintf("%d Hz", k)})
				must(tt, err)
				frames, labels = append(frames, f), append(labels, fmt.Sprintf("%d Hz", k))
			}
			must(tt, Show(Select("frequency", labels, frames)))
		}},
		{"widgets.Show(goEchartsBar)", func(tt *testing.T) {
			bar := charts.NewBar()
			bar.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: "go-echarts bar"}))
			bar.SetXAxis([]string{"a", "b", "c"}).AddSeries("n", []opts.BarData{{Value: 3}, {Value: 5}, {Value: 2}})
			must(tt, Show(bar))
		}},
		{"widgets.Show(gonumPlot)", func(tt *testing.T) {
			p := plot.New()
			p.Title.Text = "gonum/plot"
			xy := make(plotter.XYs, 50)
			for i := range xy {
				xy[i] = plotter.XY{X: float64(i), Y: math.Sqrt(float64(i))}
			}
			l, err := plotter.NewLine(xy)
			must(tt, err)
			p.Add(l)
			must(tt, Show(p))
		}},
		{"p := widgets.NewProgress(\"EM\", 50, \"log-likelihood\") …", func(tt *testing.T) {
			p := NewProgress("EM", 50, "log-likelihood")
			for i := 1; i <= 50; i++ {
				p.Update(i, 50, -1000/float64(i))
			}
			p.Done()
		}},
	}
}

func sinus(t []float64, hz float64) []float64 {
	y := make([]float64, len(t))
	for i := range t {
		y[i] = math.Sin(2 * math.Pi * hz * t[i])
	}
	return y
}

// writeExecutedNotebook runs the gallery and writes it, with outputs, as an
// nbformat 4.5 notebook.
func writeExecutedNotebook(t *testing.T, path string) {
	t.Helper()
	var cells []map[string]any
	for i, c := range galleryCells() {
		outs := []map[string]any{}
		t.Run(fmt.Sprintf("cell%02d", i), func(t *testing.T) {
			rec := record(t)
			c.run(t)
			if o := rec.outputs(); o != nil {
				outs = o
			}
		})
		cells = append(cells, map[string]any{
			"cell_type": "code", "id": fmt.Sprintf("cell-%02d", i), "metadata": map[string]any{},
			"execution_count": i + 1, "source": c.source, "outputs": outs,
		})
	}
	nb := map[string]any{
		"nbformat": 4, "nbformat_minor": 5, "cells": cells,
		"metadata": map[string]any{
			"kernelspec":    map[string]any{"name": "neuronb", "display_name": "Go (neuronb)", "language": "go"},
			"language_info": map[string]any{"name": "go"},
		},
	}
	raw, err := json.MarshalIndent(nb, "", " ")
	must(t, err)
	must(t, os.WriteFile(path, raw, 0o644))
}

// nbconvertHTML exports nb to HTML with nbconvert's lab template. requireJS
// is the URL of require.js written into the page: Debian's local file
// (RequireJS present) or an unreachable CDN address (absent, as with
// upstream nbconvert offline).
func nbconvertHTML(t *testing.T, nb, outDir, stem, requireJS string) string {
	t.Helper()
	cmd := exec.Command("/usr/bin/python3", "-m", "nbconvert", "--to", "html",
		"--HTMLExporter.require_js_url="+requireJS,
		"--output-dir", outDir, "--output", stem, nb)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nbconvert: %v\n%s", err, out)
	}
	return filepath.Join(outDir, stem+".html")
}

// needTool skips (or, with CI=true, fails) when an external tool is missing.
func needTool(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := exec.LookPath(p); err != nil {
			if inCI() {
				t.Fatalf("%s is required in CI: %v", p, err)
			}
			t.Skipf("%s not available: %v", p, err)
		}
	}
	if strings.Contains(strings.Join(paths, " "), "python3") {
		if err := exec.Command("/usr/bin/python3", "-c", "import nbconvert").Run(); err != nil {
			if inCI() {
				t.Fatalf("nbconvert is required in CI: %v", err)
			}
			t.Skipf("nbconvert not available: %v", err)
		}
	}
}
