package hdf5

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// seeds returns the committed seed files (written by testdata/make_seeds.py
// with h5py).
func seeds(t testing.TB) map[string][]byte {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("testdata", "seeds", "*.h5"))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no seed files in testdata/seeds")
	}
	out := map[string][]byte{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(n)] = b
	}
	return out
}

// exercise opens data as an HDF5 file and reads everything in it: every
// object, attribute and dataset, whole and by rows. It returns the first
// error met, after checking that every error is an *Error (so it names
// what failed).
func exercise(t *testing.T, data []byte) error {
	f, err := NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		checkError(t, err)
		return err
	}
	// Bound memory: no read may allocate more than 1 MiB of values.
	f.MaxReadBytes = 1 << 20
	var first error
	keep := func(err error) {
		if err != nil {
			checkError(t, err)
			if first == nil {
				first = err
			}
		}
	}
	visits := 0
	err = f.Walk(func(e Entry) error {
		if visits++; visits > 10000 {
			return errors.New("too many objects")
		}
		if e.Object == nil {
			return nil
		}
		attrs, err := e.Object.Attrs()
		keep(err)
		for _, a := range attrs {
			_, err := a.ReadValues()
			keep(err)
			_, err = a.ReadFloat64s()
			if !errors.Is(err, ErrType) {
				keep(err)
			}
		}
		if ds, ok := e.Object.(*Dataset); ok {
			_, err := ds.ReadValues()
			keep(err)
			if _, err := ds.ReadFloat64s(); !errors.Is(err, ErrType) {
				keep(err)
			}
			if _, err := ds.ReadStrings(); !errors.Is(err, ErrType) {
				keep(err)
			}
			if shape := ds.Shape(); len(shape) > 0 && shape[0] > 1 {
				_, err := ds.ReadFloat64sRange(shape[0]/2, shape[0]-shape[0]/2)
				if !errors.Is(err, ErrType) {
					keep(err)
				}
			}
		}
		return nil
	})
	if err != nil && err.Error() != "too many objects" {
		keep(err)
	}
	return first
}

func checkError(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *hdf5.Error", err, err)
	}
}

// TestSeedsReadCleanly checks that the seed files themselves read without
// any error (oracle: h5py wrote them; their values are checked by
// TestLayoutsMatchH5py's files of the same construction).
func TestSeedsReadCleanly(t *testing.T) {
	for name, data := range seeds(t) {
		err := exercise(t, data)
		var unsupportedLink *Error
		if err != nil && !(errors.As(err, &unsupportedLink) && errors.Is(err, ErrUnsupported)) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// FuzzOpen feeds mutated HDF5 files to the whole reader: it must return
// errors, never panic, hang or allocate without bound. The seeds are small
// files h5py wrote (testdata/make_seeds.py); go test runs them alone, and
// go test -fuzz FuzzOpen mutates them.
func FuzzOpen(f *testing.F) {
	for _, data := range seeds(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := exercise(t, data); err != nil {
			return
		}
	})
}

// FuzzReadRange reads row ranges and hyperslabs of every dataset of a
// mutated file, with a mutated start and count.
func FuzzReadRange(f *testing.F) {
	for _, data := range seeds(f) {
		f.Add(data, uint16(1), uint16(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, start, count uint16) {
		h, err := NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			checkError(t, err)
			return
		}
		h.MaxReadBytes = 1 << 20
		n := 0
		err = h.Walk(func(e Entry) error {
			if n++; n > 1000 {
				return ErrSkipDir
			}
			ds, ok := e.Object.(*Dataset)
			if !ok {
				return nil
			}
			if _, err := ds.ReadFloat64sRange(int(start), int(count)); err != nil {
				checkError(t, err)
			}
			shape := ds.Shape()
			s := make([]int, len(shape))
			c := make([]int, len(shape))
			for i := range shape {
				if shape[i] > 0 {
					s[i] = int(start) % shape[i]
					c[i] = min(int(count), shape[i]-s[i])
				}
			}
			if _, err := ds.ReadInt64sSlab(s, c); err != nil {
				checkError(t, err)
			}
			return nil
		})
		if err != nil {
			checkError(t, err)
		}
	})
}
