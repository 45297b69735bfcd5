package spikes

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Metadata holds named columns with one entry per row: per unit of a
// TsGroup (depth, channel, brain area, Phy's "good"/"mua" label) or per
// interval of an IntervalSet (stimulus, trial condition). Numbers and
// Strings are the two kinds of column; a nil *Metadata or nil maps mean no
// columns. Constructors check that every column has one entry per row and
// that no name is used by both maps, and they copy the columns, so the
// caller may reuse its slices.
type Metadata struct {
	Numbers map[string][]float64
	Strings map[string][]string
}

// validMetadata checks m against rows and returns a deep copy. what names
// the rows in errors ("unit", "interval").
func validMetadata(m *Metadata, rows int, what string) (Metadata, error) {
	var out Metadata
	if m == nil {
		return out, nil
	}
	for name, col := range m.Numbers {
		if name == "" {
			return out, fmt.Errorf("spikes: metadata has a number column with an empty name")
		}
		if len(col) != rows {
			return out, fmt.Errorf("spikes: metadata column %q has %d entries for %d %ss", name, len(col), rows, what)
		}
		if _, dup := m.Strings[name]; dup {
			return out, fmt.Errorf("spikes: metadata column %q is both a number and a string column", name)
		}
		if out.Numbers == nil {
			out.Numbers = map[string][]float64{}
		}
		out.Numbers[name] = slices.Clone(col)
	}
	for name, col := range m.Strings {
		if name == "" {
			return out, fmt.Errorf("spikes: metadata has a string column with an empty name")
		}
		if len(col) != rows {
			return out, fmt.Errorf("spikes: metadata column %q has %d entries for %d %ss", name, len(col), rows, what)
		}
		if out.Strings == nil {
			out.Strings = map[string][]string{}
		}
		out.Strings[name] = slices.Clone(col)
	}
	return out, nil
}

// empty reports whether m has no columns.
func (m Metadata) empty() bool { return len(m.Numbers) == 0 && len(m.Strings) == 0 }

// names returns every column name, sorted.
func (m Metadata) names() []string {
	var out []string
	for k := range m.Numbers {
		out = append(out, k)
	}
	for k := range m.Strings {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// clone returns a deep copy (nil maps stay nil).
func (m Metadata) clone() Metadata {
	var out Metadata
	for k, v := range m.Numbers {
		if out.Numbers == nil {
			out.Numbers = map[string][]float64{}
		}
		out.Numbers[k] = slices.Clone(v)
	}
	for k, v := range m.Strings {
		if out.Strings == nil {
			out.Strings = map[string][]string{}
		}
		out.Strings[k] = slices.Clone(v)
	}
	return out
}

// rows returns the metadata of rows idx, in that order.
func (m Metadata) rows(idx []int) Metadata {
	var out Metadata
	for k, v := range m.Numbers {
		if out.Numbers == nil {
			out.Numbers = map[string][]float64{}
		}
		c := make([]float64, len(idx))
		for i, j := range idx {
			c[i] = v[j]
		}
		out.Numbers[k] = c
	}
	for k, v := range m.Strings {
		if out.Strings == nil {
			out.Strings = map[string][]string{}
		}
		c := make([]string, len(idx))
		for i, j := range idx {
			c[i] = v[j]
		}
		out.Strings[k] = c
	}
	return out
}

// cell formats row i of column name for tables.
func (m Metadata) cell(name string, i int) string {
	if v, ok := m.Numbers[name]; ok {
		return fmt.Sprintf("%.6g", v[i])
	}
	return m.Strings[name][i]
}

// match returns the rows whose string column name holds one of values.
// what names the object in errors ("TsGroup", "IntervalSet").
func (m Metadata) match(what, name string, values []string) ([]int, error) {
	col, ok := m.Strings[name]
	if !ok {
		if _, num := m.Numbers[name]; num {
			return nil, fmt.Errorf("spikes: %s.Where: column %q holds numbers; select rows by index with Select", what, name)
		}
		return nil, fmt.Errorf("spikes: %s.Where: no string column %q (columns: %s)", what, name, strings.Join(m.names(), ", "))
	}
	var idx []int
	for i, v := range col {
		if slices.Contains(values, v) {
			idx = append(idx, i)
		}
	}
	return idx, nil
}

// checkIndices validates row indices for Select.
func checkIndices(what string, idx []int, n int) error {
	for k, i := range idx {
		if i < 0 || i >= n {
			return fmt.Errorf("spikes: %s.Select: indices[%d] = %d is outside [0, %d)", what, k, i, n)
		}
	}
	return nil
}
