package clds_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/clds"
)

func ExampleModel_Transform() {
	ring := must(clds.SimulateRing(&clds.RingSettings{Trials: 3, Seed: 8}))
	m := must(clds.NewModel(rand.New(rand.NewPCG(1, 1)), clds.RingConfig(), 10))
	// Double the first latent coordinate: x′ = S x.
	s := mat.NewDiagDense(2, []float64{2, 1})
	m2, err := m.Transform(s)
	if err != nil {
		panic(err)
	}
	u := []float64{1}
	l1 := must(m.LogLik(ring.Trials))
	l2 := must(m2.LogLik(ring.Trials))
	fmt.Printf("A(u)[0,1]: %.4f -> %.4f (scaled by 2)\n", m.A(u).At(0, 1), m2.A(u).At(0, 1))
	fmt.Printf("Q[0,0]: %.0f -> %.0f (scaled by 4)\n", m.Q().At(0, 0), m2.Q().At(0, 0))
	fmt.Printf("log-likelihood unchanged: %v\n", math.Abs(l1-l2) < 1e-9*math.Abs(l1))
	// Output:
	// A(u)[0,1]: -0.2309 -> -0.4618 (scaled by 2)
	// Q[0,0]: 1 -> 4 (scaled by 4)
	// log-likelihood unchanged: true
}

func ExampleModel_AlignTo() {
	ring := must(clds.SimulateRing(&clds.RingSettings{Trials: 40, Seed: 4}))
	init := must(clds.NewModel(rand.New(rand.NewPCG(1, 1)), clds.RingConfig(), 10))
	res := must(clds.Fit(init, ring.Trials, &clds.Settings{MaxIterations: 100}))
	// The fit's latent coordinates are arbitrary (up to x′ = S x + c);
	// express them in the simulator's, where A(θ) = 0.9 v vᵀ and
	// b(θ) = (cos θ, sin θ).
	al, err := res.Model.AlignTo(must(ring.Model()), nil)
	if err != nil {
		panic(err)
	}
	for _, th := range []float64{0, math.Pi / 2} {
		u := []float64{th}
		var da mat.Dense
		da.Sub(al.A(u), ring.TrueA(th))
		var db mat.VecDense
		db.SubVec(al.B(u), ring.TrueB(th))
		fmt.Printf("θ=%.2f: largest error in A(θ) %.2f, in b(θ) %.2f\n", th, mat.Max(absDense(&da)), mat.Max(absDense(&db)))
	}
	// Output:
	// θ=0.00: largest error in A(θ) 0.04, in b(θ) 0.05
	// θ=1.57: largest error in A(θ) 0.02, in b(θ) 0.01
}

func absDense(m mat.Matrix) *mat.Dense {
	var a mat.Dense
	a.Apply(func(_, _ int, v float64) float64 { return math.Abs(v) }, m)
	return &a
}
