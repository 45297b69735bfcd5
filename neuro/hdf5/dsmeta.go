package hdf5

import (
	"fmt"
	"math/bits"
)

// maxRank bounds the rank of dataspaces and chunks (the library's limit).
const maxRank = 32

// maxElements bounds the element count of a dataspace so that sizes in
// bytes fit in an int64 with room to spare.
const maxElements = 1 << 56

// Dataspace kinds.
const (
	spaceScalar = 0
	spaceSimple = 1
	spaceNull   = 2
)

type dataspace struct {
	kind    int
	dims    []uint64
	maxDims []uint64 // undefined marks an unlimited dimension
}

// count returns the number of elements.
func (s *dataspace) count() uint64 {
	switch s.kind {
	case spaceNull:
		return 0
	case spaceScalar:
		return 1
	}
	n := uint64(1)
	for _, d := range s.dims {
		n *= d
	}
	return n
}

func (f *File) parseDataspace(b []byte) (*dataspace, error) {
	d := f.decoder(b)
	version := d.u8()
	rank := int(d.u8())
	flags := d.u8()
	s := &dataspace{kind: spaceSimple}
	switch version {
	case 1:
		d.skip(5)
		if rank == 0 {
			s.kind = spaceScalar
		}
	case 2:
		s.kind = int(d.u8())
		if s.kind > spaceNull {
			return nil, formatError("dataspace type %d", s.kind)
		}
		if s.kind != spaceSimple {
			rank = 0
		}
	default:
		if d.err == nil {
			return nil, formatError("dataspace message version %d", version)
		}
	}
	if rank > maxRank {
		return nil, formatError("dataspace of rank %d", rank)
	}
	n := uint64(1)
	for i := 0; i < rank; i++ {
		dim := d.length()
		s.dims = append(s.dims, dim)
		hi, lo := bits.Mul64(n, dim)
		if hi != 0 || lo > maxElements {
			return nil, formatError("dataspace of more than 2^56 elements")
		}
		n = lo
	}
	if flags&1 != 0 {
		for i := 0; i < rank; i++ {
			m := d.length()
			if f.lenSize < 8 && m == (uint64(1)<<(8*f.lenSize))-1 {
				m = undefined
			}
			s.maxDims = append(s.maxDims, m)
		}
	} else {
		s.maxDims = append([]uint64(nil), s.dims...)
	}
	if d.err != nil {
		return nil, d.err
	}
	return s, nil
}

// Layout classes.
const (
	layoutCompact    = 0
	layoutContiguous = 1
	layoutChunked    = 2
	layoutVirtual    = 3
)

// ChunkIndex is the structure that maps chunk positions to file addresses.
type ChunkIndex int

// The chunk indexes of the format. h5py writes BTreeV1Index by default and
// with libver "v108"; with libver "latest" it writes SingleChunkIndex
// (one chunk covering a fixed-size dataset), ImplicitIndex (fixed size,
// unfiltered, space allocated early), FixedArrayIndex (fixed maximum
// shape), ExtensibleArrayIndex (one unlimited dimension) or BTreeV2Index
// (two or more unlimited dimensions).
const (
	NoChunkIndex         ChunkIndex = 0
	SingleChunkIndex     ChunkIndex = 1
	ImplicitIndex        ChunkIndex = 2
	FixedArrayIndex      ChunkIndex = 3
	ExtensibleArrayIndex ChunkIndex = 4
	BTreeV2Index         ChunkIndex = 5
	BTreeV1Index         ChunkIndex = 6
)

func (c ChunkIndex) String() string {
	switch c {
	case SingleChunkIndex:
		return "single chunk"
	case ImplicitIndex:
		return "implicit"
	case FixedArrayIndex:
		return "fixed array"
	case ExtensibleArrayIndex:
		return "extensible array"
	case BTreeV2Index:
		return "v2 B-tree"
	case BTreeV1Index:
		return "v1 B-tree"
	}
	return "none"
}

