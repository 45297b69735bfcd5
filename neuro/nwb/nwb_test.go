package nwb

import (
	"encoding/binary"
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// oracle is what testdata/write_nwb.py prints: pynwb's reading of the file
// it wrote.
type oracle struct {
	Meta struct {
		Identifier         string   `json:"identifier"`
		SessionDescription string   `json:"session_description"`
		SessionStartTime   string   `json:"session_start_time"`
		Experimenter       []string `json:"experimenter"`
		Institution        string   `json:"institution"`
		Lab                string   `json:"lab"`
		SessionID          string   `json:"session_id"`
		Species            string   `json:"species"`
		SubjectID          string   `json:"subject_id"`
	} `json:"meta"`
	Units struct {
		IDs          []int64   `json:"ids"`
		SpikeTimes   []string  `json:"spike_times"`
		ElectrodeIDs [][]int64 `json:"electrode_ids"`
		Quality      string    `json:"quality"`
		Label        []string  `json:"label"`
		Colnames     []string  `json:"colnames"`
	} `json:"units"`
	Trials struct {
		Start, Stop, Reward string
		Cond                []string
		IDs                 []int64
	} `json:"trials"`
	Epochs struct {
		Start, Stop string
		Tags        [][]string
	} `json:"epochs"`
	Series map[string]struct {
		Type        string  `json:"type"`
		Unit        string  `json:"unit"`
		Data        string  `json:"data"`
		Shape       []int   `json:"shape"`
		Timestamps  string  `json:"timestamps"`
		Rate        float64 `json:"rate"`
		Conversion  float64 `json:"conversion"`
		Offset      float64 `json:"offset"`
		Description string  `json:"description"`
	} `json:"series"`
}

func hexFloats(v []float64) string {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return hex.EncodeToString(b)
}

// writeOracle has pynwb write the test file and returns its path and
// pynwb's reading of it.
func writeOracle(t *testing.T) (string, *oracle) {
	t.Helper()
	p := pyoracle.RequireVenv(t, "pynwb", "h5py", "numpy")
	script, err := os.ReadFile(filepath.Join("testdata", "write_nwb.py"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "oracle.nwb")
	var o oracle
	p.Run(t, string(script), map[string]string{"path": path}, &o)
	return path, &o
}

func openOracle(t *testing.T) (*File, *oracle) {
	t.Helper()
	path, o := writeOracle(t)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := f.Close(); err != nil {
			t.Error(err)
		}
	})
	return f, o
}

