package hdf5

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

func openBytes(t *testing.T, data []byte) *File {
	t.Helper()
	f, err := NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func seed(t *testing.T, name string) []byte {
	t.Helper()
	b, ok := seeds(t)[name]
	if !ok {
		t.Fatalf("no seed %s", name)
	}
	return append([]byte(nil), b...)
}

// expectError checks that err wraps target and names path.
func expectError(t *testing.T, err error, target error, path string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v naming %s", target, path)
	}
	if !errors.Is(err, target) {
		t.Errorf("error %q does not wrap %v", err, target)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name %s", err, path)
	}
	checkError(t, err)
}

// TestTruncatedFilesAreErrors checks that every truncation of every seed
// file fails to open with ErrFormat (the superblock's end-of-file address
// says the file is longer) instead of reading garbage.
func TestTruncatedFilesAreErrors(t *testing.T) {
	for name, data := range seeds(t) {
		for _, n := range []int{0, 7, 8, 40, len(data) / 3, len(data) / 2, len(data) - 1} {
			_, err := NewReader(bytes.NewReader(data[:n]), int64(n))
			if err == nil || !errors.Is(err, ErrFormat) {
				t.Errorf("%s truncated to %d bytes: %v, want ErrFormat", name, n, err)
			}
		}
	}
}

// TestObjectHeaderChecksumMismatch flips one byte inside a version 2 object
// header and checks that opening the object reports ErrChecksum and names
// it (oracle: the lookup3 checksum the writer stored).
func TestObjectHeaderChecksumMismatch(t *testing.T) {
	data := seed(t, "basic_latest.h5")
	ds, err := openBytes(t, data).Dataset("/g/contig")
	if err != nil {
		t.Fatal(err)
	}
	data[ds.Address()+8] ^= 0x40
	_, err = openBytes(t, data).Dataset("/g/contig")
	expectError(t, err, ErrChecksum, "/g/contig")
}

