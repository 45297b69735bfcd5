package npy

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// numpyFiles writes arrays with numpy.save (and numpy.lib.format for
// versions 2 and 3) in several element types, byte orders, memory orders
// and ranks, and returns each file with its shape and its values in C order
// as float64.
const numpyFiles = `
import base64, io, json, sys
import numpy as np
from numpy.lib import format as fmt
rng = np.random.default_rng(0)
out = []
def add(a, version=None):
    b = io.BytesIO()
    if version is None:
        np.save(b, a)
    else:
        fmt.write_array(b, a, version=version)
    out.append({"data": base64.b64encode(b.getvalue()).decode(), "shape": list(a.shape),
                "values": np.ascontiguousarray(a).astype(np.float64).ravel().tolist(),
                "what": f"{a.dtype.str} {a.shape} F={a.flags.f_contiguous and not a.flags.c_contiguous} v={version}"})
x = rng.standard_normal((5, 4))
add(x)
add(x.astype(">f8"))
add(x.astype("<f4"))
add(np.asfortranarray(x))
add(np.asfortranarray(rng.standard_normal((3, 4, 5))))
add(rng.standard_normal((3, 2, 2, 3)))
add(rng.integers(-100, 100, (4, 6)).astype(">i4"))
add(rng.integers(-100, 100, (4, 6)).astype("<i8"))
add(rng.integers(0, 250, (4, 6)).astype("u1"))
add(rng.integers(0, 60000, (4, 6)).astype(">u2"))
add(rng.integers(-100, 100, (4, 6)).astype("i1"))
add(rng.integers(0, 2, (4, 6)).astype("?"))
add(rng.standard_normal(7))
add(x, version=(2, 0))
add(x, version=(3, 0))
print(json.dumps(out))
`

// TestReadMatchesNumPy reads files written by NumPy itself (oracle:
// numpy.save and the values NumPy reports for them).
func TestReadMatchesNumPy(t *testing.T) {
	pyoracle.Require(t, "numpy")
	var files []struct {
		Data   string
		Shape  []int
		Values []float64
		What   string
	}
	pyoracle.Run(t, numpyFiles, nil, &files)
	for _, f := range files {
		raw, err := base64.StdEncoding.DecodeString(f.Data)
		if err != nil {
			t.Fatal(err)
		}
		a, err := Read(bytes.NewReader(raw))
		if err != nil {
			t.Errorf("%s: %v", f.What, err)
			continue
		}
		if !slices.Equal(a.Shape, f.Shape) || len(a.Data) != len(f.Values) {
			t.Errorf("%s: shape %v with %d values, want %v with %d", f.What, a.Shape, len(a.Data), f.Shape, len(f.Values))
			continue
		}
		for i, v := range f.Values {
			if a.Data[i] != v {
				t.Fatalf("%s: element %d = %v, want %v", f.What, i, a.Data[i], v)
			}
		}
	}
}

// TestWriteIsReadByNumPy writes an array, including NaN and ±Inf, and has
// numpy.load read it back (oracle: NumPy's reader).
func TestWriteIsReadByNumPy(t *testing.T) {
	pyoracle.Require(t, "numpy")
	a := &Array{Shape: []int{2, 3, 2}, Data: []float64{1, -2.5, 3e300, math.Inf(1), math.Inf(-1), 0, 7, 8, 9, 10, 11, 1e-310}}
	var buf bytes.Buffer
	if err := Write(&buf, a); err != nil {
		t.Fatal(err)
	}
	if (buf.Len()-8*len(a.Data))%64 != 0 {
		t.Errorf("data start at byte %d, not on a 64-byte boundary", buf.Len()-8*len(a.Data))
	}
	var got struct {
		Shape  []int
		Values []string
	}
	pyoracle.Run(t, `
import base64, io, json, sys
import numpy as np
a = np.load(io.BytesIO(base64.b64decode(json.load(sys.stdin))))
print(json.dumps({"shape": list(a.shape), "values": [repr(float(v)) for v in a.ravel()]}))
`, base64.StdEncoding.EncodeToString(buf.Bytes()), &got)
	if !slices.Equal(got.Shape, a.Shape) {
		t.Fatalf("numpy read shape %v, want %v", got.Shape, a.Shape)
	}
	want := []string{"1.0", "-2.5", "3e+300", "inf", "-inf", "0.0", "7.0", "8.0", "9.0", "10.0", "11.0", "1e-310"}
	for i := range want {
		if got.Values[i] != want[i] {
			t.Errorf("value %d: numpy read %s, want %s", i, got.Values[i], want[i])
		}
	}
}

