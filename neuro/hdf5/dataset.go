package hdf5

import (
	"fmt"
	"sync"
)

// Dataset is a multidimensional array of elements of one datatype.
//
// The Read methods convert the stored elements to Go values. Whole reads
// (ReadFloat64s, ...) return every element in row-major order; Range reads
// return whole rows along the first dimension; Slab reads return any
// hyperslab. A read touches only the chunks (or the part of contiguous
// storage) its selection overlaps; unwritten chunks read as the dataset's
// fill value.
type Dataset struct {
	object
	arr     array
	space   *dataspace
	layout  *layout
	filters []Filter
	fill    []byte
	state   *datasetState
}

// datasetState is the lazily opened chunk index and a small cache of
// decoded chunks, shared by copies of a Dataset.
type datasetState struct {
	mu    sync.Mutex
	index chunkIndex
	cache chunkCache
}

// Kind returns KindDataset.
func (ds *Dataset) Kind() Kind { return KindDataset }

// Datatype returns the type of the dataset's elements.
func (ds *Dataset) Datatype() *Datatype { return ds.arr.dtype }

// Shape returns the current dimensions; empty for a scalar dataset.
func (ds *Dataset) Shape() []int { return ds.arr.shapeInts() }

// MaxShape returns the maximum dimensions, -1 for an unlimited one.
func (ds *Dataset) MaxShape() []int {
	out := make([]int, len(ds.space.maxDims))
	for i, m := range ds.space.maxDims {
		if m == undefined {
			out[i] = -1
		} else {
			out[i] = int(m)
		}
	}
	if ds.space.kind != spaceSimple {
		return nil
	}
	return out
}

// Len returns the number of elements (1 for a scalar, 0 for a null
// dataspace).
func (ds *Dataset) Len() int { return int(ds.space.count()) }

// Layout describes how a dataset is stored.
type Layout struct {
	// Class is "compact", "contiguous", "chunked" or "virtual".
	Class string
	// Chunk is the chunk shape of a chunked dataset.
	Chunk []int
	// Index is the chunk index of a chunked dataset.
	Index ChunkIndex
	// Filters is the filter pipeline applied to each chunk, in the order
	// applied when writing.
	Filters []Filter
	// MessageVersion is the version of the data layout message (3 for
	// h5py's default and "v108", 4 or 5 with libver "latest").
	MessageVersion int
	// External reports data stored in external files.
	External bool
}

// Layout returns how ds is stored.
func (ds *Dataset) Layout() Layout {
	l := Layout{Index: ds.layout.index, Filters: ds.filters, MessageVersion: ds.layout.version}
	switch ds.layout.class {
	case layoutCompact:
		l.Class = "compact"
	case layoutContiguous:
		l.Class = "contiguous"
	case layoutChunked:
		l.Class = "chunked"
		for _, c := range ds.layout.chunk {
			l.Chunk = append(l.Chunk, int(c))
		}
	case layoutVirtual:
		l.Class = "virtual"
	}
	_, l.External = ds.oh.find(msgExternal)
	return l
}

// FillValue returns the raw fill value bytes (nil means zeros).
func (ds *Dataset) FillValue() []byte { return ds.fill }

