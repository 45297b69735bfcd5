package plasticity_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/plasticity"
	"github.com/neuronb/neuronb/neuro/train"
)

// resetFixture is a ReLU MLP whose first hidden layer has a neuron with
// zero outgoing weights (1) and a dead neuron (3), after one backward pass
// and one Adam step (so the moments are non-zero).
func resetFixture(t *testing.T) (*train.Net[float64], *train.Adam[float64], *train.Cache[float64], *rand.Rand) {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 5))
	n, err := train.NewNet[float64](rng, 4, train.Dense(6, train.ReLU), train.Dense(5, train.ReLU), train.Dense(2, train.Identity))
	if err != nil {
		t.Fatal(err)
	}
	opt, err := train.NewAdam([]train.Group[float64]{{Params: n.Params()}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	x, tg := randn(rng, 32*4), randn(rng, 32*2)
	step(t, n, x, tg)
	if err := opt.Step(); err != nil {
		t.Fatal(err)
	}
	l0, l1 := n.Layers[0], n.Layers[1]
	l0.B.Value[1] = 2
	for k := 0; k < l1.W.Rows; k++ {
		l1.W.Value[k*l1.W.Cols+1] = 0
	}
	l0.B.Value[3] = -100
	return n, opt, step(t, n, x, tg), rng
}

func snapshot(n *train.Net[float64]) map[string][]float64 {
	s := map[string][]float64{}
	for _, p := range n.Params() {
		s[p.Name] = slices.Clone(p.Value)
		s[p.Name+".grad"] = slices.Clone(p.Grad)
	}
	return s
}

// ReGraMa resets the GraMa-inactive neurons 1 and 3 of layer 0: new
// incoming rows within the He-uniform bound sqrt(6/fan_in), biases within
// 1/sqrt(fan_in), zero gradient rows; everything else (outgoing weights,
// other rows, Adam moments) unchanged.
func TestReGraMaResetsIncomingOnly(t *testing.T) {
	n, opt, c, rng := resetFixture(t)
	before := snapshot(n)
	m0, _, _, err := opt.Moments(n.Layers[0].W)
	if err != nil {
		t.Fatal(err)
	}
	m0 = slices.Clone(m0)
	s := plasticity.ReGraMa()
	s.Tau = 0
	r, err := plasticity.NewResetter(n, opt, s)
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Reset(rng, c)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Layers[0].Neurons, []int{1, 3}) || res.Layers[0].Count != 2 || res.Layers[0].Total != 6 {
		t.Fatalf("layer 0 reset %v (%d of %d), want [1 3] of 6", res.Layers[0].Neurons, res.Layers[0].Count, res.Layers[0].Total)
	}
	l0 := n.Layers[0]
	for i := 0; i < 6; i++ {
		reset := i == 1 || i == 3
		for j := 0; j < 4; j++ {
			v, old := l0.W.Value[i*4+j], before["layer0.W"][i*4+j]
			if reset && (v == old || math.Abs(v) > math.Sqrt(6.0/4)) {
				t.Errorf("W[%d,%d] = %v (was %v): want a fresh He-uniform draw", i, j, v, old)
			}
			if !reset && v != old {
				t.Errorf("W[%d,%d] changed", i, j)
			}
			if g := l0.W.Grad[i*4+j]; reset != (g == 0) {
				t.Errorf("W[%d,%d] gradient %v after reset (reset neuron: %v)", i, j, g, reset)
			}
		}
		if reset && math.Abs(l0.B.Value[i]) > 0.5 {
			t.Errorf("bias %d = %v, want within ±1/sqrt(4)", i, l0.B.Value[i])
		}
	}
	for k := 0; k < 5; k++ {
		if slices.Contains(res.Layers[1].Neurons, k) {
			continue // layer 1's own reset rows
		}
		for _, i := range []int{1, 3} {
			if n.Layers[1].W.Value[k*6+i] != before["layer1.W"][k*6+i] {
				t.Errorf("ReGraMa changed outgoing weight [%d,%d]", k, i)
			}
		}
	}
	m1, _, _, err := opt.Moments(n.Layers[0].W)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m0, m1) {
		t.Error("ReGraMa without ResetMoments changed Adam's moments")
	}
}

