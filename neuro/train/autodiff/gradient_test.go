package autodiff_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	gomlxtrain "github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/neuronb/neuronb/neuro/train"
	"github.com/neuronb/neuronb/neuro/train/autodiff"
)

// mlp is a one-hidden-layer tanh network y = W2·tanh(W1·x + b1) + b2 with
// loss ½ mean_n ‖y_n − t_n‖², small enough for explicit gradient code.
type mlp struct {
	in, hidden, out int
	w1, b1, w2, b2  *train.Param[float64]
}

func newMLP(rng *rand.Rand, in, hidden, out int) *mlp {
	m := &mlp{in: in, hidden: hidden, out: out,
		w1: train.NewParam[float64]("w1", hidden, in), b1: train.NewParam[float64]("b1", 1, hidden),
		w2: train.NewParam[float64]("w2", out, hidden), b2: train.NewParam[float64]("b2", 1, out)}
	for _, p := range m.params() {
		for i := range p.Value {
			p.Value[i] = rng.NormFloat64() / math.Sqrt(float64(p.Cols))
		}
	}
	return m
}

func (m *mlp) params() []*train.Param[float64] {
	return []*train.Param[float64]{m.w1, m.b1, m.w2, m.b2}
}

// lossAndGrad is the explicit gradient code: the forward pass, then the
// chain rule by hand. x is [n, in], t [n, out], row-major.
func (m *mlp) lossAndGrad(x, t []float64, n int) float64 {
	h := make([]float64, n*m.hidden)
	loss := 0.0
	for _, p := range m.params() {
		p.ZeroGrad()
	}
	for r := 0; r < n; r++ {
		hr := h[r*m.hidden : (r+1)*m.hidden]
		for j := range hr {
			z := m.b1.Value[j]
			for k := 0; k < m.in; k++ {
				z += m.w1.Value[j*m.in+k] * x[r*m.in+k]
			}
			hr[j] = math.Tanh(z)
		}
		dh := make([]float64, m.hidden)
		for o := 0; o < m.out; o++ {
			y := m.b2.Value[o]
			for j := range hr {
				y += m.w2.Value[o*m.hidden+j] * hr[j]
			}
			e := y - t[r*m.out+o]
			loss += 0.5 * e * e / float64(n)
			g := e / float64(n)
			m.b2.Grad[o] += g
			for j := range hr {
				m.w2.Grad[o*m.hidden+j] += g * hr[j]
				dh[j] += g * m.w2.Value[o*m.hidden+j]
			}
		}
		for j := range hr {
			dz := dh[j] * (1 - hr[j]*hr[j])
			m.b1.Grad[j] += dz
			for k := 0; k < m.in; k++ {
				m.w1.Grad[j*m.in+k] += dz * x[r*m.in+k]
			}
		}
	}
	return loss
}

// graphLoss is the same network and loss built from GoMLX nodes.
func graphLoss(params, inputs []*graph.Node) *graph.Node {
	w1, b1, w2, b2 := params[0], params[1], params[2], params[3]
	x, t := inputs[0], inputs[1]
	h := graph.Tanh(graph.Add(autodiff.Dot(x, []int{1}, nil, w1, []int{1}, nil), b1))
	e := graph.Sub(graph.Add(autodiff.Dot(h, []int{1}, nil, w2, []int{1}, nil), b2), t)
	n := float64(x.Shape().Dimensions[0])
	return graph.MulScalar(graph.ReduceAllSum(graph.Square(e)), 0.5/n)
}

func data(rng *rand.Rand, n, in, out int) ([]float64, []float64) {
	x, t := make([]float64, n*in), make([]float64, n*out)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	for i := range t {
		t[i] = math.Sin(float64(i))
	}
	return x, t
}

func backend(t *testing.T) backends.Backend {
	t.Helper()
	b, err := autodiff.Backend()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Finalize)
	return b
}

// Oracles: central finite differences of the explicit loss, and the
// explicit gradient code, on a 3-4-2 network with 5 examples (float64).
func TestGradientMatchesFiniteDifferencesAndExplicitCode(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m := newMLP(rng, 3, 4, 2)
	x, tg := data(rng, 5, 3, 2)
	grad, err := autodiff.NewGradient(backend(t), m.params(), graphLoss)
	if err != nil {
		t.Fatal(err)
	}
	loss, err := grad.Eval(tensors.FromFlatDataAndDimensions(x, 5, 3), tensors.FromFlatDataAndDimensions(tg, 5, 2))
	if err != nil {
		t.Fatal(err)
	}
	var fromGoMLX [][]float64
	for _, p := range m.params() {
		fromGoMLX = append(fromGoMLX, append([]float64(nil), p.Grad...))
	}
	explicit := m.lossAndGrad(x, tg, 5)
	if math.Abs(loss-explicit) > 1e-14 {
		t.Errorf("loss %v, explicit %v", loss, explicit)
	}
	var byHand [][]float64
	for _, p := range m.params() {
		byHand = append(byHand, append([]float64(nil), p.Grad...))
	}
	const h = 1e-6
	worstFD, worstExplicit := 0.0, 0.0
	for k, p := range m.params() {
		for i := range p.Value {
			if d := math.Abs(fromGoMLX[k][i] - byHand[k][i]); d > worstExplicit {
				worstExplicit = d
			}
			v := p.Value[i]
			p.Value[i] = v + h
			up := m.lossAndGrad(x, tg, 5)
			p.Value[i] = v - h
			down := m.lossAndGrad(x, tg, 5)
			p.Value[i] = v
			if d := math.Abs(fromGoMLX[k][i] - (up-down)/(2*h)); d > worstFD {
				worstFD = d
			}
		}
	}
	t.Logf("max |GoMLX − explicit| = %.1e, max |GoMLX − finite difference| = %.1e", worstExplicit, worstFD)
	if worstExplicit > 1e-13 || worstFD > 1e-8 {
		t.Errorf("GoMLX gradient differs from explicit code by %v and from finite differences by %v", worstExplicit, worstFD)
	}
}

