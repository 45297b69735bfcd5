package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/neuronb/neuronb/kernel/kernelspec"
)

// Cells of the latency benchmark (issue: per-cell latency over the Jupyter
// protocol, warm caches, neuronb side by side with a plain GoNB kernelspec).
const (
	trivialCell = "%%\nfmt.Println(\"hi {rep}\")"
	// chartCell builds and displays a gonum/plot line chart with gonbui
	// only, so that the plain GoNB kernel can run the same code.
	chartCell = `import (
	"bytes"
	"github.com/janpfeifer/gonb/gonbui"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

%%
p := plot.New()
pts := make(plotter.XYs, 100)
for i := range pts {
	pts[i].X, pts[i].Y = float64(i), float64(i*i)
}
l, err := plotter.NewLine(pts)
if err != nil {
	panic(err)
}
p.Add(l)
wt, err := p.WriterTo(4*vg.Inch, 3*vg.Inch, "png")
if err != nil {
	panic(err)
}
var buf bytes.Buffer
wt.WriteTo(&buf)
gonbui.DisplayPng(buf.Bytes())
gonbui.Sync()
_ = "{rep}"`
	// widgetsCell is the same chart through neuronb's widgets.
	widgetsCell = `import (
	"github.com/neuronb/neuronb/widgets"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

%%
p := plot.New()
pts := make(plotter.XYs, 100)
for i := range pts {
	pts[i].X, pts[i].Y = float64(i), float64(i*i)
}
l, err := plotter.NewLine(pts)
if err != nil {
	panic(err)
}
p.Add(l)
widgets.Show(p)
_ = "{rep}"`
	// firstCell is the first cell after a kernel start: a chart through
	// widgets and a neuro package (a Kalman smoother).
	firstCell = `import (
	"github.com/neuronb/neuronb/neuro/lds"
	"github.com/neuronb/neuronb/widgets"
	"gonum.org/v1/gonum/mat"
)

%%
m := &lds.Model{A: mat.NewDense(1, 1, []float64{0.9}), C: mat.NewDense(1, 1, []float64{1}),
	Q: mat.NewSymDense(1, []float64{0.1}), R: mat.NewSymDense(1, []float64{0.1}),
	M0: mat.NewVecDense(1, []float64{0}), S0: mat.NewSymDense(1, []float64{1})}
if err := m.Validate(); err != nil {
	panic(err)
}
t := []float64{0, 1, 2, 3}
widgets.Show(widgets.Lines(t, [][]float64{{0, 1, 0.5, 0.2}}, &widgets.Options{Title: "first {rep}"}))`
)

// blasCell links a package that does heavy matrix work (and so, under the
// openblas kernelspec, cgo and libopenblas): linear CKA of two small
// representations.
const blasCell = `import (
	"github.com/neuronb/neuronb/neuro/similarity"
	"gonum.org/v1/gonum/mat"
)

%%
x := mat.NewDense(50, 20, nil)
y := mat.NewDense(50, 30, nil)
for i := 0; i < 50; i++ {
	for j := 0; j < 30; j++ {
		if j < 20 {
			x.Set(i, j, float64((i*7+j*3)%11))
		}
		y.Set(i, j, float64((i*5+j*2)%13))
	}
}
cka, err := similarity.LinearCKA(x, y)
fmt.Printf("CKA %.3f {rep}\n", cka)
if err != nil {
	panic(err)
}`

// latencyResult is what latency.py measured for one kernelspec.
type latencyResult map[string][]float64

func measureLatency(b *testing.B, spec map[string]any) latencyResult {
	b.Helper()
	in, _ := json.Marshal(spec)
	cmd := exec.Command(testJupyter.Python, filepath.Join("testdata", "latency.py"))
	cmd.Stdin = strings.NewReader(string(in))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("latency.py on %v: %v\n%s", spec["kernel"], err, tailString(stderr.String(), 2000))
	}
	var r latencyResult
	if err := json.Unmarshal(lastLine(out), &r); err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	return r
}

