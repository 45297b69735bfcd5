package train_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
	"github.com/neuronb/neuronb/neuro/train"
)

// testSpecs is a network with every layer kind and every activation.
var testSpecs = []train.LayerSpec{
	train.DenseNorm(6, train.GELU),
	train.Residual(7, train.SiLU),
	train.Dense(6, train.Tanh),
	train.Dense(5, train.LeakyReLU),
	train.Norm(),
	train.Dense(4, train.ReLU),
	train.Residual(3, train.ReLU),
	train.Dense(3, train.Identity),
}

// loss is L = Σ r ⊙ y + ½ Σ y², whose gradient is dL/dy = r + y.
func loss(y, r []float64) (l float64, dy []float64) {
	dy = make([]float64, len(y))
	for i := range y {
		l += r[i]*y[i] + 0.5*y[i]*y[i]
		dy[i] = r[i] + y[i]
	}
	return l, dy
}

func randn(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

func evalLoss(t *testing.T, n *train.Net[float64], x, r []float64) float64 {
	t.Helper()
	y, err := n.Forward(n.NewCache(), x)
	if err != nil {
		t.Fatal(err)
	}
	l, _ := loss(y, r)
	return l
}

// Oracle: central finite differences, (L(θ + h) − L(θ − h))/2h with
// h = 1e-6, for every parameter entry of every layer kind and activation,
// every input entry, and every pre-activation gradient ∂L/∂z (the gradient
// of a unit's bias for a batch of one sample: samples are independent).
func TestNetGradientsMatchFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n, err := train.NewNet[float64](rng, 5, testSpecs...)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range n.Params() { // move LayerNorm away from γ = 1, β = 0
		if strings.Contains(p.Name, ".ln.") {
			for i := range p.Value {
				p.Value[i] += 0.3 * rng.NormFloat64()
			}
		}
	}
	const batch, h = 4, 1e-6
	x, r := randn(rng, batch*n.In), randn(rng, batch*n.Out)
	c := n.NewCache()
	y, err := n.Forward(c, x)
	if err != nil {
		t.Fatal(err)
	}
	_, dy := loss(y, r)
	dx, err := n.Backward(c, dy)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: analytic %.10g, finite difference %.10g", what, got, want)
		}
	}
	for _, p := range n.Params() {
		for i := range p.Value {
			v := p.Value[i]
			p.Value[i] = v + h
			lp := evalLoss(t, n, x, r)
			p.Value[i] = v - h
			lm := evalLoss(t, n, x, r)
			p.Value[i] = v
			check(fmt.Sprintf("%s[%d]", p.Name, i), p.Grad[i], (lp-lm)/(2*h))
		}
	}
	for i := range x {
		xp, xm := append([]float64{}, x...), append([]float64{}, x...)
		xp[i] += h
		xm[i] -= h
		check(fmt.Sprintf("input[%d]", i), dx[i], (evalLoss(t, n, xp, r)-evalLoss(t, n, xm, r))/(2*h))
	}
	for _, li := range n.Hidden() {
		l := n.Layers[li]
		w := l.Spec.Width
		for s := 0; s < batch; s++ {
			xs, rs := x[s*n.In:(s+1)*n.In], r[s*n.Out:(s+1)*n.Out]
			for i := 0; i < w; i++ {
				v := l.B.Value[i]
				l.B.Value[i] = v + h
				lp := evalLoss(t, n, xs, rs)
				l.B.Value[i] = v - h
				lm := evalLoss(t, n, xs, rs)
				l.B.Value[i] = v
				check(fmt.Sprintf("%s DZ[%d,%d]", l.Name, s, i), c.Layers[li].DZ[s*w+i], (lp-lm)/(2*h))
			}
		}
	}
}

