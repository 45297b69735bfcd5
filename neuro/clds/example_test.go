package clds_test

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/clds"
	"github.com/neuronb/neuronb/neuro/npy"
	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/spikes"
)

// must stops an example on an error (examples have no *testing.T).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func ExampleSimulateRing() {
	ring, err := clds.SimulateRing(&clds.RingSettings{Trials: 5, Steps: 100, Seed: 1})
	if err != nil {
		panic(err)
	}
	tr := ring.Trials[0]
	r, c := tr.Y.Dims()
	fmt.Printf("%d trials; Y is %d×%d; θ_0 = %.3f\n", len(ring.Trials), r, c, tr.U.At(0, 0))
	fmt.Printf("true A(0) eigenvalues: 0 and %.1f\n", mat.Trace(ring.TrueA(0)))
	// Output:
	// 5 trials; Y is 100×10; θ_0 = 0.363
	// true A(0) eigenvalues: 0 and 0.9
}

func ExampleNewFourier() {
	b, err := clds.NewFourier(clds.FourierSettings{Frequencies: 5, Sigma: 0.5, Kappa: 0.1, Period: []float64{2 * math.Pi}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("L = %d features, coefficients %.4f\n", b.Len(), b.Coefficients())
	fmt.Printf("prior variance k(u,u) = %.3f\n", clds.Kernel(b, []float64{1}, []float64{1}))
	// Output:
	// L = 9 features, coefficients [0.2503 0.2268 0.1687 0.1030 0.0516]
	// prior variance k(u,u) = 0.156
}

func ExampleFit() {
	ring := must(clds.SimulateRing(&clds.RingSettings{Trials: 30, Steps: 100, Seed: 3}))
	train, test := ring.Split(20)
	init := must(clds.NewModel(rand.New(rand.NewPCG(1, 1)), clds.RingConfig(), 10))
	res, err := clds.Fit(init, train, &clds.Settings{
		MaxIterations: 50,
		Progress: func(s run.Step) error {
			if s.Iteration%25 == 0 {
				fmt.Println(s)
			}
			return nil
		},
	})
	if err != nil {
		panic(err)
	}
	ll := must(res.Model.LogLikPerBin(test))
	truth := must(ring.LogLik(test)) / float64(clds.ObservedBins(test))
	fmt.Printf("%v; held-out log-likelihood per bin %.3f (truth %.3f)\n", res.Status, ll, truth)
	// Output:
	// iteration 25/50 · log-joint = 129.785
	// iteration 50/50 · log-joint = 136.99
	// IterationLimit; held-out log-likelihood per bin -0.182 (truth -0.101)
}

func ExampleModel_Evaluate() {
	ring := must(clds.SimulateRing(&clds.RingSettings{Trials: 40, Seed: 4}))
	init := must(clds.NewModel(rand.New(rand.NewPCG(1, 1)), clds.RingConfig(), 10))
	res := must(clds.Fit(init, ring.Trials, &clds.Settings{MaxIterations: 100}))
	g := must(res.Model.Evaluate(clds.Grid(0, 2*math.Pi, 4)))
	for k, u := range g.U {
		ev := g.Eigenvalues[k]
		truth := ring.TrueObsFixedPoint(u[0])
		var diff mat.VecDense
		diff.SubVec(g.ObsFixedPoints[k], truth)
		fmt.Printf("θ=%.2f: eigenvalues %.2f %.2f; fixed-point error %.2f\n", u[0], real(ev[0]), real(ev[1]), diff.Norm(2)/truth.Norm(2))
	}
	// Output:
	// θ=0.00: eigenvalues 0.01 0.92; fixed-point error 0.15
	// θ=1.57: eigenvalues 0.01 0.90; fixed-point error 0.01
	// θ=3.14: eigenvalues -0.01 0.93; fixed-point error 0.15
	// θ=4.71: eigenvalues 0.01 0.89; fixed-point error 0.03
}

func ExampleModel_FlowField() {
	m := must(clds.NewModel(rand.New(rand.NewPCG(1, 1)), clds.RingConfig(), 10))
	f, err := m.FlowField([]float64{math.Pi / 2}, -2, 2, 5)
	if err != nil {
		panic(err)
	}
	// widgets.FlowField(f.X, f.Y, f.DX, f.DY, nil) draws it.
	fmt.Printf("%d×%d grid; velocity at (%.0f, %.0f) = (%.3f, %.3f)\n", len(f.X), len(f.Y), f.X[2], f.Y[2], f.DX.At(2, 2), f.DY.At(2, 2))
	// Output:
	// 5×5 grid; velocity at (0, 0) = (0.359, 0.152)
}

func ExampleModel_EigenAngles() {
	m := must(clds.NewModel(rand.New(rand.NewPCG(2, 2)), clds.RingConfig(), 10))
	vals, angles, err := m.EigenAngles([]float64{0})
	if err != nil {
		panic(err)
	}
	for i := range vals {
		fmt.Printf("λ = %.3f, eigenvector at %.0f°\n", real(vals[i]), angles[i]*180/math.Pi)
	}
	// Output:
	// λ = -0.113, eigenvector at 46°
	// λ = 0.431, eigenvector at 175°
}

func ExampleModel_Save() {
	m := must(clds.NewModel(rand.New(rand.NewPCG(1, 1)), clds.RingConfig(), 10))
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		panic(err)
	}
	back, err := clds.Load(&buf, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(mat.Equal(m.A([]float64{1}), back.A([]float64{1})), back.Config.Basis.Len())
	// Output:
	// true 9
}

func ExampleReadCSV() {
	in := `trial,heading,n1,n2,n3
1,0.00,0.5,1.2,0.1
1,0.10,0.7,,0.2
2,3.10,1.5,0.2,0.9
`
	ds, err := clds.ReadCSV(strings.NewReader(in), clds.CSVOptions{Trial: "trial", Conditions: []string{"heading"}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("trials %v, neurons %v, bin 1 of trial 1 observed: %v\n", ds.TrialIDs, ds.Neurons, ds.Trials[0].Mask[1])
	// Output:
	// trials [1 2], neurons [n1 n2 n3], bin 1 of trial 1 observed: false
}

func ExampleDatasetFromArrays() {
	// Two trials of 3 bins, 2 neurons; the second trial is one bin
	// shorter (NaN padding).
	nan := math.NaN()
	y := &npy.Array{Shape: []int{2, 3, 2}, Data: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, nan, nan}}
	u := &npy.Array{Shape: []int{2, 3}, Data: []float64{0, 0.1, 0.2, 1, 1.1, 0}}
	var buf bytes.Buffer
	if err := npy.Write(&buf, y); err != nil { // .npy round trip, as from numpy.save
		panic(err)
	}
	y2 := must(npy.Read(&buf))
	ds := must(clds.DatasetFromArrays(y2, u))
	fmt.Println(ds.TrialIDs, ds.Trials[0].Len(), ds.Trials[1].Len(), ds.Neurons)
	// Output:
	// [0 1] 3 2 [0 1]
}

func ExampleSolveSylvester() {
	g := mat.NewSymDense(2, []float64{4, 1, 1, 3})
	s := mat.NewSymDense(2, []float64{0.5, 0.1, 0.1, 0.2})
	h := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	w, res, err := clds.SolveSylvester(g, []float64{1, 1}, s, h)
	if err != nil {
		panic(err)
	}
	fmt.Printf("W = %.4f, residual < 1e-14: %v\n", mat.Formatted(w, mat.FormatPython()), res < 1e-14)
	// Output:
	// W = [[0.0371, 0.1985], [0.8133, 1.1625]], residual < 1e-14: true
}

func ExampleModel_Whiten() {
	m := must(clds.NewModel(rand.New(rand.NewPCG(1, 1)), clds.RingConfig(), 10))
	m.Weights.Q = []float64{0.5, 0.1, 0.1, 0.2}
	w, err := m.Whiten()
	if err != nil {
		panic(err)
	}
	q := w.Q()
	fmt.Printf("whitened Q: diagonal %.6f %.6f, off-diagonal below 1e-12: %v\n", q.At(0, 0), q.At(1, 1), math.Abs(q.At(0, 1)) < 1e-12)
	// Output:
	// whitened Q: diagonal 1.000000 1.000000, off-diagonal below 1e-12: true
}

func ExampleModel_Reconstruct() {
	ring := must(clds.SimulateRing(&clds.RingSettings{Trials: 1, Seed: 5}))
	m := must(clds.NewModel(rand.New(rand.NewPCG(1, 1)), clds.RingConfig(), 10))
	yhat, err := m.Reconstruct(ring.Trials[0])
	if err != nil {
		panic(err)
	}
	r, c := yhat.Dims()
	fmt.Println(r, c)
	// Output:
	// 100 10
}

func ExampleModel_Forecast() {
	ring := must(clds.SimulateRing(&clds.RingSettings{Trials: 1, Seed: 6}))
	m := must(clds.NewModel(rand.New(rand.NewPCG(1, 1)), clds.RingConfig(), 10))
	future := mat.NewDense(3, 1, []float64{1, 1.1, 1.2}) // headings of the next 3 bins
	fc, err := m.Forecast(ring.Trials[0], 3, future)
	if err != nil {
		panic(err)
	}
	fmt.Println(fc.Steps, fc.N)
	// Output:
	// 3 10
}

func ExampleModel_CompositeFlow() {
	ring := must(clds.SimulateRing(&clds.RingSettings{Trials: 5, Seed: 7}))
	m := must(clds.NewModel(rand.New(rand.NewPCG(1, 1)), clds.RingConfig(), 10))
	f, err := m.CompositeFlow(ring.Trials, 6)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d×%d bins, %d visited\n", len(f.X), len(f.Y), f.Defined())
	// Output:
	// 6×6 bins, 26 visited
}

// A recording in package spikes' types (two units, a head direction
// sampled at 10 Hz) binned in 0.5 s bins over two trials, square-rooted
// and z-scored, becomes one Trial per trial with θ at the bin centres.
func ExampleTrialsFromSpikes() {
	g, err := spikes.NewTsGroup([][]float64{{0.1, 0.4, 1.2, 2.6, 3.1}, {0.7, 2.2, 2.3, 3.9}}, nil, nil)
	if err != nil {
		panic(err)
	}
	ft := make([]float64, 40)
	th := make([]float64, 40)
	for i := range ft {
		ft[i], th[i] = 0.05+0.1*float64(i), math.Mod(0.2*float64(i), 2*math.Pi)
	}
	theta, err := spikes.NewTsd(ft, th)
	if err != nil {
		panic(err)
	}
	epochs, err := spikes.NewIntervalSet([]float64{0, 2}, []float64{2, 4}, nil)
	if err != nil {
		panic(err)
	}
	y, err := g.Count(0.5, epochs)
	if err != nil {
		panic(err)
	}
	if y, err = y.Sqrt(); err != nil {
		panic(err)
	}
	if y, err = y.ZScore(spikes.Global); err != nil {
		panic(err)
	}
	trials, err := clds.TrialsFromSpikes(y, theta)
	if err != nil {
		panic(err)
	}
	for _, tr := range trials {
		T, N := tr.Y.Dims()
		fmt.Printf("%d bins × %d units, θ = %.1f\n", T, N, mat.Col(nil, 0, tr.U))
	}
	// Output:
	// 4 bins × 2 units, θ = [0.4 1.4 2.4 3.4]
	// 4 bins × 2 units, θ = [4.4 5.4 0.1 1.1]
}
