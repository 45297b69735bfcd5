package hdf5

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.ReaderAt
	n atomic.Int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// TestRangeReadsTouchOnlyTheirChunks checks the promise that reading part
// of a dataset reads only that part: a 100-row read of a contiguous
// million-element dataset reads its 800 bytes, and a read inside one
// deflated chunk (or across two) reads those chunks and index nodes, not
// the 8 MB dataset, and a read inside an unfiltered 4 MB chunk reads its
// 800 bytes. Oracle for the values: the writer's formula i/7.
func TestRangeReadsTouchOnlyTheirChunks(t *testing.T) {
	p := pyoracle.RequireVenv(t, "h5py", "numpy")
	path := filepath.Join(t.TempDir(), "big.h5")
	var out any
	p.Run(t, `import json, sys, h5py, numpy as np
path = json.load(sys.stdin)
x = np.arange(1000000) / 7
with h5py.File(path, "w") as f:
    f.create_dataset("contig", data=x)
    f.create_dataset("gz", data=x, chunks=(10000,), compression="gzip", compression_opts=4)
    f.create_dataset("bigchunk", data=x, chunks=(500000,))
print("null")`, path, &out)
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := fh.Close(); err != nil {
			t.Error(err)
		}
	}()
	st, err := fh.Stat()
	if err != nil {
		t.Fatal(err)
	}
	cr := &countingReader{r: fh}
	f, err := NewReader(cr, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	want := func(start, count int) []float64 {
		v := make([]float64, count)
		for i := range v {
			v[i] = float64(start+i) / 7
		}
		return v
	}
	ds, err := f.Dataset("/contig")
	if err != nil {
		t.Fatal(err)
	}
	before := cr.n.Load()
	got, err := ds.ReadFloat64sRange(500000, 100)
	if err != nil {
		t.Fatal(err)
	}
	if read := cr.n.Load() - before; read != 800 {
		t.Errorf("contiguous: 100 rows read %d bytes, want 800", read)
	}
	if hexFloats(t, got) != hexFloats(t, want(500000, 100)) {
		t.Errorf("contiguous rows differ from i/7")
	}

	// Unfiltered 4 MB chunks are read in part, like contiguous storage.
	big, err := f.Dataset("/bigchunk")
	if err != nil {
		t.Fatal(err)
	}
	before = cr.n.Load()
	got, err = big.ReadFloat64sRange(700000, 100)
	if err != nil {
		t.Fatal(err)
	}
	if read := cr.n.Load() - before; read > 800+16<<10 {
		t.Errorf("unfiltered 4 MB chunks: 100 rows read %d bytes, want 800 and the index", read)
	}
	if hexFloats(t, got) != hexFloats(t, want(700000, 100)) {
		t.Errorf("big-chunk rows differ from i/7")
	}

	gz, err := f.Dataset("/gz")
	if err != nil {
		t.Fatal(err)
	}
	var largest uint64
	for _, r := range chunkAddrs(t, gz) {
		largest = max(largest, r.size)
	}
	for _, c := range []struct{ start, count, chunks int }{{123456, 50, 1}, {129990, 20, 2}} {
		gz, err := f.Dataset("/gz") // a fresh Dataset: nothing cached
		if err != nil {
			t.Fatal(err)
		}
		before := cr.n.Load()
		got, err := gz.ReadFloat64sRange(c.start, c.count)
		if err != nil {
			t.Fatal(err)
		}
		read := cr.n.Load() - before
		if limit := int64(c.chunks)*int64(largest) + 16<<10; read > limit {
			t.Errorf("chunked: rows %d+%d read %d bytes, more than %d chunks (%d bytes each at most) and the index", c.start, c.count, read, c.chunks, largest)
		}
		if hexFloats(t, got) != hexFloats(t, want(c.start, c.count)) {
			t.Errorf("chunked rows %d+%d differ from i/7", c.start, c.count)
		}
	}
}

// TestUserBlockIsSkipped checks a file with a 512-byte user block in front
// of the superblock (h5py's userblock_size) reads like any other; the
// oracle is the values written.
func TestUserBlockIsSkipped(t *testing.T) {
	p := pyoracle.RequireVenv(t, "h5py", "numpy")
	path := filepath.Join(t.TempDir(), "ub.h5")
	var out any
	p.Run(t, `import json, sys, h5py, numpy as np
path = json.load(sys.stdin)
with h5py.File(path, "w", userblock_size=512) as f:
    f["x"] = np.arange(5, dtype="<i4") * 3
    f.attrs["note"] = "after a user block"
with open(path, "r+b") as fh:
    fh.write(b"user block text")
print("null")`, path, &out)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := f.Dataset("x")
	if err != nil {
		t.Fatal(err)
	}
	v, err := ds.ReadInt64s()
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != 5 || v[4] != 12 {
		t.Errorf("x = %v, want 0 3 6 9 12", v)
	}
	root, err := f.Root()
	if err != nil {
		t.Fatal(err)
	}
	a, err := root.Attr("note")
	if err != nil {
		t.Fatal(err)
	}
	if s, err := a.ReadString(); err != nil || s != "after a user block" {
		t.Errorf("note = %q (%v)", s, err)
	}
}

// TestExtensibleArrayPagedDataBlocks writes an extensible-array-indexed
// dataset with 140,000 one-element chunks, enough for super blocks whose
// data blocks are paged (more than 1024 elements), and checks every value
// and a range deep in the paged region (oracle: the values written).
func TestExtensibleArrayPagedDataBlocks(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 140,000 chunks")
	}
	p := pyoracle.RequireVenv(t, "h5py", "numpy")
	path := filepath.Join(t.TempDir(), "ea.h5")
	var out any
	p.Run(t, `import json, sys, h5py, numpy as np
path = json.load(sys.stdin)
with h5py.File(path, "w", libver="latest") as f:
    d = f.create_dataset("x", shape=(140000,), maxshape=(None,), chunks=(1,), dtype="<i4")
    d[:139990] = np.arange(139990, dtype="<i4") * 3  # the last 10 chunks stay unwritten
print("null")`, path, &out)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := f.Close(); err != nil {
			t.Error(err)
		}
	}()
	ds, err := f.Dataset("x")
	if err != nil {
		t.Fatal(err)
	}
	if ds.Layout().Index != ExtensibleArrayIndex {
		t.Fatalf("index %v, want extensible array", ds.Layout().Index)
	}
	v, err := ds.ReadInt64s()
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range v {
		want := int64(3 * i)
		if i >= 139990 {
			want = 0 // the fill value
		}
		if x != want {
			t.Fatalf("x[%d] = %d, want %d", i, x, want)
		}
	}
	part, err := ds.ReadInt64sRange(135000, 10)
	if err != nil {
		t.Fatal(err)
	}
	if part[9] != 3*135009 {
		t.Errorf("x[135009] = %d, want %d", part[9], 3*135009)
	}
}
