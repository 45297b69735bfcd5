package snn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/neuronb/neuronb/kernel/kernelspec"
	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
	"github.com/neuronb/neuronb/neuro/train"
)

// benchCase is one of the two training-step benchmarks.
type benchCase struct {
	name                 string
	inputs, neurons, out int
	steps, batch         int
	task                 string // "mse" or "window_ce"
}

var benchCases = []benchCase{
	{"PatternGeneration", 50, 100, 1, 1000, 1, "mse"},
	{"DMS", 40, 64, 2, 300, 32, "window_ce"},
}

// benchStep returns a closure running one training step (forward, loss,
// BPTT, AdamW with the script's two groups, clamp), as the torch side's
// bench mode does, on inputs at 20 Hz.
func benchStep(b testing.TB, bc benchCase, model Model, mode GradMode, workers int) (func() error, *Network) {
	r := rand.New(rand.NewPCG(1, 2))
	n, err := New(r, Config{Inputs: bc.inputs, Neurons: bc.neurons, Outputs: bc.out, Model: model})
	if err != nil {
		b.Fatal(err)
	}
	x := randomSpikes(r, bc.batch, bc.steps, bc.inputs, 0.02)
	var loss Loss
	if bc.task == "mse" {
		loss = MSE{Target: randomTarget(r, bc.batch, bc.steps, bc.out)}
	} else {
		labels := make([]int, bc.batch)
		for i := range labels {
			labels[i] = i % bc.out
		}
		loss = WindowCE{Labels: labels, From: bc.steps - 10}
	}
	opt, err := train.NewAdam(n.Groups(2e-3, 4e-3, 4e-3), &train.AdamSettings{Decoupled: true})
	if err != nil {
		b.Fatal(err)
	}
	gs := &GradSettings{Mode: mode, Workers: workers}
	return func() error {
		if _, err := n.Gradient(x, loss, gs); err != nil {
			return err
		}
		if err := opt.Step(); err != nil {
			return err
		}
		n.Align()
		return nil
	}, n
}

// BenchmarkTrainStep times one training step of the pattern-generation
// network (T = 1000, batch 1) and of the DMS network (T = 300, batch 32)
// for every model and both gradient modes, and reports the scratch memory
// the step used ("scratch-MB", per all workers).
func BenchmarkTrainStep(b *testing.B) {
	for _, bc := range benchCases {
		for _, model := range []Model{HetSyn, LIF} {
			for _, mode := range []GradMode{Reverse, ForwardDecay} {
				if model != HetSyn && mode == ForwardDecay {
					continue
				}
				b.Run(fmt.Sprintf("%s/%v/%v", bc.name, model, mode), func(b *testing.B) {
					step, n := benchStep(b, bc, model, mode, 0)
					if err := step(); err != nil {
						b.Fatal(err)
					}
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						if err := step(); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
					b.ReportMetric(float64(n.ScratchBytes())/1e6, "scratch-MB")
				})
			}
		}
	}
}

// torchBench runs testdata/hetsyn_torch.py's bench mode under Debian's
// Python with two threads and the OPENBLAS_CORETYPE the kernelspec sets.
func torchBench(b *testing.B, bc benchCase, model Model, coreType string) map[string]any {
	b.Helper()
	in, err := json.Marshal(map[string]any{"mode": "bench", "model": model.String(), "inputs": bc.inputs, "neurons": bc.neurons,
		"outputs": bc.out, "steps": bc.steps, "batch": bc.batch, "task": bc.task, "threads": 2, "repeats": 2, "iters": 1})
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(pyoracle.Python, "testdata/hetsyn_torch.py")
	cmd.Stdin = bytes.NewReader(in)
	env := []string{"OPENBLAS_NUM_THREADS=2", "OMP_NUM_THREADS=2"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OPENBLAS_CORETYPE=") && !strings.HasPrefix(kv, "OPENBLAS_NUM_THREADS=") && !strings.HasPrefix(kv, "OMP_NUM_THREADS=") {
			env = append(env, kv)
		}
	}
	if coreType != "" {
		env = append(env, "OPENBLAS_CORETYPE="+coreType)
	}
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("torch bench: %v", err)
	}
	var res map[string]any
	if err := json.Unmarshal(out, &res); err != nil {
		b.Fatalf("torch bench output %q: %v", out, err)
	}
	return res
}

// BenchmarkSideBySideTorch times one training step (forward, BPTT, AdamW,
// clamp) of the pattern-generation network (T = 1000, batch 1) and of the
// DMS network (T = 300, batch 32), HetSyn and LIF, in Go (best of 3, on
// GOMAXPROCS goroutines) and in the PyTorch implementation of
// testdata/hetsyn_torch.py (Debian's torch 1.13, float32 as the authors
// run it, 2 threads, best of 2), and reports Go's steps/s over torch's
// (target ≥ 1) and the memory of both Go gradient modes (scratch buffers)
// beside torch's peak resident set. Run it alone, on an idle machine:
//
//	go test ./neuro/snn -run '^$' -bench SideBySideTorch -benchtime 1x -timeout 60m
func BenchmarkSideBySideTorch(b *testing.B) {
	if err := pyoracle.Available("torch"); err != nil {
		b.Skip(err)
	}
	coreType := ""
	if repo, err := kernelspec.FindRepo("."); err == nil {
		if choice, err := repo.ProbeOpenBLAS(false); err == nil {
			coreType = choice.CoreType
		}
	}
	b.Logf("OPENBLAS_CORETYPE as the kernelspec sets it: %q (empty: OpenBLAS's own detection)", coreType)
	for i := 0; i < b.N; i++ {
		for _, bc := range benchCases {
			for _, model := range []Model{HetSyn, LIF} {
				best := map[GradMode]float64{}
				mem := map[GradMode]float64{}
				for _, mode := range []GradMode{Reverse, ForwardDecay} {
					step, n := benchStep(b, bc, model, mode, 0)
					best[mode] = math.Inf(1)
					for k := 0; k < 3; k++ {
						start := time.Now()
						if err := step(); err != nil {
							b.Fatal(err)
						}
						best[mode] = math.Min(best[mode], time.Since(start).Seconds())
					}
					mem[mode] = float64(n.ScratchBytes()) / 1e6
				}
				th := torchBench(b, bc, model, coreType)
				ts, _ := th["seconds_per_step"].(float64)
				rss, _ := th["peak_rss_bytes"].(float64)
				goBest := math.Min(best[Reverse], best[ForwardDecay])
				b.Logf("%-17s %-6v Go reverse %.3fs (scratch %.1f MB), forward-mode decays %.3fs (scratch %.1f MB); torch %.3fs (peak RSS %.0f MB); Go/torch steps/s = %.1f",
					bc.name, model, best[Reverse], mem[Reverse], best[ForwardDecay], mem[ForwardDecay], ts, rss/1e6, ts/goBest)
				b.ReportMetric(ts/goBest, bc.name+"-"+model.String()+"-go/torch")
			}
		}
	}
}
