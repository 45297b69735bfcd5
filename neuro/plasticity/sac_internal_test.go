package plasticity

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
	"github.com/neuronb/neuronb/neuro/train"
)

// cleanRLActorLoss is CleanRL's SAC actor loss (sac_continuous_action.py)
// in torch, with the reparameterisation noise given: Actor.get_action with
// x_t = mean + std·ε, log_prob from Normal(mean, std).log_prob(x_t) minus
// log(scale(1 − y_t²) + 1e-6), and actor_loss = (α·log_pi − min(qf1_pi,
// qf2_pi)).mean().
const cleanRLActorLoss = `
import json, sys, torch
import torch.nn.functional as F
d = json.load(sys.stdin)
def net(prefix):
    return [(torch.tensor(d[prefix][i]["W"], dtype=torch.float32).reshape(d[prefix][i]["rows"], d[prefix][i]["cols"]).requires_grad_(True),
             torch.tensor(d[prefix][i]["b"], dtype=torch.float32).requires_grad_(True)) for i in range(3)]
actor, q1, q2 = net("actor"), net("q1"), net("q2")
def mlp(layers, x):
    for k, (W, b) in enumerate(layers):
        x = x @ W.T + b
        if k < 2:
            x = F.relu(x)
    return x
obs = torch.tensor(d["obs"], dtype=torch.float32).reshape(-1, 3)
eps = torch.tensor(d["eps"], dtype=torch.float32).reshape(-1, 1)
out = mlp(actor, obs)
mean, log_std = out[:, :1], torch.tanh(out[:, 1:])
log_std = -5 + 0.5 * (2 - (-5)) * (log_std + 1)
std = log_std.exp()
normal = torch.distributions.Normal(mean, std)
x_t = mean + std * eps
y_t = torch.tanh(x_t)
action = y_t * 2.0
log_prob = normal.log_prob(x_t) - torch.log(2.0 * (1 - y_t.pow(2)) + 1e-6)
log_pi = log_prob.sum(1, keepdim=True)
sa = torch.cat([obs, action], 1)
min_q = torch.min(mlp(q1, sa), mlp(q2, sa))
loss = (d["alpha"] * log_pi - min_q).mean()
loss.backward()
print(json.dumps({"loss": loss.item(), "grads": [g for W, b in actor for g in (W.grad.flatten().tolist(), b.grad.tolist())]}))`

// Oracle: the hand-derived gradient of the SAC actor loss (through the
// tanh-squashed reparameterised action, the log-std squashing and the
// smaller critic's input gradient) against torch autograd on CleanRL's
// expressions, same float32 weights, observations and noise: loss and
// every actor gradient agree to 2e-4 relative (float32 arithmetic on both
// sides).
func TestSACActorGradientMatchesTorch(t *testing.T) {
	pyoracle.Require(t, "torch")
	set := (&SACSettings{Hidden: 16}).resolved()
	a, err := newSACAgent(rand.New(rand.NewPCG(3, 3)), set, 3, 1, PendulumMaxTorque)
	if err != nil {
		t.Fatal(err)
	}
	a.logAlpha.Value[0] = -0.7
	rng := rand.New(rand.NewPCG(4, 4))
	const B = 12
	obs, eps := make([]float32, B*3), make([]float64, B)
	for i := range obs {
		obs[i] = float32(rng.NormFloat64())
	}
	for i := range eps {
		eps[i] = float64(float32(rng.NormFloat64()))
	}
	dump := func(layers []*train.Layer[float32]) []map[string]any {
		var out []map[string]any
		for _, l := range layers {
			out = append(out, map[string]any{"W": l.W.Value, "b": l.B.Value, "rows": l.W.Rows, "cols": l.W.Cols})
		}
		return out
	}
	in := map[string]any{"actor": dump(a.actor.Layers), "q1": dump(a.q[0].Layers), "q2": dump(a.q[1].Layers),
		"obs": obs, "eps": eps, "alpha": math.Exp(-0.7)}
	var want struct {
		Loss  float64
		Grads [][]float64
	}
	pyoracle.Run(t, cleanRLActorLoss, in, &want)
	a.actor.ZeroGrad()
	a.q[0].ZeroGrad()
	loss, err := a.actorGrad(obs, eps)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(loss-want.Loss) > 2e-4*math.Max(1, math.Abs(want.Loss)) {
		t.Errorf("actor loss %v, torch %v", loss, want.Loss)
	}
	ps := a.actor.Params()
	var scale float64
	for _, g := range want.Grads {
		for _, v := range g {
			scale = math.Max(scale, math.Abs(v))
		}
	}
	for k, p := range ps {
		for i, g := range p.Grad {
			if math.Abs(float64(g)-want.Grads[k][i]) > 2e-4*scale {
				t.Errorf("%s gradient %d = %v, torch %v", p.Name, i, g, want.Grads[k][i])
			}
		}
	}
	for _, p := range a.q[0].Params() {
		for _, g := range p.Grad {
			if g != 0 {
				t.Fatalf("the actor loss wrote the critic's gradient %s", p.Name)
			}
		}
	}
}
