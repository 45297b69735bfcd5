package spikes

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
	"gonum.org/v1/gonum/mat"
)

// pynappleCore computes, with pynapple 0.11.4 on the inputs Go sends,
// every core operation the Go package mirrors: interval-set algebra,
// restrict, rates, count (binned and per interval), value_from in its three
// modes, peri-event alignment, responses per epoch and Tsd.smooth.
const pynappleCore = `
import json, sys, warnings
warnings.filterwarnings("ignore")
import numpy as np, pynapple as nap
d = json.load(sys.stdin)
ids = d["ids"]
g = nap.TsGroup({i: nap.Ts(np.array(t)) for i, t in zip(ids, d["times"])})
A = nap.IntervalSet(d["a_start"], d["a_end"])
B = nap.IntervalSet(d["b_start"], d["b_end"])
iv = lambda s: [s.start.tolist(), s.end.tolist()]
nan = lambda x: [None if np.isnan(v) else float(v) for v in np.ravel(x)]
out = {"support": iv(g.time_support), "rates": np.asarray(g.rates, dtype=float).tolist()}
out["intersect"] = iv(A.intersect(B))
out["union"] = iv(A.union(B))
out["diff"] = iv(A.set_diff(B))
out["complement"] = iv(nap.IntervalSet(d["span"][0], d["span"][1]).set_diff(A))
out["merge"] = iv(A.merge_close_intervals(d["gap"]))
out["drop"] = iv(A.drop_short_intervals(d["min"]))
out["split"] = iv(A.split(d["size"]))
r = g.restrict(A)
out["restrict"] = [r[i].t.tolist() for i in ids]
out["restrict_rates"] = np.asarray(r.rates, dtype=float).tolist()
for name, b in (("count", d["bin"]), ("count_wide", d["wide"])):
    c = g.count(b, A)
    out[name] = {"t": c.t.tolist(), "v": c.values.ravel().tolist(), "cols": [int(x) for x in c.columns]}
out["count_in"] = g.count(ep=A).values.ravel().tolist()
feat = nap.Tsd(t=np.array(d["ft"]), d=np.array(d["fv"]))
q = nap.Ts(t=np.array(d["q"]))
for mode in ("closest", "before", "after"):
    v = q.value_from(feat, mode=mode)
    out["vf_" + mode] = {"t": v.t.tolist(), "v": nan(v.values)}
v = q.value_from(feat, ep=B)
out["vf_ep"] = {"t": v.t.tolist(), "v": nan(v.values)}
pe = nap.compute_perievent(g, nap.Ts(np.array(d["events"])), window=(d["before"], d["after"]))
out["peri"] = [[pe[i][k].t.tolist() for k in range(len(d["events"]))] for i in ids]
labels = np.array(d["labels"])
eps = {l: nap.IntervalSet(np.array(d["a_start"])[labels == l], np.array(d["a_end"])[labels == l]) for l in sorted(set(d["labels"]))}
out["responses"] = {"conds": list(eps), "rates": np.asarray(nap.compute_response_per_epoch(g, eps)).tolist()}
fb = feat.restrict(A)
std_size = fb.rate * d["std"]
M = int(std_size * 100)
M += 1 - M % 2
s = fb.smooth(d["std"])
out["smooth"] = {"m": M, "std": std_size, "t": s.t.tolist(), "v": s.values.tolist()}
print(json.dumps(out))
`

type pyIntervals [2][]float64

type pySeries struct {
	T    []float64
	V    []*float64
	Cols []int
}

type pyCore struct {
	Support       pyIntervals
	Rates         []float64
	RestrictRates []float64 `json:"restrict_rates"`
	Intersect     pyIntervals
	Union         pyIntervals
	Diff          pyIntervals
	Complement    pyIntervals
	Merge         pyIntervals
	Drop          pyIntervals
	Split         pyIntervals
	Restrict      [][]float64
	Count         pySeries
	CountWide     pySeries  `json:"count_wide"`
	CountIn       []float64 `json:"count_in"`
	VFClosest     pySeries  `json:"vf_closest"`
	VFBefore      pySeries  `json:"vf_before"`
	VFAfter       pySeries  `json:"vf_after"`
	VFEp          pySeries  `json:"vf_ep"`
	Peri          [][][]float64
	Responses     struct {
		Conds []string
		Rates [][]float64
	}
	Smooth struct {
		M   int
		Std float64
		T   []float64
		V   []float64
	}
}

