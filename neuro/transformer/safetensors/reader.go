package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// MaxHeaderSize is the largest header the reader accepts, in bytes (the
// limit of the reference implementation).
const MaxHeaderSize = 100_000_000

// TensorInfo describes one tensor of a file.
type TensorInfo struct {
	Name  string
	DType DType
	Shape []int
	// Begin and End are the byte offsets of the tensor in the data buffer
	// (End exclusive).
	Begin, End int64
}

// NumElements returns the product of the shape (1 for a scalar).
func (t TensorInfo) NumElements() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// File is an open safetensors file whose header has been validated. Its
// methods read tensor data on demand and may be called concurrently.
type File struct {
	r        io.ReaderAt
	closer   io.Closer
	data     int64 // offset of the data buffer in r
	tensors  []TensorInfo
	byName   map[string]int
	metadata map[string]string
}

// Open opens the safetensors file at path and validates its header. The
// caller must Close it.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		return nil, closeAfter(f, fmt.Errorf("safetensors: %w", err))
	}
	sf, err := NewReader(f, st.Size())
	if err != nil {
		return nil, closeAfter(f, fmt.Errorf("%s: %w", path, err))
	}
	sf.closer = f
	return sf, nil
}

// NewReader validates the header of a safetensors file of size bytes read
// through r.
func NewReader(r io.ReaderAt, size int64) (*File, error) {
	if size < 8 {
		return nil, fmt.Errorf("safetensors: file is %d bytes, shorter than the 8-byte header length", size)
	}
	var lenBuf [8]byte
	if _, err := r.ReadAt(lenBuf[:], 0); err != nil {
		return nil, fmt.Errorf("safetensors: reading header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n > MaxHeaderSize {
		return nil, fmt.Errorf("safetensors: header length %d exceeds the limit of %d bytes", n, MaxHeaderSize)
	}
	if n > uint64(size-8) {
		return nil, fmt.Errorf("safetensors: header length %d exceeds the %d bytes that follow it in the file", n, size-8)
	}
	header := make([]byte, n)
	if _, err := r.ReadAt(header, 8); err != nil {
		return nil, fmt.Errorf("safetensors: reading %d-byte header: %w", n, err)
	}
	f, err := parseHeader(header, size-8-int64(n))
	if err != nil {
		return nil, err
	}
	f.r = r
	f.data = 8 + int64(n)
	return f, nil
}

// Close releases the underlying file (a no-op for NewReader files).
func (f *File) Close() error {
	if f.closer == nil {
		return nil
	}
	err := f.closer.Close()
	f.closer = nil
	return err
}

// Tensors returns the tensors in the order of their data (a copy).
func (f *File) Tensors() []TensorInfo {
	out := make([]TensorInfo, len(f.tensors))
	copy(out, f.tensors)
	return out
}

// Info returns the description of the named tensor.
func (f *File) Info(name string) (TensorInfo, bool) {
	i, ok := f.byName[name]
	if !ok {
		return TensorInfo{}, false
	}
	return f.tensors[i], true
}

// Metadata returns the header's "__metadata__" map (nil when absent).
func (f *File) Metadata() map[string]string { return f.metadata }

func (f *File) lookup(name string) (TensorInfo, error) {
	t, ok := f.Info(name)
	if !ok {
		return t, fmt.Errorf("safetensors: no tensor named %q", name)
	}
	return t, nil
}

// ReadRaw copies the raw little-endian bytes of the named tensor into dst,
// whose length must be the tensor's byte size.
func (f *File) ReadRaw(name string, dst []byte) error {
	t, err := f.lookup(name)
	if err != nil {
		return err
	}
	if int64(len(dst)) != t.End-t.Begin {
		return fmt.Errorf("safetensors: tensor %q holds %d bytes, destination has %d", name, t.End-t.Begin, len(dst))
	}
	return f.readAt(name, dst, t.Begin)
}

func (f *File) readAt(name string, dst []byte, off int64) error {
	if len(dst) == 0 {
		return nil
	}
	if _, err := f.r.ReadAt(dst, f.data+off); err != nil {
		return fmt.Errorf("safetensors: reading tensor %q: %w", name, err)
	}
	return nil
}

// chunkBytes bounds the scratch buffer used to convert non-float32 data.
const chunkBytes = 1 << 20

// chunkPool recycles conversion buffers so that loading a model of many
// tensors leaves no garbage behind (which would raise the peak memory).
var chunkPool = sync.Pool{New: func() any { b := make([]byte, chunkBytes); return &b }}

var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// ReadFloat32 reads the named tensor (F32, F16, BF16 or F64) into dst as
// float32, converting on the way. len(dst) must equal the number of
// elements. F32 data is read straight into dst; other types stream through
// a bounded scratch buffer, so no full-size temporary is allocated.
func (f *File) ReadFloat32(name string, dst []float32) error {
	t, err := f.lookup(name)
	if err != nil {
		return err
	}
	if !t.DType.IsFloat() {
		return fmt.Errorf("safetensors: tensor %q has dtype %s, not a floating-point type", name, t.DType)
	}
	if n := t.NumElements(); len(dst) != n {
		return fmt.Errorf("safetensors: tensor %q %v has %d elements, destination has %d", name, t.Shape, n, len(dst))
	}
	if len(dst) == 0 {
		return nil
	}
	if t.DType == F32 && littleEndian {
		return f.readAt(name, unsafe.Slice((*byte)(unsafe.Pointer(&dst[0])), 4*len(dst)), t.Begin)
	}
	size := t.DType.Size()
	per := chunkBytes / size
	bp := chunkPool.Get().(*[]byte)
	defer chunkPool.Put(bp)
	buf := *bp
	for i := 0; i < len(dst); i += per {
		n := min(per, len(dst)-i)
		b := buf[:n*size]
		if err := f.readAt(name, b, t.Begin+int64(i*size)); err != nil {
			return err
		}
		decodeFloat32(t.DType, b, dst[i:i+n])
	}
	return nil
}

// Float32 reads the named floating-point tensor into a new slice and returns
// it with its shape.
func (f *File) Float32(name string) ([]float32, []int, error) {
	t, err := f.lookup(name)
	if err != nil {
		return nil, nil, err
	}
	if !t.DType.IsFloat() {
		return nil, nil, fmt.Errorf("safetensors: tensor %q has dtype %s, not a floating-point type", name, t.DType)
	}
	dst := make([]float32, t.NumElements())
	if err := f.ReadFloat32(name, dst); err != nil {
		return nil, nil, err
	}
	return dst, append([]int(nil), t.Shape...), nil
}

func decodeFloat32(d DType, b []byte, dst []float32) {
	le := binary.LittleEndian
	switch d {
	case F32:
		for i := range dst {
			dst[i] = math.Float32frombits(le.Uint32(b[4*i:]))
		}
	case F16:
		for i := range dst {
			dst[i] = F16ToFloat32(le.Uint16(b[2*i:]))
		}
	case BF16:
		for i := range dst {
			dst[i] = BF16ToFloat32(le.Uint16(b[2*i:]))
		}
	case F64:
		for i := range dst {
			dst[i] = float32(math.Float64frombits(le.Uint64(b[8*i:])))
		}
	default:
		panic("safetensors: decodeFloat32 called with " + string(d))
	}
}

// jsonEntry is one key of a JSON object with its undecoded value.
type jsonEntry struct {
	key   string
	value json.RawMessage
}

// readObject reads one JSON object from dec, rejecting duplicate keys
// (encoding/json would silently keep the last).
func readObject(dec *json.Decoder, what string) ([]jsonEntry, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("%s is not a JSON object", what)
	}
	var entries []jsonEntry
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("%s: key is not a string", what)
		}
		if seen[key] {
			return nil, fmt.Errorf("%s: duplicate key %q", what, key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s: value of %q: %w", what, key, err)
		}
		entries = append(entries, jsonEntry{key, v})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return entries, nil
}

