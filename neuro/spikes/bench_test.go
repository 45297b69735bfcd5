package spikes

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// The sizes: 10⁷ spikes (10 units × 10⁶, Poisson at 1 kHz over
// 1000 s) binned into 1 ms bins (10⁶ bins), and tuning curves of 1,000
// units (2·10⁶ spikes) against a head direction sampled at 100 Hz for
// 1000 s, in 60 bins.
const (
	benchDur      = 1000.0
	benchUnits    = 10
	benchRate     = 1000.0
	tuningUnits   = 1000
	tuningFs      = 100.0
	tuningBins    = 60
	benchRepeats  = 3
	tuningUnitHz  = 2.0
	tuningPeakHz  = 4.0
	tuningConcent = 2.0
)

var countData = sync.OnceValue(func() [][]float64 {
	rng := rand.New(rand.NewPCG(10, 7))
	times := make([][]float64, benchUnits)
	for u := range times {
		times[u] = poisson(rng, benchRate, 0, benchDur)
	}
	return times
})

type tuningSet struct {
	ft, theta []float64
	times     [][]float64
}

var tuningData = sync.OnceValue(func() tuningSet {
	rng := rand.New(rand.NewPCG(10, 8))
	n := int(benchDur * tuningFs)
	s := tuningSet{ft: make([]float64, n), theta: make([]float64, n), times: make([][]float64, tuningUnits)}
	th := 0.0
	for i := range s.ft {
		s.ft[i] = float64(i) / tuningFs
		th += 0.05 * rng.NormFloat64()
		s.theta[i] = math.Mod(math.Mod(th, 2*math.Pi)+2*math.Pi, 2*math.Pi)
	}
	const max = tuningUnitHz + tuningPeakHz
	for u := range s.times {
		mu := 2 * math.Pi * rng.Float64()
		for t := rng.ExpFloat64() / max; t < s.ft[n-1]; t += rng.ExpFloat64() / max {
			th := s.theta[int(t*tuningFs)]
			if rng.Float64()*max < tuningUnitHz+tuningPeakHz*math.Exp(tuningConcent*(math.Cos(th-mu)-1)) {
				s.times[u] = append(s.times[u], t)
			}
		}
	}
	return s
})

// bestOf runs f repeats times and returns the least wall time and the
// least CPU time (user + system, all threads) of a run. The machine is
// shared, so the CPU times compare implementations more steadily than the
// wall times.
func bestOf(b *testing.B, repeats int, f func() error) (wall, cpu float64) {
	b.Helper()
	wall, cpu = math.Inf(1), math.Inf(1)
	for range repeats {
		c0 := cpuSeconds(b)
		start := time.Now()
		if err := f(); err != nil {
			b.Fatal(err)
		}
		wall = math.Min(wall, time.Since(start).Seconds())
		cpu = math.Min(cpu, cpuSeconds(b)-c0)
	}
	return wall, cpu
}

