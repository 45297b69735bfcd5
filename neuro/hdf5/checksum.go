package hdf5

import "encoding/binary"

// lookup3 is Bob Jenkins' lookup3 hashlittle with initial value 0, the
// checksum of every HDF5 metadata block with a checksum field and the hash
// of link and attribute names in dense storage indexes.
func lookup3(k []byte) uint32 {
	rot := func(x uint32, n uint) uint32 { return x<<n | x>>(32-n) }
	length := len(k)
	a := 0xdeadbeef + uint32(length)
	b, c := a, a
	for length > 12 {
		a += binary.LittleEndian.Uint32(k[0:])
		b += binary.LittleEndian.Uint32(k[4:])
		c += binary.LittleEndian.Uint32(k[8:])
		// mix(a, b, c)
		a -= c
		a ^= rot(c, 4)
		c += b
		b -= a
		b ^= rot(a, 6)
		a += c
		c -= b
		c ^= rot(b, 8)
		b += a
		a -= c
		a ^= rot(c, 16)
		c += b
		b -= a
		b ^= rot(a, 19)
		a += c
		c -= b
		c ^= rot(b, 4)
		b += a
		length -= 12
		k = k[12:]
	}
	if length == 0 {
		return c
	}
	// The last block of 1..12 bytes, zero-padded, as the byte-wise
	// variant of hashlittle reads it.
	var tail [12]byte
	copy(tail[:], k)
	a += binary.LittleEndian.Uint32(tail[0:])
	b += binary.LittleEndian.Uint32(tail[4:])
	c += binary.LittleEndian.Uint32(tail[8:])
	// final(a, b, c)
	c ^= b
	c -= rot(b, 14)
	a ^= c
	a -= rot(c, 11)
	b ^= a
	b -= rot(a, 25)
	c ^= b
	c -= rot(b, 16)
	a ^= c
	a -= rot(c, 4)
	b ^= a
	b -= rot(a, 14)
	c ^= b
	c -= rot(b, 24)
	return c
}

// verifyChecksum checks that the last four bytes of block are the lookup3
// checksum of the bytes before them.
func verifyChecksum(block []byte, what string) error {
	if len(block) < 4 {
		return formatError("%s shorter than its checksum", what)
	}
	n := len(block) - 4
	want := binary.LittleEndian.Uint32(block[n:])
	if got := lookup3(block[:n]); got != want {
		return errChecksum(what, got, want)
	}
	return nil
}

func errChecksum(what string, got, want uint32) error {
	return &checksumError{what: what, got: got, want: want}
}

type checksumError struct {
	what      string
	got, want uint32
}

func (e *checksumError) Error() string {
	return e.what + ": checksum mismatch (stored 0x" + hex32(e.want) + ", computed 0x" + hex32(e.got) + ")"
}

func (e *checksumError) Is(target error) bool { return target == ErrChecksum }

func hex32(v uint32) string {
	const digits = "0123456789abcdef"
	var b [8]byte
	for i := 7; i >= 0; i-- {
		b[i] = digits[v&15]
		v >>= 4
	}
	return string(b[:])
}

// fletcher32 is the HDF5 Fletcher-32 checksum: sums of the data read as
// big-endian 16-bit words (a final odd byte is the high byte of a word),
// each sum reduced modulo 65535 (with the end-around carry), result
// sum2<<16 | sum1.
func fletcher32(data []byte) uint32 {
	var sum1, sum2 uint32
	n := len(data) / 2
	p := data
	for n > 0 {
		t := min(n, 360)
		n -= t
		for i := 0; i < t; i++ {
			sum1 += uint32(p[0])<<8 | uint32(p[1])
			p = p[2:]
			sum2 += sum1
		}
		sum1 = (sum1 & 0xffff) + (sum1 >> 16)
		sum2 = (sum2 & 0xffff) + (sum2 >> 16)
	}
	if len(data)%2 == 1 {
		sum1 += uint32(p[0]) << 8
		sum2 += sum1
		sum1 = (sum1 & 0xffff) + (sum1 >> 16)
		sum2 = (sum2 & 0xffff) + (sum2 >> 16)
	}
	sum1 = (sum1 & 0xffff) + (sum1 >> 16)
	sum2 = (sum2 & 0xffff) + (sum2 >> 16)
	return sum2<<16 | sum1
}
