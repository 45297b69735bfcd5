package hdf5

import (
	"bytes"
	"fmt"
	"sort"
)

// maxLinks bounds the members of one group.
const maxLinks = 1 << 24

// Links returns g's links ordered by name (byte order), or by creation
// order when the group tracks it: the order h5py iterates a group in.
func (g *Group) Links() ([]Link, error) {
	oh := g.oh
	oh.mu.Lock()
	if !oh.linksDone {
		oh.links, oh.linkOrder, oh.linksErr = g.f.links(oh)
		oh.linksDone = true
	}
	links, tracked, err := append([]Link(nil), oh.links...), oh.linkOrder, oh.linksErr
	oh.mu.Unlock()
	if err != nil {
		return nil, wrap(g.path, "links", err)
	}
	byOrder := tracked
	for _, l := range links {
		if !l.hasOrder {
			byOrder = false
		}
	}
	if byOrder {
		sort.SliceStable(links, func(i, j int) bool { return links[i].order < links[j].order })
	} else {
		sort.SliceStable(links, func(i, j int) bool { return links[i].Name < links[j].Name })
	}
	return links, nil
}

// links reads the links of the group with header oh, from its symbol
// table (old-style groups), its link messages (compact) or its fractal
// heap (dense); tracked reports whether creation order is tracked.
func (f *File) links(oh *objectHeader) (links []Link, tracked bool, err error) {
	if m, ok := oh.find(msgSymbolTable); ok {
		d := f.decoder(m.data)
		bt, heap := d.addr(), d.addr()
		if d.err != nil {
			return nil, false, fmt.Errorf("symbol table message: %w", d.err)
		}
		links, err := f.symbolTableLinks(bt, heap)
		return links, false, err
	}
	if m, ok := oh.find(msgLinkInfo); ok {
		d := f.decoder(m.data)
		if v := d.u8(); v != 0 && d.err == nil {
			return nil, false, formatError("link info message version %d", v)
		}
		flags := d.u8()
		tracked = flags&1 != 0
		if tracked {
			d.skip(8)
		}
		heapAddr, nameIndex := d.addr(), d.addr()
		if d.err != nil {
			return nil, false, fmt.Errorf("link info message: %w", d.err)
		}
		if heapAddr != undefined {
			links, err := f.denseLinks(heapAddr, nameIndex)
			return links, tracked, err
		}
	}
	for _, m := range oh.msgs {
		if m.typ != msgLink {
			continue
		}
		l, err := f.parseLink(m.data)
		if err != nil {
			return nil, false, err
		}
		links = append(links, l)
	}
	return links, tracked, nil
}

// symbolTableLinks lists an old-style group: a v1 B-tree of symbol table
// nodes whose entries name their links by offsets into a local heap.
func (f *File) symbolTableLinks(btree, heapAddr uint64) ([]Link, error) {
	heap, err := f.readLocalHeap(heapAddr)
	if err != nil {
		return nil, err
	}
	var links []Link
	entrySize := 2*f.offSize + 8 + 16
	err = f.walkBTree1(btree, btreeGroup, f.lenSize, nil, func(_ []byte, child uint64, _ []byte) error {
		hdr, err := f.readAt(child, 8)
		if err != nil {
			return fmt.Errorf("symbol table node: %w", err)
		}
		if !bytes.HasPrefix(hdr, []byte("SNOD")) {
			return formatError("symbol table node at %d lacks the SNOD signature", child)
		}
		n := int(hdr[6]) | int(hdr[7])<<8
		if len(links)+n > maxLinks {
			return formatError("more than %d links in a group", maxLinks)
		}
		body, err := f.readAt(child+8, uint64(n*entrySize))
		if err != nil {
			return fmt.Errorf("symbol table node with %d entries: %w", n, err)
		}
		d := f.decoder(body)
		for i := 0; i < n; i++ {
			nameOff := d.uvar(f.offSize)
			addr := d.addr()
			cache := d.u32()
			d.skip(4)
			scratch := d.bytes(16)
			if d.err != nil {
				return d.err
			}
			name, err := heap.str(nameOff)
			if err != nil {
				return err
			}
			l := Link{Name: name, Type: HardLink, Address: addr}
			if cache == 2 {
				target, err := heap.str(uint64(scratch[0]) | uint64(scratch[1])<<8 | uint64(scratch[2])<<16 | uint64(scratch[3])<<24)
				if err != nil {
					return err
				}
				l = Link{Name: name, Type: SoftLink, Target: target}
			}
			links = append(links, l)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return links, nil
}

// denseLinks lists a group whose links are link messages in a fractal heap,
// indexed by a v2 B-tree of name hashes (type 5).
func (f *File) denseLinks(heapAddr, nameIndex uint64) ([]Link, error) {
	heap, err := f.openFractalHeap(heapAddr)
	if err != nil {
		return nil, err
	}
	bt, err := f.openBTree2(nameIndex, 5)
	if err != nil {
		return nil, fmt.Errorf("link name index: %w", err)
	}
	if bt.recSize < 4+heap.idLen {
		return nil, formatError("link name index records of %d bytes for %d-byte heap IDs", bt.recSize, heap.idLen)
	}
	var links []Link
	err = bt.walk(nil, func(rec []byte) error {
		if len(links) >= maxLinks {
			return formatError("more than %d links in a group", maxLinks)
		}
		obj, err := heap.get(rec[4 : 4+heap.idLen])
		if err != nil {
			return err
		}
		l, err := f.parseLink(obj)
		if err != nil {
			return err
		}
		links = append(links, l)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return links, nil
}

// parseLink decodes a link message.
func (f *File) parseLink(b []byte) (Link, error) {
	d := f.decoder(b)
	if v := d.u8(); v != 1 && d.err == nil {
		return Link{}, formatError("link message version %d", v)
	}
	flags := d.u8()
	var l Link
	if flags&0x08 != 0 {
		l.Type = LinkType(d.u8())
	}
	if flags&0x04 != 0 {
		l.order = int64(d.u64())
		l.hasOrder = true
	}
	if flags&0x10 != 0 {
		d.u8() // character set of the name
	}
	n := d.uvar(1 << (flags & 3))
	if n == 0 && d.err == nil {
		return Link{}, formatError("link with an empty name")
	}
	if n > uint64(d.remaining()) {
		return Link{}, formatError("link name of %d bytes in a %d-byte message", n, len(b))
	}
	l.Name = string(d.bytes(int(n)))
	switch l.Type {
	case HardLink:
		l.Address = d.addr()
	case SoftLink:
		m := int(d.u16())
		l.Target = string(d.bytes(m))
	case ExternalLink:
		m := int(d.u16())
		v := d.bytes(m)
		if d.err == nil {
			if len(v) < 1 {
				return Link{}, formatError("external link %q without a value", l.Name)
			}
			parts := bytes.SplitN(v[1:], []byte{0}, 3)
			if len(parts) < 2 {
				return Link{}, formatError("external link %q value malformed", l.Name)
			}
			l.File, l.Target = string(parts[0]), string(parts[1])
		}
	default:
		m := int(d.u16())
		d.skip(m)
	}
	if d.err != nil {
		return Link{}, fmt.Errorf("link message: %w", d.err)
	}
	return l, nil
}
