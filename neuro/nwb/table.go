package nwb

import (
	"errors"
	"fmt"

	"github.com/neuronb/neuronb/neuro/hdf5"
)

// ColumnKind says which field of a Column holds its values.
type ColumnKind int

// Column kinds.
const (
	Float     ColumnKind = iota // Floats
	Int                         // Ints
	Bool                        // Bools
	Text                        // Strings
	Reference                   // Strings: the paths of the referenced objects
	Other                       // Values: compounds and other types, as hdf5.Dataset.ReadValues gives them
)

func (k ColumnKind) String() string {
	return [...]string{"float", "int", "bool", "text", "reference", "other"}[k]
}

// Column is one column of a DynamicTable: its values, flattened row-major
// when each row holds an array (Shape gives the stored shape), and for a
// ragged column the VectorIndex that splits them into rows.
type Column struct {
	Name          string
	Description   string
	NeurodataType string
	Kind          ColumnKind
	// Exactly one of these holds the values, as Kind says.
	Floats  []float64
	Ints    []int64
	Bools   []bool
	Strings []string
	Values  []any
	// Shape is the shape of the stored values (the first dimension counts
	// values, not rows, in a ragged column).
	Shape []int
	// Index, for a ragged column, holds the end (exclusive) of each row's
	// values: row i is values[Index[i-1]:Index[i]] (Index[-1] = 0), in
	// units of the first dimension of Shape. Index2 splits Index the same
	// way for a doubly ragged column.
	Index  []int64
	Index2 []int64
	// Table is, for a DynamicTableRegion, the path of the table whose row
	// numbers Ints holds.
	Table string
}

// Rows returns the number of rows of the column.
func (c *Column) Rows() int {
	switch {
	case c.Index2 != nil:
		return len(c.Index2)
	case c.Index != nil:
		return len(c.Index)
	case len(c.Shape) == 0:
		return 1
	}
	return c.Shape[0]
}

// rowWidth is the number of flattened values per element of the first
// dimension.
func (c *Column) rowWidth() int {
	w := 1
	for _, d := range c.Shape[min(1, len(c.Shape)):] {
		w *= d
	}
	return w
}

// Span returns the range [lo, hi) of flattened values that row i of a
// ragged or plain column covers.
func (c *Column) Span(i int) (lo, hi int) {
	w := c.rowWidth()
	start, end := int64(i), int64(i+1)
	if c.Index2 != nil {
		start, end = 0, c.Index2[i]
		if i > 0 {
			start = c.Index2[i-1]
		}
		// Index2 counts entries of Index.
		s, e := int64(0), int64(0)
		if start > 0 {
			s = c.Index[start-1]
		}
		if end > 0 {
			e = c.Index[end-1]
		}
		return int(s) * w, int(e) * w
	}
	if c.Index != nil {
		start, end = 0, c.Index[i]
		if i > 0 {
			start = c.Index[i-1]
		}
	}
	return int(start) * w, int(end) * w
}

// Table is an NWB DynamicTable: row identifiers and named columns.
type Table struct {
	Name          string
	Path          string
	NeurodataType string
	Description   string
	IDs           []int64
	// ColumnNames lists the columns in the table's colnames order.
	ColumnNames []string
	Columns     map[string]*Column
}

// Table reads the DynamicTable at path (the electrodes table,
// /general/extracellular_ephys/electrodes, for instance) with every
// column.
func (f *File) Table(path string) (*Table, error) {
	g, err := f.h.Group(path)
	if err != nil {
		return nil, err
	}
	return f.readTable(g, nil)
}

// readTable reads a DynamicTable; skip names columns not to read (their
// names are still listed).
func (f *File) readTable(g *hdf5.Group, skip map[string]bool) (*Table, error) {
	t := &Table{Name: baseName(g.Path()), Path: g.Path(), Columns: map[string]*Column{}}
	var err error
	if t.NeurodataType, _, err = attrString(g, "neurodata_type"); err != nil {
		return nil, err
	}
	if t.Description, _, err = attrString(g, "description"); err != nil {
		return nil, err
	}
	if t.ColumnNames, err = attrStrings(g, "colnames"); err != nil {
		return nil, err
	}
	ids, err := g.Dataset("id")
	if err != nil {
		return nil, fmt.Errorf("nwb: %s is not a DynamicTable: %w", g.Path(), err)
	}
	if t.IDs, err = ids.ReadInt64s(); err != nil {
		return nil, err
	}
	for _, name := range t.ColumnNames {
		if skip[name] {
			continue
		}
		c, err := f.readColumn(g, name)
		if err != nil {
			return nil, err
		}
		if c.Rows() != len(t.IDs) {
			return nil, fmt.Errorf("nwb: %s/%s: %d rows in a table of %d", g.Path(), name, c.Rows(), len(t.IDs))
		}
		t.Columns[name] = c
	}
	return t, nil
}