// InputGradient returns Backward's input gradient and leaves the
// parameters' gradients alone.
func TestInputGradientLeavesParameters(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	n, err := train.NewNet[float64](rng, 5, testSpecs...)
	if err != nil {
		t.Fatal(err)
	}
	x, r := randn(rng, 3*n.In), randn(rng, 3*n.Out)
	c := n.NewCache()
	y, err := n.Forward(c, x)
	if err != nil {
		t.Fatal(err)
	}
	_, dy := loss(y, r)
	dxIn, err := n.InputGradient(c, dy)
	if err != nil {
		t.Fatal(err)
	}
	dxIn = append([]float64{}, dxIn...)
	for _, p := range n.Params() {
		for _, g := range p.Grad {
			if g != 0 {
				t.Fatalf("InputGradient wrote %s's gradient", p.Name)
			}
		}
	}
	dx, err := n.Backward(c, dy)
	if err != nil {
		t.Fatal(err)
	}
	for i := range dx {
		if dx[i] != dxIn[i] {
			t.Fatalf("input gradient %d: InputGradient %v, Backward %v", i, dxIn[i], dx[i])
		}
	}
}

const torchNet = `
import json, sys, torch
import torch.nn.functional as F
torch.set_default_dtype(torch.float64)
d = json.load(sys.stdin)
P = {k: torch.tensor(v["value"], dtype=torch.float64).reshape(v["rows"], v["cols"]).requires_grad_(True) for k, v in d["params"].items()}
acts = {"identity": lambda z: z, "relu": F.relu, "leaky_relu": F.leaky_relu, "tanh": torch.tanh, "silu": F.silu, "gelu": F.gelu}
x = torch.tensor(d["x"]).reshape(d["batch"], d["in"]).requires_grad_(True)
zs, us = {}, {}
h = x
for l in d["layers"]:
    name, kind = l["name"], l["kind"]
    if kind == "norm":
        h = F.layer_norm(h, (h.shape[1],), P[name + ".ln.gain"][0], P[name + ".ln.shift"][0], 1e-5)
        continue
    z = h @ P[name + ".W"].T + P[name + ".b"][0]
    z.retain_grad(); zs[name] = z
    u = F.layer_norm(z, (z.shape[1],), P[name + ".ln.gain"][0], P[name + ".ln.shift"][0], 1e-5) if l["ln"] else z
    if l["ln"]:
        u.retain_grad(); us[name] = u
    a = acts[l["act"]](u)
    h = h + a @ P[name + ".W2"].T + P[name + ".b2"][0] if kind == "residual" else a
r = torch.tensor(d["r"]).reshape(h.shape)
L = (r * h).sum() + 0.5 * (h * h).sum()
L.backward()
print(json.dumps({"loss": L.item(), "grads": {k: p.grad.flatten().tolist() for k, p in P.items()},
  "dz": {k: z.grad.flatten().tolist() for k, z in zs.items()}, "du": {k: u.grad.flatten().tolist() for k, u in us.items()}, "dx": x.grad.flatten().tolist()}))`

