"""Writes the small HDF5 files that seed FuzzOpen and FuzzReadRange
(testdata/seeds/*.h5). Run from neuro/hdf5 with the .venv interpreter:

    ../../.venv/bin/python testdata/make_seeds.py

Each file packs a family of structures into a few kilobytes: "basic" files
hold attributes, links and contiguous datasets of many datatypes, "chunked"
files the chunk indexes and filters of their libver, "dense" files dense
attribute and link storage. Object creation times are switched off so the
files are the same on every run."""
import h5py
import numpy as np


def basic(f):
    f.attrs["title"] = "seed"
    f.attrs["n"] = np.int32(3)
    g = f.create_group("g")
    g.create_dataset("contig", data=np.arange(6, dtype="<f8") / 4, track_times=False)
    g.create_dataset("be", data=np.arange(4, dtype=">i2"), track_times=False)
    g.create_dataset("fs", data=np.array([b"xy", b"z"], dtype="S3"), track_times=False)
    g.create_dataset("b", data=np.array([True, False]), track_times=False)
    ct = np.dtype([("i", "<i2"), ("f", "<f8"), ("a", "<i1", (2,))])
    g.create_dataset("c", data=np.array([(1, 0.5, (1, 2))], dtype=ct), track_times=False)
    g.create_dataset("r", data=[g.ref], dtype=h5py.ref_dtype, track_times=False)
    g["soft"] = h5py.SoftLink("/g/contig")
    g["ext_link"] = h5py.ExternalLink("x.h5", "/y")


def strings(f):
    f.create_dataset("s", data=["a", "bc", ""], dtype=h5py.string_dtype(), track_times=False)
    f.attrs["s"] = "x"


def chunked(f, latest):
    f.create_dataset("gz", data=np.arange(40, dtype="<i4"), chunks=(8,), compression="gzip", shuffle=True,
                     fletcher32=True, track_times=False)
    if not latest:
        return
    f.create_dataset("ext", data=np.arange(30, dtype="<u1"), chunks=(4,), maxshape=(None,), track_times=False)
    f.create_dataset("two", data=np.arange(12, dtype="<f4").reshape(3, 4), chunks=(2, 2), maxshape=(None, None),
                     track_times=False)
    f.create_dataset("one", data=np.arange(5, dtype="<i8"), chunks=(5,), compression="gzip", track_times=False)
    f.create_dataset("sparse", shape=(20,), chunks=(5,), dtype="<f8", fillvalue=2.5, track_times=False)[3] = 1


def dense(f):
    d = f.create_group("dense")
    for i in range(10):
        d.attrs["a%d" % i] = i
        d.create_group("m%d" % i)
    for i in range(60):  # enough links for a fractal heap with an indirect block
        d["link%02d" % i] = d["m0"]


for libver in ["earliest", "v108", "latest"]:
    for kind in ["basic", "chunked", "dense", "strings"]:
        if kind in ("dense", "strings") and libver != "latest":
            continue
        path = "testdata/seeds/%s_%s.h5" % (kind, libver)
        with h5py.File(path, "w", libver=libver, meta_block_size=256) as f:
            if kind == "basic":
                basic(f)
            elif kind == "chunked":
                chunked(f, libver == "latest")
            elif kind == "strings":
                strings(f)
            else:
                dense(f)
        print(path)
