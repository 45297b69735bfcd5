package npy

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"gonum.org/v1/gonum/mat"
)

// Array is an n-dimensional array in C (row-major) order: numbers as
// float64 in Data, or, for NumPy's string dtypes, text in Strings.
type Array struct {
	Shape []int
	// Data holds numeric elements (float, integer and boolean dtypes,
	// converted to float64; integers beyond 2⁵³ lose precision).
	Data []float64
	// Strings holds the elements of a string array (dtype '<U' or '|S',
	// trailing NULs removed, as NumPy returns them); Data is then nil.
	Strings []string
	// DType is the element type in NumPy's notation. Read sets it to the
	// file's type in little-endian form ("<f8", "<u8", "|b1", "<U7", …).
	// Write writes Data as "<f8" when it is empty, and also accepts "<i8"
	// (the values must be integers); it writes Strings as "<U" with the
	// length of the longest string.
	DType string
}

// magic opens every .npy file.
const magic = "\x93NUMPY"

// MaxHeader bounds the header Read accepts; NumPy writes a few hundred bytes.
const MaxHeader = 1 << 20

// MaxElements bounds the declared array size (2³¹ values, 16 GiB of
// float64), so that a corrupt shape fails fast.
const MaxElements = 1 << 31

// Read parses a .npy file.
func Read(r io.Reader) (*Array, error) {
	br := bufio.NewReader(r)
	var pre [8]byte
	if _, err := io.ReadFull(br, pre[:]); err != nil {
		return nil, fmt.Errorf("npy: reading the magic string: %w", err)
	}
	if string(pre[:6]) != magic {
		return nil, fmt.Errorf("npy: not a .npy file (magic %q)", pre[:6])
	}
	var hlen int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return nil, fmt.Errorf("npy: reading the header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return nil, fmt.Errorf("npy: reading the header length: %w", err)
		}
		l := binary.LittleEndian.Uint32(b[:])
		if l > MaxHeader {
			return nil, fmt.Errorf("npy: header length %d exceeds %d bytes", l, MaxHeader)
		}
		hlen = int(l)
	default:
		return nil, fmt.Errorf("npy: unsupported format version %d.%d", pre[6], pre[7])
	}
	header := make([]byte, hlen)
	if _, err := io.ReadFull(br, header); err != nil {
		return nil, fmt.Errorf("npy: header of %d bytes is truncated: %w", hlen, err)
	}
	h, err := parseHeader(string(header))
	if err != nil {
		return nil, err
	}
	total := 1
	for _, d := range h.shape {
		if d != 0 && total > MaxElements/d {
			return nil, fmt.Errorf("npy: shape %v has more than %d elements", h.shape, MaxElements)
		}
		total *= d
	}
	if st, ok, err := stringTypeOf(h.descr); err != nil {
		return nil, err
	} else if ok {
		strs, err := readStrings(br, st, total)
		if err != nil {
			return nil, err
		}
		if h.fortran && len(h.shape) > 1 {
			strs = fortranToC(strs, h.shape)
		}
		return &Array{Shape: h.shape, Strings: strs, DType: st.descr()}, nil
	}
	dt, err := dtypeOf(h.descr)
	if err != nil {
		return nil, err
	}
	data, err := readData(br, dt, total)
	if err != nil {
		return nil, err
	}
	if h.fortran && len(h.shape) > 1 {
		data = fortranToC(data, h.shape)
	}
	return &Array{Shape: h.shape, Data: data, DType: littleEndian(h.descr)}, nil
}

// Load reads the .npy file at path.
func Load(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	defer f.Close()
	a, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return a, nil
}

// Matrix returns the array as a matrix whose rows follow the first axis: a
// 1-D array of length P is P×1, and an array of shape (P, d₁, d₂, …) is
// flattened to P×(d₁·d₂·…) in C order, as a.reshape(P, -1) does in NumPy
// (the usual layout of stimuli × units activations). A scalar or an empty
// array is an error.
func (a *Array) Matrix() (*mat.Dense, error) {
	if a.Strings != nil {
		return nil, fmt.Errorf("npy: a string array (%s) is not a matrix", a.DType)
	}
	if len(a.Shape) == 0 {
		return nil, fmt.Errorf("npy: a scalar is not a matrix; need shape (rows, …)")
	}
	rows, cols := a.Shape[0], 1
	for _, d := range a.Shape[1:] {
		cols *= d
	}
	if rows == 0 || cols == 0 {
		return nil, fmt.Errorf("npy: shape %v is empty", a.Shape)
	}
	if rows*cols != len(a.Data) {
		return nil, fmt.Errorf("npy: shape %v holds %d values, data has %d", a.Shape, rows*cols, len(a.Data))
	}
	return mat.NewDense(rows, cols, append([]float64(nil), a.Data...)), nil
}

