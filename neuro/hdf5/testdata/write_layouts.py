"""Writes an HDF5 file exercising the storage layouts, chunk indexes, filters,
datatypes, groups and attributes neuronb's reader supports, with h5py at a
given libver, then reopens it with h5py and prints what h5py reads back as
JSON on stdout: the oracle the Go tests compare against.

Input (JSON on stdin): {"path": file to write, "libver": "earliest" | "v108" | "latest"}.

Canonical values (shared with the Go test): integers are JSON integers,
floats are "f:" + the hex of their little-endian float64 bytes (so NaN,
infinities and -0.0 compare exactly), strings and bytes are "b:" + hex of
their bytes, booleans are JSON booleans, enums "e:" + member name, compounds
objects, arrays and sequences lists, object references "ref:" + the path
h5py dereferences them to.
"""
import json
import sys

import h5py
import numpy as np

cfg = json.load(sys.stdin)
path, libver = cfg["path"], cfg["libver"]
latest = libver == "latest"
rng = np.random.default_rng(7)
expect = {"datasets": {}, "groups": {}, "errors": {}}


def index_for(shape, chunks, maxshape, filtered, early=False):
    """The chunk index HDF5 chooses (H5D__layout_set_latest_indexing): v1
    B-tree unless the low bound is 1.10+; then single chunk when one chunk
    covers a fixed-size dataset, implicit for fixed-size unfiltered early
    allocation, fixed array for a fixed maximum shape, extensible array for
    one unlimited dimension, v2 B-tree for more."""
    if not latest:
        return "v1 B-tree"
    unlimited = sum(1 for m in maxshape if m is None)
    if unlimited == 0:
        if tuple(chunks) == tuple(shape) and tuple(maxshape) == tuple(shape):
            return "single chunk"
        if early and not filtered:
            return "implicit"
        return "fixed array"
    if unlimited == 1:
        return "extensible array"
    return "v2 B-tree"


plan = {}  # dataset path -> dict(kind=..., layout=..., index=..., slabs=[...], error=...)


def note(name, kind, **kw):
    plan["/" + name.lstrip("/")] = dict(kind=kind, **kw)


