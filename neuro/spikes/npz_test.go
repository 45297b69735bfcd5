package spikes

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
	"github.com/neuronb/neuronb/neuro/npy"
)

// TestLoadNPZReadsPynappleFiles loads files written by pynapple's own save
// methods (TsGroup with pickled metadata, Ts, Tsd, TsdFrame with string
// columns, IntervalSet) and compares every value with what pynapple
// reports for the saved objects (oracle: pynapple 0.11.4).
func TestLoadNPZReadsPynappleFiles(t *testing.T) {
	p := pyoracle.RequireVenv(t, "pynapple")
	dir := t.TempDir()
	var py struct {
		Ids     []int
		Times   [][]float64
		Support [2][]float64
		Ts      []float64
		Tsd     [2][]float64
		Frame   struct {
			T    []float64
			D    [][]float64
			Cols []string
		}
		Ep [2][]float64
	}
	p.Run(t, `
import json, sys, warnings
warnings.filterwarnings("ignore")
import numpy as np, pynapple as nap
d = json.load(sys.stdin)
rng = np.random.default_rng(5)
ep = nap.IntervalSet([0, 40], [30, 90])
g = nap.TsGroup({4: nap.Ts(np.sort(rng.uniform(0, 100, 50))), 9: nap.Ts(np.sort(rng.uniform(0, 100, 20))), 12: nap.Ts(np.array([]))},
                time_support=ep, metadata={"area": ["CA1", "CA3", "CA1"]})
g.save(d + "/group.npz")
ts = nap.Ts(np.sort(rng.uniform(0, 5, 7))); ts.save(d + "/ts.npz")
tsd = nap.Tsd(t=np.arange(10) * 0.1, d=rng.normal(size=10)); tsd.save(d + "/tsd.npz")
fr = nap.TsdFrame(t=np.arange(6) * 0.5, d=rng.normal(size=(6, 2)), columns=["x", "y"]); fr.save(d + "/frame.npz")
ep.save(d + "/ep.npz")
print(json.dumps({"ids": [int(k) for k in g.keys()], "times": [g[k].t.tolist() for k in g.keys()],
    "support": [g.time_support.start.tolist(), g.time_support.end.tolist()], "ts": ts.t.tolist(),
    "tsd": [tsd.t.tolist(), tsd.values.tolist()], "frame": {"t": fr.t.tolist(), "d": fr.values.tolist(), "cols": [str(c) for c in fr.columns]},
    "ep": [ep.start.tolist(), ep.end.tolist()]}))
`, dir, &py)
	g, err := LoadNPZ(filepath.Join(dir, "group.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g.IDs(), py.Ids) {
		t.Fatalf("ids %v, pynapple %v", g.IDs(), py.Ids)
	}
	for i := range py.Ids {
		checkClose(t, "unit "+g.cols()[i], g.Times(i), py.Times[i], 0)
	}
	checkClose(t, "support starts", g.Support().Starts(), py.Support[0], 0)
	checkClose(t, "support ends", g.Support().Ends(), py.Support[1], 0)
	ts, err := LoadNPZ(filepath.Join(dir, "ts.npz"))
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "Ts", ts.Times(0), py.Ts, 0)
	tsd, err := LoadTsdNPZ(filepath.Join(dir, "tsd.npz"))
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "Tsd times", tsd.Times(), py.Tsd[0], 0)
	checkClose(t, "Tsd values", tsd.Values(), py.Tsd[1], 0)
	fr, err := LoadTsdNPZ(filepath.Join(dir, "frame.npz"))
	if err != nil {
		t.Fatal(err)
	}
	// pynapple pickles the names ["x", "y"], so they come back as 0, 1.
	if !slices.Equal(fr.Columns(), []string{"0", "1"}) || len(py.Frame.Cols) != 2 {
		t.Errorf("columns %v, pynapple %v", fr.Columns(), py.Frame.Cols)
	}
	for i, row := range py.Frame.D {
		checkClose(t, "TsdFrame row", fr.Values()[2*i:2*i+2], row, 0)
	}
	ep, err := LoadIntervalSetNPZ(filepath.Join(dir, "ep.npz"))
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "IntervalSet", ep.Ends(), py.Ep[1], 0)
	if _, err := LoadTsdNPZ(filepath.Join(dir, "group.npz")); err == nil || !strings.Contains(err.Error(), "holds a pynapple TsGroup, not a Tsd or TsdFrame") {
		t.Errorf("wrong type: %v", err)
	}
}

