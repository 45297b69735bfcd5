package spikes

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// hdFile is the simulated head-direction recording the tutorials use.
var hdFile = filepath.Join("..", "..", "tutorials", "data", "head_direction.nwb")

// TestNWBMatchesPynapple opens the same NWB file with OpenNWB and with
// pynapple's nap.load_file (oracle: pynapple 0.11.4 over pynwb): unit ids,
// spike times and metadata, trials with their condition, the head-direction
// series, and the tuning curves each computes from what it loaded must
// agree (times exactly, trial ends to pynapple's 1 µs shift, rates to 1e-12
// relative).
func TestNWBMatchesPynapple(t *testing.T) {
	p := pyoracle.RequireVenv(t, "pynapple", "pynwb")
	abs, err := filepath.Abs(hdFile)
	if err != nil {
		t.Fatal(err)
	}
	var py struct {
		IDs       []int
		Times     [][]float64
		Kappa     []float64
		CellType  []string `json:"cell_type"`
		Start     []float64
		End       []float64
		Condition []string
		HDT       []float64 `json:"hd_t"`
		HDD       []float64 `json:"hd_d"`
		HDLen     int       `json:"hd_len"`
		Tuning    []*float64
	}
	p.Run(t, `
import json, sys, warnings
warnings.filterwarnings("ignore")
import numpy as np, pynapple as nap
d = nap.load_file(json.load(sys.stdin))
u, tr, hd = d["units"], d["trials"], d["head_direction"]
tc = nap.compute_tuning_curves(u, hd, bins=36, range=(0, 2*np.pi))
print(json.dumps({"ids": [int(k) for k in u.keys()], "times": [u[k].t.tolist() for k in u.keys()],
  "kappa": u.metadata["kappa"].tolist(), "cell_type": [str(x) for x in u.metadata["cell_type"]],
  "start": tr.start.tolist(), "end": tr.end.tolist(), "condition": [str(x) for x in tr.metadata["condition"]],
  "hd_t": hd.t[:50].tolist(), "hd_d": hd.d[:50].astype(float).tolist(), "hd_len": len(hd),
  "tuning": [None if np.isnan(v) else float(v) for v in np.ravel(tc.values)]}))
`, abs, &py)

	f, err := OpenNWB(hdFile)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := f.Close(); err != nil {
			t.Error(err)
		}
	}()
	g, err := f.Units()
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(g.IDs()) != fmt.Sprint(py.IDs) {
		t.Fatalf("unit ids %v, pynapple %v", g.IDs(), py.IDs)
	}
	for i, times := range g.Trains() {
		checkClose(t, fmt.Sprintf("unit %d spike times", py.IDs[i]), times, py.Times[i], 0)
	}
	checkClose(t, "kappa", g.Metadata().Numbers["kappa"], py.Kappa, 0)
	if got := strings.Join(g.Metadata().Strings["cell_type"], ","); got != strings.Join(py.CellType, ",") {
		t.Errorf("cell_type %s, pynapple %s", got, strings.Join(py.CellType, ","))
	}

	trials, err := f.Intervals("trials")
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "trial starts", trials.Starts(), py.Start, 0)
	checkClose(t, "trial ends (pynapple moves touching ends 1 µs back)", trials.Ends(), py.End, 1.01e-6)
	if got := strings.Join(trials.Metadata().Strings["condition"], ","); got != strings.Join(py.Condition, ",") {
		t.Errorf("conditions %s, pynapple %s", got, strings.Join(py.Condition, ","))
	}

	infos, err := f.SeriesInfo()
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 1 || infos[0].Name != "head_direction" {
		t.Fatalf("series %+v, want the one head_direction", infos)
	}
	hd, err := f.Series(infos[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	if hd.Len() != py.HDLen {
		t.Fatalf("head direction has %d samples, pynapple %d", hd.Len(), py.HDLen)
	}
	checkClose(t, "head-direction times", hd.Times()[:50], py.HDT, 1e-12)
	checkClose(t, "head direction", hd.Column(0)[:50], py.HDD, 0)

	tc, err := g.TuningCurves(hd, &TuningSettings{Bins: 36, Period: 2 * math.Pi})
	if err != nil {
		t.Fatal(err)
	}
	relClose(t, "tuning curves from the NWB file", tc.Rates, nanFloats(py.Tuning), 1e-12)
}

func TestNWBErrorsNameTheFile(t *testing.T) {
	if _, err := OpenNWB("no-such-file.nwb"); err == nil || !strings.Contains(err.Error(), "no-such-file.nwb") {
		t.Errorf("missing file: %v", err)
	}
	f, err := OpenNWB(hdFile)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := f.Close(); err != nil {
			t.Error(err)
		}
	}()
	if _, err := f.Intervals("sleep"); err == nil || !strings.Contains(err.Error(), "sleep") {
		t.Errorf("missing interval table: %v", err)
	}
	if _, err := f.Series("/processing/behavior/nothing"); err == nil || !strings.Contains(err.Error(), "nothing") {
		t.Errorf("missing series: %v", err)
	}
}
