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

const torchAdam = `
import json, sys, torch
torch.set_default_dtype(torch.float64)
d = json.load(sys.stdin)
w = torch.tensor(d["w0"]).reshape(3, 4).clone().requires_grad_(True)
b = torch.tensor(d["b0"]).reshape(1, 4).clone().requires_grad_(True)
cls = torch.optim.AdamW if d["decoupled"] else torch.optim.Adam
opt = cls([{"params": [w], "lr": 0.01, "weight_decay": 0.1}, {"params": [b], "weight_decay": 0.0}], lr=0.003, betas=(0.8, 0.95), eps=1e-7)
for k, (gw, gb) in enumerate(zip(d["grads_w"], d["grads_b"])):
    w.grad = torch.tensor(gw).reshape(3, 4); b.grad = torch.tensor(gb).reshape(1, 4)
    opt.step()
    if k + 1 == d["reset_at"]:
        st = opt.state[w]
        for key in ("exp_avg", "exp_avg_sq"):
            st[key][1, :] = 0; st[key][:, 2] = 0
st = opt.state[w]
print(json.dumps({"w": w.detach().flatten().tolist(), "b": b.detach().flatten().tolist(),
  "m": st["exp_avg"].flatten().tolist(), "v": st["exp_avg_sq"].flatten().tolist()}))`

// Oracle: torch.optim.Adam and AdamW (Debian's torch 1.13, float64) with
// two parameter groups of different learning rates and weight decays, and
// a moment reset of one row and one column in the middle of training.
func TestAdamMatchesTorch(t *testing.T) {
	pyoracle.Require(t, "torch")
	rng := rand.New(rand.NewPCG(3, 4))
	randn := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		return x
	}
	for _, decoupled := range []bool{false, true} {
		in := map[string]any{"decoupled": decoupled, "w0": randn(12), "b0": randn(4), "reset_at": 3}
		var gw, gb [][]float64
		for k := 0; k < 6; k++ {
			gw, gb = append(gw, randn(12)), append(gb, randn(4))
		}
		in["grads_w"], in["grads_b"] = gw, gb
		var want struct{ W, B, M, V []float64 }
		pyoracle.Run(t, torchAdam, in, &want)

		w, b := train.NewParam[float64]("w", 3, 4), train.NewParam[float64]("b", 1, 4)
		copy(w.Value, in["w0"].([]float64))
		copy(b.Value, in["b0"].([]float64))
		opt, err := train.NewAdam([]train.Group[float64]{{Params: []*train.Param[float64]{w}, LR: 0.01, WeightDecay: 0.1}, {Params: []*train.Param[float64]{b}}},
			&train.AdamSettings{LR: 0.003, Beta1: 0.8, Beta2: 0.95, Eps: 1e-7, Decoupled: decoupled})
		if err != nil {
			t.Fatal(err)
		}
		for k := range gw {
			copy(w.Grad, gw[k])
			copy(b.Grad, gb[k])
			if err := opt.Step(); err != nil {
				t.Fatal(err)
			}
			if k+1 == 3 {
				if err := opt.ResetRows(w, []int{1}); err != nil {
					t.Fatal(err)
				}
				if err := opt.ResetCols(w, []int{2}); err != nil {
					t.Fatal(err)
				}
			}
		}
		m, v, step, err := opt.Moments(w)
		if err != nil {
			t.Fatal(err)
		}
		if step != 6 {
			t.Errorf("step count %d, want 6", step)
		}
		for name, pair := range map[string][2][]float64{"w": {w.Value, want.W}, "b": {b.Value, want.B}, "m": {m, want.M}, "v": {v, want.V}} {
			for i := range pair[1] {
				if d := math.Abs(pair[0][i] - pair[1][i]); d > 1e-12*math.Max(1, math.Abs(pair[1][i])) {
					t.Errorf("decoupled=%v %s[%d] = %.17g, torch %.17g", decoupled, name, i, pair[0][i], pair[1][i])
				}
			}
		}
	}
}

