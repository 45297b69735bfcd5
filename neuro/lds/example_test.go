package lds_test

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/lds"
)

// oscillator returns a slowly decaying rotation: a 2-D latent oscillator.
func oscillator() *lds.Model {
	return &lds.Model{
		A:  mat.NewDense(2, 2, []float64{0.95, -0.2, 0.2, 0.95}),
		B:  mat.NewVecDense(2, []float64{0.1, 0}),
		C:  mat.NewDense(3, 2, []float64{1, 0, 0, 1, 1, 1}),
		D:  mat.NewVecDense(3, []float64{0, 0, 1}),
		Q:  mat.NewSymDense(2, []float64{0.01, 0, 0, 0.01}),
		R:  mat.NewSymDense(3, []float64{0.1, 0, 0, 0, 0.1, 0, 0, 0, 0.1}),
		M0: mat.NewVecDense(2, []float64{1, 0}),
		S0: mat.NewSymDense(2, []float64{0.1, 0, 0, 0.1}),
	}
}

func ExampleModel_Sample() {
	m := oscillator()
	x, y, err := m.Sample(rand.New(rand.NewPCG(1, 2)), 50, nil)
	if err != nil {
		panic(err)
	}
	r, c := y.Dims()
	fmt.Printf("y is %d×%d; x_0 = (%.2f, %.2f)\n", r, c, x.At(0, 0), x.At(0, 1))
	// Output:
	// y is 50×3; x_0 = (1.12, 0.02)
}

func ExampleModel_Smooth() {
	m := oscillator()
	_, y, err := m.Sample(rand.New(rand.NewPCG(1, 2)), 50, nil)
	if err != nil {
		panic(err)
	}
	// Bins 10..19 are missing: the filter skips their update step.
	mask := make([]bool, 50)
	for t := range mask {
		mask[t] = t < 10 || t >= 20
	}
	p, err := m.Smooth(lds.Trial{Y: y, Mask: mask})
	if err != nil {
		panic(err)
	}
	fmt.Printf("log p(Y) = %.2f\n", p.LogLik)
	fmt.Printf("sd of x_15[0] (missing bin) %.3f > sd of x_30[0] %.3f\n",
		sqrt(p.CovAt(15).At(0, 0)), sqrt(p.CovAt(30).At(0, 0)))
	// Output:
	// log p(Y) = -46.49
	// sd of x_15[0] (missing bin) 0.192 > sd of x_30[0] 0.109
}

func ExampleModel_LogLik() {
	m := oscillator()
	rng := rand.New(rand.NewPCG(3, 4))
	var trials []lds.Trial
	for _, T := range []int{20, 35} { // trials of different lengths
		_, y, err := m.Sample(rng, T, nil)
		if err != nil {
			panic(err)
		}
		trials = append(trials, lds.Trial{Y: y})
	}
	ll, err := m.LogLik(trials)
	if err != nil {
		panic(err)
	}
	fmt.Printf("log p(Y) = %.2f over 55 bins\n", ll)
	// Output:
	// log p(Y) = -60.72 over 55 bins
}

func ExampleModel_Forecast() {
	m := oscillator()
	_, y, err := m.Sample(rand.New(rand.NewPCG(5, 6)), 30, nil)
	if err != nil {
		panic(err)
	}
	fc, err := m.Forecast(lds.Trial{Y: y}, 3, nil)
	if err != nil {
		panic(err)
	}
	for j := 0; j < 3; j++ {
		fmt.Printf("y_%d: mean %.2f, sd %.2f\n", 30+j, fc.ObsMean.At(j, 0), sqrt(fc.ObsCov[j*9]))
	}
	// Output:
	// y_30: mean 0.06, sd 0.36
	// y_31: mean 0.10, sd 0.37
	// y_32: mean 0.14, sd 0.39
}

func ExampleFit() {
	truth := oscillator()
	rng := rand.New(rand.NewPCG(7, 8))
	var trials []lds.Trial
	for i := 0; i < 20; i++ {
		_, y, err := truth.Sample(rng, 60, nil)
		if err != nil {
			panic(err)
		}
		trials = append(trials, lds.Trial{Y: y})
	}
	init := oscillator()
	init.A = mat.NewDense(2, 2, []float64{0.5, 0, 0, 0.5})
	res, err := lds.Fit(init, trials, &lds.Settings{MaxIterations: 100})
	if err != nil {
		panic(err)
	}
	var e mat.Eigen
	e.Factorize(res.Model.A, mat.EigenNone)
	v := e.Values(nil)
	fmt.Printf("%v after %d iterations; log-likelihood %.1f -> %.1f\n",
		res.Status, res.Iterations, res.Trace[0], res.Objective)
	fmt.Printf("|eigenvalues of A| = %.2f (truth 0.97)\n", abs(v[0]))
	// Output:
	// IterationLimit after 100 iterations; log-likelihood -5786.8 -> -1479.1
	// |eigenvalues of A| = 0.97 (truth 0.97)
}

func ExampleSmoother() {
	m := oscillator()
	s, err := lds.NewSmoother(m)
	if err != nil {
		panic(err)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	var p lds.Posterior // reused: no allocation after the first trial
	for i := 0; i < 3; i++ {
		_, y, err := m.Sample(rng, 40, nil)
		if err != nil {
			panic(err)
		}
		if err := s.Smooth(&lds.Trial{Y: y}, &p); err != nil {
			panic(err)
		}
		fmt.Printf("trial %d: log p(Y) = %.2f, E[x_0] = (%.2f, %.2f)\n", i, p.LogLik, p.Mean[0], p.Mean[1])
	}
	// Output:
	// trial 0: log p(Y) = -48.46, E[x_0] = (0.92, -0.32)
	// trial 1: log p(Y) = -31.46, E[x_0] = (0.80, -0.12)
	// trial 2: log p(Y) = -42.73, E[x_0] = (1.39, -0.01)
}

func ExampleModel_LogLikPerBin() {
	m := oscillator()
	rng := rand.New(rand.NewPCG(3, 4))
	var trials []lds.Trial
	for _, T := range []int{20, 35} {
		_, y, err := m.Sample(rng, T, nil)
		if err != nil {
			panic(err)
		}
		trials = append(trials, lds.Trial{Y: y})
	}
	trials[1].Mask = make([]bool, 35)
	for t := range trials[1].Mask {
		trials[1].Mask[t] = t >= 5 // the first 5 bins are missing
	}
	if err := m.ValidateTrials(trials); err != nil {
		panic(err)
	}
	per, err := m.LogLikPerBin(trials)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d observed bins, %.3f nats per bin\n", lds.ObservedBins(trials), per)
	// Output:
	// 50 observed bins, -1.101 nats per bin
}

func ExamplePosterior_Bands() {
	m := oscillator()
	_, y, err := m.Sample(rand.New(rand.NewPCG(1, 2)), 50, nil)
	if err != nil {
		panic(err)
	}
	p, err := m.Smooth(lds.Trial{Y: y})
	if err != nil {
		panic(err)
	}
	b := p.Bands(1.96)[0] // widgets.Band(b) draws it
	fmt.Printf("%s at t=10: %.2f in [%.2f, %.2f]\n", b.Name, b.Mean[10], b.Lower[10], b.Upper[10])
	// Output:
	// x₁ at t=10: -0.16 in [-0.37, 0.05]
}
