package plasticity_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/plasticity"
	"github.com/neuronb/neuronb/neuro/train"
)

func randn(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// lossGrad is L = ½ Σ (y − t)², dL/dy = y − t.
func lossGrad(y, t []float64) (float64, []float64) {
	d := make([]float64, len(y))
	var l float64
	for i := range y {
		d[i] = y[i] - t[i]
		l += 0.5 * d[i] * d[i]
	}
	return l, d
}

// step runs forward and backward on a batch and returns the cache.
func step(t *testing.T, n *train.Net[float64], x, target []float64) *train.Cache[float64] {
	t.Helper()
	c := n.NewCache()
	y, err := n.Forward(c, x)
	if err != nil {
		t.Fatal(err)
	}
	_, dy := lossGrad(y, target)
	n.ZeroGrad()
	if _, err := n.Backward(c, dy); err != nil {
		t.Fatal(err)
	}
	return c
}

func score(t *testing.T, n *train.Net[float64], c *train.Cache[float64], m plasticity.Metric, tau float64) *plasticity.Scores {
	t.Helper()
	s, err := plasticity.Score(n, c, m, tau)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The paper's observation as a deterministic fact (issue 15, demonstration
// 1). In a ReLU MLP, neuron 1 of the first hidden layer has all its
// outgoing weights set to zero and a positive bias: its activation is
// large, so the τ-dormant score calls it active, but no gradient reaches
// it, so GraMa (both forms) calls it inactive, with a raw score of exactly
// zero. Neuron 3 has a bias of −100, a dead ReLU: both metrics flag it.
func TestZeroOutgoingWeightsSplitTheMetrics(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	n, err := train.NewNet[float64](rng, 4, train.Dense(6, train.ReLU), train.Dense(5, train.ReLU), train.Dense(2, train.Identity))
	if err != nil {
		t.Fatal(err)
	}
	l0, l1 := n.Layers[0], n.Layers[1]
	l0.B.Value[1] = 2
	for k := 0; k < l1.W.Rows; k++ {
		l1.W.Value[k*l1.W.Cols+1] = 0
	}
	l0.B.Value[3] = -100
	c := step(t, n, randn(rng, 32*4), randn(rng, 32*2))
	dormant := score(t, n, c, plasticity.TauDormant, 0.1).Layers[0]
	if slices.Contains(dormant.Inactive, 1) || !(dormant.Score[1] > 1) {
		t.Errorf("τ-dormant: neuron 1 (zero outgoing weights) has score %.3f, inactive %v; want active", dormant.Score[1], dormant.Inactive)
	}
	if dormant.Raw[3] != 0 || !slices.Contains(dormant.Inactive, 3) {
		t.Errorf("τ-dormant: the dead ReLU has raw score %v, inactive %v; want 0 and flagged", dormant.Raw[3], dormant.Inactive)
	}
	for _, m := range []plasticity.Metric{plasticity.GraMa, plasticity.GraMaPreAct} {
		g := score(t, n, c, m, 0).Layers[0]
		if g.Raw[1] != 0 || g.Raw[3] != 0 || !slices.Equal(g.Inactive, []int{1, 3}) {
			t.Errorf("%v at τ = 0: raw scores of neurons 1 and 3 are %v and %v, inactive %v; want both exactly 0 and [1 3]", m, g.Raw[1], g.Raw[3], g.Inactive)
		}
	}
}

// The same split in a LayerNorm residual network (BRO/SimBa blocks): the
// residual block's unit 2 has its outgoing weights (column 2 of W₂) set to
// zero and a LayerNorm shift of 1, so its activation stays O(1) and
// τ-dormant calls it active, while GraMa (the LayerNorm gain's gradient,
// as the authors score LayerNorm layers) and the pre-activation form are
// exactly zero. Unit 4 is dead (shift −5, gain 0.1): both flag it. The
// rows of W₁ of unit 2 keep a gradient: LayerNorm couples the units.
func TestLayerNormResidualSplitsTheMetrics(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	n, err := train.NewNet[float64](rng, 4, train.DenseNorm(6, train.ReLU), train.Residual(5, train.ReLU), train.Norm(), train.Dense(2, train.Identity))
	if err != nil {
		t.Fatal(err)
	}
	r := n.Layers[1]
	r.Shift.Value[2] = 1
	for k := 0; k < r.W2.Rows; k++ {
		r.W2.Value[k*r.W2.Cols+2] = 0
	}
	r.Shift.Value[4], r.Gain.Value[4] = -5, 0.1
	c := step(t, n, randn(rng, 32*4), randn(rng, 32*2))
	dormant := score(t, n, c, plasticity.TauDormant, 0.1).Layers[1]
	if slices.Contains(dormant.Inactive, 2) || !(dormant.Score[2] > 1) {
		t.Errorf("τ-dormant: unit 2 (zero outgoing weights) has score %.3f, inactive %v; want active", dormant.Score[2], dormant.Inactive)
	}
	if !slices.Contains(dormant.Inactive, 4) {
		t.Errorf("τ-dormant: the dead unit is not flagged: %v", dormant.Inactive)
	}
	for _, m := range []plasticity.Metric{plasticity.GraMa, plasticity.GraMaPreAct} {
		g := score(t, n, c, m, 0).Layers[1]
		if g.Raw[2] != 0 || g.Raw[4] != 0 || !slices.Equal(g.Inactive, []int{2, 4}) {
			t.Errorf("%v at τ = 0: raw scores %v, inactive %v; want units 2 and 4 exactly 0", m, g.Raw, g.Inactive)
		}
	}
	var w1 float64
	for _, v := range r.W.Grad[2*r.In : 3*r.In] {
		w1 += math.Abs(v)
	}
	if w1 == 0 {
		t.Errorf("the W₁ row of unit 2 has no gradient; LayerNorm's coupling should give it one")
	}
}

// Oracle: GraMa's raw scores from gradients taken by central finite
// differences (h = 1e-6): the mean |∂L/∂W_ij| over each neuron's row, and
// |∂L/∂γ_i| in a LayerNorm layer; the pre-activation form from per-sample
// finite differences of the bias (∂L/∂b_i for one sample is ∂L/∂z_i).
func TestGraMaMatchesFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	n, err := train.NewNet[float64](rng, 3, train.Dense(5, train.Tanh), train.DenseNorm(4, train.SiLU), train.Dense(2, train.Identity))
	if err != nil {
		t.Fatal(err)
	}
	const batch, h = 6, 1e-6
	x, tg := randn(rng, batch*3), randn(rng, batch*2)
	c := step(t, n, x, tg)
	lossAt := func(x, tg []float64) float64 {
		y, err := n.Forward(n.NewCache(), x)
		if err != nil {
			t.Fatal(err)
		}
		l, _ := lossGrad(y, tg)
		return l
	}
	fd := func(v *float64, x, tg []float64) float64 {
		old := *v
		*v = old + h
		lp := lossAt(x, tg)
		*v = old - h
		lm := lossAt(x, tg)
		*v = old
		return (lp - lm) / (2 * h)
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: %.9g, finite differences %.9g", what, got, want)
		}
	}
	g := score(t, n, c, plasticity.GraMa, 0.1)
	l0 := n.Layers[0]
	for i := 0; i < 5; i++ {
		var want float64
		for j := 0; j < 3; j++ {
			want += math.Abs(fd(&l0.W.Value[i*3+j], x, tg)) / 3
		}
		near(fmt.Sprintf("GraMa layer0[%d]", i), g.Layers[0].Raw[i], want)
	}
	for i := 0; i < 4; i++ {
		near(fmt.Sprintf("GraMa layer1[%d] (LayerNorm gain)", i), g.Layers[1].Raw[i], math.Abs(fd(&n.Layers[1].Gain.Value[i], x, tg)))
	}
	p := score(t, n, c, plasticity.GraMaPreAct, 0.1)
	for i := 0; i < 5; i++ {
		var want float64
		for b := 0; b < batch; b++ {
			want += math.Abs(fd(&l0.B.Value[i], x[b*3:(b+1)*3], tg[b*2:(b+1)*2])) / batch
		}
		near(fmt.Sprintf("GraMaPreAct layer0[%d]", i), p.Layers[0].Raw[i], want)
	}
	for i := 0; i < 4; i++ { // after LayerNorm, the gradient at LN's output u: ∂L/∂β_i for one sample
		var want float64
		for b := 0; b < batch; b++ {
			want += math.Abs(fd(&n.Layers[1].Shift.Value[i], x[b*3:(b+1)*3], tg[b*2:(b+1)*2])) / batch
		}
		near(fmt.Sprintf("GraMaPreAct layer1[%d]", i), p.Layers[1].Raw[i], want)
	}
	// τ-dormant from the activations, recomputed here by hand for layer 0.
	d := score(t, n, c, plasticity.TauDormant, 0.1).Layers[0]
	var mean float64
	raw := make([]float64, 5)
	for i := range raw {
		for b := 0; b < batch; b++ {
			var z float64
			for j := 0; j < 3; j++ {
				z += l0.W.Value[i*3+j] * x[b*3+j]
			}
			raw[i] += math.Abs(math.Tanh(z+l0.B.Value[i])) / batch
		}
		mean += raw[i] / 5
	}
	for i := range raw {
		near(fmt.Sprintf("τ-dormant score layer0[%d]", i), d.Score[i], raw[i]/(mean+1e-9))
	}
}

func TestScoreBadInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	n, err := train.NewNet[float64](rng, 3, train.Dense(4, train.ReLU), train.Dense(1, train.Identity))
	if err != nil {
		t.Fatal(err)
	}
	other, err := train.NewNet[float64](rng, 3, train.Dense(5, train.ReLU), train.Dense(1, train.Identity))
	if err != nil {
		t.Fatal(err)
	}
	one, err := train.NewNet[float64](rng, 3, train.Dense(1, train.ReLU), train.Dense(1, train.Identity))
	if err != nil {
		t.Fatal(err)
	}
	c := step(t, n, randn(rng, 6), randn(rng, 2))
	nanX := randn(rng, 6)
	nanX[4] = math.NaN()
	cNaN := n.NewCache()
	if _, err := n.Forward(cNaN, nanX); err != nil {
		t.Fatal(err)
	}
	errOf := func(_ *plasticity.Scores, err error) error { return err }
	cOther := step(t, other, randn(rng, 6), randn(rng, 2))
	cOne := step(t, one, randn(rng, 6), randn(rng, 2))
	n.Layers[0].W.Grad[5] = math.Inf(1)
	for _, e := range []struct {
		err  error
		want string
	}{
		{errOf(plasticity.Score(n, n.NewCache(), plasticity.TauDormant, 0.1)), "batch of size 0"},
		{errOf(plasticity.Score(n, c, plasticity.TauDormant, -0.1)), "tau = -0.1"},
		{errOf(plasticity.Score(n, c, plasticity.TauDormant, math.NaN())), "tau = NaN"},
		{errOf(plasticity.Score(n, cNaN, plasticity.TauDormant, 0.1)), "activation of sample 1, neuron"},
		{errOf(plasticity.Score(n, c, plasticity.GraMa, 0.1)), "gradient of layer0.W[1, 2] is +Inf"},
		{errOf(plasticity.Score(n, cOther, plasticity.TauDormant, 0.1)), "not a Forward of this network"},
		{errOf(plasticity.Score(one, cOne, plasticity.TauDormant, 0.1)), "layer0 has 1 neuron"},
		{errOf(plasticity.Score(n, c, plasticity.Metric(9), 0.1)), "metric Metric(9)"},
	} {
		if e.err == nil || !strings.Contains(e.err.Error(), e.want) {
			t.Errorf("error %v, want %q", e.err, e.want)
		}
	}
}

