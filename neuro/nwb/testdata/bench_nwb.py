"""Side-by-side reference for BenchmarkNWBReadSideBySide: writes the
benchmark NWB files with pynwb and times reading them with h5py and pynwb.

Input (JSON on stdin):
  {"mode": "write", "path": P, "gzip": bool}
      1,000 units of 10^4 spike times each (spike_times: 10^7 float64 and a
      VectorIndex) and a 10^6-sample TimeSeries with timestamps in
      /acquisition/signal, written as pynwb writes by default, or with every
      large dataset chunked and deflated at level 4 (H5DataIO).
  {"mode": "time", "paths": {name: P}, "repeats": R}
      For each file, the best of R wall-clock times (seconds) of:
      units_h5py: open with h5py, read spike_times and spike_times_index,
        split into one array per unit;
      units_pynwb: open with NWBHDF5IO, read(), get every unit's spike
        times through the VectorIndex (units["spike_times"][:]);
      ts_h5py / ts_pynwb: the same for the TimeSeries' data and timestamps.
"""
import datetime
import json
import sys
import time

import h5py
import numpy as np
from hdmf.backends.hdf5.h5_utils import H5DataIO
from hdmf.common import ElementIdentifiers, VectorData, VectorIndex
from pynwb import NWBHDF5IO, NWBFile, TimeSeries
from pynwb.misc import Units

cfg = json.load(sys.stdin)
if cfg["mode"] == "write":
    rng = np.random.default_rng(1)
    nwb = NWBFile(session_description="benchmark", identifier="bench",
                  session_start_time=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc))
    # The units table built from whole columns (add_unit one unit at a
    # time makes 10^7 Python floats and takes minutes); what is written is
    # the same Units table.
    st = np.concatenate([np.sort(rng.uniform(0, 3600, 10000)) for _ in range(1000)])
    t = np.cumsum(rng.uniform(0.0009, 0.0011, 1000000))
    data = rng.normal(size=1000000)
    if cfg["gzip"]:
        opts = {"compression": "gzip", "compression_opts": 4, "chunks": True}
        st, data, t = H5DataIO(st, **opts), H5DataIO(data, **opts), H5DataIO(t, **opts)
    spike_times = VectorData(name="spike_times", description="the spike times for each unit in seconds", data=st)
    index = VectorIndex(name="spike_times_index", data=np.arange(1, 1001) * 10000, target=spike_times)
    nwb.units = Units(name="units", description="benchmark units", id=ElementIdentifiers(name="id", data=np.arange(1000)),
                      columns=[spike_times, index], colnames=["spike_times"])
    nwb.add_acquisition(TimeSeries(name="signal", data=data, timestamps=t, unit="volts"))
    with NWBHDF5IO(cfg["path"], "w") as io:
        io.write(nwb)
    print("null")
    sys.exit()


def best(fn, repeats):
    out = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - t0)
    return out


def units_h5py(path):
    with h5py.File(path, "r") as f:
        st = f["units/spike_times"][:]
        idx = f["units/spike_times_index"][:]
        return np.split(st, idx[:-1])


def units_pynwb(path):
    with NWBHDF5IO(path, "r") as io:
        return io.read().units["spike_times"][:]


def ts_h5py(path):
    with h5py.File(path, "r") as f:
        return f["acquisition/signal/data"][:], f["acquisition/signal/timestamps"][:]


def ts_pynwb(path):
    with NWBHDF5IO(path, "r") as io:
        s = io.read().acquisition["signal"]
        return s.data[:], s.timestamps[:]


res = {}
for name, path in cfg["paths"].items():
    r = cfg["repeats"]
    res[name] = {"units_h5py": best(lambda: units_h5py(path), r), "units_pynwb": best(lambda: units_pynwb(path), r),
                 "ts_h5py": best(lambda: ts_h5py(path), r), "ts_pynwb": best(lambda: ts_pynwb(path), r)}
print(json.dumps(res))
