package clds

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Array is an n-dimensional array of float64 in C (row-major) order, as
// read from a NumPy .npy file.
type Array struct {
	Shape []int
	Data  []float64
}

// maxNPYElements bounds the element count a header may declare.
const maxNPYElements = 1 << 31

// ReadNPY parses a NumPy .npy file (format versions 1–3). Supported dtypes
// are float64/32, signed and unsigned integers of 1–8 bytes and bool, in
// either byte order, C or Fortran order; values are converted to float64.
// Memory grows with the bytes actually read, never with a declared shape
// alone, so a corrupt header cannot exhaust memory.
func ReadNPY(r io.Reader) (*Array, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, fmt.Errorf("clds: npy: reading magic: %w", err)
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return nil, fmt.Errorf("clds: npy: not a .npy file (bad magic %q)", pre[:6])
	}
	var hlen int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("clds: npy: reading header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("clds: npy: reading header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint32(b[:]))
	default:
		return nil, fmt.Errorf("clds: npy: format version %d.%d is not supported", pre[6], pre[7])
	}
	if hlen > 1<<20 {
		return nil, fmt.Errorf("clds: npy: header length %d is implausible", hlen)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, fmt.Errorf("clds: npy: reading header: %w", err)
	}
	descr, fortran, shape, err := parseNPYHeader(string(hdr))
	if err != nil {
		return nil, err
	}
	conv, size, err := npyConverter(descr)
	if err != nil {
		return nil, err
	}
	n := 1
	for _, s := range shape {
		if s < 0 || (s > 0 && n > maxNPYElements/s) {
			return nil, fmt.Errorf("clds: npy: shape %v has more than %d elements", shape, maxNPYElements)
		}
		n *= s
	}
	var buf bytes.Buffer
	want := int64(n) * int64(size)
	got, err := io.Copy(&buf, io.LimitReader(r, want))
	if err != nil {
		return nil, fmt.Errorf("clds: npy: reading data: %w", err)
	}
	if got != want {
		return nil, fmt.Errorf("clds: npy: shape %v of %s needs %d data bytes, file has %d", shape, descr, want, got)
	}
	raw := buf.Bytes()
	data := make([]float64, n)
	for i := range data {
		data[i] = conv(raw[i*size : (i+1)*size])
	}
	if fortran && len(shape) > 1 {
		data = fortranToC(data, shape)
	}
	return &Array{Shape: shape, Data: data}, nil
}

// parseNPYHeader reads the Python dict literal of a .npy header.
func parseNPYHeader(h string) (descr string, fortran bool, shape []int, err error) {
	h = strings.TrimSpace(h)
	if !strings.HasPrefix(h, "{") || !strings.HasSuffix(h, "}") {
		return "", false, nil, fmt.Errorf("clds: npy: header %q is not a dict", h)
	}
	value := func(key string) (string, bool) {
		for _, q := range []string{"'", "\""} {
			k := q + key + q
			i := strings.Index(h, k)
			if i < 0 {
				continue
			}
			rest := strings.TrimSpace(h[i+len(k):])
			if !strings.HasPrefix(rest, ":") {
				return "", false
			}
			return strings.TrimSpace(rest[1:]), true
		}
		return "", false
	}
	v, ok := value("descr")
	if !ok || len(v) < 2 || (v[0] != '\'' && v[0] != '"') {
		return "", false, nil, fmt.Errorf("clds: npy: header has no string 'descr'")
	}
	end := strings.IndexByte(v[1:], v[0])
	if end < 0 {
		return "", false, nil, fmt.Errorf("clds: npy: unterminated 'descr'")
	}
	descr = v[1 : 1+end]
	v, ok = value("fortran_order")
	switch {
	case !ok:
		return "", false, nil, fmt.Errorf("clds: npy: header has no 'fortran_order'")
	case strings.HasPrefix(v, "True"):
		fortran = true
	case strings.HasPrefix(v, "False"):
	default:
		return "", false, nil, fmt.Errorf("clds: npy: 'fortran_order' is neither True nor False")
	}
	v, ok = value("shape")
	if !ok || !strings.HasPrefix(v, "(") {
		return "", false, nil, fmt.Errorf("clds: npy: header has no tuple 'shape'")
	}
	end = strings.IndexByte(v, ')')
	if end < 0 {
		return "", false, nil, fmt.Errorf("clds: npy: unterminated 'shape'")
	}
	shape = []int{}
	for _, f := range strings.Split(v[1:end], ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		f = strings.TrimSuffix(f, "L")
		k, err := strconv.Atoi(f)
		if err != nil || k < 0 {
			return "", false, nil, fmt.Errorf("clds: npy: bad dimension %q in shape", f)
		}
		shape = append(shape, k)
		if len(shape) > 32 {
			return "", false, nil, fmt.Errorf("clds: npy: more than 32 dimensions")
		}
	}
	return descr, fortran, shape, nil
}

