package safetensors

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Tensor is one tensor to write. Exactly one of Values and Data is set:
// Values are float32 numbers encoded to DType (F32, F16, BF16 or F64) while
// writing, in bounded chunks; Data holds the raw little-endian bytes of any
// dtype.
type Tensor struct {
	Name   string
	DType  DType
	Shape  []int
	Values []float32
	Data   []byte
}

func (t *Tensor) byteSize() (int64, error) {
	size := t.DType.Size()
	if size == 0 {
		return 0, fmt.Errorf("safetensors: tensor %q has unsupported dtype %q", t.Name, t.DType)
	}
	n := int64(1)
	for i, d := range t.Shape {
		if d < 0 {
			return 0, fmt.Errorf("safetensors: tensor %q: shape[%d] = %d is negative", t.Name, i, d)
		}
		n *= int64(d)
	}
	switch {
	case t.Values != nil && t.Data != nil:
		return 0, fmt.Errorf("safetensors: tensor %q sets both Values and Data", t.Name)
	case t.Values != nil:
		if !t.DType.IsFloat() {
			return 0, fmt.Errorf("safetensors: tensor %q: Values can only be written as F32, F16, BF16 or F64, not %s", t.Name, t.DType)
		}
		if int64(len(t.Values)) != n {
			return 0, fmt.Errorf("safetensors: tensor %q: shape %v has %d elements but Values has %d", t.Name, t.Shape, n, len(t.Values))
		}
	default:
		if int64(len(t.Data)) != n*int64(size) {
			return 0, fmt.Errorf("safetensors: tensor %q: dtype %s and shape %v need %d bytes but Data has %d", t.Name, t.DType, t.Shape, n*int64(size), len(t.Data))
		}
	}
	return n * int64(size), nil
}

// Write writes tensors (in the given order) and optional metadata to w in
// safetensors format. Names must be unique, non-empty and not
// "__metadata__".
func Write(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	header, err := buildHeader(tensors, metadata)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(header)))
	if _, err := bw.Write(lenBuf[:]); err != nil {
		return fmt.Errorf("safetensors: writing the header: %w", err)
	}
	if _, err := bw.Write(header); err != nil {
		return fmt.Errorf("safetensors: writing the header: %w", err)
	}
	bp := chunkPool.Get().(*[]byte)
	defer chunkPool.Put(bp)
	chunk := *bp
	for i := range tensors {
		t := &tensors[i]
		if t.Values == nil {
			if _, err := bw.Write(t.Data); err != nil {
				return fmt.Errorf("safetensors: writing tensor %q: %w", t.Name, err)
			}
			continue
		}
		size := t.DType.Size()
		per := chunkBytes / size
		for j := 0; j < len(t.Values); j += per {
			vals := t.Values[j:min(j+per, len(t.Values))]
			b := chunk[:len(vals)*size]
			encodeFloat32(t.DType, vals, b)
			if _, err := bw.Write(b); err != nil {
				return fmt.Errorf("safetensors: writing tensor %q: %w", t.Name, err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	return nil
}

// WriteFile writes a safetensors file at path (see Write).
func WriteFile(path string, tensors []Tensor, metadata map[string]string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	if err := Write(f, tensors, metadata); err != nil {
		if cerr := f.Close(); cerr != nil {
			return fmt.Errorf("%w (closing %s: %v)", err, path, cerr)
		}
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	return nil
}

func buildHeader(tensors []Tensor, metadata map[string]string) ([]byte, error) {
	var sb strings.Builder
	sb.WriteByte('{')
	first := true
	sep := func() {
		if !first {
			sb.WriteByte(',')
		}
		first = false
	}
	if len(metadata) > 0 {
		keys := make([]string, 0, len(metadata))
		for k := range metadata {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		sep()
		sb.WriteString(`"__metadata__":{`)
		for i, k := range keys {
			if i > 0 {
				sb.WriteByte(',')
			}
			kb, err := json.Marshal(k)
			if err != nil {
				return nil, fmt.Errorf("safetensors: metadata key %q: %w", k, err)
			}
			vb, err := json.Marshal(metadata[k])
			if err != nil {
				return nil, fmt.Errorf("safetensors: metadata %q: %w", k, err)
			}
			sb.Write(kb)
			sb.WriteByte(':')
			sb.Write(vb)
		}
		sb.WriteByte('}')
	}
	seen := map[string]bool{}
	var off int64
	for i := range tensors {
		t := &tensors[i]
		switch {
		case t.Name == "":
			return nil, fmt.Errorf("safetensors: tensor %d has an empty name", i)
		case t.Name == "__metadata__":
			return nil, fmt.Errorf("safetensors: tensor %d is named __metadata__, which is reserved", i)
		case seen[t.Name]:
			return nil, fmt.Errorf("safetensors: duplicate tensor name %q", t.Name)
		}
		seen[t.Name] = true
		n, err := t.byteSize()
		if err != nil {
			return nil, err
		}
		sep()
		nb, err := json.Marshal(t.Name)
		if err != nil {
			return nil, fmt.Errorf("safetensors: tensor name %q: %w", t.Name, err)
		}
		sb.Write(nb)
		sb.WriteString(`:{"dtype":"`)
		sb.WriteString(string(t.DType))
		sb.WriteString(`","shape":[`)
		for j, d := range t.Shape {
			if j > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(strconv.Itoa(d))
		}
		fmt.Fprintf(&sb, `],"data_offsets":[%d,%d]}`, off, off+n)
		off += n
	}
	sb.WriteByte('}')
	for sb.Len()%8 != 0 {
		sb.WriteByte(' ')
	}
	return []byte(sb.String()), nil
}

func encodeFloat32(d DType, vals []float32, b []byte) {
	le := binary.LittleEndian
	switch d {
	case F32:
		for i, v := range vals {
			le.PutUint32(b[4*i:], math.Float32bits(v))
		}
	case F16:
		for i, v := range vals {
			le.PutUint16(b[2*i:], Float32ToF16(v))
		}
	case BF16:
		for i, v := range vals {
			le.PutUint16(b[2*i:], Float32ToBF16(v))
		}
	case F64:
		for i, v := range vals {
			le.PutUint64(b[8*i:], math.Float64bits(float64(v)))
		}
	default:
		panic("safetensors: encodeFloat32 called with " + string(d))
	}
}
