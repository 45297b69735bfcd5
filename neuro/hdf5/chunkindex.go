package hdf5

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// lexCompare compares two coordinate vectors in row-major order.
func lexCompare(a, b []uint64) int {
	for i := range a {
		switch {
		case a[i] < b[i]:
			return -1
		case a[i] > b[i]:
			return 1
		}
	}
	return 0
}

// forBox calls fn for every coordinate vector in [lo, hi], row-major.
func forBox(lo, hi []uint64, fn func(sc []uint64) error) error {
	rank := len(lo)
	sc := append([]uint64(nil), lo...)
	for {
		if err := fn(sc); err != nil {
			return err
		}
		i := rank - 1
		for ; i >= 0; i-- {
			sc[i]++
			if sc[i] <= hi[i] {
				break
			}
			sc[i] = lo[i]
		}
		if i < 0 {
			return nil
		}
	}
}

// btree1Index is the version 1 B-tree of chunks (node type 1): keys hold a
// chunk's stored size, filter mask and element offsets.
type btree1Index struct {
	f    *File
	root uint64
	g    *chunkGeometry
}

func (x *btree1Index) visit(lo, hi []uint64, fn func(chunkRecord) error) error {
	rank := x.g.rank
	keySize := 8 + 8*(rank+1)
	loOff := make([]uint64, rank)
	hiOff := make([]uint64, rank)
	for i := range lo {
		loOff[i] = lo[i] * x.g.chunk[i]
		hiOff[i] = hi[i] * x.g.chunk[i]
	}
	offsets := func(key []byte) []uint64 {
		o := make([]uint64, rank)
		for i := range o {
			o[i] = binary.LittleEndian.Uint64(key[8+8*i:])
		}
		return o
	}
	descend := func(left, right []byte) bool {
		return lexCompare(offsets(left), hiOff) <= 0 && lexCompare(offsets(right), loOff) > 0
	}
	return x.f.walkBTree1(x.root, btreeChunk, keySize, descend, func(key []byte, child uint64, _ []byte) error {
		off := offsets(key)
		sc := make([]uint64, rank)
		for i := range off {
			if off[i]%x.g.chunk[i] != 0 {
				return formatError("chunk at element offset %v is not on the chunk grid", off)
			}
			sc[i] = off[i] / x.g.chunk[i]
			if sc[i] < lo[i] || sc[i] > hi[i] {
				return nil
			}
		}
		return fn(chunkRecord{scaled: sc, addr: child, size: uint64(binary.LittleEndian.Uint32(key)),
			mask: binary.LittleEndian.Uint32(key[4:])})
	})
}

// singleIndex is a dataset stored in one chunk.
type singleIndex struct {
	addr, size uint64
	mask       uint32
	rank       int
}

func (x *singleIndex) visit(lo, hi []uint64, fn func(chunkRecord) error) error {
	for _, v := range lo {
		if v != 0 {
			return nil
		}
	}
	return fn(chunkRecord{scaled: make([]uint64, x.rank), addr: x.addr, size: x.size, mask: x.mask})
}

// implicitIndex is an array of unfiltered chunks allocated together, in
// row-major order over the maximum extent.
type implicitIndex struct {
	addr uint64
	g    *chunkGeometry
}

func (x *implicitIndex) visit(lo, hi []uint64, fn func(chunkRecord) error) error {
	n := x.g.nchunks(x.g.maxDims)
	return forBox(lo, hi, func(sc []uint64) error {
		idx := linear(sc, n)
		if idx > (1<<62)/max(1, x.g.nominal) {
			return formatError("implicit chunk index %d out of range", idx)
		}
		return fn(chunkRecord{scaled: append([]uint64(nil), sc...), addr: x.addr + idx*x.g.nominal, size: x.g.nominal})
	})
}