// TestWriteReadRoundTrip: what Write writes, Read returns bit for bit
// (oracle: the input), NaN included.
func TestWriteReadRoundTrip(t *testing.T) {
	for _, a := range []*Array{
		{Shape: []int{4}, Data: []float64{0, 1, math.NaN(), -0.0}},
		{Shape: []int{2, 0}, Data: []float64{}},
		{Shape: []int{}, Data: []float64{42}},
		{Shape: []int{1, 2, 3}, Data: []float64{1, 2, 3, 4, 5, 6}},
	} {
		var buf bytes.Buffer
		if err := Write(&buf, a); err != nil {
			t.Fatal(err)
		}
		b, err := Read(&buf)
		if err != nil {
			t.Fatalf("shape %v: %v", a.Shape, err)
		}
		if !slices.Equal(a.Shape, b.Shape) || len(a.Data) != len(b.Data) {
			t.Fatalf("shape %v came back as %v", a.Shape, b.Shape)
		}
		for i := range a.Data {
			if math.Float64bits(a.Data[i]) != math.Float64bits(b.Data[i]) {
				t.Errorf("shape %v, value %d: %v came back as %v", a.Shape, i, a.Data[i], b.Data[i])
			}
		}
	}
	if err := Write(&bytes.Buffer{}, &Array{Shape: []int{2, 2}, Data: []float64{1}}); err == nil || !strings.Contains(err.Error(), "holds 4 values, data has 1") {
		t.Errorf("mismatched shape: %v", err)
	}
}

// TestMatrixFlattensTrailingAxes: (P, d1, d2) becomes P×(d1·d2) in C order,
// as NumPy's reshape(P, -1) does (oracle: index arithmetic).
func TestMatrixFlattensTrailingAxes(t *testing.T) {
	a := &Array{Shape: []int{2, 2, 3}, Data: []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}
	m, err := a.Matrix()
	if err != nil {
		t.Fatal(err)
	}
	if r, c := m.Dims(); r != 2 || c != 6 || m.At(1, 4) != 10 {
		t.Errorf("got %d×%d with (1,4) = %v, want 2×6 with 10", r, c, m.At(1, 4))
	}
	v, err := (&Array{Shape: []int{3}, Data: []float64{1, 2, 3}}).Matrix()
	if err != nil {
		t.Fatal(err)
	}
	if r, c := v.Dims(); r != 3 || c != 1 {
		t.Errorf("a vector became %d×%d, want 3×1", r, c)
	}
	for _, bad := range []*Array{{Shape: []int{}, Data: []float64{1}}, {Shape: []int{0, 3}}} {
		if _, err := bad.Matrix(); err == nil {
			t.Errorf("shape %v accepted as a matrix", bad.Shape)
		}
	}
}

func npyFile(h string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString(magic)
	b.Write([]byte{1, 0})
	b.Write(binary.LittleEndian.AppendUint16(nil, uint16(len(h))))
	b.WriteString(h)
	b.Write(data)
	return b.Bytes()
}

