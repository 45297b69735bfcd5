package spikes

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
	"github.com/neuronb/neuronb/neuro/npy"
)

// TestLoadPhyReadsKilosortFolder reads testdata/phy (written by numpy with
// testdata/make_phy.py: uint64 samples of shape (n, 1), int32 curated
// clusters with one cluster merged away, three cluster tables) and checks
// ids, metadata precedence and spike counts against the tables (oracle:
// the files' own contents as written).
func TestLoadPhyReadsKilosortFolder(t *testing.T) {
	g, err := LoadPhy("testdata/phy")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g.IDs(), []int{0, 1, 5, 7, 12}) {
		t.Fatalf("ids %v", g.IDs())
	}
	m := g.Metadata()
	if got := m.Strings["group"]; !slices.Equal(got, []string{"good", "mua", "noise", "mua", "good"}) {
		t.Errorf("group (from cluster_group.tsv) %v", got)
	}
	if got := m.Strings["KSLabel"]; !slices.Equal(got, []string{"good", "mua", "good", "mua", "good"}) {
		t.Errorf("KSLabel (from cluster_KSLabel.tsv) %v", got)
	}
	if got := m.Numbers["ch"]; !slices.Equal(got, []float64{4, 17, 17, 30, 52}) {
		t.Errorf("ch (from cluster_info.tsv) %v", got)
	}
	total := 0
	for i, n := range m.Numbers["n_spikes"] {
		if len(g.Times(i)) != int(n) {
			t.Errorf("unit %d: %d spikes, cluster_info says %v", g.ID(i), len(g.Times(i)), n)
		}
		total += len(g.Times(i))
	}
	if total != 400 {
		t.Errorf("%d spikes in all, want 400", total)
	}
	good, err := g.Where("group", "good")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(good.IDs(), []int{0, 12}) {
		t.Errorf("good units %v", good.IDs())
	}
}

// TestLoadPhyMatchesNumpyGrouping: spike times are samples / sample_rate
// grouped by cluster (oracle: numpy on the same files: np.unique of the
// clusters, and the samples of each divided by 30000).
func TestLoadPhyMatchesNumpyGrouping(t *testing.T) {
	pyoracle.Require(t, "numpy")
	var want map[string][]float64
	abs, err := filepath.Abs("testdata/phy")
	if err != nil {
		t.Fatal(err)
	}
	pyoracle.Run(t, `
import json, sys
import numpy as np
d = json.load(sys.stdin)
s = np.load(d + "/spike_times.npy").ravel()
c = np.load(d + "/spike_clusters.npy")
print(json.dumps({str(k): (s[c == k] / 30000.0).tolist() for k in np.unique(c)}))
`, abs, &want)
	g, err := LoadPhy("testdata/phy")
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range g.cols() {
		checkClose(t, "unit "+name, g.Times(i), want[name], 0)
	}
}

