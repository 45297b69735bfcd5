package npy

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// numpyNPZ writes one archive with numpy.savez and one with
// numpy.savez_compressed, holding numbers of several dtypes, strings
// (unicode both byte orders, bytes), a Fortran-order matrix and a pickled
// object array, and reports each numeric array's values and each string
// array's elements as NumPy sees them.
const numpyNPZ = `
import base64, io, json, sys
import numpy as np
rng = np.random.default_rng(1)
arrays = {
    "times": rng.uniform(0, 10, 50),
    "samples": rng.integers(0, 2**40, 30).astype("<u8"),
    "clusters": rng.integers(0, 20, 30).astype("<i4"),
    "big_endian": rng.standard_normal((3, 4)).astype(">f4"),
    "fortran": np.asfortranarray(rng.standard_normal((3, 5))),
    "type": np.array(["TsGroup"], dtype=np.str_),
    "labels": np.array(["good", "mua", "noise", "θ ok"], dtype=">U5"),
    "bytes": np.array([b"ab", b"c"], dtype="S3"),
    "grid": np.array([["a", "bb"], ["ccc", "d"]], order="F"),
}
out = {}
for name, save in (("stored", np.savez), ("deflated", np.savez_compressed)):
    b = io.BytesIO()
    save(b, obj=np.array([{"k": 1}], dtype=object), **arrays)
    out[name] = base64.b64encode(b.getvalue()).decode()
out["values"] = {k: v.astype(np.float64).ravel().tolist() for k, v in arrays.items() if v.dtype.kind in "fiu"}
out["strings"] = {k: [x.decode() if isinstance(x, bytes) else str(x) for x in v.ravel()] for k, v in arrays.items() if v.dtype.kind in "US"}
print(json.dumps(out))
`

// TestReadNPZMatchesNumPy reads archives written by numpy.savez and
// numpy.savez_compressed (oracle: the values NumPy reports for the same
// arrays); the pickled object member fails alone, as NumPy's
// allow_pickle=False does.
func TestReadNPZMatchesNumPy(t *testing.T) {
	pyoracle.Require(t, "numpy")
	var got struct {
		Stored, Deflated string
		Values           map[string][]float64
		Strings          map[string][]string
	}
	pyoracle.Run(t, numpyNPZ, nil, &got)
	for _, arch := range []struct{ name, data string }{{"savez", got.Stored}, {"savez_compressed", got.Deflated}} {
		raw, err := base64.StdEncoding.DecodeString(arch.data)
		if err != nil {
			t.Fatal(err)
		}
		z, err := ReadNPZ(bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			t.Fatalf("%s: %v", arch.name, err)
		}
		if !z.Has("times") || z.Has("nothing") || len(z.Names()) != 10 {
			t.Errorf("%s: names %v", arch.name, z.Names())
		}
		for name, want := range got.Values {
			a, err := z.Read(name)
			if err != nil {
				t.Fatalf("%s: %v", arch.name, err)
			}
			if !slices.Equal(a.Data, want) {
				t.Errorf("%s: %s = %v, numpy %v", arch.name, name, a.Data, want)
			}
		}
		for name, want := range got.Strings {
			a, err := z.Read(name)
			if err != nil {
				t.Fatalf("%s: %v", arch.name, err)
			}
			if !slices.Equal(a.Strings, want) || a.Data != nil {
				t.Errorf("%s: %s = %q, numpy %q", arch.name, name, a.Strings, want)
			}
		}
		if a, err := z.Read("samples"); err != nil || a.DType != "<u8" {
			t.Errorf("%s: samples dtype %v, %v", arch.name, a, err)
		}
		if _, err := z.Read("obj"); err == nil || !strings.Contains(err.Error(), `unsupported dtype "|O"`) {
			t.Errorf("%s: object array: %v", arch.name, err)
		}
		if _, err := z.Read("absent"); err == nil || !strings.Contains(err.Error(), `no array "absent"`) {
			t.Errorf("%s: absent array: %v", arch.name, err)
		}
	}
}

// TestWriteNPZReadByNumPy: numpy.load reads both archive kinds WriteNPZ
// writes, with every value, dtype and string intact (oracle: NumPy).
func TestWriteNPZReadByNumPy(t *testing.T) {
	pyoracle.Require(t, "numpy")
	arrays := map[string]*Array{
		"t":     {Shape: []int{4}, Data: []float64{0.5, 1e-300, math.Inf(1), -2}},
		"index": {Shape: []int{2, 2}, Data: []float64{3, -7, 1 << 40, 0}, DType: "<i8"},
		"type":  {Shape: []int{1}, Strings: []string{"TsGroup"}},
		"names": {Shape: []int{3}, Strings: []string{"a", "", "θ-cell"}},
	}
	for _, write := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return WriteNPZ(b, arrays) },
		func(b *bytes.Buffer) error { return WriteNPZCompressed(b, arrays) },
	} {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			t.Fatal(err)
		}
		var got map[string]struct {
			DType  string
			Shape  []int
			Values []string
		}
		pyoracle.Run(t, `
import base64, io, json, sys
import numpy as np
z = np.load(io.BytesIO(base64.b64decode(json.load(sys.stdin))))
print(json.dumps({k: {"dtype": z[k].dtype.str, "shape": list(z[k].shape), "values": [repr(x.item()) if z[k].dtype.kind != "U" else str(x) for x in z[k].ravel()]} for k in z.files}))
`, base64.StdEncoding.EncodeToString(buf.Bytes()), &got)
		want := map[string][]string{"t": {"0.5", "1e-300", "inf", "-2.0"}, "index": {"3", "-7", "1099511627776", "0"},
			"type": {"TsGroup"}, "names": {"a", "", "θ-cell"}}
		dtypes := map[string]string{"t": "<f8", "index": "<i8", "type": "<U7", "names": "<U6"}
		for k, w := range want {
			if !slices.Equal(got[k].Values, w) || got[k].DType != dtypes[k] || !slices.Equal(got[k].Shape, arrays[k].Shape) {
				t.Errorf("%s: numpy read %+v, want %v %s %v", k, got[k], w, dtypes[k], arrays[k].Shape)
			}
		}
	}
}

