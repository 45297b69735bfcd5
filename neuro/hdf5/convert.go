package hdf5

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
)

// byteOrder returns the binary.ByteOrder of t.
func (t *Datatype) byteOrder() binary.ByteOrder {
	if t.BigEndian {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// rawUint reads an unsigned integer of len(b) ≤ 8 bytes in t's byte order.
func (t *Datatype) rawUint(b []byte) uint64 {
	var v uint64
	if t.BigEndian {
		for _, c := range b {
			v = v<<8 | uint64(c)
		}
		return v
	}
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// standardInt reports whether t is a plain 1, 2, 4 or 8-byte integer.
func (t *Datatype) standardInt() bool {
	return (t.Size == 1 || t.Size == 2 || t.Size == 4 || t.Size == 8) && t.bitOffset == 0 && t.precision == 8*t.Size
}

// intBits extracts the significant bits of an integer element: v is the
// value as an int64 (sign-extended when signed), u the same bits unsigned.
func (t *Datatype) intBits(b []byte) (v int64, u uint64) {
	raw := t.rawUint(b[:t.Size])
	raw >>= uint(t.bitOffset)
	if t.precision < 64 {
		raw &= (uint64(1) << uint(t.precision)) - 1
		if t.Signed && raw&(uint64(1)<<uint(t.precision-1)) != 0 {
			raw |= ^uint64(0) << uint(t.precision)
		}
	}
	return int64(raw), raw
}

// decodeInt decodes one element of an integer (or enum) type as int64.
func (t *Datatype) decodeInt(b []byte) (int64, error) {
	if t.Class == ClassEnum {
		return t.Base.decodeInt(b)
	}
	if t.Class != ClassInteger {
		return 0, fmt.Errorf("%w: %v is not an integer", ErrType, t)
	}
	if t.Size > 8 {
		return 0, unsupported("%d-byte integers", t.Size)
	}
	if len(b) < t.Size {
		return 0, formatError("integer element truncated")
	}
	v, u := t.intBits(b)
	if !t.Signed && t.precision == 64 && u > math.MaxInt64 {
		return 0, fmt.Errorf("%w: unsigned value %d does not fit in int64", ErrRange, u)
	}
	return v, nil
}

// floatLayout reports whether t is an IEEE 754 binary16, binary32 or
// binary64 number.
func (t *Datatype) floatLayout() bool {
	if t.Tag == "VAX" || t.bitOffset != 0 || t.precision != 8*t.Size || t.mantLoc != 0 {
		return false
	}
	switch t.Size {
	case 2:
		return t.signLoc == 15 && t.expLoc == 10 && t.expSize == 5 && t.mantSize == 10 && t.expBias == 15
	case 4:
		return t.signLoc == 31 && t.expLoc == 23 && t.expSize == 8 && t.mantSize == 23 && t.expBias == 127
	case 8:
		return t.signLoc == 63 && t.expLoc == 52 && t.expSize == 11 && t.mantSize == 52 && t.expBias == 1023
	}
	return false
}

// halfToFloat converts IEEE binary16 bits to float64.
func halfToFloat(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	mant := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * math.Ldexp(mant, -24)
	case 0x1f:
		if mant == 0 {
			return math.Inf(int(sign))
		}
		// Keep the sign and payload, as a widening conversion does.
		return math.Float64frombits(uint64(h&0x8000)<<48 | 0x7ff<<52 | uint64(h&0x3ff)<<42)
	}
	return sign * math.Ldexp(1+mant/1024, exp-15)
}

// floatConverter returns a function that decodes len(dst) elements of t
// from src into dst as float64. Integers (up to 2^53 exactly), floats,
// enums and booleans convert; other classes are an ErrType error.
func (t *Datatype) floatConverter() (func(dst []float64, src []byte), error) {
	switch t.Class {
	case ClassFloat:
		if !t.floatLayout() {
			return nil, unsupported("floating-point layout of %v (sign bit %d, exponent %d bits at %d, mantissa %d bits, bias %d)",
				t, t.signLoc, t.expSize, t.expLoc, t.mantSize, t.expBias)
		}
		bo := t.byteOrder()
		switch t.Size {
		case 8:
			if !t.BigEndian {
				return func(dst []float64, src []byte) {
					src = src[:8*len(dst)]
					for i := range dst {
						dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:]))
					}
				}, nil
			}
			return func(dst []float64, src []byte) {
				for i := range dst {
					dst[i] = math.Float64frombits(bo.Uint64(src[8*i:]))
				}
			}, nil
		case 4:
			return func(dst []float64, src []byte) {
				for i := range dst {
					dst[i] = float64(math.Float32frombits(bo.Uint32(src[4*i:])))
				}
			}, nil
		case 2:
			return func(dst []float64, src []byte) {
				for i := range dst {
					dst[i] = halfToFloat(bo.Uint16(src[2*i:]))
				}
			}, nil
		}
	case ClassInteger:
		if t.Size > 8 {
			return nil, unsupported("%d-byte integers", t.Size)
		}
		if t.standardInt() && !t.BigEndian {
			switch {
			case t.Size == 8 && t.Signed:
				return func(dst []float64, src []byte) {
					for i := range dst {
						dst[i] = float64(int64(binary.LittleEndian.Uint64(src[8*i:])))
					}
				}, nil
			case t.Size == 8:
				return func(dst []float64, src []byte) {
					for i := range dst {
						dst[i] = float64(binary.LittleEndian.Uint64(src[8*i:]))
					}
				}, nil
			case t.Size == 4 && t.Signed:
				return func(dst []float64, src []byte) {
					for i := range dst {
						dst[i] = float64(int32(binary.LittleEndian.Uint32(src[4*i:])))
					}
				}, nil
			}
		}
		size := t.Size
		return func(dst []float64, src []byte) {
			for i := range dst {
				v, u := t.intBits(src[size*i:])
				if t.Signed {
					dst[i] = float64(v)
				} else {
					dst[i] = float64(u)
				}
			}
		}, nil
	case ClassEnum:
		return t.Base.floatConverter()
	}
	return nil, fmt.Errorf("%w: cannot read %v as float64", ErrType, t)
}

