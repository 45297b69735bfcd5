package hdf5

import (
	"bytes"
	"fmt"
)

// fractalHeap is an open fractal heap (format specification III.G): the
// header's parameters of the doubling table that locates managed objects,
// and the version 2 B-tree of huge objects.
type fractalHeap struct {
	f            *File
	addr         uint64
	idLen        int
	filtered     bool
	checksummed  bool // direct blocks carry a checksum
	maxManaged   uint64
	hugeBTree    uint64
	width        uint64
	startBlock   uint64
	maxDirect    uint64
	maxHeapBits  int
	root         uint64
	rootRows     int
	rootFiltSize uint64
	offBytes     int // bytes of a heap offset (block offsets, managed IDs)
	lenBytes     int // bytes of a managed object length in an ID
	maxDRows     int // rows of direct blocks in any indirect block
}

func (f *File) openFractalHeap(addr uint64) (*fractalHeap, error) {
	fixed := 4 + 1 + 2 + 2 + 1 + 4 + 12*f.lenSize + 3*f.offSize + 2 + 2 + 2 + 2 + 4
	b, err := f.readAt(addr, uint64(fixed))
	if err != nil {
		return nil, fmt.Errorf("fractal heap header: %w", err)
	}
	if !bytes.HasPrefix(b, []byte("FRHP")) {
		return nil, formatError("fractal heap at %d lacks the FRHP signature", addr)
	}
	d := f.decoder(b)
	d.skip(4)
	if v := d.u8(); v != 0 {
		return nil, formatError("fractal heap version %d", v)
	}
	h := &fractalHeap{f: f, addr: addr}
	h.idLen = int(d.u16())
	filterLen := int(d.u16())
	flags := d.u8()
	h.checksummed = flags&0x02 != 0
	h.maxManaged = uint64(d.u32())
	d.length() // next huge object ID
	h.hugeBTree = d.addr()
	d.length() // free space
	d.addr()   // free-space manager
	d.length() // managed space
	d.length() // allocated managed space
	d.length() // allocation iterator
	d.length() // managed objects
	d.length() // huge objects size
	d.length() // huge objects count
	d.length() // tiny objects size
	d.length() // tiny objects count
	h.width = uint64(d.u16())
	h.startBlock = d.length()
	h.maxDirect = d.length()
	h.maxHeapBits = int(d.u16())
	d.u16() // starting rows of the root indirect block
	h.root = d.addr()
	h.rootRows = int(d.u16())
	if d.err != nil {
		return nil, d.err
	}
	if filterLen > 0 {
		h.filtered = true
		b, err = f.readAt(addr, uint64(fixed+f.lenSize+4+filterLen))
		if err != nil {
			return nil, fmt.Errorf("fractal heap header: %w", err)
		}
		d = f.decoder(b)
		d.skip(fixed - 4)
		h.rootFiltSize = d.length()
	}
	if err := verifyChecksum(b, "fractal heap header"); err != nil {
		return nil, err
	}
	pow2 := func(v uint64) bool { return v != 0 && v&(v-1) == 0 }
	if !pow2(h.width) || !pow2(h.startBlock) || !pow2(h.maxDirect) || h.maxDirect < h.startBlock ||
		h.maxHeapBits < 1 || h.maxHeapBits > 64 || h.maxDirect > f.eof+h.startBlock && h.maxDirect > 1<<32 {
		return nil, formatError("fractal heap table of width %d, blocks %d to %d bytes, %d-bit addresses",
			h.width, h.startBlock, h.maxDirect, h.maxHeapBits)
	}
	if h.idLen < 1 || h.idLen > 1<<12 {
		return nil, formatError("fractal heap IDs of %d bytes", h.idLen)
	}
	h.offBytes = (h.maxHeapBits + 7) / 8
	h.lenBytes = min((log2(h.maxDirect)+7)/8, bytesFor(h.maxManaged))
	h.maxDRows = log2(h.maxDirect) - log2(h.startBlock) + 2
	return h, nil
}