// decodeChunkElement decodes a fixed or extensible array element: a chunk
// address, and for filtered chunks its stored size and filter mask.
func (f *File) decodeChunkElement(b []byte, filtered bool) (addr, size uint64, mask uint32) {
	d := f.decoder(b)
	addr = d.addr()
	if filtered {
		size = d.uvar(len(b) - f.offSize - 4)
		mask = d.u32()
	}
	return addr, size, mask
}

// fixedArray is the fixed array chunk index (format specification VII.C).
type fixedArray struct {
	f         *File
	g         *chunkGeometry
	hdr       uint64
	entry     int
	pageBits  int
	nentries  uint64
	dblock    uint64
	paged     bool
	pageN     uint64 // entries per page
	npages    uint64
	prefix    uint64 // bytes before the elements (or pages) of the data block
	elements  []byte // unpaged: all elements
	bitmap    []byte // paged: pages initialised
	pageCache map[uint64][]byte
}

func (f *File) openFixedArray(addr uint64, g *chunkGeometry) (*fixedArray, error) {
	size := uint64(4 + 4 + f.lenSize + f.offSize + 4)
	b, err := f.readAt(addr, size)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(b, []byte("FAHD")) {
		return nil, formatError("fixed array header at %d lacks the FAHD signature", addr)
	}
	if err := verifyChecksum(b, "fixed array header"); err != nil {
		return nil, err
	}
	d := f.decoder(b)
	d.skip(4)
	if v := d.u8(); v != 0 {
		return nil, formatError("fixed array version %d", v)
	}
	client := d.u8()
	x := &fixedArray{f: f, g: g, hdr: addr}
	x.entry = int(d.u8())
	x.pageBits = int(d.u8())
	x.nentries = d.length()
	x.dblock = d.addr()
	if d.err != nil {
		return nil, d.err
	}
	if (client == 1) != g.filtered || x.entry < f.offSize || (g.filtered && x.entry < f.offSize+5) || x.entry > f.offSize+12 {
		return nil, formatError("fixed array of client %d with %d-byte entries", client, x.entry)
	}
	if x.pageBits > 32 || x.nentries > f.eof/uint64(x.entry)+1 {
		return nil, formatError("fixed array of %d entries and %d page bits", x.nentries, x.pageBits)
	}
	if x.dblock == undefined {
		return x, nil
	}
	x.pageN = uint64(1) << uint(x.pageBits)
	x.paged = x.nentries > x.pageN
	x.prefix = uint64(4 + 1 + 1 + f.offSize)
	if !x.paged {
		blk, err := f.readAt(x.dblock, x.prefix+x.nentries*uint64(x.entry)+4)
		if err != nil {
			return nil, fmt.Errorf("fixed array data block: %w", err)
		}
		if err := x.checkBlock(blk); err != nil {
			return nil, err
		}
		x.elements = blk[x.prefix : len(blk)-4]
		return x, nil
	}
	x.npages = (x.nentries + x.pageN - 1) / x.pageN
	mapLen := (x.npages + 7) / 8
	blk, err := f.readAt(x.dblock, x.prefix+mapLen+4)
	if err != nil {
		return nil, fmt.Errorf("fixed array data block: %w", err)
	}
	if err := x.checkBlock(blk); err != nil {
		return nil, err
	}
	x.bitmap = blk[x.prefix : x.prefix+mapLen]
	x.prefix += mapLen + 4
	x.pageCache = map[uint64][]byte{}
	return x, nil
}

func (x *fixedArray) checkBlock(blk []byte) error {
	if !bytes.HasPrefix(blk, []byte("FADB")) {
		return formatError("fixed array data block at %d lacks the FADB signature", x.dblock)
	}
	if err := verifyChecksum(blk, "fixed array data block"); err != nil {
		return err
	}
	if a := x.f.decoder(blk[6:]).addr(); a != x.hdr {
		return formatError("fixed array data block points to header %d, not %d", a, x.hdr)
	}
	return nil
}

