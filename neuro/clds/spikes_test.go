package clds

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
	"github.com/neuronb/neuronb/neuro/spikes"
	"gonum.org/v1/gonum/mat"
)

// hdRecording simulates units tuned to a head direction θ(t) (a wrapped
// random walk sampled at 50 Hz over [0, dur)) and returns them with θ.
func hdRecording(t *testing.T, seed uint64, units int, dur float64) (*spikes.TsGroup, *spikes.Tsd) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 5))
	const fs = 50.0
	n := int(dur * fs)
	ft, theta := make([]float64, n), make([]float64, n)
	th := 1.0
	for i := range ft {
		ft[i] = float64(i) / fs
		th += 0.1 * rng.NormFloat64()
		theta[i] = math.Mod(math.Mod(th, 2*math.Pi)+2*math.Pi, 2*math.Pi)
	}
	times := make([][]float64, units)
	for u := range times {
		mu := 2 * math.Pi * float64(u) / float64(units)
		for s := rng.ExpFloat64() / 40; s < dur; s += rng.ExpFloat64() / 40 {
			if rng.Float64()*40 < 2+38*math.Exp(3*(math.Cos(theta[min(int(s*fs), n-1)]-mu)-1)) {
				times[u] = append(times[u], s)
			}
		}
	}
	g, err := spikes.NewTsGroup(times, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := spikes.NewTsd(ft, theta)
	if err != nil {
		t.Fatal(err)
	}
	return g, f
}

// paperPreprocessing is the CLDS paper's preprocessing in package spikes:
// 50 ms bins per trial, pandas' centred Gaussian rolling mean (window 4,
// std 4, min_periods 1), ×4, square root, global z-score.
func paperPreprocessing(t *testing.T, g *spikes.TsGroup, trials *spikes.IntervalSet) *spikes.Tsd {
	t.Helper()
	y, err := g.Count(0.05, trials)
	if err != nil {
		t.Fatal(err)
	}
	w, err := spikes.GaussianWindow(4, 4)
	if err != nil {
		t.Fatal(err)
	}
	if y, err = y.Convolve(w, spikes.EdgeRenormalize); err != nil {
		t.Fatal(err)
	}
	if y, err = y.Scale(4).Sqrt(); err != nil {
		t.Fatal(err)
	}
	if y, err = y.ZScore(spikes.Global); err != nil {
		t.Fatal(err)
	}
	return y
}

