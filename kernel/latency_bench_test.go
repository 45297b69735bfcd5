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

// linesCell is the picture budget's cell: a widgets Lines chart of three
// 2000-point series; "{nopicture}" becomes true for the variant without the
// static picture.
const linesCell = `import (
	"math"

	"github.com/neuronb/neuronb/widgets"
)

%%
x := make([]float64, 2000)
ys := make([][]float64, 3)
for k := range ys {
	ys[k] = make([]float64, len(x))
}
for i := range x {
	x[i] = float64(i) / 100
	for k := range ys {
		ys[k][i] = math.Sin(x[i]*float64(k+1)) + 0.2*math.Sin(37*x[i]*float64(k+2))
	}
}
widgets.Show(widgets.Lines(x, ys, &widgets.Options{Title: "2000 points {rep}", NoPicture: {nopicture}}))`

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

// latencyResults is what latency.py measured: kernel -> label -> seconds,
// or kernel -> "error" for a kernel that failed.
type latencyResults map[string]map[string]json.RawMessage

func (r latencyResults) times(kernel, label string) []float64 {
	var xs []float64
	_ = json.Unmarshal(r[kernel][label], &xs)
	return xs
}

func (r latencyResults) failure(kernel string) string {
	var e string
	_ = json.Unmarshal(r[kernel]["error"], &e)
	return e
}

func measureLatency(b *testing.B, spec map[string]any, wrap []string) latencyResults {
	b.Helper()
	in, err := json.Marshal(spec)
	if err != nil {
		b.Fatal(err)
	}
	argv := append(append(append([]string{}, wrap...), testJupyter.Python), filepath.Join("testdata", "latency.py"))
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin = strings.NewReader(string(in))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("latency.py: %v\n%s", err, tailString(stderr.String(), 2000))
	}
	var r latencyResults
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

