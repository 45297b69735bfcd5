"""Writes an NWB file with pynwb and prints, as JSON, what pynwb reads back
from it: the oracle for neuronb's NWB reader tests.

Input (JSON on stdin): {"path": the file to write}. Floats are printed as
the hex of their little-endian float64 bytes, so they compare exactly.
"""
import datetime
import json
import sys

import numpy as np
from pynwb import NWBHDF5IO, NWBFile, TimeSeries
from pynwb.behavior import CompassDirection, Position, SpatialSeries
from pynwb.file import Subject

path = json.load(sys.stdin)["path"]
rng = np.random.default_rng(11)


def hexf(x):
    return np.asarray(x, dtype="<f8").reshape(-1).tobytes().hex()


start = datetime.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.timezone(datetime.timedelta(hours=-5)))
nwb = NWBFile(session_description="oracle session", identifier="oracle-1", session_start_time=start,
              experimenter=["Ada Lovelace", "Bob"], lab="Lab", institution="Institute", session_id="s01",
              subject=Subject(subject_id="m1", species="Mus musculus", sex="M", age="P90D"))
dev = nwb.create_device("probe", description="silicon probe")
grp = nwb.create_electrode_group("shank0", description="first shank", location="ADn", device=dev)
for i in range(6):
    nwb.add_electrode(group=grp, location="ADn", id=100 + i)
nwb.add_unit_column("quality", "isolation quality")
nwb.add_unit_column("label", "text label")
counts = [7, 0, 1, 250, 3]
for i, n in enumerate(counts):
    nwb.add_unit(spike_times=np.sort(rng.uniform(0, 60, size=n)), electrodes=[i % 6, (i + 2) % 6],
                 quality=0.25 * i, label="unit %d" % i, id=10 + i)
nwb.add_trial_column("cond", "condition")
nwb.add_trial_column("reward", "reward size")
for i in range(4):
    nwb.add_trial(start_time=2.0 * i, stop_time=2.0 * i + 1.25, cond="c%d" % (i % 2), reward=0.5 * i)
nwb.add_epoch(start_time=0.0, stop_time=30.0, tags=["wake", "run"])
nwb.add_epoch(start_time=30.0, stop_time=60.0, tags=["sleep"])
lfp = TimeSeries(name="lfp", data=rng.integers(-3000, 3000, size=(1000, 3)).astype("i2"), unit="volts",
                 starting_time=1.5, rate=250.0, conversion=0.001, offset=0.25, description="raw lfp")
nwb.add_acquisition(lfp)
beh = nwb.create_processing_module("behavior", "behavioural signals")
pos = Position(name="Position")
t = np.sort(rng.uniform(0, 60, size=200))
xy = SpatialSeries(name="xy", data=rng.normal(size=(200, 2)), timestamps=t, reference_frame="arena corner")
pos.add_spatial_series(xy)
beh.add(pos)
cd = CompassDirection(name="CompassDirection")
cd.add_spatial_series(SpatialSeries(name="hd", data=rng.uniform(0, 2 * np.pi, size=200), timestamps=xy,
                                    reference_frame="north", unit="radians"))
beh.add(cd)
with NWBHDF5IO(path, "w") as io:
    io.write(nwb)

out = {}
with NWBHDF5IO(path, "r") as io:
    f = io.read()
    out["meta"] = {"identifier": f.identifier, "session_description": f.session_description,
                   "session_start_time": f.session_start_time.isoformat(),
                   "experimenter": list(f.experimenter), "institution": f.institution, "lab": f.lab,
                   "session_id": f.session_id, "species": f.subject.species, "subject_id": f.subject.subject_id}
    u = f.units
    out["units"] = {"ids": [int(x) for x in u.id[:]],
                    "spike_times": [hexf(u["spike_times"][i]) for i in range(len(u))],
                    "electrode_ids": [[int(x) for x in u["electrodes"][i].index] for i in range(len(u))],
                    "quality": hexf(u["quality"][:]), "label": list(u["label"][:]),
                    "colnames": list(u.colnames)}
    tr = f.trials
    out["trials"] = {"start": hexf(tr["start_time"][:]), "stop": hexf(tr["stop_time"][:]),
                     "cond": list(tr["cond"][:]), "reward": hexf(tr["reward"][:]), "ids": [int(x) for x in tr.id[:]]}
    ep = f.epochs
    out["epochs"] = {"start": hexf(ep["start_time"][:]), "stop": hexf(ep["stop_time"][:]),
                     "tags": [list(ep["tags"][i]) for i in range(len(ep))]}
    series = {}
    for obj in [f.acquisition["lfp"], f.processing["behavior"]["Position"]["xy"],
                f.processing["behavior"]["CompassDirection"]["hd"]]:
        data = np.asarray(obj.data[:], dtype="<f8") * obj.conversion + obj.offset
        if obj.timestamps is not None:
            ts = np.asarray(obj.timestamps[:])
        else:
            ts = np.arange(data.shape[0]) / obj.rate + obj.starting_time
        series[obj.name] = {"type": obj.neurodata_type, "unit": obj.unit, "data": hexf(data),
                            "shape": list(data.shape), "timestamps": hexf(ts), "rate": obj.rate or 0.0,
                            "conversion": obj.conversion, "offset": obj.offset, "description": obj.description}
    out["series"] = series
json.dump(out, sys.stdout)
