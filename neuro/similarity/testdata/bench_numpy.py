"""Side-by-side timing of the issue-5 workloads in NumPy/SciPy.

Run:  OPENBLAS_NUM_THREADS=2 /usr/bin/python3 testdata/bench_numpy.py [REPEATS [NAME,...]]
Each workload is timed in several formulations; the fastest is NumPy's
"best" and is what the Go benchmarks are compared with.  Data: P stimuli x
N neurons, Gaussian entries with neuron scales j^-0.6 (a power-law Gram
spectrum), the same distribution the Go benchmarks draw.
"""
import json
import sys
import time

import numpy as np
import scipy.linalg as sla
import scipy.sparse.linalg as ssla

P, N, K = 2000, 5000, 10
REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
ONLY = sys.argv[2].split(",") if len(sys.argv) > 2 else None


def data(seed):
    rng = np.random.default_rng(seed)
    scale = np.arange(1, N + 1) ** -0.6
    return rng.standard_normal((P, N)) * scale


def center(x):
    return x - x.mean(0, keepdims=True)


def gram(x):
    xc = center(x)
    return xc @ xc.T          # numpy dispatches A @ A.T to dsyrk


def cka_gram(x, y):
    k, l = gram(x), gram(y)
    return np.vdot(k, l) / (np.linalg.norm(k) * np.linalg.norm(l))


def cka_feature(x, y):
    xc, yc = center(x), center(y)
    return np.linalg.norm(xc.T @ yc) ** 2 / (np.linalg.norm(xc.T @ xc) * np.linalg.norm(yc.T @ yc))


def topk_eigh_subset(g):
    w, v = sla.eigh(g, subset_by_index=[g.shape[0] - K, g.shape[0] - 1], driver="evr")
    return v[:, ::-1]


def topk_eigsh(g):
    w, v = ssla.eigsh(g, k=K, which="LA", tol=1e-10)
    return v[:, np.argsort(w)[::-1]]


def cca_from(vx, vy):
    return np.sum((vx.T @ vy) ** 2) / K


def cca_eigh_subset(x, y):
    return cca_from(topk_eigh_subset(gram(x)), topk_eigh_subset(gram(y)))


def cca_eigsh(x, y):
    return cca_from(topk_eigsh(gram(x)), topk_eigsh(gram(y)))


def topk_implicit(x):
    xc = center(x)
    op = ssla.LinearOperator((P, P), matvec=lambda v: xc @ (xc.T @ v),
                             matmat=lambda v: xc @ (xc.T @ v), dtype=float)
    w, v = ssla.eigsh(op, k=K, which="LA", tol=1e-10)
    return v[:, np.argsort(w)[::-1]]


def cca_eigsh_implicit(x, y):
    return cca_from(topk_implicit(x), topk_implicit(y))


def cca_svd(x, y):
    ux = np.linalg.svd(center(x), full_matrices=False)[0][:, :K]
    uy = np.linalg.svd(center(y), full_matrices=False)[0][:, :K]
    return cca_from(ux, uy)


def spectral_eigh(x, y):
    wx, vx = np.linalg.eigh(gram(x) / (P * N))   # LAPACK dsyevd
    wy, vy = np.linalg.eigh(gram(y) / (P * N))
    m = (vx[:, ::-1].T @ vy[:, ::-1]) ** 2
    return wx[::-1], wy[::-1], m


def spectral_eigh_evr(x, y):
    wx, vx = sla.eigh(gram(x) / (P * N), driver="evr")
    wy, vy = sla.eigh(gram(y) / (P * N), driver="evr")
    m = (vx[:, ::-1].T @ vy[:, ::-1]) ** 2
    return wx[::-1], wy[::-1], m


def timeit(f, *args):
    best = float("inf")
    for _ in range(REPEATS):
        t = time.perf_counter()
        f(*args)
        best = min(best, time.perf_counter() - t)
    return best


x, y = data(1), data(2)
out = {}
for name, f in [("cka_gram", cka_gram), ("cka_feature", cka_feature),
                ("cca10_eigsh", cca_eigsh), ("cca10_eigh_subset", cca_eigh_subset),
                ("cca10_eigsh_implicit", cca_eigsh_implicit),
                ("cca10_svd", cca_svd),
                ("spectral_eigh_dsyevd", spectral_eigh), ("spectral_eigh_dsyevr", spectral_eigh_evr)]:
    if ONLY and name not in ONLY:
        continue
    out[name] = timeit(f, x, y)
    print(f"{name:24s} {out[name]:.3f} s", file=sys.stderr)
print(json.dumps(out))
