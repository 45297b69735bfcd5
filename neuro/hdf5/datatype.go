package hdf5

import (
	"fmt"
	"strings"
)

// Class is an HDF5 datatype class.
type Class int

// The datatype classes of the format (specification IV.A.2.d).
const (
	ClassInteger   Class = 0 // fixed-point numbers
	ClassFloat     Class = 1
	ClassTime      Class = 2
	ClassString    Class = 3 // fixed-length strings
	ClassBitfield  Class = 4
	ClassOpaque    Class = 5
	ClassCompound  Class = 6
	ClassReference Class = 7
	ClassEnum      Class = 8
	ClassVarLen    Class = 9 // variable-length sequences and strings
	ClassArray     Class = 10
	ClassComplex   Class = 11
)

var classNames = [...]string{"integer", "float", "time", "string", "bitfield", "opaque", "compound",
	"reference", "enum", "variable-length", "array", "complex"}

func (c Class) String() string {
	if c >= 0 && int(c) < len(classNames) {
		return classNames[c]
	}
	return fmt.Sprintf("class(%d)", int(c))
}

// StringPad is the padding of a string datatype.
type StringPad int

// String paddings: NullTerm strings end at the first NUL, NullPad strings
// are padded with NULs, SpacePad strings with spaces (Fortran).
const (
	NullTerm StringPad = 0
	NullPad  StringPad = 1
	SpacePad StringPad = 2
)

// Reference kinds of a ClassReference datatype.
const (
	RefObject = 0 // an 8-byte (Size of Offsets) object header address
	RefRegion = 1 // a dataset region (global heap); not supported
)

// Datatype describes the type of a dataset's or attribute's elements.
type Datatype struct {
	Class Class
	// Size is the size of one element in the file, in bytes. A
	// variable-length element is stored as a 4-byte length and a global
	// heap ID.
	Size int
	// BigEndian is the byte order of integers, floats, bitfields, enums
	// (through their base) and complex numbers.
	BigEndian bool
	// Signed integers are two's complement.
	Signed bool
	// Pad and UTF8 describe fixed and variable-length strings.
	Pad  StringPad
	UTF8 bool
	// VarString marks a variable-length string (Class ClassVarLen).
	VarString bool
	// Base is the element type of an enum, array, variable-length sequence
	// or complex number.
	Base *Datatype
	// Members are the fields of a compound type, in file order.
	Members []Member
	// EnumNames and EnumValues are an enum's name/value pairs.
	EnumNames  []string
	EnumValues []int64
	// Dims are an array type's dimensions.
	Dims []int
	// RefKind is RefObject or RefRegion for a reference type.
	RefKind int
	// Tag is an opaque type's description.
	Tag string

	bitOffset, precision int
	// refV4 marks the revised references of HDF5 1.12 (datatype version 4).
	refV4 bool
	// Floating-point layout.
	signLoc, expLoc, expSize, mantLoc, mantSize int
	expBias                                     uint32
}

// Member is a field of a compound datatype.
type Member struct {
	Name   string
	Offset int
	Type   *Datatype
}

// maxTypeDepth bounds the nesting of compound, array, enum and
// variable-length types.
const maxTypeDepth = 32

// maxTypeSize bounds one element (a compound of arrays, say).
const maxTypeSize = 1 << 28

func (f *File) parseDatatype(b []byte) (*Datatype, error) {
	d := f.decoder(b)
	t, err := f.decodeDatatype(d, 0)
	if err != nil {
		return nil, err
	}
	return t, nil
}

