package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

const hdFile = "../../../../tutorials/data/head_direction.nwb"

// TestTreeShowsObjectsLinksAndAttributes checks the tree of the committed
// head-direction file names datasets with type, shape and storage, groups
// with their NWB type, soft links with their target, and attributes.
func TestTreeShowsObjectsLinksAndAttributes(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{hdFile}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"/ (group, NWBFile)\n",
		"    @nwb_version = \"2.11.0\"\n",
		"/units (group, Units)\n",
		"/units/spike_times (dataset float64 [21623], chunked [21623])\n",
		"/units/spike_times_index (dataset uint16 [20], chunked [20])\n",
		"    @target = <reference to /units/spike_times>\n",
		"/general/extracellular_ephys/shank0/device -> soft link to /general/devices/sim-probe\n",
		"/processing/behavior/CompassDirection/head_direction/data (dataset float32 [24000])\n",
		"    @colnames = [\"location\", \"group\", \"group_name\"]\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("tree lacks %q", want)
		}
	}
}

// unitsScript writes (when asked) a small NWB file with a unit without
// spikes, then prints what pynwb reads for each unit.
const unitsScript = `import datetime, json, sys
import numpy as np
from pynwb import NWBHDF5IO, NWBFile
cfg = json.load(sys.stdin)
if cfg["write"]:
    nwb = NWBFile(session_description="d", identifier="i",
                  session_start_time=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc))
    for i, st in enumerate([[0.5, 1.25, 2.0], [], [3.0]]):
        nwb.add_unit(spike_times=st, id=7 + i)
    with NWBHDF5IO(cfg["path"], "w") as io:
        io.write(nwb)
out = []
with NWBHDF5IO(cfg["path"], "r") as io:
    u = io.read().units
    for i in range(len(u)):
        st = u["spike_times"][i]
        out.append({"id": int(u.id[i]), "spike_count": len(st),
                    "first_spike": float(st[0]) if len(st) else None, "last_spike": float(st[-1]) if len(st) else None})
print(json.dumps(out))`

// TestUnitsMatchPynwb checks --units against pynwb's reading of the same
// file, for the committed head-direction file and for a file with a unit
// without spikes (null first and last times): per unit its id, spike
// count, first and last spike time (floats compared exactly: both sides
// print the shortest round-tripping form).
func TestUnitsMatchPynwb(t *testing.T) {
	p := pyoracle.RequireVenv(t, "pynwb")
	for _, c := range []struct {
		path  string
		write bool
	}{{hdFile, false}, {filepath.Join(t.TempDir(), "units.nwb"), true}} {
		var want []map[string]any
		p.Run(t, unitsScript, map[string]any{"path": c.path, "write": c.write}, &want)
		var out bytes.Buffer
		if err := run([]string{c.path, "--units"}, &out); err != nil {
			t.Fatal(err)
		}
		var got []map[string]any
		sc := bufio.NewScanner(&out)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
			got = append(got, m)
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s --units\n got %v\nwant %v", c.path, got, want)
		}
	}
}

// TestArgumentErrors checks the usage errors.
func TestArgumentErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"a", "b"}, {"--bogus", hdFile}} {
		if err := run(args, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "usage") {
			t.Errorf("run(%q) = %v, want a usage error", args, err)
		}
	}
	if err := run([]string{"does-not-exist.nwb"}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "does-not-exist.nwb") {
		t.Errorf("missing file: %v", err)
	}
}