// ReDo resets the τ-dormant neuron 3 only (neuron 1 is active by its
// activation): Xavier-uniform incoming row, zero bias, zero outgoing
// column, zero Adam moments of all three; it reports neuron 3 again at the
// next reset when it stays dormant.
func TestReDoZeroesOutgoingAndMoments(t *testing.T) {
	n, opt, c, rng := resetFixture(t)
	before := snapshot(n)
	s := plasticity.ReDo()
	s.Period = 2
	r, err := plasticity.NewResetter(n, opt, s)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := r.Step(rng, c); err != nil || res != nil {
		t.Fatalf("first step: reset %v, error %v; want no reset before the period", res, err)
	}
	res, err := r.Step(rng, c)
	if err != nil {
		t.Fatal(err)
	}
	if res == nil || !slices.Contains(res.Layers[0].Neurons, 3) || slices.Contains(res.Layers[0].Neurons, 1) || res.Step != 2 {
		t.Fatalf("reset %+v, want neuron 3 of layer 0 (not neuron 1) at step 2", res)
	}
	l0, l1 := n.Layers[0], n.Layers[1]
	bound := math.Sqrt(6.0 / (4 + 6))
	for j := 0; j < 4; j++ {
		if v := l0.W.Value[3*4+j]; v == before["layer0.W"][3*4+j] || math.Abs(v) > bound {
			t.Errorf("W[3,%d] = %v, want a fresh Xavier-uniform draw within %v", j, v, bound)
		}
	}
	if l0.B.Value[3] != 0 {
		t.Errorf("bias 3 = %v, want 0", l0.B.Value[3])
	}
	mW, vW, _ := mustMoments(t, opt, l0.W)
	mO, vO, _ := mustMoments(t, opt, l1.W)
	for j := 0; j < 4; j++ {
		if mW[3*4+j] != 0 || vW[3*4+j] != 0 {
			t.Errorf("Adam moments of W[3,%d] not zeroed", j)
		}
	}
	for k := 0; k < 5; k++ {
		if l1.W.Value[k*6+3] != 0 || mO[k*6+3] != 0 || vO[k*6+3] != 0 {
			t.Errorf("outgoing weight [%d,3] = %v with moments %v, %v; want all 0", k, l1.W.Value[k*6+3], mO[k*6+3], vO[k*6+3])
		}
		if !slices.Contains(res.Layers[1].Neurons, k) && l1.W.Value[k*6+1] != before["layer1.W"][k*6+1] {
			t.Errorf("outgoing weight [%d,1] of a neuron not reset changed", k)
		}
	}
	l0.B.Value[3] = -100 // make it dead again, rescore on a fresh pass
	x := make([]float64, 32*4)
	c2 := step(t, n, x, make([]float64, 64))
	if _, err := r.Step(rng, c2); err != nil {
		t.Fatal(err)
	}
	res2, err := r.Step(rng, c2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res2.Layers[0].Again, 3) {
		t.Errorf("the log of neurons dormant again after a reset is %v, want it to hold 3", res2.Layers[0].Again)
	}
	if len(r.Log()) != 2 {
		t.Errorf("log has %d resets, want 2", len(r.Log()))
	}
}

func mustMoments(t *testing.T, opt *train.Adam[float64], p *train.Param[float64]) ([]float64, []float64, int) {
	t.Helper()
	m, v, s, err := opt.Moments(p)
	if err != nil {
		t.Fatal(err)
	}
	return m, v, s
}

