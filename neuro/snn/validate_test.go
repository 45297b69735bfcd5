package snn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// Bad input gets an error that names the argument, the index and what is
// wanted; nothing panics.
func TestBadInputNamesTheProblem(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	newNet := func() *Network {
		n, err := New(rand.New(rand.NewPCG(2, 2)), Config{Inputs: 3, Neurons: 4, Outputs: 2})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	good := randomSpikes(r, 2, 10, 3, 0.3)
	mse := MSE{Target: randomTarget(r, 2, 10, 2)}
	cases := []struct {
		name string
		run  func() error
		want string
	}{
		{"decay above 1", func() error {
			n := newNet()
			n.RhoRec.Value[5] = 1.5
			_, err := n.Forward(good, 1)
			return err
		}, `decay "rho_rec"[5] (row 1, column 1) = 1.5, want a value in [0, 1]`},
		{"negative decay", func() error {
			n := newNet()
			n.RhoIn.Value[0] = -0.1
			_, err := n.Gradient(good, mse, nil)
			return err
		}, `decay "rho_in"[0]`},
		{"NaN decay", func() error {
			n := newNet()
			n.RhoOut.Value[1] = math.NaN()
			_, err := n.Forward(good, 1)
			return err
		}, `decay "rho_out"[1]`},
		{"NaN weight", func() error {
			n := newNet()
			n.WIn.Value[2] = math.NaN()
			_, err := n.Forward(good, 1)
			return err
		}, `"w_in"[2] (row 0, column 2) = NaN, want a finite weight`},
		{"non-binary input", func() error {
			x := randomSpikes(r, 1, 5, 3, 0.3)
			x[0][2][1] = 0.5
			_, err := newNet().Forward(x, 1)
			return err
		}, "x[0][2][1] = 0.5, want a spike (0 or 1)"},
		{"NaN input", func() error {
			x := randomSpikes(r, 1, 5, 3, 0.3)
			x[0][4][0] = math.NaN()
			_, err := newNet().Forward(x, 1)
			return err
		}, "x[0][4][0] = NaN, want a finite value"},
		{"T = 0", func() error {
			_, err := newNet().Forward([][][]float64{{}}, 1)
			return err
		}, "x[0] has T = 0 time steps"},
		{"no batch", func() error {
			_, err := newNet().Forward(nil, 1)
			return err
		}, "x has no batch elements"},
		{"ragged batch", func() error {
			x := randomSpikes(r, 2, 5, 3, 0.3)
			x[1] = x[1][:4]
			_, err := newNet().Forward(x, 1)
			return err
		}, "x[1] has 4 time steps, x[0] has 5"},
		{"wrong input width", func() error {
			x := randomSpikes(r, 1, 5, 2, 0.3)
			_, err := newNet().Forward(x, 1)
			return err
		}, "x[0][0] has 2 inputs, the network has 3"},
		{"target of the wrong length", func() error {
			_, err := newNet().Gradient(good, MSE{Target: randomTarget(r, 2, 9, 2)}, nil)
			return err
		}, "MSE: Target[0] has 9 steps, the input has 10"},
		{"label out of range", func() error {
			_, err := newNet().Gradient(good, WindowCE{Labels: []int{0, 2}}, nil)
			return err
		}, "WindowCE: Labels[1] = 2, want a class in [0, 2)"},
		{"window outside the trial", func() error {
			_, err := newNet().Gradient(good, WindowCE{Labels: []int{0, 1}, From: 5, To: 12}, nil)
			return err
		}, "window [5, 12) does not fit in T = 10"},
		{"reshaped parameter", func() error {
			n := newNet()
			n.WRec.Rows, n.WRec.Cols = 2, 8
			_, err := n.Forward(good, 1)
			return err
		}, `parameter "w_rec" has shape 2×8, want 4×4`},
		{"forward mode with Zero reset", func() error {
			n, err := New(r, Config{Inputs: 3, Neurons: 4, Outputs: 2, Reset: Zero})
			if err != nil {
				return err
			}
			_, err = n.Gradient(good, mse, &GradSettings{Mode: ForwardDecay})
			return err
		}, "ForwardDecay does not support the Zero reset"},
		{"zero neurons", func() error {
			_, err := New(r, Config{Inputs: 3, Neurons: 0, Outputs: 1})
			return err
		}, "Neurons=0"},
		{"negative time step", func() error {
			_, err := New(r, Config{Inputs: 3, Neurons: 2, Outputs: 1, Dt: -1})
			return err
		}, "Dt = -1"},
		{"inverted τ range", func() error {
			_, err := New(r, Config{Inputs: 3, Neurons: 2, Outputs: 1, TauInit: [2]float64{0.02, 0.01}})
			return err
		}, "TauInit = [0.02 0.01]"},
		{"unknown model", func() error {
			_, err := ParseModel("Izhikevich")
			return err
		}, `unknown model "Izhikevich"`},
		{"rate above 1", func() error {
			_, err := Rate(r, []float64{0.2, 1.2}, 3)
			return err
		}, "p[1] = 1.2, want a probability"},
		{"negative Poisson rate", func() error {
			_, err := Poisson(r, []float64{-1}, 3, 1e-3)
			return err
		}, "rates[0] = -1"},
		{"stretch by zero", func() error {
			_, err := Stretch(good[0], 0)
			return err
		}, "factor = 0"},
		{"negative DMS delay", func() error {
			_, err := SampleDMS(r, DMSConfig{}, 2, -0.5, 1)
			return err
		}, "delay = -0.5"},
	}
	for _, c := range cases {
		err := c.run()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// Analog input is accepted when the configuration says so.
func TestAnalogInput(t *testing.T) {
	n, err := New(rand.New(rand.NewPCG(1, 2)), Config{Inputs: 2, Neurons: 3, Outputs: 1, AnalogInput: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Forward([][][]float64{{{0.5, 2}, {-1, 0.25}}}, 1); err != nil {
		t.Fatal(err)
	}
}

// Results do not depend on the number of workers: gradients and losses are
// bitwise equal with 1 and 3 workers.
func TestGradientDoesNotDependOnWorkers(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	x := randomSpikes(r, 7, 60, 6, 0.1)
	loss := WindowCE{Labels: []int{0, 1, 0, 1, 1, 0, 1}, From: 50}
	n, err := New(r, Config{Inputs: 6, Neurons: 9, Outputs: 2, WeightScale: 3})
	if err != nil {
		t.Fatal(err)
	}
	l1, err := n.Gradient(x, loss, &GradSettings{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	one := n.Clone()
	l3, err := n.Gradient(x, loss, &GradSettings{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if l1 != l3 {
		t.Errorf("loss %v with 1 worker, %v with 3", l1, l3)
	}
	for k, p := range n.Params() {
		for i, g := range p.Grad {
			if g != one.Params()[k].Grad[i] {
				t.Fatalf("%s[%d]: %v with 3 workers, %v with 1", p.Name, i, g, one.Params()[k].Grad[i])
			}
		}
	}
}

// Align clamps decays to [0, 1] and keeps the recurrent diagonal at zero
// without self-recurrence.
func TestAlignClampsDecays(t *testing.T) {
	n, err := New(rand.New(rand.NewPCG(4, 4)), Config{Inputs: 2, Neurons: 3, Outputs: 1, NoSelfRecurrence: true})
	if err != nil {
		t.Fatal(err)
	}
	for j := 0; j < 3; j++ {
		if n.WRec.Value[j*3+j] != 0 {
			t.Fatalf("w_rec[%d][%d] = %v after New without self-recurrence", j, j, n.WRec.Value[j*3+j])
		}
	}
	n.RhoIn.Value[0], n.RhoIn.Value[1], n.WRec.Value[4] = 1.3, -0.2, 0.7
	n.Align()
	if n.RhoIn.Value[0] != 1 || n.RhoIn.Value[1] != 0 || n.WRec.Value[4] != 0 {
		t.Errorf("after Align: ρ = %v, %v, w_rec[1][1] = %v; want 1, 0, 0", n.RhoIn.Value[0], n.RhoIn.Value[1], n.WRec.Value[4])
	}
}
