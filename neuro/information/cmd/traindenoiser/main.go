// Command traindenoiser trains the conditional denoisers of the registered
// diffusion checks of neuro/information (information.Checks: the brief's
// 1-D Poisson neuron and the 2-D linear-Gaussian receptive-field neuron),
// writes them as safetensors checkpoints (shipped in
// neuro/information/models and embedded in the package, see
// information.Pretrained) and writes a results JSON with the settings, the
// source revision, the training curves, the time to reach the 10% RMS
// target and the final check.
//
//	go run ./neuro/information/cmd/traindenoiser -out neuro/information/models
//
// During training the averaged weights are evaluated every -eval-every
// steps with a cheaper estimate (128 draws per node, one replicate) against
// the quadrature; this is reported, never used to choose anything: the
// recipe is information.TrainSettings' defaults and the checkpoint is the
// last step's. A held-out denoising loss (8192 samples, fixed seed) is
// recorded beside it.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/neuronb/neuronb/neuro/information"
	"github.com/neuronb/neuronb/neuro/linalg"
	"github.com/neuronb/neuronb/neuro/run"
)

func main() {
	out := flag.String("out", "neuro/information/models", "directory receiving <name>.safetensors and results.json")
	steps := flag.Int("steps", 20000, "training steps")
	seed := flag.Uint64("seed", 1, "seed of the initial weights and of the training samples")
	every := flag.Int("eval-every", 1000, "steps between evaluations against the quadrature")
	only := flag.String("only", "", "comma-separated check names (default all)")
	flag.Parse()
	if err := trainAll(*out, *steps, *seed, *every, *only); err != nil {
		fmt.Fprintln(os.Stderr, "traindenoiser:", err)
		os.Exit(1)
	}
}

func git(args ...string) string {
	b, err := exec.Command("git", args...).Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}

func trainAll(out string, steps int, seed uint64, every int, only string) error {
	res := information.TrainingRun{Revision: git("rev-parse", "HEAD"), Dirty: git("status", "--porcelain", "--untracked-files=no") != "",
		Date: time.Now().UTC().Format(time.RFC3339), GoVersion: runtime.Version(), BLAS: linalg.BLAS(), CPUs: runtime.NumCPU()}
	for i, c := range information.Checks() {
		if only != "" && !strings.Contains(","+only+",", ","+c.Name+",") {
			continue
		}
		m, err := trainOne(c, steps, seed+uint64(i), every)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		meta := map[string]string{"revision": res.Revision, "date": res.Date,
			"train_seconds": fmt.Sprintf("%.1f", m.TrainSeconds), "steps": fmt.Sprint(steps)}
		for k, v := range map[string]any{"encoder": m.Encoder, "train": m.Train} {
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			meta[k] = string(b)
		}
		res.Models = append(res.Models, m.TrainedModel)
		if err := m.dn.Save(filepath.Join(out, c.Name+".safetensors"), meta); err != nil {
			return err
		}
	}
	b, err := json.MarshalIndent(res, "", " ")
	if err != nil {
		return err
	}
	name := "results.json"
	if only != "" {
		name = "results_" + strings.ReplaceAll(only, ",", "_") + ".json"
	}
	return os.WriteFile(filepath.Join(out, name), append(b, '\n'), 0o644)
}

type trained struct {
	information.TrainedModel
	dn *information.Denoiser
}

