package hdf5

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// expectedFile is what testdata/write_layouts.py prints: what h5py reads
// back from the file it wrote.
type expectedFile struct {
	Datasets   map[string]*expectedDataset `json:"datasets"`
	Groups     map[string]*expectedGroup   `json:"groups"`
	Superblock int                         `json:"superblock"`
}

type expectedDataset struct {
	Kind   string                     `json:"kind"`
	Layout string                     `json:"layout"`
	Index  string                     `json:"index"`
	Chunks []int                      `json:"chunks"`
	Shape  []int                      `json:"shape"`
	Data   json.RawMessage            `json:"data"`
	F64    string                     `json:"f64"`
	Slabs  []expectedSlab             `json:"slabs"`
	Error  string                     `json:"error"`
	Attrs  map[string]*expectedAttr   `json:"attrs"`
	Fill   any                        `json:"fill"`
	Extra  map[string]json.RawMessage `json:"-"`
}

type expectedSlab struct {
	Start []int           `json:"start"`
	Count []int           `json:"count"`
	Data  json.RawMessage `json:"data"`
}

type expectedAttr struct {
	Empty  bool  `json:"empty"`
	Shape  []int `json:"shape"`
	Values []any `json:"values"`
}

type expectedGroup struct {
	Members   []string                 `json:"members"`
	Attrs     map[string]*expectedAttr `json:"attrs"`
	AttrOrder []string                 `json:"attr_order"`
}

// runScript runs a Python script from testdata under the .venv oracle with
// in as its JSON input and decodes its JSON output (numbers kept exact).
func runScript(t testing.TB, p *pyoracle.PyPI, name string, in any, out any) {
	t.Helper()
	script, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var raw json.RawMessage
	p.Run(t, string(script), in, &raw)
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		t.Fatalf("decoding %s output: %v", name, err)
	}
}

// writeLayouts has h5py write the layouts file at libver and returns its
// path and what h5py reads from it.
func writeLayouts(t testing.TB, libver string) (string, *expectedFile) {
	t.Helper()
	p := pyoracle.RequireVenv(t, "h5py", "numpy")
	path := filepath.Join(t.TempDir(), "layouts_"+libver+".h5")
	var exp expectedFile
	runScript(t, p, "write_layouts.py", map[string]string{"path": path, "libver": libver}, &exp)
	return path, &exp
}

func hexFloats(t testing.TB, v []float64) string {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return hex.EncodeToString(b)
}

func decodeHexFloats(t testing.TB, s string) []float64 {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, len(b)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return out
}

func decodeJSON(t testing.TB, raw json.RawMessage, out any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		t.Fatalf("decoding %s: %v", raw, err)
	}
}

// canon converts a value ReadValues returned into the canonical JSON form
// write_layouts.py uses for what h5py reads.
func canon(t testing.TB, f *File, typ *Datatype, v any) any {
	t.Helper()
	switch x := v.(type) {
	case bool:
		return x
	case int64:
		return json.Number(strconv.FormatInt(x, 10))
	case uint64:
		return json.Number(strconv.FormatUint(x, 10))
	case float64:
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
		return "f:" + hex.EncodeToString(b[:])
	case string:
		if typ != nil && typ.Class == ClassEnum {
			return "e:" + x
		}
		return "b:" + hex.EncodeToString([]byte(x))
	case complex128:
		return map[string]any{"r": canon(t, f, nil, real(x)), "i": canon(t, f, nil, imag(x))}
	case map[string]any:
		out := map[string]any{}
		for _, m := range typ.Members {
			out[m.Name] = canon(t, f, m.Type, x[m.Name])
		}
		return out
	case []any:
		var base *Datatype
		if typ != nil {
			base = typ.Base
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = canon(t, f, base, e)
		}
		return out
	case Reference:
		if x.IsNull() {
			return "ref:null"
		}
		o, err := f.Dereference(x)
		if err != nil {
			t.Fatalf("dereferencing %d: %v", uint64(x), err)
		}
		return "ref:" + o.Path()
	case Opaque:
		return "b:" + hex.EncodeToString(x)
	}
	t.Fatalf("unexpected value %T %v", v, v)
	return nil
}

// normalise round-trips v through JSON so that it compares with decoded
// expectations (json.Number, map[string]any, []any).
func normalise(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	decodeJSON(t, b, &out)
	return out
}