// TestTrialsFromSpikesMatchesReferencePreprocessing rebuilds the reference
// notebook's pipeline (HD_mouse.ipynb: pynapple count per 10 s trial,
// pandas rolling(4, win_type="gaussian", min_periods=1, center=True)
// .mean(std=4), ×4, np.sqrt, (Y − Y.mean())/Y.std()) in Python on the same
// spikes, with θ taken at the bin centres by pynapple's value_from, and
// compares Y and U of every trial (oracle: pynapple 0.11.4 + pandas +
// numpy; 1e-12).
func TestTrialsFromSpikesMatchesReferencePreprocessing(t *testing.T) {
	p := pyoracle.RequireVenv(t, "pynapple", "pandas")
	g, theta := hdRecording(t, 1, 5, 62)
	starts, ends := []float64{1, 11, 21, 31, 41, 51}, []float64{11, 21, 31, 41, 51, 61}
	trialSet, err := spikes.NewIntervalSet(starts, ends, nil)
	if err != nil {
		t.Fatal(err)
	}
	trials, err := TrialsFromSpikes(paperPreprocessing(t, g, trialSet), theta)
	if err != nil {
		t.Fatal(err)
	}
	var want struct{ Y, U [][][]float64 }
	p.Run(t, `
import json, sys, warnings
warnings.filterwarnings("ignore")
import numpy as np, pynapple as nap
d = json.load(sys.stdin)
g = nap.TsGroup({i: nap.Ts(np.array(t)) for i, t in enumerate(d["times"])})
theta = nap.Tsd(t=np.array(d["ft"]), d=np.array(d["theta"]))
Y, U = [], []
for s, e in zip(d["starts"], d["ends"]):
    ep = nap.IntervalSet(s, e)
    counts = g.restrict(ep).count(0.05, ep)
    sm = counts.as_dataframe().rolling(4, win_type="gaussian", min_periods=1, center=True).mean(std=4)
    Y.append(np.sqrt(sm.values * 4))
    U.append(nap.Ts(counts.t).value_from(theta, ep=ep).values[:, None])
Y = np.stack(Y)
Y = (Y - Y.mean()) / Y.std()
print(json.dumps({"y": Y.tolist(), "u": [u.tolist() for u in U]}))
`, map[string]any{"times": g.Trains(), "ft": theta.Times(), "theta": theta.Values(), "starts": starts, "ends": ends}, &want)
	if len(trials) != len(want.Y) {
		t.Fatalf("%d trials, reference %d", len(trials), len(want.Y))
	}
	for k, tr := range trials {
		T, N := tr.Y.Dims()
		if T != 200 || N != 5 || len(want.Y[k]) != T {
			t.Fatalf("trial %d is %d×%d, reference %d bins", k, T, N, len(want.Y[k]))
		}
		for i := 0; i < T; i++ {
			for j := 0; j < N; j++ {
				if d := math.Abs(tr.Y.At(i, j) - want.Y[k][i][j]); d > 1e-12 {
					t.Fatalf("trial %d Y[%d,%d] = %v, reference %v", k, i, j, tr.Y.At(i, j), want.Y[k][i][j])
				}
			}
			if tr.U.At(i, 0) != want.U[k][i][0] {
				t.Fatalf("trial %d U[%d] = %v, reference %v", k, i, tr.U.At(i, 0), want.U[k][i][0])
			}
		}
	}
}

// TestTrialsFromSpikesFitsACLDS: the bridge's trials are valid CLDS input
// (a ring-attractor model on θ validates and fits them for a few ECM
// iterations without error), NaN bins become masked, and a covariate
// missing from a trial is an error naming the interval.
func TestTrialsFromSpikesFitsACLDS(t *testing.T) {
	g, theta := hdRecording(t, 2, 6, 41)
	trialSet, err := spikes.NewIntervalSet([]float64{0, 10, 20, 30}, []float64{10, 20, 30, 40}, nil)
	if err != nil {
		t.Fatal(err)
	}
	trials, err := TrialsFromSpikes(paperPreprocessing(t, g, trialSet), theta)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(rand.New(rand.NewPCG(1, 2)), RingConfig(), 6)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.ValidateTrials(trials); err != nil {
		t.Fatal(err)
	}
	res, err := Fit(m, trials, &Settings{MaxIterations: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Iterations != 3 || res.Err != nil {
		t.Errorf("fit: %d iterations, status %v, %v", res.Iterations, res.Status, res.Err)
	}

	counts, err := g.Count(1, trialSet)
	if err != nil {
		t.Fatal(err)
	}
	gappy, err := spikes.NewTsdFrame([]float64{0, 0.05, 0.1}, mat.NewDense(3, 2, []float64{1, 2, math.NaN(), 3, 4, 5}), nil)
	if err != nil {
		t.Fatal(err)
	}
	one, err := TrialsFromSpikes(gappy, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(one) != 1 || one[0].U != nil || !slices.Equal(one[0].Mask, []bool{true, false, true}) {
		t.Errorf("NaN bin: %+v", one)
	}
	short, err := spikes.NewTsd(theta.Times()[:600], theta.Values()[:600]) // θ only until 12 s
	if err != nil {
		t.Fatal(err)
	}
	_, err = TrialsFromSpikes(counts, short)
	if err == nil || !strings.Contains(err.Error(), "interval 2, bin 0") {
		t.Errorf("missing covariate: %v", err)
	}
}
