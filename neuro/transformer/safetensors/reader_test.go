package safetensors

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// rawFile assembles a file from a header string and a data buffer, with the
// header length given explicitly so that it can lie.
func rawFile(n uint64, header string, data []byte) []byte {
	var b bytes.Buffer
	var nb [8]byte
	binary.LittleEndian.PutUint64(nb[:], n)
	b.Write(nb[:])
	b.WriteString(header)
	b.Write(data)
	return b.Bytes()
}

func fileOf(header string, data []byte) []byte { return rawFile(uint64(len(header)), header, data) }

func parse(b []byte) (*File, error) { return NewReader(bytes.NewReader(b), int64(len(b))) }

// TestRoundTripPreservesBitPatterns writes tensors holding special values
// (signed zeros, subnormals, extremes, Inf, NaN payloads) in every float
// encoding and checks that reading returns exactly the bits written, which
// are fixed by the format definitions (oracle: the known bit patterns).
func TestRoundTripPreservesBitPatterns(t *testing.T) {
	f16Bits := []uint16{0x0000, 0x8000, 0x0001, 0x03ff, 0x0400, 0x3c00, 0x7bff, 0xfbff, 0x7c00, 0xfc00, 0x7e00, 0x7d01}
	bf16Bits := []uint16{0x0000, 0x8000, 0x0001, 0x007f, 0x0080, 0x3f80, 0x7f7f, 0x7f80, 0xff80, 0x7fc0, 0x7fc1}
	f32Bits := []uint32{0, 0x80000000, 1, 0x007fffff, 0x3f800000, 0x7f7fffff, 0x7f800000, 0xff800000, 0x7fc00001}
	raw16 := func(bits []uint16) []byte {
		b := make([]byte, 2*len(bits))
		for i, v := range bits {
			binary.LittleEndian.PutUint16(b[2*i:], v)
		}
		return b
	}
	raw32 := make([]byte, 4*len(f32Bits))
	f32Vals := make([]float32, len(f32Bits))
	for i, v := range f32Bits {
		binary.LittleEndian.PutUint32(raw32[4*i:], v)
		f32Vals[i] = math.Float32frombits(v)
	}
	ints := make([]byte, 16)
	binary.LittleEndian.PutUint64(ints, math.MaxUint64)
	binary.LittleEndian.PutUint64(ints[8:], 7)
	tensors := []Tensor{
		{Name: "f16", DType: F16, Shape: []int{len(f16Bits)}, Data: raw16(f16Bits)},
		{Name: "bf16", DType: BF16, Shape: []int{len(bf16Bits)}, Data: raw16(bf16Bits)},
		{Name: "f32", DType: F32, Shape: []int{3, 3}, Values: f32Vals},
		{Name: "scalar", DType: F64, Shape: []int{}, Values: []float32{-1.5}},
		{Name: "empty", DType: F32, Shape: []int{0, 4}, Values: []float32{}},
		{Name: "u64", DType: U64, Shape: []int{2}, Data: ints},
	}
	path := filepath.Join(t.TempDir(), "x.safetensors")
	if err := WriteFile(path, tensors, map[string]string{"format": "pt", "note": "é\""}); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if md := f.Metadata(); md["format"] != "pt" || md["note"] != "é\"" {
		t.Errorf("metadata = %v", md)
	}
	for _, tc := range []struct {
		name string
		raw  []byte
	}{{"f16", raw16(f16Bits)}, {"bf16", raw16(bf16Bits)}, {"f32", raw32}, {"u64", ints}} {
		info, _ := f.Info(tc.name)
		got := make([]byte, info.End-info.Begin)
		if err := f.ReadRaw(tc.name, got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, tc.raw) {
			t.Errorf("%s: raw bytes %x, want %x", tc.name, got, tc.raw)
		}
	}
	checkFloat := func(name string, bits []uint16, dec func(uint16) float32) {
		vals, shape, err := f.Float32(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(shape) != 1 || shape[0] != len(bits) {
			t.Errorf("%s: shape %v", name, shape)
		}
		for i, v := range vals {
			want := dec(bits[i])
			if math.Float32bits(v) != math.Float32bits(want) {
				t.Errorf("%s[%d] (%#04x) read as %v (%#08x), want %#08x", name, i, bits[i], v, math.Float32bits(v), math.Float32bits(want))
			}
		}
	}
	checkFloat("f16", f16Bits, F16ToFloat32)
	checkFloat("bf16", bf16Bits, BF16ToFloat32)
	vals, shape, err := f.Float32("f32")
	if err != nil || len(shape) != 2 {
		t.Fatal(err, shape)
	}
	for i, v := range vals {
		if math.Float32bits(v) != f32Bits[i] {
			t.Errorf("f32[%d] = %#08x, want %#08x", i, math.Float32bits(v), f32Bits[i])
		}
	}
	if v, shape, err := f.Float32("scalar"); err != nil || len(shape) != 0 || len(v) != 1 || v[0] != -1.5 {
		t.Errorf("scalar: %v %v %v", v, shape, err)
	}
	if v, shape, err := f.Float32("empty"); err != nil || len(v) != 0 || shape[0] != 0 || shape[1] != 4 {
		t.Errorf("empty: %v %v %v", v, shape, err)
	}
	if _, _, err := f.Float32("u64"); err == nil || !strings.Contains(err.Error(), "U64") {
		t.Errorf("reading U64 as float: err = %v", err)
	}
	// Known encodings of float values written through Values.
	enc := []Tensor{
		{Name: "h", DType: F16, Shape: []int{5}, Values: []float32{1, 65504, float32(math.Ldexp(1, -24)), float32(math.Inf(-1)), 70000}},
		{Name: "b", DType: BF16, Shape: []int{2}, Values: []float32{1, -2}},
	}
	var buf bytes.Buffer
	if err := Write(&buf, enc, nil); err != nil {
		t.Fatal(err)
	}
	g, err := parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	gotH := make([]byte, 10)
	if err := g.ReadRaw("h", gotH); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gotH, raw16([]uint16{0x3c00, 0x7bff, 0x0001, 0xfc00, 0x7c00})) {
		t.Errorf("F16 encodings %x", gotH)
	}
	gotB := make([]byte, 4)
	if err := g.ReadRaw("b", gotB); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gotB, raw16([]uint16{0x3f80, 0xc000})) {
		t.Errorf("BF16 encodings %x", gotB)
	}
}