// chunkAddrs returns the stored chunks of ds, through its index.
func chunkAddrs(t *testing.T, ds *Dataset) []chunkRecord {
	t.Helper()
	idx, err := ds.openIndex()
	if err != nil {
		t.Fatal(err)
	}
	lo := make([]uint64, len(ds.layout.chunk))
	hi := make([]uint64, len(lo))
	for i := range hi {
		hi[i] = (ds.space.dims[i] - 1) / ds.layout.chunk[i]
	}
	var recs []chunkRecord
	if err := idx.visit(lo, hi, func(r chunkRecord) error { recs = append(recs, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestFletcher32Mismatch corrupts a byte of a chunk written with the
// Fletcher-32 filter and checks the read fails with ErrChecksum naming the
// dataset, while the untouched file reads.
func TestFletcher32Mismatch(t *testing.T) {
	data := seed(t, "chunked_earliest.h5")
	ds, err := openBytes(t, data).Dataset("/gz")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ds.ReadInt64s(); err != nil {
		t.Fatal(err)
	}
	recs := chunkAddrs(t, ds)
	data[recs[1].addr+2] ^= 0x01
	ds, err = openBytes(t, data).Dataset("/gz")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ds.ReadInt64s()
	expectError(t, err, ErrChecksum, "/gz")
	// Rows in other chunks still read.
	if _, err := ds.ReadInt64sRange(0, 8); err != nil {
		t.Errorf("reading an intact chunk: %v", err)
	}
}

// writeH5 has h5py run script (which writes the file named by the
// variable path) and returns the file's bytes.
func writeH5(t *testing.T, script string) []byte {
	t.Helper()
	p := pyoracle.RequireVenv(t, "h5py", "numpy")
	path := filepath.Join(t.TempDir(), "f.h5")
	var out any
	p.Run(t, "import json, sys, h5py, numpy as np\npath = json.load(sys.stdin)['path']\n"+script+"\nprint('null')", map[string]string{"path": path}, &out)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCyclesAreDetected builds files whose B-trees, header continuations
// and soft links loop back on themselves and checks that reading them stops
// with ErrFormat naming the object instead of looping.
func TestCyclesAreDetected(t *testing.T) {
	data := writeH5(t, `
with h5py.File(path, 'w', libver='earliest') as f:
    f.create_dataset('v1', data=np.arange(300, dtype='<i2'), chunks=(1,))
    d = f.create_dataset('late', data=np.arange(3.0))
    for i in range(40):
        f.create_group('g%d' % i)
        d.attrs['a%d' % i] = i
    f['a'] = h5py.SoftLink('/b')
    f['b'] = h5py.SoftLink('/a')
`)
	t.Run("v1 B-tree", func(t *testing.T) {
		b := append([]byte(nil), data...)
		ds, err := openBytes(t, b).Dataset("/v1")
		if err != nil {
			t.Fatal(err)
		}
		root := ds.layout.addr
		if b[root+5] == 0 {
			t.Fatal("the chunk B-tree has a single level")
		}
		// Point the root's second child at its first: a node reached twice.
		// A node is a 24-byte header, then keys (24 bytes for rank 1)
		// and child addresses alternating.
		child0 := root + 24 + 24
		child1 := child0 + 8 + 24
		copy(b[child1:child1+8], b[child0:child0+8])
		ds, err = openBytes(t, b).Dataset("/v1")
		if err != nil {
			t.Fatal(err)
		}
		_, err = ds.ReadInt64s()
		expectError(t, err, ErrFormat, "/v1")
		if !strings.Contains(err.Error(), "cycle") || !strings.Contains(err.Error(), "chunk index") {
			t.Errorf("error %q does not report a chunk index cycle", err)
		}
	})
	t.Run("header continuation", func(t *testing.T) {
		b := append([]byte(nil), data...)
		ds, err := openBytes(t, b).Dataset("/late")
		if err != nil {
			t.Fatal(err)
		}
		// Find the continuation message (type 0x10) in the first chunk of
		// the version 1 header and point it back at that chunk.
		addr := ds.Address()
		size := binary.LittleEndian.Uint32(b[addr+8:])
		patched := false
		for p := addr + 16; p+8 <= addr+16+uint64(size); {
			typ := binary.LittleEndian.Uint16(b[p:])
			n := uint64(binary.LittleEndian.Uint16(b[p+2:]))
			if typ == msgContinuation {
				binary.LittleEndian.PutUint64(b[p+8:], addr+16)
				binary.LittleEndian.PutUint64(b[p+16:], uint64(size))
				patched = true
				break
			}
			p += 8 + n
		}
		if !patched {
			t.Fatal("no continuation message in the first header chunk")
		}
		_, err = openBytes(t, b).Dataset("/late")
		expectError(t, err, ErrFormat, "/late")
		if !strings.Contains(err.Error(), "cycle") {
			t.Errorf("error %q does not report a cycle", err)
		}
	})
	t.Run("soft links", func(t *testing.T) {
		_, err := openBytes(t, data).Object("/a")
		expectError(t, err, ErrFormat, "/a")
	})
}

// TestV2BTreeCycleIsDetected points a child of a v2 B-tree chunk index at
// its sibling, with the node checksum recomputed so that only the cycle
// check can catch it.
func TestV2BTreeCycleIsDetected(t *testing.T) {
	data := writeH5(t, `
with h5py.File(path, 'w', libver='latest') as f:
    f.create_dataset('bt2', data=np.arange(400, dtype='<i4').reshape(20, 20), chunks=(1, 1), maxshape=(None, None))
`)
	f := openBytes(t, data)
	ds, err := f.Dataset("/bt2")
	if err != nil {
		t.Fatal(err)
	}
	idx, err := ds.openIndex()
	if err != nil {
		t.Fatal(err)
	}
	bt := idx.(*btree2Index).bt
	if bt.depth < 1 {
		t.Fatal("the v2 B-tree has no internal node")
	}
	root := bt.root
	ptrs := root + 6 + uint64(bt.rootNrec*bt.recSize)
	ps := uint64(bt.ptrSize[bt.depth])
	copy(data[ptrs+ps:ptrs+ps+8], data[ptrs:ptrs+8])
	if bt.depth == 1 {
		// Make the sibling's record count agree with the copied child's.
		copy(data[ptrs+ps+8:ptrs+2*ps], data[ptrs+8:ptrs+ps])
	}
	end := ptrs + uint64(bt.rootNrec+1)*ps
	binary.LittleEndian.PutUint32(data[end:], lookup3(data[root:end]))
	ds, err = openBytes(t, data).Dataset("/bt2")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ds.ReadInt64s()
	expectError(t, err, ErrFormat, "/bt2")
	if !strings.Contains(err.Error(), "cycle") {
		t.Errorf("error %q does not report a cycle", err)
	}
}

// TestHugeDeclaredSizesAreRejected declares sizes far beyond the file in a
// dataspace, a local heap, a global heap collection and a chunk, and checks
// that each is refused before anything of that size is allocated.
func TestHugeDeclaredSizesAreRejected(t *testing.T) {
	t.Run("dataspace", func(t *testing.T) {
		data := seed(t, "basic_earliest.h5")
		ds, err := openBytes(t, data).Dataset("/g/contig")
		if err != nil {
			t.Fatal(err)
		}
		// The version 1 dataspace message (version 1, rank 1, maximum
		// dimensions present) holds the dimension 6 as an 8-byte field;
		// make it 2^50.
		hdr := data[ds.Address() : ds.Address()+256]
		i := bytes.Index(hdr, []byte{1, 1, 1, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0})
		if i < 0 {
			t.Fatal("dataspace message not found")
		}
		binary.LittleEndian.PutUint64(hdr[i+8:], 1<<50)
		ds, err = openBytes(t, data).Dataset("/g/contig")
		if err != nil {
			t.Fatal(err)
		}
		_, err = ds.ReadFloat64s()
		expectError(t, err, ErrLimit, "/g/contig")
		_, err = ds.ReadFloat64sRange(1<<40, 4)
		expectError(t, err, ErrFormat, "/g/contig")
	})
	t.Run("local heap", func(t *testing.T) {
		data := seed(t, "basic_earliest.h5")
		f := openBytes(t, data)
		g, err := f.Root()
		if err != nil {
			t.Fatal(err)
		}
		m, ok := g.oh.find(msgSymbolTable)
		if !ok {
			t.Fatal("the root group has no symbol table")
		}
		heap := binary.LittleEndian.Uint64(m.data[8:])
		binary.LittleEndian.PutUint64(data[heap+8:], 1<<45)
		_, err = openBytes(t, data).Group("/g")
		expectError(t, err, ErrFormat, "/")
	})
	t.Run("global heap", func(t *testing.T) {
		data := seed(t, "strings_latest.h5")
		ds, err := openBytes(t, data).Dataset("/s")
		if err != nil {
			t.Fatal(err)
		}
		var coll uint64
		err = ds.arr.read([]uint64{1}, []uint64{1}, func(_ uint64, raw []byte) error {
			coll = binary.LittleEndian.Uint64(raw[4:])
			return nil
		}, false)
		if err != nil {
			t.Fatal(err)
		}
		binary.LittleEndian.PutUint64(data[coll+8:], 1<<44)
		ds, err = openBytes(t, data).Dataset("/s")
		if err != nil {
			t.Fatal(err)
		}
		_, err = ds.ReadStrings()
		expectError(t, err, ErrFormat, "/s")
	})
	t.Run("chunk", func(t *testing.T) {
		data := seed(t, "chunked_earliest.h5")
		ds, err := openBytes(t, data).Dataset("/gz")
		if err != nil {
			t.Fatal(err)
		}
		// The version 3 layout message: version 3, class 2, rank 2, the
		// index address, chunk dimension 8 and element size 4; make the
		// chunk 2^30 elements long.
		hdr := data[ds.Address() : ds.Address()+512]
		i := bytes.Index(hdr, []byte{3, 2, 2})
		if i < 0 {
			t.Fatal("layout message not found")
		}
		binary.LittleEndian.PutUint32(hdr[i+3+8:], 1<<30)
		ds, err = openBytes(t, data).Dataset("/gz")
		if err != nil {
			t.Fatal(err)
		}
		_, err = ds.ReadInt64s()
		expectError(t, err, ErrLimit, "/gz")
	})
}

// TestErrorsNameTheObject checks the wording promised to users: the path,
// then what was being read.
func TestErrorsNameTheObject(t *testing.T) {
	data := seed(t, "chunked_latest.h5")
	ds, err := openBytes(t, data).Dataset("/ext")
	if err != nil {
		t.Fatal(err)
	}
	idx, err := ds.openIndex()
	if err != nil {
		t.Fatal(err)
	}
	hdr := idx.(*extensibleArray).hdr
	copy(data[hdr:], "XXXX")
	ds, err = openBytes(t, data).Dataset("/ext")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ds.ReadFloat64s()
	if err == nil || !strings.HasPrefix(err.Error(), "hdf5: /ext: read: chunked storage: chunk index (extensible array): ") {
		t.Errorf("error %q, want it to start with the path and the structure", err)
	}
}

// TestExternalAndVirtualStorageAreReported checks that datasets whose data
// live in external raw files or are virtual (mapped from other datasets)
// open, describe their layout, and fail to read with ErrUnsupported naming
// the dataset.
func TestExternalAndVirtualStorageAreReported(t *testing.T) {
	data := writeH5(t, `
import os
raw = os.path.join(os.path.dirname(path), "raw.bin")
np.arange(10, dtype="<i4").tofile(raw)
with h5py.File(path, "w") as f:
    f.create_dataset("ext", (10,), "<i4", external=[(raw, 0, 40)])
    f["src"] = np.arange(4, dtype="<i4")
    layout = h5py.VirtualLayout(shape=(4,), dtype="<i4")
    layout[:] = h5py.VirtualSource(".", "src", shape=(4,))
    f.create_virtual_dataset("vds", layout, fillvalue=-1)
`)
	f := openBytes(t, data)
	for _, c := range []struct{ path, class string }{{"/ext", "contiguous"}, {"/vds", "virtual"}} {
		ds, err := f.Dataset(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if l := ds.Layout(); l.Class != c.class || (c.path == "/ext") != l.External {
			t.Errorf("%s: layout %+v", c.path, l)
		}
		_, err = ds.ReadInt64s()
		expectError(t, err, ErrUnsupported, c.path)
	}
}
