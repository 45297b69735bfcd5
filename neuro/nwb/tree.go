package nwb

import (
	"fmt"
	"io"
	"strings"

	"github.com/neuronb/neuronb/neuro/hdf5"
)

// WriteTree prints the object tree of an HDF5 file (an NWB file or any
// other) to w, one link per line, depth first: groups with their NWB type,
// datasets with their datatype, shape and storage, links with their
// targets, and, when attributes is true, each object's attributes under it
// (long values shortened). It is what `go run ./neuro/spikes/cmd/nwbdump FILE`
// prints.
func WriteTree(w io.Writer, f *hdf5.File, attributes bool) error {
	paths := map[uint64]string{}
	return f.Walk(func(e hdf5.Entry) error {
		var line string
		switch {
		case e.Link.Type == hdf5.SoftLink:
			line = fmt.Sprintf("%s -> soft link to %s", e.Path, e.Link.Target)
		case e.Link.Type == hdf5.ExternalLink:
			line = fmt.Sprintf("%s -> external link to %s in %s", e.Path, e.Link.Target, e.Link.File)
		case e.Object == nil:
			line = fmt.Sprintf("%s -> %v", e.Path, e.Link.Type)
		case e.Repeat:
			line = fmt.Sprintf("%s -> hard link to %s", e.Path, paths[e.Object.Address()])
		default:
			paths[e.Object.Address()] = e.Path
			line = fmt.Sprintf("%s (%s)", e.Path, describe(e.Object))
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
		if !attributes || e.Object == nil || e.Repeat {
			return nil
		}
		attrs, err := e.Object.Attrs()
		if err != nil {
			return err
		}
		for _, a := range attrs {
			if _, err := fmt.Fprintf(w, "    @%s = %s\n", a.Name, attrValue(f, a)); err != nil {
				return err
			}
		}
		return nil
	})
}

// describe says what kind of object o is: "group, Units", "dataset float64
// [21623], chunked [1000] deflate".
func describe(o hdf5.Object) string {
	switch o := o.(type) {
	case *hdf5.Group:
		if a, err := o.Attr("neurodata_type"); err == nil {
			if s, err := a.ReadString(); err == nil {
				return "group, " + s
			}
		}
		return "group"
	case *hdf5.Dataset:
		s := fmt.Sprintf("dataset %v %v", o.Datatype(), o.Shape())
		l := o.Layout()
		switch l.Class {
		case "chunked":
			s += fmt.Sprintf(", chunked %v", l.Chunk)
			for _, ft := range l.Filters {
				s += " " + ft.Name
			}
		case "compact", "virtual":
			s += ", " + l.Class
		}
		return s
	case *hdf5.NamedDatatype:
		return fmt.Sprintf("datatype %v", o.Type)
	}
	return o.Kind().String()
}

const maxShown = 8

// attrValue formats an attribute's value on one line.
func attrValue(f *hdf5.File, a *hdf5.Attribute) string {
	if a.IsEmpty() {
		return "(empty " + a.Type.String() + ")"
	}
	vals, err := a.ReadValues()
	if err != nil {
		return "(" + err.Error() + ")"
	}
	parts := make([]string, 0, min(len(vals), maxShown))
	for i, v := range vals {
		if i == maxShown {
			break
		}
		parts = append(parts, valueString(f, v))
	}
	if len(a.Shape()) == 0 && len(parts) == 1 {
		return parts[0]
	}
	s := "[" + strings.Join(parts, ", ")
	if len(vals) > maxShown {
		s += fmt.Sprintf(", … %d values", len(vals))
	}
	return s + "]"
}

func valueString(f *hdf5.File, v any) string {
	switch x := v.(type) {
	case string:
		if len(x) > 80 {
			x = x[:77] + "..."
		}
		return fmt.Sprintf("%q", x)
	case hdf5.Reference:
		if x.IsNull() {
			return "<null reference>"
		}
		o, err := f.Dereference(x)
		if err != nil {
			return fmt.Sprintf("<reference to address %d>", uint64(x))
		}
		return "<reference to " + o.Path() + ">"
	}
	return fmt.Sprint(v)
}

// WriteTree prints the file's object tree (see the package function).
func (f *File) WriteTree(w io.Writer, attributes bool) error {
	return WriteTree(w, f.HDF5(), attributes)
}