func tailString(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// installVariant writes a kernelspec named name into the test's Jupyter
// data directory.
func installVariant(b *testing.B, name string, spec kernelspec.Spec) {
	b.Helper()
	dir, err := os.MkdirTemp("", "neuronb-bench-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
	written, err := kernelspec.Write(dir, spec)
	if err != nil {
		b.Fatal(err)
	}
	target := filepath.Join(os.Getenv("JUPYTER_DATA_DIR"), "kernels", name)
	os.RemoveAll(target)
	if err := os.Rename(written, target); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCellLatency measures, over the Jupyter protocol with warm caches,
// the latency of a trivial cell, a gonum/plot chart cell and the first cell
// after a kernel start, for the default neuronb kernelspec, its variants
// (DWARF kept; OpenBLAS) and a plain GoNB kernelspec on the same cells.
// Run it alone: go test ./kernel -run '^$' -bench CellLatency -benchtime 1x.
func BenchmarkCellLatency(b *testing.B) {
	goenv, err := kernelspec.ReadGoEnv()
	if err != nil {
		b.Fatal(err)
	}
	variants := []struct {
		name string
		opt  kernelspec.Options
	}{
		{"neuronb-bench", kernelspec.Options{}},
		{"neuronb-bench-dwarf", kernelspec.Options{DWARF: true}},
		{"neuronb-bench-openblas", kernelspec.Options{BLAS: "openblas"}},
	}
	for _, v := range variants {
		spec, err := kernelspec.Build(testRepo, goenv, v.opt)
		if err != nil {
			b.Fatal(err)
		}
		installVariant(b, v.name, spec)
	}
	// Plain GoNB as `gonb --install` writes it: no workspace, no offline
	// proxy, default flags; goimports and gopls on PATH.
	plain := kernelspec.Spec{
		Argv:          []string{testRepo.Tool("gonb"), "--kernel", "{connection_file}", "-logtostderr=false", "-stderrthreshold=FATAL", "-log_file=" + os.DevNull},
		DisplayName:   "Go (gonb)",
		Language:      "go",
		InterruptMode: "message",
		Env:           map[string]string{"PATH": testRepo.BinDir() + string(os.PathListSeparator) + os.Getenv("PATH")},
	}
	installVariant(b, "gonb-plain-bench", plain)

	reps := 9
	for i := 0; i < b.N; i++ {
		results := map[string]latencyResult{}
		for _, v := range variants {
			results[v.name] = measureLatency(b, map[string]any{
				"kernel": v.name, "reps": reps, "first": firstCell, "first_reps": 3,
				"cells": map[string]string{"trivial": trivialCell, "chart": chartCell, "widgets": widgetsCell, "blas": blasCell},
			})
		}
		// GoNB cannot `go get` gonbui by itself where the module proxy refuses
		// its version list: the setup cell pins it, as a plain user must.
		setup := "!*go get github.com/janpfeifer/gonb@v0.11.4"
		results["gonb-plain"] = measureLatency(b, map[string]any{
			"kernel": "gonb-plain-bench", "reps": reps, "first": trivialCell, "first_reps": 3,
			"setup": []string{setup}, "cells": map[string]string{"trivial": trivialCell, "chart": chartCell},
		})
		names := []string{"neuronb-bench", "neuronb-bench-dwarf", "neuronb-bench-openblas", "gonb-plain"}
		b.Logf("%-24s %10s %10s %10s %10s %12s %10s", "kernelspec", "trivial", "chart", "widgets", "similarity", "first cell", "start")
		for _, n := range names {
			r := results[n]
			b.Logf("%-24s %9.3fs %9.3fs %9.3fs %9.3fs %11.3fs %9.3fs", n, median(r["trivial"]), median(r["chart"]), median(r["widgets"]), median(r["blas"]), median(r["first"]), median(r["startup"]))
		}
		nb, plainR := results["neuronb-bench"], results["gonb-plain"]
		b.ReportMetric(median(nb["trivial"]), "s/trivial-p50")
		b.ReportMetric(median(nb["chart"]), "s/chart-p50")
		b.ReportMetric(median(nb["first"]), "s/first-p50")
		b.ReportMetric(median(nb["chart"])/median(plainR["chart"]), "neuronb/gonb-chart")
		b.Logf("chart cell ratio neuronb/GoNB = %.2f", median(nb["chart"])/median(plainR["chart"]))
	}
	for _, v := range variants {
		os.RemoveAll(filepath.Join(os.Getenv("JUPYTER_DATA_DIR"), "kernels", v.name))
	}
}

// BenchmarkCellPhases splits the chart cell's latency into the steps GoNB
// runs for every cell (goimports, go get, go build, running the program),
// in a workspace laid out as GoNB lays it out, with the default
// kernelspec's environment.
func BenchmarkCellPhases(b *testing.B) {
	goenv, err := kernelspec.ReadGoEnv()
	if err != nil {
		b.Fatal(err)
	}
	for _, variant := range []struct {
		name string
		opt  kernelspec.Options
	}{{"default", kernelspec.Options{}}, {"dwarf", kernelspec.Options{DWARF: true}}, {"openblas", kernelspec.Options{BLAS: "openblas"}}} {
		b.Run(variant.name, func(b *testing.B) {
			spec, err := kernelspec.Build(testRepo, goenv, variant.opt)
			if err != nil {
				b.Fatal(err)
			}
			env := kernelspec.KernelEnv(spec)
			dir := b.TempDir()
			src := `package main

import (
	"github.com/neuronb/neuronb/neuro/lds"
	"github.com/neuronb/neuronb/widgets"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

func main() {
	p := plot.New()
	l, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	p.Add(l)
	_, _ = widgets.Render(p)
	_ = lds.Model{}
	fmt.Println("ok")
}
`
			must := func(args ...string) time.Duration {
				start := time.Now()
				cmd := exec.Command(args[0], args[1:]...)
				cmd.Dir, cmd.Env = dir, env
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v: %v\n%s", args, err, out)
				}
				return time.Since(start)
			}
			os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module gonb_bench\n\ngo 1.26\n"), 0o644)
			must("go", "work", "init", ".", testRepo.Root)
			phases := map[string][]float64{}
			for i := 0; i < max(b.N, 5); i++ {
				// A new string each time, so every build links, as an edited cell does.
				os.WriteFile(filepath.Join(dir, "main.go"), []byte(strings.Replace(src, `"ok"`, fmt.Sprintf(`"ok %d"`, i), 1)), 0o644)
				phases["goimports"] = append(phases["goimports"], must(testRepo.Tool("goimports"), "-w", "main.go").Seconds())
				phases["go get"] = append(phases["go get"], must("go", "get").Seconds())
				phases["go build"] = append(phases["go build"], must("go", "build", "-o", "cell").Seconds())
				phases["run"] = append(phases["run"], must("./cell").Seconds())
			}
			var total float64
			for _, k := range []string{"goimports", "go get", "go build", "run"} {
				m := median(phases[k])
				total += m
				b.ReportMetric(m, "s/"+strings.ReplaceAll(k, " ", "-"))
			}
			b.Logf("%s: goimports %.3fs, go get %.3fs, go build %.3fs, run %.3fs (sum %.3fs)", variant.name,
				median(phases["goimports"]), median(phases["go get"]), median(phases["go build"]), median(phases["run"]), total)
		})
	}
}