// bitSet reports bit i of a most-significant-bit-first bitmap.
func bitSet(m []byte, i uint64) bool {
	return i/8 < uint64(len(m)) && m[i/8]&(0x80>>(i%8)) != 0
}

func (x *fixedArray) element(idx uint64) ([]byte, error) {
	es := uint64(x.entry)
	if !x.paged {
		return x.elements[idx*es : (idx+1)*es], nil
	}
	page := idx / x.pageN
	if !bitSet(x.bitmap, page) {
		return nil, nil
	}
	data, ok := x.pageCache[page]
	if !ok {
		n := x.pageN
		if page == x.npages-1 && x.nentries%x.pageN != 0 {
			n = x.nentries % x.pageN
		}
		addr := x.dblock + x.prefix + page*(x.pageN*es+4)
		blk, err := x.f.readAt(addr, n*es+4)
		if err != nil {
			return nil, fmt.Errorf("fixed array page %d: %w", page, err)
		}
		if err := verifyChecksum(blk, "fixed array data block page"); err != nil {
			return nil, err
		}
		data = blk[:len(blk)-4]
		x.pageCache[page] = data
	}
	i := idx % x.pageN
	if (i+1)*es > uint64(len(data)) {
		return nil, formatError("fixed array entry %d beyond its page", idx)
	}
	return data[i*es : (i+1)*es], nil
}

func (x *fixedArray) visit(lo, hi []uint64, fn func(chunkRecord) error) error {
	if x.dblock == undefined {
		return nil
	}
	n := x.g.nchunks(x.g.maxDims)
	return forBox(lo, hi, func(sc []uint64) error {
		idx := linear(sc, n)
		if idx >= x.nentries {
			return formatError("chunk %v has index %d of a %d-entry fixed array", sc, idx, x.nentries)
		}
		e, err := x.element(idx)
		if err != nil || e == nil {
			return err
		}
		addr, size, mask := x.f.decodeChunkElement(e, x.g.filtered)
		if addr == undefined {
			return nil
		}
		if !x.g.filtered {
			size = x.g.nominal
		}
		return fn(chunkRecord{scaled: append([]uint64(nil), sc...), addr: addr, size: size, mask: mask})
	})
}

// extensibleArray is the extensible array chunk index (format specification
// VII.D; sizes as H5EA__hdr_init and H5EA__iblock_alloc compute them).
type extensibleArray struct {
	f           *File
	g           *chunkGeometry
	hdr         uint64
	elem        int
	idxElmts    uint64
	dblkMin     uint64
	pageN       uint64
	arrOff      int // bytes of a block offset
	maxIdxSet   uint64
	sblk        []eaSuper
	iblkSuper   int // super blocks whose data blocks the index block lists
	iblkElems   []byte
	iblkDblks   []uint64
	iblkSblks   []uint64
	unlim       int // the unlimited dimension
	blockCache  map[uint64][]byte
	superBlocks map[uint64]*eaSecondary
}

type eaSuper struct {
	ndblks, dblkN, startIdx, startDblk uint64
}

type eaSecondary struct {
	bitmap []byte
	dblks  []uint64
	npages uint64
}