// TestCoreOperationsMatchPynapple compares every core operation with
// pynapple's own result on the same random inputs (oracle: pynapple
// 0.11.4). Times that pynapple computes by the same arithmetic (restrict,
// interval algebra, value_from, alignment, counts) must agree exactly;
// tolerances cover pynapple's documented differences: bin centres and split
// starts rounded to 1 ns, split ends moved 1 µs back, rates divided in
// another order (1e-12 relative), smoothing by FFT (1e-12).
func TestCoreOperationsMatchPynapple(t *testing.T) {
	p := pyoracle.RequireVenv(t, "pynapple")
	rng := rand.New(rand.NewPCG(14, 1))
	ids := []int{3, 7, 11, 20, 42}
	times := make([][]float64, len(ids))
	for i := range times {
		times[i] = poisson(rng, 4+9*float64(i), 0, 100)
	}
	as, ae := randomIntervals(rng, 14, 2, 98)
	bs, be := randomIntervals(rng, 9, 0, 100)
	ft := make([]float64, 10000)
	fv := make([]float64, len(ft))
	for i := range ft {
		ft[i], fv[i] = 0.3+0.01*float64(i), rng.NormFloat64()
	}
	q := make([]float64, 400)
	for i := range q {
		q[i] = -1 + 102*rng.Float64()
	}
	sortFloats(q)
	events := []float64{6.5, 11, 20.25, 33, 47.5, 58, 71, 80.125, 88, 93}
	labels := make([]string, len(as))
	for i := range labels {
		labels[i] = []string{"grating", "dots", "blank"}[i%3]
	}
	in := map[string]any{"ids": ids, "times": times, "a_start": as, "a_end": ae, "b_start": bs, "b_end": be,
		"span": []float64{1, 99}, "gap": 2.0, "min": 3.0, "size": 1.7, "bin": 0.05, "wide": 1.3,
		"ft": ft, "fv": fv, "q": q, "events": events, "before": 0.3, "after": 0.5, "labels": labels, "std": 0.05}
	var py pyCore
	p.Run(t, pynappleCore, in, &py)

	g := mustGroup(t, times, ids, nil)
	a := mustSet(t, as, ae, &Metadata{Strings: map[string][]string{"stimulus": labels}})
	b := mustSet(t, bs, be, nil)
	sameSet := func(what string, s *IntervalSet, want pyIntervals, tolStart, tolEnd float64) {
		t.Helper()
		checkClose(t, what+" starts", s.Starts(), want[0], tolStart)
		checkClose(t, what+" ends", s.Ends(), want[1], tolEnd)
	}
	sameSet("support", g.Support(), py.Support, 0, 0)
	checkClose(t, "rates", g.Rates(), py.Rates, 1e-12)
	sameSet("intersect", a.Intersect(b), py.Intersect, 0, 0)
	sameSet("union", a.Union(b), py.Union, 0, 0)
	sameSet("set_diff", a.Difference(b), py.Diff, 0, 0)
	comp, err := a.Complement(1, 99)
	if err != nil {
		t.Fatal(err)
	}
	sameSet("complement", comp, py.Complement, 0, 0)
	merged, err := a.MergeClose(2)
	if err != nil {
		t.Fatal(err)
	}
	sameSet("merge_close_intervals", merged, py.Merge, 0, 0)
	long, err := a.DropShort(3)
	if err != nil {
		t.Fatal(err)
	}
	sameSet("drop_short_intervals", long, py.Drop, 0, 0)
	split, err := a.Split(1.7)
	if err != nil {
		t.Fatal(err)
	}
	sameSet("split", split, py.Split, 1e-9, 1e-6+1e-9)

	r := g.Restrict(a)
	for i := range ids {
		checkClose(t, "restrict unit "+r.cols()[i], r.Times(i), py.Restrict[i], 0)
	}
	checkClose(t, "rates after restrict", r.Rates(), py.RestrictRates, 1e-12)

	for _, c := range []struct {
		name string
		bin  float64
		want pySeries
	}{{"count 50 ms", 0.05, py.Count}, {"count 1.3 s", 1.3, py.CountWide}} {
		got, err := g.Count(c.bin, a)
		if err != nil {
			t.Fatal(err)
		}
		checkClose(t, c.name+" bin centres", got.Times(), c.want.T, 1e-9)
		checkClose(t, c.name+" values", got.Values(), nanFloats(c.want.V), 0)
		if !slices.Equal(got.Columns(), []string{"3", "7", "11", "20", "42"}) || !slices.Equal(c.want.Cols, ids) {
			t.Errorf("%s: columns %v, pynapple %v", c.name, got.Columns(), c.want.Cols)
		}
	}
	checkClose(t, "count per interval", g.CountIn(a).Values(), py.CountIn, 0)

	query, err := NewTsd(q, make([]float64, len(q)))
	if err != nil {
		t.Fatal(err)
	}
	feat, err := NewTsd(ft, fv)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		mode Match
		ep   *IntervalSet
		want pySeries
	}{{"closest", Closest, nil, py.VFClosest}, {"before", Before, nil, py.VFBefore}, {"after", After, nil, py.VFAfter}, {"closest in B", Closest, b, py.VFEp}} {
		got, err := query.ValueFrom(feat, c.ep, c.mode)
		if err != nil {
			t.Fatal(err)
		}
		checkClose(t, "value_from "+c.name+" times", got.Times(), c.want.T, 0)
		checkClose(t, "value_from "+c.name+" values", got.Values(), nanFloats(c.want.V), 0)
	}

	pe, err := g.Perievent(events, 0.3, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ids {
		for k := range events {
			checkClose(t, "perievent", pe.Trials(i)[k], py.Peri[i][k], 0)
		}
	}

	resp, err := g.Responses(a, "stimulus")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(resp.Conditions, py.Responses.Conds) {
		t.Fatalf("conditions %v, pynapple %v", resp.Conditions, py.Responses.Conds)
	}
	for u := range ids {
		checkClose(t, "responses of unit "+r.cols()[u], mat.Col(nil, u, resp.Rates), py.Responses.Rates[u], 1e-12)
	}

	k, err := GaussianWindow(py.Smooth.M, py.Smooth.Std)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := feat.Restrict(a).Convolve(k, EdgeConstant)
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "smooth times", sm.Times(), py.Smooth.T, 0)
	checkClose(t, "smooth values", sm.Values(), py.Smooth.V, 1e-12)
	if math.IsNaN(sm.Values()[0]) {
		t.Error("smoothing produced NaN")
	}
}

// cols names a group's units for messages.
func (g *TsGroup) cols() []string { return idNames(g.ids) }
