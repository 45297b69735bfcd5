package hdf5

import (
	"errors"
	"fmt"
)

// Sentinel errors, matched with errors.Is. Every error the package returns
// is an *Error that names the object path and the structure being read, and
// wraps one of these (or an I/O error from the underlying reader).
var (
	// ErrNotFound reports a path, member or attribute that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrFormat reports bytes that do not follow the HDF5 file format:
	// a wrong signature, an impossible size, an address outside the file,
	// a cycle among B-tree nodes, heap blocks or header continuations.
	ErrFormat = errors.New("corrupt or invalid file")
	// ErrChecksum reports metadata or data whose stored checksum (Jenkins
	// lookup3 for metadata, Fletcher-32 for filtered chunks) does not match.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrUnsupported reports a valid HDF5 feature this reader does not
	// implement (region references, virtual datasets, external storage,
	// szip, shared message tables, ...).
	ErrUnsupported = errors.New("not supported")
	// ErrType reports a read whose Go type cannot hold the stored datatype
	// (ReadFloat64s on strings, ReadInt64s on floats, ...).
	ErrType = errors.New("datatype mismatch")
	// ErrRange reports a hyperslab or row range outside a dataset's shape.
	ErrRange = errors.New("out of range")
	// ErrLimit reports a read that would allocate more than File.MaxReadBytes.
	ErrLimit = errors.New("size limit exceeded")
	// ErrClosed reports use of a File after Close.
	ErrClosed = errors.New("file closed")
)

// Error is the error type of this package. Path is the HDF5 object path the
// failure belongs to ("/units/spike_times"), or the file name for errors
// that happen before any object is opened; Op names the structure being
// read ("chunk index", "object header at 0x1a0", "attribute \"unit\"").
type Error struct {
	Path string
	Op   string
	Err  error
}

func (e *Error) Error() string {
	s := "hdf5: "
	if e.Path != "" {
		s += e.Path + ": "
	}
	if e.Op != "" {
		s += e.Op + ": "
	}
	return s + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// formatError returns an error wrapping ErrFormat with a description.
func formatError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrFormat}, args...)...)
}

// unsupported returns an error wrapping ErrUnsupported with a description.
func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrUnsupported}, args...)...)
}

// wrap attaches an object path and operation to err. An err that already is
// an *Error naming a path keeps it (it is the more specific one).
func wrap(path, op string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) && e.Path != "" {
		return err
	}
	return &Error{Path: path, Op: op, Err: err}
}