// Write writes a as a version 1.0, little-endian, C-order .npy file,
// which numpy.load reads: Data as float64 ("<f8", or "<i8" when a.DType
// asks for it), Strings as "<U" with the length of the longest string.
func Write(w io.Writer, a *Array) error {
	n := 1
	for _, s := range a.Shape {
		if s < 0 {
			return fmt.Errorf("npy: negative dimension in shape %v", a.Shape)
		}
		n *= s
	}
	var descr string
	var body []byte
	switch {
	case a.Strings != nil:
		if a.Data != nil {
			return fmt.Errorf("npy: an array holds either Data or Strings, not both")
		}
		if n != len(a.Strings) {
			return fmt.Errorf("npy: shape %v holds %d values, Strings has %d", a.Shape, n, len(a.Strings))
		}
		descr, body = encodeStrings(a.Strings)
	default:
		if n != len(a.Data) {
			return fmt.Errorf("npy: shape %v holds %d values, data has %d", a.Shape, n, len(a.Data))
		}
		var err error
		if descr, body, err = encodeNumbers(a.Data, a.DType); err != nil {
			return err
		}
	}
	dims := make([]string, len(a.Shape))
	for i, s := range a.Shape {
		dims[i] = strconv.Itoa(s)
	}
	shape := strings.Join(dims, ", ")
	if len(a.Shape) == 1 {
		shape += ","
	}
	hdr := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, shape)
	// Pad so that the data start on a 64-byte boundary, as NumPy does.
	hdr += strings.Repeat(" ", (64-(len(magic)+4+len(hdr)+1)%64)%64) + "\n"
	if len(hdr) > math.MaxUint16 {
		return fmt.Errorf("npy: header of %d bytes (shape %v) is too long for format 1.0", len(hdr), a.Shape)
	}
	pre := make([]byte, 0, len(magic)+4+len(hdr))
	pre = append(pre, magic+"\x01\x00"...)
	pre = binary.LittleEndian.AppendUint16(pre, uint16(len(hdr)))
	pre = append(pre, hdr...)
	if _, err := w.Write(pre); err != nil {
		return err
	}
	_, err := w.Write(body)
	return err
}

// encodeNumbers encodes data as dtype ("" or "<f8": float64, "<i8":
// int64).
func encodeNumbers(data []float64, dtype string) (string, []byte, error) {
	buf := make([]byte, 8*len(data))
	switch dtype {
	case "", "<f8":
		for i, v := range data {
			binary.LittleEndian.PutUint64(buf[i*8:], math.Float64bits(v))
		}
		return "<f8", buf, nil
	case "<i8":
		for i, v := range data {
			if v != math.Trunc(v) || v < -(1<<63) || v >= 1<<63 {
				return "", nil, fmt.Errorf("npy: Data[%d] = %v is not an int64, as DType %q requires", i, v, dtype)
			}
			binary.LittleEndian.PutUint64(buf[i*8:], uint64(int64(v)))
		}
		return "<i8", buf, nil
	}
	return "", nil, fmt.Errorf("npy: Write supports DType \"<f8\" and \"<i8\" for numbers, not %q", dtype)
}

// encodeStrings encodes UTF-32LE fixed-width strings, NumPy's "<U".
func encodeStrings(strs []string) (string, []byte) {
	width := 1
	for _, s := range strs {
		width = max(width, utf8.RuneCountInString(s))
	}
	buf := make([]byte, 4*width*len(strs))
	for i, s := range strs {
		k := 0
		for _, r := range s {
			binary.LittleEndian.PutUint32(buf[4*(i*width+k):], uint32(r))
			k++
		}
	}
	return fmt.Sprintf("<U%d", width), buf
}

// fortranToC reorders column-major data into row-major order.
func fortranToC[T any](data []T, shape []int) []T {
	out := make([]T, len(data))
	idx := make([]int, len(shape))
	for c := range out {
		// idx is the C-order multi-index of position c; off its Fortran offset.
		off, stride := 0, 1
		for k := range shape {
			off += idx[k] * stride
			stride *= shape[k]
		}
		out[c] = data[off]
		for k := len(shape) - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

// readData decodes total elements, growing the buffer only as data arrive
// so that a header promising more than the file holds cannot allocate
// memory it does not need.
func readData(r io.Reader, dt dtype, total int) ([]float64, error) {
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
			return nil, fmt.Errorf("npy: data truncated: the header promises %d elements, the file holds %d", total, len(out))
		}
	}
	return out, nil
}

// dtype describes one element type.
type dtype struct {
	size   int
	order  binary.ByteOrder
	decode func([]byte, binary.ByteOrder) float64
}

