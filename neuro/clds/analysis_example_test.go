package clds_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/clds"
)

// ringFit fits the reference CLDS to 40 simulated trials (seed 4).
func ringFit() (*clds.Ring, *clds.Model) {
	ring := must(clds.SimulateRing(&clds.RingSettings{Trials: 40, Seed: 4}))
	init := must(clds.NewModel(rand.New(rand.NewPCG(1, 1)), clds.RingConfig(), 10))
	return ring, must(clds.Fit(init, ring.Trials, &clds.Settings{MaxIterations: 100})).Model
}

func ExampleModel_Recovery() {
	ring, fit := ringFit()
	truth := must(ring.Model()) // the simulator's parameters as a CLDS
	aligned := must(fit.AlignTo(truth, nil))
	r := must(aligned.Recovery(truth, clds.Grid(0, 2*math.Pi, 200)))
	fmt.Printf("eigenvalues within %.3f; fixed points %.1f%% off overall, %.1f%% at worst (θ = %.2f)\n",
		r.EigenvalueMaxError, 100*r.FixedPointRelError, 100*r.FixedPointWorstRelError, r.WorstCondition[0])
	fmt.Printf("aligned A(θ) within %.3f, b(θ) within %.3f\n", r.AMaxAbsError, r.BMaxAbsError)
	// Output:
	// eigenvalues within 0.093; fixed points 12.6% off overall, 32.2% at worst (θ = 5.40)
	// aligned A(θ) within 0.073, b(θ) within 0.077
}

func ExampleModel_Coverage() {
	ring, fit := ringFit()
	test := must(clds.SimulateRing(&clds.RingSettings{Trials: 50, Seed: 4})) // trials 40..49 are new
	aligned := must(fit.AlignTo(must(ring.Model()), nil))
	c := must(aligned.Coverage(test.Trials[40:], test.Latents[40:], 0.95))
	// A calibrated posterior covers about 95% of the true latents, once the
	// fit is in the truth's coordinates (AlignTo).
	fmt.Printf("%.1f%% of the true latents lie in the smoother's 95%% band\n", 100*c)
	// Output:
	// 96.5% of the true latents lie in the smoother's 95% band
}

func ExampleModel_SmoothedLatents() {
	ring, fit := ringFit()
	x, u := must2(fit.SmoothedLatents(ring.Trials[:3]))
	r, c := x.Dims()
	// widgets.Scatter(mat.Col(nil, 0, x), mat.Col(nil, 1, x), mat.Col(nil, 0, u), o) draws them.
	fmt.Printf("%d smoothed states of dimension %d; first heading %.3f\n", r, c, u.At(0, 0))
	// Output:
	// 300 smoothed states of dimension 2; first heading 0.110
}

func ExampleOnGrid() {
	truth := must(must(clds.SimulateRing(&clds.RingSettings{Trials: 1})).Model())
	g := must(truth.Evaluate(clds.Grid(0, 2*math.Pi, 4)))
	// Series for widgets.Lines(g.Condition(0), g.AEntries(), o) and the
	// fixed points as a path for widgets.Trajectories.
	fmt.Printf("θ: %.2f\n", g.Condition(0))
	fmt.Printf("A₁₁(θ): %.2f\n", g.AEntries()[0])
	fmt.Printf("slow eigenvalue: %.2f\n", g.EigenvalueCurves()[1])
	fmt.Printf("fixed points:\n%.2f\n", mat.Formatted(g.FixedPointPath()))
	// Output:
	// θ: [0.00 1.57 3.14 4.71]
	// A₁₁(θ): [0.00 0.90 -0.00 0.90]
	// slow eigenvalue: [0.90 0.90 0.90 0.90]
	// fixed points:
	// ⎡ 1.00  -0.00⎤
	// ⎢-0.00   1.00⎥
	// ⎢-1.00  -0.00⎥
	// ⎣-0.00  -1.00⎦
}

func ExampleModel_Path() {
	truth := must(must(clds.SimulateRing(&clds.RingSettings{Trials: 1})).Model())
	p := must(truth.Path([]float64{0}, []float64{0, 1}, 4)) // from (0, 1) at heading 0
	fmt.Printf("%.3f\n", mat.Formatted(p))
	// Output:
	// ⎡0.000  1.000⎤
	// ⎢1.000  0.900⎥
	// ⎢1.000  0.810⎥
	// ⎣1.000  0.729⎦
}

