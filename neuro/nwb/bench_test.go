package nwb

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// BenchmarkNWBReadSideBySide times, in one run, reading the spike times of
// 1,000 units × 10^4 spikes (a 10^7-element float64 spike_times dataset
// and its VectorIndex, split into one slice per unit) and a 10^6-sample
// TimeSeries (data and timestamps), from a file written as pynwb writes by
// default and from one whose large datasets are chunked and deflated at
// level 4, in Go (Open + Units, Open + TimeSeries) and with h5py and pynwb
// (testdata/bench_nwb.py). Each figure is the best of three runs including
// opening the file; the reported ratios are Go's time over pynwb's and
// over h5py's (target for units and the time series in the default file:
// ≤ 1.0 of pynwb). Run it alone:
//
//	go test ./neuro/nwb -run '^$' -bench NWBReadSideBySide -benchtime 1x
func BenchmarkNWBReadSideBySide(b *testing.B) {
	if testing.Short() {
		b.Skip("writes two 100 MB files")
	}
	p := pyoracle.RequireVenv(b, "pynwb", "h5py", "numpy")
	scriptBytes, err := os.ReadFile(filepath.Join("testdata", "bench_nwb.py"))
	if err != nil {
		b.Fatal(err)
	}
	script := string(scriptBytes)
	dir := b.TempDir()
	paths := map[string]string{"default": filepath.Join(dir, "default.nwb"), "gzip4": filepath.Join(dir, "gzip4.nwb")}
	for name, path := range paths {
		var out any
		if err := p.Call(script, map[string]any{"mode": "write", "path": path, "gzip": name == "gzip4"}, &out); err != nil {
			b.Fatal(err)
		}
	}
	const repeats = 3
	goTimes := func(path string) (units, series time.Duration) {
		units, series = time.Hour, time.Hour
		for r := 0; r < repeats; r++ {
			t0 := time.Now()
			f, err := Open(path)
			if err != nil {
				b.Fatal(err)
			}
			u, err := f.Units()
			if err != nil {
				b.Fatal(err)
			}
			units = min(units, time.Since(t0))
			if len(u.SpikeTimes) != 1000 || len(u.SpikeTimes[999]) != 10000 {
				b.Fatalf("read %d units", len(u.SpikeTimes))
			}
			if err := f.Close(); err != nil {
				b.Fatal(err)
			}
			t0 = time.Now()
			f, err = Open(path)
			if err != nil {
				b.Fatal(err)
			}
			ts, err := f.TimeSeries("/acquisition/signal")
			if err != nil {
				b.Fatal(err)
			}
			series = min(series, time.Since(t0))
			if len(ts.Timestamps) != 1000000 {
				b.Fatalf("read %d samples", len(ts.Timestamps))
			}
			if err := f.Close(); err != nil {
				b.Fatal(err)
			}
		}
		return units, series
	}
	for i := 0; i < b.N; i++ {
		type row struct{ units, series time.Duration }
		gor := map[string]row{}
		for name, path := range paths {
			u, s := goTimes(path)
			gor[name] = row{u, s}
		}
		var py map[string]map[string]float64
		if err := p.Call(script, map[string]any{"mode": "time", "paths": paths, "repeats": repeats}, &py); err != nil {
			b.Fatal(err)
		}
		b.Logf("%-8s %-14s %10s %10s %10s %12s %12s", "file", "read", "Go", "h5py", "pynwb", "Go/pynwb", "Go/h5py")
		for _, name := range []string{"default", "gzip4"} {
			for _, task := range []struct {
				label, key string
				goTime     time.Duration
			}{{"units 10^7", "units", gor[name].units}, {"series 10^6", "ts", gor[name].series}} {
				g := task.goTime.Seconds()
				h, pn := py[name][task.key+"_h5py"], py[name][task.key+"_pynwb"]
				b.Logf("%-8s %-14s %9.3fs %9.3fs %9.3fs %12.2f %12.2f", name, task.label, g, h, pn, g/pn, g/h)
				b.ReportMetric(g/pn, name+"-"+task.key+"-go/pynwb")
			}
		}
	}
}