// intConverter decodes integers and enums as int64; an unsigned 64-bit
// value above math.MaxInt64 is an error.
func (t *Datatype) intConverter() (func(dst []int64, src []byte) error, error) {
	b := t
	if t.Class == ClassEnum {
		b = t.Base
	}
	if b.Class != ClassInteger {
		return nil, fmt.Errorf("%w: cannot read %v as int64", ErrType, t)
	}
	if b.Size > 8 {
		return nil, unsupported("%d-byte integers", b.Size)
	}
	size := b.Size
	if b.standardInt() && !b.BigEndian && b.Signed && size == 8 {
		return func(dst []int64, src []byte) error {
			for i := range dst {
				dst[i] = int64(binary.LittleEndian.Uint64(src[8*i:]))
			}
			return nil
		}, nil
	}
	return func(dst []int64, src []byte) error {
		for i := range dst {
			v, u := b.intBits(src[size*i:])
			if !b.Signed && b.precision == 64 && u > math.MaxInt64 {
				return fmt.Errorf("%w: element %d is %d, more than an int64 holds", ErrRange, i, u)
			}
			dst[i] = v
		}
		return nil
	}, nil
}

// fixedString decodes a fixed-length string element according to its
// padding: a NUL-terminated string ends at its first NUL, NUL- and
// space-padded strings lose their trailing padding.
func (t *Datatype) fixedString(b []byte) string {
	switch t.Pad {
	case NullTerm:
		for i, c := range b {
			if c == 0 {
				return string(b[:i])
			}
		}
		return string(b)
	case SpacePad:
		return strings.TrimRight(string(b), " \x00")
	}
	return strings.TrimRight(string(b), "\x00")
}

// varlenRef is the in-file encoding of a variable-length element: the
// number of base elements (bytes, for strings) and a global heap ID.
type varlenRef struct {
	n     uint32
	addr  uint64
	index uint32
}

func (f *File) decodeVarlen(b []byte) varlenRef {
	d := f.decoder(b)
	r := varlenRef{n: d.u32(), addr: d.addr(), index: d.u32()}
	return r
}

// varlenBytes returns the bytes of a variable-length element from the
// global heap; length says how many bytes the element should have.
func (f *File) varlenBytes(c *heapCache, b []byte, length func(n uint32) uint64) ([]byte, error) {
	r := f.decodeVarlen(b)
	if r.n == 0 {
		return nil, nil
	}
	if r.addr == 0 || r.addr == undefined {
		return nil, formatError("variable-length element of %d items has no heap address", r.n)
	}
	obj, err := c.object(r.addr, r.index)
	if err != nil {
		return nil, err
	}
	want := length(r.n)
	if uint64(len(obj)) < want {
		return nil, formatError("variable-length element of %d bytes in a heap object of %d", want, len(obj))
	}
	return obj[:want], nil
}

