package npy

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"time"
)

// NPZ is an open .npz archive, what numpy.savez and numpy.savez_compressed
// write: a zip file with one .npy member per array, stored or deflated.
// Like NumPy's NpzFile it reads an array only when asked, so a member this
// package cannot decode (a pickled object array) does not prevent reading
// the others.
type NPZ struct {
	files  map[string]*zip.File
	names  []string
	closer io.Closer
}

// OpenNPZ opens the .npz file at path; Close releases it.
func OpenNPZ(path string) (*NPZ, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		return nil, errors.Join(fmt.Errorf("npy: %w", err), f.Close())
	}
	z, err := ReadNPZ(f, st.Size())
	if err != nil {
		return nil, errors.Join(fmt.Errorf("%w (file %s)", err, path), f.Close())
	}
	z.closer = f
	return z, nil
}

// ReadNPZ reads the directory of an .npz archive of size bytes from r.
func ReadNPZ(r io.ReaderAt, size int64) (*NPZ, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("npy: not an .npz (zip) archive: %w", err)
	}
	z := &NPZ{files: map[string]*zip.File{}}
	for _, f := range zr.File {
		name, ok := strings.CutSuffix(f.Name, ".npy")
		if !ok {
			continue
		}
		if _, dup := z.files[name]; dup {
			return nil, fmt.Errorf("npy: the archive holds two members named %q", f.Name)
		}
		z.files[name] = f
		z.names = append(z.names, name)
	}
	return z, nil
}

// Names returns the names of the arrays (the members' names without
// ".npy"), in archive order.
func (z *NPZ) Names() []string { return slices.Clone(z.names) }

// Has reports whether the archive holds an array called name.
func (z *NPZ) Has(name string) bool {
	_, ok := z.files[name]
	return ok
}

// Read decodes the array called name.
func (z *NPZ) Read(name string) (a *Array, err error) {
	f, ok := z.files[name]
	if !ok {
		return nil, fmt.Errorf("npy: the archive has no array %q (arrays: %s)", name, strings.Join(z.names, ", "))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("npy: array %q: %w", name, err)
	}
	defer func() {
		if cerr := rc.Close(); cerr != nil && err == nil {
			a, err = nil, fmt.Errorf("npy: array %q: %w", name, cerr)
		}
	}()
	a, err = Read(rc)
	if err != nil {
		return nil, fmt.Errorf("%w (array %q)", err, name)
	}
	// Reading on to the end of the member lets zip verify its CRC-32;
	// NumPy ignores trailing bytes, so only a bounded amount is read.
	if _, err := io.CopyN(io.Discard, rc, 1<<16); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("npy: array %q: %w", name, err)
	}
	return a, nil
}

// Close closes the file OpenNPZ opened (nothing for ReadNPZ).
func (z *NPZ) Close() error {
	if z.closer == nil {
		return nil
	}
	return z.closer.Close()
}

// WriteNPZ writes arrays as numpy.savez does: a zip archive with one stored
// (uncompressed) member name + ".npy" per array, in sorted name order.
func WriteNPZ(w io.Writer, arrays map[string]*Array) error {
	return writeNPZ(w, arrays, zip.Store)
}

// WriteNPZCompressed writes arrays as numpy.savez_compressed does: like
// WriteNPZ with deflated members.
func WriteNPZCompressed(w io.Writer, arrays map[string]*Array) error {
	return writeNPZ(w, arrays, zip.Deflate)
}

func writeNPZ(w io.Writer, arrays map[string]*Array, method uint16) error {
	names := make([]string, 0, len(arrays))
	for k := range arrays {
		names = append(names, k)
	}
	sort.Strings(names)
	zw := zip.NewWriter(w)
	for _, name := range names {
		if name == "" {
			return fmt.Errorf("npy: WriteNPZ: an array has an empty name")
		}
		if arrays[name] == nil {
			return fmt.Errorf("npy: WriteNPZ: array %q is nil", name)
		}
		// A fixed time keeps the archive's bytes reproducible.
		h := &zip.FileHeader{Name: name + ".npy", Method: method, Modified: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)}
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return fmt.Errorf("npy: WriteNPZ: %w", err)
		}
		if err := Write(fw, arrays[name]); err != nil {
			return fmt.Errorf("npy: WriteNPZ: array %q: %w", name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("npy: WriteNPZ: %w", err)
	}
	return nil
}
