package spikes

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/gonum/mat"
)

// Tsd is a time series, pynapple's Tsd (one column) and TsdFrame (several
// named columns) in one type: row i holds the values at time t_i, with the
// times finite and non-decreasing. Values may be NaN (missing samples).
// Binned spike counts are a Tsd whose rows are bins and whose columns are
// units (TsGroup.Count), so smoothing and transforms apply to recorded
// series and binned spikes alike.
//
// Like a TsGroup it has a time support; every row lies in it. A new
// series' support is [t_0, t_last]; Restrict(ep) sets it to ep, and Count
// gives its result the binned epochs, so each support interval of a binned
// Tsd is one trial (Epochs). Smoothing never mixes samples of different
// support intervals.
//
// A Tsd is immutable; methods return new values. Times, Values and Matrix
// share the series' storage, which must not be modified.
type Tsd struct {
	t       []float64
	v       []float64 // len(t) × len(cols), row-major
	cols    []string
	support *IntervalSet
}

// NewTsd returns a one-column series (column "0") with values v at times
// t. Both slices are kept, not copied.
func NewTsd(t, v []float64) (*Tsd, error) {
	if len(v) != len(t) {
		return nil, fmt.Errorf("spikes: NewTsd: %d values for %d times", len(v), len(t))
	}
	return newTsd("NewTsd", t, v, []string{"0"})
}

// NewTsdFrame returns a series with the rows of v at times t: v is
// len(t) × C and columns names its C columns (nil: "0", "1", …). A
// contiguous v's storage is kept, not copied.
func NewTsdFrame(t []float64, v *mat.Dense, columns []string) (*Tsd, error) {
	data, cols, err := frameData("NewTsdFrame", len(t), v, columns)
	if err != nil {
		return nil, err
	}
	return newTsd("NewTsdFrame", t, data, cols)
}

// NewTsdRate returns a regularly sampled series, NWB's starting_time and
// rate: row i of v is at time start + i/rate. v and columns are as for
// NewTsdFrame.
func NewTsdRate(start, rate float64, v *mat.Dense, columns []string) (*Tsd, error) {
	if math.IsNaN(start) || math.IsInf(start, 0) {
		return nil, fmt.Errorf("spikes: NewTsdRate: start = %v s is not finite", start)
	}
	if !(rate > 0) || math.IsInf(rate, 0) {
		return nil, fmt.Errorf("spikes: NewTsdRate: rate = %v Hz, want a finite positive rate", rate)
	}
	if v == nil {
		return nil, fmt.Errorf("spikes: NewTsdRate: v is nil")
	}
	r, _ := v.Dims()
	t := make([]float64, r)
	for i := range t {
		t[i] = start + float64(i)/rate
	}
	data, cols, err := frameData("NewTsdRate", r, v, columns)
	if err != nil {
		return nil, err
	}
	return newTsd("NewTsdRate", t, data, cols)
}

// frameData returns v's row-major data and the column names.
func frameData(fn string, rows int, v *mat.Dense, columns []string) ([]float64, []string, error) {
	if v == nil {
		return nil, nil, fmt.Errorf("spikes: %s: v is nil", fn)
	}
	r, c := v.Dims()
	if r != rows {
		return nil, nil, fmt.Errorf("spikes: %s: v has %d rows for %d times", fn, r, rows)
	}
	if columns == nil {
		columns = make([]string, c)
		for j := range columns {
			columns[j] = strconv.Itoa(j)
		}
	} else if len(columns) != c {
		return nil, nil, fmt.Errorf("spikes: %s: %d column names for %d columns", fn, len(columns), c)
	}
	raw := v.RawMatrix()
	data := raw.Data
	if raw.Stride != c {
		data = make([]float64, r*c)
		for i := 0; i < r; i++ {
			copy(data[i*c:(i+1)*c], raw.Data[i*raw.Stride:])
		}
	} else {
		data = data[:r*c]
	}
	return data, append([]string(nil), columns...), nil
}

func newTsd(fn string, t, v []float64, cols []string) (*Tsd, error) {
	if len(cols) == 0 {
		return nil, fmt.Errorf("spikes: %s: a series needs at least one column", fn)
	}
	if err := checkTimes(t, "t"); err != nil {
		return nil, fmt.Errorf("spikes: %s: %w", fn, err)
	}
	s := &Tsd{t: t, v: v, cols: cols}
	s.support = spanSupport([][]float64{t})
	return s, nil
}

// Len returns the number of rows (time points).
func (s *Tsd) Len() int { return len(s.t) }

// Cols returns the number of columns.
func (s *Tsd) Cols() int { return len(s.cols) }

// Columns returns a copy of the column names.
func (s *Tsd) Columns() []string { return append([]string(nil), s.cols...) }

// Times returns the times (read-only).
func (s *Tsd) Times() []float64 { return s.t }

// Values returns the values, row-major (read-only).
func (s *Tsd) Values() []float64 { return s.v }

// At returns the value at row i, column j.
func (s *Tsd) At(i, j int) float64 { return s.v[i*len(s.cols)+j] }