func checkAttrs(t *testing.T, f *File, o Object, want map[string]*expectedAttr) {
	t.Helper()
	attrs, err := o.Attrs()
	if err != nil {
		t.Errorf("%s: attributes: %v", o.Path(), err)
		return
	}
	got := map[string]bool{}
	for _, a := range attrs {
		got[a.Name] = true
		w, ok := want[a.Name]
		if !ok {
			t.Errorf("%s: unexpected attribute %q", o.Path(), a.Name)
			continue
		}
		if w.Empty != a.IsEmpty() {
			t.Errorf("%s@%s: empty %v, want %v", o.Path(), a.Name, a.IsEmpty(), w.Empty)
			continue
		}
		if w.Empty {
			continue
		}
		if !reflect.DeepEqual(append([]int{}, a.Shape()...), append([]int{}, w.Shape...)) {
			t.Errorf("%s@%s: shape %v, want %v", o.Path(), a.Name, a.Shape(), w.Shape)
		}
		vals, err := a.ReadValues()
		if err != nil {
			t.Errorf("%s@%s: %v", o.Path(), a.Name, err)
			continue
		}
		gotVals := make([]any, len(vals))
		for i, v := range vals {
			gotVals[i] = canon(t, f, a.Type, v)
		}
		if g := normalise(t, gotVals); !reflect.DeepEqual(g, normalise(t, w.Values)) {
			t.Errorf("%s@%s: values\n got %v\nwant %v", o.Path(), a.Name, g, w.Values)
		}
	}
	for name := range want {
		if !got[name] {
			t.Errorf("%s: attribute %q missing", o.Path(), name)
		}
	}
}

// TestLayoutsMatchH5py checks, for files h5py writes with libver
// "earliest", "v108" and "latest", that every dataset's layout, chunk
// index, shape and values, every group's members (in order) and every
// attribute equal what h5py reads back (the oracle), and that whole, row
// range and hyperslab reads agree.
func TestLayoutsMatchH5py(t *testing.T) {
	for _, libver := range []string{"earliest", "v108", "latest"} {
		t.Run(libver, func(t *testing.T) {
			path, exp := writeLayouts(t, libver)
			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := f.Close(); err != nil {
					t.Error(err)
				}
			}()
			if f.SuperblockVersion() != exp.Superblock {
				t.Errorf("superblock version %d, want %d", f.SuperblockVersion(), exp.Superblock)
			}
			var names []string
			for p := range exp.Datasets {
				names = append(names, p)
			}
			sort.Strings(names)
			for _, p := range names {
				checkDataset(t, f, p, exp.Datasets[p])
			}
			for p, g := range exp.Groups {
				grp, err := f.Group(p)
				if err != nil {
					t.Errorf("%s: %v", p, err)
					continue
				}
				members, err := grp.Names()
				if err != nil {
					t.Errorf("%s: %v", p, err)
					continue
				}
				if !reflect.DeepEqual(members, g.Members) && !(len(members) == 0 && len(g.Members) == 0) {
					t.Errorf("%s: members\n got %v\nwant %v", p, members, g.Members)
				}
				checkAttrs(t, f, grp, g.Attrs)
				attrs, err := grp.Attrs()
				if err != nil {
					continue
				}
				var order []string
				for _, a := range attrs {
					order = append(order, a.Name)
				}
				if !reflect.DeepEqual(order, g.AttrOrder) && !(len(order) == 0 && len(g.AttrOrder) == 0) {
					t.Errorf("%s: attribute order %v, want %v", p, order, g.AttrOrder)
				}
			}
		})
	}
}