// adamTrajectory runs 30 steps of train.Adam (ε = 1e-7, GoMLX's default)
// with gradients from fill and returns the final parameters.
func adamTrajectory(t *testing.T, m *mlp, fill func() error) [][]float64 {
	t.Helper()
	opt, err := train.NewAdam([]train.Group[float64]{{Params: m.params()}}, &train.AdamSettings{LR: 0.05, Eps: 1e-7})
	if err != nil {
		t.Fatal(err)
	}
	for step := 0; step < 30; step++ {
		if err := fill(); err != nil {
			t.Fatal(err)
		}
		if err := opt.Step(); err != nil {
			t.Fatal(err)
		}
	}
	var out [][]float64
	for _, p := range m.params() {
		out = append(out, append([]float64(nil), p.Value...))
	}
	return out
}

// goMLXAdam runs 30 steps of GoMLX's own trainer and Adam from m's values.
func goMLXAdam(t *testing.T, b backends.Backend, m *mlp, x, tg *tensors.Tensor) [][]float64 {
	t.Helper()
	ctx := context.New()
	vars := make([]*context.Variable, 4)
	for i, p := range m.params() {
		vars[i] = ctx.VariableWithValue(p.Name, tensors.FromFlatDataAndDimensions(append([]float64(nil), p.Value...), p.Rows, p.Cols))
	}
	model := func(ctx *context.Context, _ any, in []*graph.Node) []*graph.Node {
		ps := make([]*graph.Node, 4)
		for i, v := range vars {
			ps[i] = v.ValueGraph(in[0].Graph())
		}
		return []*graph.Node{graphLoss(ps, in)}
	}
	identity := func(_, pred []*graph.Node) *graph.Node { return pred[0] }
	tr := gomlxtrain.NewTrainer(b, ctx, model, identity, optimizers.Adam().LearningRate(0.05).Done(), nil, nil)
	for step := 0; step < 30; step++ {
		if _, err := tr.TrainStep(nil, []*tensors.Tensor{x, tg}, nil); err != nil {
			t.Fatal(err)
		}
	}
	var out [][]float64
	for _, v := range vars {
		val, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		f, err := tensors.CopyFlatData[float64](val)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

// Oracles: the trajectory of train.Adam fed by explicit gradient code, and
// that of GoMLX's own trainer and Adam (optimizers.Adam, ε = 1e-7,
// updating in the graph). 30 steps from the same start on the same data,
// float64: the GoMLX-gradient route with train.Adam follows both.
func TestAdamOnGoMLXGradientsFollowsBothRoutes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	start := newMLP(rng, 3, 4, 2)
	x, tg := data(rng, 6, 3, 2)
	xt, tt := tensors.FromFlatDataAndDimensions(x, 6, 3), tensors.FromFlatDataAndDimensions(tg, 6, 2)
	clone := func() *mlp {
		m := newMLP(rng, 3, 4, 2)
		for i, p := range m.params() {
			copy(p.Value, start.params()[i].Value)
		}
		return m
	}
	b := backend(t)
	viaGoMLX := clone()
	grad, err := autodiff.NewGradient(b, viaGoMLX.params(), graphLoss)
	if err != nil {
		t.Fatal(err)
	}
	got := adamTrajectory(t, viaGoMLX, func() error { _, err := grad.Eval(xt, tt); return err })
	explicit := clone()
	want := adamTrajectory(t, explicit, func() error { explicit.lossAndGrad(x, tg, 6); return nil })
	own := goMLXAdam(t, b, clone(), xt, tt)
	worstExplicit, worstOwn, moved := 0.0, 0.0, 0.0
	for k := range want {
		for i := range want[k] {
			worstExplicit = math.Max(worstExplicit, math.Abs(got[k][i]-want[k][i]))
			worstOwn = math.Max(worstOwn, math.Abs(got[k][i]-own[k][i]))
			moved = math.Max(moved, math.Abs(got[k][i]-start.params()[k].Value[i]))
		}
	}
	t.Logf("after 30 steps (parameters moved up to %.2f): max |Δ| vs explicit gradients %.1e, vs GoMLX's Adam %.1e", moved, worstExplicit, worstOwn)
	if worstExplicit > 1e-10 || worstOwn > 1e-9 || moved < 0.1 {
		t.Errorf("trajectories differ: %v from the explicit route, %v from GoMLX's Adam (moved %v)", worstExplicit, worstOwn, moved)
	}
}

func TestNewGradientRejectsBadInput(t *testing.T) {
	b := backend(t)
	p := train.NewParam[float64]("p", 1, 2)
	if _, err := autodiff.NewGradient[float64](b, nil, graphLoss); err == nil {
		t.Error("no parameters should be refused")
	}
	if _, err := autodiff.NewGradient(b, []*train.Param[float64]{p, p}, graphLoss); err == nil {
		t.Error("a repeated parameter should be refused")
	}
	g, err := autodiff.NewGradient(b, []*train.Param[float64]{p}, func(ps, _ []*graph.Node) *graph.Node { return ps[0] })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Eval(); err == nil {
		t.Error("a non-scalar loss should be reported")
	}
}
