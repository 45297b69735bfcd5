# Independent PyTorch implementation of the HetSynLIF recurrent network,
# written from the equations of the HetSyn paper's code (Deng et al. 2025,
# github.com/dzcgood/HetSyn, shd/models/hetsyn_base.py and hetsyn_stacked.py)
# with torch autograd doing the backpropagation through time.
#
# Reads one JSON object on stdin and prints one JSON object.
#
# mode "oracle" (float64): {"cases": [case, ...]}, each case {"model": "HetSyn"|"HetNeuron"|"ALIF"|"LIF",
#   "reset": "subtract"|"zero"|"none", "theta", "rho_r", "surrogate":
#   "multigauss"|"atan"|"fast_sigmoid"|"triangular"|"ste",
#   "params": {"w_in": [[...]], ...} (the Go parameter matrices),
#   "x": [b][t][i], "loss": {"kind": "mse", "target": [b][t][k]} or
#   {"kind": "window_ce", "labels", "from", "to"}}
#   prints {"cases": [...]} with, per case, spikes, membranes, reset
#   currents, readouts, the loss and the gradient of every parameter.
#
# mode "bench" (float32 unless "dtype" is "float64"): {"model", "inputs",
#   "neurons", "outputs", "steps", "batch", "task": "mse"|"window_ce",
#   "threads", "repeats", "iters"} times full training steps (forward,
#   loss, backward, AdamW with the script's two groups, clamp of the decays),
#   the way the authors' script runs them, and prints steps per second
#   (best of repeats) and the peak resident memory. Run by hand:
#     echo '{"mode":"bench","model":"HetSyn","inputs":50,"neurons":100,"outputs":1,"steps":1000,"batch":1,"task":"mse","threads":2}' | /usr/bin/python3 testdata/hetsyn_torch.py
import json
import math
import resource
import sys
import time

import torch


def gaussian(x, mu, sigma):
    return torch.exp(-((x - mu) ** 2) / (2 * sigma ** 2)) / (math.sqrt(2 * math.pi) * sigma)


def surrogate_grad(name, x):
    if name == "multigauss":  # spike_function.py
        s, h, sc, g = 0.5, 0.15, 6.0, 0.5
        return g * (gaussian(x, 0.0, s) * (1 + h) - gaussian(x, s, sc * s) * h - gaussian(x, -s, sc * s) * h)
    if name == "atan":  # snnTorch ATan, alpha = 2
        a = 2.0
        return a / 2 / (1 + (math.pi / 2 * a * x) ** 2)
    if name == "fast_sigmoid":  # slope 25
        return 1.0 / (25.0 * x.abs() + 1.0) ** 2
    if name == "triangular":  # Bellec et al. 2018
        return 0.3 * torch.clamp(1 - x.abs(), min=0)
    if name == "ste":
        return torch.ones_like(x)
    raise ValueError(name)


