package similarity

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// npyMagic opens every NumPy .npy file.
const npyMagic = "\x93NUMPY"

// maxNPYHeader bounds the header a reader accepts; NumPy's own headers are
// a few hundred bytes.
const maxNPYHeader = 1 << 20

// maxNPYElements bounds the declared array size (2³¹ values, 16 GiB of
// float64) so that a corrupt shape fails fast; memory still grows only with
// the data actually present.
const maxNPYElements = 1 << 31

// ReadNPY reads a NumPy .npy array (format versions 1.0, 2.0 and 3.0) as a
// representation: a 2-D array of shape (P, N) becomes a P×N matrix, a 1-D
// array of length P a P×1 matrix, and an array of shape (P, d₁, d₂, …) is
// flattened to P×(d₁·d₂·…) in C order, as X.reshape(P, -1) would do (the
// usual layout of network activations). C and Fortran order, either byte
// order, and float64, float32, signed and unsigned integer and boolean
// element types are accepted.
func ReadNPY(r io.Reader) (*mat.Dense, error) {
	br := bufio.NewReader(r)
	var pre [8]byte
	if _, err := io.ReadFull(br, pre[:]); err != nil {
		return nil, fmt.Errorf("similarity: npy: reading the magic string: %w", err)
	}
	if string(pre[:6]) != npyMagic {
		return nil, fmt.Errorf("similarity: npy: not a .npy file (magic %q)", pre[:6])
	}
	var hlen int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return nil, fmt.Errorf("similarity: npy: reading the header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return nil, fmt.Errorf("similarity: npy: reading the header length: %w", err)
		}
		l := binary.LittleEndian.Uint32(b[:])
		if l > maxNPYHeader {
			return nil, fmt.Errorf("similarity: npy: header length %d exceeds %d bytes", l, maxNPYHeader)
		}
		hlen = int(l)
	default:
		return nil, fmt.Errorf("similarity: npy: unsupported format version %d.%d", pre[6], pre[7])
	}
	header := make([]byte, hlen)
	if _, err := io.ReadFull(br, header); err != nil {
		return nil, fmt.Errorf("similarity: npy: header of %d bytes is truncated: %w", hlen, err)
	}
	h, err := parseNPYHeader(string(header))
	if err != nil {
		return nil, err
	}
	dt, err := npyType(h.descr)
	if err != nil {
		return nil, err
	}
	rows, cols, total, err := npyShape(h.shape)
	if err != nil {
		return nil, err
	}
	data, err := readNPYData(br, dt, total)
	if err != nil {
		return nil, err
	}
	out := mat.NewDense(rows, cols, nil)
	raw := out.RawMatrix()
	if !h.fortran || len(h.shape) <= 1 {
		copy(raw.Data, data)
		return out, nil
	}
	// Fortran order: element (i, t₁, …, t_k) sits at i + s₀(t₁ + s₁(t₂ + …)).
	trail := h.shape[1:]
	idx := make([]int, len(trail))
	for c := 0; c < cols; c++ {
		rem := c
		for d := len(trail) - 1; d >= 0; d-- {
			idx[d] = rem % trail[d]
			rem /= trail[d]
		}
		off, stride := 0, 1
		for d := range trail {
			off += idx[d] * stride
			stride *= trail[d]
		}
		for i := 0; i < rows; i++ {
			raw.Data[i*raw.Stride+c] = data[i+rows*off]
		}
	}
	return out, nil
}

// LoadNPY reads a .npy file (see ReadNPY).
func LoadNPY(path string) (*mat.Dense, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("similarity: %w", err)
	}
	defer f.Close()
	m, err := ReadNPY(f)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return m, nil
}

type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
}

// parseNPYHeader parses the Python dict literal of a .npy header, e.g.
// {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }.
func parseNPYHeader(s string) (npyHeader, error) {
	var h npyHeader
	p := &literalParser{s: s}
	if !p.accept('{') {
		return h, fmt.Errorf("similarity: npy: header does not start with '{': %.80q", s)
	}
	seen := map[string]bool{}
	for {
		if p.accept('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return h, fmt.Errorf("similarity: npy: header key: %w", err)
		}
		if !p.accept(':') {
			return h, fmt.Errorf("similarity: npy: missing ':' after header key %q", key)
		}
		switch key {
		case "descr":
			if h.descr, err = p.str(); err != nil {
				return h, fmt.Errorf("similarity: npy: descr: %w", err)
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				h.fortran = true
			case p.word("False"):
				h.fortran = false
			default:
				return h, fmt.Errorf("similarity: npy: fortran_order is neither True nor False")
			}
		case "shape":
			if h.shape, err = p.tuple(); err != nil {
				return h, fmt.Errorf("similarity: npy: shape: %w", err)
			}
		default:
			return h, fmt.Errorf("similarity: npy: unexpected header key %q", key)
		}
		seen[key] = true
		if !p.accept(',') {
			if !p.accept('}') {
				return h, fmt.Errorf("similarity: npy: expected ',' or '}' in header after %q", key)
			}
			break
		}
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("similarity: npy: header lacks %q", k)
		}
	}
	return h, nil
}

type literalParser struct {
	s string
	i int
}

func (p *literalParser) skip() {
	for p.i < len(p.s) && strings.ContainsRune(" \t\r\n", rune(p.s[p.i])) {
		p.i++
	}
}

