"""Anchor of BenchmarkSACSideBySide: SAC on Pendulum-v1 written from the same
equations as neuro/plasticity.TrainSAC (CleanRL's sac_continuous_action.py:
twin critics, target critics, tanh-squashed Gaussian actor, autotuned
entropy; Gymnasium's Pendulum-v1 equations), in torch float32 with the given
threads. Prints one JSON line: environment steps per second and the mean
return of the last 10 episodes."""
import json, math, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

c = json.load(sys.stdin)
torch.set_num_threads(c["threads"])
torch.manual_seed(c["seed"])
rng = np.random.default_rng(c["seed"])
H, B = c["hidden"], c["batch"]


def mlp(i, o):
    return nn.Sequential(nn.Linear(i, H), nn.ReLU(), nn.Linear(H, H), nn.ReLU(), nn.Linear(H, o))


actor, q1, q2 = mlp(3, 2), mlp(4, 1), mlp(4, 1)
t1, t2 = mlp(4, 1), mlp(4, 1)
t1.load_state_dict(q1.state_dict()); t2.load_state_dict(q2.state_dict())
q_opt = torch.optim.Adam(list(q1.parameters()) + list(q2.parameters()), lr=1e-3)
a_opt = torch.optim.Adam(actor.parameters(), lr=3e-4)
log_alpha = torch.zeros(1, requires_grad=True)
al_opt = torch.optim.Adam([log_alpha], lr=1e-3)


def get_action(obs):
    out = actor(obs)
    mean, log_std = out[:, :1], torch.tanh(out[:, 1:])
    log_std = -5 + 0.5 * 7 * (log_std + 1)
    std = log_std.exp()
    x = mean + std * torch.randn_like(mean)
    y = torch.tanh(x)
    logp = (-0.5 * ((x - mean) / std) ** 2 - log_std - 0.5 * math.log(2 * math.pi) - torch.log(2 * (1 - y ** 2) + 1e-6)).sum(1, keepdim=True)
    return 2 * y, logp


def angle_normalize(x):
    return ((x + np.pi) % (2 * np.pi)) - np.pi


th, thd = rng.uniform(-np.pi, np.pi), rng.uniform(-1, 1)
N = c["steps"]
O, O2, A, R = np.zeros((N, 3), np.float32), np.zeros((N, 3), np.float32), np.zeros((N, 1), np.float32), np.zeros((N, 1), np.float32)
rets, ret, t_ep, grad = [], 0.0, 0, 0
start = time.perf_counter()
for it in range(N):
    obs = np.array([np.cos(th), np.sin(th), thd], np.float32)
    if it < c["starts"]:
        u = rng.uniform(-2, 2)
    else:
        with torch.no_grad():
            u = float(get_action(torch.from_numpy(obs)[None])[0][0, 0])
    u = float(np.clip(u, -2, 2))
    cost = angle_normalize(th) ** 2 + 0.1 * thd ** 2 + 0.001 * u ** 2
    thd = float(np.clip(thd + (15 * np.sin(th) + 3 * u) * 0.05, -8, 8))
    th = th + thd * 0.05
    O[it], A[it], R[it] = obs, u, -cost
    O2[it] = [np.cos(th), np.sin(th), thd]
    ret += -cost; t_ep += 1
    if t_ep == 200:
        rets.append(ret); ret, t_ep = 0.0, 0
        th, thd = rng.uniform(-np.pi, np.pi), rng.uniform(-1, 1)
    if it + 1 < c["starts"]:
        continue
    for _ in range(c["utd"]):
        grad += 1
        j = rng.integers(0, it + 1, B)
        o, o2, a, r = map(torch.from_numpy, (O[j], O2[j], A[j], R[j]))
        alpha = log_alpha.exp().item()
        with torch.no_grad():
            na, nlp = get_action(o2)
            s2 = torch.cat([o2, na], 1)
            y = r + 0.99 * (torch.min(t1(s2), t2(s2)) - alpha * nlp)
        s = torch.cat([o, a], 1)
        loss = F.mse_loss(q1(s), y) + F.mse_loss(q2(s), y)
        q_opt.zero_grad(); loss.backward(); q_opt.step()
        if grad % 2 == 0:
            for _ in range(2):
                pi, lp = get_action(o)
                sp = torch.cat([o, pi], 1)
                a_loss = (alpha * lp - torch.min(q1(sp), q2(sp))).mean()
                a_opt.zero_grad(); a_loss.backward(); a_opt.step()
                with torch.no_grad():
                    _, lp = get_action(o)
                al_loss = (-log_alpha.exp() * (lp + c["target_entropy"])).mean()
                al_opt.zero_grad(); al_loss.backward(); al_opt.step()
                alpha = log_alpha.exp().item()
        with torch.no_grad():
            for t, q in ((t1, q1), (t2, q2)):
                for pt, p in zip(t.parameters(), q.parameters()):
                    pt.mul_(1 - 0.005).add_(0.005 * p)
elapsed = time.perf_counter() - start
print(json.dumps({"env_steps_per_s": N / elapsed, "final_return": float(np.mean(rets[-10:])) if rets else None}))
