package safetensors

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzNewReader checks, on arbitrary bytes, that the reader never panics or
// over-allocates, that every tensor of an accepted file can be read, and that
// writing the accepted tensors back yields a file that parses to the same
// descriptions (oracle: round-trip invariance).
func FuzzNewReader(f *testing.F) {
	var valid bytes.Buffer
	err := Write(&valid, []Tensor{
		{Name: "a", DType: F16, Shape: []int{2, 2}, Values: []float32{1, -2, 0.5, 65504}},
		{Name: "b", DType: BF16, Shape: []int{}, Values: []float32{3}},
		{Name: "c", DType: U8, Shape: []int{0}},
		{Name: "d", DType: F32, Shape: []int{3}, Values: []float32{1, 2, 3}},
	}, map[string]string{"format": "pt"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid.Bytes())
	f.Add(fileOf(`{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,8]}}`, make([]byte, 8)))
	f.Add(fileOf(`{"a":{"dtype":"U8","shape":[6],"data_offsets":[0,6]},"b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}`, make([]byte, 8)))
	f.Add(rawFile(1<<40, "{}", nil))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		var out []Tensor
		for _, info := range file.Tensors() {
			raw := make([]byte, info.End-info.Begin)
			if err := file.ReadRaw(info.Name, raw); err != nil {
				t.Fatalf("accepted file but reading %q failed: %v", info.Name, err)
			}
			if info.DType.IsFloat() {
				if _, _, err := file.Float32(info.Name); err != nil {
					t.Fatalf("accepted file but converting %q failed: %v", info.Name, err)
				}
			}
			out = append(out, Tensor{Name: info.Name, DType: info.DType, Shape: info.Shape, Data: raw})
		}
		var buf bytes.Buffer
		if err := Write(&buf, out, file.Metadata()); err != nil {
			t.Fatalf("rewriting accepted tensors: %v", err)
		}
		again, err := NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatalf("rewritten file rejected: %v", err)
		}
		if !reflect.DeepEqual(again.Tensors(), file.Tensors()) {
			t.Fatalf("round trip changed the tensors:\n%v\n%v", file.Tensors(), again.Tensors())
		}
	})
}