// TestReadRejectsMalformedFiles checks the error text for each kind of
// damage, and that a header promising far more data than the file holds
// fails without allocating for the promise.
func TestReadRejectsMalformedFiles(t *testing.T) {
	cases := map[string]struct {
		data []byte
		want string
	}{
		"magic":     {[]byte("PK\x03\x04 not npy"), "not a .npy file"},
		"short":     {[]byte("\x93NUM"), "reading the magic string"},
		"version":   {[]byte(magic + "\x07\x00\x10\x00"), "unsupported format version 7.0"},
		"hugehdr":   {[]byte(magic + "\x02\x00\xff\xff\xff\xff"), "header length 4294967295 exceeds"},
		"truncated": {npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }\n", make([]byte, 24)), "promises 4 elements, the file holds 3"},
		"huge":      {npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (40000, 40000), }\n", make([]byte, 80)), "the file holds 10"},
		"overflow":  {npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (999999999999, 999999999999), }\n", nil), "more than"},
		"dtype":     {npyFile("{'descr': '<c16', 'fortran_order': False, 'shape': (2, 2), }\n", nil), "unsupported dtype"},
		"order":     {npyFile("{'descr': '!f8', 'fortran_order': False, 'shape': (2,), }\n", nil), "unsupported byte order"},
		"key":       {npyFile("{'descr': '<f8', 'shape': (2, 2), }\n", nil), "lacks \"fortran_order\""},
		"extra":     {npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}\n", nil), "unexpected header key \"x\""},
		"notdict":   {npyFile("['descr']\n", nil), "does not start with '{'"},
		"fortran":   {npyFile("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (2,), }\n", nil), "neither True nor False"},
		"dims":      {npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (2, x), }\n", nil), "expected a dimension"},
	}
	for name, c := range cases {
		_, err := Read(bytes.NewReader(c.data))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", name, err, c.want)
		}
	}
}

// FuzzRead: any input either fails with an error or yields an array whose
// shape matches its data; nothing panics and memory stays proportional to
// the input.
func FuzzRead(f *testing.F) {
	var buf bytes.Buffer
	if err := Write(&buf, &Array{Shape: []int{2, 3}, Data: []float64{1, 2, 3, 4, 5, math.NaN()}}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(npyFile("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1, 2), }\n", make([]byte, 32)))
	f.Add(npyFile("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }\n", []byte{1, 0, 1}))
	f.Add(npyFile("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }\n", []byte{0x3f, 0x80, 0, 0}))
	f.Add(npyFile("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 2), }\n", []byte{1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0}))
	f.Add([]byte(magic + "\x02\x00\xff\xff\xff\xff"))
	f.Add(npyFile("{'descr': '>U2', 'fortran_order': True, 'shape': (2, 1), }\n", []byte{0, 0, 0, 0x61, 0, 0, 0, 0, 0, 0, 0x3, 0xb8, 0, 0x11, 0, 0}))
	f.Add(npyFile("{'descr': '|S3', 'fortran_order': False, 'shape': (2,), }\n", []byte("ab\x00cde")))
	f.Add(npyFile("{'descr': '<U0', 'fortran_order': False, 'shape': (3,), }\n", nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		n := 1
		for _, s := range a.Shape {
			n *= s
		}
		if a.Strings != nil {
			if n != len(a.Strings) || a.Data != nil || (len(a.Strings) > len(data) && len(a.Strings) > 1<<20) {
				t.Fatalf("shape %v with %d strings from %d bytes", a.Shape, len(a.Strings), len(data))
			}
			if _, err := a.Matrix(); err == nil {
				t.Fatal("a string array became a matrix")
			}
			return
		}
		if n != len(a.Data) || len(a.Data) > len(data) {
			t.Fatalf("shape %v with %d values from %d bytes", a.Shape, len(a.Data), len(data))
		}
		if m, err := a.Matrix(); err == nil {
			if r, c := m.Dims(); r*c != n {
				t.Fatalf("matrix %d×%d from %d values", r, c, n)
			}
		}
	})
}
