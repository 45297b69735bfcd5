package similarity

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/npy"
)

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
		"1,2\n3,x\n":   `line 2 (stimulus 1), column 1: "x" is not a number`,
		"n1,n2\n":      "no numeric rows",
		// Comments and blank lines count as lines of the file.
		"# P×N\nn1,n2\n\n1,2\n\n3,x\n": `line 6 (stimulus 1), column 1`,
	} {
		_, err := ReadCSV(strings.NewReader(text))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one mentioning %q", text, err, want)
		}
	}
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

// TestReadNPYFlattensAndNamesTheFile: a (P, d1, d2) array becomes
// P×(d1·d2) (oracle: index arithmetic), and errors from package npy keep
// this package's prefix and the file name.
func TestReadNPYFlattensAndNamesTheFile(t *testing.T) {
	var buf bytes.Buffer
	if err := npy.Write(&buf, &npy.Array{Shape: []int{2, 2, 2}, Data: []float64{0, 1, 2, 3, 4, 5, 6, 7}}); err != nil {
		t.Fatal(err)
	}
	m, err := ReadNPY(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := m.Dims(); r != 2 || c != 4 || m.At(1, 2) != 6 {
		t.Errorf("read %d×%d with (1,2) = %v, want 2×4 with 6", r, c, m.At(1, 2))
	}
	path := filepath.Join(t.TempDir(), "scalar.npy")
	buf.Reset()
	if err := npy.Write(&buf, &npy.Array{Shape: []int{}, Data: []float64{1}}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadNPY(path); err == nil || !strings.Contains(err.Error(), "similarity: npy: a scalar") || !strings.Contains(err.Error(), "scalar.npy") {
		t.Errorf("scalar file: %v", err)
	}
}