func (f *File) decodeDatatype(d *decoder, depth int) (*Datatype, error) {
	if depth > maxTypeDepth {
		return nil, formatError("datatype nested more than %d deep", maxTypeDepth)
	}
	cv := d.u8()
	bf0, bf1, bf2 := d.u8(), d.u8(), d.u8()
	size := d.u32()
	if d.err != nil {
		return nil, d.err
	}
	version := int(cv >> 4)
	t := &Datatype{Class: Class(cv & 0x0f), Size: int(size)}
	if version < 1 || version > 5 {
		return nil, formatError("datatype message version %d", version)
	}
	if size == 0 || size > maxTypeSize {
		return nil, formatError("datatype of %d bytes", size)
	}
	bits := uint32(bf0) | uint32(bf1)<<8 | uint32(bf2)<<16
	switch t.Class {
	case ClassInteger, ClassBitfield:
		t.BigEndian = bits&1 != 0
		t.Signed = t.Class == ClassInteger && bits&0x08 != 0
		t.bitOffset, t.precision = int(d.u16()), int(d.u16())
		if d.err == nil && (t.precision == 0 || t.bitOffset+t.precision > 8*t.Size) {
			return nil, formatError("integer of %d bytes with bit offset %d and precision %d", t.Size, t.bitOffset, t.precision)
		}
	case ClassFloat:
		if bits&1 != 0 {
			t.BigEndian = true
			if bits&0x40 != 0 {
				t.BigEndian = false
				t.Tag = "VAX"
			}
		}
		t.signLoc = int(bf1)
		t.bitOffset, t.precision = int(d.u16()), int(d.u16())
		t.expLoc, t.expSize = int(d.u8()), int(d.u8())
		t.mantLoc, t.mantSize = int(d.u8()), int(d.u8())
		t.expBias = d.u32()
	case ClassTime:
		t.BigEndian = bits&1 != 0
		t.precision = int(d.u16())
	case ClassString:
		t.Pad = StringPad(bits & 0x0f)
		t.UTF8 = (bits>>4)&0x0f == 1
	case ClassOpaque:
		n := int(bits & 0xff)
		tag := d.bytes(n)
		if i := strings.IndexByte(string(tag), 0); i >= 0 {
			tag = tag[:i]
		}
		t.Tag = string(tag)
	case ClassCompound:
		if err := f.decodeCompound(d, t, version, int(bits&0xffff), depth); err != nil {
			return nil, err
		}
	case ClassReference:
		t.RefKind = int(bits & 0x0f)
		t.refV4 = version >= 4
	case ClassEnum:
		if err := f.decodeEnum(d, t, version, int(bits&0xffff), depth); err != nil {
			return nil, err
		}
	case ClassVarLen:
		t.VarString = bits&0x0f == 1
		t.Pad = StringPad((bits >> 4) & 0x0f)
		t.UTF8 = (bits>>8)&0x0f == 1
		base, err := f.decodeDatatype(d, depth+1)
		if err != nil {
			return nil, err
		}
		t.Base = base
	case ClassArray:
		n := int(d.u8())
		if version < 3 {
			d.skip(3)
		}
		if n == 0 || n > 32 {
			if d.err == nil {
				return nil, formatError("array datatype of rank %d", n)
			}
		}
		count := 1
		for i := 0; i < n && d.err == nil; i++ {
			dim := d.u32()
			if dim == 0 || dim > maxTypeSize {
				return nil, formatError("array datatype dimension %d", dim)
			}
			t.Dims = append(t.Dims, int(dim))
			count *= int(dim)
			if count > maxTypeSize {
				return nil, formatError("array datatype with more than %d elements", maxTypeSize)
			}
		}
		if version < 3 {
			d.skip(4 * n) // permutation indices, never used
		}
		if d.err != nil {
			return nil, d.err
		}
		base, err := f.decodeDatatype(d, depth+1)
		if err != nil {
			return nil, err
		}
		t.Base = base
		if count*base.Size != t.Size {
			return nil, formatError("array datatype of %d bytes holds %d elements of %d bytes", t.Size, count, base.Size)
		}
	case ClassComplex:
		if bits&1 == 0 || (bits>>1)&3 != 0 {
			return nil, unsupported("heterogeneous or non-rectangular complex datatype")
		}
		base, err := f.decodeDatatype(d, depth+1)
		if err != nil {
			return nil, err
		}
		t.Base = base
		t.BigEndian = base.BigEndian
		if base.Class != ClassFloat || 2*base.Size != t.Size {
			return nil, formatError("complex datatype of %d bytes over %v of %d bytes", t.Size, base.Class, base.Size)
		}
	default:
		return nil, formatError("datatype class %d", int(t.Class))
	}
	if d.err != nil {
		return nil, d.err
	}
	return t, nil
}

func (f *File) decodeCompound(d *decoder, t *Datatype, version, n, depth int) error {
	for i := 0; i < n; i++ {
		start := d.off
		name := d.cstring()
		if version < 3 {
			// The name, with its NUL, is padded to a multiple of 8 bytes.
			d.off = start
			d.skip((len(name) + 8) / 8 * 8)
		}
		var off int
		if version >= 3 {
			off = int(d.uvar(bytesFor(uint64(t.Size))))
		} else {
			off = int(d.u32())
		}
		var dims []int
		if version == 1 {
			rank := int(d.u8())
			d.skip(3 + 4 + 4)
			for j := 0; j < 4; j++ {
				dim := int(d.u32())
				if j < rank {
					dims = append(dims, dim)
				}
			}
			if rank > 4 && d.err == nil {
				return formatError("compound member %q of rank %d", name, rank)
			}
		}
		if d.err != nil {
			return d.err
		}
		mt, err := f.decodeDatatype(d, depth+1)
		if err != nil {
			return fmt.Errorf("compound member %q: %w", name, err)
		}
		if len(dims) > 0 {
			count := 1
			for _, dim := range dims {
				if dim <= 0 || dim > maxTypeSize {
					return formatError("compound member %q array dimension %d", name, dim)
				}
				count *= dim
				if count > maxTypeSize {
					return formatError("compound member %q array too large", name)
				}
			}
			mt = &Datatype{Class: ClassArray, Size: count * mt.Size, Dims: dims, Base: mt}
		}
		if off < 0 || off+mt.Size > t.Size {
			return formatError("compound member %q at byte %d of %d bytes overruns the %d-byte compound", name, off, mt.Size, t.Size)
		}
		t.Members = append(t.Members, Member{Name: name, Offset: off, Type: mt})
	}
	return nil
}