func (f *File) openExtensibleArray(addr uint64, g *chunkGeometry) (*extensibleArray, error) {
	size := uint64(4 + 4 + 4 + 6*f.lenSize + f.offSize + 4)
	b, err := f.readAt(addr, size)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(b, []byte("EAHD")) {
		return nil, formatError("extensible array header at %d lacks the EAHD signature", addr)
	}
	if err := verifyChecksum(b, "extensible array header"); err != nil {
		return nil, err
	}
	d := f.decoder(b)
	d.skip(4)
	if v := d.u8(); v != 0 {
		return nil, formatError("extensible array version %d", v)
	}
	client := d.u8()
	x := &extensibleArray{f: f, g: g, hdr: addr, blockCache: map[uint64][]byte{}, superBlocks: map[uint64]*eaSecondary{}}
	x.elem = int(d.u8())
	maxBits := int(d.u8())
	x.idxElmts = uint64(d.u8())
	x.dblkMin = uint64(d.u8())
	minPtrs := uint64(d.u8())
	pageBits := int(d.u8())
	for i := 0; i < 4; i++ {
		d.length()
	}
	x.maxIdxSet = d.length()
	d.length()
	iblock := d.addr()
	if d.err != nil {
		return nil, d.err
	}
	pow2 := func(v uint64) bool { return v != 0 && v&(v-1) == 0 }
	if (client == 1) != g.filtered || x.elem < f.offSize || (g.filtered && x.elem < f.offSize+5) || x.elem > f.offSize+12 ||
		maxBits < 1 || maxBits > 64 || !pow2(x.dblkMin) || !pow2(minPtrs) || pageBits > 32 || log2(x.dblkMin) > maxBits {
		return nil, formatError("extensible array parameters: client %d, %d-byte elements, %d bits, %d index elements, %d data block elements, %d pointers, %d page bits",
			client, x.elem, maxBits, x.idxElmts, x.dblkMin, minPtrs, pageBits)
	}
	x.pageN = uint64(1) << uint(pageBits)
	x.arrOff = (maxBits + 7) / 8
	nsblks := 1 + maxBits - log2(x.dblkMin)
	var startIdx, startDblk uint64
	for u := 0; u < nsblks; u++ {
		s := eaSuper{ndblks: uint64(1) << uint(u/2), dblkN: x.dblkMin << uint((u+1)/2), startIdx: startIdx, startDblk: startDblk}
		x.sblk = append(x.sblk, s)
		startIdx += s.ndblks * s.dblkN
		startDblk += s.ndblks
	}
	x.iblkSuper = 2 * log2(minPtrs)
	ndblk := 2 * (minPtrs - 1)
	if x.iblkSuper > nsblks {
		return nil, formatError("extensible array index block lists %d super blocks of %d", x.iblkSuper, nsblks)
	}
	nsblkAddrs := uint64(nsblks - x.iblkSuper)
	x.unlim = -1
	for i, m := range g.maxDims {
		if m == undefined {
			if x.unlim >= 0 {
				return nil, formatError("extensible array index for more than one unlimited dimension")
			}
			x.unlim = i
		}
	}
	if x.unlim < 0 {
		return nil, formatError("extensible array index without an unlimited dimension")
	}
	if iblock == undefined {
		return x, nil
	}
	isize := uint64(4+1+1+f.offSize) + x.idxElmts*uint64(x.elem) + (ndblk+nsblkAddrs)*uint64(f.offSize) + 4
	blk, err := f.readAt(iblock, isize)
	if err != nil {
		return nil, fmt.Errorf("extensible array index block: %w", err)
	}
	if err := x.checkBlock(blk, "EAIB", "extensible array index block"); err != nil {
		return nil, err
	}
	d = f.decoder(blk[4+1+1+f.offSize:])
	x.iblkElems = d.bytes(int(x.idxElmts) * x.elem)
	for i := uint64(0); i < ndblk; i++ {
		x.iblkDblks = append(x.iblkDblks, d.addr())
	}
	for i := uint64(0); i < nsblkAddrs; i++ {
		x.iblkSblks = append(x.iblkSblks, d.addr())
	}
	if d.err != nil {
		return nil, d.err
	}
	return x, nil
}

func (x *extensibleArray) checkBlock(blk []byte, sig, what string) error {
	if !bytes.HasPrefix(blk, []byte(sig)) {
		return formatError("%s lacks the %s signature", what, sig)
	}
	if err := verifyChecksum(blk, what); err != nil {
		return err
	}
	if a := x.f.decoder(blk[6:]).addr(); a != x.hdr {
		return formatError("%s points to header %d, not %d", what, a, x.hdr)
	}
	return nil
}