// A neuron whose outgoing weights are zero: active by its activation,
// inactive by its gradient.
func ExampleScore() {
	rng := rand.New(rand.NewPCG(1, 1))
	net, err := train.NewNet[float64](rng, 4, train.Dense(6, train.ReLU), train.Dense(1, train.Identity))
	if err != nil {
		fmt.Println(err)
		return
	}
	net.Layers[0].B.Value[2] = 1   // neuron 2 fires...
	net.Layers[1].W.Value[2] = 0   // ...but nothing reads it
	net.Layers[0].B.Value[5] = -50 // neuron 5 is a dead ReLU
	x, y := make([]float64, 64*4), make([]float64, 64)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	cache := net.NewCache()
	out, err := net.Forward(cache, x)
	if err != nil {
		fmt.Println(err)
		return
	}
	dy := make([]float64, len(out))
	for b := range out {
		dy[b] = out[b] - y[b] // gradient of ½ Σ (out − y)²
	}
	if _, err := net.Backward(cache, dy); err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range []plasticity.Metric{plasticity.TauDormant, plasticity.GraMa} {
		s, err := plasticity.Score(net, cache, m, 0.1)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-11v inactive neurons %v\n", m, s.Layers[0].Inactive)
	}
	// Output:
	// tau-dormant inactive neurons [5]
	// GraMa       inactive neurons [2 5]
}
