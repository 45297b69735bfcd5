package hdf5

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
)

// chunkRecord locates one stored chunk.
type chunkRecord struct {
	scaled []uint64 // chunk coordinates: element offset / chunk dimension
	addr   uint64
	size   uint64 // bytes stored (after filters)
	mask   uint32 // bit i set: filter i was skipped
}

// chunkIndex enumerates the stored chunks whose coordinates lie in a box.
type chunkIndex interface {
	// visit calls fn for every stored chunk with lo ≤ scaled ≤ hi in
	// every dimension.
	visit(lo, hi []uint64, fn func(chunkRecord) error) error
}

// chunkGeometry is what the indexes need to know about a dataset.
type chunkGeometry struct {
	rank      int
	chunk     []uint64
	dims      []uint64
	maxDims   []uint64
	nominal   uint64 // bytes of an unfiltered chunk
	filtered  bool
	layoutVer int
}

// nchunks returns the number of chunks along each dimension for extents
// dims (max dims for unlimited ones count as 1, as they sit in the slowest
// position of the linear index).
func (g *chunkGeometry) nchunks(dims []uint64) []uint64 {
	n := make([]uint64, g.rank)
	for i := range n {
		d := dims[i]
		if d == undefined {
			n[i] = 1
			continue
		}
		n[i] = (d + g.chunk[i] - 1) / g.chunk[i]
	}
	return n
}

// linear returns the row-major index of scaled coordinates in a grid of
// n chunks per dimension.
func linear(scaled, n []uint64) uint64 {
	var idx uint64
	for i := range scaled {
		idx = idx*n[i] + scaled[i]
	}
	return idx
}

func (ds *Dataset) geometry() *chunkGeometry {
	g := &chunkGeometry{rank: len(ds.layout.chunk), chunk: ds.layout.chunk, dims: ds.space.dims,
		maxDims: ds.space.maxDims, filtered: len(ds.filters) > 0, layoutVer: ds.layout.version}
	n, _ := volume(g.chunk)
	g.nominal = n * uint64(ds.arr.dtype.Size)
	return g
}

func (ds *Dataset) openIndex() (chunkIndex, error) {
	st := ds.state
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.index != nil {
		return st.index, nil
	}
	g := ds.geometry()
	f := ds.f
	var idx chunkIndex
	var err error
	l := ds.layout
	switch l.index {
	case BTreeV1Index:
		idx = &btree1Index{f: f, root: l.addr, g: g}
	case SingleChunkIndex:
		size, mask := g.nominal, uint32(0)
		if l.flags&0x02 != 0 {
			size, mask = l.singleSize, l.singleMask
		}
		idx = &singleIndex{addr: l.addr, size: size, mask: mask, rank: g.rank}
	case ImplicitIndex:
		idx = &implicitIndex{addr: l.addr, g: g}
	case FixedArrayIndex:
		idx, err = f.openFixedArray(l.addr, g)
	case ExtensibleArrayIndex:
		idx, err = f.openExtensibleArray(l.addr, g)
	case BTreeV2Index:
		idx, err = f.openBTree2Index(l.addr, g)
	default:
		err = formatError("chunk index type %d", int(l.index))
	}
	if err != nil {
		return nil, fmt.Errorf("chunk index (%v): %w", l.index, err)
	}
	st.index = idx
	return idx, nil
}

// maxChunkWorkers bounds the goroutines that decode chunks of one read.
var maxChunkWorkers = runtime.GOMAXPROCS(0)

