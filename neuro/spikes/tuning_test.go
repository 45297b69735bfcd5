package spikes

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
	"gonum.org/v1/gonum/mat"
)

// headDirection simulates a head-direction recording: θ(t) a wrapped
// random walk sampled at fs Hz for dur seconds (with small jitter in the
// sample times), and units with von Mises tuning r(θ) = base + peak·
// exp(κ(cos(θ − μ) − 1)), spikes drawn by thinning at the samples' θ.
func headDirection(rng *rand.Rand, units int, fs, dur float64) (ft, theta []float64, times [][]float64) {
	n := int(dur * fs)
	ft, theta = make([]float64, n), make([]float64, n)
	th := math.Pi
	for i := range ft {
		ft[i] = float64(i)/fs + 0.2/fs*rng.Float64()
		th += 0.08 * rng.NormFloat64()
		theta[i] = math.Mod(math.Mod(th, 2*math.Pi)+2*math.Pi, 2*math.Pi)
	}
	times = make([][]float64, units)
	for u := range times {
		mu := 2 * math.Pi * float64(u) / float64(units)
		rate := func(th float64) float64 { return 1 + 30*math.Exp(4*(math.Cos(th-mu)-1)) }
		const max = 31.0
		for t := rng.ExpFloat64() / max; t < ft[n-1]; t += rng.ExpFloat64() / max {
			i := min(int(t*fs), n-1)
			if rng.Float64()*max < rate(theta[i]) {
				times[u] = append(times[u], t)
			}
		}
	}
	return ft, theta, times
}

// TestTuningCurvesMatchPynapple compares tuning curves with pynapple's
// compute_tuning_curves and deprecated compute_1d_tuning_curves on the same
// head-direction data and epochs (oracle: pynapple 0.11.4): over [0, 2π) as
// a circular feature and over the feature's own range. Rates agree to
// 1e-12 relative (pynapple divides counts by occupancy before multiplying
// by fs), occupancy and counts exactly, empty bins are NaN in both.
func TestTuningCurvesMatchPynapple(t *testing.T) {
	p := pyoracle.RequireVenv(t, "pynapple")
	rng := rand.New(rand.NewPCG(14, 2))
	ft, theta, times := headDirection(rng, 6, 40, 400)
	ids := []int{1, 2, 5, 8, 13, 21}
	es, ee := []float64{10, 130.5, 260}, []float64{120, 250, 390.25}
	var py struct {
		Circular, Range []*float64
		OneD            []*float64 `json:"one_d"`
		Occupancy       []float64
		Edges           []float64
		RangeEdges      []float64 `json:"range_edges"`
		Fs              float64
	}
	p.Run(t, `
import json, sys, warnings
warnings.filterwarnings("ignore")
import numpy as np, pynapple as nap
d = json.load(sys.stdin)
g = nap.TsGroup({i: nap.Ts(np.array(t)) for i, t in zip(d["ids"], d["times"])})
theta = nap.Tsd(t=np.array(d["ft"]), d=np.array(d["theta"]))
ep = nap.IntervalSet(d["es"], d["ee"])
nan = lambda x: [None if np.isnan(v) else float(v) for v in np.ravel(x)]
tc = nap.compute_tuning_curves(g, theta, bins=36, range=(0, 2 * np.pi), epochs=ep)
tr = nap.compute_tuning_curves(g, theta, bins=25, epochs=ep)
one = nap.compute_1d_tuning_curves(g, theta, 36, ep=ep, minmax=(0, 2 * np.pi))
print(json.dumps({"circular": nan(tc.values), "range": nan(tr.values), "one_d": nan(one.values.T),
    "occupancy": tc.attrs["occupancy"].tolist(), "edges": tc.attrs["bin_edges"][0].tolist(),
    "range_edges": tr.attrs["bin_edges"][0].tolist(), "fs": float(tc.attrs["fs"])}))
`, map[string]any{"ids": ids, "times": times, "ft": ft, "theta": theta, "es": es, "ee": ee}, &py)
	g := mustGroup(t, times, ids, nil)
	feat, err := NewTsd(ft, theta)
	if err != nil {
		t.Fatal(err)
	}
	ep := mustSet(t, es, ee, nil)
	circ, err := g.TuningCurves(feat, &TuningSettings{Bins: 36, Period: 2 * math.Pi, Epochs: ep})
	if err != nil {
		t.Fatal(err)
	}
	lin, err := g.TuningCurves(feat, &TuningSettings{Bins: 25, Epochs: ep})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(circ.SampleRate-py.Fs) > 1e-12*py.Fs {
		t.Errorf("sample rate %v, pynapple %v", circ.SampleRate, py.Fs)
	}
	checkClose(t, "edges", circ.Edges, py.Edges, 0)
	checkClose(t, "edges over the feature's range", lin.Edges, py.RangeEdges, 0)
	occ := make([]float64, len(circ.Occupancy))
	for b, o := range circ.Occupancy {
		occ[b] = math.Round(o * circ.SampleRate)
	}
	checkClose(t, "occupancy (samples)", occ, py.Occupancy, 0)
	relClose(t, "circular tuning curves", circ.Rates, nanFloats(py.Circular), 1e-12)
	relClose(t, "compute_1d_tuning_curves", circ.Rates, nanFloats(py.OneD), 1e-12)
	relClose(t, "tuning curves over the feature's range", lin.Rates, nanFloats(py.Range), 1e-12)
}