// Oracle: torch autograd (Debian's torch 1.13, float64) on the same
// network with the same weights and batch: loss, every parameter gradient,
// every layer's ∂L/∂z (and ∂L/∂u after LayerNorm) and ∂L/∂x agree to
// 1e-10.
func TestNetGradientsMatchTorch(t *testing.T) {
	pyoracle.Require(t, "torch")
	rng := rand.New(rand.NewPCG(7, 8))
	n, err := train.NewNet[float64](rng, 5, testSpecs...)
	if err != nil {
		t.Fatal(err)
	}
	const batch = 6
	x, r := randn(rng, batch*n.In), randn(rng, batch*n.Out)
	params := map[string]any{}
	for _, p := range n.Params() {
		params[p.Name] = map[string]any{"value": p.Value, "rows": p.Rows, "cols": p.Cols}
	}
	var layers []map[string]any
	for _, l := range n.Layers {
		kind := map[train.LayerKind]string{train.DenseLayer: "dense", train.ResidualLayer: "residual", train.NormLayer: "norm"}[l.Spec.Kind]
		layers = append(layers, map[string]any{"name": l.Name, "kind": kind, "ln": l.Spec.LayerNorm, "act": l.Spec.Activation.String()})
	}
	var want struct {
		Loss  float64
		Grads map[string][]float64
		DZ    map[string][]float64
		DU    map[string][]float64
		DX    []float64
	}
	pyoracle.Run(t, torchNet, map[string]any{"params": params, "layers": layers, "x": x, "r": r, "batch": batch, "in": n.In}, &want)
	c := n.NewCache()
	y, err := n.Forward(c, x)
	if err != nil {
		t.Fatal(err)
	}
	l, dy := loss(y, r)
	dx, err := n.Backward(c, dy)
	if err != nil {
		t.Fatal(err)
	}
	near := func(what string, got, w []float64) {
		t.Helper()
		if len(got) != len(w) {
			t.Fatalf("%s: %d values, torch %d", what, len(got), len(w))
		}
		for i := range w {
			if math.Abs(got[i]-w[i]) > 1e-10*math.Max(1, math.Abs(w[i])) {
				t.Errorf("%s[%d] = %.15g, torch %.15g", what, i, got[i], w[i])
			}
		}
	}
	near("loss", []float64{l}, []float64{want.Loss})
	near("dx", dx, want.DX)
	for _, p := range n.Params() {
		near(p.Name+" gradient", p.Grad, want.Grads[p.Name])
	}
	for i, lay := range n.Layers {
		if lay.Spec.Kind != train.NormLayer {
			near(lay.Name+" DZ", c.Layers[i].DZ, want.DZ[lay.Name])
		}
		if lay.Spec.LayerNorm {
			near(lay.Name+" DU", c.Layers[i].DU, want.DU[lay.Name])
		}
	}
}

// Oracle: the float32 network computes the float64 network's output and
// gradients to float32 rounding.
func TestNetFloat32FollowsFloat64(t *testing.T) {
	n64, err := train.NewNet[float64](rand.New(rand.NewPCG(9, 9)), 5, testSpecs...)
	if err != nil {
		t.Fatal(err)
	}
	n32, err := train.NewNet[float32](rand.New(rand.NewPCG(9, 9)), 5, testSpecs...)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	x, r := randn(rng, 8*5), randn(rng, 8*3)
	x32 := make([]float32, len(x))
	for i := range x {
		x32[i] = float32(x[i])
	}
	c64, c32 := n64.NewCache(), n32.NewCache()
	y64, err := n64.Forward(c64, x)
	if err != nil {
		t.Fatal(err)
	}
	y32, err := n32.Forward(c32, x32)
	if err != nil {
		t.Fatal(err)
	}
	_, dy := loss(y64, r)
	dy32 := make([]float32, len(dy))
	for i := range dy {
		dy32[i] = float32(r[i]) + y32[i]
	}
	if _, err := n64.Backward(c64, dy); err != nil {
		t.Fatal(err)
	}
	if _, err := n32.Backward(c32, dy32); err != nil {
		t.Fatal(err)
	}
	for i := range y64 {
		if math.Abs(float64(y32[i])-y64[i]) > 1e-4 {
			t.Errorf("output %d: float32 %v, float64 %v", i, y32[i], y64[i])
		}
	}
	p32 := n32.Params()
	for k, p := range n64.Params() {
		for i := range p.Grad {
			if math.Abs(float64(p32[k].Grad[i])-p.Grad[i]) > 1e-4*math.Max(1, math.Abs(p.Grad[i])) {
				t.Errorf("%s gradient %d: float32 %v, float64 %v", p.Name, i, p32[k].Grad[i], p.Grad[i])
			}
		}
	}
}

func TestNetStructure(t *testing.T) {
	n, err := train.NewNet[float64](rand.New(rand.NewPCG(1, 1)), 5, testSpecs...)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(n.Hidden()); got != "[0 1 2 3 5 6]" {
		t.Errorf("hidden layers %s, want [0 1 2 3 5 6] (not the Norm, not the output)", got)
	}
	for l, want := range map[int]string{0: "layer1.W", 1: "layer1.W2", 3: "layer5.W", 6: "layer6.W2", 7: ""} {
		got := ""
		if p := n.Outgoing(l); p != nil {
			got = p.Name
		}
		if got != want {
			t.Errorf("Outgoing(%d) = %q, want %q", l, got, want)
		}
	}
	c := n.Clone()
	c.Layers[0].W.Value[0] += 1
	if n.Layers[0].W.Value[0] == c.Layers[0].W.Value[0] {
		t.Error("Clone shares parameters")
	}
	if err := train.SoftUpdate(n.Params(), c.Params(), 0.25); err != nil {
		t.Fatal(err)
	}
	if d := c.Layers[0].W.Value[0] - n.Layers[0].W.Value[0]; math.Abs(d-0.75) > 1e-12 {
		t.Errorf("SoftUpdate with τ = 0.25 left a difference of %v, want 0.75", d)
	}
}