with h5py.File(path, "w", libver=libver) as f:
    # Integers of every width, signedness and byte order, with extremes.
    for code in ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"]:
        info = np.iinfo(code)
        vals = np.array([info.min, info.max, 0, 1, info.max // 3], dtype="<" + code)
        for order in "<>":
            name = "int/%s%s" % ("le" if order == "<" else "be", code)
            f.create_dataset(name, data=vals.astype(order + code))
            note(name, "i64" if code != "u8" else "values", layout="contiguous")
    # Floats: half, single, double, both byte orders, special values.
    specials = [0.0, -0.0, 1.5, -2.25, np.inf, -np.inf, np.nan, 1e-310, 3.4e38, np.pi]
    for code in ["f2", "f4", "f8"]:
        for order in "<>":
            name = "float/%s%s" % ("le" if order == "<" else "be", code)
            with np.errstate(over="ignore"):
                f.create_dataset(name, data=np.array(specials).astype(order + code))
            note(name, "f64", layout="contiguous")
    # Integer and float datasets read as float64 too.
    note("int/lei4", "i64", layout="contiguous", also_f64=True)

    # Layouts: contiguous 2-D, compact, unwritten contiguous with a fill value.
    f.create_dataset("layout/contig2d", data=np.arange(35, dtype="<f8").reshape(5, 7) / 3)
    note("layout/contig2d", "f64", layout="contiguous",
         slabs=[([1, 2], [3, 4]), ([0, 0], [5, 7]), ([4, 6], [1, 1]), ([2, 0], [2, 7])])
    space = h5py.h5s.create_simple((6, 3))
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    dsid = h5py.h5d.create(f.id, b"layout/compact", h5py.h5t.STD_I32BE, space, dcpl=dcpl)
    dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, np.arange(18, dtype="<i4").reshape(6, 3) - 9)
    note("layout/compact", "i64", layout="compact", slabs=[([2, 1], [3, 2])])
    f.create_dataset("layout/unwritten", shape=(4, 2), dtype="<i2", fillvalue=-7)
    note("layout/unwritten", "i64", layout="contiguous")

    # Chunked datasets: each chunk index, filters, partial edge chunks.
    def chunked(name, data, chunks, maxshape=None, early=False, **kw):
        maxshape = maxshape or data.shape
        filtered = any(k in kw for k in ("compression", "shuffle", "fletcher32", "scaleoffset"))
        if early:
            sp = h5py.h5s.create_simple(data.shape, tuple(h5py.h5s.UNLIMITED if m is None else m for m in maxshape))
            dc = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
            dc.set_chunk(chunks)
            dc.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
            tid = h5py.h5t.py_create(data.dtype)
            dsid = h5py.h5d.create(f.id, name.encode(), tid, sp, dcpl=dc)
            dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(data))
        else:
            f.create_dataset(name, data=data, chunks=chunks, maxshape=maxshape, **kw)
        rank = data.ndim
        slabs = []
        for _ in range(4):
            start = [int(rng.integers(0, s)) for s in data.shape]
            count = [int(rng.integers(1, s - st + 1)) for s, st in zip(data.shape, start)]
            slabs.append((start, count))
        note(name, "f64" if data.dtype.kind == "f" else "i64", layout="chunked", chunks=list(chunks),
             index=index_for(data.shape, chunks, maxshape, filtered, early), slabs=slabs)

    x1 = rng.normal(size=1000)
    chunked("chunk/fixed1d", x1, (64,))                       # v1 B-tree of depth 1 / fixed array
    chunked("chunk/single", x1, (1000,))                      # single chunk
    chunked("chunk/single_gzip", x1, (1000,), compression="gzip")
    chunked("chunk/implicit", np.arange(100, dtype="<i4"), (7,), early=True)
    chunked("chunk/implicit_max", np.arange(40, dtype="<i8"), (6,), maxshape=(100,), early=True)
    chunked("chunk/fixed_max", rng.normal(size=(9, 11)), (4, 3), maxshape=(20, 13))
    chunked("chunk/ext1d", x1, (50,), maxshape=(None,))
    chunked("chunk/ext_many", np.arange(3000, dtype="<i2"), (2,), maxshape=(None,))  # secondary blocks
    chunked("chunk/ext_dim1", rng.normal(size=(5, 40)), (2, 7), maxshape=(5, None))  # swizzled index
    chunked("chunk/ext_gzip", rng.normal(size=(30, 4)), (7, 4), maxshape=(None, 4), compression="gzip", shuffle=True)
    chunked("chunk/bt2", rng.normal(size=(13, 17)), (4, 5), maxshape=(None, None))
    # 5625 records: more than a depth-1 tree of 2048-byte nodes holds (5269).
    chunked("chunk/bt2_deep", np.arange(75 * 75, dtype="<i4").reshape(75, 75), (1, 1), maxshape=(None, None))
    chunked("chunk/bt2_gzip", rng.normal(size=(13, 17)), (4, 5), maxshape=(None, None), compression="gzip")
    chunked("chunk/fa_paged", np.arange(2500, dtype="<i4"), (1,))          # > 1024 chunks: paged fixed array
    chunked("chunk/fa_paged_gzip", np.arange(2500, dtype="<i4"), (1,), compression="gzip")
    chunked("chunk/v1deep", np.arange(5000, dtype="<u2"), (3,))            # many v1 B-tree nodes
    chunked("chunk/3d", rng.normal(size=(5, 6, 7)).astype("<f4"), (2, 4, 3))
    chunked("filter/gzip9", x1, (100,), compression="gzip", compression_opts=9)
    chunked("filter/shuffle_gzip", np.arange(1000, dtype="<i8") * 12345, (128,), shuffle=True, compression="gzip")
    chunked("filter/fletcher", x1, (100,), fletcher32=True)
    chunked("filter/all", rng.integers(-1000, 1000, size=(40, 30)).astype(">i4"), (16, 16),
            shuffle=True, fletcher32=True, compression="gzip")
    chunked("filter/lzf", x1, (128,), compression="lzf")
    chunked("filter/lzf_shuffle", np.arange(3000, dtype="<i4") // 7, (500,), compression="lzf", shuffle=True)
    # Partly written chunked dataset: unwritten chunks read as the fill value.
    d = f.create_dataset("chunk/sparse", shape=(50,), dtype="<f8", chunks=(10,), fillvalue=-1.5)
    d[12:18] = 42.0
    d[45] = 1.0
    note("chunk/sparse", "f64", layout="chunked", chunks=[10], index=index_for((50,), (10,), (50,), False),
         slabs=[([0], [50]), ([10], [10]), ([20], [5])])
    d = f.create_dataset("chunk/empty_unlimited", shape=(0,), maxshape=(None,), dtype="<i4", chunks=(8,))
    note("chunk/empty_unlimited", "i64", layout="chunked", chunks=[8], index=index_for((0,), (8,), (None,), False))
    # A filter this reader does not implement.
    f.create_dataset("filter/scaleoffset", data=np.arange(100, dtype="<i4"), chunks=(10,), scaleoffset=0)
    note("filter/scaleoffset", "i64", error="not supported")

    # Strings: fixed-length (null-padded, null-terminated, space-padded,
    # UTF-8) and variable-length (UTF-8, ASCII, empty strings).
    f.create_dataset("str/fixed_nullpad", data=np.array([b"a", b"abcdef", b"", b"xy\x00z"], dtype="S6"))
    note("str/fixed_nullpad", "str")
    for pad, nm in [(h5py.h5t.STR_NULLTERM, "nullterm"), (h5py.h5t.STR_SPACEPAD, "spacepad")]:
        tid = h5py.h5t.C_S1.copy()
        tid.set_size(8)
        tid.set_strpad(pad)
        sp = h5py.h5s.create_simple((3,))
        dsid = h5py.h5d.create(f.id, ("str/fixed_" + nm).encode(), tid, sp)
        dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, np.array([b"hi", b"", b"seven77"], dtype="S8"))
        note("str/fixed_" + nm, "str")
    tid = h5py.h5t.C_S1.copy()
    tid.set_size(8)
    tid.set_cset(h5py.h5t.CSET_UTF8)
    dsid = h5py.h5d.create(f.id, b"str/fixed_utf8", tid, h5py.h5s.create_simple((2,)))
    dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, np.array(["é".encode(), "漢字".encode()], dtype="S8"), mtype=tid)
    note("str/fixed_utf8", "str")
    f.create_dataset("str/vlen_utf8", data=["", "héllo", "spike times", "ü" * 300, "漢字"],
                     dtype=h5py.string_dtype())
    note("str/vlen_utf8", "str")
    f.create_dataset("str/vlen_ascii", data=[b"a", b"", b"bcd"], dtype=h5py.string_dtype("ascii"))
    note("str/vlen_ascii", "str")
    f.create_dataset("str/vlen_chunked", data=["row%d" % i for i in range(300)], dtype=h5py.string_dtype(),
                     chunks=(64,), compression="gzip")
    note("str/vlen_chunked", "str")
    f["str/scalar"] = "a scalar string"
    note("str/scalar", "str")

    # Enums, booleans, compounds, arrays, sequences, complex numbers.
    et = h5py.enum_dtype({"RED": 0, "GREEN": 1, "BLUE": 42}, basetype="i2")
    f.create_dataset("types/enum", data=np.array([0, 42, 1, 1], dtype="<i2"), dtype=et)
    note("types/enum", "values")
    f.create_dataset("types/bool", data=np.array([True, False, True]))
    note("types/bool", "values")
    ct = np.dtype([("a", "<i4"), ("b", ">f8"), ("c", "S5"), ("d", "<f4", (2,)), ("e", h5py.string_dtype())])
    cd = np.empty(3, dtype=ct)
    for i in range(3):
        cd[i] = (i - 1, i * 1.25, b"c%d" % i, (i, -i), "vlen %d" % i)
    f.create_dataset("types/compound", data=cd)
    note("types/compound", "values")
    d = f.create_dataset("types/array", (4,), dtype=np.dtype(("<i4", (2, 3))))
    d[...] = np.arange(24, dtype="<i4").reshape(4, 2, 3)
    note("types/array", "values")
    vt = h5py.vlen_dtype(np.dtype("<i4"))
    d = f.create_dataset("types/vlen_seq", (3,), dtype=vt)
    d[0] = [1, 2, 3]
    d[1] = []
    d[2] = [42]
    note("types/vlen_seq", "values")
    f.create_dataset("types/complex", data=np.array([1 + 2j, -0.5j]))
    note("types/complex", "values")
    f["types/scalar_int"] = np.int64(-123456789012)
    note("types/scalar_int", "i64")
    f.create_dataset("types/empty", data=h5py.Empty("f8"))
    note("types/empty", "f64")
    f["types/named"] = np.dtype([("x", "<i2"), ("y", "<f4")])
    nd = f.create_dataset("types/uses_named", data=np.array([(1, 2.5), (-3, 0.25)], dtype=f["types/named"].dtype),
                          dtype=f["types/named"])
    note("types/uses_named", "values")
    nd.attrs.create("typed_attr", np.array([(7, 0.5)], dtype=f["types/named"].dtype), dtype=f["types/named"])

    # References: object references work, region references are reported.
    g = f.create_group("refs/target_group")
    g.attrs["purpose"] = "a reference target"
    r = f.create_dataset("refs/objects", (3,), dtype=h5py.ref_dtype)
    r[0] = g.ref
    r[1] = f["float/lef8"].ref
    note("refs/objects", "values", null_refs=[2])
    rr = f.create_dataset("refs/regions", (1,), dtype=h5py.regionref_dtype)
    rr[0] = f["float/lef8"].regionref[2:5]
    note("refs/regions", "values", error="not supported")

    # Groups: many members (symbol-table B-tree of several levels, or dense
    # links in a fractal heap), creation order, soft/external/hard links.
    big = f.create_group("groups/many")
    for i in range(300):  # two B-tree levels of symbol table nodes (256 links per leaf level)
        big.create_group("m%04d" % ((i * 7919) % 300))
    small = f.create_group("groups/few")
    small["b"] = np.arange(3)
    small.create_group("a")
    ordered = f.create_group("groups/ordered", track_order=True)
    for n in ["zeta", "alpha", "mu"]:
        ordered.create_group(n)
        ordered.attrs["attr_" + n] = n
    huge = f.create_group("groups/huge")  # a v2 B-tree name index of depth 2 (over 1149 links) when dense
    for i in range(1300):
        huge["l%05d" % ((i * 7) % 1300)] = f["int/lei4"]
    links = f.create_group("groups/links")
    links["soft"] = h5py.SoftLink("/float/lef8")
    links["soft_rel"] = h5py.SoftLink("../few/b")
    links["dangling"] = h5py.SoftLink("/does/not/exist")
    links["external"] = h5py.ExternalLink("other.h5", "/x")
    links["hard"] = f["int/lei4"]
    note("groups/links/soft", "f64")
    note("groups/links/hard", "i64")

    # Attributes: scalars, arrays, strings, empty, many (dense storage with
    # a huge object), added late (object header continuation blocks).
    a = f.create_group("attrs")
    a.attrs["int"] = np.int32(-5)
    a.attrs["float"] = 2.5
    a.attrs["floats"] = np.arange(4.0) / 4
    a.attrs["str"] = "a vlen string"
    a.attrs["fixed"] = np.bytes_(b"fixed bytes")
    a.attrs["strs"] = ["x", "yy", ""]
    a.attrs["empty"] = h5py.Empty("f4")
    a.attrs["bool"] = True
    a.attrs["matrix"] = np.arange(6, dtype="<u2").reshape(2, 3)
    dense = f.create_group("attrs_dense")
    for i in range(20):
        dense.attrs["a%02d" % i] = np.arange(i + 1, dtype="<i8")
    if libver != "earliest":  # the 1.6 format limits header messages to 64 kB
        dense.attrs["big"] = np.arange(20000, dtype="<f8")  # 160 kB: a huge fractal heap object
    late = f["float/lef8"]
    for i in range(30):
        f.create_group("filler/g%d" % i)
        late.attrs["late%02d" % i] = "value %d" % i

