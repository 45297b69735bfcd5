package hdf5

import (
	"bytes"
	"fmt"
	"sync"
)

// Object header message types (format specification IV.A.2).
const (
	msgNil          = 0x00
	msgDataspace    = 0x01
	msgLinkInfo     = 0x02
	msgDatatype     = 0x03
	msgFillOld      = 0x04
	msgFill         = 0x05
	msgLink         = 0x06
	msgExternal     = 0x07
	msgLayout       = 0x08
	msgGroupInfo    = 0x0a
	msgFilters      = 0x0b
	msgAttribute    = 0x0c
	msgComment      = 0x0d
	msgSharedTable  = 0x0f
	msgContinuation = 0x10
	msgSymbolTable  = 0x11
	msgBTreeK       = 0x13
	msgDriverInfo   = 0x14
	msgAttrInfo     = 0x15
)

// Message flag bits.
const (
	msgFlagShared      = 0x02
	msgFlagFailUnknown = 0x80
)

// maxHeaderChunks bounds the continuation blocks of one object header.
const maxHeaderChunks = 1 << 16

type message struct {
	typ   uint16
	flags uint8
	data  []byte
}

// objectHeader is a parsed object header: its messages in file order, from
// all of its chunks.
type objectHeader struct {
	addr    uint64
	version int
	msgs    []message
	// attrOrderTracked is bit 2 of a version 2 header's flags.
	attrOrderTracked bool

	// Parsed once: the links of a group, the attributes of any object.
	mu        sync.Mutex
	links     []Link
	linksErr  error
	linksDone bool
	linkOrder bool
	attrs     []*Attribute
	attrsErr  error
	attrsDone bool
}

// find returns the first message of type typ.
func (oh *objectHeader) find(typ uint16) (message, bool) {
	for _, m := range oh.msgs {
		if m.typ == typ {
			return m, true
		}
	}
	return message{}, false
}

// header returns the parsed object header at addr, from the cache when it
// was parsed before.
func (f *File) header(addr uint64) (*objectHeader, error) {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil, ErrClosed
	}
	if oh, ok := f.headers[addr]; ok {
		f.mu.Unlock()
		return oh, nil
	}
	f.mu.Unlock()
	oh, err := f.parseHeader(addr)
	if err != nil {
		return nil, fmt.Errorf("object header at address %d: %w", addr, err)
	}
	f.mu.Lock()
	if f.headers != nil && len(f.headers) < 1<<16 {
		f.headers[addr] = oh
	}
	f.mu.Unlock()
	return oh, nil
}

func (f *File) parseHeader(addr uint64) (*objectHeader, error) {
	if err := f.checkRange(addr, 16); err != nil {
		return nil, err
	}
	pre, err := f.readAt(addr, min(16, f.eof-addr))
	if err != nil {
		return nil, err
	}
	oh := &objectHeader{addr: addr}
	type chunk struct{ addr, size uint64 }
	var todo []chunk
	seen := map[uint64]bool{}
	var total uint64
	if bytes.HasPrefix(pre, []byte("OHDR")) {
		oh.version = 2
		b, err := f.readAt(addr, min(64, f.eof-addr))
		if err != nil {
			return nil, err
		}
		d := f.decoder(b)
		d.skip(4)
		if v := d.u8(); v != 2 {
			return nil, formatError("object header version %d after OHDR signature", v)
		}
		flags := d.u8()
		oh.attrOrderTracked = flags&0x04 != 0
		if flags&0x20 != 0 {
			d.skip(16)
		}
		if flags&0x10 != 0 {
			d.skip(4)
		}
		size := d.uvar(1 << (flags & 3))
		if d.err != nil {
			return nil, d.err
		}
		prefix := uint64(d.off)
		if err := f.checkRange(addr, prefix+size+4); err != nil {
			return nil, err
		}
		block, err := f.readAt(addr, prefix+size+4)
		if err != nil {
			return nil, err
		}
		if err := verifyChecksum(block, "first chunk"); err != nil {
			return nil, err
		}
		total = uint64(len(block))
		seen[addr] = true
		conts, err := oh.parseMessagesV2(f, block[prefix:len(block)-4], flags)
		if err != nil {
			return nil, err
		}
		for _, c := range conts {
			todo = append(todo, chunk(c))
		}
		for len(todo) > 0 {
			c := todo[0]
			todo = todo[1:]
			if seen[c.addr] {
				return nil, formatError("object header continuation cycle at address %d", c.addr)
			}
			seen[c.addr] = true
			if len(seen) > maxHeaderChunks {
				return nil, formatError("more than %d object header continuation blocks", maxHeaderChunks)
			}
			if total += c.size; total > f.eof || c.size < 8 {
				return nil, formatError("object header continuation block of %d bytes", c.size)
			}
			block, err := f.readAt(c.addr, c.size)
			if err != nil {
				return nil, err
			}
			if !bytes.HasPrefix(block, []byte("OCHK")) {
				return nil, formatError("continuation block at %d lacks the OCHK signature", c.addr)
			}
			if err := verifyChecksum(block, "continuation block"); err != nil {
				return nil, err
			}
			conts, err := oh.parseMessagesV2(f, block[4:len(block)-4], flags)
			if err != nil {
				return nil, err
			}
			for _, c := range conts {
				todo = append(todo, chunk(c))
			}
		}
		return oh, nil
	}
	// Version 1: version, reserved, message count, reference count,
	// header size, and 4 bytes of padding before 8-byte-aligned messages.
	d := f.decoder(pre)
	if v := d.u8(); v != 1 {
		return nil, formatError("unknown object header version %d", v)
	}
	oh.version = 1
	d.skip(1)
	d.u16()
	d.u32()
	size := uint64(d.u32())
	if d.err != nil {
		return nil, d.err
	}
	todo = append(todo, chunk{addr + 16, size})
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		if seen[c.addr] {
			return nil, formatError("object header continuation cycle at address %d", c.addr)
		}
		seen[c.addr] = true
		if len(seen) > maxHeaderChunks {
			return nil, formatError("more than %d object header continuation blocks", maxHeaderChunks)
		}
		if total += c.size; total > f.eof {
			return nil, formatError("object header blocks larger than the file")
		}
		block, err := f.readAt(c.addr, c.size)
		if err != nil {
			return nil, err
		}
		conts, err := oh.parseMessagesV1(f, block)
		if err != nil {
			return nil, err
		}
		for _, c := range conts {
			todo = append(todo, chunk(c))
		}
	}
	return oh, nil
}