// cpuSeconds is the process's CPU time so far (user + system).
func cpuSeconds(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// BenchmarkCount1ms bins 10⁷ spikes into 1 ms bins (Go alone, for
// profiling).
func BenchmarkCount1ms(b *testing.B) {
	g, ep := countGroup(b)
	for b.Loop() {
		if _, err := g.Count(0.001, ep); err != nil {
			b.Fatal(err)
		}
	}
}

func countGroup(b *testing.B) (*TsGroup, *IntervalSet) {
	g, err := NewTsGroup(countData(), nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	ep, err := NewIntervalSet([]float64{0}, []float64{benchDur}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return g, ep
}

// BenchmarkCountVsNumpyHistogram bins the same 10⁷ spikes into 1 ms bins
// with Count and with np.histogram (bins=10⁶, range=(0, 1000), per unit;
// Debian's numpy, one thread) in one run, best of 3 each, and reports
// Count's time as a ratio of numpy's (target ≤ 1.0) and of pynapple's
// TsGroup.count when the .venv has it. Run it alone:
//
//	go test ./neuro/spikes -run '^$' -bench CountVsNumpy -benchtime 1x
func BenchmarkCountVsNumpyHistogram(b *testing.B) {
	if err := pyoracle.Available("numpy"); err != nil {
		b.Skip(err)
	}
	g, ep := countGroup(b)
	dir := b.TempDir()
	npz := filepath.Join(dir, "spikes.npz")
	writeGroup(b, g, npz)
	for b.Loop() {
		var np struct{ Seconds, CPU float64 }
		if err := pyoracle.Call(`
import json, sys, time
import numpy as np
d = json.load(sys.stdin)
z = np.load(d["npz"])
t, index = z["t"], z["index"]
units = [t[index == k] for k in z["keys"]]
best, cpu = float("inf"), float("inf")
for _ in range(d["repeats"]):
    start, c0 = time.perf_counter(), time.process_time()
    counts = [np.histogram(u, bins=d["bins"], range=(0.0, d["dur"]))[0] for u in units]
    best, cpu = min(best, time.perf_counter() - start), min(cpu, time.process_time() - c0)
print(json.dumps({"seconds": best, "cpu": cpu}))
`, map[string]any{"npz": npz, "repeats": benchRepeats, "bins": int(benchDur / 0.001), "dur": benchDur}, &np); err != nil {
			b.Fatal(err)
		}
		goTime, goCPU := bestOf(b, benchRepeats, func() error { _, err := g.Count(0.001, ep); return err })
		b.Logf("10⁷ spikes into 1 ms bins (10⁶ bins × %d units), best of %d: Go Count %.3f s wall (%.3f s CPU, %d threads), np.histogram %.3f s wall (%.3f s CPU); ratio %.2f wall, %.2f CPU (target ≤ 1.0)",
			benchUnits, benchRepeats, goTime, goCPU, runtime.GOMAXPROCS(0), np.Seconds, np.CPU, goTime/np.Seconds, goCPU/np.CPU)
		b.ReportMetric(goTime, "go-s")
		b.ReportMetric(np.Seconds, "numpy-s")
		b.ReportMetric(goTime/np.Seconds, "go/numpy")
		b.ReportMetric(goCPU/np.CPU, "go/numpy-cpu")
		if p, err := pyoracle.Venv(); err == nil {
			var pn struct{ Seconds, CPU float64 }
			if err := p.Call(`
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import pynapple as nap
d = json.load(sys.stdin)
g = nap.load_file(d["npz"])
ep = nap.IntervalSet(0, d["dur"])
g.count(0.001, ep)  # compile numba's kernels
best, cpu = float("inf"), float("inf")
for _ in range(d["repeats"]):
    start, c0 = time.perf_counter(), time.process_time()
    g.count(0.001, ep)
    best, cpu = min(best, time.perf_counter() - start), min(cpu, time.process_time() - c0)
print(json.dumps({"seconds": best, "cpu": cpu}))
`, map[string]any{"npz": npz, "repeats": benchRepeats, "dur": benchDur}, &pn); err == nil {
				b.Logf("pynapple TsGroup.count %.3f s wall (%.3f s CPU); ratio %.2f wall, %.2f CPU", pn.Seconds, pn.CPU, goTime/pn.Seconds, goCPU/pn.CPU)
				b.ReportMetric(goTime/pn.Seconds, "go/pynapple")
				b.ReportMetric(goCPU/pn.CPU, "go/pynapple-cpu")
			} else {
				b.Logf("pynapple anchor skipped: %v", err)
			}
		}
	}
}

// BenchmarkTuningCurvesVsPynapple computes the tuning curves of 1,000
// units against a 100 Hz head direction (60 bins over [0, 2π]) with
// TuningCurves and with pynapple's compute_tuning_curves on the same data
// in one run, best of 3 each (pynapple warmed up once so numba's
// compilation is not counted), and reports the ratio (target ≤ 1.0). Run it
// alone:
//
//	go test ./neuro/spikes -run '^$' -bench TuningCurvesVsPynapple -benchtime 1x
func BenchmarkTuningCurvesVsPynapple(b *testing.B) {
	p, err := pyoracle.Venv()
	if err == nil {
		err = p.Call("import json, pynapple\nprint('{}')", nil, &struct{}{})
	}
	if err != nil {
		b.Skipf("pynapple anchor unavailable (./install.sh --test): %v", err)
	}
	d := tuningData()
	g, err := NewTsGroup(d.times, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	hd, err := NewTsd(d.ft, d.theta)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	npzG, npzHD := filepath.Join(dir, "units.npz"), filepath.Join(dir, "hd.npz")
	writeGroup(b, g, npzG)
	f, err := os.Create(npzHD)
	if err != nil {
		b.Fatal(err)
	}
	if err := hd.WriteNPZ(f); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	set := &TuningSettings{Bins: tuningBins, Min: 0, Max: 2 * math.Pi}
	spikes := 0
	for _, t := range d.times {
		spikes += len(t)
	}
	for b.Loop() {
		var py struct{ Seconds, CPU float64 }
		if err := p.Call(`
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np, pynapple as nap
d = json.load(sys.stdin)
g, hd = nap.load_file(d["units"]), nap.load_file(d["hd"])
run = lambda: nap.compute_tuning_curves(g, hd, bins=d["bins"], range=(0, 2 * np.pi))
run()
best, cpu = float("inf"), float("inf")
for _ in range(d["repeats"]):
    start, c0 = time.perf_counter(), time.process_time()
    run()
    best, cpu = min(best, time.perf_counter() - start), min(cpu, time.process_time() - c0)
print(json.dumps({"seconds": best, "cpu": cpu}))
`, map[string]any{"units": npzG, "hd": npzHD, "bins": tuningBins, "repeats": benchRepeats}, &py); err != nil {
			b.Fatal(err)
		}
		goTime, goCPU := bestOf(b, benchRepeats, func() error { _, err := g.TuningCurves(hd, set); return err })
		b.Logf("tuning curves of %d units (%d spikes) against %d samples, %d bins, best of %d: Go %.3f s wall (%.3f s CPU, %d threads), pynapple %.3f s wall (%.3f s CPU); ratio %.3f wall, %.3f CPU (target ≤ 1.0)",
			tuningUnits, spikes, len(d.ft), tuningBins, benchRepeats, goTime, goCPU, runtime.GOMAXPROCS(0), py.Seconds, py.CPU, goTime/py.Seconds, goCPU/py.CPU)
		b.ReportMetric(goTime, "go-s")
		b.ReportMetric(py.Seconds, "pynapple-s")
		b.ReportMetric(goTime/py.Seconds, "go/pynapple")
		b.ReportMetric(goCPU/py.CPU, "go/pynapple-cpu")
	}
}

// writeGroup saves g in pynapple's layout for the Python anchors.
func writeGroup(b *testing.B, g *TsGroup, path string) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := g.WriteNPZ(f); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}
