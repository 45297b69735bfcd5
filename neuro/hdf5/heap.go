package hdf5

import (
	"bytes"
	"fmt"
)

// localHeap is a group's local heap: the data segment holding link names
// (symbol-table groups) or external file names.
type localHeap struct {
	data []byte
}

func (f *File) readLocalHeap(addr uint64) (*localHeap, error) {
	hdr, err := f.readAt(addr, uint64(8+2*f.lenSize+f.offSize))
	if err != nil {
		return nil, fmt.Errorf("local heap: %w", err)
	}
	if !bytes.HasPrefix(hdr, []byte("HEAP")) {
		return nil, formatError("local heap at %d lacks the HEAP signature", addr)
	}
	d := f.decoder(hdr)
	d.skip(4)
	if v := d.u8(); v != 0 {
		return nil, formatError("local heap version %d", v)
	}
	d.skip(3)
	size := d.length()
	d.length() // free list
	at := d.addr()
	if d.err != nil {
		return nil, d.err
	}
	data, err := f.readAt(at, size)
	if err != nil {
		return nil, fmt.Errorf("local heap data segment: %w", err)
	}
	return &localHeap{data: data}, nil
}

// str returns the NUL-terminated string at offset off.
func (h *localHeap) str(off uint64) (string, error) {
	if off >= uint64(len(h.data)) {
		return "", formatError("local heap offset %d beyond its %d bytes", off, len(h.data))
	}
	b := h.data[off:]
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return "", formatError("unterminated string in local heap at offset %d", off)
	}
	return string(b[:i]), nil
}

// heapCache holds the global heap collections one read has loaded, so that
// a dataset of variable-length strings reads each collection once.
type heapCache struct {
	f     *File
	colls map[uint64]map[uint32][]byte
	bytes uint64
}

func (f *File) newHeapCache() *heapCache {
	return &heapCache{f: f, colls: map[uint64]map[uint32][]byte{}}
}

// maxHeapCache bounds the collection bytes one heapCache keeps.
const maxHeapCache = 256 << 20

// object returns object index of the global heap collection at addr.
func (c *heapCache) object(addr uint64, index uint32) ([]byte, error) {
	coll, ok := c.colls[addr]
	if !ok {
		var size uint64
		var err error
		coll, size, err = c.f.readGlobalHeap(addr)
		if err != nil {
			return nil, err
		}
		if c.bytes+size > maxHeapCache {
			c.colls = map[uint64]map[uint32][]byte{}
			c.bytes = 0
		}
		c.colls[addr] = coll
		c.bytes += size
	}
	obj, ok := coll[index]
	if !ok {
		return nil, formatError("global heap collection at %d has no object %d", addr, index)
	}
	return obj, nil
}

func (f *File) readGlobalHeap(addr uint64) (map[uint32][]byte, uint64, error) {
	// The collection header and each object header are padded to a
	// multiple of 8 bytes, as is each object's data.
	hsize := uint64(8+f.lenSize+7) / 8 * 8
	hdr, err := f.readAt(addr, hsize)
	if err != nil {
		return nil, 0, fmt.Errorf("global heap: %w", err)
	}
	if !bytes.HasPrefix(hdr, []byte("GCOL")) {
		return nil, 0, formatError("global heap collection at %d lacks the GCOL signature", addr)
	}
	d := f.decoder(hdr)
	d.skip(4)
	if v := d.u8(); v != 1 {
		return nil, 0, formatError("global heap collection version %d", v)
	}
	d.skip(3)
	size := d.length()
	if d.err != nil {
		return nil, 0, d.err
	}
	if size < hsize {
		return nil, 0, formatError("global heap collection of %d bytes", size)
	}
	block, err := f.readAt(addr, size)
	if err != nil {
		return nil, 0, fmt.Errorf("global heap collection: %w", err)
	}
	objs := map[uint32][]byte{}
	d = f.decoder(block)
	d.skip(int(hsize))
	for d.remaining() >= 8+f.lenSize {
		index := d.u16()
		d.u16() // reference count
		d.skip(4)
		n := d.length()
		d.align(8)
		if index == 0 {
			break // free space runs to the end of the collection
		}
		if n > uint64(d.remaining()) {
			return nil, 0, formatError("global heap object %d of %d bytes overruns its collection", index, n)
		}
		objs[uint32(index)] = d.bytes(int(n))
		d.align(8)
		if d.err != nil {
			break
		}
	}
	return objs, size, nil
}
