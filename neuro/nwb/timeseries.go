package nwb

import (
	"errors"
	"fmt"

	"github.com/neuronb/neuronb/neuro/hdf5"
	"gonum.org/v1/gonum/mat"
)

// SeriesInfo describes a TimeSeries without reading its data.
type SeriesInfo struct {
	Name string
	Path string
	// NeurodataType is the series' NWB type: "TimeSeries",
	// "SpatialSeries", "ElectricalSeries", ...
	NeurodataType string
	// Shape is the stored shape of its data; Shape[0] counts samples.
	Shape []int
	Unit  string
	// Rate is the sampling rate in Hz of a regularly sampled series, 0
	// when the series stores timestamps.
	Rate float64
}

// TimeSeries is an NWB TimeSeries (or one of its subtypes, such as
// SpatialSeries) read into memory.
type TimeSeries struct {
	Name          string
	Path          string
	NeurodataType string
	Description   string
	Comments      string
	// Unit is the unit of Data after conversion ("meters", "radians",
	// "volts").
	Unit string
	// Conversion, Offset and Resolution are the data's attributes:
	// Data = stored × Conversion + Offset, already applied.
	Conversion, Offset, Resolution float64
	// Timestamps are the samples' times in seconds: the stored timestamps,
	// or StartingTime + i/Rate for a regularly sampled series.
	Timestamps []float64
	// StartingTime and Rate (Hz) describe a regularly sampled series; Rate
	// is 0 when the series stores timestamps.
	StartingTime, Rate float64
	// Data holds one row per sample and one column per channel (one
	// column for 1-D data); nil when there are no samples.
	Data *mat.Dense
	// First is the index of the first sample read (0 unless the series
	// was read with TimeSeriesRange); Samples is the series' total length.
	First, Samples int
}

// seriesRoots are the groups whose descendants TimeSeriesInfo lists.
var seriesRoots = []string{"/acquisition", "/processing", "/stimulus/presentation", "/stimulus/templates"}