// Column returns a copy of column j.
func (s *Tsd) Column(j int) []float64 {
	c := len(s.cols)
	out := make([]float64, len(s.t))
	for i := range out {
		out[i] = s.v[i*c+j]
	}
	return out
}

// Matrix returns the values as a Len() × Cols() matrix sharing the series'
// storage (read-only), or nil for an empty series.
func (s *Tsd) Matrix() *mat.Dense {
	if len(s.t) == 0 {
		return nil
	}
	return mat.NewDense(len(s.t), len(s.cols), s.v)
}

// Support returns the time support.
func (s *Tsd) Support() *IntervalSet { return s.support }

// Restrict keeps the rows inside ep and makes ep the support, as
// pynapple's restrict.
func (s *Tsd) Restrict(ep *IntervalSet) *Tsd {
	c := len(s.cols)
	out := &Tsd{cols: s.cols, support: ep}
	for i := 0; i < ep.Len(); i++ {
		lo, hi := ep.rangeOf(s.t, i)
		out.t = append(out.t, s.t[lo:hi]...)
		out.v = append(out.v, s.v[lo*c:hi*c]...)
	}
	return out
}

// Epochs splits the series by support interval: element k holds the rows
// in interval k with that interval as its support (one element per trial
// of a binned recording; empty where an interval has no rows). The pieces
// share the series' storage.
func (s *Tsd) Epochs() []*Tsd {
	c := len(s.cols)
	out := make([]*Tsd, s.support.Len())
	for k := range out {
		lo, hi := s.support.rangeOf(s.t, k)
		one := s.support.rows([]int{k})
		out[k] = &Tsd{t: s.t[lo:hi:hi], v: s.v[lo*c : hi*c : hi*c], cols: s.cols, support: one}
	}
	return out
}

// Match says which sample ValueFrom takes for a time.
type Match int

const (
	// Closest takes the sample nearest in time, the later one on a tie
	// (pynapple's "closest").
	Closest Match = iota
	// Before takes the last sample at or before the time.
	Before
	// After takes the first sample at or after the time.
	After
)

// ValueFrom returns data's values at s's times (s's own values are not
// used), pynapple's value_from: each time of s takes the sample of data
// chosen by mode among the samples in the same interval of ep (nil: data's
// support), for instance the head direction at each bin centre of binned
// spikes. Times of s outside ep are dropped; a time whose interval holds no
// suitable sample gets NaN. The result has data's columns and ep as
// support.
func (s *Tsd) ValueFrom(data *Tsd, ep *IntervalSet, mode Match) (*Tsd, error) {
	if data == nil {
		return nil, fmt.Errorf("spikes: ValueFrom: data is nil")
	}
	if mode < Closest || mode > After {
		return nil, fmt.Errorf("spikes: ValueFrom: unknown mode %d", mode)
	}
	if ep == nil {
		ep = data.support
	}
	c := len(data.cols)
	out := &Tsd{cols: data.cols, support: ep}
	for k := 0; k < ep.Len(); k++ {
		qlo, qhi := ep.rangeOf(s.t, k)
		dlo, dhi := ep.rangeOf(data.t, k)
		dt := data.t[dlo:dhi]
		for _, q := range s.t[qlo:qhi] {
			out.t = append(out.t, q)
			j := pick(dt, q, mode)
			if j < 0 {
				for range c {
					out.v = append(out.v, math.NaN())
				}
				continue
			}
			row := (dlo + j) * c
			out.v = append(out.v, data.v[row:row+c]...)
		}
	}
	return out, nil
}

// pick returns the index in sorted t of the sample mode chooses for q, or
// −1.
func pick(t []float64, q float64, mode Match) int {
	if len(t) == 0 {
		return -1
	}
	switch mode {
	case Before:
		return searchRight(t, q) - 1
	case After:
		if j := searchLeft(t, q); j < len(t) {
			return j
		}
		return -1
	}
	j := searchLeft(t, q)
	switch {
	case j == 0:
		return 0
	case j == len(t):
		return len(t) - 1
	}
	// The later sample wins a tie, as pynapple's value_from.
	if t[j]-q <= q-t[j-1] {
		return j
	}
	return j - 1
}

// String summarises the series: size, columns, time range and support.
func (s *Tsd) String() string {
	if len(s.t) == 0 {
		return fmt.Sprintf("Tsd: 0 rows × %d columns", len(s.cols))
	}
	return fmt.Sprintf("Tsd: %d rows × %d columns %v, t in [%.6g, %.6g] s, support %d intervals (%.6g s)",
		len(s.t), len(s.cols), abbreviate(s.cols, 6), s.t[0], s.t[len(s.t)-1], s.support.Len(), s.support.TotalLength())
}

// abbreviate shortens a long list of names for printing.
func abbreviate(names []string, n int) []string {
	if len(names) <= n {
		return names
	}
	out := append([]string(nil), names[:n-1]...)
	return append(out, "…", names[len(names)-1])
}
