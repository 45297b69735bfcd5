package snn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
	"github.com/neuronb/neuronb/neuro/train"
)

// torchScript is the independent PyTorch implementation of the network.
func torchScript(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/hetsyn_torch.py")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func matrix(p *train.Param[float64]) [][]float64 {
	m := make([][]float64, p.Rows)
	for r := range m {
		m[r] = p.Value[r*p.Cols : (r+1)*p.Cols]
	}
	return m
}

type torchOut struct {
	Spikes, V, Reset, Y [][][]float64
	Loss                float64
	Grads               map[string][][]float64
}

// Oracle: an independent PyTorch implementation of the equations
// (testdata/hetsyn_torch.py, Debian's torch, float64, autograd through
// time with the surrogate as a custom autograd.Function). On a small
// recurrent network, for every model and reset mode with the authors'
// multi-Gaussian surrogate, and for every surrogate on HetSyn: identical
// spike trains, membranes, reset currents and readouts to 1e-12, and loss
// and every gradient to 1e-10 (relative to the largest entry).
func TestMatchesTorchAutograd(t *testing.T) {
	pyoracle.Require(t, "torch")
	script := torchScript(t)
	type tc struct {
		model Model
		reset ResetMode
		sur   string
		loss  string
	}
	var cases []tc
	for _, m := range Models {
		for _, r := range []ResetMode{Subtract, Zero, None} {
			cases = append(cases, tc{m, r, "multigauss", "mse"})
		}
	}
	for _, s := range []string{"atan", "fast_sigmoid", "triangular", "ste"} {
		cases = append(cases, tc{HetSyn, Subtract, s, "window_ce"})
	}
	cases = append(cases, tc{HetNeuron, Subtract, "multigauss", "window_ce"})
	surs := map[string]Surrogate{"multigauss": MultiGaussian{}, "atan": Atan{}, "fast_sigmoid": FastSigmoid{}, "triangular": Triangular{}, "ste": StraightThrough{}}
	const B, T, I, N, K = 3, 40, 6, 5, 2
	type prepared struct {
		n    *Network
		x    [][][]float64
		loss Loss
	}
	var preps []prepared
	var inputs []map[string]any
	for ci, c := range cases {
		r := rand.New(rand.NewPCG(uint64(ci), 9))
		n, err := New(r, Config{Inputs: I, Neurons: N, Outputs: K, Model: c.model, Reset: c.reset, Surrogate: surs[c.sur], WeightScale: 3, TauR: 15e-3})
		if err != nil {
			t.Fatal(err)
		}
		x := randomSpikes(r, B, T, I, 0.25)
		in := map[string]any{"model": c.model.String(), "reset": c.reset.String(), "theta": 1.0, "rho_r": n.ResetDecay(), "surrogate": c.sur, "x": x}
		params := map[string]any{}
		for _, p := range n.Params() {
			params[p.Name] = matrix(p)
		}
		in["params"] = params
		var loss Loss
		if c.loss == "mse" {
			tg := randomTarget(r, B, T, K)
			loss = MSE{Target: tg}
			in["loss"] = map[string]any{"kind": "mse", "target": tg}
		} else {
			loss = WindowCE{Labels: []int{0, 1, 1}, From: 30}
			in["loss"] = map[string]any{"kind": "window_ce", "labels": []int{0, 1, 1}, "from": 30, "to": 0}
		}
		preps, inputs = append(preps, prepared{n, x, loss}), append(inputs, in)
	}
	var want struct{ Cases []torchOut }
	pyoracle.Run(t, script, map[string]any{"cases": inputs}, &want)
	if len(want.Cases) != len(cases) {
		t.Fatalf("torch answered %d cases of %d", len(want.Cases), len(cases))
	}
	for ci, c := range cases {
		t.Run(fmt.Sprintf("%v/%v/%s/%s", c.model, c.reset, c.sur, c.loss), func(t *testing.T) {
			n, x, loss, want := preps[ci].n, preps[ci].x, preps[ci].loss, want.Cases[ci]
			tr, err := n.Forward(x, 2)
			if err != nil {
				t.Fatal(err)
			}
			spikes := 0
			for b := range x {
				for s := range x[b] {
					for j := 0; j < N; j++ {
						if tr.Spikes[b][s][j] != want.Spikes[b][s][j] {
							t.Fatalf("spike of neuron %d at step %d of element %d: Go %v, torch %v", j, s, b, tr.Spikes[b][s][j], want.Spikes[b][s][j])
						}
						spikes += int(tr.Spikes[b][s][j])
					}
				}
			}
			if spikes < 50 {
				t.Fatalf("only %d spikes", spikes)
			}
			for _, f := range []struct {
				name      string
				got, want [][][]float64
			}{{"v", tr.V, want.V}, {"reset", tr.Reset, want.Reset}, {"y", tr.Out, want.Y}} {
				if d := maxDiff3(f.got, f.want); d > 1e-12 {
					t.Errorf("%s differs from torch by %.3g", f.name, d)
				}
			}
			for _, mode := range []GradMode{Reverse, ForwardDecay} {
				if mode == ForwardDecay && c.model == HetSyn && c.reset == Zero {
					continue
				}
				l, err := n.Gradient(x, loss, &GradSettings{Mode: mode})
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(l-want.Loss) > 1e-12*math.Max(1, math.Abs(want.Loss)) {
					t.Errorf("%v: loss %.15g, torch %.15g", mode, l, want.Loss)
				}
				for _, p := range n.Params() {
					g := want.Grads[p.Name]
					var worst, scale float64
					for rI := 0; rI < p.Rows; rI++ {
						for cI := 0; cI < p.Cols; cI++ {
							worst = math.Max(worst, math.Abs(p.Grad[rI*p.Cols+cI]-g[rI][cI]))
							scale = math.Max(scale, math.Abs(g[rI][cI]))
						}
					}
					t.Logf("%v: ∂L/∂%s: max |Go − torch| = %.2g, largest %.2g", mode, p.Name, worst, scale)
					if scale == 0 || worst > 1e-10*scale {
						t.Errorf("%v: ∂L/∂%s: max |Go − torch| = %.3g, largest %.3g", mode, p.Name, worst, scale)
					}
				}
			}
		})
	}
}

func maxDiff3(a, b [][][]float64) float64 {
	var d float64
	for i := range a {
		for j := range a[i] {
			for k := range a[i][j] {
				d = math.Max(d, math.Abs(a[i][j][k]-b[i][j][k]))
			}
		}
	}
	return d
}