func (f *File) openDataset(base object) (*Dataset, error) {
	oh := base.oh
	ds := &Dataset{object: base, state: &datasetState{}}
	m, ok := oh.find(msgDataspace)
	if !ok {
		return nil, formatError("dataset without a dataspace message")
	}
	body, err := f.messageData(m, 0)
	if err != nil {
		return nil, fmt.Errorf("dataspace: %w", err)
	}
	if ds.space, err = f.parseDataspace(body); err != nil {
		return nil, fmt.Errorf("dataspace: %w", err)
	}
	m, ok = oh.find(msgDatatype)
	if !ok {
		return nil, formatError("dataset without a datatype message")
	}
	if body, err = f.messageData(m, 0); err != nil {
		return nil, fmt.Errorf("datatype: %w", err)
	}
	t, err := f.parseDatatype(body)
	if err != nil {
		return nil, fmt.Errorf("datatype: %w", err)
	}
	m, ok = oh.find(msgLayout)
	if !ok {
		return nil, formatError("dataset without a layout message")
	}
	rank := 0
	if ds.space.kind == spaceSimple {
		rank = len(ds.space.dims)
	}
	if ds.layout, err = f.parseLayout(m.data, rank); err != nil {
		return nil, fmt.Errorf("layout: %w", err)
	}
	if m, ok := oh.find(msgFilters); ok {
		if body, err = f.messageData(m, 0); err != nil {
			return nil, fmt.Errorf("filter pipeline: %w", err)
		}
		if ds.filters, err = f.parseFilters(body); err != nil {
			return nil, fmt.Errorf("filter pipeline: %w", err)
		}
	}
	if m, ok := oh.find(msgFill); ok {
		if body, err = f.messageData(m, 0); err != nil {
			return nil, fmt.Errorf("fill value: %w", err)
		}
		if ds.fill, err = f.parseFill(body); err != nil {
			return nil, fmt.Errorf("fill value: %w", err)
		}
	} else if m, ok := oh.find(msgFillOld); ok {
		if ds.fill, err = f.parseOldFill(m.data); err != nil {
			return nil, err
		}
	}
	if ds.fill != nil && len(ds.fill) != t.Size {
		return nil, formatError("fill value of %d bytes for %d-byte elements", len(ds.fill), t.Size)
	}
	ds.arr = array{f: f, path: base.path, dtype: t, shape: ds.space.dims, null: ds.space.kind == spaceNull, read: ds.readRaw}
	if ds.space.kind != spaceSimple {
		ds.arr.shape = nil
	}
	return ds, nil
}

func (ds *Dataset) err(op string, err error) error {
	if err == nil {
		return nil
	}
	return wrap(ds.path, op, err)
}

// ReadFloat64s returns all elements converted to float64, in row-major
// order. Integers convert exactly up to 2^53, float32 and float16 exactly,
// enums (and h5py booleans) as their integer values; strings, compounds and
// references are an ErrType error.
func (ds *Dataset) ReadFloat64s() ([]float64, error) {
	s, c := ds.arr.all()
	v, err := ds.arr.floats(s, c)
	return v, ds.err("read", err)
}

// ReadFloat64sRange returns rows [start, start+count) along the first
// dimension (every element of those rows, row-major), converted as
// ReadFloat64s does.
func (ds *Dataset) ReadFloat64sRange(start, count int) ([]float64, error) {
	s, c, err := ds.arr.rows(start, count)
	if err != nil {
		return nil, ds.err("read", err)
	}
	v, err := ds.arr.floats(s, c)
	return v, ds.err("read", err)
}

// ReadFloat64sSlab returns the hyperslab of shape count at start,
// row-major, converted as ReadFloat64s does.
func (ds *Dataset) ReadFloat64sSlab(start, count []int) ([]float64, error) {
	s, c, err := slab(start, count)
	if err != nil {
		return nil, ds.err("read", err)
	}
	v, err := ds.arr.floats(s, c)
	return v, ds.err("read", err)
}

// ReadInt64s returns all elements of an integer (or enum) dataset as
// int64; unsigned 64-bit values above math.MaxInt64 are an error.
func (ds *Dataset) ReadInt64s() ([]int64, error) {
	s, c := ds.arr.all()
	v, err := ds.arr.ints(s, c)
	return v, ds.err("read", err)
}

// ReadInt64sRange returns rows [start, start+count) as ReadInt64s does.
func (ds *Dataset) ReadInt64sRange(start, count int) ([]int64, error) {
	s, c, err := ds.arr.rows(start, count)
	if err != nil {
		return nil, ds.err("read", err)
	}
	v, err := ds.arr.ints(s, c)
	return v, ds.err("read", err)
}

// ReadInt64sSlab returns a hyperslab as ReadInt64s does.
func (ds *Dataset) ReadInt64sSlab(start, count []int) ([]int64, error) {
	s, c, err := slab(start, count)
	if err != nil {
		return nil, ds.err("read", err)
	}
	v, err := ds.arr.ints(s, c)
	return v, ds.err("read", err)
}

// ReadStrings returns all elements of a fixed-length or variable-length
// string dataset. Fixed-length strings lose their padding (NULs after a
// NUL-terminated string, trailing NULs or spaces of padded ones); the bytes
// are returned as stored, whatever the declared character set.
func (ds *Dataset) ReadStrings() ([]string, error) {
	s, c := ds.arr.all()
	v, err := ds.arr.strings(s, c)
	return v, ds.err("read", err)
}

// ReadStringsRange returns rows [start, start+count) as ReadStrings does.
func (ds *Dataset) ReadStringsRange(start, count int) ([]string, error) {
	s, c, err := ds.arr.rows(start, count)
	if err != nil {
		return nil, ds.err("read", err)
	}
	v, err := ds.arr.strings(s, c)
	return v, ds.err("read", err)
}

