package plasticity_test

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/neuronb/neuronb/neuro/linalg"
	"github.com/neuronb/neuronb/neuro/plasticity"
	"github.com/neuronb/neuronb/neuro/train"
)

// The side-by-side benchmarks time Go in this process and run their torch
// anchor (Debian's torch 1.13 under /usr/bin/python3, which uses the
// system OpenBLAS) with the same number of threads and the same
// environment, so OPENBLAS_CORETYPE is whatever the caller set, as the
// kernelspec sets it. Run them as the default kernelspec builds cells:
//
//	go test -tags openblas ./neuro/plasticity -run '^$' -bench SideBySide -benchtime 1x

const debianPython = "/usr/bin/python3"

func torchAnchor(b *testing.B, script string, in any) map[string]float64 {
	b.Helper()
	if err := exec.Command(debianPython, "-c", "import torch, numpy").Run(); err != nil {
		b.Skipf("%s lacks torch or numpy (./install.sh --test installs them): %v", debianPython, err)
	}
	data, err := json.Marshal(in)
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(debianPython, script)
	cmd.Stdin = strings.NewReader(string(data))
	cmd.Env = os.Environ()
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("%s: %v", script, err)
	}
	var res map[string]float64
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		b.Fatalf("%s: %v\n%s", script, err, out)
	}
	return res
}

// mlpStepper is one Adam training step of the 3×128 ReLU MLP on a batch of
// 256 (the network of torch_mlp_step.py).
type mlpStepper[T train.Float] struct {
	net      *train.Net[T]
	opt      *train.Adam[T]
	cache    *train.Cache[T]
	x, y, dy []T
}