func npyConverter(descr string) (func([]byte) float64, int, error) {
	if len(descr) < 3 {
		return nil, 0, fmt.Errorf("clds: npy: unsupported dtype %q", descr)
	}
	var order binary.ByteOrder = binary.LittleEndian
	switch descr[0] {
	case '<', '|', '=':
	case '>':
		order = binary.BigEndian
	default:
		return nil, 0, fmt.Errorf("clds: npy: unsupported dtype %q", descr)
	}
	switch descr[1:] {
	case "f8":
		return func(b []byte) float64 { return math.Float64frombits(order.Uint64(b)) }, 8, nil
	case "f4":
		return func(b []byte) float64 { return float64(math.Float32frombits(order.Uint32(b))) }, 4, nil
	case "i8":
		return func(b []byte) float64 { return float64(int64(order.Uint64(b))) }, 8, nil
	case "i4":
		return func(b []byte) float64 { return float64(int32(order.Uint32(b))) }, 4, nil
	case "i2":
		return func(b []byte) float64 { return float64(int16(order.Uint16(b))) }, 2, nil
	case "i1":
		return func(b []byte) float64 { return float64(int8(b[0])) }, 1, nil
	case "u8":
		return func(b []byte) float64 { return float64(order.Uint64(b)) }, 8, nil
	case "u4":
		return func(b []byte) float64 { return float64(order.Uint32(b)) }, 4, nil
	case "u2":
		return func(b []byte) float64 { return float64(order.Uint16(b)) }, 2, nil
	case "u1", "b1":
		return func(b []byte) float64 { return float64(b[0]) }, 1, nil
	}
	return nil, 0, fmt.Errorf("clds: npy: unsupported dtype %q (want float, int, uint or bool)", descr)
}