// pairedRatio is the median over repetitions of a[i]/b[i]: the two kernels
// ran repetition i one after the other, so a drift of the machine's speed
// cancels.
func pairedRatio(a, b []float64) float64 {
	n := min(len(a), len(b))
	if n == 0 {
		return 0
	}
	r := make([]float64, n)
	for i := range r {
		r[i] = a[i] / b[i]
	}
	return median(r)
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

// benchSpecs returns the kernelspecs the latency benchmarks compare: the
// default one (BLAS auto, as install chooses it), the pure-Go one, and plain
// GoNB as `gonb --install` writes it (no workspace, no offline proxy,
// default flags; goimports and gopls on PATH).
func benchSpecs(b *testing.B) (names []string, specs map[string]kernelspec.Spec) {
	b.Helper()
	goenv, err := kernelspec.ReadGoEnv()
	if err != nil {
		b.Fatal(err)
	}
	auto, gonum := kernelspec.Options{BLAS: "auto"}, kernelspec.Options{BLAS: "gonum"}
	note, err := testRepo.ResolveOptions(&auto, goenv, false)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := testRepo.ResolveOptions(&gonum, goenv, false); err != nil {
		b.Fatal(err)
	}
	tableLog("default kernelspec: %s", strings.SplitN(note, "\n", 2)[0])
	specs = map[string]kernelspec.Spec{}
	for name, opt := range map[string]kernelspec.Options{"neuronb": auto, "neuronb-gonum": gonum} {
		if specs[name], err = kernelspec.Build(testRepo, goenv, opt); err != nil {
			b.Fatal(err)
		}
	}
	specs["gonb-plain"] = kernelspec.Spec{
		Argv:          []string{testRepo.Tool("gonb"), "--kernel", "{connection_file}", "-logtostderr=false", "-stderrthreshold=FATAL", "-log_file=" + os.DevNull},
		DisplayName:   "Go (gonb)",
		Language:      "go",
		InterruptMode: "message",
		Env:           map[string]string{"PATH": testRepo.BinDir() + string(os.PathListSeparator) + os.Getenv("PATH")},
	}
	return []string{"neuronb", "neuronb-gonum", "gonb-plain"}, specs
}

// BenchmarkCellLatency measures, over the Jupyter protocol with warm caches,
// the latency of a trivial cell, a gonum/plot chart cell (gonbui only, so
// plain GoNB runs it too, and no cgo), a widgets chart, a cell linking
// neuro/similarity (OpenBLAS under the default kernelspec) and the first
// cell after a kernel start, for the default neuronb kernelspec, the pure-Go
// one and plain GoNB, taking turns repetition by repetition; once with the
// network on and once inside unshare -n. Run it alone:
//
//	go test ./kernel -run '^$' -bench CellLatency -benchtime 1x
func BenchmarkCellLatency(b *testing.B) {
	names, specs := benchSpecs(b)
	for _, n := range names {
		installVariant(b, n+"-bench", specs[n])
		defer os.RemoveAll(filepath.Join(os.Getenv("JUPYTER_DATA_DIR"), "kernels", n+"-bench"))
	}
	kernels := make([]string, len(names))
	for i, n := range names {
		kernels[i] = n + "-bench"
	}
	// GoNB cannot `go get` gonbui by itself where the module proxy refuses
	// its version list: the setup cell pins it, as a plain user must.
	spec := map[string]any{
		"kernels": kernels, "reps": 9, "first_reps": 3,
		"setup": map[string][]string{"gonb-plain-bench": {"!*go get github.com/janpfeifer/gonb@v0.11.4"}},
		"cells": map[string]string{"trivial": trivialCell, "chart": chartCell, "widgets": widgetsCell, "blas": blasCell,
			"lines2000": strings.ReplaceAll(linesCell, "{nopicture}", "false"), "lines2000-nopicture": strings.ReplaceAll(linesCell, "{nopicture}", "true")},
		"only":  map[string][]string{"widgets": kernels[:2], "blas": kernels[:2], "lines2000": kernels[:1], "lines2000-nopicture": kernels[:1]},
		"first": map[string]string{"neuronb-bench": firstCell, "neuronb-gonum-bench": firstCell, "gonb-plain-bench": trivialCell},
	}
	for i := 0; i < b.N; i++ {
		for _, network := range []string{"on", "off"} {
			var wrap []string
			if network == "off" {
				if !kernelspec.CanUnshareNetwork() {
					b.Log("network off: skipped (unshare -n is not available)")
					continue
				}
				wrap = kernelspec.OfflineWrap
			}
			r := measureLatency(b, spec, wrap)
			tableLog("network %s: p50 over %d repetitions, kernels taking turns", network, spec["reps"])
			tableLog("  %-14s %9s %9s %9s %11s %11s %9s", "kernelspec", "trivial", "chart", "widgets", "similarity", "first cell", "start")
			for _, n := range names {
				k := n + "-bench"
				if e := r.failure(k); e != "" {
					tableLog("  %-14s fails: %s", n, strings.ReplaceAll(tailString(e, 300), "\n", " | "))
					continue
				}
				tableLog("  %-14s %8.3fs %8.3fs %8.3fs %10.3fs %10.3fs %8.3fs", n, median(r.times(k, "trivial")), median(r.times(k, "chart")),
					median(r.times(k, "widgets")), median(r.times(k, "blas")), median(r.times(k, "first")), median(r.times(k, "startup")))
			}
			if plain := r.times("gonb-plain-bench", "chart"); len(plain) > 0 {
				for _, n := range names[:2] {
					chart := pairedRatio(r.times(n+"-bench", "chart"), plain)
					trivial := pairedRatio(r.times(n+"-bench", "trivial"), r.times("gonb-plain-bench", "trivial"))
					tableLog("  %s / plain GoNB, paired: chart %.2f, trivial %.2f", n, chart, trivial)
					if n == "neuronb" {
						b.ReportMetric(chart, "neuronb/gonb-chart-net-"+network)
						b.ReportMetric(trivial, "neuronb/gonb-trivial-net-"+network)
					}
				}
			}
			if withPic, noPic := r.times("neuronb-bench", "lines2000"), r.times("neuronb-bench", "lines2000-nopicture"); len(withPic) > 0 {
				tableLog("  Lines, 3 x 2000 points: %.3fs with its picture, %.3fs without (p50)", median(withPic), median(noPic))
				b.ReportMetric(median(withPic), "s/lines2000-p50-net-"+network)
			}
			b.ReportMetric(median(r.times("neuronb-bench", "chart")), "s/chart-p50-net-"+network)
			b.ReportMetric(median(r.times("neuronb-bench", "trivial")), "s/trivial-p50-net-"+network)
		}
	}
}

// BenchmarkCellPhases splits a cell's latency into the steps GoNB runs for
// every cell (goimports, go get, compiling, linking, running the program)
// and counts the requests `go get` sends, for the trivial, chart and
// similarity cells, in a cell module laid out as each kernel lays it out:
// neuronb's (prepared, in the workspace) and plain GoNB's (its own go.mod,
// which `go get` fills). Linking is timed from the go command's action
// graph.
func BenchmarkCellPhases(b *testing.B) {
	names, specs := benchSpecs(b)
	programs := map[string]string{"trivial": cellProgram(trivialCell), "chart": cellProgram(chartCell), "similarity": cellProgram(blasCell)}
	for _, n := range names {
		for _, prog := range []string{"trivial", "chart", "similarity"} {
			if n == "gonb-plain" && prog == "similarity" {
				continue
			}
			b.Run(n+"/"+prog, func(b *testing.B) {
				dir := b.TempDir()
				env := kernelspec.KernelEnv(specs[n])
				goimports := filepath.Join(testRepo.CellPathDir(), "goimports")
				if n == "gonb-plain" {
					env = append(os.Environ(), "PATH="+specs[n].Env["PATH"])
					goimports = testRepo.Tool("goimports")
					runOrFatal(b, dir, env, "go", "mod", "init", "gonb_plain")
					runOrFatal(b, dir, env, "go", "get", "github.com/janpfeifer/gonb@v0.11.4")
				} else if err := testRepo.NewCellModule(dir, "gonb_bench", env); err != nil {
					b.Fatal(err)
				}
				env = append(env, "GONB_TMP_DIR="+dir)
				phases := map[string][]float64{}
				requests := 0
				for i := 0; i < max(b.N, 5); i++ {
					// A new string each time, so every build links, as an edited cell does.
					os.WriteFile(filepath.Join(dir, "main.go"), []byte(strings.ReplaceAll(programs[prog], "{rep}", fmt.Sprint(i))), 0o644)
					phases["goimports"] = append(phases["goimports"], timeRun(b, dir, env, goimports, "-w", "main.go").Seconds())
					start := time.Now()
					out := runOrFatal(b, dir, env, "go", "get", "-x")
					phases["go get"] = append(phases["go get"], time.Since(start).Seconds())
					requests += strings.Count(out, "# get https://")
					graph := filepath.Join(dir, "actions.json")
					build := timeRun(b, dir, env, "go", "build", "-debug-actiongraph="+graph, "-o", "cell")
					link := linkTime(b, graph)
					phases["compile"] = append(phases["compile"], (build - link).Seconds())
					phases["link"] = append(phases["link"], link.Seconds())
					phases["run"] = append(phases["run"], timeRun(b, dir, env, "./cell").Seconds())
				}
				var total float64
				var parts []string
				for _, k := range []string{"goimports", "go get", "compile", "link", "run"} {
					m := median(phases[k])
					total += m
					b.ReportMetric(m, "s/"+strings.ReplaceAll(k, " ", "-"))
					parts = append(parts, fmt.Sprintf("%s %.3fs", k, m))
				}
				b.ReportMetric(float64(requests)/float64(len(phases["run"])), "requests/cell")
				tableLog("%s %s: %s (sum %.3fs); go get sent %d network requests in %d cells", n, prog, strings.Join(parts, ", "), total, requests, len(phases["run"]))
			})
		}
	}
}

// cellProgram turns a benchmark cell into the main.go GoNB would write.
func cellProgram(cell string) string {
	imports, body, _ := strings.Cut(cell, "%%")
	return "package main\n\n" + imports + "\nimport \"fmt\"\n\nvar _ = fmt.Sprint\n\nfunc main() {" + body + "\n}\n"
}

func runOrFatal(b *testing.B, dir string, env []string, args ...string) string {
	b.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("%v: %v\n%s", args, err, out)
	}
	return string(out)
}

func timeRun(b *testing.B, dir string, env []string, args ...string) time.Duration {
	b.Helper()
	start := time.Now()
	runOrFatal(b, dir, env, args...)
	return time.Since(start)
}

// linkTime reads the link action's duration from a go command action graph.
func linkTime(b *testing.B, graph string) time.Duration {
	b.Helper()
	data, err := os.ReadFile(graph)
	if err != nil {
		b.Fatal(err)
	}
	var actions []struct {
		Mode                string
		TimeStart, TimeDone time.Time
	}
	if err := json.Unmarshal(data, &actions); err != nil {
		b.Fatal(err)
	}
	for _, a := range actions {
		if a.Mode == "link" && !a.TimeStart.IsZero() {
			return a.TimeDone.Sub(a.TimeStart)
		}
	}
	b.Fatal("no link action in the action graph")
	return 0
}

// tableLog prints a line of a benchmark's report to standard output:
// testing keeps only the first ten lines of a benchmark's log (b.Logf),
// with or without -v, and the side-by-side tables are longer.
func tableLog(format string, args ...any) {
	fmt.Printf("    "+format+"\n", args...)
}
