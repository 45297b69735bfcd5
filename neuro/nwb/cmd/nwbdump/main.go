// Command nwbdump prints what an NWB (or any HDF5) file holds.
//
//	go run ./neuro/nwb/cmd/nwbdump FILE          the object tree
//	go run ./neuro/nwb/cmd/nwbdump FILE --units  one JSON object per unit
//
// The tree lists every link depth first: groups with their NWB type,
// datasets with their datatype, shape and storage, links with their
// targets, and under each object its attributes (long values shortened).
// With --units it prints, for each unit of /units, its id, spike count and
// first and last spike times (null for a unit without spikes), one JSON
// object per line.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/neuronb/neuronb/neuro/hdf5"
	"github.com/neuronb/neuronb/neuro/nwb"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "nwbdump:", err)
		os.Exit(1)
	}
}

const usage = "usage: nwbdump FILE [--units]"

func run(args []string, w io.Writer) error {
	var path string
	units := false
	for _, a := range args {
		switch a {
		case "--units", "-units":
			units = true
		case "-h", "--help", "-help":
			_, err := fmt.Fprintln(w, usage)
			return err
		default:
			if strings.HasPrefix(a, "-") || path != "" {
				return fmt.Errorf("unexpected argument %q\n%s", a, usage)
			}
			path = a
		}
	}
	if path == "" {
		return errors.New(usage)
	}
	if units {
		return dumpUnits(path, w)
	}
	return dumpTree(path, w)
}

// unitLine is one line of --units output.
type unitLine struct {
	ID         int64    `json:"id"`
	SpikeCount int      `json:"spike_count"`
	FirstSpike *float64 `json:"first_spike"`
	LastSpike  *float64 `json:"last_spike"`
}

func dumpUnits(path string, w io.Writer) (err error) {
	f, err := nwb.Open(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	u, err := f.Units()
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	for i, id := range u.IDs {
		st := u.SpikeTimes[i]
		l := unitLine{ID: id, SpikeCount: len(st)}
		if len(st) > 0 {
			first, last := st[0], st[len(st)-1]
			l.FirstSpike, l.LastSpike = &first, &last
		}
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	return nil
}

func dumpTree(path string, w io.Writer) (err error) {
	f, err := hdf5.Open(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
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
		if e.Object == nil || e.Repeat {
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
