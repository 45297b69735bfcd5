package spikes

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
	"gonum.org/v1/gonum/mat"
)

// TestCountMatchesNumpyHistogram bins random spikes over several intervals
// and bin widths (1 ms, 50 ms, 0.7 s) and compares with np.histogram on the
// spikes inside each interval, with the edges s + k·bin built by numpy and
// the number of bins given by Count's rule (oracle: numpy; counts agree
// exactly, the random times never sit on an edge).
func TestCountMatchesNumpyHistogram(t *testing.T) {
	pyoracle.Require(t, "numpy")
	rng := rand.New(rand.NewPCG(14, 3))
	times := [][]float64{poisson(rng, 30, 0, 60), poisson(rng, 3, 0, 60), nil, poisson(rng, 80, 10, 20)}
	g := mustGroup(t, times, []int{0, 1, 2, 3}, nil)
	ep := mustSet(t, []float64{0.5, 9.9999, 31.25}, []float64{7.123, 22, 59.5}, nil)
	for _, bin := range []float64{0.001, 0.05, 0.7} {
		c, err := g.Count(bin, ep)
		if err != nil {
			t.Fatal(err)
		}
		var want []float64
		pyoracle.Run(t, `
import json, sys
import numpy as np
d = json.load(sys.stdin)
rows = []
for s, e in zip(d["starts"], d["ends"]):
    n = int(np.floor((e - s) / d["bin"] + 0.5))
    while n > 0 and s + (n - 1 + 0.5) * d["bin"] > e: n -= 1
    while s + (n + 0.5) * d["bin"] <= e: n += 1
    edges = s + np.arange(n + 1) * d["bin"]
    cols = []
    for t in d["times"]:
        t = np.array(t, dtype=float)
        t = t[(t >= s) & (t <= e)]
        cols.append(np.histogram(t, edges)[0])
    rows.append(np.stack(cols, axis=1))
print(json.dumps(np.concatenate(rows).ravel().astype(float).tolist()))
`, map[string]any{"starts": ep.Starts(), "ends": ep.Ends(), "bin": bin, "times": times}, &want)
		checkClose(t, "counts", c.Values(), want, 0)
	}
}

// TestSmoothMatchesScipyAndNumpy filters one series per support interval
// with every edge mode and compares with scipy.ndimage.gaussian_filter1d
// (mode reflect, constant, nearest, mirror, wrap; the same σ in samples and
// truncate 4), np.convolve(x, w) (the centre part) for EdgeConstant, and, for
// EdgeRenormalize, the ratio of two np.convolve calls (values and the
// indicator of finite samples) with NaNs in the data. Oracle: scipy 1.10
// and numpy; agreement to 1e-12.
func TestSmoothMatchesScipyAndNumpy(t *testing.T) {
	pyoracle.Require(t, "numpy", "scipy")
	rng := rand.New(rand.NewPCG(14, 4))
	// Two epochs: 40 samples (longer than the kernel) and 5 samples
	// (shorter than the kernel's radius, so modes extend repeatedly).
	var ts, vs []float64
	for i := 0; i < 60; i++ {
		if i < 40 || i >= 55 {
			ts, vs = append(ts, 0.01*float64(i)), append(vs, rng.NormFloat64()+2)
		}
	}
	x, err := NewTsd(ts, vs)
	if err != nil {
		t.Fatal(err)
	}
	x = x.Restrict(mustSet(t, []float64{0, 0.55}, []float64{0.395, 0.6}, nil))
	const std = 0.032 // σ = 3.2 samples, radius 13
	var want map[string][]float64
	pyoracle.Run(t, `
import json, sys
import numpy as np
from scipy.ndimage import gaussian_filter1d
d = json.load(sys.stdin)
parts = [np.array(d["v"][:40]), np.array(d["v"][40:])]
out = {}
for mode in ("reflect", "constant", "nearest", "mirror", "wrap"):
    out[mode] = np.concatenate([gaussian_filter1d(p, d["sigma"], mode=mode, truncate=4.0) for p in parts]).tolist()
r = int(4.0 * d["sigma"] + 0.5)
w = np.exp(-0.5 * (np.arange(-r, r + 1) / d["sigma"]) ** 2)
w /= w.sum()
# "same" would return the kernel's length for the epoch shorter than it.
out["np_convolve"] = np.concatenate([np.convolve(p, w, "full")[r:r + len(p)] for p in parts]).tolist()
p = np.array(d["v"][:40]); p[[3, 4, 20]] = np.nan
ok = ~np.isnan(p)
out["renormalize"] = (np.convolve(np.where(ok, p, 0), w, "same") / np.convolve(ok.astype(float), w, "same")).tolist()
print(json.dumps(out))
`, map[string]any{"v": x.Values(), "sigma": std / 0.01}, &want)
	for _, c := range []struct {
		edge Edge
		key  string
	}{{EdgeReflect, "reflect"}, {EdgeConstant, "constant"}, {EdgeNearest, "nearest"}, {EdgeMirror, "mirror"}, {EdgeWrap, "wrap"}, {EdgeConstant, "np_convolve"}} {
		got, err := x.Smooth(std, c.edge)
		if err != nil {
			t.Fatal(err)
		}
		checkClose(t, c.key, got.Values(), want[c.key], 1e-12)
	}
	holes := append([]float64(nil), x.Values()[:40]...)
	holes[3], holes[4], holes[20] = math.NaN(), math.NaN(), math.NaN()
	y, err := NewTsd(x.Times()[:40], holes)
	if err != nil {
		t.Fatal(err)
	}
	got, err := y.Smooth(std, EdgeRenormalize)
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "renormalize", got.Values(), want["renormalize"], 1e-12)
}