// Oracle: torch.nn.utils.clip_grad_norm_ on the same gradients.
func TestClipGradNormMatchesTorch(t *testing.T) {
	pyoracle.Require(t, "torch")
	g1, g2 := []float64{3, -4, 1, 2}, []float64{0.5, -7}
	var want struct {
		Norm   float64
		G1, G2 []float64
	}
	pyoracle.Run(t, `
import json, sys, torch
d = json.load(sys.stdin)
a = torch.zeros(2, 2, dtype=torch.float64, requires_grad=True); b = torch.zeros(1, 2, dtype=torch.float64, requires_grad=True)
a.grad = torch.tensor(d[0], dtype=torch.float64).reshape(2, 2); b.grad = torch.tensor(d[1], dtype=torch.float64).reshape(1, 2)
n = torch.nn.utils.clip_grad_norm_([a, b], 2.5)
print(json.dumps({"Norm": float(n), "G1": a.grad.flatten().tolist(), "G2": b.grad.flatten().tolist()}))`, [][]float64{g1, g2}, &want)
	p1, p2 := train.NewParam[float64]("a", 2, 2), train.NewParam[float64]("b", 1, 2)
	copy(p1.Grad, g1)
	copy(p2.Grad, g2)
	norm, err := train.ClipGradNorm([]*train.Param[float64]{p1, p2}, 2.5)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(norm-want.Norm) > 1e-12 {
		t.Errorf("norm %v, torch %v", norm, want.Norm)
	}
	for i, g := range append(append([]float64{}, p1.Grad...), p2.Grad...) {
		w := append(append([]float64{}, want.G1...), want.G2...)[i]
		if math.Abs(g-w) > 1e-12 {
			t.Errorf("gradient %d = %v, torch %v", i, g, w)
		}
	}
}

// Oracle: float32 parameters follow the float64 trajectory to float32
// rounding (moments are float64 in both).
func TestAdamFloat32FollowsFloat64(t *testing.T) {
	p64, p32 := train.NewParam[float64]("w", 2, 3), train.NewParam[float32]("w", 2, 3)
	for i := range p64.Value {
		p64.Value[i] = float64(i) - 2.5
		p32.Value[i] = float32(p64.Value[i])
	}
	o64, err := train.NewAdam([]train.Group[float64]{{Params: []*train.Param[float64]{p64}}}, &train.AdamSettings{LR: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	o32, err := train.NewAdam([]train.Group[float32]{{Params: []*train.Param[float32]{p32}}}, &train.AdamSettings{LR: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	for step := 0; step < 50; step++ {
		for i := range p64.Value { // gradient of Σ x²/2 + sin x
			p64.Grad[i] = p64.Value[i] + math.Cos(p64.Value[i])
			p32.Grad[i] = float32(float64(p32.Value[i]) + math.Cos(float64(p32.Value[i])))
		}
		if err := o64.Step(); err != nil {
			t.Fatal(err)
		}
		if err := o32.Step(); err != nil {
			t.Fatal(err)
		}
	}
	for i := range p64.Value {
		if d := math.Abs(float64(p32.Value[i]) - p64.Value[i]); d > 1e-5 {
			t.Errorf("value %d: float32 %v, float64 %v", i, p32.Value[i], p64.Value[i])
		}
	}
}

func TestOptimizerErrorsNameTheParameter(t *testing.T) {
	w := train.NewParam[float64]("layer1.w", 2, 2)
	bad := &train.Param[float64]{Name: "broken", Rows: 2, Cols: 2, Value: make([]float64, 3), Grad: make([]float64, 4)}
	_, err1 := train.NewAdam([]train.Group[float64]{{Params: []*train.Param[float64]{bad}}}, nil)
	_, err2 := train.NewAdam([]train.Group[float64]{{Params: []*train.Param[float64]{w, w}}}, nil)
	_, err3 := train.NewAdam([]train.Group[float64]{{Params: []*train.Param[float64]{w}}}, &train.AdamSettings{Beta1: 1.5})
	opt, err := train.NewAdam([]train.Group[float64]{{Params: []*train.Param[float64]{w}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Grad[3] = math.NaN()
	err4 := opt.Step()
	err5 := opt.ResetRows(w, []int{2})
	err6 := opt.ResetCols(train.NewParam[float64]("other", 1, 1), []int{0})
	for _, c := range []struct {
		err  error
		want string
	}{
		{err1, `"broken": 3 values and 4 gradients for shape 2×2`},
		{err2, `"layer1.w" appears twice`},
		{err3, "Beta1=1.5"},
		{err4, `"layer1.w": gradient[3] (row 1, column 1) = NaN`},
		{err5, `"layer1.w": row 2 of 2`},
		{err6, `"other" is not optimised here`},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("error %v, want %q", c.err, c.want)
		}
	}
	if w.Value[0] != 0 {
		t.Errorf("a failed Step changed the parameters")
	}
}

// Minimising (x − 3)² with Adam from x = 0.
func ExampleAdam() {
	x := train.NewParam[float64]("x", 1, 1)
	opt, err := train.NewAdam([]train.Group[float64]{{Params: []*train.Param[float64]{x}}}, &train.AdamSettings{LR: 0.1})
	if err != nil {
		fmt.Println(err)
		return
	}
	for step := 0; step < 500; step++ {
		x.Grad[0] = 2 * (x.Value[0] - 3)
		if err := opt.Step(); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Printf("x = %.3f\n", x.Value[0])
	// Output: x = 3.000
}
