package spikes

import (
	"container/heap"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/neuronb/neuronb/neuro/npy"
	"gonum.org/v1/gonum/mat"
)

// The .npz layouts of pynapple's save methods (nap.load_file reads them):
//
//	TsGroup:     type "TsGroup", t (all spikes, sorted), index (unit id of
//	             each spike), keys (unit ids), start, end (time support)
//	Ts:          type "Ts", t, start, end
//	Tsd/TsdFrame: type "Tsd" or "TsdFrame", t, d, start, end, columns
//	IntervalSet: type "IntervalSet", start, end
//
// pynapple also pickles metadata (_metadata) and a TsdFrame's string column
// names; pickles cannot be read safely outside Python, so they are skipped
// (the columns are then named 0, 1, …). Metadata stored as plain arrays with
// one entry per unit or interval (older pynapple files, and the files
// WriteNPZ writes) is read; pynapple reads such arrays back as a TsGroup's
// metadata, but not as an IntervalSet's.

// LoadNPZ reads spike times saved by pynapple (TsGroup.save or Ts.save,
// or numpy.savez with the same keys: t, index, and optionally keys, start
// and end) into a TsGroup. Without start and end the support is the span
// of the spikes.
func LoadNPZ(path string) (*TsGroup, error) {
	var g *TsGroup
	err := withNPZ(path, func(z *npy.NPZ) (err error) {
		g, err = tsGroupFromNPZ(z)
		return err
	})
	return g, err
}

// LoadTsdNPZ reads a time series saved by pynapple (Tsd.save, TsdFrame.save:
// t, d, start, end, columns) into a Tsd; d may be 1-D or 2-D.
func LoadTsdNPZ(path string) (*Tsd, error) {
	var s *Tsd
	err := withNPZ(path, func(z *npy.NPZ) (err error) {
		s, err = tsdFromNPZ(z)
		return err
	})
	return s, err
}

// LoadIntervalSetNPZ reads intervals saved by pynapple (IntervalSet.save:
// start, end) into an IntervalSet, with plain metadata arrays.
func LoadIntervalSetNPZ(path string) (*IntervalSet, error) {
	var s *IntervalSet
	err := withNPZ(path, func(z *npy.NPZ) (err error) {
		s, err = intervalSetFromNPZ(z)
		return err
	})
	return s, err
}

func withNPZ(path string, read func(*npy.NPZ) error) (err error) {
	z, err := npy.OpenNPZ(path)
	if err != nil {
		return fmt.Errorf("spikes: %w", err)
	}
	defer func() {
		if cerr := z.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("spikes: %w", cerr)
		}
	}()
	if err := read(z); err != nil {
		return fmt.Errorf("%w (file %s)", err, path)
	}
	return nil
}

// npzType checks the type key, when present, against the accepted kinds.
func npzType(z *npy.NPZ, fn string, kinds ...string) (string, error) {
	if !z.Has("type") {
		return "", nil
	}
	a, err := z.Read("type")
	if err != nil {
		return "", fmt.Errorf("spikes: %s: %w", fn, err)
	}
	if len(a.Strings) != 1 {
		return "", fmt.Errorf("spikes: %s: the type array holds %d strings, want 1", fn, len(a.Strings))
	}
	if !slices.Contains(kinds, a.Strings[0]) {
		return "", fmt.Errorf("spikes: %s: the file holds a pynapple %s, not a %s", fn, a.Strings[0], strings.Join(kinds, " or "))
	}
	return a.Strings[0], nil
}

// npzVector reads a numeric vector (shape (n,) or (n, 1)).
func npzVector(z *npy.NPZ, fn, name string) ([]float64, error) {
	a, err := z.Read(name)
	if err != nil {
		return nil, fmt.Errorf("spikes: %s: %w", fn, err)
	}
	if a.Strings != nil || len(a.Shape) == 0 || len(a.Shape) > 2 || (len(a.Shape) == 2 && a.Shape[1] != 1) {
		return nil, fmt.Errorf("spikes: %s: array %q has shape %v and dtype %s, want a numeric vector", fn, name, a.Shape, a.DType)
	}
	return a.Data, nil
}