// TestLoadPhyWithoutPhyFiles: a folder straight from Kilosort (no
// spike_clusters.npy, no cluster_group.tsv) uses spike_templates.npy and
// takes "group" from KSLabel.
func TestLoadPhyWithoutPhyFiles(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"spike_times.npy", "spike_templates.npy", "params.py", "cluster_KSLabel.tsv"} {
		b, err := os.ReadFile(filepath.Join("testdata/phy", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	g, err := LoadPhy(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g.IDs(), []int{0, 1, 2, 3, 4, 5}) {
		t.Errorf("template ids %v", g.IDs())
	}
	m := g.Metadata()
	// Templates 0, 1 and 3 are also cluster ids in cluster_KSLabel.tsv.
	if got := m.Strings["group"]; !slices.Equal(got[:2], []string{"good", "mua"}) || got[2] != "" || got[3] != "good" {
		t.Errorf("group from KSLabel %q", got)
	}
}

// TestLoadPhyErrorsNameTheFile: a missing or malformed file is reported by
// name (and line, for text files).
func TestLoadPhyErrorsNameTheFile(t *testing.T) {
	write := func(dir, name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	vector := func(dir, name string, v []float64) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := npy.Write(f, &npy.Array{Shape: []int{len(v)}, Data: v}); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		setup func(dir string)
		want  string
	}{
		{func(string) {}, "params.py: no such file"},
		{func(d string) { write(d, "params.py", "dtype = 'int16'\n") }, "params.py has no sample_rate assignment"},
		{func(d string) { write(d, "params.py", "x = 1\n\nsample_rate = fast\n") }, "params.py line 3: sample_rate = \"fast\""},
		{func(d string) { write(d, "params.py", "sample_rate = 1_000\n") }, "spike_times.npy: no such file"},
		{func(d string) {
			write(d, "params.py", "sample_rate = 1000\n")
			vector(d, "spike_times.npy", []float64{1, 2, 3})
			vector(d, "spike_clusters.npy", []float64{1, 2})
		}, "spike_clusters.npy has 2 spikes, spike_times.npy 3"},
		{func(d string) {
			write(d, "params.py", "sample_rate = 1000\n")
			vector(d, "spike_times.npy", []float64{1, 2})
			vector(d, "spike_clusters.npy", []float64{1, 2.5})
		}, "spike_clusters.npy[1] = 2.5 is not an integer cluster id"},
		{func(d string) {
			write(d, "params.py", "sample_rate = 1000\n")
			vector(d, "spike_times.npy", []float64{1, 2})
			vector(d, "spike_clusters.npy", []float64{1, 2})
			write(d, "cluster_group.tsv", "cluster_id\tgroup\n1\tgood\n\n2\tgood\textra\n")
		}, "cluster_group.tsv line 4 has 3 fields, the header 2"},
		{func(d string) {
			write(d, "params.py", "sample_rate = 1000\n")
			vector(d, "spike_times.npy", []float64{1, 2})
			vector(d, "spike_clusters.npy", []float64{1, 2})
			write(d, "cluster_group.tsv", "cluster\tgroup\n1\tgood\n")
		}, "cluster_group.tsv line 1: no cluster_id column"},
	}
	for _, c := range cases {
		dir := t.TempDir()
		c.setup(dir)
		_, err := LoadPhy(dir)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}

// FuzzPhyParams: parseSampleRate on any params.py text returns a positive
// finite rate or an error; nothing panics.
func FuzzPhyParams(f *testing.F) {
	for _, s := range []string{"sample_rate = 30000.\n", "dtype='int16'\nsample_rate=2.5e4 # Hz\n", "sample_rate = -1", "sample_rate =", "x = 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r, err := parseSampleRate(strings.NewReader(text), "params.py")
		if err == nil && !(r > 0 && !math.IsInf(r, 0)) {
			t.Fatalf("rate %v from %q", r, text)
		}
	})
}

// FuzzPhyClusterTable: parseClusterTable on any text fills one entry per
// unit in every column it reports, or fails with an error; nothing panics.
func FuzzPhyClusterTable(f *testing.F) {
	for _, s := range []string{
		"cluster_id\tgroup\n0\tgood\n3\tmua\n",
		"cluster_id\tAmplitude\tch\n0\t12.5\t4\n7\t\t9\n",
		"id\tKSLabel\n\n0\tgood\n",
		"cluster_id\tgroup\n0\tgood\textra\n",
		"group\tcluster_id\n\"good\t0\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		row := map[int]int{0: 0, 3: 1, 7: 2}
		raw, have := map[string][]string{}, map[string][]bool{}
		if err := parseClusterTable(strings.NewReader(text), "cluster_x.tsv", row, raw, have); err != nil {
			return
		}
		for name, col := range raw {
			if len(col) != 3 || len(have[name]) != 3 {
				t.Fatalf("column %q has %d entries", name, len(col))
			}
		}
	})
}