func newMLPStepper[T train.Float](b *testing.B) *mlpStepper[T] {
	rng := rand.New(rand.NewPCG(1, 2))
	net, err := train.NewNet[T](rng, 8, train.Dense(128, train.ReLU), train.Dense(128, train.ReLU), train.Dense(128, train.ReLU), train.Dense(1, train.Identity))
	if err != nil {
		b.Fatal(err)
	}
	opt, err := train.NewAdam([]train.Group[T]{{Params: net.Params()}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	s := &mlpStepper[T]{net: net, opt: opt, cache: net.NewCache(), x: make([]T, 256*8), y: make([]T, 256), dy: make([]T, 256)}
	for i := range s.x {
		s.x[i] = T(rng.NormFloat64())
	}
	for i := range s.y {
		s.y[i] = T(rng.NormFloat64())
	}
	return s
}

func (s *mlpStepper[T]) step(b *testing.B) {
	out, err := s.net.Forward(s.cache, s.x)
	if err != nil {
		b.Fatal(err)
	}
	for k := range s.y {
		s.dy[k] = 2 * (out[k] - s.y[k]) / 256
	}
	s.opt.ZeroGrad()
	if _, err := s.net.Backward(s.cache, s.dy); err != nil {
		b.Fatal(err)
	}
	if err := s.opt.Step(); err != nil {
		b.Fatal(err)
	}
}

// bestRate returns the best of three timings of n calls of f, per second.
func bestRate(n int, f func()) float64 {
	for i := 0; i < n/5; i++ {
		f()
	}
	best := 0.0
	for r := 0; r < 3; r++ {
		start := time.Now()
		for i := 0; i < n; i++ {
			f()
		}
		best = max(best, float64(n)/time.Since(start).Seconds())
	}
	return best
}

// BenchmarkMLPStepSideBySide: steps per second of one Adam training step
// of the 3×128 ReLU MLP at batch 256, Go (train.Net, float32 and float64)
// beside torch 1.13 (float32, its default, and float64) with the same
// threads. Target (issue 15): Go float32 ≥ 1.0× torch float32.
func BenchmarkMLPStepSideBySide(b *testing.B) {
	threads := runtime.GOMAXPROCS(0)
	for i := 0; i < b.N; i++ {
		s32, s64 := newMLPStepper[float32](b), newMLPStepper[float64](b)
		go32 := bestRate(100, func() { s32.step(b) })
		go64 := bestRate(100, func() { s64.step(b) })
		th32 := torchAnchor(b, "testdata/torch_mlp_step.py", map[string]any{"threads": threads, "dtype": "float32", "steps": 100})["steps_per_s"]
		th64 := torchAnchor(b, "testdata/torch_mlp_step.py", map[string]any{"threads": threads, "dtype": "float64", "steps": 100})["steps_per_s"]
		b.Logf("BLAS %s, %d threads, OPENBLAS_CORETYPE=%q", linalg.BLAS(), threads, os.Getenv("OPENBLAS_CORETYPE"))
		b.Logf("float32: Go %.0f steps/s, torch %.0f steps/s: %.2fx", go32, th32, go32/th32)
		b.Logf("float64: Go %.0f steps/s, torch %.0f steps/s: %.2fx", go64, th64, go64/th64)
		b.ReportMetric(go32/th32, "go/torch-f32")
		b.ReportMetric(go64/th64, "go/torch-f64")
	}
}

// BenchmarkGraMaScoringCost: scoring GraMa (weight-gradient form) on the
// batch of a training step, as a fraction of the step's time. Target
// (issue 15): ≤ 0.10.
func BenchmarkGraMaScoringCost(b *testing.B) {
	for i := 0; i < b.N; i++ {
		s := newMLPStepper[float32](b)
		stepRate := bestRate(100, func() { s.step(b) })
		var err error
		scoreRate := bestRate(100, func() {
			if _, err = plasticity.Score(s.net, s.cache, plasticity.GraMa, 0.1); err != nil {
				b.Fatal(err)
			}
		})
		preRate := bestRate(100, func() {
			if _, err = plasticity.Score(s.net, s.cache, plasticity.GraMaPreAct, 0.1); err != nil {
				b.Fatal(err)
			}
		})
		b.Logf("training step %.0f µs; GraMa %.1f µs (%.3f of a step); pre-activation form %.1f µs (%.3f)",
			1e6/stepRate, 1e6/scoreRate, stepRate/scoreRate, 1e6/preRate, stepRate/preRate)
		b.ReportMetric(stepRate/scoreRate, "grama/step")
		b.ReportMetric(stepRate/preRate, "grama-preact/step")
	}
}

// BenchmarkSACSideBySide: environment steps per second of SAC on
// Pendulum-v1 (2 × 64 networks, batch 128, 1500 steps of which 500
// random, 4 gradient steps per environment step), Go (TrainSAC, float32)
// beside the torch SAC written from the same equations
// (testdata/torch_sac.py), same threads.
func BenchmarkSACSideBySide(b *testing.B) {
	threads := runtime.GOMAXPROCS(0)
	for i := 0; i < b.N; i++ {
		set := plasticity.SACSettings{MaxIterations: 1500, LearningStarts: 500, UTD: 4, Hidden: 64, Batch: 128, Seed: 1}
		best := 0.0
		for r := 0; r < 2; r++ {
			res, err := plasticity.TrainSAC(&set)
			if err != nil {
				b.Fatal(err)
			}
			best = max(best, res.StepsPerSecond)
		}
		in := map[string]any{"threads": threads, "seed": 1, "hidden": 64, "batch": 128, "steps": 1500, "starts": 500, "utd": 4, "target_entropy": -1.0}
		th := max(torchAnchor(b, "testdata/torch_sac.py", in)["env_steps_per_s"], torchAnchor(b, "testdata/torch_sac.py", in)["env_steps_per_s"])
		b.Logf("BLAS %s, %d threads: Go %.1f env steps/s, torch %.1f env steps/s: %.2fx", linalg.BLAS(), threads, best, th, best/th)
		b.ReportMetric(best/th, "go/torch")
		b.ReportMetric(best, "go-env-steps/s")
	}
}