// TestNWBMatchesPynwb reads a file pynwb wrote (units with 0 to 250
// spikes, electrodes, number and text columns; trials with a text column;
// epochs with tags; a regularly sampled int16 TimeSeries with conversion
// and offset; a SpatialSeries with timestamps and one sharing them) and
// checks every value against what pynwb reads back (the oracle).
func TestNWBMatchesPynwb(t *testing.T) {
	f, o := openOracle(t)

	m, err := f.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	if m.Identifier != o.Meta.Identifier || m.SessionDescription != o.Meta.SessionDescription {
		t.Errorf("identifier %q, description %q; want %q, %q", m.Identifier, m.SessionDescription, o.Meta.Identifier, o.Meta.SessionDescription)
	}
	want, err := time.Parse(time.RFC3339Nano, o.Meta.SessionStartTime)
	if err != nil {
		t.Fatal(err)
	}
	if !m.SessionStartTime.Equal(want) {
		t.Errorf("session start %v, want %v", m.SessionStartTime, want)
	}
	for k, v := range map[string][]string{"experimenter": o.Meta.Experimenter, "institution": {o.Meta.Institution},
		"lab": {o.Meta.Lab}, "session_id": {o.Meta.SessionID}, "subject/species": {o.Meta.Species},
		"subject/subject_id": {o.Meta.SubjectID}, "devices/probe/description": {"silicon probe"}} {
		if !reflect.DeepEqual(m.General[k], v) {
			t.Errorf("general %s = %q, want %q", k, m.General[k], v)
		}
	}

	u, err := f.Units()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(u.IDs, o.Units.IDs) {
		t.Errorf("unit ids %v, want %v", u.IDs, o.Units.IDs)
	}
	if !reflect.DeepEqual(u.ColumnNames, o.Units.Colnames) {
		t.Errorf("unit columns %v, want %v", u.ColumnNames, o.Units.Colnames)
	}
	for i := range o.Units.SpikeTimes {
		if got := hexFloats(u.SpikeTimes[i]); got != o.Units.SpikeTimes[i] {
			t.Errorf("unit %d spike times differ (%d spikes)", i, len(u.SpikeTimes[i]))
		}
	}
	if u.SpikeTimes[1] == nil || len(u.SpikeTimes[1]) != 0 {
		t.Errorf("zero-spike unit: %v, want an empty non-nil slice", u.SpikeTimes[1])
	}
	elec, err := f.Table(u.ElectrodesTable)
	if err != nil {
		t.Fatal(err)
	}
	for i, rows := range u.Electrodes {
		ids := make([]int64, len(rows))
		for j, r := range rows {
			ids[j] = elec.IDs[r]
		}
		if !reflect.DeepEqual(ids, o.Units.ElectrodeIDs[i]) {
			t.Errorf("unit %d electrodes %v, want ids %v", i, ids, o.Units.ElectrodeIDs[i])
		}
	}
	if g := elec.Columns["group"]; g.Kind != Reference || g.Strings[0] != "/general/extracellular_ephys/shank0" {
		t.Errorf("electrodes group column: %v %q", g.Kind, g.Strings)
	}
	if q := u.Columns["quality"]; hexFloats(q.Floats) != o.Units.Quality {
		t.Errorf("quality %v", q.Floats)
	}
	if l := u.Columns["label"]; !reflect.DeepEqual(l.Strings, o.Units.Label) {
		t.Errorf("label %q, want %q", l.Strings, o.Units.Label)
	}

	names, err := f.IntervalNames()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(names, []string{"epochs", "trials"}) {
		t.Errorf("interval tables %v", names)
	}
	tr, err := f.Intervals("trials")
	if err != nil {
		t.Fatal(err)
	}
	if hexFloats(tr.Start) != o.Trials.Start || hexFloats(tr.Stop) != o.Trials.Stop || !reflect.DeepEqual(tr.IDs, o.Trials.IDs) {
		t.Errorf("trials %v %v %v", tr.IDs, tr.Start, tr.Stop)
	}
	if c := tr.Columns["cond"]; c.Kind != Text || !reflect.DeepEqual(c.Strings, o.Trials.Cond) {
		t.Errorf("trial cond %q, want %q", c.Strings, o.Trials.Cond)
	}
	if c := tr.Columns["reward"]; hexFloats(c.Floats) != o.Trials.Reward {
		t.Errorf("trial reward %v", c.Floats)
	}
	ep, err := f.Intervals("epochs")
	if err != nil {
		t.Fatal(err)
	}
	if hexFloats(ep.Start) != o.Epochs.Start || hexFloats(ep.Stop) != o.Epochs.Stop {
		t.Errorf("epochs %v %v", ep.Start, ep.Stop)
	}
	tags := ep.Columns["tags"]
	for i, w := range o.Epochs.Tags {
		lo, hi := tags.Span(i)
		if !reflect.DeepEqual(tags.Strings[lo:hi], w) {
			t.Errorf("epoch %d tags %q, want %q", i, tags.Strings[lo:hi], w)
		}
	}

	infos, err := f.TimeSeriesInfo()
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, in := range infos {
		paths = append(paths, in.Path)
	}
	wantPaths := []string{"/acquisition/lfp", "/processing/behavior/CompassDirection/hd", "/processing/behavior/Position/xy"}
	if !reflect.DeepEqual(paths, wantPaths) {
		t.Errorf("time series %v, want %v", paths, wantPaths)
	}
	for _, in := range infos {
		w := o.Series[in.Name]
		ts, err := f.TimeSeries(in.Path)
		if err != nil {
			t.Fatal(err)
		}
		if ts.NeurodataType != w.Type || ts.Unit != w.Unit || ts.Rate != w.Rate || ts.Conversion != w.Conversion ||
			ts.Offset != w.Offset || ts.Description != w.Description {
			t.Errorf("%s: %s %q rate %v conversion %v offset %v %q; want %+v", in.Path, ts.NeurodataType, ts.Unit,
				ts.Rate, ts.Conversion, ts.Offset, ts.Description, w)
		}
		r, c := ts.Data.Dims()
		if r != w.Shape[0] || (len(w.Shape) == 2 && c != w.Shape[1]) {
			t.Errorf("%s: data %d×%d, want %v", in.Path, r, c, w.Shape)
		}
		if hexFloats(ts.Data.RawMatrix().Data) != w.Data {
			t.Errorf("%s: data differ from pynwb's data × conversion + offset", in.Path)
		}
		if hexFloats(ts.Timestamps) != w.Timestamps {
			t.Errorf("%s: timestamps differ", in.Path)
		}
		part, err := f.TimeSeriesRange(in.Path, 17, 5)
		if err != nil {
			t.Fatal(err)
		}
		if hexFloats(part.Timestamps) != hexFloats(ts.Timestamps[17:22]) {
			t.Errorf("%s: range timestamps differ from the whole read", in.Path)
		}
		if hexFloats(part.Data.RawMatrix().Data) != hexFloats(ts.Data.RawMatrix().Data[17*c:22*c]) {
			t.Errorf("%s: range data differ from the whole read", in.Path)
		}
	}
}
