"""NumPy implementation of neuro/information's quadrature (Exact), for the
side-by-side benchmark and as a second implementation of the same
algorithm: one neuron (Poisson or Gaussian noise; bump, sigmoid or linear
tuning), a Gaussian prior with independent features, 1-D or 2-D stimuli,
I_local with r ~ p(r|y), Gauss-Legendre nodes in log gamma, the local
linear-Gaussian term below gamma_min and the c/gamma^2 tail above gamma_max.

Input (JSON on stdin): {"prior": {"mean": [...], "var": [...]},
"neuron": {"tuning": {...}, "noise": "poisson"|"gaussian", "variance": v},
"axes": [[...], ...], "resolution": [h_1, ...], "gamma_min": g0,
"gamma_max": gm, "gamma_nodes": n, "repeats": k}
Output: {"mutual_information", "entropy", "ilocal", "features", "ssi", "isp",
"fisher", "seconds" (best of repeats, wall clock), "cpu_seconds" (best of repeats,
process CPU time over all threads)}
"""
import json
import math
import sys
import time

import numpy as np

HERMITE = 16
STENCIL = 6
MASS_FLOOR = 1e-13


def span(lo, hi, step, min_points):
    n = max(int(math.ceil((hi - lo) / step)) + 1, min_points)
    return lo, (hi - lo) / (n - 1), n


def points(g):
    lo, step, n = g
    return lo + np.arange(n) * step


def rate_and_grad(t, xs):
    """xs: (..., d). Returns f (...), grad (..., d)."""
    kind = t["kind"]
    if kind == 1:  # bump
        c = np.asarray(t["center"])
        diff = xs - c
        e = t["gain"] * np.exp(-(diff ** 2).sum(-1) / t["width"])
        return t["base"] + e, -2 * e[..., None] * diff / t["width"]
    w = np.asarray(t["weights"])
    z = xs @ w
    if kind == 2:  # sigmoid
        s = 1 / (1 + np.exp(-t["slope"] * (z - t["threshold"])))
        g = t["gain"] * s * (1 - s) * t["slope"]
        return t["base"] + t["gain"] * s, g[..., None] * w
    return t["base"] + z, np.broadcast_to(w, xs.shape)


def responses(neuron, box):
    d = len(box)
    per = 2001 if d == 1 else 201
    axes = [np.linspace(lo, hi, per) for lo, hi in box]
    xs = np.stack(np.meshgrid(*axes, indexing="ij"), -1)
    f, _ = rate_and_grad(neuron["tuning"], xs)
    lo, hi = f.min(), f.max()
    if neuron["noise"] == "poisson":
        return np.arange(int(math.ceil(hi + 10 * math.sqrt(hi) + 12)), dtype=float)
    sd = math.sqrt(neuron["variance"])
    return points(span(lo - 9 * sd, hi + 9 * sd, sd / 1.5, 3))


def masses(neuron, r, f):
    """L[..., j] = p(r_j | f)·w_j and the score d log p/df."""
    f = f[..., None]
    if neuron["noise"] == "poisson":
        lg = np.array([math.lgamma(v + 1) for v in r])
        return np.exp(r * np.log(f) - f - lg), r / f - 1
    v = neuron["variance"]
    delta = r[1] - r[0]
    return (np.exp(-0.5 * (r - f) ** 2 / v) * delta / math.sqrt(2 * math.pi * v), (r - f) / v)


def interp_weights(row, t, g):
    lo, step, n = g
    p = min(STENCIL, n)
    s = (t - lo) / step
    j0 = int(math.floor(s)) - (p - 1) // 2
    j0 = max(0, min(j0, n - p))
    for a in range(p):
        l = 1.0
        for b in range(p):
            if b != a:
                l *= (s - (j0 + b)) / (a - b)
        yield j0 + a, l


def gauss_operator(centres, sd, g, gh):
    lo, step, n = g
    w = np.zeros((len(centres), n))
    grid = points(g)
    if sd >= 2 * step:
        z = (grid[None, :] - centres[:, None]) / sd
        j0 = np.maximum(0, np.floor((centres - 9 * sd - lo) / step)).astype(int)
        j1 = np.minimum(n - 1, np.ceil((centres + 9 * sd - lo) / step)).astype(int)
        idx = np.arange(n)[None, :]
        w = np.where((idx >= j0[:, None]) & (idx <= j1[:, None]), np.exp(-0.5 * z * z), 0.0)
        return w / w.sum(1, keepdims=True)
    t, hw = gh
    for i, c in enumerate(centres):
        for q in range(len(t)):
            for j, l in interp_weights(w[i], c + sd * t[q], g):
                w[i, j] += hw[q] * l
    return w


