"""Anchor of BenchmarkMLPStepSideBySide: one Adam training step (forward,
mean squared error, backward, Adam) of the 3x128 ReLU MLP, 8 inputs, batch
256, in torch with the given number of threads and dtype. Prints one JSON
line: the best steps per second of three timed runs."""
import json, sys, time
import torch

cfg = json.load(sys.stdin)
torch.set_num_threads(cfg["threads"])
dt = torch.float64 if cfg["dtype"] == "float64" else torch.float32
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(8, 128), torch.nn.ReLU(), torch.nn.Linear(128, 128), torch.nn.ReLU(),
                          torch.nn.Linear(128, 128), torch.nn.ReLU(), torch.nn.Linear(128, 1)).to(dt)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
x, y = torch.randn(256, 8, dtype=dt), torch.randn(256, 1, dtype=dt)


def step():
    opt.zero_grad()
    loss = ((net(x) - y) ** 2).mean()
    loss.backward()
    opt.step()


for _ in range(cfg["steps"] // 5):
    step()
best = 0.0
for _ in range(3):
    t = time.perf_counter()
    for _ in range(cfg["steps"]):
        step()
    best = max(best, cfg["steps"] / (time.perf_counter() - t))
print(json.dumps({"steps_per_s": best}))
