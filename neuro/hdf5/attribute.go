package hdf5

import (
	"fmt"
	"sort"
)

// Attribute is a small named array attached to an object. Its values are
// held in memory once the attribute is listed.
type Attribute struct {
	// Name is the attribute's name.
	Name string
	// Type is the datatype of its elements.
	Type *Datatype

	arr   array
	order int64
}

// Shape returns the attribute's dimensions: empty for a scalar attribute
// (and for an empty one, see IsEmpty).
func (a *Attribute) Shape() []int { return a.arr.shapeInts() }

// IsEmpty reports whether the attribute has a null dataspace (h5py.Empty):
// it has a type but no value.
func (a *Attribute) IsEmpty() bool { return a.arr.null }

// Len returns the number of elements: 1 for a scalar, 0 when empty.
func (a *Attribute) Len() int {
	if a.arr.null {
		return 0
	}
	n, _ := volume(a.arr.shape)
	return int(n)
}

func (a *Attribute) err(err error) error {
	if err == nil {
		return nil
	}
	return wrap(a.arr.path, fmt.Sprintf("attribute %q", a.Name), err)
}

// ReadFloat64s returns the elements converted to float64 (see
// Dataset.ReadFloat64s), in row-major order.
func (a *Attribute) ReadFloat64s() ([]float64, error) {
	s, c := a.arr.all()
	v, err := a.arr.floats(s, c)
	return v, a.err(err)
}

// ReadInt64s returns the integer (or enum) elements as int64.
func (a *Attribute) ReadInt64s() ([]int64, error) {
	s, c := a.arr.all()
	v, err := a.arr.ints(s, c)
	return v, a.err(err)
}

// ReadStrings returns the elements of a fixed or variable-length string
// attribute.
func (a *Attribute) ReadStrings() ([]string, error) {
	s, c := a.arr.all()
	v, err := a.arr.strings(s, c)
	return v, a.err(err)
}

// ReadValues returns every element as a Go value (see Dataset.ReadValues).
func (a *Attribute) ReadValues() ([]any, error) {
	s, c := a.arr.all()
	v, err := a.arr.values(s, c)
	return v, a.err(err)
}

// ReadReferences returns the elements of an object reference attribute.
func (a *Attribute) ReadReferences() ([]Reference, error) {
	s, c := a.arr.all()
	v, err := a.arr.references(s, c)
	return v, a.err(err)
}

// Value returns a scalar attribute's value (or a one-element array's), as
// ReadValues decodes it; an array attribute gives its []any; an empty
// attribute gives nil.
func (a *Attribute) Value() (any, error) {
	if a.arr.null {
		return nil, nil
	}
	v, err := a.ReadValues()
	if err != nil {
		return nil, err
	}
	if len(a.arr.shape) == 0 || len(v) == 1 && len(a.arr.shape) == 1 {
		return v[0], nil
	}
	return v, nil
}

// ReadString returns the value of a scalar (or one-element) string
// attribute.
func (a *Attribute) ReadString() (string, error) {
	s, err := a.ReadStrings()
	if err != nil {
		return "", err
	}
	if len(s) != 1 {
		return "", a.err(fmt.Errorf("%w: %d strings, want 1", ErrType, len(s)))
	}
	return s[0], nil
}

// ReadFloat64 returns the value of a scalar (or one-element) numeric
// attribute.
func (a *Attribute) ReadFloat64() (float64, error) {
	v, err := a.ReadFloat64s()
	if err != nil {
		return 0, err
	}
	if len(v) != 1 {
		return 0, a.err(fmt.Errorf("%w: %d values, want 1", ErrType, len(v)))
	}
	return v[0], nil
}

// attributes reads the compact (attribute messages) and dense (attribute
// info, fractal heap) attributes of the object with header oh.
func (f *File) attributes(oh *objectHeader, path string) ([]*Attribute, error) {
	var attrs []*Attribute
	tracked := oh.attrOrderTracked
	for _, m := range oh.msgs {
		switch m.typ {
		case msgAttribute:
			body, err := f.messageData(m, 0)
			if err != nil {
				return nil, err
			}
			a, err := f.parseAttribute(body, path)
			if err != nil {
				return nil, err
			}
			a.order = int64(len(attrs))
			attrs = append(attrs, a)
		case msgAttrInfo:
			d := f.decoder(m.data)
			if v := d.u8(); v != 0 && d.err == nil {
				return nil, formatError("attribute info message version %d", v)
			}
			flags := d.u8()
			if flags&1 != 0 {
				tracked = true
				d.u16()
			}
			heapAddr, nameIndex := d.addr(), d.addr()
			if d.err != nil {
				return nil, fmt.Errorf("attribute info message: %w", d.err)
			}
			if heapAddr == undefined {
				continue
			}
			dense, err := f.denseAttributes(heapAddr, nameIndex, path)
			if err != nil {
				return nil, err
			}
			attrs = append(attrs, dense...)
		}
	}
	if tracked {
		sort.SliceStable(attrs, func(i, j int) bool { return attrs[i].order < attrs[j].order })
	} else {
		sort.SliceStable(attrs, func(i, j int) bool { return attrs[i].Name < attrs[j].Name })
	}
	return attrs, nil
}