func trainOne(c information.Check, steps int, seed uint64, every int) (*trained, error) {
	exact, err := information.Exact(c.Encoder, c.Grid, nil)
	if err != nil {
		return nil, err
	}
	dn, err := information.NewDenoiser(rand.New(rand.NewPCG(seed, 7)), c.Encoder, information.DenoiserConfig{})
	if err != nil {
		return nil, err
	}
	m := &trained{TrainedModel: information.TrainedModel{Name: c.Name, Encoder: c.Encoder, Grid: c.Grid.Axes, Config: dn.Config,
		Check: c.Settings, MutualInfo: exact.MutualInformation, Exact: exact.ILocal, StepsToTarget: -1, SecondsToTarget: -1}}
	fmt.Printf("%s: I = %.5f nats, exact I_local %v\n", c.Name, exact.MutualInformation, round(exact.ILocal))
	var trainTime time.Duration
	last := time.Now()
	var losses []float64
	set := information.TrainSettings{MaxIterations: steps, Seed: seed, CheckpointEvery: every}
	set.Progress = func(s run.Step) error {
		losses = append(losses, s.Value)
		return nil
	}
	set.Checkpoint = func(it int, avg *information.Denoiser) error {
		trainTime += time.Since(last)
		est, err := avg.Estimate(c.Encoder, c.Grid, &information.EstimateSettings{GammaNodes: c.Settings.GammaNodes, Samples: 128, Seed: 99})
		if err != nil {
			return err
		}
		_, rms, mx, err := information.RelativeErrors(est.ILocal, exact.ILocal)
		if err != nil {
			return err
		}
		held, err := avg.Loss(rand.New(rand.NewPCG(12345, 1)), c.Encoder, 8192, 0.25)
		if err != nil {
			return err
		}
		tl := 0.0
		k := min(every, len(losses))
		for _, v := range losses[len(losses)-k:] {
			tl += v / float64(k)
		}
		m.Curve = append(m.Curve, information.TrainingPoint{Step: it, TrainSeconds: trainTime.Seconds(), TrainLoss: tl, HeldOutLoss: held,
			RMSRelative: rms, MaxRelative: mx, Estimate: est.ILocal})
		if rms <= c.MaxRMS && m.StepsToTarget < 0 {
			m.StepsToTarget, m.SecondsToTarget = it, trainTime.Seconds()
		}
		fmt.Printf("%s step %6d  %6.1fs  loss %.4f  held-out %.4f  RMS rel %.3f  max %.3f\n", c.Name, it, trainTime.Seconds(), tl, held, rms, mx)
		last = time.Now()
		return nil
	}
	m.Train = set
	tr, err := dn.Train(c.Encoder, &set)
	if err != nil {
		return nil, err
	}
	m.TrainSeconds = trainTime.Seconds()
	for i := 99; i < len(tr.Loss); i += 100 {
		m.LossEvery100 = append(m.LossEvery100, tr.Loss[i])
	}
	m.dn = dn
	est, err := dn.Estimate(c.Encoder, c.Grid, &c.Settings)
	if err != nil {
		return nil, err
	}
	m.Estimate = est.ILocal
	for _, s := range est.Summary {
		m.EstimateLo, m.EstimateHi = append(m.EstimateLo, s.Lo), append(m.EstimateHi, s.Hi)
	}
	_, m.RMSRelative, m.MaxRelative, err = information.RelativeErrors(est.ILocal, exact.ILocal)
	if err != nil {
		return nil, err
	}
	m.Passed = m.RMSRelative <= c.MaxRMS && m.MaxRelative <= c.MaxRel
	fmt.Printf("%s final: RMS rel %.4f (≤ %.2f), max %.4f (≤ %.2f), passed %v; training %.0fs, %d steps to the target\n",
		c.Name, m.RMSRelative, c.MaxRMS, m.MaxRelative, c.MaxRel, m.Passed, m.TrainSeconds, m.StepsToTarget)
	if c.Name == "rf2d" {
		xs := information.ExactSettings{Sampling: information.ResponsesGivenX, GammaMax: 1e4, GammaNodes: 48}
		ex, err := information.Exact(c.Encoder, c.Grid, &xs)
		if err != nil {
			return nil, err
		}
		es := c.Settings
		es.Sampling = information.ResponsesGivenX
		ee, err := dn.Estimate(c.Encoder, c.Grid, &es)
		if err != nil {
			return nil, err
		}
		m.ExactGivenX, m.EstimateGivenX = ex.ILocal, ee.ILocal
	}
	return m, nil
}

func round(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(int(x*1e4+0.5)) / 1e4
	}
	return out
}
