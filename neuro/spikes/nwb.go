package spikes

import (
	"fmt"
	"slices"

	"github.com/neuronb/neuronb/neuro/nwb"
)

// NWB is an NWB 2.x file opened for analysis: its sorted units as a
// TsGroup, its interval tables (trials, epochs) as IntervalSets and its
// time series (a head direction, a position, an LFP) as Tsds, read with
// neuro/nwb's pure-Go HDF5 reader. Nothing is read until asked for.
type NWB struct {
	// File is the underlying reader, for what this type does not cover
	// (metadata, any DynamicTable, part of a long series).
	File *nwb.File
}

// OpenNWB opens the NWB file at path. Close it when done.
func OpenNWB(path string) (*NWB, error) {
	f, err := nwb.Open(path)
	if err != nil {
		return nil, err
	}
	return &NWB{File: f}, nil
}

// Close closes the file.
func (n *NWB) Close() error { return n.File.Close() }

// Units returns the file's /units table as a TsGroup: the units' ids, their
// spike times (sorted: NWB keeps them in file order) and, as metadata, every
// column holding one number, boolean or string per unit (baseline rate,
// cell type, quality label). Ragged and array columns (electrodes,
// waveforms) are left out; read them with n.File.Units.
func (n *NWB) Units() (*TsGroup, error) {
	u, err := n.File.Units()
	if err != nil {
		return nil, err
	}
	ids := make([]int, len(u.IDs))
	for i, id := range u.IDs {
		if int64(int(id)) != id {
			return nil, fmt.Errorf("spikes: NWB %s: unit id %d does not fit an int", u.Path, id)
		}
		ids[i] = int(id)
	}
	times := make([][]float64, len(u.SpikeTimes))
	for i, st := range u.SpikeTimes {
		times[i] = st
		if !slices.IsSorted(st) {
			times[i] = slices.Clone(st)
			slices.Sort(times[i])
		}
	}
	meta, err := columnsMetadata(u.ColumnNames, u.Columns, len(ids))
	if err != nil {
		return nil, fmt.Errorf("spikes: NWB %s: %w", u.Path, err)
	}
	g, err := NewTsGroup(times, ids, meta)
	if err != nil {
		return nil, fmt.Errorf("spikes: NWB %s: %w", u.Path, err)
	}
	return g, nil
}

// Intervals returns the TimeIntervals table /intervals/<name> ("trials",
// "epochs", ...) as an IntervalSet whose metadata holds every column with
// one number, boolean or string per interval (a trial's condition).
// IntervalNames lists the tables the file has.
func (n *NWB) Intervals(name string) (*IntervalSet, error) {
	iv, err := n.File.Intervals(name)
	if err != nil {
		return nil, err
	}
	meta, err := columnsMetadata(iv.ColumnNames, iv.Columns, len(iv.Start))
	if err != nil {
		return nil, fmt.Errorf("spikes: NWB %s: %w", iv.Path, err)
	}
	set, err := NewIntervalSet(iv.Start, iv.Stop, meta)
	if err != nil {
		return nil, fmt.Errorf("spikes: NWB %s: %w", iv.Path, err)
	}
	return set, nil
}

// IntervalNames lists the file's interval tables.
func (n *NWB) IntervalNames() ([]string, error) { return n.File.IntervalNames() }

// Series returns the TimeSeries at path (SeriesInfo lists the paths) as a
// Tsd, its values converted to the series' unit. A 1-D series has one
// column, named after the series; a multi-channel one has columns
// "name[0]", "name[1]", …
func (n *NWB) Series(path string) (*Tsd, error) {
	ts, err := n.File.TimeSeries(path)
	if err != nil {
		return nil, err
	}
	if ts.Data == nil {
		return nil, fmt.Errorf("spikes: NWB %s: the series has no samples", ts.Path)
	}
	_, c := ts.Data.Dims()
	cols := []string{ts.Name}
	if c > 1 {
		cols = make([]string, c)
		for j := range cols {
			cols[j] = fmt.Sprintf("%s[%d]", ts.Name, j)
		}
	}
	d, err := NewTsdFrame(ts.Timestamps, ts.Data, cols)
	if err != nil {
		return nil, fmt.Errorf("spikes: NWB %s: %w", ts.Path, err)
	}
	return d, nil
}

// SeriesInfo lists the file's time series (path, type, shape, unit, rate)
// without reading their data.
func (n *NWB) SeriesInfo() ([]nwb.SeriesInfo, error) { return n.File.TimeSeriesInfo() }

// columnsMetadata keeps the columns that hold one scalar per row.
func columnsMetadata(names []string, cols map[string]*nwb.Column, rows int) (*Metadata, error) {
	m := &Metadata{Numbers: map[string][]float64{}, Strings: map[string][]string{}}
	for _, name := range names {
		c, ok := cols[name]
		if !ok || c.Index != nil || len(c.Shape) > 1 {
			continue
		}
		switch c.Kind {
		case nwb.Float:
			if len(c.Floats) == rows {
				m.Numbers[name] = c.Floats
			}
		case nwb.Int:
			if len(c.Ints) == rows && c.Table == "" {
				v := make([]float64, rows)
				for i, x := range c.Ints {
					if x > 1<<53 || x < -(1<<53) {
						return nil, fmt.Errorf("column %q: value %d at row %d is not exact as a float64", name, x, i)
					}
					v[i] = float64(x)
				}
				m.Numbers[name] = v
			}
		case nwb.Bool:
			if len(c.Bools) == rows {
				v := make([]float64, rows)
				for i, b := range c.Bools {
					if b {
						v[i] = 1
					}
				}
				m.Numbers[name] = v
			}
		case nwb.Text:
			if len(c.Strings) == rows {
				m.Strings[name] = c.Strings
			}
		}
	}
	return m, nil
}
