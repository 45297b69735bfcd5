package hdf5

// unlzf decompresses an LZF stream (h5py's "lzf" filter, ID 32000) that
// should yield want bytes. The stream is a sequence of literal runs (a
// control byte c < 32 followed by c+1 bytes) and back references (length
// c>>5, extended by a byte when it is 7, plus 2; distance ((c&31)<<8 |
// next byte) + 1).
func unlzf(in []byte, want uint64) ([]byte, error) {
	out := make([]byte, 0, want)
	for i := 0; i < len(in); {
		c := int(in[i])
		i++
		if c < 32 {
			n := c + 1
			if i+n > len(in) {
				return nil, formatError("lzf literal run past the end of the input")
			}
			if uint64(len(out)+n) > want {
				return nil, formatError("lzf output longer than the %d-byte chunk", want)
			}
			out = append(out, in[i:i+n]...)
			i += n
			continue
		}
		n := c >> 5
		if n == 7 {
			if i >= len(in) {
				return nil, formatError("lzf back reference truncated")
			}
			n += int(in[i])
			i++
		}
		n += 2
		if i >= len(in) {
			return nil, formatError("lzf back reference truncated")
		}
		dist := (c&0x1f)<<8 | int(in[i])
		i++
		ref := len(out) - dist - 1
		if ref < 0 {
			return nil, formatError("lzf back reference before the start of the output")
		}
		if uint64(len(out)+n) > want {
			return nil, formatError("lzf output longer than the %d-byte chunk", want)
		}
		for k := 0; k < n; k++ {
			out = append(out, out[ref+k])
		}
	}
	return out, nil
}