// TestTransformsMatchClosedForms: Scale, Sqrt and both ZScore scopes
// against formulas evaluated directly (oracle: the definitions, with
// numpy's population standard deviation), and Sqrt's error on a negative
// value naming its row and column.
func TestTransformsMatchClosedForms(t *testing.T) {
	v := mat.NewDense(4, 2, []float64{1, 4, 9, 4, 16, 4, 25, 4})
	x, err := NewTsdFrame([]float64{0, 1, 2, 3}, v, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := x.Scale(4).Sqrt()
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "sqrt(4x)", s.Values(), []float64{2, 4, 6, 4, 8, 4, 10, 4}, 1e-15)
	z, err := x.ZScore(PerColumn)
	if err != nil {
		t.Fatal(err)
	}
	m, sd := 51.0/4, math.Sqrt((math.Pow(1-51.0/4, 2)+math.Pow(9-51.0/4, 2)+math.Pow(16-51.0/4, 2)+math.Pow(25-51.0/4, 2))/4)
	checkClose(t, "per-column z", z.Column(0), []float64{(1 - m) / sd, (9 - m) / sd, (16 - m) / sd, (25 - m) / sd}, 1e-15)
	checkClose(t, "constant column z", z.Column(1), []float64{0, 0, 0, 0}, 0)
	zg, err := x.ZScore(Global)
	if err != nil {
		t.Fatal(err)
	}
	all := x.Values()
	var gm, gs float64
	for _, a := range all {
		gm += a / 8
	}
	for _, a := range all {
		gs += (a - gm) * (a - gm) / 8
	}
	for i, a := range all {
		if w := (a - gm) / math.Sqrt(gs); math.Abs(zg.Values()[i]-w) > 1e-14 {
			t.Errorf("global z[%d] = %v, want %v", i, zg.Values()[i], w)
		}
	}
	neg, err := NewTsdFrame([]float64{0, 1}, mat.NewDense(2, 2, []float64{1, 2, 3, -1}), []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := neg.Sqrt(); err == nil || err.Error() != `spikes: Sqrt: value -1 at row 1 (t = 1 s), column "b" is negative` {
		t.Errorf("negative value: %v", err)
	}
}