// fortranToC reorders column-major data into row-major order.
func fortranToC(data []float64, shape []int) []float64 {
	out := make([]float64, len(data))
	nd := len(shape)
	idx := make([]int, nd)
	for c := range out {
		// idx is the C-order multi-index of position c; its Fortran offset:
		off, stride := 0, 1
		for k := 0; k < nd; k++ {
			off += idx[k] * stride
			stride *= shape[k]
		}
		out[c] = data[off]
		for k := nd - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

// TrialsFromArrays builds trials from an observation array y of shape
// (B, T, N) — or (T, N) for a single trial — and a condition array u of
// shape (B, T, M) or (B, T) — or (T, M) or (T,) — which may be nil when no
// parameter is a GP. A NaN anywhere in y's bin t marks the whole bin as
// missing; trials shorter than T are padded with NaN, and trailing
// all-missing bins are dropped. Errors name the array, trial and index.
func TrialsFromArrays(y, u *Array) ([]Trial, error) {
	if y == nil {
		return nil, fmt.Errorf("clds: observations array is nil")
	}
	var B, T, N int
	switch len(y.Shape) {
	case 2:
		B, T, N = 1, y.Shape[0], y.Shape[1]
	case 3:
		B, T, N = y.Shape[0], y.Shape[1], y.Shape[2]
	default:
		return nil, fmt.Errorf("clds: observations have shape %v, want (trials, T, N) or (T, N)", y.Shape)
	}
	if B == 0 || T == 0 || N == 0 {
		return nil, fmt.Errorf("clds: observations have shape %v with an empty dimension", y.Shape)
	}
	M := 0
	if u != nil {
		s := u.Shape
		single := len(y.Shape) == 2
		switch {
		case single && len(s) == 1 && s[0] == T:
			M = 1
		case single && len(s) == 2 && s[0] == T:
			M = s[1]
		case !single && len(s) == 2 && s[0] == B && s[1] == T:
			M = 1
		case !single && len(s) == 3 && s[0] == B && s[1] == T:
			M = s[2]
		default:
			return nil, fmt.Errorf("clds: conditions have shape %v, which does not match observations %v (one condition per trial and time bin)", s, y.Shape)
		}
		if M == 0 {
			return nil, fmt.Errorf("clds: conditions have shape %v with no condition dimension", s)
		}
	}
	trials := make([]Trial, 0, B)
	for b := 0; b < B; b++ {
		yb := y.Data[b*T*N : (b+1)*T*N]
		mask := make([]bool, T)
		last := -1
		anyMissing := false
		for t := 0; t < T; t++ {
			mask[t] = true
			for _, v := range yb[t*N : (t+1)*N] {
				if math.IsNaN(v) {
					mask[t] = false
				} else if math.IsInf(v, 0) {
					return nil, fmt.Errorf("clds: observations[%d,%d] hold %v", b, t, v)
				}
			}
			if mask[t] {
				last = t
			}
		}
		if last < 0 {
			return nil, fmt.Errorf("clds: trial %d has no observed bin", b)
		}
		Tb := last + 1
		for _, ok := range mask[:Tb] {
			anyMissing = anyMissing || !ok
		}
		tr := Trial{Y: mat.NewDense(Tb, N, append([]float64(nil), yb[:Tb*N]...))}
		if anyMissing {
			tr.Mask = mask[:Tb]
		}
		if u != nil {
			ub := u.Data[b*T*M : b*T*M+Tb*M]
			for k, v := range ub {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, fmt.Errorf("clds: conditions of trial %d, bin %d, dimension %d hold %v", b, k/M, k%M, v)
				}
			}
			tr.U = mat.NewDense(Tb, M, append([]float64(nil), ub...))
		}
		trials = append(trials, tr)
	}
	return trials, nil
}

// LoadNPY reads observations and (optionally, uPath == "") conditions
// from two .npy files; see TrialsFromArrays for the shapes.
func LoadNPY(yPath, uPath string) ([]Trial, error) {
	read := func(p string) (*Array, error) {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		a, err := ReadNPY(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		return a, nil
	}
	y, err := read(yPath)
	if err != nil {
		return nil, err
	}
	var u *Array
	if uPath != "" {
		if u, err = read(uPath); err != nil {
			return nil, err
		}
	}
	return TrialsFromArrays(y, u)
}

// WriteNPY writes a as a version-1 little-endian float64 .npy file.
func WriteNPY(w io.Writer, a *Array) error {
	n := 1
	for _, s := range a.Shape {
		n *= s
	}
	if n != len(a.Data) {
		return fmt.Errorf("clds: WriteNPY: shape %v holds %d values, data has %d", a.Shape, n, len(a.Data))
	}
	dims := make([]string, len(a.Shape))
	for i, s := range a.Shape {
		dims[i] = strconv.Itoa(s)
	}
	shape := strings.Join(dims, ", ")
	if len(a.Shape) == 1 {
		shape += ","
	}
	hdr := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }", shape)
	pad := 64 - (10+len(hdr)+1)%64
	hdr += strings.Repeat(" ", pad%64) + "\n"
	var pre bytes.Buffer
	pre.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&pre, binary.LittleEndian, uint16(len(hdr)))
	pre.WriteString(hdr)
	if _, err := w.Write(pre.Bytes()); err != nil {
		return err
	}
	buf := make([]byte, 8*len(a.Data))
	for i, v := range a.Data {
		binary.LittleEndian.PutUint64(buf[i*8:], math.Float64bits(v))
	}
	_, err := w.Write(buf)
	return err
}