// stringConverter decodes fixed-length and variable-length strings.
func (f *File) stringConverter(t *Datatype, c *heapCache) (func(dst []string, src []byte) error, error) {
	switch {
	case t.Class == ClassString:
		size := t.Size
		return func(dst []string, src []byte) error {
			for i := range dst {
				dst[i] = t.fixedString(src[size*i : size*(i+1)])
			}
			return nil
		}, nil
	case t.Class == ClassVarLen && (t.VarString || (t.Base.Class == ClassInteger && t.Base.Size == 1)):
		size := t.Size
		return func(dst []string, src []byte) error {
			for i := range dst {
				b, err := f.varlenBytes(c, src[size*i:size*(i+1)], func(n uint32) uint64 { return uint64(n) })
				if err != nil {
					return fmt.Errorf("string %d: %w", i, err)
				}
				if t.VarString && t.Pad == NullTerm {
					// h5py stores no terminator, but other writers may.
					for j, ch := range b {
						if ch == 0 {
							b = b[:j]
							break
						}
					}
				}
				dst[i] = string(b)
			}
			return nil
		}, nil
	}
	return nil, fmt.Errorf("%w: cannot read %v as strings", ErrType, t)
}

// Reference is an HDF5 object reference: the address of the object header
// it points to. File.Dereference resolves it.
type Reference uint64

// IsNull reports whether r is the null reference.
func (r Reference) IsNull() bool { return r == 0 || uint64(r) == undefined }

// Opaque is the value of an opaque or bitfield element: its raw bytes.
type Opaque []byte

// value decodes one element of t as a Go value:
//
//	integer          int64 (uint64 for unsigned 64-bit values above MaxInt64)
//	float            float64
//	string, vlen str string
//	enum             the member name (string); bool for h5py booleans
//	compound         map[string]any
//	array, sequence  []any
//	complex          complex128
//	reference        Reference (object references)
//	opaque, bitfield Opaque
func (f *File) value(t *Datatype, b []byte, c *heapCache, depth int) (any, error) {
	if depth > maxTypeDepth {
		return nil, formatError("value nested too deep")
	}
	if len(b) < t.Size {
		return nil, formatError("element truncated")
	}
	b = b[:t.Size]
	switch t.Class {
	case ClassInteger:
		if t.Size > 8 {
			return nil, unsupported("%d-byte integers", t.Size)
		}
		v, u := t.intBits(b)
		if !t.Signed && t.precision == 64 && u > math.MaxInt64 {
			return u, nil
		}
		return v, nil
	case ClassFloat:
		conv, err := t.floatConverter()
		if err != nil {
			return nil, err
		}
		out := make([]float64, 1)
		conv(out, b)
		return out[0], nil
	case ClassString:
		return t.fixedString(b), nil
	case ClassEnum:
		v, err := t.Base.decodeInt(b)
		if err != nil {
			return nil, err
		}
		if t.IsBool() {
			return v != 0, nil
		}
		for i, ev := range t.EnumValues {
			if ev == v {
				return t.EnumNames[i], nil
			}
		}
		return v, nil
	case ClassCompound:
		m := make(map[string]any, len(t.Members))
		for _, mem := range t.Members {
			v, err := f.value(mem.Type, b[mem.Offset:mem.Offset+mem.Type.Size], c, depth+1)
			if err != nil {
				return nil, fmt.Errorf("member %q: %w", mem.Name, err)
			}
			m[mem.Name] = v
		}
		return m, nil
	case ClassArray:
		n := t.Size / t.Base.Size
		out := make([]any, n)
		for i := range out {
			v, err := f.value(t.Base, b[i*t.Base.Size:], c, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case ClassVarLen:
		if t.VarString {
			s := make([]string, 1)
			conv, err := f.stringConverter(t, c)
			if err != nil {
				return nil, err
			}
			if err := conv(s, b); err != nil {
				return nil, err
			}
			return s[0], nil
		}
		base := t.Base
		data, err := f.varlenBytes(c, b, func(n uint32) uint64 { return uint64(n) * uint64(base.Size) })
		if err != nil {
			return nil, err
		}
		out := make([]any, len(data)/base.Size)
		for i := range out {
			v, err := f.value(base, data[i*base.Size:], c, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case ClassComplex:
		conv, err := t.Base.floatConverter()
		if err != nil {
			return nil, err
		}
		out := make([]float64, 2)
		conv(out, b)
		return complex(out[0], out[1]), nil
	case ClassReference:
		if t.refV4 {
			return nil, unsupported("HDF5 1.12 references")
		}
		if t.RefKind != RefObject {
			return nil, unsupported("dataset region references")
		}
		return Reference(f.decoder(b).addr()), nil
	case ClassOpaque, ClassBitfield, ClassTime:
		return Opaque(append([]byte(nil), b...)), nil
	}
	return nil, unsupported("values of class %v", t.Class)
}