// rowSize returns the size of the blocks in row r of the doubling table.
func (h *fractalHeap) rowSize(r int) uint64 {
	if r == 0 {
		return h.startBlock
	}
	return h.startBlock << uint(r-1)
}

// get returns the object with heap ID id.
func (h *fractalHeap) get(id []byte) ([]byte, error) {
	if len(id) < 1 {
		return nil, formatError("empty fractal heap ID")
	}
	if id[0]>>6 != 0 {
		return nil, formatError("fractal heap ID version %d", id[0]>>6)
	}
	switch (id[0] >> 4) & 3 {
	case 0:
		d := newDecoder(id[1:], h.f.offSize, h.f.lenSize)
		off := d.uvar(h.offBytes)
		n := d.uvar(h.lenBytes)
		if d.err != nil {
			return nil, d.err
		}
		return h.managed(off, n)
	case 1:
		return h.huge(id)
	case 2:
		if h.idLen > 18 {
			if len(id) < 2 {
				return nil, formatError("tiny heap ID truncated")
			}
			n := int(id[0]&0x0f)<<8 | int(id[1])
			if 2+n+1 > len(id) {
				return nil, formatError("tiny heap object of %d bytes in a %d-byte ID", n+1, len(id))
			}
			return id[2 : 2+n+1], nil
		}
		n := int(id[0] & 0x0f)
		if 1+n+1 > len(id) {
			return nil, formatError("tiny heap object of %d bytes in a %d-byte ID", n+1, len(id))
		}
		return id[1 : 1+n+1], nil
	}
	return nil, formatError("fractal heap ID of type 3")
}

// managed returns n bytes at offset off of the heap's managed space.
func (h *fractalHeap) managed(off, n uint64) ([]byte, error) {
	if h.filtered {
		return nil, unsupported("filtered fractal heaps")
	}
	if h.root == undefined {
		return nil, formatError("managed object in an empty fractal heap")
	}
	if h.rootRows == 0 {
		return h.fromDirect(h.root, 0, h.startBlock, off, n)
	}
	// Descend from the root indirect block.
	iblock, base, rows := h.root, uint64(0), h.rootRows
	seen := map[uint64]bool{}
	for depth := 0; ; depth++ {
		if depth > maxTreeDepth || seen[iblock] {
			return nil, formatError("fractal heap indirect blocks form a cycle at %d", iblock)
		}
		seen[iblock] = true
		if rows < 1 || rows > 64 {
			return nil, formatError("fractal heap indirect block of %d rows", rows)
		}
		// Find the row and column holding heap offset off.
		rel := off - base
		if off < base {
			return nil, formatError("heap offset %d below block offset %d", off, base)
		}
		var rowStart uint64
		row := -1
		for r := 0; r < rows; r++ {
			span := h.width * h.rowSize(r)
			if rel < rowStart+span {
				row = r
				break
			}
			rowStart += span
		}
		if row < 0 {
			return nil, formatError("heap offset %d beyond its indirect block", off)
		}
		col := (rel - rowStart) / h.rowSize(row)
		blockOff := base + rowStart + col*h.rowSize(row)
		ndirect := min(rows, h.maxDRows) * int(h.width)
		entry := uint64(row)*h.width + col
		// Read the child address.
		entrySize := uint64(h.f.offSize)
		if h.filtered {
			entrySize += uint64(h.f.lenSize + 4)
		}
		prefix := uint64(4 + 1 + h.f.offSize + h.offBytes)
		var at uint64
		if row < h.maxDRows {
			at = prefix + entry*entrySize
		} else {
			at = prefix + uint64(ndirect)*entrySize + (entry-uint64(ndirect))*uint64(h.f.offSize)
		}
		b, err := h.readIndirect(iblock, rows, ndirect, entrySize)
		if err != nil {
			return nil, err
		}
		if at+uint64(h.f.offSize) > uint64(len(b)) {
			return nil, formatError("fractal heap indirect block entry out of range")
		}
		b = b[at:]
		child := h.f.decoder(b).addr()
		if child == undefined {
			return nil, formatError("heap offset %d lies in an unallocated block", off)
		}
		if row < h.maxDRows {
			return h.fromDirect(child, blockOff, h.rowSize(row), off, n)
		}
		iblock, base = child, blockOff
		rows = log2(h.rowSize(row)) - log2(h.startBlock) + 1
	}
}