// Percentage resets the ⌊f·H⌋ lowest raw scores; Hybrid caps the
// threshold mask at ⌊f·H⌋, lowest first.
func TestPercentageAndHybridMasks(t *testing.T) {
	n, opt, c, rng := resetFixture(t)
	s := plasticity.ReGraMa()
	s.Mask, s.Fraction, s.Tau = plasticity.Hybrid, 0.2, 0 // cap ⌊1.2⌋ = 1 of the two zero scores
	r, err := plasticity.NewResetter(n, opt, s)
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Reset(rng, c)
	if err != nil {
		t.Fatal(err)
	}
	if res.Layers[0].Count != 1 {
		t.Errorf("hybrid mask capped at 20%% of 6 reset %v", res.Layers[0].Neurons)
	}
	n2, opt2, c2, rng2 := resetFixture(t)
	sc, err := plasticity.Score(n2, c2, plasticity.GraMa, 0)
	if err != nil {
		t.Fatal(err)
	}
	s.Mask, s.Fraction = plasticity.Percentage, 0.5
	r2, err := plasticity.NewResetter(n2, opt2, s)
	if err != nil {
		t.Fatal(err)
	}
	res2, err := r2.Reset(rng2, c2)
	if err != nil {
		t.Fatal(err)
	}
	raw := sc.Layers[1].Raw
	got := res2.Layers[1].Neurons
	if len(got) != 2 { // ⌊0.5·5⌋
		t.Fatalf("percentage mask reset %v in layer 1, want 2 neurons", got)
	}
	for i := range raw {
		if !slices.Contains(got, i) {
			for _, k := range got {
				if raw[i] < raw[k] {
					t.Errorf("neuron %d (raw %v) kept while %d (raw %v) was reset", i, raw[i], k, raw[k])
				}
			}
		}
	}
}

// Bad input gives an error naming what is wrong, and resets nothing.
func TestResetBadInput(t *testing.T) {
	n, opt, c, rng := resetFixture(t)
	before := snapshot(n)
	bad := func(f func(*plasticity.ResetSettings)) error {
		s := plasticity.ReDo()
		f(&s)
		_, err := plasticity.NewResetter(n, opt, s)
		return err
	}
	r, err := plasticity.NewResetter(n, opt, plasticity.ReDo())
	if err != nil {
		t.Fatal(err)
	}
	_, errEmpty := r.Reset(rng, n.NewCache())
	n.Layers[1].W.Grad[0] = math.NaN()
	rg, err := plasticity.NewResetter(n, nil, plasticity.ReGraMa())
	if err != nil {
		t.Fatal(err)
	}
	_, errNaN := rg.Reset(rng, c)
	other, err := train.NewAdam([]train.Group[float64]{{Params: n.Params()[:2]}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, errOpt := plasticity.NewResetter(n, other, plasticity.ReDo())
	for _, e := range []struct {
		err  error
		want string
	}{
		{bad(func(s *plasticity.ResetSettings) { s.Period = 0 }), "Period = 0"},
		{bad(func(s *plasticity.ResetSettings) { s.Tau = -1 }), "Tau = -1"},
		{bad(func(s *plasticity.ResetSettings) { s.Mask, s.Fraction = plasticity.Hybrid, 0 }), "Fraction = 0"},
		{func() error { _, err := plasticity.NewResetter(n, nil, plasticity.ReDo()); return err }(), "ResetMoments needs the optimizer"},
		{errOpt, `"layer1.W" is not optimised here`},
		{errEmpty, "batch of size 0"},
		{errNaN, "gradient of layer1.W[0, 0] is NaN"},
	} {
		if e.err == nil || !strings.Contains(e.err.Error(), e.want) {
			t.Errorf("error %v, want %q", e.err, e.want)
		}
	}
	n.Layers[1].W.Grad[0] = before["layer1.W.grad"][0]
	after := snapshot(n)
	for k, v := range before {
		if !slices.Equal(v, after[k]) {
			t.Errorf("%s changed after failed resets", k)
		}
	}
}