// ReadValues returns all elements as Go values:
//
//	integer          int64 (uint64 for unsigned values above MaxInt64)
//	float            float64
//	string           string
//	enum             its member's name; bool for h5py booleans
//	compound         map[string]any keyed by member name
//	array, sequence  []any
//	complex          complex128
//	object reference Reference
//	opaque, bitfield Opaque
//
// Region references are an ErrUnsupported error.
func (ds *Dataset) ReadValues() ([]any, error) {
	s, c := ds.arr.all()
	v, err := ds.arr.values(s, c)
	return v, ds.err("read", err)
}

// ReadValuesRange returns rows [start, start+count) as ReadValues does.
func (ds *Dataset) ReadValuesRange(start, count int) ([]any, error) {
	s, c, err := ds.arr.rows(start, count)
	if err != nil {
		return nil, ds.err("read", err)
	}
	v, err := ds.arr.values(s, c)
	return v, ds.err("read", err)
}

// ReadReferences returns all elements of an object reference dataset.
func (ds *Dataset) ReadReferences() ([]Reference, error) {
	s, c := ds.arr.all()
	v, err := ds.arr.references(s, c)
	return v, ds.err("read", err)
}

// readRaw delivers the raw elements of a box, from whichever storage the
// dataset uses.
func (ds *Dataset) readRaw(start, count []uint64, put sink, parallel bool) error {
	if _, ext := ds.oh.find(msgExternal); ext {
		return unsupported("data stored in external files")
	}
	es := ds.arr.dtype.Size
	shape := ds.arr.shape
	switch ds.layout.class {
	case layoutCompact:
		n, _ := volume(shape)
		if uint64(len(ds.layout.compact)) < n*uint64(es) {
			return formatError("compact storage of %d bytes for %d elements of %d bytes", len(ds.layout.compact), n, es)
		}
		return memoryRead(ds.layout.compact, shape, es)(start, count, put, false)
	case layoutContiguous:
		return ds.readContiguous(start, count, put)
	case layoutChunked:
		if err := ds.readChunked(start, count, put, parallel); err != nil {
			return fmt.Errorf("chunked storage: %w", err)
		}
		return nil
	case layoutVirtual:
		return unsupported("virtual datasets")
	}
	return formatError("layout class %d", ds.layout.class)
}

// putFill delivers n copies of the fill value at output element dst.
func (ds *Dataset) putFill(dst, n uint64, put sink) error {
	es := uint64(ds.arr.dtype.Size)
	per := min(n, max(1, (1<<16)/es))
	buf := make([]byte, per*es)
	if ds.fill != nil {
		for i := uint64(0); i < per; i++ {
			copy(buf[i*es:], ds.fill)
		}
	}
	for n > 0 {
		k := min(n, per)
		if err := put(dst, buf[:k*es]); err != nil {
			return err
		}
		dst += k
		n -= k
	}
	return nil
}

// contiguousBlock is the most bytes one ReadAt of contiguous storage reads.
const contiguousBlock = 8 << 20

func (ds *Dataset) readContiguous(start, count []uint64, put sink) error {
	es := uint64(ds.arr.dtype.Size)
	shape := ds.arr.shape
	zero := make([]uint64, len(count))
	if ds.layout.addr == undefined {
		return boxRuns(count, shape, start, count, zero, func(_, dst, n uint64) error { return ds.putFill(dst, n, put) })
	}
	total, _ := volume(shape)
	if ds.layout.size != undefined && total*es > ds.layout.size {
		return formatError("contiguous storage of %d bytes for %d elements of %d bytes", ds.layout.size, total, es)
	}
	if err := ds.f.checkRange(ds.layout.addr, total*es); err != nil {
		return err
	}
	var buf []byte
	return boxRuns(count, shape, start, count, zero, func(src, dst, n uint64) error {
		for n > 0 {
			k := min(n, max(1, contiguousBlock/es))
			if uint64(cap(buf)) < k*es {
				buf = make([]byte, k*es)
			}
			b := buf[:k*es]
			if err := ds.f.readInto(ds.layout.addr+src*es, b); err != nil {
				return err
			}
			if err := put(dst, b); err != nil {
				return err
			}
			src += k
			dst += k
			n -= k
		}
		return nil
	})
}