func parseHeader(header []byte, dataSize int64) (*File, error) {
	if !utf8.Valid(header) {
		return nil, errors.New("safetensors: header is not valid UTF-8")
	}
	if len(header) == 0 || header[0] != '{' {
		return nil, errors.New("safetensors: header does not start with '{'")
	}
	dec := json.NewDecoder(bytes.NewReader(header))
	dec.UseNumber()
	entries, err := readObject(dec, "safetensors: header")
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("safetensors: header has data after its JSON object (only space padding is allowed)")
	}
	f := &File{byName: make(map[string]int, len(entries))}
	for _, e := range entries {
		if e.key == "__metadata__" {
			if err := json.Unmarshal(e.value, &f.metadata); err != nil {
				return nil, fmt.Errorf("safetensors: __metadata__ must map strings to strings: %w", err)
			}
			continue
		}
		t, err := parseTensor(e)
		if err != nil {
			return nil, err
		}
		f.tensors = append(f.tensors, t)
	}
	sort.SliceStable(f.tensors, func(i, j int) bool {
		a, b := f.tensors[i], f.tensors[j]
		return a.Begin < b.Begin || a.Begin == b.Begin && a.End < b.End
	})
	var end int64
	for i, t := range f.tensors {
		switch {
		case t.Begin < end:
			return nil, fmt.Errorf("safetensors: tensor %q at data_offsets [%d, %d] overlaps tensor %q, which ends at %d",
				t.Name, t.Begin, t.End, f.tensors[i-1].Name, end)
		case t.Begin > end:
			return nil, fmt.Errorf("safetensors: gap of %d bytes before tensor %q at data_offsets [%d, %d] (tensors must be contiguous)",
				t.Begin-end, t.Name, t.Begin, t.End)
		}
		end = t.End
		f.byName[t.Name] = i
	}
	if end != dataSize {
		return nil, fmt.Errorf("safetensors: tensors cover %d bytes but the data buffer after the header holds %d", end, dataSize)
	}
	return f, nil
}