// TestWriteNPZIsReadByPynapple: what the WriteNPZ methods write,
// nap.load_file reads back with the same values, ids, support and unit
// metadata (oracle: pynapple 0.11.4); interval metadata round-trips
// through Go.
func TestWriteNPZIsReadByPynapple(t *testing.T) {
	p := pyoracle.RequireVenv(t, "pynapple")
	dir := t.TempDir()
	g := mustGroup(t, [][]float64{{0.5, 1.25, 7}, {}, {3, 3.5}}, []int{2, 5, 40}, &Metadata{
		Strings: map[string][]string{"area": {"ADn", "ADn", "PoSub"}}, Numbers: map[string][]float64{"depth": {100, 150, 410.5}}})
	ep := mustSet(t, []float64{0, 2.5}, []float64{2, 8}, &Metadata{Strings: map[string][]string{"epoch": {"sleep", "wake"}}})
	g = g.Restrict(ep)
	theta, err := NewTsd([]float64{0, 0.02, 0.04}, []float64{0.1, math.Pi, 6})
	if err != nil {
		t.Fatal(err)
	}
	save := func(name string, write func(*bytes.Buffer) error) {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	save("g.npz", func(b *bytes.Buffer) error { return g.WriteNPZ(b) })
	save("ep.npz", func(b *bytes.Buffer) error { return ep.WriteNPZ(b) })
	save("theta.npz", func(b *bytes.Buffer) error { return theta.WriteNPZ(b) })
	var py struct {
		Ids     []int
		Times   [][]float64
		Area    []string
		Depth   []float64
		Support [2][]float64
		Epoch   []float64
		Theta   [2][]float64
		Kinds   []string
	}
	p.Run(t, `
import json, sys, warnings
warnings.filterwarnings("ignore")
import numpy as np, pynapple as nap
d = json.load(sys.stdin)
g = nap.load_file(d + "/g.npz"); ep = nap.load_file(d + "/ep.npz"); th = nap.load_file(d + "/theta.npz")
print(json.dumps({"ids": [int(k) for k in g.keys()], "times": [g[k].t.tolist() for k in g.keys()],
    "area": [str(x) for x in g.area], "depth": [float(x) for x in g.depth],
    "support": [g.time_support.start.tolist(), g.time_support.end.tolist()], "epoch": ep.end.tolist(),
    "theta": [th.t.tolist(), th.values.tolist()], "kinds": [type(x).__name__ for x in (g, ep, th)]}))
`, dir, &py)
	if !slices.Equal(py.Ids, g.IDs()) || !slices.Equal(py.Area, []string{"ADn", "ADn", "PoSub"}) || !slices.Equal(py.Depth, []float64{100, 150, 410.5}) {
		t.Errorf("pynapple read ids %v, area %v, depth %v", py.Ids, py.Area, py.Depth)
	}
	for i := range py.Ids {
		checkClose(t, "unit", py.Times[i], g.Times(i), 0)
	}
	checkClose(t, "support", py.Support[1], []float64{2, 8}, 0)
	if !slices.Equal(py.Epoch, []float64{2, 8}) || !slices.Equal(py.Kinds, []string{"TsGroup", "IntervalSet", "Tsd"}) {
		t.Errorf("pynapple read epochs ending %v as %v", py.Epoch, py.Kinds)
	}
	backEp, err := LoadIntervalSetNPZ(filepath.Join(dir, "ep.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if m := backEp.Metadata(); !slices.Equal(m.Strings["epoch"], []string{"sleep", "wake"}) {
		t.Errorf("interval metadata round trip: %v", backEp)
	}
	checkClose(t, "Tsd", py.Theta[1], theta.Values(), 0)
	back, err := LoadNPZ(filepath.Join(dir, "g.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if m := back.Metadata(); !slices.Equal(m.Strings["area"], []string{"ADn", "ADn", "PoSub"}) || !slices.Equal(back.IDs(), []int{2, 5, 40}) {
		t.Errorf("Go round trip: %v", back)
	}
}

// FuzzLoadNPZ: the three layout readers, on any archive, fail with an
// error or return valid values; nothing panics.
func FuzzLoadNPZ(f *testing.F) {
	g, err := NewTsGroup([][]float64{{0.5, 1}, {0.7}}, []int{3, 8}, &Metadata{Strings: map[string][]string{"a": {"x", "y"}}})
	if err != nil {
		f.Fatal(err)
	}
	s, err := NewTsd([]float64{0, 1}, []float64{2, 3})
	if err != nil {
		f.Fatal(err)
	}
	ep, err := NewIntervalSet([]float64{0}, []float64{1}, nil)
	if err != nil {
		f.Fatal(err)
	}
	for _, w := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return g.WriteNPZ(b) },
		func(b *bytes.Buffer) error { return s.WriteNPZ(b) },
		func(b *bytes.Buffer) error { return ep.WriteNPZ(b) },
		func(b *bytes.Buffer) error {
			return npy.WriteNPZ(b, map[string]*npy.Array{"t": {Shape: []int{2}, Data: []float64{1, 0}}, "index": {Shape: []int{2}, Data: []float64{1, 1.5}}})
		},
	} {
		var buf bytes.Buffer
		if err := w(&buf); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		z, err := npy.ReadNPZ(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		if g, err := tsGroupFromNPZ(z); err == nil {
			for i := range g.Len() {
				if err := checkTimes(g.Times(i), "unit"); err != nil {
					t.Fatal(err)
				}
			}
		}
		if s, err := tsdFromNPZ(z); err == nil && len(s.Values()) != s.Len()*s.Cols() {
			t.Fatalf("series %d×%d with %d values", s.Len(), s.Cols(), len(s.Values()))
		}
		if ep, err := intervalSetFromNPZ(z); err == nil {
			for i := 1; i < ep.Len(); i++ {
				if ep.Start(i) < ep.End(i-1) {
					t.Fatal("overlapping intervals")
				}
			}
		}
	})
}
