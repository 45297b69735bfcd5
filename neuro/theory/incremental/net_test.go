package incremental

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/run"
)

// testProblem draws n orthogonal points in R^d (rotated when rotate) and a
// net of width m at scale lambda from one seed.
func testProblem(t testing.TB, seed uint64, n, d, m int, lambda float64, o *DataOptions) (*Data, *Net) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0))
	data, err := SampleData(rng, n, d, o)
	if err != nil {
		t.Fatal(err)
	}
	net, err := InitNet(rng, m, d, lambda)
	if err != nil {
		t.Fatal(err)
	}
	return data, net
}

// TestGradientMatchesFiniteDifferences: the explicit gradient against
// central differences of the loss (step 1e-6, every parameter), on rotated
// inputs with varied norms (dense path) and on diagonal inputs, at a scale
// where every pre-activation is far from the ReLU's kink. The loss itself
// is checked against f(x_i) computed input by input with Output.
func TestGradientMatchesFiniteDifferences(t *testing.T) {
	for _, tc := range []struct {
		name string
		n, d int
		o    *DataOptions
	}{
		{"dense rotated", 5, 7, &DataOptions{Rotate: true, VaryNorms: true}},
		{"diagonal", 6, 6, &DataOptions{VaryNorms: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, net := testProblem(t, 11, tc.n, tc.d, 4, 0.9, tc.o)
			for j := range net.A {
				net.A[j] *= 1.7 // unbalance: the gradient must not rely on balance
			}
			loss, err := net.Loss(data)
			if err != nil {
				t.Fatal(err)
			}
			var direct float64
			x := make([]float64, tc.d)
			for i, y := range data.Y() {
				data.input(i, x)
				f, err := net.Output(x)
				if err != nil {
					t.Fatal(err)
				}
				direct += (f - y) * (f - y)
			}
			direct /= 2 * float64(tc.n)
			if math.Abs(loss-direct) > 1e-14*direct {
				t.Fatalf("loss %.17g, input by input %.17g", loss, direct)
			}
			ga, gw, err := net.Gradient(data)
			if err != nil {
				t.Fatal(err)
			}
			const h = 1e-6
			fd := func(p *float64) float64 {
				old := *p
				*p = old + h
				lp, err := net.Loss(data)
				if err != nil {
					t.Fatal(err)
				}
				*p = old - h
				lm, err := net.Loss(data)
				if err != nil {
					t.Fatal(err)
				}
				*p = old
				return (lp - lm) / (2 * h)
			}
			var worst float64
			for j := range net.A {
				worst = math.Max(worst, math.Abs(fd(&net.A[j])-ga[j]))
				row := net.W.RawRowView(j)
				for k := range row {
					worst = math.Max(worst, math.Abs(fd(&row[k])-gw.At(j, k)))
				}
			}
			t.Logf("largest |finite difference − gradient| = %.2g", worst)
			if worst > 1e-8 {
				t.Errorf("gradient differs from finite differences by %.3g", worst)
			}
		})
	}
}

// TestBalanceStepIsEtaSquared: one step changes a_j² − ‖w_j‖² by exactly
// η²((∂L/∂a_j)² − ‖∂L/∂w_j‖²) (the cross terms cancel by homogeneity), to
// rounding, along a trajectory; so halving η divides the per-step drift by
// 4 and the drift over a fixed time by 2.
func TestBalanceStepIsEtaSquared(t *testing.T) {
	data, net := testProblem(t, 5, 8, 8, 5, 0.3, nil)
	drift := map[float64]float64{}
	for _, eta := range []float64{0.4, 0.2} {
		w := net.Clone()
		k := newKernel(data, w)
		var worstRel, worstStep float64
		steps := int(40 / eta)
		for range steps {
			before := w.Balance()
			k.forward()
			k.gradient()
			predicted := make([]float64, len(w.A))
			for j := range w.A {
				g := norm(k.gw[j*k.d : (j+1)*k.d])
				predicted[j] = eta * eta * (k.ga[j]*k.ga[j] - g*g)
			}
			k.step(eta)
			after := w.Balance()
			for j := range w.A {
				change := after[j] - before[j]
				scale := w.A[j]*w.A[j] + 1e-300
				worstRel = math.Max(worstRel, math.Abs(change-predicted[j])/scale)
				worstStep = math.Max(worstStep, math.Abs(change))
			}
		}
		var total float64
		for j, b := range w.Balance() {
			total = math.Max(total, math.Abs(b-net.Balance()[j]))
		}
		drift[eta] = worstStep
		t.Logf("η = %.1f: %d steps, largest |Δ(a²−‖w‖²) − η²(g_a² − ‖g_w‖²)|/a² = %.2g, largest per-step change %.3g, drift over t = 40: %.3g", eta, steps, worstRel, worstStep, total)
		if worstRel > 1e-12 {
			t.Errorf("η = %v: one step changes the balance by %.3g (relative to a²) more than η²(g_a² − ‖g_w‖²)", eta, worstRel)
		}
	}
	if r := drift[0.4] / drift[0.2]; r < 3 || r > 5 {
		t.Errorf("halving η divided the largest per-step change by %.2f, want about 4 (O(η²))", r)
	}
}