func baseName(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
}

// readColumn reads column name of table g, with its VectorIndex (name +
// "_index") and second-level index when present.
func (f *File) readColumn(g *hdf5.Group, name string) (*Column, error) {
	ds, err := g.Dataset(name)
	if err != nil {
		return nil, err
	}
	c := &Column{Name: name, Shape: ds.Shape()}
	if c.Description, _, err = attrString(ds, "description"); err != nil {
		return nil, err
	}
	if c.NeurodataType, _, err = attrString(ds, "neurodata_type"); err != nil {
		return nil, err
	}
	if a, err := ds.Attr("table"); err == nil {
		refs, err := a.ReadReferences()
		if err != nil {
			return nil, err
		}
		if len(refs) == 1 && !refs[0].IsNull() {
			if c.Table, err = f.pathOf(uint64(refs[0])); err != nil {
				return nil, err
			}
		}
	} else if !errors.Is(err, hdf5.ErrNotFound) {
		return nil, err
	}
	if err := f.readValues(ds, c); err != nil {
		return nil, err
	}
	values := 1
	if len(c.Shape) > 0 {
		values = c.Shape[0]
	}
	if c.Index, err = f.readIndex(g, name+"_index", values); err != nil {
		return nil, err
	}
	if c.Index != nil {
		if c.Index2, err = f.readIndex(g, name+"_index_index", len(c.Index)); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// readValues fills c's value slice according to the dataset's type.
func (f *File) readValues(ds *hdf5.Dataset, c *Column) error {
	t := ds.Datatype()
	var err error
	switch {
	case t.Class == hdf5.ClassFloat:
		c.Kind = Float
		c.Floats, err = ds.ReadFloat64s()
	case t.Class == hdf5.ClassInteger:
		c.Kind = Int
		c.Ints, err = ds.ReadInt64s()
	case t.IsBool():
		c.Kind = Bool
		var v []int64
		if v, err = ds.ReadInt64s(); err == nil {
			c.Bools = make([]bool, len(v))
			for i, x := range v {
				c.Bools[i] = x != 0
			}
		}
	case t.Class == hdf5.ClassString || t.Class == hdf5.ClassVarLen && t.VarString:
		c.Kind = Text
		c.Strings, err = ds.ReadStrings()
	case t.Class == hdf5.ClassReference:
		c.Kind = Reference
		var refs []hdf5.Reference
		if refs, err = ds.ReadReferences(); err == nil {
			c.Strings = make([]string, len(refs))
			for i, r := range refs {
				if r.IsNull() {
					continue
				}
				if c.Strings[i], err = f.pathOf(uint64(r)); err != nil {
					break
				}
			}
		}
	default:
		c.Kind = Other
		c.Values, err = ds.ReadValues()
	}
	return err
}

// readIndex reads the VectorIndex called name in g (nil when there is
// none) and checks that it is non-decreasing and within the n values it
// indexes.
func (f *File) readIndex(g *hdf5.Group, name string, n int) ([]int64, error) {
	ds, err := g.Dataset(name)
	if errors.Is(err, hdf5.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	idx, err := ds.ReadInt64s()
	if err != nil {
		return nil, err
	}
	if err := checkIndex(ds.Path(), idx, n); err != nil {
		return nil, err
	}
	return idx, nil
}

func checkIndex(path string, idx []int64, n int) error {
	prev := int64(0)
	for i, v := range idx {
		if v < prev || v > int64(n) {
			return fmt.Errorf("nwb: %s: row %d ends at %d, after %d and within %d values: not a valid index", path, i, v, prev, n)
		}
		prev = v
	}
	return nil
}