func (f *File) decodeEnum(d *decoder, t *Datatype, version, n, depth int) error {
	base, err := f.decodeDatatype(d, depth+1)
	if err != nil {
		return fmt.Errorf("enum base type: %w", err)
	}
	if base.Class != ClassInteger {
		return unsupported("enum over %v", base.Class)
	}
	t.Base = base
	t.BigEndian = base.BigEndian
	t.Signed = base.Signed
	for i := 0; i < n; i++ {
		start := d.off
		name := d.cstring()
		if version < 3 {
			d.off = start
			d.skip((len(name) + 8) / 8 * 8)
		}
		if d.err != nil {
			return d.err
		}
		t.EnumNames = append(t.EnumNames, name)
	}
	for i := 0; i < n; i++ {
		raw := d.bytes(base.Size)
		if d.err != nil {
			return d.err
		}
		v, err := base.decodeInt(raw)
		if err != nil {
			return err
		}
		t.EnumValues = append(t.EnumValues, v)
	}
	return nil
}

// String describes t in numpy's vocabulary where it has a word for it:
// "int32", "uint8", "float64", "float32 (big-endian)", "string (utf-8,
// variable length)", "string[12] (ascii)", "enum int8 {FALSE=0, TRUE=1}",
// "compound {x float64, y int32}", "int16[3,4]", "object reference".
func (t *Datatype) String() string {
	if t == nil {
		return "<nil>"
	}
	order := ""
	if t.BigEndian && t.Size > 1 {
		order = " (big-endian)"
	}
	switch t.Class {
	case ClassInteger:
		if t.precision != 8*t.Size || t.bitOffset != 0 {
			return fmt.Sprintf("integer (%d bytes, %d bits at bit %d)%s", t.Size, t.precision, t.bitOffset, order)
		}
		if t.Signed {
			return fmt.Sprintf("int%d%s", 8*t.Size, order)
		}
		return fmt.Sprintf("uint%d%s", 8*t.Size, order)
	case ClassFloat:
		return fmt.Sprintf("float%d%s", 8*t.Size, order)
	case ClassString:
		return fmt.Sprintf("string[%d] (%s)", t.Size, t.charset())
	case ClassVarLen:
		if t.VarString {
			return fmt.Sprintf("string (%s, variable length)", t.charset())
		}
		return fmt.Sprintf("sequence of %v", t.Base)
	case ClassEnum:
		var parts []string
		for i, n := range t.EnumNames {
			parts = append(parts, fmt.Sprintf("%s=%d", n, t.EnumValues[i]))
		}
		return fmt.Sprintf("enum %v {%s}", t.Base, strings.Join(parts, ", "))
	case ClassCompound:
		var parts []string
		for _, m := range t.Members {
			parts = append(parts, m.Name+" "+m.Type.String())
		}
		return "compound {" + strings.Join(parts, ", ") + "}"
	case ClassArray:
		dims := make([]string, len(t.Dims))
		for i, d := range t.Dims {
			dims[i] = fmt.Sprint(d)
		}
		return fmt.Sprintf("%v[%s]", t.Base, strings.Join(dims, ","))
	case ClassReference:
		switch {
		case t.refV4:
			return fmt.Sprintf("reference (HDF5 1.12 encoding, type %d)", t.RefKind)
		case t.RefKind == RefObject:
			return "object reference"
		}
		return "region reference"
	case ClassComplex:
		return fmt.Sprintf("complex%d%s", 8*t.Size, order)
	case ClassOpaque:
		return fmt.Sprintf("opaque[%d] %q", t.Size, t.Tag)
	case ClassBitfield:
		return fmt.Sprintf("bitfield[%d]%s", t.Size, order)
	case ClassTime:
		return fmt.Sprintf("time[%d]%s", t.Size, order)
	}
	return t.Class.String()
}

func (t *Datatype) charset() string {
	if t.UTF8 {
		return "utf-8"
	}
	return "ascii"
}

// IsBool reports whether t is the enum h5py and numpy use for booleans:
// FALSE = 0 and TRUE = 1 over an 8-bit integer.
func (t *Datatype) IsBool() bool {
	return t.Class == ClassEnum && t.Size == 1 && len(t.EnumNames) == 2 &&
		t.EnumNames[0] == "FALSE" && t.EnumValues[0] == 0 && t.EnumNames[1] == "TRUE" && t.EnumValues[1] == 1
}