type layout struct {
	version int
	class   int
	addr    uint64 // contiguous data, or the chunk index
	size    uint64 // contiguous: bytes allocated
	compact []byte
	chunk   []uint64 // chunk dimensions, in elements
	index   ChunkIndex
	flags   uint8
	// Single-chunk filtered size and mask.
	singleSize uint64
	singleMask uint32
	// Extensible array creation parameters (for validation only).
	eaPageBits uint8
}

func (f *File) parseLayout(b []byte, rank int) (*layout, error) {
	d := f.decoder(b)
	l := &layout{version: int(d.u8())}
	if d.err != nil {
		return nil, d.err
	}
	switch l.version {
	case 1, 2:
		ndims := int(d.u8())
		l.class = int(d.u8())
		d.skip(5)
		if l.class != layoutCompact {
			l.addr = d.addr()
		}
		if ndims > maxRank+1 {
			return nil, formatError("layout of rank %d", ndims)
		}
		var dims []uint64
		for i := 0; i < ndims; i++ {
			dims = append(dims, uint64(d.u32()))
		}
		switch l.class {
		case layoutChunked:
			if ndims < 1 {
				return nil, formatError("chunked layout of rank 0")
			}
			l.chunk = dims[:ndims-1]
			l.index = BTreeV1Index
		case layoutCompact:
			n := d.u32()
			l.compact = d.bytes(int(n))
		case layoutContiguous:
			l.size = undefined // the element size is not in this message
		default:
			return nil, formatError("layout class %d", l.class)
		}
	case 3, 4, 5:
		l.class = int(d.u8())
		switch l.class {
		case layoutCompact:
			n := d.u16()
			l.compact = d.bytes(int(n))
		case layoutContiguous:
			l.addr = d.addr()
			l.size = d.length()
		case layoutChunked:
			if l.version == 3 {
				ndims := int(d.u8())
				if ndims < 1 || ndims > maxRank+1 {
					return nil, formatError("chunked layout of rank %d", ndims)
				}
				l.addr = d.addr()
				for i := 0; i < ndims; i++ {
					l.chunk = append(l.chunk, uint64(d.u32()))
				}
				l.chunk = l.chunk[:ndims-1]
				l.index = BTreeV1Index
				break
			}
			l.flags = d.u8()
			ndims := int(d.u8())
			enc := int(d.u8())
			if ndims < 1 || ndims > maxRank+1 || enc < 1 || enc > 8 {
				if d.err == nil {
					return nil, formatError("chunked layout of rank %d with %d-byte dimensions", ndims, enc)
				}
			}
			for i := 0; i < ndims && d.err == nil; i++ {
				l.chunk = append(l.chunk, d.uvar(enc))
			}
			if d.err == nil {
				l.chunk = l.chunk[:ndims-1]
			}
			l.index = ChunkIndex(d.u8())
			switch l.index {
			case SingleChunkIndex:
				if l.flags&0x02 != 0 {
					l.singleSize = d.length()
					l.singleMask = d.u32()
				}
			case ImplicitIndex:
			case FixedArrayIndex:
				d.u8() // page bits, repeated in the array header
			case ExtensibleArrayIndex:
				d.skip(4)
				l.eaPageBits = d.u8()
			case BTreeV2Index:
				d.skip(6)
			default:
				if d.err == nil {
					return nil, formatError("chunk index type %d", int(l.index))
				}
			}
			l.addr = d.addr()
		case layoutVirtual:
			if l.version < 4 {
				return nil, formatError("virtual layout in a version %d layout message", l.version)
			}
			l.addr = d.addr()
		default:
			return nil, formatError("layout class %d", l.class)
		}
	default:
		return nil, formatError("layout message version %d", l.version)
	}
	if d.err != nil {
		return nil, d.err
	}
	if l.class == layoutChunked {
		if len(l.chunk) != rank {
			return nil, formatError("chunks of rank %d in a dataspace of rank %d", len(l.chunk), rank)
		}
		n := uint64(1)
		for _, c := range l.chunk {
			if c == 0 {
				return nil, formatError("chunk dimension 0")
			}
			hi, lo := bits.Mul64(n, c)
			if hi != 0 || lo > 1<<40 {
				return nil, formatError("chunk of more than 2^40 elements")
			}
			n = lo
		}
	}
	return l, nil
}

