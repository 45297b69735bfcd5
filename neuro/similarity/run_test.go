package similarity

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/run"
)

// studyNumbers is everything numerical a study reports, without its
// runtimes.
func studyNumbers(r *StudyResult) []any {
	out := []any{r.PopulationCKA, r.PopulationCCA, r.Iterations, r.Objective, r.Status}
	for _, p := range r.Points {
		out = append(out, p.SampleCKA, p.SampleCCA, p.PredictedCKA, p.PredictedCCA, p.DenoisedCKA, p.DenoisedCCA,
			p.DrawDenoisedCKA, p.DrawDenoisedCCA, p.UnbiasedCKA, p.SampleEigenvalues, p.SelfOverlap, p.SelfOverlapTheory,
			p.MeanOverlap.RawMatrix().Data, p.Prediction.Q.RawMatrix().Data, p.Denoised.MTilde.RawMatrix().Data, p.Denoised.Iterations)
	}
	return out
}

// Oracle: bit-for-bit equality. Draws have their own random streams and
// the parallel loop writes each draw to its own slot, so the number of
// workers cannot change a single bit of a study.
func TestStudyIsIndependentOfWorkers(t *testing.T) {
	pair := must(PowerLawPair(60, 1.2, 0.6, 4))(t)
	var got [][]any
	for _, w := range []int{1, 3} {
		res := must(SubsamplingStudy(pair.X, pair.Y, []int{8, 30}, &StudySettings{Draws: 7, Seed: 5, Workers: w, DenoiseEachDraw: true}))(t)
		got = append(got, studyNumbers(res))
	}
	if !reflect.DeepEqual(got[0], got[1]) {
		t.Fatal("the study differs between 1 and 3 workers")
	}
}

// Oracle: bit-for-bit equality of the implicit operator X(XᵀV) over any
// number of workers (chunk sums are added in chunk order).
func TestCrossOperatorIsIndependentOfWorkers(t *testing.T) {
	xc := must(centered("X", powerLawData(700, 90, 31)))(t)
	for _, cov := range []bool{false, true} {
		r := 700
		if cov {
			r = 90
		}
		src := randn(r, 2, 32)
		var outs []*mat.Dense
		for _, w := range []int{1, 2, 5} {
			dst := mat.NewDense(r, 2, nil)
			crossOperator(xc, cov, w)(dst, src)
			outs = append(outs, dst)
		}
		for _, o := range outs[1:] {
			if !mat.Equal(o, outs[0]) {
				t.Fatalf("cov=%v: the operator differs with the number of workers", cov)
			}
		}
	}
}

// Oracle: bit-for-bit equality of the Stieltjes solution over workers.
func TestStieltjesIsIndependentOfWorkers(t *testing.T) {
	pop := make([]float64, 100)
	copy(pop, PowerLawSpectrum(99, 1.2))
	lam := PowerLawSpectrum(25, 1.1)
	a := must(SolveStieltjes(lam, pop, 4, &StieltjesSettings{Workers: 1}))(t)
	b := must(SolveStieltjes(lam, pop, 4, &StieltjesSettings{Workers: 3}))(t)
	if !reflect.DeepEqual(a.G, b.G) || a.Iterations != b.Iterations {
		t.Fatal("the Stieltjes solution differs with the number of workers")
	}
	if a.Status != run.Converged || !(a.Objective < 1e-10) {
		t.Errorf("status %v, largest relative residual %g", a.Status, a.Objective)
	}
}