// TestStreamedConversionCrossesChunks reads an F16 tensor larger than the
// conversion buffer and checks every element against the per-element
// decoder (oracle: F16ToFloat32, itself checked against the definition).
func TestStreamedConversionCrossesChunks(t *testing.T) {
	n := chunkBytes/2*2 + 123
	vals := make([]float32, n)
	for i := range vals {
		vals[i] = float32(i%4099) - 2049.5
	}
	var buf bytes.Buffer
	if err := Write(&buf, []Tensor{{Name: "w", DType: F16, Shape: []int{n}, Values: vals}}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := f.Float32("w")
	if err != nil {
		t.Fatal(err)
	}
	for i := range vals {
		if want := F16ToFloat32(Float32ToF16(vals[i])); got[i] != want {
			t.Fatalf("element %d = %v, want %v", i, got[i], want)
		}
	}
}

// TestMalformedFilesAreRejected feeds files violating each rule of the
// format and checks that the error names the problem (oracle: the rules of
// the reference implementation).
func TestMalformedFilesAreRejected(t *testing.T) {
	eight := make([]byte, 8)
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"short", []byte{1, 2, 3}, "shorter than the 8-byte"},
		{"over limit", rawFile(MaxHeaderSize+1, "{}", nil), "exceeds the limit"},
		{"beyond file", rawFile(1000, "{}", nil), "exceeds the 2 bytes that follow"},
		{"not utf8", fileOf("{\"\xff\":1}", nil), "UTF-8"},
		{"not object", fileOf("[1,2]   ", nil), "start with '{'"},
		{"bad json", fileOf(`{"a":}`, nil), "header"},
		{"trailing", fileOf(`{} {}`, nil), "after its JSON object"},
		{"duplicate", fileOf(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}`, nil), `duplicate key "a"`},
		{"unknown dtype", fileOf(`{"a":{"dtype":"F4","shape":[2],"data_offsets":[0,1]}}`, []byte{0}), `tensor "a" has unsupported dtype "F4"`},
		{"no dtype", fileOf(`{"a":{"shape":[2],"data_offsets":[0,2]}}`, []byte{0, 0}), `tensor "a" has no dtype`},
		{"no shape", fileOf(`{"a":{"dtype":"U8","data_offsets":[0,2]}}`, []byte{0, 0}), `tensor "a" has no shape`},
		{"no offsets", fileOf(`{"a":{"dtype":"U8","shape":[2]}}`, []byte{0, 0}), `tensor "a" has no data_offsets`},
		{"negative dim", fileOf(`{"a":{"dtype":"U8","shape":[-2],"data_offsets":[0,2]}}`, []byte{0, 0}), `shape[0] = -2`},
		{"fractional dim", fileOf(`{"a":{"dtype":"U8","shape":[1.5],"data_offsets":[0,2]}}`, []byte{0, 0}), `shape[0] = 1.5`},
		{"overflow", fileOf(`{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}`, eight), "overflows"},
		{"shape disagrees", fileOf(`{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,8]}}`, eight), `dtype F32 and shape [2 3] need 24 bytes but data_offsets [0, 8] span 8`},
		{"reversed", fileOf(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[8,0]}}`, eight), "end before they begin"},
		{"three offsets", fileOf(`{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8,9]}}`, eight), "has 3 entries"},
		{"overlap", fileOf(`{"a":{"dtype":"U8","shape":[6],"data_offsets":[0,6]},"b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}`, eight), `tensor "b" at data_offsets [4, 8] overlaps tensor "a"`},
		{"gap", fileOf(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}`, eight), `gap of 2 bytes before tensor "b"`},
		{"outside data", fileOf(`{"a":{"dtype":"U8","shape":[16],"data_offsets":[0,16]}}`, eight), "cover 16 bytes but the data buffer after the header holds 8"},
		{"extra data", fileOf(`{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}`, eight), "cover 4 bytes but the data buffer after the header holds 8"},
		{"metadata type", fileOf(`{"__metadata__":{"a":1}}`, nil), "__metadata__ must map strings to strings"},
	}
	for _, c := range cases {
		_, err := parse(c.file)
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q does not contain %q", c.name, err, c.want)
		}
	}
}

// TestForgedHeaderLengthAllocatesNothingLarge checks that a header length
// that the file cannot back is rejected before any buffer of that size is
// allocated (oracle: the runtime's allocation counter).
func TestForgedHeaderLengthAllocatesNothingLarge(t *testing.T) {
	file := rawFile(MaxHeaderSize-1, `{"a":1}`, nil)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := parse(file)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("forged header length accepted")
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("rejecting a forged header allocated %d bytes", grew)
	}
}

// TestDestinationSizeIsChecked checks that a wrong-length destination is an
// error naming the tensor rather than a short or overrunning read.
func TestDestinationSizeIsChecked(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, []Tensor{{Name: "w", DType: F32, Shape: []int{2, 2}, Values: make([]float32, 4)}}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.ReadFloat32("w", make([]float32, 3)); err == nil || !strings.Contains(err.Error(), `"w" [2 2] has 4 elements, destination has 3`) {
		t.Errorf("err = %v", err)
	}
	if err := f.ReadFloat32("nope", nil); err == nil || !strings.Contains(err.Error(), `no tensor named "nope"`) {
		t.Errorf("err = %v", err)
	}
}

// TestWriterRejectsInconsistentTensors checks the writer's validation.
func TestWriterRejectsInconsistentTensors(t *testing.T) {
	cases := []struct {
		ts   []Tensor
		want string
	}{
		{[]Tensor{{Name: "a", DType: F32, Shape: []int{3}, Values: []float32{1, 2}}}, "shape [3] has 3 elements but Values has 2"},
		{[]Tensor{{Name: "a", DType: U8, Shape: []int{3}, Data: []byte{1}}}, "need 3 bytes but Data has 1"},
		{[]Tensor{{Name: "a", DType: I32, Shape: []int{1}, Values: []float32{1}}}, "Values can only be written as"},
		{[]Tensor{{Name: "a", DType: "Q4", Shape: []int{1}, Data: []byte{1}}}, `unsupported dtype "Q4"`},
		{[]Tensor{{Name: "a", DType: U8, Shape: []int{0}}, {Name: "a", DType: U8, Shape: []int{0}}}, `duplicate tensor name "a"`},
		{[]Tensor{{Name: "__metadata__", DType: U8, Shape: []int{0}}}, "reserved"},
	}
	for _, c := range cases {
		err := Write(&bytes.Buffer{}, c.ts, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Write(%v): err = %v, want %q", c.ts[0].Name, err, c.want)
		}
	}
}

// TestOpenReportsPath checks that errors from Open name the file.
func TestOpenReportsPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.safetensors")
	if err := os.WriteFile(path, []byte{1, 2}, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "bad.safetensors") {
		t.Errorf("err = %v", err)
	}
}