func (f *File) denseAttributes(heapAddr, nameIndex uint64, path string) ([]*Attribute, error) {
	heap, err := f.openFractalHeap(heapAddr)
	if err != nil {
		return nil, err
	}
	bt, err := f.openBTree2(nameIndex, 8)
	if err != nil {
		return nil, fmt.Errorf("attribute name index: %w", err)
	}
	if bt.recSize < 8+1+4+4 {
		return nil, formatError("attribute name index records of %d bytes", bt.recSize)
	}
	var attrs []*Attribute
	err = bt.walk(nil, func(rec []byte) error {
		if len(attrs) >= maxLinks {
			return formatError("more than %d attributes", maxLinks)
		}
		if rec[8]&msgFlagShared != 0 {
			return unsupported("attribute stored in the shared object header message heap")
		}
		order := int64(uint32(rec[9]) | uint32(rec[10])<<8 | uint32(rec[11])<<16 | uint32(rec[12])<<24)
		obj, err := heap.get(rec[:8])
		if err != nil {
			return err
		}
		a, err := f.parseAttribute(obj, path)
		if err != nil {
			return err
		}
		a.order = order
		attrs = append(attrs, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return attrs, nil
}

// parseAttribute decodes an attribute message (versions 1 to 3).
func (f *File) parseAttribute(b []byte, path string) (*Attribute, error) {
	d := f.decoder(b)
	version := d.u8()
	flags := d.u8()
	nameSize := int(d.u16())
	typeSize := int(d.u16())
	spaceSize := int(d.u16())
	if version == 3 {
		d.u8() // name character set
	}
	if d.err != nil {
		return nil, fmt.Errorf("attribute message: %w", d.err)
	}
	if version < 1 || version > 3 {
		return nil, formatError("attribute message version %d", version)
	}
	pad := func(n int) int {
		if version == 1 {
			return (n + 7) / 8 * 8
		}
		return n
	}
	nameBytes := d.bytes(pad(nameSize))
	typeBytes := d.bytes(pad(typeSize))
	spaceBytes := d.bytes(pad(spaceSize))
	if d.err != nil {
		return nil, fmt.Errorf("attribute message: %w", d.err)
	}
	name := nameBytes[:min(nameSize, len(nameBytes))]
	for i, c := range name {
		if c == 0 {
			name = name[:i]
			break
		}
	}
	a := &Attribute{Name: string(name)}
	if flags&0x01 != 0 {
		var err error
		typeBytes, err = f.messageData(message{typ: msgDatatype, flags: msgFlagShared, data: typeBytes}, 0)
		if err != nil {
			return nil, fmt.Errorf("attribute %q datatype: %w", a.Name, err)
		}
	}
	if flags&0x02 != 0 {
		var err error
		spaceBytes, err = f.messageData(message{typ: msgDataspace, flags: msgFlagShared, data: spaceBytes}, 0)
		if err != nil {
			return nil, fmt.Errorf("attribute %q dataspace: %w", a.Name, err)
		}
	}
	t, err := f.parseDatatype(typeBytes)
	if err != nil {
		return nil, fmt.Errorf("attribute %q datatype: %w", a.Name, err)
	}
	space, err := f.parseDataspace(spaceBytes)
	if err != nil {
		return nil, fmt.Errorf("attribute %q dataspace: %w", a.Name, err)
	}
	a.Type = t
	n := space.count()
	hi, size := mulCheck(n, uint64(t.Size))
	if hi || size > uint64(d.remaining()) {
		return nil, formatError("attribute %q holds %d elements of %d bytes in %d bytes", a.Name, n, t.Size, d.remaining())
	}
	data := d.bytes(int(size))
	a.arr = array{f: f, path: path, dtype: t, shape: space.dims, null: space.kind == spaceNull}
	if space.kind != spaceSimple {
		a.arr.shape = nil
	}
	a.arr.read = memoryRead(data, a.arr.shape, t.Size)
	return a, nil
}

// mulCheck returns a*b and whether it overflowed 2^62.
func mulCheck(a, b uint64) (bool, uint64) {
	n, ok := volume([]uint64{a, b})
	return !ok, n
}
