package information

import (
	"math/rand/v2"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
	"github.com/neuronb/neuronb/neuro/linalg"
)

// benchEncoder2D is the benchmark's 2-D neuron: a Poisson neuron with a
// sigmoid receptive field w = (1, 0.5), on a 64 × 64 grid over [−4, 4]².
func benchEncoder2D(b testing.TB) (*Encoder, Grid) {
	e, err := NewEncoder(StandardPrior(2), PoissonNeuron(SigmoidTuning(0.5, 10, 3, 0.3, 1, 0.5)))
	if err != nil {
		b.Fatal(err)
	}
	ax := Linspace(-4, 4, 64)
	return e, mustGrid(b, ax, ax)
}

// BenchmarkExact2D64 is the 2-D quadrature on a 64 × 64 grid (every
// measure, default settings: 40 + 2 γ nodes, internal step 0.125, 55
// counts). BenchmarkExact2D64Numpy runs the same algorithm in numpy
// (testdata/exact_numpy.py, Debian's numpy and OpenBLAS) beside it; run
// both with the BLAS setting to compare:
//
//	go test ./neuro/information -run '^$' -bench 'Exact2D64' -benchtime 1x -count 3
//	go test -tags openblas ./neuro/information -run '^$' -bench 'Exact2D64' -benchtime 1x -count 3
func BenchmarkExact2D64(b *testing.B) {
	b.Logf("BLAS: %s", linalg.BLAS())
	e, g := benchEncoder2D(b)
	cpu := processCPU()
	for b.Loop() {
		if _, err := Exact(e, g, nil); err != nil {
			b.Fatal(err)
		}
	}
	if cpu >= 0 {
		b.ReportMetric((processCPU()-cpu)/float64(b.N), "cpu-s/op")
	}
}

// BenchmarkExact2D64Numpy reports the numpy implementation's best time of
// three as numpy-s/op (the process start and the import are not counted)
// and its best process CPU time (all threads) as numpy-cpu-s/op, which
// BenchmarkExact2D64's cpu-s/op matches: on a shared machine the wall
// clock mostly measures the other processes.
func BenchmarkExact2D64Numpy(b *testing.B) {
	if err := pyoracle.Available("numpy"); err != nil {
		b.Skip(err)
	}
	e, g := benchEncoder2D(b)
	m, err := Exact(e, g, &ExactSettings{GammaNodes: 2})
	if err != nil {
		b.Fatal(err)
	}
	m.Settings.GammaNodes = 40
	var out numpyOutput
	for b.Loop() {
		if err := pyoracle.Call(script(b, "exact_numpy.py"), numpyInput(e, g, m, 3), &out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(out.Seconds, "numpy-s/op")
	b.ReportMetric(out.CPU, "numpy-cpu-s/op")
}

// BenchmarkDenoiserTrainStep is one training step of the default denoiser
// (3 × 128 SiLU, batch 512) on the brief's neuron; cmd/traindenoiser
// reports the time to the 10% target.
func BenchmarkDenoiserTrainStep(b *testing.B) {
	b.Logf("BLAS: %s", linalg.BLAS())
	e := briefNeuron(b)
	dn, err := NewDenoiser(rand.New(rand.NewPCG(1, 1)), e, DenoiserConfig{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := dn.Train(e, &TrainSettings{MaxIterations: 5}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if _, err := dn.Train(e, &TrainSettings{MaxIterations: b.N}); err != nil {
		b.Fatal(err)
	}
}