// relClose compares a matrix with row-major values to a relative
// tolerance, NaN matching NaN.
func relClose(t *testing.T, what string, m *mat.Dense, want []float64, tol float64) {
	t.Helper()
	r, c := m.Dims()
	if r*c != len(want) {
		t.Fatalf("%s: %d×%d values, want %d", what, r, c, len(want))
	}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			g, w := m.At(i, j), want[i*c+j]
			if math.IsNaN(g) != math.IsNaN(w) || math.Abs(g-w) > tol*math.Abs(w) {
				t.Errorf("%s: [%d, %d] = %v, want %v", what, i, j, g, w)
				return
			}
		}
	}
}

// TestTuningCurvesOfConstantRateAreFlat: a Poisson unit of constant rate λ
// has the tuning curve λ in every bin, within sampling error (closed form:
// the count in bin b is Poisson with mean λ·T(b), so the estimate has
// standard error sqrt(λ/T(b)); asserted within 5 standard errors).
func TestTuningCurvesOfConstantRateAreFlat(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	ft, theta, _ := headDirection(rng, 0, 50, 2000)
	const lambda = 20.0
	g := mustGroup(t, [][]float64{poisson(rng, lambda, 0, ft[len(ft)-1])}, nil, nil)
	feat, err := NewTsd(ft, theta)
	if err != nil {
		t.Fatal(err)
	}
	tc, err := g.TuningCurves(feat, &TuningSettings{Bins: 12, Period: 2 * math.Pi})
	if err != nil {
		t.Fatal(err)
	}
	for b, occ := range tc.Occupancy {
		se := math.Sqrt(lambda / occ)
		if r := tc.Rates.At(0, b); math.Abs(r-lambda) > 5*se {
			t.Errorf("bin %d: rate %.2f Hz, want %.0f ± %.2f", b, r, lambda, 5*se)
		}
	}
}

// TestTuningWrapsCircularFeatures: with Period set, a feature in any range
// of angles is wrapped into [Min, Min + Period), so shifting it by 2π
// changes nothing (invariance).
func TestTuningWrapsCircularFeatures(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	ft, theta, times := headDirection(rng, 3, 30, 300)
	shifted := make([]float64, len(theta))
	for i, v := range theta {
		shifted[i] = v - 2*math.Pi*float64(1+i%3)
	}
	g := mustGroup(t, times, nil, nil)
	a, err := NewTsd(ft, theta)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewTsd(ft, shifted)
	if err != nil {
		t.Fatal(err)
	}
	set := &TuningSettings{Bins: 20, Period: 2 * math.Pi}
	ta, err := g.TuningCurves(a, set)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := g.TuningCurves(b, set)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.EqualApprox(ta.Counts, tb.Counts, 0) {
		t.Error("shifting the angles by multiples of 2π changed the counts")
	}
	checkClose(t, "occupancy", ta.Occupancy, tb.Occupancy, 0)
}