// TimeSeriesInfo lists the time series under /acquisition, /processing and
// /stimulus, in path order, reading their metadata only.
func (f *File) TimeSeriesInfo() ([]SeriesInfo, error) {
	var out []SeriesInfo
	for _, root := range seriesRoots {
		g, err := f.h.Group(root)
		if errors.Is(err, hdf5.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := f.findSeries(g, &out, 0); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// isSeries reports whether g has the structure of a TimeSeries: a data
// dataset and timestamps or a starting time.
func isSeries(g *hdf5.Group) (bool, error) {
	names, err := g.Names()
	if err != nil {
		return false, err
	}
	has := map[string]bool{}
	for _, n := range names {
		has[n] = true
	}
	return has["data"] && (has["timestamps"] || has["starting_time"]), nil
}

func (f *File) findSeries(g *hdf5.Group, out *[]SeriesInfo, depth int) error {
	if depth > 32 {
		return nil
	}
	links, err := g.Links()
	if err != nil {
		return err
	}
	for _, l := range links {
		if l.Type != hdf5.HardLink {
			continue
		}
		o, err := g.Object(l.Name)
		if err != nil {
			return err
		}
		sub, ok := o.(*hdf5.Group)
		if !ok {
			continue
		}
		series, err := isSeries(sub)
		if err != nil {
			return err
		}
		if !series {
			if err := f.findSeries(sub, out, depth+1); err != nil {
				return err
			}
			continue
		}
		info, err := f.seriesInfo(sub)
		if err != nil {
			return err
		}
		*out = append(*out, *info)
	}
	return nil
}

func (f *File) seriesInfo(g *hdf5.Group) (*SeriesInfo, error) {
	info := &SeriesInfo{Name: baseName(g.Path()), Path: g.Path()}
	var err error
	if info.NeurodataType, _, err = attrString(g, "neurodata_type"); err != nil {
		return nil, err
	}
	data, err := g.Dataset("data")
	if err != nil {
		return nil, err
	}
	info.Shape = data.Shape()
	if info.Unit, _, err = attrString(data, "unit"); err != nil {
		return nil, err
	}
	if st, err := g.Dataset("starting_time"); err == nil {
		if info.Rate, err = attrFloat(st, "rate", 0); err != nil {
			return nil, err
		}
		if !(info.Rate > 0) {
			return nil, fmt.Errorf("nwb: %s: starting_time without a positive rate (%v)", st.Path(), info.Rate)
		}
	} else if !errors.Is(err, hdf5.ErrNotFound) {
		return nil, err
	}
	return info, nil
}

// TimeSeries reads the whole time series at path: data (converted to its
// unit), timestamps and attributes.
func (f *File) TimeSeries(path string) (*TimeSeries, error) {
	return f.TimeSeriesRange(path, 0, -1)
}

// TimeSeriesRange reads count samples of the time series at path from
// sample start (count < 0: to the end): only those rows of data and
// timestamps are read.
func (f *File) TimeSeriesRange(path string, start, count int) (*TimeSeries, error) {
	g, err := f.h.Group(path)
	if err != nil {
		return nil, err
	}
	info, err := f.seriesInfo(g)
	if err != nil {
		return nil, err
	}
	ts := &TimeSeries{Name: info.Name, Path: info.Path, NeurodataType: info.NeurodataType, Unit: info.Unit, Rate: info.Rate}
	if ts.Description, _, err = attrString(g, "description"); err != nil {
		return nil, err
	}
	if ts.Comments, _, err = attrString(g, "comments"); err != nil {
		return nil, err
	}
	data, err := g.Dataset("data")
	if err != nil {
		return nil, err
	}
	if ts.Conversion, err = attrFloat(data, "conversion", 1); err != nil {
		return nil, err
	}
	if ts.Offset, err = attrFloat(data, "offset", 0); err != nil {
		return nil, err
	}
	if ts.Resolution, err = attrFloat(data, "resolution", -1); err != nil {
		return nil, err
	}
	shape := data.Shape()
	if len(shape) < 1 || len(shape) > 2 {
		return nil, fmt.Errorf("nwb: %s: %d-dimensional data: read it through HDF5()", data.Path(), len(shape))
	}
	n := shape[0]
	ts.Samples = n
	if count < 0 {
		count = n - start
	}
	if start < 0 || count < 0 || start > n || count > n-start {
		return nil, fmt.Errorf("nwb: %s: samples %d+%d outside its %d samples: %w", path, start, count, n, hdf5.ErrRange)
	}
	ts.First = start
	cols := 1
	if len(shape) == 2 {
		cols = shape[1]
	}
	if count > 0 && cols > 0 {
		v, err := data.ReadFloat64sRange(start, count)
		if err != nil {
			return nil, err
		}
		if ts.Conversion != 1 || ts.Offset != 0 {
			for i := range v {
				v[i] = v[i]*ts.Conversion + ts.Offset
			}
		}
		ts.Data = mat.NewDense(count, cols, v)
	}
	if ts.Rate > 0 {
		st, err := g.Dataset("starting_time")
		if err != nil {
			return nil, err
		}
		v, err := st.ReadFloat64s()
		if err != nil {
			return nil, err
		}
		if len(v) != 1 {
			return nil, fmt.Errorf("nwb: %s: %d values, want 1", st.Path(), len(v))
		}
		ts.StartingTime = v[0]
		ts.Timestamps = make([]float64, count)
		for i := range ts.Timestamps {
			ts.Timestamps[i] = float64(start+i)/ts.Rate + ts.StartingTime
		}
		return ts, nil
	}
	tds, err := g.Dataset("timestamps")
	if err != nil {
		return nil, err
	}
	if s := tds.Shape(); len(s) != 1 || s[0] != n {
		return nil, fmt.Errorf("nwb: %s: shape %v for %d samples of data", tds.Path(), s, n)
	}
	if ts.Timestamps, err = tds.ReadFloat64sRange(start, count); err != nil {
		return nil, err
	}
	if len(ts.Timestamps) > 0 {
		ts.StartingTime = ts.Timestamps[0]
	}
	return ts, nil
}
