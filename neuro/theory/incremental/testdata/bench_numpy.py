"""Side-by-side anchor for BenchmarkDescendTiny: the same gradient descent in NumPy.

Two-layer ReLU net, n = 64 axis-aligned points (x_i = e_i), labels +-U[1, 2],
m = 12, balanced init at lambda = 1e-24, the Go default step
eta = 0.01 n / ||y||, for the number of steps given on stdin (the Go run's).
Prints {"seconds": wall, "cpu_seconds": process time, "steps": steps, "loss": final loss}.
"""
import json
import sys
import time

import numpy as np

cfg = json.load(sys.stdin)
n, m, lam, steps = cfg["n"], cfg["m"], cfg["lambda"], cfg["steps"]
rng = np.random.default_rng(3)
y = (1 + rng.random(n)) * rng.choice([-1.0, 1.0], n)
W = lam / np.sqrt(n) * rng.standard_normal((m, n))   # rows w_j; x_i = e_i, so <w_j, x_i> = W[j, i]
a = rng.choice([-1.0, 1.0], m) * np.linalg.norm(W, axis=1)
eta = 0.01 * n / np.linalg.norm(y)

t0, c0 = time.perf_counter(), time.process_time()
for _ in range(steps):
    act = np.maximum(W, 0.0)
    r = a @ act - y
    ga = act @ r / n
    gW = (a[:, None] * (W > 0)) * r[None, :] / n
    a -= eta * ga
    W -= eta * gW
loss = 0.5 * np.mean((a @ np.maximum(W, 0.0) - y) ** 2)
print(json.dumps({"seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0, "steps": steps, "loss": loss}))