// TestNPZRoundTrip: what WriteNPZ and WriteNPZCompressed write, ReadNPZ
// returns bit for bit (oracle: the input).
func TestNPZRoundTrip(t *testing.T) {
	in := map[string]*Array{
		"x":  {Shape: []int{2, 3}, Data: []float64{1, math.NaN(), -0.0, 4, 5, 6}},
		"s":  {Shape: []int{2}, Strings: []string{"ab", "ünï"}},
		"e":  {Shape: []int{0}, Data: []float64{}},
		"id": {Shape: []int{3}, Data: []float64{-1, 0, 9}, DType: "<i8"},
	}
	for _, compressed := range []bool{false, true} {
		var buf bytes.Buffer
		var err error
		if compressed {
			err = WriteNPZCompressed(&buf, in)
		} else {
			err = WriteNPZ(&buf, in)
		}
		if err != nil {
			t.Fatal(err)
		}
		z, err := ReadNPZ(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(z.Names(), []string{"e", "id", "s", "x"}) {
			t.Errorf("names %v, want sorted", z.Names())
		}
		for name, a := range in {
			b, err := z.Read(name)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(a.Shape, b.Shape) || !slices.Equal(a.Strings, b.Strings) || len(a.Data) != len(b.Data) {
				t.Fatalf("compressed %v: %s came back as %+v", compressed, name, b)
			}
			for i := range a.Data {
				if math.Float64bits(a.Data[i]) != math.Float64bits(b.Data[i]) {
					t.Errorf("compressed %v: %s[%d] = %v came back as %v", compressed, name, i, a.Data[i], b.Data[i])
				}
			}
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestNPZRejectsDamage: a non-zip input, a corrupted stored member (CRC
// mismatch) and unwritable arrays give errors that say what is wrong.
func TestNPZRejectsDamage(t *testing.T) {
	if _, err := ReadNPZ(bytes.NewReader([]byte("not a zip")), 9); err == nil || !strings.Contains(err.Error(), "not an .npz") {
		t.Errorf("not a zip: %v", err)
	}
	var buf bytes.Buffer
	if err := WriteNPZ(&buf, map[string]*Array{"x": {Shape: []int{3}, Data: []float64{1, 2, 3}}}); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	i := bytes.LastIndex(raw, []byte{0, 0, 0, 0, 0, 0, 0x08, 0x40}) // the float64 2.0
	if i < 0 {
		t.Fatal("value 2.0 not found in the stored member")
	}
	raw[i+7] = 0x41
	z, err := ReadNPZ(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := z.Read("x"); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("corrupted member: %v", err)
	}
	for name, a := range map[string]*Array{
		"":     {Shape: []int{1}, Data: []float64{1}},
		"frac": {Shape: []int{1}, Data: []float64{1.5}, DType: "<i8"},
		"both": {Shape: []int{1}, Data: []float64{1}, Strings: []string{"a"}},
		"kind": {Shape: []int{1}, Data: []float64{1}, DType: "<f2"},
	} {
		if err := WriteNPZ(&bytes.Buffer{}, map[string]*Array{name: a}); err == nil {
			t.Errorf("array %q %+v written", name, a)
		}
	}
}

// FuzzReadNPZ: any input either fails with an error or yields arrays whose
// shapes match their data; nothing panics and memory stays proportional to
// the (decompressed) input.
func FuzzReadNPZ(f *testing.F) {
	for _, write := range []func(*bytes.Buffer, map[string]*Array) error{
		func(b *bytes.Buffer, a map[string]*Array) error { return WriteNPZ(b, a) },
		func(b *bytes.Buffer, a map[string]*Array) error { return WriteNPZCompressed(b, a) },
	} {
		var buf bytes.Buffer
		if err := write(&buf, map[string]*Array{
			"t": {Shape: []int{3}, Data: []float64{0.1, 0.2, 0.3}},
			"k": {Shape: []int{1}, Strings: []string{"TsGroup"}},
			"i": {Shape: []int{2, 1}, Data: []float64{4, 5}, DType: "<i8"},
		}); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("odd.npy")
	if err != nil {
		f.Fatal(err)
	}
	if _, err := w.Write(npyFile("{'descr': '<U3', 'fortran_order': True, 'shape': (2, 1), }\n", make([]byte, 24))); err != nil {
		f.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Fuzz(func(t *testing.T, data []byte) {
		z, err := ReadNPZ(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		for _, name := range z.Names() {
			a, err := z.Read(name)
			if err != nil {
				continue
			}
			n := 1
			for _, s := range a.Shape {
				n *= s
			}
			if a.Strings != nil {
				if n != len(a.Strings) || a.Data != nil {
					t.Fatalf("%s: shape %v with %d strings", name, a.Shape, len(a.Strings))
				}
				continue
			}
			if n != len(a.Data) {
				t.Fatalf("%s: shape %v with %d values", name, a.Shape, len(a.Data))
			}
		}
	})
}
