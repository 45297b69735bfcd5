package snn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// randomSpikes returns B × T × n Bernoulli(p) spikes.
func randomSpikes(r *rand.Rand, B, T, n int, p float64) [][][]float64 {
	x := make([][][]float64, B)
	for b := range x {
		x[b] = make([][]float64, T)
		for t := range x[b] {
			x[b][t] = make([]float64, n)
			for i := range x[b][t] {
				if r.Float64() < p {
					x[b][t][i] = 1
				}
			}
		}
	}
	return x
}

func randomTarget(r *rand.Rand, B, T, K int) [][][]float64 {
	y := make([][][]float64, B)
	for b := range y {
		y[b] = make([][]float64, T)
		for t := range y[b] {
			y[b][t] = make([]float64, K)
			for k := range y[b][t] {
				y[b][t][k] = r.NormFloat64()
			}
		}
	}
	return y
}

// meanLoss evaluates the batch loss by a forward run only.
func meanLoss(t testing.TB, n *Network, x [][][]float64, loss Loss) float64 {
	t.Helper()
	tr, err := n.Forward(x, 1)
	if err != nil {
		t.Fatal(err)
	}
	var s float64
	for b, y := range tr.Out {
		g := make([][]float64, len(y))
		for i := range g {
			g[i] = make([]float64, len(y[i]))
		}
		s += loss.Element(b, y, g)
	}
	return s / float64(len(tr.Out))
}

// smallNet is a network of 3 inputs, 4 neurons and 2 readouts whose
// weights are large enough for the neurons to cross threshold often.
func smallNet(t testing.TB, seed uint64, model Model, reset ResetMode, sur Surrogate) *Network {
	t.Helper()
	n, err := New(rand.New(rand.NewPCG(seed, 1)), Config{Inputs: 3, Neurons: 4, Outputs: 2, Model: model, Reset: reset,
		Surrogate: sur, WeightScale: 3, TauR: 7e-3})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n.WOut.Value {
		n.WOut.Value[i] *= 0.05 // readouts of order 1, where no softmax saturates
	}
	return n
}

// Oracle: central finite differences of the loss in smooth mode (H
// replaced by a logistic sigmoid, whose derivative the backward pass then
// uses exactly), for every parameter of every model and reset mode, with
// MSE, window cross-entropy and the authors' summed-softmax loss.
func TestGradientMatchesFiniteDifferencesInSmoothMode(t *testing.T) {
	const B, T = 2, 25
	for _, model := range Models {
		for _, reset := range []ResetMode{Subtract, Zero, None} {
			for li, lossName := range []string{"MSE", "WindowCE", "SumSoftmaxCE"} {
				t.Run(fmt.Sprintf("%v/%v/%s", model, reset, lossName), func(t *testing.T) {
					seed := uint64(10*int(model) + int(reset) + 100*li)
					r := rand.New(rand.NewPCG(seed, 2))
					n := smallNet(t, seed, model, reset, Smooth{Slope: 3})
					x := randomSpikes(r, B, T, 3, 0.3)
					var loss Loss
					switch lossName {
					case "MSE":
						loss = MSE{Target: randomTarget(r, B, T, 2)}
					case "WindowCE":
						loss = WindowCE{Labels: []int{0, 1}, From: 15}
					default:
						loss = SumSoftmaxCE{Labels: []int{1, 0}, Skip: 11}
					}
					for _, mode := range []GradMode{Reverse, ForwardDecay} {
						if mode == ForwardDecay && model == HetSyn && reset == Zero {
							continue
						}
						if _, err := n.Gradient(x, loss, &GradSettings{Mode: mode}); err != nil {
							t.Fatal(err)
						}
						checkFiniteDifferences(t, n, x, loss, mode, 1e-7)
					}
				})
			}
		}
	}
}

// checkFiniteDifferences compares every parameter's Grad with central
// differences of step h and requires max |g − fd| ≤ 1e-6·max(1, max|fd|)
// per parameter.
func checkFiniteDifferences(t *testing.T, n *Network, x [][][]float64, loss Loss, mode GradMode, h float64) {
	t.Helper()
	for _, p := range n.Params() {
		var worst, scale float64
		for i := range p.Value {
			v := p.Value[i]
			p.Value[i] = v + h
			lp := meanLoss(t, n, x, loss)
			p.Value[i] = v - h
			lm := meanLoss(t, n, x, loss)
			p.Value[i] = v
			fd := (lp - lm) / (2 * h)
			worst = math.Max(worst, math.Abs(p.Grad[i]-fd))
			scale = math.Max(scale, math.Abs(fd))
		}
		t.Logf("%v: %s: max |BPTT − finite difference| = %.2g, largest gradient %.2g", mode, p.Name, worst, scale)
		if worst > 1e-6*math.Max(1, scale) || scale == 0 {
			t.Errorf("%v: %s: max |BPTT − finite difference| = %.3g (largest gradient %.3g)", mode, p.Name, worst, scale)
		}
	}
}

// Oracle: the forward-mode decay gradient is the reverse-mode one summed
// in another order; they must agree to 1e-9 (relative) with the
// authors' multi-Gaussian surrogate and binary spikes, for HetSyn's
// per-synapse decays and for every model.
func TestForwardModeDecaysMatchReverse(t *testing.T) {
	for _, model := range Models {
		for _, reset := range []ResetMode{Subtract, None, Zero} {
			if model == HetSyn && reset == Zero {
				continue
			}
			r := rand.New(rand.NewPCG(7, uint64(model)))
			n, err := New(r, Config{Inputs: 20, Neurons: 30, Outputs: 3, Model: model, Reset: reset, WeightScale: 4})
			if err != nil {
				t.Fatal(err)
			}
			x := randomSpikes(r, 3, 200, 20, 0.05)
			loss := MSE{Target: randomTarget(r, 3, 200, 3)}
			if _, err := n.Gradient(x, loss, &GradSettings{Mode: Reverse}); err != nil {
				t.Fatal(err)
			}
			want := n.Clone()
			if _, err := n.Gradient(x, loss, &GradSettings{Mode: ForwardDecay, Workers: 2}); err != nil {
				t.Fatal(err)
			}
			for k, p := range n.Params() {
				q := want.Params()[k]
				var worst, scale float64
				for i := range p.Grad {
					worst = math.Max(worst, math.Abs(p.Grad[i]-q.Grad[i]))
					scale = math.Max(scale, math.Abs(q.Grad[i]))
				}
				t.Logf("%v/%v: %s: max |forward − reverse| / largest = %.2g", model, reset, p.Name, worst/scale)
				if scale == 0 || worst > 1e-9*scale {
					t.Errorf("%v/%v: %s: max |forward − reverse| = %.3g, largest gradient %.3g", model, reset, p.Name, worst, scale)
				}
			}
		}
	}
}