// readIndirect reads the indirect block at addr with the given number of
// rows and verifies its signature and checksum.
func (h *fractalHeap) readIndirect(addr uint64, rows, ndirect int, entrySize uint64) ([]byte, error) {
	nindirect := rows*int(h.width) - ndirect
	if nindirect < 0 {
		nindirect = 0
	}
	size := uint64(4+1+h.f.offSize+h.offBytes) + uint64(ndirect)*entrySize + uint64(nindirect*h.f.offSize) + 4
	b, err := h.f.readAt(addr, size)
	if err != nil {
		return nil, fmt.Errorf("fractal heap indirect block: %w", err)
	}
	if !bytes.HasPrefix(b, []byte("FHIB")) {
		return nil, formatError("fractal heap indirect block at %d lacks the FHIB signature", addr)
	}
	if err := verifyChecksum(b, "fractal heap indirect block"); err != nil {
		return nil, err
	}
	return b, nil
}

// fromDirect returns n bytes at heap offset off from the direct block at
// addr, which starts at heap offset blockOff and is size bytes long.
func (h *fractalHeap) fromDirect(addr, blockOff, size, off, n uint64) ([]byte, error) {
	b, err := h.f.readAt(addr, size)
	if err != nil {
		return nil, fmt.Errorf("fractal heap direct block: %w", err)
	}
	if !bytes.HasPrefix(b, []byte("FHDB")) {
		return nil, formatError("fractal heap direct block at %d lacks the FHDB signature", addr)
	}
	if h.checksummed {
		// The checksum covers the whole block with the checksum field
		// taken as zero.
		at := 4 + 1 + h.f.offSize + h.offBytes
		if len(b) < at+4 {
			return nil, formatError("fractal heap direct block too small")
		}
		stored := uint32(b[at]) | uint32(b[at+1])<<8 | uint32(b[at+2])<<16 | uint32(b[at+3])<<24
		tmp := append([]byte(nil), b...)
		copy(tmp[at:at+4], []byte{0, 0, 0, 0})
		if got := lookup3(tmp); got != stored {
			return nil, errChecksum("fractal heap direct block", got, stored)
		}
	}
	rel := off - blockOff
	if off < blockOff || rel > size || n > size-rel {
		return nil, formatError("heap object of %d bytes at offset %d outside its %d-byte block", n, rel, size)
	}
	return b[rel : rel+n], nil
}

// huge returns a huge object: stored on its own and indexed by the heap's
// v2 B-tree (type 1) or addressed directly from the ID.
func (h *fractalHeap) huge(id []byte) ([]byte, error) {
	if h.filtered {
		return nil, unsupported("filtered huge fractal heap objects")
	}
	d := newDecoder(id[1:], h.f.offSize, h.f.lenSize)
	if h.idLen >= 1+h.f.offSize+h.f.lenSize {
		addr, n := d.addr(), d.length()
		if d.err != nil {
			return nil, d.err
		}
		return h.f.readAt(addr, n)
	}
	// The ID holds the B-tree key in the bytes after its first, at most 8.
	key := d.uvar(min(h.idLen-1, 8))
	if d.err != nil {
		return nil, d.err
	}
	bt, err := h.f.openBTree2(h.hugeBTree, 1)
	if err != nil {
		return nil, fmt.Errorf("huge objects: %w", err)
	}
	var addr, n uint64
	found := false
	err = bt.walk(nil, func(rec []byte) error {
		rd := newDecoder(rec, h.f.offSize, h.f.lenSize)
		a, l, k := rd.addr(), rd.length(), rd.length()
		if rd.err == nil && k == key {
			addr, n, found = a, l, true
		}
		return rd.err
	})
	if err != nil {
		return nil, fmt.Errorf("huge objects: %w", err)
	}
	if !found {
		return nil, formatError("huge heap object %d not in its index", key)
	}
	return h.f.readAt(addr, n)
}