// npzSupport reads start and end when both are present (nil otherwise).
func npzSupport(z *npy.NPZ, fn string) (*IntervalSet, error) {
	if !z.Has("start") || !z.Has("end") {
		return nil, nil
	}
	s, err := npzVector(z, fn, "start")
	if err != nil {
		return nil, err
	}
	e, err := npzVector(z, fn, "end")
	if err != nil {
		return nil, err
	}
	ep, err := NewIntervalSet(s, e, nil)
	if err != nil {
		return nil, fmt.Errorf("spikes: %s: time support: %w", fn, err)
	}
	return ep, nil
}

// npzMetadata collects plain arrays of length rows that are not part of
// the layout (reserved) as metadata columns.
func npzMetadata(z *npy.NPZ, rows int, reserved ...string) *Metadata {
	m := &Metadata{}
	for _, name := range z.Names() {
		if slices.Contains(reserved, name) || strings.HasPrefix(name, "_") {
			continue
		}
		a, err := z.Read(name)
		if err != nil || len(a.Shape) != 1 || a.Shape[0] != rows {
			continue // not a metadata column (pickled, or another shape)
		}
		if a.Strings != nil {
			if m.Strings == nil {
				m.Strings = map[string][]string{}
			}
			m.Strings[name] = a.Strings
		} else {
			if m.Numbers == nil {
				m.Numbers = map[string][]float64{}
			}
			m.Numbers[name] = a.Data
		}
	}
	return m
}

func tsGroupFromNPZ(z *npy.NPZ) (*TsGroup, error) {
	const fn = "LoadNPZ"
	kind, err := npzType(z, fn, "TsGroup", "Ts")
	if err != nil {
		return nil, err
	}
	t, err := npzVector(z, fn, "t")
	if err != nil {
		return nil, err
	}
	index := make([]float64, len(t))
	if kind != "Ts" && (kind == "TsGroup" || z.Has("index")) {
		if index, err = npzVector(z, fn, "index"); err != nil {
			return nil, err
		}
		if len(index) != len(t) {
			return nil, fmt.Errorf("spikes: %s: %d unit indices for %d spike times", fn, len(index), len(t))
		}
	}
	var keys []float64
	if z.Has("keys") && kind != "Ts" {
		if keys, err = npzVector(z, fn, "keys"); err != nil {
			return nil, err
		}
	}
	ids, times, err := groupByIndex(fn, t, index, keys)
	if err != nil {
		return nil, err
	}
	meta := npzMetadata(z, len(ids), "t", "index", "keys", "start", "end", "d", "rate", "type")
	g, err := NewTsGroup(times, ids, meta)
	if err != nil {
		return nil, err
	}
	support, err := npzSupport(z, fn)
	if err != nil || support == nil {
		return g, err
	}
	return g.Restrict(support), nil
}

// groupByIndex splits times by unit index; keys (optional) lists the units
// in order, including units without spikes.
func groupByIndex(fn string, t, index, keys []float64) ([]int, [][]float64, error) {
	asInt := func(what string, i int, v float64) (int, error) {
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return 0, fmt.Errorf("spikes: %s: %s[%d] = %v is not an integer unit id", fn, what, i, v)
		}
		return int(v), nil
	}
	row := map[int]int{}
	var ids []int
	for i, k := range keys {
		id, err := asInt("keys", i, k)
		if err != nil {
			return nil, nil, err
		}
		if _, dup := row[id]; !dup {
			row[id] = len(ids)
			ids = append(ids, id)
		}
	}
	var extra []int
	seen := map[int]bool{}
	for i, v := range index {
		id, err := asInt("index", i, v)
		if err != nil {
			return nil, nil, err
		}
		if _, ok := row[id]; !ok && !seen[id] {
			if keys != nil {
				return nil, nil, fmt.Errorf("spikes: %s: index[%d] = %d is not among the keys", fn, i, id)
			}
			seen[id] = true
			extra = append(extra, id)
		}
	}
	slices.Sort(extra)
	for _, id := range extra {
		row[id] = len(ids)
		ids = append(ids, id)
	}
	times := make([][]float64, len(ids))
	for i, v := range index {
		u := row[int(v)]
		times[u] = append(times[u], t[i])
	}
	for _, tu := range times {
		if !sort.Float64sAreSorted(tu) {
			sort.Float64s(tu)
		}
	}
	return ids, times, nil
}

