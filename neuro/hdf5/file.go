package hdf5

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
)

// signature is the 8-byte HDF5 format signature, "\x89HDF\r\n\x1a\n".
var signature = []byte{0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'}

// File is an open HDF5 file. Its methods may be called from several
// goroutines at once.
//
// A File reads lazily: opening parses only the superblock, navigation parses
// the object headers on the way, and a dataset's bytes are read only by its
// Read methods, only for the chunks (or contiguous range) the request
// touches.
type File struct {
	r      io.ReaderAt
	size   int64 // bytes readable from r
	closer io.Closer
	name   string

	base             uint64 // absolute position of the superblock; addresses are relative to it
	eof              uint64 // end-of-file address (relative), ≤ size-base
	offSize, lenSize int
	sbVersion        int
	rootAddr         uint64
	groupLeafK       int
	groupInternalK   int
	chunkInternalK   int
	sohm             bool // the file has a shared object header message table

	// MaxReadBytes bounds the memory one Read call may allocate for the
	// values it returns (after decompression), so that a corrupt or hostile
	// shape cannot exhaust memory. The default, set by Open and NewReader,
	// is 1032 times the file size plus 64 MiB (1032 is deflate's largest
	// compression ratio) and at least 1 GiB; raise it to read datasets
	// that are mostly unwritten (fill values) and larger than that.
	MaxReadBytes int64

	mu      sync.Mutex
	closed  bool
	headers map[uint64]*objectHeader // parsed object headers by address
}

// Open opens the HDF5 file at path for reading.
func Open(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, &Error{Path: path, Op: "open", Err: err}
	}
	st, err := fh.Stat()
	if err != nil {
		if cerr := fh.Close(); cerr != nil {
			err = fmt.Errorf("%w (closing: %v)", err, cerr)
		}
		return nil, &Error{Path: path, Op: "open", Err: err}
	}
	f, err := newFile(fh, st.Size(), path)
	if err != nil {
		if cerr := fh.Close(); cerr != nil {
			err = fmt.Errorf("%w (closing: %v)", err, cerr)
		}
		return nil, err
	}
	f.closer = fh
	return f, nil
}

// NewReader reads an HDF5 file of size bytes from r. Close does not close
// r.
func NewReader(r io.ReaderAt, size int64) (*File, error) {
	return newFile(r, size, "")
}

// Close releases the file. Objects obtained from f must not be used after.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	f.closed = true
	f.headers = nil
	if f.closer != nil {
		if err := f.closer.Close(); err != nil {
			return &Error{Path: f.name, Op: "close", Err: err}
		}
	}
	return nil
}

// SuperblockVersion returns the version of the file's superblock: 0 or 1
// for files written with the earliest format (h5py's default), 2 for
// HDF5 1.8-style files, 3 for files written with libver "v110" or later.
func (f *File) SuperblockVersion() int { return f.sbVersion }

// Size returns the size of the file in bytes.
func (f *File) Size() int64 { return f.size }

func newFile(r io.ReaderAt, size int64, name string) (*File, error) {
	f := &File{r: r, size: size, name: name, headers: map[uint64]*objectHeader{}}
	f.MaxReadBytes = max(1<<30, 1032*size+64<<20)
	if err := f.readSuperblock(); err != nil {
		return nil, &Error{Path: name, Op: "superblock", Err: err}
	}
	return f, nil
}

// readAt reads n bytes at relative address addr, checking the range
// against the end of the file before allocating.
func (f *File) readAt(addr uint64, n uint64) ([]byte, error) {
	if addr == undefined {
		return nil, formatError("read at the undefined address")
	}
	if n > f.eof || addr > f.eof-n {
		return nil, formatError("%d bytes at address %d run past the end of the file (%d)", n, addr, f.eof)
	}
	b := make([]byte, n)
	if err := f.readInto(addr, b); err != nil {
		return nil, err
	}
	return b, nil
}

// readInto fills b from relative address addr; the caller has checked the
// range.
func (f *File) readInto(addr uint64, b []byte) error {
	if f.isClosed() {
		return ErrClosed
	}
	n, err := f.r.ReadAt(b, int64(f.base+addr))
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("reading %d bytes at address %d: %w", len(b), addr, err)
}

func (f *File) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

// checkRange reports whether n bytes at addr lie inside the file.
func (f *File) checkRange(addr, n uint64) error {
	if addr == undefined || n > f.eof || addr > f.eof-n {
		return formatError("%d bytes at address %d run past the end of the file (%d)", n, addr, f.eof)
	}
	return nil
}

func (f *File) decoder(b []byte) *decoder { return newDecoder(b, f.offSize, f.lenSize) }