// TestRotationLeavesLossTrajectoryUnchanged: rotating the inputs and every
// w_j by the same Haar-random Q gives the same loss at every step (to
// 1e-10), comparing the diagonal O(mn) path with the dense O(mnd) one and
// two dense runs with d > n.
func TestRotationLeavesLossTrajectoryUnchanged(t *testing.T) {
	for _, tc := range []struct {
		name string
		n, d int
	}{{"diagonal vs rotated", 12, 12}, {"dense vs rotated, d > n", 10, 15}} {
		t.Run(tc.name, func(t *testing.T) {
			data, net := testProblem(t, 21, tc.n, tc.d, 6, 1e-4, nil)
			q, err := RandomRotation(rand.New(rand.NewPCG(21, 1)), tc.d)
			if err != nil {
				t.Fatal(err)
			}
			rdata, err := data.Rotate(q)
			if err != nil {
				t.Fatal(err)
			}
			rnet, err := net.Rotate(q)
			if err != nil {
				t.Fatal(err)
			}
			set := &Settings{MaxIterations: 4000, Tolerance: -1, Record: 1, StepSize: 0.1}
			a, err := Descend(data, net, set)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Descend(rdata, rnet, set)
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Loss) != len(b.Loss) {
				t.Fatalf("%d and %d recorded losses", len(a.Loss), len(b.Loss))
			}
			var worst float64
			for k := range a.Loss {
				worst = math.Max(worst, math.Abs(a.Loss[k]-b.Loss[k]))
			}
			t.Logf("loss %.4f → %.4f over %d steps; largest difference %.2g", a.Loss[0], a.Objective, a.Iterations, worst)
			if a.Loss[0]-a.Objective < 0.1*a.Loss[0] {
				t.Fatalf("the run did not learn (loss %.4f → %.4f): nothing to compare", a.Loss[0], a.Objective)
			}
			if worst > 1e-10 {
				t.Errorf("rotation changed the loss trajectory by up to %.3g", worst)
			}
		})
	}
}

// TestBadInput: clear errors for non-orthogonal inputs (naming the pair
// and the cosine), m = 0, d = 0, d < n, λ outside (0, 1) and bad labels.
func TestBadInput(t *testing.T) {
	x := mat.NewDense(3, 3, []float64{1, 0, 0, 0.1, 1, 0, 0, 0, 1})
	_, err := NewData(x, []float64{1, -1, 1})
	if err == nil || !strings.Contains(err.Error(), "x[0] and x[1] are not orthogonal") || !strings.Contains(err.Error(), "0.0995") {
		t.Errorf("non-orthogonal inputs: %v", err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for name, f := range map[string]func() error{
		"m = 0":      func() error { _, err := InitNet(rng, 0, 4, 0.1); return err },
		"d = 0":      func() error { _, err := InitNet(rng, 3, 0, 0.1); return err },
		"λ = 0":      func() error { _, err := InitNet(rng, 3, 4, 0); return err },
		"λ = 1":      func() error { _, err := InitNet(rng, 3, 4, 1); return err },
		"data d = 0": func() error { _, err := SampleData(rng, 3, 0, nil); return err },
		"d < n":      func() error { _, err := SampleData(rng, 5, 4, nil); return err },
		"NaN label": func() error {
			_, err := NewData(mat.NewDiagDense(2, []float64{1, 1}), []float64{1, math.NaN()})
			return err
		},
		"zero input":    func() error { _, err := NewData(mat.NewDiagDense(2, []float64{1, 0}), []float64{1, 1}); return err },
		"label count":   func() error { _, err := NewData(mat.NewDiagDense(2, []float64{1, 1}), []float64{1}); return err },
		"P width m = 0": func() error { _, err := InterpolationProbability(3, 3, 0); return err },
		"P no points":   func() error { _, err := InterpolationProbability(0, 0, 3); return err },
		"dimension skew": func() error {
			_, n := testProblem(t, 1, 4, 4, 2, 0.1, nil)
			_, err := n.Loss(dataInDim(t, 5))
			return err
		},
		"negative step": func() error {
			d, n := testProblem(t, 1, 4, 4, 2, 0.1, nil)
			_, err := Descend(d, n, &Settings{StepSize: -1})
			return err
		},
	} {
		if err := f(); err == nil {
			t.Errorf("%s: no error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

// dataInDim returns two axis-aligned points in dimension d.
func dataInDim(t *testing.T, d int) *Data {
	t.Helper()
	x := mat.NewDense(2, d, nil)
	x.Set(0, 0, 1)
	x.Set(1, 1, 1)
	data, err := NewData(x, []float64{1, -1})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestProgressStopsDescend: the Progress callback sees the named metric
// "loss" and stops the run with ErrStop (Status Stopped, no error) or with
// an error of its own (returned).
func TestProgressStopsDescend(t *testing.T) {
	data, net := testProblem(t, 2, 6, 6, 3, 1e-3, nil)
	var seen run.Step
	stop := func(s run.Step) error {
		seen = s
		if s.Iteration == 10 {
			return run.ErrStop
		}
		return nil
	}
	r, err := Descend(data, net, &Settings{Progress: stop})
	if err != nil || r.Status != run.Stopped || r.Iterations != 10 || seen.Metric != "loss" || seen.Value != r.Objective {
		t.Errorf("ErrStop: err %v, status %v after %d steps, last step %+v, objective %v", err, r.Status, r.Iterations, seen, r.Objective)
	}
	boom := errors.New("boom")
	if _, err := Descend(data, net, &Settings{Progress: func(run.Step) error { return boom }}); !errors.Is(err, boom) {
		t.Errorf("a failing Progress gives %v, want its error", err)
	}
}