type continuation struct{ addr, size uint64 }

func (oh *objectHeader) add(f *File, typ uint16, flags uint8, data []byte) ([]continuation, error) {
	if typ == msgContinuation {
		d := f.decoder(data)
		c := continuation{d.addr(), d.length()}
		if d.err != nil {
			return nil, d.err
		}
		return []continuation{c}, nil
	}
	if flags&msgFlagFailUnknown != 0 && !knownMessage(typ) {
		return nil, unsupported("object header message type 0x%04x marked as required", typ)
	}
	if typ != msgNil {
		oh.msgs = append(oh.msgs, message{typ: typ, flags: flags, data: data})
	}
	return nil, nil
}

func knownMessage(typ uint16) bool { return typ <= 0x17 }

func (oh *objectHeader) parseMessagesV1(f *File, block []byte) ([]continuation, error) {
	var conts []continuation
	d := f.decoder(block)
	for d.remaining() >= 8 {
		typ := d.u16()
		size := int(d.u16())
		flags := d.u8()
		d.skip(3)
		data := d.bytes(size)
		if d.err != nil {
			return nil, formatError("object header message of type 0x%04x and %d bytes overruns its block", typ, size)
		}
		c, err := oh.add(f, typ, flags, data)
		if err != nil {
			return nil, err
		}
		conts = append(conts, c...)
		d.align(8)
	}
	return conts, nil
}

func (oh *objectHeader) parseMessagesV2(f *File, block []byte, hflags uint8) ([]continuation, error) {
	var conts []continuation
	d := f.decoder(block)
	hsize := 4
	if hflags&0x04 != 0 {
		hsize = 6
	}
	for d.remaining() >= hsize {
		typ := uint16(d.u8())
		size := int(d.u16())
		flags := d.u8()
		if hflags&0x04 != 0 {
			d.u16()
		}
		data := d.bytes(size)
		if d.err != nil {
			return nil, formatError("object header message of type 0x%02x and %d bytes overruns its block", typ, size)
		}
		c, err := oh.add(f, typ, flags, data)
		if err != nil {
			return nil, err
		}
		conts = append(conts, c...)
	}
	return conts, nil
}

// messageData returns the body of m, following a shared message to the
// object header that holds it (a committed datatype, for instance).
func (f *File) messageData(m message, depth int) ([]byte, error) {
	if m.flags&msgFlagShared == 0 {
		return m.data, nil
	}
	if depth > 8 {
		return nil, formatError("shared message chain too long")
	}
	addr, err := f.sharedAddress(m.data)
	if err != nil {
		return nil, err
	}
	oh, err := f.header(addr)
	if err != nil {
		return nil, fmt.Errorf("shared message target: %w", err)
	}
	t, ok := oh.find(m.typ)
	if !ok {
		return nil, formatError("shared message target at %d has no message of type 0x%x", addr, m.typ)
	}
	return f.messageData(t, depth+1)
}

// sharedAddress decodes a shared message (versions 1 to 3) that points at
// another object header.
func (f *File) sharedAddress(b []byte) (uint64, error) {
	d := f.decoder(b)
	version := d.u8()
	typ := d.u8()
	switch version {
	case 1:
		d.skip(6)
	case 2:
	case 3:
		if typ == 1 {
			return 0, unsupported("message stored in the shared object header message heap")
		}
		if typ != 2 {
			return 0, formatError("shared message of location type %d", typ)
		}
	default:
		return 0, formatError("shared message version %d", version)
	}
	a := d.addr()
	if d.err != nil {
		return 0, d.err
	}
	return a, nil
}
