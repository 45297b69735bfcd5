package spikes

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// TestReadCSVFormats: with and without a header, commas or tabs, columns in
// either order with extra ones, comments, blank lines, CRLF, integral
// floats as ids, and lines in any order (oracle: the spikes written).
func TestReadCSVFormats(t *testing.T) {
	want := map[int][]float64{2: {0.25, 1.5}, 7: {0.1}}
	for name, text := range map[string]string{
		"plain":    "7,0.1\n2,1.5\n2,0.25\n",
		"header":   "unit,time\n2,0.25\n7,0.1\n2,1.5\n",
		"tsv":      "# from a lab script\n\ntime\tamp\tcluster_id\n0.25\t3\t2\n0.1\t1\t7\n\n1.5\t2\t2\n",
		"crlf":     "Unit,Spike_Times\r\n2,0.25\r\n7,0.1\r\n2,1.5\r\n",
		"float id": "2.0,0.25\n7.0,0.1\n2.0,1.5",
		"spaces":   "unit , time\n 2 , 0.25\n7, 0.1 \n2,1.5\n",
	} {
		g, err := ReadCSV(strings.NewReader(text))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !slices.Equal(g.IDs(), []int{2, 7}) {
			t.Errorf("%s: ids %v", name, g.IDs())
			continue
		}
		for i, id := range g.IDs() {
			if !slices.Equal(g.Times(i), want[id]) {
				t.Errorf("%s: unit %d times %v, want %v", name, id, g.Times(i), want[id])
			}
		}
	}
}

// TestReadCSVErrorsNamePhysicalLines: errors count every physical line,
// blank and comment lines included, as an editor numbers them.
func TestReadCSVErrorsNamePhysicalLines(t *testing.T) {
	for text, want := range map[string]string{
		"unit,time\n\n1,0.5\n\n2,abc\n":     "line 5: time \"abc\" is not a finite number",
		"# c\n\n1,0.5\n1.5,2\n":             "line 4: unit \"1.5\" is not an integer id",
		"1,0.5\n\n\n2,NaN\n":                "line 4: time \"NaN\" is not a finite number",
		"1,0.5\n2,0.6,7\n":                  "line 2 has 3 fields, want 2",
		"neuron,when\n1,2\n":                "line 1: header \"neuron,when\" names no unit column",
		"\n\n# only comments\n":             "no spikes",
		"1,0.5\n2,\"0.7\n":                  "extraneous or missing \" in quoted-field",
		"unit\ttime\n1\t0.5\n\n\n1\t+Inf\n": "line 5: time \"+Inf\" is not a finite number",
	} {
		_, err := ReadCSV(strings.NewReader(text))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", text, err, want)
		}
	}
	if _, err := LoadCSV(filepath.Join(t.TempDir(), "absent.csv")); err == nil || !strings.Contains(err.Error(), "absent.csv") {
		t.Errorf("missing file: %v", err)
	}
}

// TestLoadCSVMatchesPandas: a long-format table written by pandas'
// to_csv (shuffled rows, a header, an extra column) reads back as the
// spikes pandas groups by unit (oracle: pandas groupby, sorted).
func TestLoadCSVMatchesPandas(t *testing.T) {
	p := pyoracle.RequireVenv(t, "pandas")
	path := filepath.Join(t.TempDir(), "spikes.csv")
	var want map[string][]float64
	p.Run(t, `
import json, sys
import numpy as np, pandas as pd
d = json.load(sys.stdin)
rng = np.random.default_rng(3)
n = 500
df = pd.DataFrame({"amplitude": rng.normal(size=n), "cluster_id": rng.integers(0, 6, n) * 10, "time": rng.uniform(0, 30, n)})
df.to_csv(d["path"], index=False)
print(json.dumps({str(k): sorted(v.tolist()) for k, v in df.groupby("cluster_id")["time"]}))
`, map[string]string{"path": path}, &want)
	g, err := LoadCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() != len(want) {
		t.Fatalf("%d units, pandas %d", g.Len(), len(want))
	}
	for i, name := range g.cols() {
		checkClose(t, "unit "+name, g.Times(i), want[name], 0)
	}
}

// FuzzReadCSV: any input either fails with an error or gives a valid group
// (sorted finite times, distinct ids); nothing panics.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"unit,time\n1,0.5\n2,0.25\n",
		"# c\n\n3\t1e-3\n3\t2\n",
		"time,cluster_id,x\n0.1,4,a\n0.2,4,b\n",
		"1,\"0.5\"\r\n2,0.6\r\n",
		"unit,time\n\n1,abc\n",
		"5.0,1\n",
	} {
		f.Add([]byte(s))
	}
	rng := rand.New(rand.NewPCG(1, 1))
	var b strings.Builder
	b.WriteString("unit,time\n")
	for range 50 {
		b.WriteString(strings.Join([]string{itoa(rng.IntN(5)), ftoa(rng.Float64() * 10)}, ",") + "\n")
	}
	f.Add([]byte(b.String()))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ReadCSV(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		seen := map[int]bool{}
		for i := range g.Len() {
			if seen[g.ID(i)] {
				t.Fatalf("id %d twice", g.ID(i))
			}
			seen[g.ID(i)] = true
			if err := checkTimes(g.Times(i), "unit"); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestLoadCSVRoundTripsAFile writes and loads a TSV file on disk.
func TestLoadCSVRoundTripsAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spikes.tsv")
	if err := os.WriteFile(path, []byte("unit\ttime\n1\t0.5\n1\t"+ftoa(math.Pi)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := LoadCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "times", g.Times(0), []float64{0.5, math.Pi}, 0)
}