// dataBlockElement returns element i of the data block at addr holding n
// elements; bitmap/npages describe paging (from its secondary block).
func (x *extensibleArray) dataBlockElement(addr, n, i uint64, pageInit func(page uint64) bool) ([]byte, error) {
	es := uint64(x.elem)
	prefix := uint64(4+1+1+x.f.offSize) + uint64(x.arrOff)
	if n <= x.pageN {
		blk, ok := x.blockCache[addr]
		if !ok {
			b, err := x.f.readAt(addr, prefix+n*es+4)
			if err != nil {
				return nil, fmt.Errorf("extensible array data block: %w", err)
			}
			if err := x.checkBlock(b, "EADB", "extensible array data block"); err != nil {
				return nil, err
			}
			blk = b[prefix : len(b)-4]
			x.blockCache[addr] = blk
		}
		return blk[i*es : (i+1)*es], nil
	}
	page := i / x.pageN
	if pageInit == nil || !pageInit(page) {
		return nil, nil
	}
	paddr := addr + prefix + 4 + page*(x.pageN*es+4)
	blk, ok := x.blockCache[paddr]
	if !ok {
		b, err := x.f.readAt(paddr, x.pageN*es+4)
		if err != nil {
			return nil, fmt.Errorf("extensible array data block page: %w", err)
		}
		if err := verifyChecksum(b, "extensible array data block page"); err != nil {
			return nil, err
		}
		blk = b[:len(b)-4]
		x.blockCache[paddr] = blk
	}
	j := i % x.pageN
	return blk[j*es : (j+1)*es], nil
}

func (x *extensibleArray) secondary(addr uint64, s eaSuper) (*eaSecondary, error) {
	if sb, ok := x.superBlocks[addr]; ok {
		return sb, nil
	}
	sb := &eaSecondary{}
	var mapLen uint64
	if s.dblkN > x.pageN {
		sb.npages = s.dblkN / x.pageN
		mapLen = s.ndblks * ((sb.npages + 7) / 8)
	}
	size := uint64(4+1+1+x.f.offSize+x.arrOff) + mapLen + s.ndblks*uint64(x.f.offSize) + 4
	blk, err := x.f.readAt(addr, size)
	if err != nil {
		return nil, fmt.Errorf("extensible array secondary block: %w", err)
	}
	if err := x.checkBlock(blk, "EASB", "extensible array secondary block"); err != nil {
		return nil, err
	}
	d := x.f.decoder(blk[4+1+1+x.f.offSize+x.arrOff:])
	sb.bitmap = d.bytes(int(mapLen))
	for i := uint64(0); i < s.ndblks; i++ {
		sb.dblks = append(sb.dblks, d.addr())
	}
	if d.err != nil {
		return nil, d.err
	}
	x.superBlocks[addr] = sb
	return sb, nil
}

// element returns array element idx, or nil when it was never set.
func (x *extensibleArray) element(idx uint64) ([]byte, error) {
	if idx >= x.maxIdxSet {
		return nil, nil
	}
	if idx < x.idxElmts {
		return x.iblkElems[idx*uint64(x.elem) : (idx+1)*uint64(x.elem)], nil
	}
	rel := idx - x.idxElmts
	sblk := log2(rel/x.dblkMin + 1)
	if sblk >= len(x.sblk) {
		return nil, formatError("extensible array index %d beyond its %d super blocks", idx, len(x.sblk))
	}
	s := x.sblk[sblk]
	if rel < s.startIdx {
		return nil, formatError("extensible array index %d before its super block", idx)
	}
	e := rel - s.startIdx
	if sblk < x.iblkSuper {
		di := s.startDblk + e/s.dblkN
		if di >= uint64(len(x.iblkDblks)) {
			return nil, formatError("extensible array data block %d beyond the index block's %d", di, len(x.iblkDblks))
		}
		addr := x.iblkDblks[di]
		if addr == undefined {
			return nil, nil
		}
		return x.dataBlockElement(addr, s.dblkN, e%s.dblkN, nil)
	}
	si := sblk - x.iblkSuper
	if si >= len(x.iblkSblks) || x.iblkSblks[si] == undefined {
		return nil, nil
	}
	sb, err := x.secondary(x.iblkSblks[si], s)
	if err != nil {
		return nil, err
	}
	di := e / s.dblkN
	if di >= uint64(len(sb.dblks)) || sb.dblks[di] == undefined {
		return nil, nil
	}
	return x.dataBlockElement(sb.dblks[di], s.dblkN, e%s.dblkN, func(page uint64) bool {
		return bitSet(sb.bitmap, di*sb.npages+page)
	})
}

