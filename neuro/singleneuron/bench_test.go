package singleneuron

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// izhikevichNumpy integrates Izhikevich neurons with numpy, vectorised over
// neurons, with the same Euler step, spike-time interpolation and
// Ornstein–Uhlenbeck input as the campaign's kernel (runOU). With sigma 0
// and the current as stim it integrates a given current (Run).
const izhikevichNumpy = `
import json, sys, time
import numpy as np
d = json.load(sys.stdin)
def simulate(P, stim, scale, sigma, tau, dt, rng):
    a, b, c, dd = (np.array([p[i] for p in P]) for i in range(4))
    n = len(a)
    h = 1000 * dt
    ha = h * a
    decay, kick = 1 - dt / tau, sigma * np.sqrt(2 * dt / tau)
    eta = sigma * rng.standard_normal(n) if sigma > 0 else np.zeros(n)
    v = np.full(n, -65.0)
    u = b * v
    spikes = [[] for _ in range(n)]
    for k, s in enumerate(stim):
        vn = v + h * (0.04 * v * v + 5 * v + 140 - u + (scale * s + eta))
        u = u + ha * (b * v - u)
        fired = np.flatnonzero(vn >= 30.0)
        for i in fired:
            spikes[i].append((k + (30.0 - v[i]) / (vn[i] - v[i])) * dt)
        vn[fired] = c[fired]
        u[fired] += dd[fired]
        v = vn
        if sigma > 0:
            eta = decay * eta + kick * rng.standard_normal(n)
    return spikes
rng = np.random.default_rng(0)
if d["mode"] == "current":
    out = [simulate([p], np.array(d["current"]), 1.0, 0.0, 1.0, d["dt"], rng)[0] for p in d["params"]]
    print(json.dumps(out))
else:
    stim = np.array(d["stim"])
    best = float("inf")
    for _ in range(d["repeats"]):
        start = time.perf_counter()
        sp = simulate(d["params"], stim, d["scale"], d["sigma"], d["tau"], d["dt"], rng)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best, "spikes": sum(len(s) for s in sp)}))
`

// Oracle: a numpy implementation of the same Euler scheme integrates a
// given current for each of the four types to the same spike times
// (1e-9 s; the arithmetic is the same, so they agree far closer).
func TestIzhikevichMatchesNumpy(t *testing.T) {
	pyoracle.Require(t, "numpy")
	const dt = 0.0005
	rng := rand.New(rand.NewPCG(8, 8))
	current := make([]float64, 4000)
	for k := range current {
		current[k] = 6 + 4*math.Sin(float64(k)*dt*2*math.Pi*3) + 3*rng.NormFloat64()
	}
	var params [][]float64
	for _, ty := range AllTypes {
		p := ty.Params()
		params = append(params, []float64{p.A, p.B, p.C, p.D})
	}
	var py [][]float64
	pyoracle.Run(t, izhikevichNumpy, map[string]any{"mode": "current", "current": current, "dt": dt, "params": params}, &py)
	for i, ty := range AllTypes {
		got, err := ty.Params().Run(current, dt)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(py[i]) || len(got) < 10 {
			t.Fatalf("%v: %d spikes, numpy %d", ty, len(got), len(py[i]))
		}
		for k := range got {
			if math.Abs(got[k]-py[i][k]) > 1e-9 {
				t.Fatalf("%v: spike %d at %.12f s, numpy %.12f s", ty, k, got[k], py[i][k])
			}
		}
		t.Logf("%v: %d spikes agree", ty, len(got))
	}
}

