"""Side-by-side anchor for BenchmarkWeightedMajority: the same learner in NumPy.

Multiclass weighted majority in d = 2 over all pairs of the gamma = 0.2 line
grid (32 angles x 21 offsets = 672 lines, 225,456 experts), beta = 1/2,
3 labels plus abstention, vectorised over experts, on `rounds` margin-0.2
instances of a random 2-line target (input on stdin). Prints
{"seconds", "cpu_seconds", "rounds", "mistakes"}.
"""
import json
import sys
import time
from itertools import combinations

import numpy as np

cfg = json.load(sys.stdin)
gamma, rounds, labels = cfg["gamma"], cfg["rounds"], 3
A = int(np.ceil(2 * np.pi / gamma - 1e-9))
B = int(np.ceil(4 / gamma - 1e-9)) + 1
th = np.repeat(np.arange(A) * np.pi / A, B)
off = np.tile(-1 + 2 * np.arange(B) / (B - 1), A)
lines = np.stack([np.cos(th), np.sin(th), off], 1)
pairs = np.array(list(combinations(range(len(lines)), 2)), dtype=np.int32)
E = len(pairs)

rng = np.random.default_rng(3)
ang = rng.random(2) * 2 * np.pi
tw = np.stack([np.cos(ang), np.sin(ang)], 1)
tb = rng.uniform(-0.5, 0.5, 2)
table = rng.integers(0, labels, 4)
xs = []
while len(xs) < rounds:
    r, phi = np.sqrt(rng.random()), rng.random() * 2 * np.pi
    x = np.array([r * np.cos(phi), r * np.sin(phi)])
    v = tw @ x + tb
    if np.min(np.abs(v)) >= gamma:
        xs.append(x)

ABST = labels
last = np.full((E, 4), ABST, dtype=np.int8)
mistakes = np.zeros(E, dtype=np.int64)
idx = np.arange(E)
made = 0
t0, c0 = time.perf_counter(), time.process_time()
for x in xs:
    side = (lines[:, :2] @ x + lines[:, 2]) > 0
    cell = side[pairs[:, 0]].astype(np.int8) + 2 * side[pairs[:, 1]].astype(np.int8)
    pred = last[idx, cell]
    w = 0.5 ** (mistakes - mistakes.min())
    votes = np.bincount(pred, weights=w, minlength=labels + 1)
    yhat = int(np.argmax(votes))
    v = tw @ x + tb
    y = int(table[int(v[0] > 0) + 2 * int(v[1] > 0)])
    made += yhat != y
    mistakes += pred != y
    last[idx, cell] = y
print(json.dumps({"seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0, "rounds": rounds, "mistakes": made}))