func tsdFromNPZ(z *npy.NPZ) (*Tsd, error) {
	const fn = "LoadTsdNPZ"
	if _, err := npzType(z, fn, "Tsd", "TsdFrame"); err != nil {
		return nil, err
	}
	t, err := npzVector(z, fn, "t")
	if err != nil {
		return nil, err
	}
	d, err := z.Read("d")
	if err != nil {
		return nil, fmt.Errorf("spikes: %s: %w", fn, err)
	}
	if d.Strings != nil || len(d.Shape) == 0 || len(d.Shape) > 2 || d.Shape[0] != len(t) {
		return nil, fmt.Errorf("spikes: %s: d has shape %v for %d times, want (%d,) or (%d, columns)", fn, d.Shape, len(t), len(t), len(t))
	}
	cols := 1
	if len(d.Shape) == 2 {
		cols = d.Shape[1]
	}
	var names []string
	// pynapple pickles string column names (an object array), which are
	// not read; the columns are then named 0, 1, ….
	if c, err := z.Read("columns"); err == nil {
		names = c.Strings
		if names == nil {
			for _, v := range c.Data {
				names = append(names, strconv.FormatFloat(v, 'g', -1, 64))
			}
		}
		if len(names) != cols {
			return nil, fmt.Errorf("spikes: %s: %d column names for %d columns", fn, len(names), cols)
		}
	}
	if len(t) == 0 || cols == 0 {
		return nil, fmt.Errorf("spikes: %s: the series is empty (d has shape %v)", fn, d.Shape)
	}
	s, err := NewTsdFrame(t, mat.NewDense(len(t), cols, d.Data), names)
	if err != nil {
		return nil, err
	}
	support, err := npzSupport(z, fn)
	if err != nil || support == nil {
		return s, err
	}
	return s.Restrict(support), nil
}

func intervalSetFromNPZ(z *npy.NPZ) (*IntervalSet, error) {
	const fn = "LoadIntervalSetNPZ"
	if _, err := npzType(z, fn, "IntervalSet"); err != nil {
		return nil, err
	}
	s, err := npzVector(z, fn, "start")
	if err != nil {
		return nil, err
	}
	e, err := npzVector(z, fn, "end")
	if err != nil {
		return nil, err
	}
	if len(s) != len(e) {
		return nil, fmt.Errorf("spikes: %s: %d starts but %d ends", fn, len(s), len(e))
	}
	return NewIntervalSet(s, e, npzMetadata(z, len(s), "start", "end", "type"))
}

// WriteNPZ saves the group in pynapple's TsGroup layout (nap.load_file
// reads it), with its metadata as plain arrays, one entry per unit.
func (g *TsGroup) WriteNPZ(w io.Writer) error {
	t, index := mergeUnits(g.times, g.ids)
	n := len(t)
	keys := make([]float64, len(g.ids))
	for i, id := range g.ids {
		keys[i] = float64(id)
	}
	arrays := map[string]*npy.Array{
		"type":  {Shape: []int{1}, Strings: []string{"TsGroup"}},
		"t":     {Shape: []int{n}, Data: t},
		"index": {Shape: []int{n}, Data: index, DType: "<i8"},
		"keys":  {Shape: []int{len(keys)}, Data: keys, DType: "<i8"},
	}
	return writeLayout(w, arrays, g.support, g.meta, len(g.ids))
}