func TestNetErrorsNameTheArgument(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	_, err1 := train.NewNet[float64](rng, 0, train.Dense(3, train.ReLU))
	_, err2 := train.NewNet[float64](rng, 4, train.Dense(3, train.ReLU), train.Dense(0, train.ReLU))
	_, err3 := train.NewNet[float64](rng, 1, train.Norm())
	_, err4 := train.ParseActivation("softsign")
	n, err := train.NewNet[float64](rng, 4, train.Dense(3, train.ReLU), train.Dense(2, train.Identity))
	if err != nil {
		t.Fatal(err)
	}
	_, err5 := n.Forward(n.NewCache(), make([]float64, 6))
	_, err6 := n.Backward(n.NewCache(), make([]float64, 2))
	c := n.NewCache()
	if _, err := n.Forward(c, make([]float64, 8)); err != nil {
		t.Fatal(err)
	}
	_, err7 := n.Backward(c, make([]float64, 3))
	err8 := train.SoftUpdate(n.Params(), n.Params()[:1], 0.1)
	for _, e := range []struct {
		err  error
		want string
	}{
		{err1, "0 inputs"}, {err2, "layers[1]: width 0"}, {err3, "LayerNorm over 1 feature"},
		{err4, `unknown activation "softsign"`}, {err5, "6 values is not a non-empty batch of rows of 4"},
		{err6, "does not hold a Forward"}, {err7, "3 values, want batch 2 × 2 outputs"},
		{err8, "4 destination and 1 source"},
	} {
		if e.err == nil || !strings.Contains(e.err.Error(), e.want) {
			t.Errorf("error %v, want %q", e.err, e.want)
		}
	}
}

// Regression of y = sin(x₀) + x₁² with a 2×32 ReLU network and Adam.
func ExampleNet() {
	rng := rand.New(rand.NewPCG(1, 2))
	net, err := train.NewNet[float64](rng, 2, train.Dense(32, train.ReLU), train.Dense(32, train.ReLU), train.Dense(1, train.Identity))
	if err != nil {
		fmt.Println(err)
		return
	}
	opt, err := train.NewAdam([]train.Group[float64]{{Params: net.Params()}}, &train.AdamSettings{LR: 3e-3})
	if err != nil {
		fmt.Println(err)
		return
	}
	const batch = 64
	x, y, dy := make([]float64, 2*batch), make([]float64, batch), make([]float64, batch)
	cache := net.NewCache()
	var first, last float64
	for step := 0; step < 2000; step++ {
		for b := 0; b < batch; b++ {
			x[2*b], x[2*b+1] = 2*rng.Float64()-1, 2*rng.Float64()-1
			y[b] = math.Sin(x[2*b]) + x[2*b+1]*x[2*b+1]
		}
		out, err := net.Forward(cache, x)
		if err != nil {
			fmt.Println(err)
			return
		}
		mse := 0.0
		for b := range y {
			mse += (out[b] - y[b]) * (out[b] - y[b]) / batch
			dy[b] = 2 * (out[b] - y[b]) / batch // ∂(mean squared error)/∂out
		}
		if step == 0 {
			first = mse
		}
		last = mse
		net.ZeroGrad()
		if _, err := net.Backward(cache, dy); err != nil {
			fmt.Println(err)
			return
		}
		if err := opt.Step(); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Printf("mean squared error fell below 1%% of its start: %v\n", last < 0.01*first)
	// Output: mean squared error fell below 1% of its start: true
}