func parseTensor(e jsonEntry) (TensorInfo, error) {
	t := TensorInfo{Name: e.key}
	fields, err := readObject(json.NewDecoder(bytes.NewReader(e.value)), fmt.Sprintf("safetensors: tensor %q", e.key))
	if err != nil {
		return t, err
	}
	var dtype *string
	var shape, offsets []json.Number
	for _, fl := range fields {
		var err error
		switch fl.key {
		case "dtype":
			err = json.Unmarshal(fl.value, &dtype)
		case "shape":
			err = json.Unmarshal(fl.value, &shape)
			if shape == nil && err == nil {
				err = errors.New("null")
			}
		case "data_offsets":
			err = json.Unmarshal(fl.value, &offsets)
		}
		if err != nil {
			return t, fmt.Errorf("safetensors: tensor %q: field %q: %v", e.key, fl.key, err)
		}
	}
	switch {
	case dtype == nil:
		return t, fmt.Errorf("safetensors: tensor %q has no dtype", e.key)
	case shape == nil:
		return t, fmt.Errorf("safetensors: tensor %q has no shape", e.key)
	case offsets == nil:
		return t, fmt.Errorf("safetensors: tensor %q has no data_offsets", e.key)
	}
	t.DType = DType(*dtype)
	size := t.DType.Size()
	if size == 0 {
		return t, fmt.Errorf("safetensors: tensor %q has unsupported dtype %q", e.key, *dtype)
	}
	numel := int64(1)
	for i, d := range shape {
		v, err := d.Int64()
		if err != nil || v < 0 {
			return t, fmt.Errorf("safetensors: tensor %q: shape[%d] = %s is not a non-negative integer", e.key, i, d)
		}
		if v > 0 && numel > math.MaxInt64/8/v {
			return t, fmt.Errorf("safetensors: tensor %q: shape %v overflows", e.key, shape)
		}
		numel *= v
		t.Shape = append(t.Shape, int(v))
	}
	if t.Shape == nil {
		t.Shape = []int{}
	}
	if len(offsets) != 2 {
		return t, fmt.Errorf("safetensors: tensor %q: data_offsets has %d entries, want 2", e.key, len(offsets))
	}
	for i, o := range offsets {
		v, err := o.Int64()
		if err != nil || v < 0 {
			return t, fmt.Errorf("safetensors: tensor %q: data_offsets[%d] = %s is not a non-negative integer", e.key, i, o)
		}
		if i == 0 {
			t.Begin = v
		} else {
			t.End = v
		}
	}
	if t.End < t.Begin {
		return t, fmt.Errorf("safetensors: tensor %q: data_offsets [%d, %d] end before they begin", e.key, t.Begin, t.End)
	}
	if want := numel * int64(size); t.End-t.Begin != want {
		return t, fmt.Errorf("safetensors: tensor %q: dtype %s and shape %v need %d bytes but data_offsets [%d, %d] span %d",
			e.key, t.DType, t.Shape, want, t.Begin, t.End, t.End-t.Begin)
	}
	return t, nil
}

// closeAfter closes f after a failure and returns the failure, with the
// close error appended if closing failed too.
func closeAfter(f *os.File, err error) error {
	if cerr := f.Close(); cerr != nil {
		return fmt.Errorf("%w (closing: %v)", err, cerr)
	}
	return err
}