def exact(cfg):
    mean = np.asarray(cfg["prior"]["mean"], float)
    var = np.asarray(cfg["prior"]["var"], float)
    neuron = cfg["neuron"]
    tun = neuron["tuning"]
    axes = [np.asarray(a, float) for a in cfg["axes"]]
    h = cfg["resolution"]
    d = len(axes)
    sds = np.sqrt(var)
    box = [(min(a[0] - 7 * s, m - 8 * s), max(a[-1] + 7 * s, m + 8 * s)) for a, m, s in zip(axes, mean, sds)]
    r = responses(neuron, box)
    K = len(r)
    ht, hw = np.polynomial.hermite.hermgauss(HERMITE)
    gh = (ht * math.sqrt(2), hw / math.sqrt(math.pi))

    # Mutual information, H(X), H(X|r) on the integration grid.
    integ = [span(m - 8 * s, m + 8 * s, hk, 9) for m, s, hk in zip(mean, sds, h)]
    ipts = [points(g) for g in integ]
    tw = []
    for g in integ:
        w = np.full(g[2], g[1])
        w[0] /= 2
        w[-1] /= 2
        tw.append(w)
    xs = np.stack(np.meshgrid(*ipts, indexing="ij"), -1).reshape(-1, d)
    vol = np.ones(len(xs))
    logw = np.zeros(len(xs))
    grids = np.meshgrid(*[np.arange(g[2]) for g in integ], indexing="ij")
    for k in range(d):
        idx = grids[k].reshape(-1)
        vol *= tw[k][idx]
        logw += np.log(tw[k][idx]) - 0.5 * ((xs[:, k] - mean[k]) / sds[k]) ** 2
    pi = np.exp(logw)
    pi /= pi.sum()
    f, _ = rate_and_grad(tun, xs)
    L, _ = masses(neuron, r, f)
    pr = pi @ L
    hx = -(pi * (np.log(pi) - np.log(vol))).sum()
    post = pi[:, None] * L / np.where(pr > 0, pr, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        hr = -np.where(post > 0, post * (np.log(post) - np.log(vol)[:, None]), 0).sum(0)
        mi = (pi[:, None] * np.where(L > 0, L * np.log(L / pr), 0)).sum()

    # Report points.
    rep = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, d)
    f, grad = rate_and_grad(tun, rep)
    Lr, _ = masses(neuron, r, f)
    with np.errstate(divide="ignore", invalid="ignore"):
        isp = np.where(Lr > 0, Lr * np.log(Lr / pr), 0).sum(1)
    ssi = hx - Lr @ hr
    rf = 1 / f if neuron["noise"] == "poisson" else np.full_like(f, 1 / neuron["variance"])
    J = rf[:, None, None] * grad[:, :, None] * grad[:, None, :]
    fisher = np.trace(J, axis1=1, axis2=2)

    # gamma nodes
    a, b = math.log(cfg["gamma_min"]), math.log(cfg["gamma_max"])
    u, wu = np.polynomial.legendre.leggauss(cfg["gamma_nodes"])
    u = a + (b - a) * (u + 1) / 2
    wu = wu * (b - a) / 2
    gam = np.exp(u)
    wg = wu * gam
    nodes = list(gam) + [cfg["gamma_min"], cfg["gamma_max"]]
    sizes = [len(ax) for ax in axes] + ([1] if d == 1 else [])
    out = []
    for gamma in nodes:
        ops = []
        for k in range(d):
            s, m = var[k], mean[k]
            bk, ck = s / (s + gamma), s * gamma / (s + gamma)
            sd_mu = bk * math.sqrt(gamma)
            centres = m + bk * (axes[k] - m)
            lo, hi = centres[0] - 8 * sd_mu, centres[-1] + 8 * sd_mu
            sdx = math.sqrt(ck)
            mu = span(lo, hi, max(h[k], min(sdx, sd_mu) / 3), 9)
            xp = span(lo - 7 * sdx, hi + 7 * sdx, h[k], 9)
            ops.append((bk, gauss_operator(points(mu), sdx, xp, gh), gauss_operator(centres, sd_mu, mu, gh), points(xp)))
        xg = np.stack(np.meshgrid(*[o[3] for o in ops], indexing="ij"), -1)
        f, grad = rate_and_grad(tun, xg)
        Lx, sc = masses(neuron, r, f)                     # (x1[, x2], K)
        dL = Lx[..., None] * sc[..., None] * grad[..., None, :]  # (x1[, x2], K, d)
        if d == 1:
            P = np.einsum("ma,ak->mk", ops[0][1], Lx)
            G = np.einsum("ma,akc->mkc", ops[0][1], dL)
        else:
            P = np.einsum("ma,nb,abk->mnk", ops[0][1], ops[1][1], Lx, optimize=True)
            G = np.einsum("ma,nb,abkc->mnkc", ops[0][1], ops[1][1], dL, optimize=True)
        ok = P > MASS_FLOOR
        Ps = np.where(ok, P, 1)
        jr = []
        for k in range(d):
            g2 = np.where(ok, ops[k][0] ** 2 * G[..., k] ** 2 / Ps, 0).sum(-1)
            if d == 1:
                jr.append(ops[0][2] @ g2)
            else:
                jr.append((ops[0][2] @ g2 @ ops[1][2].T).reshape(-1))
        out.append(jr)
    n = len(rep)
    feats = np.zeros((d, n))
    for i in range(len(gam)):
        for k in range(d):
            feats[k] += 0.5 * wg[i] * out[i][k]
    g0, gm = cfg["gamma_min"], cfg["gamma_max"]
    c0 = g0 * var / (g0 + var)
    for p in range(n):
        m = np.eye(d) + J[p] * c0[None, :]
        small = 0.5 * math.log(np.linalg.det(m))
        share = np.diag(J[p]) * c0
        tot = share.sum()
        for k in range(d):
            if tot > 0:
                feats[k, p] += small * share[k] / tot
            feats[k, p] += 0.5 * gm * out[-1][k][p]
    return {"mutual_information": float(mi), "entropy": float(hx), "ilocal": feats.sum(0).tolist(),
            "features": feats.tolist(), "ssi": ssi.tolist(), "isp": isp.tolist(), "fisher": fisher.tolist(),
            "responses": K}


def main():
    cfg = json.load(sys.stdin)
    best, cpu, res = math.inf, math.inf, None
    for _ in range(cfg.get("repeats", 1)):
        t, c = time.perf_counter(), time.process_time()
        res = exact(cfg)
        best, cpu = min(best, time.perf_counter() - t), min(cpu, time.process_time() - c)
    res["seconds"], res["cpu_seconds"] = best, cpu
    print(json.dumps(res))


if __name__ == "__main__":
    main()