var dtypes = map[string]dtype{
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

// littleEndian rewrites a numeric descr in little-endian form.
func littleEndian(descr string) string {
	if descr[0] == '>' || descr[0] == '=' {
		return "<" + descr[1:]
	}
	return descr
}

// stringType is a fixed-width string dtype: '<Un' (UTF-32) or '|Sn'
// (bytes).
type stringType struct {
	unicode bool
	order   binary.ByteOrder
	chars   int
}

func (st stringType) size() int {
	if st.unicode {
		return 4 * st.chars
	}
	return st.chars
}

func (st stringType) descr() string {
	if st.unicode {
		return fmt.Sprintf("<U%d", st.chars)
	}
	return fmt.Sprintf("|S%d", st.chars)
}

// stringTypeOf recognises string dtypes (ok false for anything else).
func stringTypeOf(descr string) (stringType, bool, error) {
	if len(descr) < 2 {
		return stringType{}, false, nil
	}
	var st stringType
	switch descr[1] {
	case 'U':
		st.unicode = true
	case 'S', 'a':
	default:
		return st, false, nil
	}
	switch descr[0] {
	case '<', '|', '=':
		st.order = binary.LittleEndian
	case '>':
		st.order = binary.BigEndian
	default:
		return st, false, fmt.Errorf("npy: unsupported byte order in dtype %q", descr)
	}
	n, err := strconv.Atoi(descr[2:])
	if err != nil || n < 0 || n > 1<<20 {
		return st, false, fmt.Errorf("npy: unsupported string dtype %q", descr)
	}
	st.chars = n
	return st, true, nil
}

// readStrings decodes total fixed-width strings, growing the result only as
// data arrive (see readData).
func readStrings(r io.Reader, st stringType, total int) ([]string, error) {
	size := st.size()
	if size == 0 && total > 1<<20 {
		return nil, fmt.Errorf("npy: the header promises %d empty strings", total)
	}
	out := make([]string, 0, min(total, 1<<12))
	buf := make([]byte, size)
	runes := make([]rune, 0, st.chars)
	for len(out) < total {
		if size > 0 {
			if _, err := io.ReadFull(r, buf); err != nil {
				return nil, fmt.Errorf("npy: data truncated: the header promises %d strings, the file holds %d", total, len(out))
			}
		}
		if !st.unicode {
			out = append(out, string(bytes.TrimRight(buf, "\x00")))
			continue
		}
		runes = runes[:0]
		for k := 0; k < st.chars; k++ {
			c := st.order.Uint32(buf[4*k:])
			if c > utf8.MaxRune || (c >= 0xD800 && c <= 0xDFFF) {
				c = utf8.RuneError
			}
			runes = append(runes, rune(c))
		}
		for len(runes) > 0 && runes[len(runes)-1] == 0 {
			runes = runes[:len(runes)-1]
		}
		out = append(out, string(runes))
	}
	return out, nil
}

func dtypeOf(descr string) (dtype, error) {
	if len(descr) < 3 {
		return dtype{}, fmt.Errorf("npy: unsupported dtype %q", descr)
	}
	var order binary.ByteOrder
	switch descr[0] {
	case '<', '|', '=':
		order = binary.LittleEndian
	case '>':
		order = binary.BigEndian
	default:
		return dtype{}, fmt.Errorf("npy: unsupported byte order in dtype %q", descr)
	}
	dt, ok := dtypes[descr[1:]]
	if !ok {
		return dtype{}, fmt.Errorf("npy: unsupported dtype %q (need float, integer or bool)", descr)
	}
	dt.order = order
	return dt, nil
}

type header struct {
	descr   string
	fortran bool
	shape   []int
}

// parseHeader parses the Python dict literal of a .npy header, e.g.
// {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }.
func parseHeader(s string) (header, error) {
	var h header
	p := &literal{s: s}
	if !p.accept('{') {
		return h, fmt.Errorf("npy: header does not start with '{': %.80q", s)
	}
	seen := map[string]bool{}
	for !p.accept('}') {
		key, err := p.str()
		if err != nil {
			return h, fmt.Errorf("npy: header key: %w", err)
		}
		if !p.accept(':') {
			return h, fmt.Errorf("npy: missing ':' after header key %q", key)
		}
		switch key {
		case "descr":
			if h.descr, err = p.str(); err != nil {
				return h, fmt.Errorf("npy: descr: %w", err)
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				h.fortran = true
			case p.word("False"):
				h.fortran = false
			default:
				return h, fmt.Errorf("npy: fortran_order is neither True nor False")
			}
		case "shape":
			if h.shape, err = p.tuple(); err != nil {
				return h, fmt.Errorf("npy: shape: %w", err)
			}
		default:
			return h, fmt.Errorf("npy: unexpected header key %q", key)
		}
		seen[key] = true
		if !p.accept(',') {
			if !p.accept('}') {
				return h, fmt.Errorf("npy: expected ',' or '}' in header after %q", key)
			}
			break
		}
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("npy: header lacks %q", k)
		}
	}
	return h, nil
}

// literal scans the subset of Python literals a .npy header uses.
type literal struct {
	s string
	i int
}

func (p *literal) skip() {
	for p.i < len(p.s) && strings.ContainsRune(" \t\r\n", rune(p.s[p.i])) {
		p.i++
	}
}

func (p *literal) accept(c byte) bool {
	p.skip()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *literal) word(w string) bool {
	p.skip()
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

func (p *literal) str() (string, error) {
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

func (p *literal) tuple() ([]int, error) {
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
		v, err := strconv.Atoi(p.s[start:p.i])
		if err != nil {
			return nil, fmt.Errorf("dimension %q: %w", p.s[start:p.i], err)
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