func ExampleModel_EigenAngleCurves() {
	truth := must(must(clds.SimulateRing(&clds.RingSettings{Trials: 1})).Model())
	c := must(truth.EigenAngleCurves(clds.Grid(0, 2*math.Pi, 6), nil))
	fmt.Printf("fast mode (radial): %.0f°\nslow mode (along the ring): %.0f°\n", c[0], c[1])
	// Output:
	// fast mode (radial): [0 60 120 180 240 300]°
	// slow mode (along the ring): [90 150 210 270 330 390]°
}

func ExampleModel_Sample() {
	m := must(must(clds.SimulateRing(&clds.RingSettings{Trials: 1})).Model())
	u := mat.NewDense(5, 1, []float64{0, 0.1, 0.2, 0.3, 0.4}) // headings
	x, y := must2(m.Sample(rand.New(rand.NewPCG(1, 2)), 5, u))
	r, c := y.Dims()
	fmt.Printf("y is %d×%d; x_4 = (%.2f, %.2f)\n", r, c, x.At(4, 0), x.At(4, 1))
	// Output:
	// y is 5×10; x_4 = (1.06, 0.04)
}

func must2[T, U any](a T, b U, err error) (T, U) {
	if err != nil {
		panic(err)
	}
	return a, b
}

func ExampleRing_Report() {
	ring := must(clds.SimulateRing(&clds.RingSettings{Trials: 30, Seed: 9}))
	train, _ := ring.Split(20)
	fit := must(clds.FitNew(clds.RingConfig(), train, &clds.Settings{Seed: 1, MaxIterations: 50}))
	static := must(clds.FitNew(clds.StaticConfig(2), train, &clds.Settings{Seed: 1, MaxIterations: 50}))
	r := must(ring.Report(fit.Model, static.Model, 20))
	fmt.Printf("held-out: CLDS %.0f, static LDS %.0f, truth %.0f nats over %d bins\n", r.HeldOut.CLDS, r.HeldOut.Static, r.HeldOut.Truth, r.TestBins)
	fmt.Printf("eigenvalue error %.3f; fixed points %.3f overall\n", r.EigenvalueMaxError, r.FixedPointRelError)
	// Output:
	// held-out: CLDS -687, static LDS -1507, truth -614 nats over 1000 bins
	// eigenvalue error 0.110; fixed points 0.167 overall
}

func ExampleModel_TransformAffine() {
	m := must(must(clds.SimulateRing(&clds.RingSettings{Trials: 3})).Model())
	// Shift the latent coordinates by c = (0.5, 0): the fixed points move
	// with them, the likelihood does not change.
	moved := must(m.TransformAffine(mat.NewDiagDense(2, []float64{1, 1}), mat.NewVecDense(2, []float64{0.5, 0})))
	u := []float64{0}
	x0, x1 := must(m.FixedPoint(u)), must(moved.FixedPoint(u))
	fmt.Printf("x*(0): (%.2f, %.2f) -> (%.2f, %.2f)\n", x0.AtVec(0), math.Abs(x0.AtVec(1)), x1.AtVec(0), math.Abs(x1.AtVec(1)))
	// Output:
	// x*(0): (1.00, 0.00) -> (1.50, 0.00)
}

func ExampleDataset_SqrtZScore() {
	ds := &clds.Dataset{Trials: []clds.Trial{{Y: mat.NewDense(2, 2, []float64{0, 1, 4, 9})}}}
	if err := ds.SqrtZScore(); err != nil {
		panic(err)
	}
	fmt.Printf("%.3f\n", mat.Formatted(ds.Trials[0].Y))
	// Output:
	// ⎡-1.342  -0.447⎤
	// ⎣ 0.447   1.342⎦
}

func ExampleFitNew() {
	ring := must(clds.SimulateRing(&clds.RingSettings{Trials: 12, Seed: 2}))
	train, test := ring.Split(10)
	res := must(clds.FitNew(clds.RingConfig(), train, &clds.Settings{Seed: 1, MaxIterations: 30}))
	fmt.Printf("%v after %d iterations; held-out %.3f nats per bin over %d bins\n",
		res.Status, res.Iterations, must(res.Model.LogLikPerBin(test)), clds.ObservedBins(test))
	// Output:
	// IterationLimit after 30 iterations; held-out -1.082 nats per bin over 200 bins
}
