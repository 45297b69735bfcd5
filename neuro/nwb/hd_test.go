package nwb

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

const hdFile = "../../tutorials/data/head_direction.nwb"

// TestHeadDirectionFileIsReproducible re-runs the script that wrote the
// committed tutorial file and checks that it writes the same bytes (the
// pinned pynwb and h5py write deterministically once object IDs and dates
// are fixed), and that the file stays under 500 kB.
func TestHeadDirectionFileIsReproducible(t *testing.T) {
	p := pyoracle.RequireVenv(t, "pynwb", "numpy")
	want, err := os.ReadFile(hdFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) > 500<<10 {
		t.Errorf("%s is %d bytes, more than 500 kB", hdFile, len(want))
	}
	out := filepath.Join(t.TempDir(), "hd.nwb")
	cmd := exec.Command(p.Python, "../hdf5/testdata/make_hd_nwb.py", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make_hd_nwb.py: %v\n%s", err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("make_hd_nwb.py wrote %d bytes that differ from the committed %d-byte file", len(got), len(want))
	}
}

// TestHeadDirectionFileContents checks the committed tutorial file holds
// what its script documents: 20 units with their ground-truth tuning
// columns, 240 s of head direction at 100 Hz in [0, 2π), 12 trials
// alternating light and dark, two epochs.
func TestHeadDirectionFileContents(t *testing.T) {
	f, err := Open(hdFile)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := f.Close(); err != nil {
			t.Error(err)
		}
	}()
	u, err := f.Units()
	if err != nil {
		t.Fatal(err)
	}
	if u.Len() != 20 {
		t.Fatalf("%d units, want 20", u.Len())
	}
	for _, c := range []string{"preferred_direction", "peak_rate", "baseline_rate", "kappa", "cell_type"} {
		if _, ok := u.Columns[c]; !ok {
			t.Errorf("units lack column %s", c)
		}
	}
	for i, st := range u.SpikeTimes {
		if len(st) == 0 {
			t.Errorf("unit %d has no spikes", i)
		}
		for j := 1; j < len(st); j++ {
			if !(st[j-1] <= st[j]) || st[j] > 240 {
				t.Fatalf("unit %d spike %d at %v after %v", i, j, st[j], st[j-1])
			}
		}
	}
	hd, err := f.TimeSeries("/processing/behavior/CompassDirection/head_direction")
	if err != nil {
		t.Fatal(err)
	}
	r, c := hd.Data.Dims()
	if r != 24000 || c != 1 || hd.Rate != 100 || hd.Unit != "radians" {
		t.Errorf("head direction %d×%d at %v Hz in %s", r, c, hd.Rate, hd.Unit)
	}
	for i := 0; i < r; i++ {
		if v := hd.Data.At(i, 0); v < 0 || v >= 2*math.Pi+1e-6 {
			t.Fatalf("head direction %d = %v outside [0, 2π)", i, v)
		}
	}
	tr, err := f.Intervals("trials")
	if err != nil {
		t.Fatal(err)
	}
	if tr.Len() != 12 || tr.Columns["condition"].Strings[1] != "dark" {
		t.Errorf("%d trials, conditions %q", tr.Len(), tr.Columns["condition"].Strings)
	}
	ep, err := f.Intervals("epochs")
	if err != nil {
		t.Fatal(err)
	}
	if ep.Len() != 2 || ep.Stop[1] != 240 {
		t.Errorf("epochs %v–%v", ep.Start, ep.Stop)
	}
}
