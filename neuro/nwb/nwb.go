package nwb

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/neuronb/neuronb/neuro/hdf5"
)

// File is an open NWB file.
type File struct {
	h *hdf5.File
	// Version is the file's NWB schema version ("2.7.0").
	Version string

	pathsOnce sync.Once
	paths     map[uint64]string
	pathsErr  error
}

// Open opens the NWB file at path. A file that is HDF5 but not NWB (no
// nwb_version attribute on its root group) is an error.
func Open(path string) (*File, error) {
	h, err := hdf5.Open(path)
	if err != nil {
		return nil, err
	}
	f, err := FromHDF5(h)
	if err != nil {
		if cerr := h.Close(); cerr != nil {
			err = fmt.Errorf("%w (closing: %v)", err, cerr)
		}
		return nil, err
	}
	return f, nil
}

// FromHDF5 reads an already open HDF5 file as NWB. Closing the returned
// File closes h.
func FromHDF5(h *hdf5.File) (*File, error) {
	root, err := h.Root()
	if err != nil {
		return nil, err
	}
	v, ok, err := attrString(root, "nwb_version")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("nwb: not an NWB file: the root group has no nwb_version attribute")
	}
	if !strings.HasPrefix(v, "2.") {
		return nil, fmt.Errorf("nwb: NWB version %q: this package reads NWB 2.x", v)
	}
	return &File{h: h, Version: v}, nil
}

// Close closes the file.
func (f *File) Close() error { return f.h.Close() }

// HDF5 returns the underlying HDF5 file, to reach what this package does
// not model.
func (f *File) HDF5() *hdf5.File { return f.h }

