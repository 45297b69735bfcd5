package snn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Oracle: the Poisson process's probability of at least one event in a
// bin, 1 − exp(−λ·dt); the empirical rate of 200 000 bins must lie within
// 5 binomial standard errors.
func TestPoissonBinProbability(t *testing.T) {
	x, err := Poisson(rand.New(rand.NewPCG(1, 1)), []float64{20, 200}, 100000, 1e-3)
	if err != nil {
		t.Fatal(err)
	}
	for i, rate := range []float64{20, 200} {
		p := 1 - math.Exp(-rate*1e-3)
		var k float64
		for _, row := range x {
			k += row[i]
		}
		n := float64(len(x))
		if se := math.Sqrt(p * (1 - p) / n); math.Abs(k/n-p) > 5*se {
			t.Errorf("rate %v Hz: spike fraction %.5f, want %.5f ± %.5f", rate, k/n, p, 5*se)
		}
	}
}

// Latency puts one spike at round((1 − v)(T − 1)); FlipNoise with
// probability 1 turns every bin on or off; Stretch by 2 moves spike t to 2t.
func TestEncodersExact(t *testing.T) {
	x, err := Latency([]float64{0.75, 0.3, 0}, 9, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{2, 6, -1} {
		for s := range x {
			if (x[s][i] == 1) != (s == want) {
				t.Errorf("channel %d: spike at step %d is %v, want its only spike at %d", i, s, x[s][i], want)
			}
		}
	}
	r := rand.New(rand.NewPCG(2, 2))
	on, err := FlipNoise(r, x, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	off, err := FlipNoise(r, x, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	for s := range x {
		for i := range x[s] {
			if on[s][i] != 1 || off[s][i] != 0 {
				t.Fatalf("bin %d,%d: all-on gives %v, all-off %v", s, i, on[s][i], off[s][i])
			}
		}
	}
	st, err := Stretch([][]float64{{1, 0}, {0, 1}, {1, 1}}, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{1, 0}, {0, 0}, {0, 1}, {0, 0}, {1, 1}, {0, 0}}
	for s := range want {
		for i := range want[s] {
			if st[s][i] != want[s][i] {
				t.Fatalf("stretched by 2: %v, want %v", st, want)
			}
		}
	}
}

// A DMS trial's cue channels spike only while their cue is shown, the go
// channels only in the response window, and the label says whether both
// cues are the same; stretching scales every duration.
func TestDMSTrialStructure(t *testing.T) {
	c := DMSConfig{CueRate: 1e5} // every bin of an active cue spikes (p = 1 − e^−1000 = 1)
	for _, stretch := range []float64{1, 2} {
		b, err := SampleDMS(rand.New(rand.NewPCG(3, 3)), c, 16, 0.3, stretch)
		if err != nil {
			t.Fatal(err)
		}
		cue, del := int(10*stretch), int(30*stretch)
		if got := len(b.X[0]); got != 3*cue+del {
			t.Fatalf("stretch %v: %d steps, want %d", stretch, got, 3*cue+del)
		}
		if b.Window != [2]int{2*cue + del, 3*cue + del} {
			t.Fatalf("stretch %v: window %v", stretch, b.Window)
		}
		for k := range b.X {
			if (b.Sample[k] == b.Test[k]) != (b.Labels[k] == 1) {
				t.Fatalf("trial %d: sample %d, test %d, label %d", k, b.Sample[k], b.Test[k], b.Labels[k])
			}
			for s, row := range b.X[k] {
				for g := 0; g < 4; g++ {
					if g == 2 {
						continue // background noise
					}
					active := (s < cue && g == b.Sample[k]) || (s >= cue+del && s < 2*cue+del && g == b.Test[k]) || (s >= 2*cue+del && g == 3)
					for i := 0; i < 10; i++ {
						if (row[g*10+i] == 1) != active {
							t.Fatalf("stretch %v, trial %d, step %d, group %d: spike %v, active %v", stretch, k, s, g, row[g*10+i], active)
						}
					}
				}
			}
		}
	}
}

// The pattern target is standardised, its own NMSE is 0 and a silent
// readout's is 1.
func TestPatternTaskNMSE(t *testing.T) {
	p, err := NewPatternTask(rand.New(rand.NewPCG(4, 4)), PatternConfig{Steps: 500})
	if err != nil {
		t.Fatal(err)
	}
	var m, v float64
	for _, y := range p.Target {
		m += y / 500
	}
	for _, y := range p.Target {
		v += (y - m) * (y - m) / 500
	}
	if math.Abs(m) > 1e-12 || math.Abs(v-1) > 1e-12 {
		t.Errorf("target mean %v, variance %v", m, v)
	}
	self, zero := make([][]float64, 500), make([][]float64, 500)
	for s, y := range p.Target {
		self[s], zero[s] = []float64{y}, []float64{0}
	}
	e0, err := p.NMSE(self)
	if err != nil {
		t.Fatal(err)
	}
	e1, err := p.NMSE(zero)
	if err != nil {
		t.Fatal(err)
	}
	if e0 != 0 || math.Abs(e1-1) > 1e-12 {
		t.Errorf("NMSE of the target %v, of zeros %v; want 0 and 1", e0, e1)
	}
}

// Oracle: central differences of each loss with respect to the readout.
func TestLossGradientsMatchFiniteDifferences(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	y := randomTarget(r, 1, 12, 3)[0]
	for name, l := range map[string]Loss{
		"MSE":          MSE{Target: randomTarget(r, 1, 12, 3)},
		"WindowCE":     WindowCE{Labels: []int{2}, From: 4, To: 10},
		"SumSoftmaxCE": SumSoftmaxCE{Labels: []int{1}, Skip: 3},
	} {
		if err := l.Check(1, 12, 3); err != nil {
			t.Fatal(err)
		}
		g := randomTarget(r, 1, 12, 3)[0]
		for s := range g {
			clear(g[s])
		}
		l.Element(0, y, g)
		scratch := randomTarget(r, 1, 12, 3)[0]
		for s := range y {
			for k := range y[s] {
				v := y[s][k]
				y[s][k] = v + 1e-6
				lp := l.Element(0, y, scratch)
				y[s][k] = v - 1e-6
				lm := l.Element(0, y, scratch)
				y[s][k] = v
				if fd := (lp - lm) / 2e-6; math.Abs(fd-g[s][k]) > 1e-8 {
					t.Errorf("%s: ∂ℓ/∂y[%d][%d] = %v, finite difference %v", name, s, k, g[s][k], fd)
				}
			}
		}
	}
}