// Filter identifies one stage of a dataset's filter pipeline.
type Filter struct {
	ID     int
	Name   string
	Params []uint32
	// Optional filters may have been skipped for some chunks.
	Optional bool
}

// Filter IDs of the HDF5 library and of h5py's LZF.
const (
	FilterDeflate     = 1
	FilterShuffle     = 2
	FilterFletcher32  = 3
	FilterSzip        = 4
	FilterNbit        = 5
	FilterScaleOffset = 6
	FilterLZF         = 32000
)

var filterNames = map[int]string{FilterDeflate: "deflate", FilterShuffle: "shuffle", FilterFletcher32: "fletcher32",
	FilterSzip: "szip", FilterNbit: "nbit", FilterScaleOffset: "scaleoffset", FilterLZF: "lzf"}

func (f *File) parseFilters(b []byte) ([]Filter, error) {
	d := f.decoder(b)
	version := d.u8()
	n := int(d.u8())
	switch version {
	case 1:
		d.skip(6)
	case 2:
	default:
		if d.err == nil {
			return nil, formatError("filter pipeline version %d", version)
		}
	}
	if n > 32 {
		return nil, formatError("filter pipeline of %d filters", n)
	}
	var out []Filter
	for i := 0; i < n; i++ {
		ft := Filter{ID: int(d.u16())}
		nameLen := 0
		if version == 1 || ft.ID >= 256 {
			nameLen = int(d.u16())
		}
		flags := d.u16()
		ft.Optional = flags&1 != 0
		nv := int(d.u16())
		if nameLen > 0 {
			name := d.bytes(nameLen)
			for j, c := range name {
				if c == 0 {
					name = name[:j]
					break
				}
			}
			ft.Name = string(name)
		}
		for j := 0; j < nv && d.err == nil; j++ {
			ft.Params = append(ft.Params, d.u32())
		}
		if version == 1 && nv%2 == 1 {
			d.skip(4)
		}
		if d.err != nil {
			return nil, d.err
		}
		if ft.Name == "" {
			ft.Name = filterNames[ft.ID]
		}
		out = append(out, ft)
	}
	return out, nil
}

// parseFill decodes a fill value message (new style, type 5) and returns
// the fill value bytes, or nil when the fill value is the default (zeros)
// or undefined.
func (f *File) parseFill(b []byte) ([]byte, error) {
	d := f.decoder(b)
	version := d.u8()
	switch version {
	case 1, 2:
		d.u8() // allocation time
		d.u8() // write time
		defined := d.u8()
		if version == 2 && defined == 0 {
			return nil, d.err
		}
		n := d.u32()
		if d.err != nil {
			return nil, d.err
		}
		if n == 0 {
			return nil, nil
		}
		return d.bytes(int(n)), d.err
	case 3:
		flags := d.u8()
		if flags&0x20 == 0 {
			return nil, d.err
		}
		n := d.u32()
		if d.err != nil {
			return nil, d.err
		}
		return d.bytes(int(n)), d.err
	}
	if d.err != nil {
		return nil, d.err
	}
	return nil, formatError("fill value message version %d", version)
}

// parseOldFill decodes the old fill value message (type 4).
func (f *File) parseOldFill(b []byte) ([]byte, error) {
	d := f.decoder(b)
	n := d.u32()
	v := d.bytes(int(n))
	if d.err != nil {
		return nil, fmt.Errorf("old fill value message: %w", d.err)
	}
	return v, nil
}