// attrString returns a string attribute of o; ok is false when o has no
// attribute called name.
func attrString(o hdf5.Object, name string) (s string, ok bool, err error) {
	a, err := o.Attr(name)
	if errors.Is(err, hdf5.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	s, err = a.ReadString()
	if err != nil {
		return "", false, err
	}
	return s, true, nil
}

// attrFloat returns a numeric scalar attribute of o, or def when absent.
func attrFloat(o hdf5.Object, name string, def float64) (float64, error) {
	a, err := o.Attr(name)
	if errors.Is(err, hdf5.ErrNotFound) {
		return def, nil
	}
	if err != nil {
		return 0, err
	}
	return a.ReadFloat64()
}

// attrStrings returns a string array attribute (colnames), nil when absent.
func attrStrings(o hdf5.Object, name string) ([]string, error) {
	a, err := o.Attr(name)
	if errors.Is(err, hdf5.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return a.ReadStrings()
}

// pathOf returns the path of the object at address addr (for object
// references), walking the file once to learn every object's path.
func (f *File) pathOf(addr uint64) (string, error) {
	f.pathsOnce.Do(func() {
		f.paths = map[uint64]string{}
		f.pathsErr = f.h.Walk(func(e hdf5.Entry) error {
			if e.Object != nil && !e.Repeat {
				if _, seen := f.paths[e.Object.Address()]; !seen {
					f.paths[e.Object.Address()] = e.Path
				}
			}
			return nil
		})
	})
	if f.pathsErr != nil {
		return "", f.pathsErr
	}
	p, ok := f.paths[addr]
	if !ok {
		return "", fmt.Errorf("nwb: object reference to address %d: %w", addr, hdf5.ErrNotFound)
	}
	return p, nil
}

// Metadata is the session-level information of an NWB file.
type Metadata struct {
	NWBVersion         string
	Identifier         string
	SessionDescription string
	// SessionStartTime is the reference for all times in the file;
	// TimestampsReferenceTime is the zero of every timestamp (usually the
	// same instant).
	SessionStartTime        time.Time
	TimestampsReferenceTime time.Time
	FileCreateDate          []time.Time
	// General holds the text and numbers under /general, keyed by their
	// path below it: "institution", "experimenter" (one value per
	// experimenter), "subject/species", and the text attributes of its
	// devices and electrode groups ("devices/probe/description").
	// Dynamic tables (the electrodes table) are left out: read them with
	// Table.
	General map[string][]string
}

// timeLayouts are the ISO 8601 forms pynwb and other writers use.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02"}

func parseTime(s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("nwb: time %q is not ISO 8601", s)
}

// scalarString reads a string dataset with one element.
func scalarString(h *hdf5.File, path string) (string, error) {
	ds, err := h.Dataset(path)
	if err != nil {
		return "", err
	}
	s, err := ds.ReadStrings()
	if err != nil {
		return "", err
	}
	if len(s) != 1 {
		return "", fmt.Errorf("nwb: %s: %d strings, want 1", path, len(s))
	}
	return s[0], nil
}

// Metadata reads the session metadata: the required root datasets and
// what /general holds.
func (f *File) Metadata() (*Metadata, error) {
	m := &Metadata{NWBVersion: f.Version, General: map[string][]string{}}
	var err error
	if m.Identifier, err = scalarString(f.h, "/identifier"); err != nil {
		return nil, err
	}
	if m.SessionDescription, err = scalarString(f.h, "/session_description"); err != nil {
		return nil, err
	}
	s, err := scalarString(f.h, "/session_start_time")
	if err != nil {
		return nil, err
	}
	if m.SessionStartTime, err = parseTime(s); err != nil {
		return nil, err
	}
	m.TimestampsReferenceTime = m.SessionStartTime
	if s, err := scalarString(f.h, "/timestamps_reference_time"); err == nil {
		if m.TimestampsReferenceTime, err = parseTime(s); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, hdf5.ErrNotFound) {
		return nil, err
	}
	if ds, err := f.h.Dataset("/file_create_date"); err == nil {
		dates, err := ds.ReadStrings()
		if err != nil {
			return nil, err
		}
		for _, d := range dates {
			t, err := parseTime(d)
			if err != nil {
				return nil, err
			}
			m.FileCreateDate = append(m.FileCreateDate, t)
		}
	} else if !errors.Is(err, hdf5.ErrNotFound) {
		return nil, err
	}
	g, err := f.h.Group("/general")
	if errors.Is(err, hdf5.ErrNotFound) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	if err := f.general(g, "", m.General); err != nil {
		return nil, err
	}
	return m, nil
}

// maxGeneralValues bounds the elements of one /general dataset kept as
// metadata; longer ones are data, not metadata.
const maxGeneralValues = 1024

func (f *File) general(g *hdf5.Group, prefix string, out map[string][]string) error {
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
		key := prefix + l.Name
		switch o := o.(type) {
		case *hdf5.Dataset:
			if o.Len() > maxGeneralValues {
				continue
			}
			vals, err := textValues(o)
			if err != nil {
				return err
			}
			if vals != nil {
				out[key] = vals
			}
		case *hdf5.Group:
			if cols, err := attrStrings(o, "colnames"); err != nil {
				return err
			} else if cols != nil {
				continue // a dynamic table
			}
			if _, typed, err := attrString(o, "neurodata_type"); err != nil {
				return err
			} else if typed {
				attrs, err := o.Attrs()
				if err != nil {
					return err
				}
				for _, a := range attrs {
					switch a.Name {
					case "namespace", "neurodata_type", "object_id":
						continue
					}
					if v, err := a.ReadStrings(); err == nil {
						out[key+"/"+a.Name] = v
					} else if v, err := a.ReadFloat64s(); err == nil {
						out[key+"/"+a.Name] = formatFloats(v)
					}
				}
			}
			if err := f.general(o, key+"/", out); err != nil {
				return err
			}
		}
	}
	return nil
}

// textValues returns a dataset's values as text when it holds strings or
// numbers, nil otherwise.
func textValues(ds *hdf5.Dataset) ([]string, error) {
	switch ds.Datatype().Class {
	case hdf5.ClassString:
		return ds.ReadStrings()
	case hdf5.ClassVarLen:
		if ds.Datatype().VarString {
			return ds.ReadStrings()
		}
	case hdf5.ClassInteger, hdf5.ClassFloat:
		v, err := ds.ReadFloat64s()
		if err != nil {
			return nil, err
		}
		return formatFloats(v), nil
	}
	return nil, nil
}

func formatFloats(v []float64) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return out
}