func (x *extensibleArray) visit(lo, hi []uint64, fn func(chunkRecord) error) error {
	if len(x.iblkElems) == 0 && len(x.iblkDblks) == 0 && len(x.iblkSblks) == 0 {
		return nil
	}
	// The linear index puts the unlimited dimension first ("swizzled"),
	// the others after it in their order, over the maximum chunk counts.
	n := x.g.nchunks(x.g.maxDims)
	order := []int{x.unlim}
	for i := range n {
		if i != x.unlim {
			order = append(order, i)
		}
	}
	sw := make([]uint64, len(n))
	swn := make([]uint64, len(n))
	for j, i := range order {
		swn[j] = n[i]
	}
	return forBox(lo, hi, func(sc []uint64) error {
		for j, i := range order {
			sw[j] = sc[i]
		}
		e, err := x.element(linear(sw, swn))
		if err != nil || e == nil {
			return err
		}
		addr, size, mask := x.f.decodeChunkElement(e, x.g.filtered)
		if addr == undefined {
			return nil
		}
		if !x.g.filtered {
			size = x.g.nominal
		}
		return fn(chunkRecord{scaled: append([]uint64(nil), sc...), addr: addr, size: size, mask: mask})
	})
}

// btree2Index is the version 2 B-tree chunk index (record types 10 and 11).
type btree2Index struct {
	bt *btree2
	g  *chunkGeometry
}

func (f *File) openBTree2Index(addr uint64, g *chunkGeometry) (*btree2Index, error) {
	typ := uint8(10)
	if g.filtered {
		typ = 11
	}
	bt, err := f.openBTree2(addr, typ)
	if err != nil {
		return nil, err
	}
	min := f.offSize + 8*g.rank
	if g.filtered {
		min += 5
	}
	if bt.recSize < min || bt.recSize > min+7 {
		return nil, formatError("chunk B-tree records of %d bytes for rank %d", bt.recSize, g.rank)
	}
	return &btree2Index{bt: bt, g: g}, nil
}

func (x *btree2Index) record(rec []byte) chunkRecord {
	f := x.bt.f
	rank := x.g.rank
	d := f.decoder(rec)
	r := chunkRecord{addr: d.addr()}
	if x.g.filtered {
		r.size = d.uvar(len(rec) - f.offSize - 4 - 8*rank)
		r.mask = d.u32()
	} else {
		r.size = x.g.nominal
	}
	r.scaled = make([]uint64, rank)
	for i := range r.scaled {
		r.scaled[i] = d.u64()
	}
	return r
}

func (x *btree2Index) visit(lo, hi []uint64, fn func(chunkRecord) error) error {
	descend := func(left, right []byte) bool {
		if left != nil && lexCompare(x.record(left).scaled, hi) > 0 {
			return false
		}
		if right != nil && lexCompare(x.record(right).scaled, lo) < 0 {
			return false
		}
		return true
	}
	return x.bt.walk(descend, func(rec []byte) error {
		r := x.record(rec)
		for i := range r.scaled {
			if r.scaled[i] < lo[i] || r.scaled[i] > hi[i] {
				return nil
			}
		}
		if r.addr == undefined {
			return nil
		}
		return fn(r)
	})
}
