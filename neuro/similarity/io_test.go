package similarity

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// npyScript writes arrays with numpy.save in several element types, byte
// orders, memory orders, format versions and ranks, and returns each file
// with its values as X.reshape(P, -1) in float64.
const npyScript = `
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
    ref = np.asarray(a, dtype=np.float64).reshape(a.shape[0], -1) if a.ndim > 1 else np.asarray(a, dtype=np.float64).reshape(-1, 1)
    out.append({"data": base64.b64encode(b.getvalue()).decode(), "want": ref.tolist(), "what": f"{a.dtype.str} {a.shape} F={a.flags.f_contiguous and not a.flags.c_contiguous} v={version}"})
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

// Oracle: files written by NumPy itself.
func TestReadNPYMatchesNumPy(t *testing.T) {
	pyoracle.Require(t, "numpy")
	var files []struct {
		Data string
		Want [][]float64
		What string
	}
	pyoracle.Run(t, npyScript, nil, &files)
	for _, f := range files {
		raw, _ := base64.StdEncoding.DecodeString(f.Data)
		m, err := ReadNPY(bytes.NewReader(raw))
		if err != nil {
			t.Errorf("%s: %v", f.What, err)
			continue
		}
		r, c := m.Dims()
		if r != len(f.Want) || c != len(f.Want[0]) {
			t.Errorf("%s: read %d×%d, want %d×%d", f.What, r, c, len(f.Want), len(f.Want[0]))
			continue
		}
		for i := range f.Want {
			for j, v := range f.Want[i] {
				if m.At(i, j) != v {
					t.Fatalf("%s: element (%d,%d) = %v, want %v", f.What, i, j, m.At(i, j), v)
				}
			}
		}
	}
}

// Oracle: the checked-in files hold the same matrix written by numpy.save
// (float64 and big-endian Fortran float32) and numpy.savetxt (CSV with a
// header).
func TestLoadRepresentationReadsTestdata(t *testing.T) {
	a, err := LoadRepresentation("testdata/small_f8.npy")
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadRepresentation("testdata/small.csv")
	if err != nil {
		t.Fatal(err)
	}
	f, err := LoadNPY("testdata/small_f4_fortran.npy")
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "a[0,0]", a.At(0, 0), -0.80193143, 1e-8)
	for i := 0; i < 4; i++ {
		for j := 0; j < 3; j++ {
			assertClose(t, "CSV vs NPY", b.At(i, j), a.At(i, j), 1e-15*math.Abs(a.At(i, j))+1e-18)
			assertClose(t, "float32 Fortran vs NPY", f.At(i, j), float64(float32(a.At(i, j))), 0)
		}
	}
	g, err := LoadNPY("testdata/activations_i2_4d.npy")
	if err != nil {
		t.Fatal(err)
	}
	if r, c := g.Dims(); r != 3 || c != 8 {
		t.Errorf("4-D activations read as %d×%d, want 3×8", r, c)
	}
}

func npyBytes(header string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString(npyMagic)
	b.Write([]byte{1, 0})
	binary.Write(&b, binary.LittleEndian, uint16(len(header)))
	b.WriteString(header)
	b.Write(data)
	return b.Bytes()
}

// Oracle: the error text for malformed files, and bounded memory for a
// header that promises far more data than the file holds.
func TestReadNPYRejectsMalformedFiles(t *testing.T) {
	cases := map[string]struct {
		data []byte
		want string
	}{
		"magic":     {[]byte("PK\x03\x04 not npy"), "not a .npy file"},
		"truncated": {npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }\n", make([]byte, 24)), "promises 4 elements, the file holds 3"},
		"huge":      {npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (40000, 40000), }\n", make([]byte, 80)), "the file holds 10"},
		"overflow":  {npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (999999999999, 999999999999), }\n", nil), "more than"},
		"dtype":     {npyBytes("{'descr': '<c16', 'fortran_order': False, 'shape': (2, 2), }\n", nil), "unsupported dtype"},
		"scalar":    {npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (), }\n", nil), "scalar"},
		"key":       {npyBytes("{'descr': '<f8', 'shape': (2, 2), }\n", nil), "lacks \"fortran_order\""},
	}
	for name, c := range cases {
		_, err := ReadNPY(bytes.NewReader(c.data))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", name, err, c.want)
		}
	}
}

// Oracle: hand-written files: delimiters, an optional header, comments and
// the error text for ragged or non-numeric rows.
func TestReadCSVParsesAndReportsErrors(t *testing.T) {
	for _, text := range []string{"a,b\n1,2\n3,4.5\n", "1\t2\n3\t4.5\n", "# rates\n1;2\n3;4.5\n"} {
		m, err := ReadCSV(strings.NewReader(text))
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if r, c := m.Dims(); r != 2 || c != 2 || m.At(1, 1) != 4.5 {
			t.Errorf("%q: read %d×%d with (1,1) = %v", text, r, c, m.At(1, 1))
		}
	}
	for text, want := range map[string]string{
		"1,2\n3,4,5\n": "line 2 has 3 fields",
		"1,2\n3,x\n":   `row 2 (stimulus 1), column 1: "x" is not a number`,
		"n1,n2\n":      "no numeric rows",
	} {
		_, err := ReadCSV(strings.NewReader(text))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one mentioning %q", text, err, want)
		}
	}
}

// FuzzReadNPY: any input either fails with an error or yields a non-empty
// matrix; nothing panics and memory stays proportional to the input.
func FuzzReadNPY(f *testing.F) {
	for _, name := range []string{"testdata/small_f8.npy", "testdata/small_f4_fortran.npy", "testdata/activations_i2_4d.npy"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add(npyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1, 2), }\n", make([]byte, 32)))
	f.Add(npyBytes("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }\n", []byte{1, 0, 1}))
	f.Add([]byte(npyMagic + "\x02\x00\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadNPY(bytes.NewReader(data))
		if err != nil {
			return
		}
		r, c := m.Dims()
		if r < 1 || c < 1 || r*c > len(data) {
			t.Fatalf("read %d×%d from %d bytes", r, c, len(data))
		}
	})
}

// FuzzReadCSV: any input either fails with an error or yields a non-empty
// rectangular matrix.
func FuzzReadCSV(f *testing.F) {
	if b, err := os.ReadFile("testdata/small.csv"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("1,2\n3,4\n"))
	f.Add([]byte("x\ty\n1e3\t-2\n"))
	f.Add([]byte("\"1\",2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadCSV(bytes.NewReader(data))
		if err != nil {
			return
		}
		r, c := m.Dims()
		if r < 1 || c < 1 {
			t.Fatalf("read %d×%d", r, c)
		}
	})
}
