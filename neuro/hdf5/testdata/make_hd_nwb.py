"""Simulates a head-direction recording and writes it as NWB 2.x with pynwb:
tutorials/data/head_direction.nwb, the file tutorial 05 opens.

Run from the repository root with the .venv interpreter (pynwb, numpy):

    .venv/bin/python neuro/hdf5/testdata/make_hd_nwb.py [OUTPUT]

Everything is drawn from numpy's default_rng(2024), and the object IDs and
creation date are fixed, so re-running reproduces the same values (and, for
the same pynwb/h5py versions, the same bytes).

The simulation: head direction theta(t) in [0, 2 pi) at 100 Hz is a smooth
random walk (angular velocity an Ornstein-Uhlenbeck process, sd about
90 degrees/s, time constant 0.5 s). Twenty head-direction cells fire as
inhomogeneous Poisson processes (1 ms steps) with von Mises tuning

    rate_i(t) = b_i + a_i exp(kappa_i (cos(theta(t) - mu_i) - 1))

with preferred directions mu_i spread around the circle, peak rates a_i of
8 to 25 Hz, baselines b_i of 0.2 to 1 Hz and widths kappa_i of 2 to 6;
these ground-truth parameters are stored as unit columns. The session is
split into 12 trials of 20 s alternating "light" and "dark" conditions,
and two epochs ("wake_square", "wake_circle") of two minutes each.

The data are stored compactly (head direction as float32 with a start time
and rate instead of timestamps, no cached schema) to keep the file under
500 kB.
"""
import datetime
import sys
import uuid

import numpy as np

import hdmf.container
from pynwb import NWBHDF5IO, NWBFile
from pynwb.behavior import CompassDirection, SpatialSeries
from pynwb.file import Subject

out = sys.argv[1] if len(sys.argv) > 1 else "tutorials/data/head_direction.nwb"
rng = np.random.default_rng(2024)
ids = np.random.default_rng(7)
hdmf.container.uuid4 = lambda: uuid.UUID(bytes=ids.bytes(16), version=4)

duration, fs = 240.0, 100.0
n = int(duration * fs)
dt = 1 / fs
# Angular velocity: Ornstein-Uhlenbeck with time constant tau, sd sigma.
tau, sigma = 0.5, np.deg2rad(90)
omega = np.zeros(n)
for k in range(1, n):
    omega[k] = omega[k - 1] - omega[k - 1] * dt / tau + sigma * np.sqrt(2 * dt / tau) * rng.normal()
theta = np.mod(rng.uniform(0, 2 * np.pi) + np.cumsum(omega) * dt, 2 * np.pi)

n_units = 20
mu = np.mod(np.arange(n_units) * 2 * np.pi / n_units + rng.normal(0, 0.1, n_units), 2 * np.pi)
peak = rng.uniform(8, 25, n_units)
base = rng.uniform(0.2, 1.0, n_units)
kappa = rng.uniform(2, 6, n_units)
# Spikes on a 1 ms grid, head direction held between behavioural samples.
step = 0.001
t_fine = np.arange(0, duration, step)
theta_fine = theta[np.minimum((t_fine * fs).astype(int), n - 1)]
spikes = []
for i in range(n_units):
    rate = base[i] + peak[i] * np.exp(kappa[i] * (np.cos(theta_fine - mu[i]) - 1))
    hit = rng.random(t_fine.size) < rate * step
    jitter = rng.uniform(0, step, hit.sum())
    spikes.append(np.round(t_fine[hit] + jitter, 6))

start = datetime.datetime(2024, 5, 17, 10, 30, 0, tzinfo=datetime.timezone.utc)
nwb = NWBFile(session_description="Simulated head-direction cells in anterodorsal thalamus (neuronb tutorial 05)",
              identifier="neuronb-hd-sim-2024", session_start_time=start, file_create_date=[start],
              experimenter=["neuronb simulation"], lab="neuronb", institution="neuronb",
              session_id="hd-sim-1", keywords=["head direction", "simulation"],
              subject=Subject(subject_id="sim-mouse-1", species="Mus musculus", sex="M", age="P84D",
                              description="simulated animal"))
dev = nwb.create_device("sim-probe", description="simulated 8-channel silicon probe")
grp = nwb.create_electrode_group("shank0", description="simulated shank", location="ADn", device=dev)
for _ in range(8):
    nwb.add_electrode(group=grp, location="ADn")
nwb.add_unit_column("preferred_direction", "ground truth: preferred head direction mu (radians)")
nwb.add_unit_column("peak_rate", "ground truth: peak rate above baseline a (Hz)")
nwb.add_unit_column("baseline_rate", "ground truth: baseline rate b (Hz)")
nwb.add_unit_column("kappa", "ground truth: von Mises concentration kappa")
nwb.add_unit_column("cell_type", "cell class")
for i in range(n_units):
    nwb.add_unit(spike_times=spikes[i], electrodes=[i % 8], preferred_direction=mu[i], peak_rate=peak[i],
                 baseline_rate=base[i], kappa=kappa[i], cell_type="head direction")
nwb.add_trial_column("condition", "lighting condition")
for k in range(12):
    nwb.add_trial(start_time=20.0 * k, stop_time=20.0 * (k + 1), condition="light" if k % 2 == 0 else "dark")
nwb.add_epoch(start_time=0.0, stop_time=120.0, tags=["wake_square"])
nwb.add_epoch(start_time=120.0, stop_time=240.0, tags=["wake_circle"])
beh = nwb.create_processing_module("behavior", "tracked head direction")
cd = CompassDirection(name="CompassDirection")
cd.add_spatial_series(SpatialSeries(name="head_direction", data=theta.astype("float32"), starting_time=0.0,
                                    rate=fs, unit="radians", reference_frame="0 = east, counter-clockwise",
                                    description="simulated head direction"))
beh.add(cd)
with NWBHDF5IO(out, "w") as io:
    io.write(nwb, cache_spec=False)
print(out, sum(len(s) for s in spikes), "spikes")