func (f *File) readSuperblock() error {
	// The superblock is at 0, 512, 1024, 2048, ...
	var at int64 = -1
	sig := make([]byte, 8)
	for pos := int64(0); pos+8 <= f.size; pos = max(512, 2*pos) {
		n, err := f.r.ReadAt(sig, pos)
		if n < 8 {
			if err == nil || err == io.EOF {
				break
			}
			return err
		}
		if bytes.Equal(sig, signature) {
			at = pos
			break
		}
	}
	if at < 0 {
		return formatError("no HDF5 signature (not an HDF5 file)")
	}
	f.base = uint64(at)
	f.eof = uint64(f.size) - f.base
	// Read enough for any superblock version: v0/v1 with 8-byte fields
	// is 24 + 4*8 + 40 + 4 = 100 bytes.
	hdr := make([]byte, min(256, f.size-at))
	n, err := f.r.ReadAt(hdr, at)
	if n < len(hdr) && err != nil && err != io.EOF {
		return err
	}
	hdr = hdr[:n]
	if len(hdr) < 12 {
		return formatError("superblock truncated")
	}
	f.sbVersion = int(hdr[8])
	switch f.sbVersion {
	case 0, 1:
		return f.superblockV0(hdr)
	case 2, 3:
		return f.superblockV2(hdr)
	default:
		return unsupported("superblock version %d", f.sbVersion)
	}
}

func validSizes(off, length int) error {
	for _, s := range []int{off, length} {
		if s != 2 && s != 4 && s != 8 {
			return formatError("superblock gives %d-byte offsets and %d-byte lengths (must be 2, 4 or 8)", off, length)
		}
	}
	return nil
}

func (f *File) superblockV0(b []byte) error {
	d := newDecoder(b, 8, 8)
	d.skip(9)
	d.skip(3) // free space, root symbol table entry, reserved
	if v := d.u8(); v != 0 && d.err == nil {
		return unsupported("shared header message format version %d", v)
	}
	f.offSize, f.lenSize = int(d.u8()), int(d.u8())
	if err := validSizes(f.offSize, f.lenSize); err != nil {
		return err
	}
	d.offSize, d.lenSize = f.offSize, f.lenSize
	d.skip(1)
	f.groupLeafK = int(d.u16())
	f.groupInternalK = int(d.u16())
	d.skip(4) // file consistency flags
	f.chunkInternalK = 32
	if f.sbVersion == 1 {
		f.chunkInternalK = int(d.u16())
		d.skip(2)
	}
	d.addr() // base address: addresses are relative to the superblock
	d.addr() // free-space info
	eof := d.addr()
	driver := d.addr()
	// Root group symbol table entry.
	d.addr() // link name offset
	f.rootAddr = d.addr()
	if d.err != nil {
		return d.err
	}
	if driver != undefined {
		return unsupported("file driver information block (multi or family file)")
	}
	if f.groupLeafK == 0 || f.groupInternalK == 0 {
		return formatError("superblock B-tree K values are zero")
	}
	return f.checkEOF(eof)
}

func (f *File) superblockV2(b []byte) error {
	d := newDecoder(b, 8, 8)
	d.skip(9)
	f.offSize, f.lenSize = int(d.u8()), int(d.u8())
	if err := validSizes(f.offSize, f.lenSize); err != nil {
		return err
	}
	d.offSize, d.lenSize = f.offSize, f.lenSize
	d.skip(1) // flags
	d.addr()  // base address
	ext := d.addr()
	eof := d.addr()
	f.rootAddr = d.addr()
	if d.err != nil {
		return d.err
	}
	if d.off+4 > len(b) {
		return formatError("superblock truncated")
	}
	if err := verifyChecksum(b[:d.off+4], "superblock"); err != nil {
		return err
	}
	f.groupLeafK, f.groupInternalK, f.chunkInternalK = 4, 16, 32
	if err := f.checkEOF(eof); err != nil {
		return err
	}
	if ext != undefined {
		if err := f.readSuperblockExtension(ext); err != nil {
			return fmt.Errorf("superblock extension: %w", err)
		}
	}
	return nil
}

// checkEOF checks the superblock's end-of-file address against the file
// size. The library stores it counted from the start of the file, user
// block included (H5F__super_read compares it with base + size).
func (f *File) checkEOF(eof uint64) error {
	if eof == undefined {
		return formatError("undefined end-of-file address")
	}
	if eof > uint64(f.size) {
		return formatError("file is truncated: it is %d bytes, the superblock says %d", f.size, eof)
	}
	if eof < f.base {
		return formatError("end-of-file address %d before the superblock at %d", eof, f.base)
	}
	f.eof = eof - f.base
	return nil
}

func (f *File) readSuperblockExtension(addr uint64) error {
	oh, err := f.header(addr)
	if err != nil {
		return err
	}
	for _, m := range oh.msgs {
		switch m.typ {
		case msgBTreeK:
			d := f.decoder(m.data)
			d.u8()
			f.chunkInternalK = int(d.u16())
			f.groupInternalK = int(d.u16())
			f.groupLeafK = int(d.u16())
			if d.err != nil {
				return d.err
			}
		case msgSharedTable:
			f.sohm = true
		case msgDriverInfo:
			return unsupported("file driver information (multi or family file)")
		}
	}
	return nil
}