// WriteNPZ saves the series in pynapple's Tsd (one column) or TsdFrame
// layout.
func (s *Tsd) WriteNPZ(w io.Writer) error {
	arrays := map[string]*npy.Array{
		"t": {Shape: []int{len(s.t)}, Data: s.t},
	}
	if len(s.cols) == 1 && s.cols[0] == "0" {
		arrays["type"] = &npy.Array{Shape: []int{1}, Strings: []string{"Tsd"}}
		arrays["d"] = &npy.Array{Shape: []int{len(s.t)}, Data: s.v}
	} else {
		arrays["type"] = &npy.Array{Shape: []int{1}, Strings: []string{"TsdFrame"}}
		arrays["d"] = &npy.Array{Shape: []int{len(s.t), len(s.cols)}, Data: s.v}
		arrays["columns"] = &npy.Array{Shape: []int{len(s.cols)}, Strings: s.cols}
	}
	return writeLayout(w, arrays, s.support, Metadata{}, 0)
}

// WriteNPZ saves the intervals in pynapple's IntervalSet layout, with their
// metadata as plain arrays (which LoadIntervalSetNPZ reads and pynapple
// ignores).
func (s *IntervalSet) WriteNPZ(w io.Writer) error {
	arrays := map[string]*npy.Array{"type": {Shape: []int{1}, Strings: []string{"IntervalSet"}}}
	return writeLayout(w, arrays, s, s.meta, s.Len())
}

func writeLayout(w io.Writer, arrays map[string]*npy.Array, support *IntervalSet, meta Metadata, rows int) error {
	arrays["start"] = &npy.Array{Shape: []int{support.Len()}, Data: support.start}
	arrays["end"] = &npy.Array{Shape: []int{support.Len()}, Data: support.end}
	for name, col := range meta.Numbers {
		if _, clash := arrays[name]; clash {
			return fmt.Errorf("spikes: WriteNPZ: metadata column %q has the name of a layout array", name)
		}
		arrays[name] = &npy.Array{Shape: []int{rows}, Data: col}
	}
	for name, col := range meta.Strings {
		if _, clash := arrays[name]; clash {
			return fmt.Errorf("spikes: WriteNPZ: metadata column %q has the name of a layout array", name)
		}
		arrays[name] = &npy.Array{Shape: []int{rows}, Strings: col}
	}
	if err := npy.WriteNPZ(w, arrays); err != nil {
		return fmt.Errorf("spikes: %w", err)
	}
	return nil
}

// mergeUnits merges the sorted spike trains into one sorted list of times
// with the unit id of each (a k-way merge; ties keep unit order).
func mergeUnits(times [][]float64, ids []int) (t, index []float64) {
	n := 0
	for _, tu := range times {
		n += len(tu)
	}
	t, index = make([]float64, 0, n), make([]float64, 0, n)
	h := &trainHeap{}
	for u, tu := range times {
		if len(tu) > 0 {
			h.items = append(h.items, trainHead{tu[0], u, 0})
		}
	}
	heap.Init(h)
	for h.Len() > 0 {
		top := &h.items[0]
		t, index = append(t, top.t), append(index, float64(ids[top.unit]))
		if top.next++; top.next < len(times[top.unit]) {
			top.t = times[top.unit][top.next]
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
	}
	return t, index
}

type trainHead struct {
	t          float64
	unit, next int
}

type trainHeap struct{ items []trainHead }

func (h *trainHeap) Len() int { return len(h.items) }
func (h *trainHeap) Less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	return a.t < b.t || (a.t == b.t && a.unit < b.unit)
}
func (h *trainHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *trainHeap) Push(x any)    { h.items = append(h.items, x.(trainHead)) }
func (h *trainHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}