func checkDataset(t *testing.T, f *File, p string, e *expectedDataset) {
	t.Helper()
	ds, err := f.Dataset(p)
	if err != nil {
		t.Errorf("%s: %v", p, err)
		return
	}
	if e.Error != "" {
		var rerr error
		switch e.Kind {
		case "i64":
			_, rerr = ds.ReadInt64s()
		default:
			_, rerr = ds.ReadValues()
		}
		if rerr == nil || !errors.Is(rerr, ErrUnsupported) || !strings.Contains(rerr.Error(), p) {
			t.Errorf("%s: read error %v, want an ErrUnsupported error naming the path", p, rerr)
		}
		return
	}
	if e.Shape != nil && !reflect.DeepEqual(ds.Shape(), e.Shape) {
		t.Errorf("%s: shape %v, want %v", p, ds.Shape(), e.Shape)
	}
	lay := ds.Layout()
	if e.Layout != "" && lay.Class != e.Layout {
		t.Errorf("%s: layout %s, want %s", p, lay.Class, e.Layout)
	}
	if e.Index != "" && lay.Index.String() != e.Index {
		t.Errorf("%s: chunk index %v, want %s", p, lay.Index, e.Index)
	}
	if e.Chunks != nil && !reflect.DeepEqual(lay.Chunk, e.Chunks) {
		t.Errorf("%s: chunks %v, want %v", p, lay.Chunk, e.Chunks)
	}
	rowSize := 1
	for _, d := range ds.Shape()[min(1, len(ds.Shape())):] {
		rowSize *= d
	}
	switch e.Kind {
	case "f64":
		var want string
		if e.Shape != nil {
			decodeJSON(t, e.Data, &want)
		}
		got, err := ds.ReadFloat64s()
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return
		}
		if g := hexFloats(t, got); g != want {
			t.Errorf("%s: values\n got %v\nwant %v", p, got, decodeHexFloats(t, want))
			return
		}
		if len(ds.Shape()) > 0 {
			rows := ds.Shape()[0]
			for _, r := range [][2]int{{0, rows}, {rows / 3, rows / 2}, {rows - 1, 1}, {rows, 0}} {
				if r[0] < 0 || r[0]+r[1] > rows {
					continue
				}
				part, err := ds.ReadFloat64sRange(r[0], r[1])
				if err != nil {
					t.Errorf("%s: rows %v: %v", p, r, err)
					continue
				}
				if hexFloats(t, part) != hexFloats(t, got[r[0]*rowSize:(r[0]+r[1])*rowSize]) {
					t.Errorf("%s: rows %v differ from the whole read", p, r)
				}
			}
		}
		for _, s := range e.Slabs {
			var w string
			decodeJSON(t, s.Data, &w)
			g, err := ds.ReadFloat64sSlab(s.Start, s.Count)
			if err != nil {
				t.Errorf("%s: slab %v+%v: %v", p, s.Start, s.Count, err)
				continue
			}
			if hexFloats(t, g) != w {
				t.Errorf("%s: slab %v+%v\n got %v\nwant %v", p, s.Start, s.Count, g, decodeHexFloats(t, w))
			}
		}
	case "i64":
		var want []int64
		decodeJSON(t, e.Data, &want)
		got, err := ds.ReadInt64s()
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return
		}
		if !reflect.DeepEqual(append([]int64{}, got...), append([]int64{}, want...)) {
			t.Errorf("%s: values\n got %v\nwant %v", p, got, want)
			return
		}
		if e.F64 != "" {
			fl, err := ds.ReadFloat64s()
			if err != nil || hexFloats(t, fl) != e.F64 {
				t.Errorf("%s: as float64 %v (%v), want %v", p, fl, err, decodeHexFloats(t, e.F64))
			}
		}
		if len(ds.Shape()) > 0 && ds.Shape()[0] > 2 {
			rows := ds.Shape()[0]
			part, err := ds.ReadInt64sRange(1, rows-2)
			if err != nil || !reflect.DeepEqual(part, got[rowSize:(rows-1)*rowSize]) {
				t.Errorf("%s: rows 1..%d: %v (%v)", p, rows-1, part, err)
			}
		}
		for _, s := range e.Slabs {
			var w []int64
			decodeJSON(t, s.Data, &w)
			g, err := ds.ReadInt64sSlab(s.Start, s.Count)
			if err != nil {
				t.Errorf("%s: slab %v+%v: %v", p, s.Start, s.Count, err)
				continue
			}
			if !reflect.DeepEqual(append([]int64{}, g...), append([]int64{}, w...)) {
				t.Errorf("%s: slab %v+%v\n got %v\nwant %v", p, s.Start, s.Count, g, w)
			}
		}
	case "str":
		var want []string
		decodeJSON(t, e.Data, &want)
		got, err := ds.ReadStrings()
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return
		}
		gotHex := make([]string, len(got))
		for i, s := range got {
			gotHex[i] = hex.EncodeToString([]byte(s))
		}
		if !reflect.DeepEqual(gotHex, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("%s: strings\n got %q\nwant %v", p, got, want)
		}
	case "values":
		var want any
		decodeJSON(t, e.Data, &want)
		vals, err := ds.ReadValues()
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return
		}
		got := make([]any, len(vals))
		for i, v := range vals {
			got[i] = canon(t, f, ds.Datatype(), v)
		}
		if g := normalise(t, got); !reflect.DeepEqual(g, want) {
			t.Errorf("%s: values\n got %v\nwant %v", p, g, want)
		}
	default:
		t.Fatalf("%s: unknown kind %q", p, e.Kind)
	}
	if e.Attrs != nil {
		checkAttrs(t, f, ds, e.Attrs)
	}
}