func (p *literalParser) accept(c byte) bool {
	p.skip()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *literalParser) word(w string) bool {
	p.skip()
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

func (p *literalParser) str() (string, error) {
	p.skip()
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", errors.New("expected a quoted string")
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return v, nil
}

func (p *literalParser) tuple() ([]int, error) {
	if !p.accept('(') {
		return nil, errors.New("expected '('")
	}
	var out []int
	for {
		if p.accept(')') {
			return out, nil
		}
		p.skip()
		start := p.i
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		if start == p.i || p.i-start > 18 {
			return nil, fmt.Errorf("expected a dimension at %.20q", p.s[start:])
		}
		var v int
		for _, c := range p.s[start:p.i] {
			v = v*10 + int(c-'0')
		}
		out = append(out, v)
		if len(out) > 32 {
			return nil, errors.New("more than 32 dimensions")
		}
		if !p.accept(',') {
			if !p.accept(')') {
				return nil, errors.New("expected ',' or ')'")
			}
			return out, nil
		}
	}
}

// npyDType describes one element type.
type npyDType struct {
	size   int
	order  binary.ByteOrder
	decode func([]byte, binary.ByteOrder) float64
}

func npyType(descr string) (npyDType, error) {
	if len(descr) < 3 {
		return npyDType{}, fmt.Errorf("similarity: npy: unsupported dtype %q", descr)
	}
	var order binary.ByteOrder
	switch descr[0] {
	case '<', '|', '=':
		order = binary.LittleEndian
	case '>':
		order = binary.BigEndian
	default:
		return npyDType{}, fmt.Errorf("similarity: npy: unsupported byte order in dtype %q", descr)
	}
	kinds := map[string]npyDType{
		"f8": {8, nil, func(b []byte, o binary.ByteOrder) float64 { return math.Float64frombits(o.Uint64(b)) }},
		"f4": {4, nil, func(b []byte, o binary.ByteOrder) float64 { return float64(math.Float32frombits(o.Uint32(b))) }},
		"i8": {8, nil, func(b []byte, o binary.ByteOrder) float64 { return float64(int64(o.Uint64(b))) }},
		"i4": {4, nil, func(b []byte, o binary.ByteOrder) float64 { return float64(int32(o.Uint32(b))) }},
		"i2": {2, nil, func(b []byte, o binary.ByteOrder) float64 { return float64(int16(o.Uint16(b))) }},
		"i1": {1, nil, func(b []byte, _ binary.ByteOrder) float64 { return float64(int8(b[0])) }},
		"u8": {8, nil, func(b []byte, o binary.ByteOrder) float64 { return float64(o.Uint64(b)) }},
		"u4": {4, nil, func(b []byte, o binary.ByteOrder) float64 { return float64(o.Uint32(b)) }},
		"u2": {2, nil, func(b []byte, o binary.ByteOrder) float64 { return float64(o.Uint16(b)) }},
		"u1": {1, nil, func(b []byte, _ binary.ByteOrder) float64 { return float64(b[0]) }},
		"b1": {1, nil, func(b []byte, _ binary.ByteOrder) float64 {
			if b[0] != 0 {
				return 1
			}
			return 0
		}},
	}
	dt, ok := kinds[descr[1:]]
	if !ok {
		return npyDType{}, fmt.Errorf("similarity: npy: unsupported dtype %q (need float, integer or bool)", descr)
	}
	dt.order = order
	return dt, nil
}

func npyShape(shape []int) (rows, cols, total int, err error) {
	switch len(shape) {
	case 0:
		return 0, 0, 0, fmt.Errorf("similarity: npy: a scalar is not a representation; need shape (P, N)")
	case 1:
		rows, cols = shape[0], 1
	default:
		rows, cols = shape[0], 1
		for _, d := range shape[1:] {
			if d != 0 && cols > maxNPYElements/d {
				return 0, 0, 0, fmt.Errorf("similarity: npy: shape %v has more than %d elements", shape, maxNPYElements)
			}
			cols *= d
		}
	}
	if rows == 0 || cols == 0 {
		return 0, 0, 0, fmt.Errorf("similarity: npy: shape %v is empty", shape)
	}
	if rows > maxNPYElements/cols {
		return 0, 0, 0, fmt.Errorf("similarity: npy: shape %v has more than %d elements", shape, maxNPYElements)
	}
	return rows, cols, rows * cols, nil
}

// readNPYData decodes total elements, growing the buffer only as data
// arrives so that a header promising more than the file holds cannot
// allocate memory it does not need.
func readNPYData(r io.Reader, dt npyDType, total int) ([]float64, error) {
	const chunk = 1 << 16
	out := make([]float64, 0, min(total, chunk))
	buf := make([]byte, chunk*dt.size)
	for len(out) < total {
		want := min(total-len(out), chunk)
		b := buf[:want*dt.size]
		n, err := io.ReadFull(r, b)
		for k := 0; k+dt.size <= n; k += dt.size {
			out = append(out, dt.decode(b[k:k+dt.size], dt.order))
		}
		if err != nil {
			return nil, fmt.Errorf("similarity: npy: data truncated: the header promises %d elements, the file holds %d", total, len(out))
		}
	}
	return out, nil
}