// BenchmarkIzhikevichVsNumpy simulates 1,000 neurons (the four types in
// turn) for 10 s at dt = 0.5 ms (2·10⁷ Euler steps with Ornstein–Uhlenbeck
// input) with the campaign's kernel on one goroutine and with numpy
// vectorised over neurons (Debian's numpy, one thread) in one run, best of
// 3 each, and reports the time ratio (target ≤ 1.0). Run it alone:
//
//	go test ./neuro/singleneuron -run '^$' -bench IzhikevichVsNumpy -benchtime 1x
func BenchmarkIzhikevichVsNumpy(b *testing.B) {
	if err := pyoracle.Available("numpy"); err != nil {
		b.Skip(err)
	}
	const neurons, dt, repeats = 1000, 0.0005, 3
	stim := make([]float64, int(10/dt))
	for k := range stim {
		stim[k] = 1 + 0.3*math.Sin(2*math.Pi*2*float64(k)*dt)
	}
	ps := make([]Izhikevich, neurons)
	var params [][]float64
	for i := range ps {
		ps[i] = AllTypes[i%4].Params()
		params = append(params, []float64{ps[i].A, ps[i].B, ps[i].C, ps[i].D})
	}
	for b.Loop() {
		var np struct {
			Seconds float64
			Spikes  int
		}
		if err := pyoracle.Call(izhikevichNumpy, map[string]any{"mode": "time", "stim": stim, "scale": 3.0, "sigma": 5.0, "tau": 0.005,
			"dt": dt, "params": params, "repeats": repeats}, &np); err != nil {
			b.Fatal(err)
		}
		best, count := math.Inf(1), 0
		for r := 0; r < repeats; r++ {
			start := time.Now()
			count = 0
			rng := rand.New(rand.NewPCG(1, 1))
			var buf []float64
			for _, p := range ps {
				buf = p.runOU(buf[:0], rng, stim, 3, 5, 0.005, dt)
				count += len(buf)
			}
			best = math.Min(best, time.Since(start).Seconds())
		}
		b.Logf("1,000 neurons × 10 s (2·10⁷ Euler steps), best of %d: Go %.3f s (%d spikes, 1 goroutine), numpy %.3f s (%d spikes); ratio %.3f (target ≤ 1.0)",
			repeats, best, count, np.Seconds, np.Spikes, best/np.Seconds)
		b.ReportMetric(best, "go-s")
		b.ReportMetric(np.Seconds, "numpy-s")
		b.ReportMetric(best/np.Seconds, "go/numpy")
	}
}

// BenchmarkSimulateCampaign simulates 1,000 neurons in each of 10
// environments (5 animals × 2 stimuli), 60 s each: 10⁴ neuron recordings,
// 1.2·10⁹ Euler steps, on every core. Run it alone:
//
//	go test ./neuro/singleneuron -run '^$' -bench SimulateCampaign -benchtime 1x
func BenchmarkSimulateCampaign(b *testing.B) {
	for b.Loop() {
		c, err := Simulate(&CampaignSettings{Animals: 5, Stimuli: 2, NeuronsPerAnimal: 1000, Duration: 60, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		spikes := 0
		for _, e := range c.Environments {
			for _, n := range e.Units.SpikeCounts() {
				spikes += n
			}
		}
		b.Logf("%d neuron recordings, %d spikes in %.2f s on %d threads (%.2f ns per neuron-step)", c.Iterations, spikes, c.Runtime.Seconds(),
			runtime.GOMAXPROCS(0), c.Runtime.Seconds()*1e9/(float64(c.Iterations)*60/0.0005))
		b.ReportMetric(c.Runtime.Seconds(), "s/campaign")
	}
}

// BenchmarkVICRegEpoch times one epoch of VICReg training (every training
// row once as a first view: rows/64 steps of 64 pairs) on the study's
// dataset (5 animals × 3 stimuli, 100 neurons per animal, 60 s, 10 s
// segments; one animal held out), with and without the adversary.
func BenchmarkVICRegEpoch(b *testing.B) {
	c, err := Simulate(&CampaignSettings{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	d, err := Segments(c, 10, nil)
	if err != nil {
		b.Fatal(err)
	}
	rows := d.RowsWhere(func(r int) bool { return d.Animal[r] != 0 })
	batch := make([]int, len(rows))
	for i, r := range rows {
		batch[i] = d.Animal[r] - 1
	}
	for _, adv := range []bool{false, true} {
		name := "baseline"
		if adv {
			name = "adversary"
		}
		b.Run(name, func(b *testing.B) {
			set := &TrainSettings{MaxIterations: len(rows) / 64, Adversarial: adv, Lambda: 1}
			for b.Loop() {
				_, tr, err := Train(d, rows, batch, set)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(tr.Iterations), "steps")
			}
		})
	}
}
