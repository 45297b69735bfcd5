package hdf5

import (
	"bytes"
	"fmt"
)

// maxTreeDepth bounds the levels of any B-tree: a well-formed tree of
// this depth would index more entries than a file can hold.
const maxTreeDepth = 48

// v1 B-tree node types.
const (
	btreeGroup = 0
	btreeChunk = 1
)

// btree1Node is one parsed version 1 B-tree node: N children and N+1 keys.
type btree1Node struct {
	level    int
	keys     [][]byte
	children []uint64
}

func (f *File) readBTree1Node(addr uint64, typ int, keySize int) (*btree1Node, error) {
	hsize := uint64(8 + 2*f.offSize)
	hdr, err := f.readAt(addr, hsize)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(hdr, []byte("TREE")) {
		return nil, formatError("B-tree node at %d lacks the TREE signature", addr)
	}
	d := f.decoder(hdr)
	d.skip(4)
	if t := int(d.u8()); t != typ {
		return nil, formatError("B-tree node at %d has type %d, want %d", addr, t, typ)
	}
	n := &btree1Node{level: int(d.u8())}
	entries := int(d.u16())
	if d.err != nil {
		return nil, d.err
	}
	body, err := f.readAt(addr+hsize, uint64(entries+1)*uint64(keySize)+uint64(entries)*uint64(f.offSize))
	if err != nil {
		return nil, fmt.Errorf("B-tree node at %d with %d entries: %w", addr, entries, err)
	}
	d = f.decoder(body)
	for i := 0; i <= entries; i++ {
		n.keys = append(n.keys, d.bytes(keySize))
		if i < entries {
			n.children = append(n.children, d.addr())
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	return n, nil
}

// walkBTree1 visits the leaf-level children of the v1 B-tree rooted at
// root, in key order. descend(left, right) reports whether the subtree
// between keys left and right may hold wanted entries; leaf(key, child,
// nextKey) handles one leaf entry.
func (f *File) walkBTree1(root uint64, typ, keySize int, descend func(left, right []byte) bool,
	leaf func(key []byte, child uint64, next []byte) error) error {
	seen := map[uint64]bool{}
	var visit func(addr uint64, wantLevel int) error
	visit = func(addr uint64, wantLevel int) error {
		if seen[addr] {
			return formatError("B-tree cycle at node %d", addr)
		}
		seen[addr] = true
		n, err := f.readBTree1Node(addr, typ, keySize)
		if err != nil {
			return err
		}
		if wantLevel >= 0 && n.level != wantLevel {
			return formatError("B-tree node at %d has level %d under a node of level %d", addr, n.level, wantLevel+1)
		}
		if n.level > maxTreeDepth {
			return formatError("B-tree node at %d claims level %d", addr, n.level)
		}
		for i, c := range n.children {
			if n.level == 0 {
				if err := leaf(n.keys[i], c, n.keys[i+1]); err != nil {
					return err
				}
				continue
			}
			if descend != nil && !descend(n.keys[i], n.keys[i+1]) {
				continue
			}
			if err := visit(c, n.level-1); err != nil {
				return err
			}
		}
		return nil
	}
	return visit(root, -1)
}

// btree2 is an open version 2 B-tree: its header and the sizes derived from
// it (format specification III.A.2).
type btree2 struct {
	f         *File
	typ       uint8
	nodeSize  uint64
	recSize   int
	depth     int
	root      uint64
	rootNrec  int
	total     uint64
	nrecSize  int   // bytes of "number of records in child"
	cumSize   []int // bytes of "total records in child" for children at each depth
	maxNrec   []int // most records a node at each depth holds
	ptrSize   []int // bytes of one child pointer in a node at each depth
	nodeCount int
}

func (f *File) openBTree2(addr uint64, typ uint8) (*btree2, error) {
	size := uint64(4 + 1 + 1 + 4 + 2 + 2 + 1 + 1 + f.offSize + 2 + f.lenSize + 4)
	b, err := f.readAt(addr, size)
	if err != nil {
		return nil, fmt.Errorf("v2 B-tree header: %w", err)
	}
	if !bytes.HasPrefix(b, []byte("BTHD")) {
		return nil, formatError("v2 B-tree header at %d lacks the BTHD signature", addr)
	}
	if err := verifyChecksum(b, "v2 B-tree header"); err != nil {
		return nil, err
	}
	d := f.decoder(b)
	d.skip(4)
	if v := d.u8(); v != 0 {
		return nil, formatError("v2 B-tree version %d", v)
	}
	bt := &btree2{f: f, typ: d.u8()}
	bt.nodeSize = uint64(d.u32())
	bt.recSize = int(d.u16())
	bt.depth = int(d.u16())
	d.skip(2)
	bt.root = d.addr()
	bt.rootNrec = int(d.u16())
	bt.total = d.length()
	if d.err != nil {
		return nil, d.err
	}
	if bt.typ != typ {
		return nil, formatError("v2 B-tree at %d has type %d, want %d", addr, bt.typ, typ)
	}
	if bt.recSize == 0 || bt.nodeSize < 10+uint64(bt.recSize) || bt.nodeSize > f.eof || bt.depth > maxTreeDepth {
		return nil, formatError("v2 B-tree with %d-byte nodes, %d-byte records and depth %d", bt.nodeSize, bt.recSize, bt.depth)
	}
	// Sizes per depth, as H5B2__hdr_init computes them.
	leafMax := (bt.nodeSize - 10) / uint64(bt.recSize)
	bt.nrecSize = bytesFor(leafMax)
	bt.maxNrec = []int{int(leafMax)}
	bt.cumSize = []int{0}
	bt.ptrSize = []int{0}
	cum := leafMax
	for u := 1; u <= bt.depth; u++ {
		ptr := f.offSize + bt.nrecSize
		if u > 1 {
			ptr += bt.cumSize[u-1]
		}
		if bt.nodeSize < 10+uint64(ptr) {
			return nil, formatError("v2 B-tree nodes too small for depth %d", bt.depth)
		}
		m := (bt.nodeSize - 10 - uint64(ptr)) / uint64(bt.recSize+ptr)
		if m == 0 {
			return nil, formatError("v2 B-tree internal nodes hold no records")
		}
		if cum > 1<<62/(m+1) {
			cum = 1 << 62
		} else {
			cum = (m+1)*cum + m
		}
		bt.maxNrec = append(bt.maxNrec, int(m))
		bt.cumSize = append(bt.cumSize, bytesFor(cum))
		bt.ptrSize = append(bt.ptrSize, ptr)
	}
	return bt, nil
}

// walk visits the records of bt in order. descend(left, right) reports
// whether the child between records left and right (nil at either end) may
// hold wanted records; nil descends everywhere.
func (bt *btree2) walk(descend func(left, right []byte) bool, fn func(rec []byte) error) error {
	if bt.root == undefined || bt.total == 0 {
		return nil
	}
	seen := map[uint64]bool{}
	return bt.visit(bt.root, bt.rootNrec, bt.depth, seen, descend, fn)
}

func (bt *btree2) visit(addr uint64, nrec, depth int, seen map[uint64]bool,
	descend func(left, right []byte) bool, fn func(rec []byte) error) error {
	f := bt.f
	if seen[addr] {
		return formatError("v2 B-tree cycle at node %d", addr)
	}
	seen[addr] = true
	if nrec > bt.maxNrec[depth] {
		return formatError("v2 B-tree node at %d with %d records (at most %d fit)", addr, nrec, bt.maxNrec[depth])
	}
	sig := "BTLF"
	used := 6 + nrec*bt.recSize
	if depth > 0 {
		sig = "BTIN"
		used += (nrec + 1) * bt.ptrSize[depth]
	}
	b, err := f.readAt(addr, uint64(used+4))
	if err != nil {
		return fmt.Errorf("v2 B-tree node: %w", err)
	}
	if !bytes.HasPrefix(b, []byte(sig)) {
		return formatError("v2 B-tree node at %d lacks the %s signature", addr, sig)
	}
	if b[5] != bt.typ {
		return formatError("v2 B-tree node at %d has type %d, want %d", addr, b[5], bt.typ)
	}
	if err := verifyChecksum(b, "v2 B-tree node"); err != nil {
		return err
	}
	recs := b[6 : 6+nrec*bt.recSize]
	rec := func(i int) []byte { return recs[i*bt.recSize : (i+1)*bt.recSize] }
	if depth == 0 {
		for i := 0; i < nrec; i++ {
			if err := fn(rec(i)); err != nil {
				return err
			}
		}
		return nil
	}
	d := f.decoder(b[6+nrec*bt.recSize : used])
	type child struct {
		addr uint64
		nrec int
	}
	kids := make([]child, nrec+1)
	for i := range kids {
		kids[i].addr = d.addr()
		kids[i].nrec = int(d.uvar(bt.nrecSize))
		if depth > 1 {
			d.uvar(bt.cumSize[depth-1])
		}
	}
	if d.err != nil {
		return d.err
	}
	for i := 0; i <= nrec; i++ {
		var left, right []byte
		if i > 0 {
			left = rec(i - 1)
		}
		if i < nrec {
			right = rec(i)
		}
		if descend == nil || descend(left, right) {
			if err := bt.visit(kids[i].addr, kids[i].nrec, depth-1, seen, descend, fn); err != nil {
				return err
			}
		}
		if i < nrec {
			if err := fn(rec(i)); err != nil {
				return err
			}
		}
	}
	return nil
}