with h5py.File(path, "r") as f:
    def canon(v):
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        if isinstance(v, (int, np.integer)):
            return int(v)
        if isinstance(v, (float, np.floating)):
            return "f:" + np.asarray(v, dtype="<f8").tobytes().hex()
        if isinstance(v, (complex, np.complexfloating)):
            return {"r": canon(v.real), "i": canon(v.imag)}
        if isinstance(v, bytes):
            return "b:" + v.hex()
        if isinstance(v, str):
            return "b:" + v.encode("utf-8").hex()
        if isinstance(v, h5py.Reference):
            return "ref:" + f[v].name if v else "ref:null"
        if isinstance(v, np.void):
            return {n: canon(v[n]) for n in v.dtype.names}
        if isinstance(v, np.ndarray):
            return [canon(x) for x in v]
        raise TypeError(type(v))

    def values(d):
        arr = d[()]
        if d.dtype.subdtype is not None:  # array datatype: h5py expands it into extra axes
            n = int(np.prod(d.shape))
            return [[canon(x) for x in row] for row in np.asarray(arr).reshape(n, -1)]
        if isinstance(arr, np.ndarray):
            flat = arr.reshape(-1) if arr.dtype.subdtype is None else arr
            out = [canon(x) for x in flat]
        else:
            out = [canon(arr)]
        enum = h5py.check_enum_dtype(d.dtype)
        if enum:
            names = {v: k for k, v in enum.items()}
            out = ["e:" + names[x] for x in out]
        return out

    for p, spec in plan.items():
        e = dict(spec)
        if "error" in spec:
            expect["datasets"][p] = e
            continue
        d = f[p]
        e["shape"] = list(d.shape) if d.shape is not None else None
        if d.shape is None:
            e["data"] = []
        elif spec["kind"] == "f64":
            e["data"] = np.asarray(d[()], dtype="<f8").reshape(-1).tobytes().hex()
        elif spec["kind"] == "i64":
            e["data"] = [int(x) for x in np.asarray(d[()]).reshape(-1)]
        elif spec["kind"] == "str":
            raw = d[()]
            raw = raw.reshape(-1) if isinstance(raw, np.ndarray) else [raw]
            e["data"] = [(x if isinstance(x, bytes) else x.encode()).hex() for x in raw]
        else:
            e["data"] = values(d)
        if spec.get("also_f64"):
            e["f64"] = np.asarray(d[()], dtype="<f8").reshape(-1).tobytes().hex()
        slabs = []
        for start, count in spec.get("slabs", []):
            sel = tuple(slice(s, s + c) for s, c in zip(start, count))
            block = np.asarray(d[sel]).reshape(-1)
            slabs.append({"start": start, "count": count,
                          "data": block.astype("<f8").tobytes().hex() if spec["kind"] == "f64" else [int(x) for x in block]})
        e["slabs"] = slabs
        e["fill"] = None if d.fillvalue is None else canon(np.asarray(d.fillvalue).reshape(-1)[0]) if d.dtype.kind in "fiu" else None
        expect["datasets"][p] = e

    def attrs(obj):
        out = {}
        for k in obj.attrs:
            v = obj.attrs[k]
            if isinstance(v, h5py.Empty):
                out[k] = {"empty": True}
                continue
            arr = np.asarray(v)
            out[k] = {"shape": list(arr.shape), "values": [canon(x) for x in arr.reshape(-1)] if arr.dtype.names is None
                      else [canon(x) for x in arr.reshape(-1)]}
        return out

    def visit(name, obj):
        p = "/" + name
        if isinstance(obj, h5py.Group):
            expect["groups"][p] = {"members": list(obj), "attrs": attrs(obj), "attr_order": list(obj.attrs)}
        elif p in expect["datasets"] and "error" not in expect["datasets"][p]:
            expect["datasets"][p]["attrs"] = attrs(obj)
    expect["groups"]["/"] = {"members": list(f), "attrs": attrs(f), "attr_order": list(f.attrs)}
    f.visititems(visit)
    for p in ["/groups/links/soft", "/groups/links/hard"]:
        expect["datasets"][p]["attrs"] = attrs(f[p])
    expect["superblock"] = {"earliest": 0, "v108": 2, "latest": 3}[libver]

json.dump(expect, sys.stdout)