// A Progress that stops after k steps stops a study at the same draw on any
// number of workers; the result keeps the neuron counts finished before.
func TestStudyProgressStopsAtTheSameDraw(t *testing.T) {
	pair := must(PowerLawPair(40, 1.2, 0.6, 6))(t)
	for _, w := range []int{1, 3} {
		var steps []run.Step
		stop := func(s run.Step) error {
			steps = append(steps, s)
			if s.Iteration == 7 {
				return run.ErrStop
			}
			return nil
		}
		res, err := SubsamplingStudy(pair.X, pair.Y, []int{6, 12, 20}, &StudySettings{Draws: 5, Seed: 1, Workers: w, Progress: stop})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != run.Stopped || res.Iterations != 7 || len(res.Points) != 1 || len(steps) != 7 {
			t.Fatalf("workers %d: status %v after %d draws with %d points and %d steps; want Stopped, 7, 1, 7",
				w, res.Status, res.Iterations, len(res.Points), len(steps))
		}
		if s := steps[6]; s.MaxIterations != 15 || s.Metric != "sample CKA" || !(s.Value > 0 && s.Value < 1) {
			t.Errorf("step %+v", s)
		}
	}
	boom := errors.New("disk full")
	res, err := SubsamplingStudy(pair.X, pair.Y, []int{6}, &StudySettings{Draws: 3, Progress: func(run.Step) error { return boom }})
	if !errors.Is(err, boom) || res == nil || res.Status != run.Stopped {
		t.Fatalf("a failing Progress: result %v, error %v", res, err)
	}
	full := must(SubsamplingStudy(pair.X, pair.Y, []int{6, 12}, &StudySettings{Draws: 3}))(t)
	if full.Status != run.Finished || full.Iterations != 6 || full.Objective != full.Points[1].SampleCKA.Mean || full.Runtime <= 0 {
		t.Errorf("finished study: %+v", full.Stats)
	}
}

// A stopped bootstrap uses the resamples up to the stop, whatever the
// number of workers.
func TestBootstrapProgressStopsAtTheSameResample(t *testing.T) {
	x := powerLawData(30, 6, 81)
	y := mat.DenseCopyOf(x)
	y.Add(y, randn(30, 6, 82))
	var ivs []*Interval
	for _, w := range []int{1, 3} {
		stop := func(s run.Step) error {
			if s.Iteration == 11 {
				return run.ErrStop
			}
			return nil
		}
		iv := must(Bootstrap(x, y, LinearCKA, &ResampleSettings{Resamples: 50, Seed: 4, Workers: w, Progress: stop}))(t)
		if iv.Status != run.Stopped || iv.Resamples != 11 || iv.Iterations != 11 {
			t.Fatalf("workers %d: %+v", w, iv)
		}
		iv.Runtime = 0
		ivs = append(ivs, iv)
	}
	if *ivs[0] != *ivs[1] {
		t.Fatalf("stopped intervals differ: %+v vs %+v", ivs[0], ivs[1])
	}
}

// denoiseFixture is a draw-averaged recording of 20 neurons of a P = 100
// pair with population CKA 0.5.
func denoiseFixture(t *testing.T) (*StudyResult, StudyPoint) {
	pair := must(PowerLawPair(100, 1.2, 0.5, 1))(t)
	res := must(SubsamplingStudy(pair.X, pair.Y, []int{20}, &StudySettings{Draws: 10, Seed: 1}))(t)
	return res, res.Points[0]
}

// The run convention: Tolerance 0 is the default, a negative Tolerance
// never stops early (both phases use their whole budget), and Progress can
// stop the first phase.
func TestDenoiseToleranceAndProgressFollowTheRunConvention(t *testing.T) {
	res, p := denoiseFixture(t)
	den := func(s *DenoiseSettings) *DenoiseResult {
		t.Helper()
		return must(Denoise(p.MeanOverlap, p.SampleEigenvalues, res.Population, res.Other, 5, s))(t)
	}
	def := den(nil)
	if def.Iterations >= 2*2000 || (def.Status != run.Converged && def.Status != run.IterationLimit) {
		t.Fatalf("defaults: %v after %d iterations; the first phase should settle early", def.Status, def.Iterations)
	}
	zero := den(&DenoiseSettings{Tolerance: 0})
	if zero.Iterations != def.Iterations || zero.CKA != def.CKA {
		t.Errorf("Tolerance 0 is not the default: %d vs %d iterations", zero.Iterations, def.Iterations)
	}
	never := den(&DenoiseSettings{Tolerance: -1, MaxIterations: 60})
	if never.Status != run.IterationLimit || never.Iterations != 120 {
		t.Errorf("negative tolerance: %v after %d iterations, want IterationLimit after 120", never.Status, never.Iterations)
	}
	var last run.Step
	stopped := den(&DenoiseSettings{Progress: func(s run.Step) error {
		last = s
		if s.Iteration == 5 {
			return run.ErrStop
		}
		return nil
	}})
	if stopped.Status != run.Stopped || stopped.Iterations != 5 || math.IsNaN(last.Value) || !strings.Contains(last.Metric, "residual") {
		t.Errorf("stopped denoising: %+v, last step %+v", stopped.Stats, last)
	}
	assertClose(t, "objective of the stopped run", stopped.Objective, objectiveOf(t, stopped, p), 1e-12)
}