func (ds *Dataset) readChunked(start, count []uint64, put sink, parallel bool) error {
	rank := len(ds.layout.chunk)
	box, ok := volume(count)
	if !ok || box == 0 {
		return nil
	}
	chunk := ds.layout.chunk
	if g := ds.geometry(); g.nominal > uint64(ds.f.MaxReadBytes) {
		return fmt.Errorf("%w: chunks of %d bytes exceed MaxReadBytes (%d)", ErrLimit, g.nominal, ds.f.MaxReadBytes)
	}
	lo := make([]uint64, rank)
	hi := make([]uint64, rank)
	nbox := make([]uint64, rank)
	for i := range lo {
		lo[i] = start[i] / chunk[i]
		hi[i] = (start[i] + count[i] - 1) / chunk[i]
		nbox[i] = hi[i] - lo[i] + 1
	}
	nchunks, _ := volume(nbox)
	if ds.layout.addr == undefined {
		return ds.fillBox(start, count, put, nil, lo, nbox)
	}
	idx, err := ds.openIndex()
	if err != nil {
		return err
	}
	var recs []chunkRecord
	found := make([]bool, nchunks)
	err = idx.visit(lo, hi, func(r chunkRecord) error {
		if len(r.scaled) != rank {
			return formatError("chunk record of rank %d", len(r.scaled))
		}
		rel := make([]uint64, rank)
		for i := range rel {
			if r.scaled[i] < lo[i] || r.scaled[i] > hi[i] {
				return nil
			}
			rel[i] = r.scaled[i] - lo[i]
		}
		k := linear(rel, nbox)
		if found[k] {
			return formatError("chunk %v indexed twice", r.scaled)
		}
		found[k] = true
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		return fmt.Errorf("chunk index (%v): %w", ds.layout.index, err)
	}
	if uint64(len(recs)) < nchunks {
		if err := ds.fillBox(start, count, put, found, lo, nbox); err != nil {
			return err
		}
	}
	direct := len(ds.filters) == 0 && ds.geometry().nominal > directChunkBytes
	one := func(r chunkRecord) error {
		if direct {
			if err := ds.copyChunkDirect(r, start, count, put); err != nil {
				return fmt.Errorf("chunk %v at address %d: %w", r.scaled, r.addr, err)
			}
			return nil
		}
		data, err := ds.chunkData(r)
		if err != nil {
			return fmt.Errorf("chunk %v at address %d: %w", r.scaled, r.addr, err)
		}
		return ds.copyChunk(r.scaled, data, start, count, put)
	}
	workers := min(maxChunkWorkers, len(recs))
	if workers <= 1 || !parallel {
		for _, r := range recs {
			if err := one(r); err != nil {
				return err
			}
		}
		return nil
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	next := make(chan chunkRecord)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range next {
				if err := one(r); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, r := range recs {
		mu.Lock()
		stop := first != nil
		mu.Unlock()
		if stop {
			break
		}
		next <- r
	}
	close(next)
	wg.Wait()
	return first
}

// chunkBox returns, for the chunk at scaled coordinates sc, the part of the
// request box it covers: the start of that part inside the chunk and inside
// the output, and its shape.
func (ds *Dataset) chunkBox(sc, start, count []uint64) (inChunk, inOut, box []uint64) {
	rank := len(sc)
	inChunk = make([]uint64, rank)
	inOut = make([]uint64, rank)
	box = make([]uint64, rank)
	for i := 0; i < rank; i++ {
		c := ds.layout.chunk[i]
		o := sc[i] * c
		a := max(o, start[i])
		b := min(o+c, start[i]+count[i])
		if b <= a {
			return nil, nil, make([]uint64, rank)
		}
		inChunk[i] = a - o
		inOut[i] = a - start[i]
		box[i] = b - a
	}
	return inChunk, inOut, box
}

func (ds *Dataset) copyChunk(sc []uint64, data []byte, start, count []uint64, put sink) error {
	es := uint64(ds.arr.dtype.Size)
	inChunk, inOut, box := ds.chunkBox(sc, start, count)
	return boxRuns(box, ds.layout.chunk, inChunk, count, inOut, func(src, dst, n uint64) error {
		return put(dst, data[src*es:(src+n)*es])
	})
}

// directChunkBytes is the size above which unfiltered chunks are not read
// whole: the parts a read needs are read from the file in blocks, as from
// contiguous storage, without a chunk-sized buffer.
const directChunkBytes = 1 << 20

// copyChunkDirect delivers the requested part of an unfiltered chunk
// straight from the file.
func (ds *Dataset) copyChunkDirect(r chunkRecord, start, count []uint64, put sink) error {
	es := uint64(ds.arr.dtype.Size)
	g := ds.geometry()
	if err := ds.f.checkRange(r.addr, g.nominal); err != nil {
		return err
	}
	inChunk, inOut, box := ds.chunkBox(r.scaled, start, count)
	var buf []byte
	return boxRuns(box, ds.layout.chunk, inChunk, count, inOut, func(src, dst, n uint64) error {
		for n > 0 {
			k := min(n, max(1, contiguousBlock/es))
			if uint64(cap(buf)) < k*es {
				buf = make([]byte, k*es)
			}
			b := buf[:k*es]
			if err := ds.f.readInto(r.addr+src*es, b); err != nil {
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

// fillBox delivers the fill value for the chunks of the box that found
// does not mark (all of them when found is nil).
func (ds *Dataset) fillBox(start, count []uint64, put sink, found []bool, lo, nbox []uint64) error {
	rank := len(lo)
	rel := make([]uint64, rank)
	sc := make([]uint64, rank)
	n, _ := volume(nbox)
	for k := uint64(0); k < n; k++ {
		if found != nil && found[k] {
			continue
		}
		r := k
		for i := rank - 1; i >= 0; i-- {
			rel[i] = r % nbox[i]
			r /= nbox[i]
			sc[i] = lo[i] + rel[i]
		}
		_, inOut, box := ds.chunkBox(sc, start, count)
		if inOut == nil {
			continue
		}
		err := boxRuns(box, box, make([]uint64, rank), count, inOut, func(_, dst, n uint64) error {
			return ds.putFill(dst, n, put)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// chunkCache keeps the most recently decoded chunks of a dataset, so that
// consecutive small range reads do not decompress a chunk again.
type chunkCache struct {
	data  map[uint64][]byte
	order []uint64 // addresses, oldest first
	bytes int
}

const maxCachedChunkBytes = 32 << 20

func (ds *Dataset) cached(addr uint64) []byte {
	st := ds.state
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.cache.data[addr]
}

func (ds *Dataset) remember(addr uint64, data []byte) {
	if len(data) > maxCachedChunkBytes/4 {
		return
	}
	st := ds.state
	st.mu.Lock()
	defer st.mu.Unlock()
	c := &st.cache
	if c.data == nil {
		c.data = map[uint64][]byte{}
	}
	if _, ok := c.data[addr]; ok {
		return
	}
	for (c.bytes+len(data) > maxCachedChunkBytes || len(c.order) >= 1024) && len(c.order) > 0 {
		c.bytes -= len(c.data[c.order[0]])
		delete(c.data, c.order[0])
		c.order = c.order[1:]
	}
	c.data[addr] = data
	c.order = append(c.order, addr)
	c.bytes += len(data)
}

// chunkData reads one chunk and undoes its filters.
func (ds *Dataset) chunkData(r chunkRecord) ([]byte, error) {
	g := ds.geometry()
	if r.addr == undefined {
		return nil, formatError("chunk without an address")
	}
	if data := ds.cached(r.addr); data != nil {
		return data, nil
	}
	size := r.size
	if len(ds.filters) == 0 {
		size = g.nominal
	}
	if g.nominal > uint64(ds.f.MaxReadBytes) {
		return nil, fmt.Errorf("%w: chunk of %d bytes", ErrLimit, g.nominal)
	}
	if size > uint64(ds.f.MaxReadBytes) {
		return nil, fmt.Errorf("%w: chunk of %d bytes", ErrLimit, size)
	}
	raw, err := ds.f.readAt(r.addr, size)
	if err != nil {
		return nil, err
	}
	data, err := ds.unfilter(raw, r.mask, g.nominal)
	if err != nil {
		return nil, err
	}
	if uint64(len(data)) != g.nominal {
		return nil, formatError("chunk decodes to %d bytes, want %d", len(data), g.nominal)
	}
	ds.remember(r.addr, data)
	return data, nil
}

// unfilter applies the inverse of the filter pipeline, last filter first,
// skipping the filters whose bit is set in mask.
func (ds *Dataset) unfilter(b []byte, mask uint32, nominal uint64) ([]byte, error) {
	for i := len(ds.filters) - 1; i >= 0; i-- {
		if mask&(1<<uint(i)) != 0 {
			continue
		}
		ft := ds.filters[i]
		var err error
		switch ft.ID {
		case FilterDeflate:
			b, err = inflate(b, nominal)
		case FilterShuffle:
			size := ds.arr.dtype.Size
			if len(ft.Params) > 0 {
				size = int(ft.Params[0])
			}
			b = unshuffle(b, size)
		case FilterFletcher32:
			b, err = checkFletcher32(b)
		case FilterLZF:
			b, err = unlzf(b, nominal)
		default:
			name := ft.Name
			if name == "" {
				name = "unnamed"
			}
			err = unsupported("filter %d (%s)", ft.ID, name)
		}
		if err != nil {
			return nil, fmt.Errorf("filter %s: %w", filterNames[ft.ID], err)
		}
	}
	return b, nil
}

// zlibReaders recycles decompressors: their state is tens of kilobytes,
// and a dataset of small chunks decompresses thousands of streams.
var zlibReaders sync.Pool

// inflate decompresses a zlib stream that should yield want bytes.
func inflate(b []byte, want uint64) ([]byte, error) {
	var zr io.ReadCloser
	if r, ok := zlibReaders.Get().(io.ReadCloser); ok {
		if err := r.(zlib.Resetter).Reset(bytes.NewReader(b), nil); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		zr = r
	} else {
		r, err := zlib.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		zr = r
	}
	defer zlibReaders.Put(zr)
	out := make([]byte, want+1)
	n, err := io.ReadFull(zr, out)
	switch {
	case err == nil:
		return nil, formatError("deflate stream longer than the %d-byte chunk", want)
	case errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF:
	default:
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return out[:n], nil
}

// unshuffle undoes the shuffle filter: the stream holds byte 0 of every
// element, then byte 1 of every element, and so on; bytes past the last
// whole element are left in place.
func unshuffle(b []byte, size int) []byte {
	if size <= 1 || len(b) < size {
		return b
	}
	n := len(b) / size
	out := make([]byte, len(b))
	for j := 0; j < size; j++ {
		src := b[j*n : (j+1)*n]
		for i, c := range src {
			out[i*size+j] = c
		}
	}
	copy(out[n*size:], b[n*size:])
	return out
}

// checkFletcher32 verifies and strips the checksum the Fletcher-32 filter
// appends. The library has stored it in either byte order over time and
// accepts both; so does this reader.
func checkFletcher32(b []byte) ([]byte, error) {
	if len(b) < 4 {
		return nil, formatError("Fletcher-32 chunk shorter than its checksum")
	}
	data := b[:len(b)-4]
	stored := binary.LittleEndian.Uint32(b[len(b)-4:])
	sum := fletcher32(data)
	swapped := (sum&0xff)<<24 | (sum&0xff00)<<8 | (sum>>8)&0xff00 | sum>>24
	if stored != sum && stored != swapped {
		return nil, errChecksum("chunk (Fletcher-32)", sum, stored)
	}
	return data, nil
}
