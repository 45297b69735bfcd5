package nwb

import (
	"fmt"
)

// Units is a table of sorted units (NWB's Units, normally at /units).
type Units struct {
	Path        string
	Description string
	// IDs are the units' identifiers, one per unit.
	IDs []int64
	// SpikeTimes[i] are unit i's spike times in seconds, in file order;
	// empty (not nil) for a unit without spikes. The slices share one
	// backing array.
	SpikeTimes [][]float64
	// Electrodes[i] are the rows of the electrodes table unit i was
	// recorded on (ElectrodesTable is that table's path); nil when the
	// table has no electrodes column.
	Electrodes      [][]int64
	ElectrodesTable string
	// ColumnNames lists every column in colnames order; Columns holds all
	// but spike_times and electrodes.
	ColumnNames []string
	Columns     map[string]*Column
}

// Len returns the number of units.
func (u *Units) Len() int { return len(u.IDs) }

// Units reads the file's units table, /units.
func (f *File) Units() (*Units, error) { return f.UnitsAt("/units") }

// UnitsAt reads a Units table at path (some files keep one in a
// processing module).
func (f *File) UnitsAt(path string) (*Units, error) {
	g, err := f.h.Group(path)
	if err != nil {
		return nil, err
	}
	t, err := f.readTable(g, nil)
	if err != nil {
		return nil, err
	}
	u := &Units{Path: t.Path, Description: t.Description, IDs: t.IDs, ColumnNames: t.ColumnNames, Columns: t.Columns}
	n := len(t.IDs)
	u.SpikeTimes = make([][]float64, n)
	if c, ok := t.Columns["spike_times"]; ok {
		if c.Kind != Float || c.Index == nil || len(c.Shape) != 1 {
			return nil, fmt.Errorf("nwb: %s/spike_times: want a 1-D float column with a spike_times_index, have %v values of shape %v", path, c.Kind, c.Shape)
		}
		for i := range u.SpikeTimes {
			lo, hi := c.Span(i)
			u.SpikeTimes[i] = c.Floats[lo:hi:hi]
		}
		delete(u.Columns, "spike_times")
	} else {
		for i := range u.SpikeTimes {
			u.SpikeTimes[i] = []float64{}
		}
	}
	if c, ok := t.Columns["electrodes"]; ok && c.Kind == Int {
		u.Electrodes = make([][]int64, n)
		for i := range u.Electrodes {
			lo, hi := c.Span(i)
			u.Electrodes[i] = c.Ints[lo:hi:hi]
		}
		u.ElectrodesTable = c.Table
		delete(u.Columns, "electrodes")
	}
	return u, nil
}

// Intervals is a TimeIntervals table: trials (/intervals/trials), epochs
// (/intervals/epochs) or any other named set of intervals.
type Intervals struct {
	Name        string
	Path        string
	Description string
	IDs         []int64
	// Start and Stop are each interval's bounds in seconds.
	Start, Stop []float64
	// ColumnNames lists every column in colnames order; Columns holds all
	// but start_time and stop_time (a "tags" column is a ragged text
	// column, "timeseries" an Other column of compound references).
	ColumnNames []string
	Columns     map[string]*Column
}

// Len returns the number of intervals.
func (iv *Intervals) Len() int { return len(iv.IDs) }

// IntervalNames lists the interval tables under /intervals ("trials",
// "epochs", ...).
func (f *File) IntervalNames() ([]string, error) {
	g, err := f.h.Group("/intervals")
	if err != nil {
		return nil, err
	}
	links, err := g.Links()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, l := range links {
		o, err := g.Object(l.Name)
		if err != nil {
			return nil, err
		}
		if cols, err := attrStrings(o, "colnames"); err != nil {
			return nil, err
		} else if cols != nil {
			names = append(names, l.Name)
		}
	}
	return names, nil
}

// Intervals reads the interval table /intervals/name ("trials", "epochs").
func (f *File) Intervals(name string) (*Intervals, error) {
	return f.IntervalsAt("/intervals/" + name)
}

// IntervalsAt reads the TimeIntervals table at path.
func (f *File) IntervalsAt(path string) (*Intervals, error) {
	g, err := f.h.Group(path)
	if err != nil {
		return nil, err
	}
	t, err := f.readTable(g, nil)
	if err != nil {
		return nil, err
	}
	iv := &Intervals{Name: t.Name, Path: t.Path, Description: t.Description, IDs: t.IDs, ColumnNames: t.ColumnNames, Columns: t.Columns}
	for _, side := range []struct {
		name string
		dst  *[]float64
	}{{"start_time", &iv.Start}, {"stop_time", &iv.Stop}} {
		c, ok := t.Columns[side.name]
		if !ok || c.Kind != Float || c.Index != nil || len(c.Shape) != 1 {
			return nil, fmt.Errorf("nwb: %s: no 1-D float column %s", path, side.name)
		}
		*side.dst = c.Floats
		delete(iv.Columns, side.name)
	}
	for i := range iv.Start {
		if iv.Start[i] > iv.Stop[i] {
			return nil, fmt.Errorf("nwb: %s: interval %d starts at %v after it stops at %v", path, i, iv.Start[i], iv.Stop[i])
		}
	}
	return iv, nil
}
