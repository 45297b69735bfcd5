package hdf5

import (
	"encoding/binary"
	"math/bits"
)

// undefined is the "undefined address" of the format: all bits set, in
// however many bytes the superblock gives addresses.
const undefined = ^uint64(0)

// decoder reads little-endian fields from a metadata block. A read past the
// end sets a sticky error and returns zeros, so parsers check d.err once
// at the end instead of after every field, and malformed input can never
// index out of range.
type decoder struct {
	b   []byte
	off int
	// offSize and lenSize are the superblock's "Size of Offsets" and "Size
	// of Lengths" in bytes.
	offSize, lenSize int
	err              error
}

func newDecoder(b []byte, offSize, lenSize int) *decoder {
	return &decoder{b: b, offSize: offSize, lenSize: lenSize}
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = formatError("structure truncated at byte %d of %d", d.off, len(d.b))
	}
}

// need reports whether n more bytes are available, failing otherwise.
func (d *decoder) need(n int) bool {
	if d.err != nil {
		return false
	}
	if n < 0 || n > len(d.b)-d.off {
		d.fail()
		return false
	}
	return true
}

func (d *decoder) remaining() int {
	if d.err != nil {
		return 0
	}
	return len(d.b) - d.off
}

func (d *decoder) skip(n int) {
	if d.need(n) {
		d.off += n
	}
}

func (d *decoder) bytes(n int) []byte {
	if !d.need(n) {
		return nil
	}
	b := d.b[d.off : d.off+n]
	d.off += n
	return b
}

func (d *decoder) u8() uint8 {
	if !d.need(1) {
		return 0
	}
	v := d.b[d.off]
	d.off++
	return v
}

func (d *decoder) u16() uint16 {
	if !d.need(2) {
		return 0
	}
	v := binary.LittleEndian.Uint16(d.b[d.off:])
	d.off += 2
	return v
}

func (d *decoder) u32() uint32 {
	if !d.need(4) {
		return 0
	}
	v := binary.LittleEndian.Uint32(d.b[d.off:])
	d.off += 4
	return v
}

func (d *decoder) u64() uint64 {
	if !d.need(8) {
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b[d.off:])
	d.off += 8
	return v
}

// uvar reads an n-byte little-endian unsigned integer, 0 ≤ n ≤ 8.
func (d *decoder) uvar(n int) uint64 {
	if n > 8 {
		d.skip(n)
		if d.err == nil {
			d.err = formatError("integer field of %d bytes", n)
		}
		return 0
	}
	if !d.need(n) {
		return 0
	}
	v := leUint(d.b[d.off : d.off+n])
	d.off += n
	return v
}

// addr reads a file address; the all-ones pattern of any width decodes to
// undefined.
func (d *decoder) addr() uint64 {
	v := d.uvar(d.offSize)
	if d.offSize < 8 && v == (uint64(1)<<(8*d.offSize))-1 {
		return undefined
	}
	return v
}

// length reads a "Size of Lengths" field.
func (d *decoder) length() uint64 { return d.uvar(d.lenSize) }

// cstring reads a NUL-terminated string and consumes its terminator.
func (d *decoder) cstring() string {
	if d.err != nil {
		return ""
	}
	for i := d.off; i < len(d.b); i++ {
		if d.b[i] == 0 {
			s := string(d.b[d.off:i])
			d.off = i + 1
			return s
		}
	}
	d.fail()
	return ""
}

// align advances to the next multiple of n counted from the block start.
func (d *decoder) align(n int) {
	if r := d.off % n; r != 0 {
		d.skip(n - r)
	}
}

func leUint(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// bytesFor returns the number of bytes needed to encode v, at least 1: the
// format's "minimum number of bytes" rule (H5VM_limit_enc_size).
func bytesFor(v uint64) int { return log2(v)/8 + 1 }

// log2 returns floor(log2(v)) for v > 0 and 0 for v = 0.
func log2(v uint64) int {
	if v == 0 {
		return 0
	}
	return bits.Len64(v) - 1
}