// objectiveOf recomputes ‖M − Q M̃‖² of a result on its own restricted
// problem.
func objectiveOf(t *testing.T, d *DenoiseResult, p StudyPoint) float64 {
	t.Helper()
	var r mat.Dense
	r.Mul(d.Q, d.MTilde)
	target := p.MeanOverlap.Slice(0, d.SampleModes, 0, d.OtherModes)
	r.Sub(&r, target)
	return mat.Norm(&r, 2) * mat.Norm(&r, 2)
}

// Settings that no default can mean are reported, naming the field.
func TestSettingsRejectValuesWithoutMeaning(t *testing.T) {
	res, p := denoiseFixture(t)
	for name, s := range map[string]*DenoiseSettings{
		"VarianceFraction": {VarianceFraction: 1.5},
		"InitEnergy":       {InitEnergy: -0.2},
		"Weights":          {Weights: Weighting(7)},
		"Reduction":        {Stieltjes: &StieltjesSettings{Reduction: 2}},
		"StartEta":         {Stieltjes: &StieltjesSettings{StartEta: math.Inf(1)}},
	} {
		_, err := Denoise(p.MeanOverlap, p.SampleEigenvalues, res.Population, res.Other, 5, s)
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v", name, err)
		}
	}
	x := powerLawData(20, 4, 3)
	if _, err := Bootstrap(x, x, LinearCKA, &ResampleSettings{Level: 1.5}); err == nil || !strings.Contains(err.Error(), "Level") {
		t.Errorf("Level 1.5: %v", err)
	}
	if _, err := SubsamplingStudy(x, x, []int{3}, &StudySettings{Sampling: Sampling(9)}); err == nil || !strings.Contains(err.Error(), "Sampling") {
		t.Errorf("Sampling 9: %v", err)
	}
}

// An unset result reads NotTerminated, never "converged".
func TestUnsetResultsAreNotTerminated(t *testing.T) {
	for _, s := range []run.Stats{(&DenoiseResult{}).Stats, (&StieltjesResult{}).Stats, (&StudyResult{}).Stats,
		(&FlipResult{}).Stats, (&Interval{}).Stats, (&PermutationResult{}).Stats} {
		if s.Status != run.NotTerminated {
			t.Fatalf("zero result has status %v", s.Status)
		}
	}
}

// The draws of a study follow their documented streams: draw d at the
// i-th neuron count uses PCG(Seed, i<<32 | d).
func TestStudyDrawStreamsAreDocumented(t *testing.T) {
	pair := must(PowerLawPair(30, 1.2, 0.7, 8))(t)
	res := must(SubsamplingStudy(pair.X, pair.Y, []int{5, 9}, &StudySettings{Draws: 2, Seed: 77, Sampling: NeuronSubsampling}))(t)
	var cka []float64
	for d := 0; d < 2; d++ {
		x := must(SampleNeurons(pair.X, 9, NeuronSubsampling, rand.New(rand.NewPCG(77, 1<<32|uint64(d)))))(t)
		cka = append(cka, must(LinearCKA(x, pair.Y))(t))
	}
	assertClose(t, "mean CKA of draws at N = 9", res.Points[1].SampleCKA.Mean, (cka[0]+cka[1])/2, 1e-10)
}