def spike_fn(name):
    class Spike(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.gt(0).to(x.dtype)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * surrogate_grad(name, x)

    return Spike.apply


def run(P, x, model, reset, theta, rho_r, spike):
    """x: (B, T, Nin). Returns z, v, R, y as (B, T, ·) tensors."""
    B, T, _ = x.shape
    N = P["w_in"].shape[0]
    K = P["w_out"].shape[0]
    syn = model == "HetSyn"
    dt = x.dtype
    if syn:
        Iin = torch.zeros(B, N, P["w_in"].shape[1], dtype=dt)
        Irec = torch.zeros(B, N, N, dtype=dt)
        Iout = torch.zeros(B, K, N, dtype=dt)
    else:
        Iin, Irec, Iout = torch.zeros(B, N, dtype=dt), torch.zeros(B, N, dtype=dt), torch.zeros(B, K, dtype=dt)
    R = torch.zeros(B, N, dtype=dt)
    z = torch.zeros(B, N, dtype=dt)
    zs, vs, Rs, ys = [], [], [], []
    rin, rrec, rout = P["rho_in"], P["rho_rec"], P["rho_out"]
    if not syn:
        rin, rrec, rout = rin[:, 0], rrec[:, 0], rout[:, 0]
    for t in range(T):
        xt = x[:, t, :]
        keep = (1 - z) if reset == "zero" else None
        if syn:
            ain = rin.unsqueeze(0) if keep is None else rin.unsqueeze(0) * keep.unsqueeze(2)
            arec = rrec.unsqueeze(0) if keep is None else rrec.unsqueeze(0) * keep.unsqueeze(2)
            Iin = ain * Iin + P["w_in"].unsqueeze(0) * xt.unsqueeze(1)
            Irec = arec * Irec + P["w_rec"].unsqueeze(0) * z.unsqueeze(1)
            v = Iin.sum(2) + Irec.sum(2)
        else:
            ain = rin if keep is None else rin * keep
            arec = rrec if keep is None else rrec * keep
            Iin = ain * Iin + xt @ P["w_in"].T
            Irec = arec * Irec + z @ P["w_rec"].T
            v = Iin + Irec
        if reset == "subtract":
            R = rho_r * R + theta * z
            v = v - R
        z = spike(v - theta)
        if syn:
            Iout = rout.unsqueeze(0) * Iout + P["w_out"].unsqueeze(0) * z.unsqueeze(1)
            y = Iout.sum(2)
        else:
            Iout = rout * Iout + z @ P["w_out"].T
            y = Iout
        zs.append(z)
        vs.append(v)
        Rs.append(R)
        ys.append(y)
    st = lambda a: torch.stack(a, dim=1)
    return st(zs), st(vs), st(Rs), st(ys)


def loss_of(spec, y):
    if spec["kind"] == "mse":
        tg = torch.tensor(spec["target"], dtype=y.dtype)
        return ((y - tg) ** 2).mean(dim=(1, 2)).mean()
    if spec["kind"] == "window_ce":
        to = spec["to"] or y.shape[1]
        o = y[:, spec["from"]:to, :].mean(dim=1)
        return torch.nn.functional.cross_entropy(o, torch.tensor(spec["labels"]))
    raise ValueError(spec["kind"])


NAMES = ["w_in", "w_rec", "w_out", "rho_in", "rho_rec", "rho_out"]


def oracle(inp):
    torch.set_default_dtype(torch.float64)
    P = {k: torch.tensor(inp["params"][k], dtype=torch.float64, requires_grad=True) for k in NAMES}
    x = torch.tensor(inp["x"], dtype=torch.float64)
    z, v, R, y = run(P, x, inp["model"], inp["reset"], inp["theta"], inp["rho_r"], spike_fn(inp["surrogate"]))
    loss = loss_of(inp["loss"], y)
    loss.backward()
    out = {"spikes": z.tolist(), "v": v.tolist(), "reset": R.tolist(), "y": y.tolist(), "loss": loss.item()}
    out["grads"] = {k: P[k].grad.tolist() for k in NAMES}
    return out


def bench(inp):
    torch.set_num_threads(inp.get("threads", 2))
    dtype = torch.float64 if inp.get("dtype") == "float64" else torch.float32
    torch.manual_seed(0)
    model = inp["model"]
    Nin, N, K, T, B = inp["inputs"], inp["neurons"], inp["outputs"], inp["steps"], inp["batch"]
    syn = model == "HetSyn"
    shape = lambda o, i: (o, i) if syn else (o, 1)
    P = {
        "w_in": torch.randn(N, Nin, dtype=dtype) / math.sqrt(Nin),
        "w_rec": torch.randn(N, N, dtype=dtype) / math.sqrt(N),
        "w_out": torch.randn(K, N, dtype=dtype) / math.sqrt(N),
        "rho_in": torch.exp(-1.0 / torch.empty(shape(N, Nin), dtype=dtype).uniform_(5, 20)),
        "rho_rec": torch.exp(-1.0 / torch.empty(shape(N, N), dtype=dtype).uniform_(5, 20)),
        "rho_out": torch.exp(-1.0 / torch.empty(shape(K, N), dtype=dtype).uniform_(5, 20)),
    }
    for p in P.values():
        p.requires_grad_(True)
    learn_rho = model in ("HetSyn", "HetNeuron")
    groups = [{"params": [P["w_in"], P["w_rec"], P["w_out"]], "lr": 2e-3}]
    if learn_rho:
        groups.append({"params": [P["rho_in"], P["rho_rec"], P["rho_out"]], "lr": 4e-3})
    opt = torch.optim.AdamW(groups, lr=2e-3, weight_decay=4e-3)
    x = (torch.rand(B, T, Nin) < 0.02).to(dtype)
    if inp["task"] == "mse":
        spec = {"kind": "mse", "target": torch.randn(B, T, K).tolist()}
    else:
        spec = {"kind": "window_ce", "labels": [b % K for b in range(B)], "from": T - 10, "to": T}
    spike = spike_fn("multigauss")
    reset = inp.get("reset", "subtract")

    def step():
        opt.zero_grad()
        _, _, _, y = run(P, x, model, reset, 1.0, math.exp(-1 / 20), spike)
        loss = loss_of(spec, y)
        loss.backward()
        opt.step()
        with torch.no_grad():
            for k in ("rho_in", "rho_rec", "rho_out"):
                P[k].clamp_(0, 1)
        return loss.item()

    step()  # warm up
    best = float("inf")
    iters = inp.get("iters", 2)
    for _ in range(inp.get("repeats", 3)):
        t0 = time.perf_counter()
        for _ in range(iters):
            step()
        best = min(best, (time.perf_counter() - t0) / iters)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"steps_per_s": 1.0 / best, "seconds_per_step": best, "peak_rss_bytes": rss, "threads": torch.get_num_threads(),
            "torch": torch.__version__, "dtype": str(dtype)}


if __name__ == "__main__":
    inp = json.load(sys.stdin)
    if inp.get("mode") == "bench":
        print(json.dumps(bench(inp)))
    else:
        print(json.dumps({"cases": [oracle(c) for c in inp["cases"]]}))
