package information

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/run"
)

// TestEstimateWithExactScores: the diffusion estimator fed the exact
// noise difference of the 2-D linear-Gaussian neuron (so only Monte Carlo
// error remains) gives I_local ≈ I at every stimulus with r ~ p(r|y), and
// the quadratic closed form with r ~ p(r|x), each within 4%; along the
// receptive field (|a·x| ≥ 4) the two variants differ by far more than
// that, which is how the linear-Gaussian model tells them apart. The integral over log γ in
// [−9, 7] leaves out about 1e-3 nats.
func TestEstimateWithExactScores(t *testing.T) {
	lg := rf2D(t)
	e, err := lg.Encoder()
	if err != nil {
		t.Fatal(err)
	}
	g := mustGrid(t, []float64{-2, 0, 2}, []float64{-2, 0, 2})
	want, _ := lg.ILocal()
	set := EstimateSettings{Samples: 256, Replicates: 4, Seed: 3}
	y, err := EstimateILocal(lg.ExactNoise(), e, g, &set)
	if err != nil {
		t.Fatal(err)
	}
	set.Sampling = ResponsesGivenX
	x, err := EstimateILocal(lg.ExactNoise(), e, g, &set)
	if err != nil {
		t.Fatal(err)
	}
	pt := make([]float64, 2)
	for p := range y.ILocal {
		g.Point(p, pt)
		wx, _, err := lg.ILocalGivenX(pt)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("x = %v: r~p(r|y) %.4f [%.4f, %.4f] (I = %.4f); r~p(r|x) %.4f [%.4f, %.4f] (closed form %.4f)",
			pt, y.ILocal[p], y.Summary[p].Lo, y.Summary[p].Hi, want, x.ILocal[p], x.Summary[p].Lo, x.Summary[p].Hi, wx)
		if math.Abs(y.ILocal[p]-want) > 0.04*want {
			t.Errorf("x = %v: r~p(r|y) estimate %.4f, I = %.4f", pt, y.ILocal[p], want)
		}
		if math.Abs(x.ILocal[p]-wx) > 0.04*wx {
			t.Errorf("x = %v: r~p(r|x) estimate %.4f, closed form %.4f", pt, x.ILocal[p], wx)
		}
		if math.Abs(2*pt[0]+pt[1]) >= 4 && math.Abs(wx-want) < 0.2*want {
			t.Fatalf("x = %v: the variants are too close to tell apart (%.4f vs %.4f)", pt, wx, want)
		}
	}
	for p := range y.ILocal {
		if s := y.Features[0][p] + y.Features[1][p]; math.Abs(s-y.ILocal[p]) > 1e-12 {
			t.Fatalf("features sum to %v, I_local %v", s, y.ILocal[p])
		}
	}
}

// TestDenoiserTrainLossFalls is the reduced training run: 600 steps of
// batch 256 on the brief's neuron lower the denoising loss: the mean of
// the last 150 steps' batch losses is below the first 150's, and the
// held-out loss, on the same 4096 samples before and after (paired, so
// the comparison is not drowned in sampling noise), falls by at least
// 0.01. Most of the loss is noise that nothing predicts (ξ at small γ),
// so the batch losses alone fall by less than their spread.
func TestDenoiserTrainLossFalls(t *testing.T) {
	e := briefNeuron(t)
	dn, err := NewDenoiser(rand.New(rand.NewPCG(1, 2)), e, DenoiserConfig{Width: 64, Depth: 2})
	if err != nil {
		t.Fatal(err)
	}
	before, err := dn.Loss(rand.New(rand.NewPCG(9, 9)), e, 4096, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	res, err := dn.Train(e, &TrainSettings{MaxIterations: 600, Batch: 256, Seed: 4, Progress: func(s run.Step) error {
		calls++
		if s.Metric != "loss" {
			t.Errorf("metric %q", s.Metric)
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	after, err := dn.Loss(rand.New(rand.NewPCG(9, 9)), e, 4096, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	first, last := mean(res.Loss[:150]), mean(res.Loss[450:])
	t.Logf("training loss %.4f → %.4f; held-out %.4f → %.4f; %v", first, last, before, after, res.Stats.Status)
	if res.Status != run.IterationLimit || res.Iterations != 600 || calls != 600 || len(res.Loss) != 600 {
		t.Errorf("status %v, %d iterations, %d progress calls, %d losses", res.Status, res.Iterations, calls, len(res.Loss))
	}
	if !(last < first) {
		t.Errorf("the training loss did not fall: %.4f → %.4f", first, last)
	}
	if !(after < before-0.01) {
		t.Errorf("the held-out loss did not fall by 0.01: %.4f → %.4f", before, after)
	}
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// TestDenoiserSaveLoad: a saved denoiser loads with the same predictions
// and metadata; a file without the denoiser's metadata is refused.
func TestDenoiserSaveLoad(t *testing.T) {
	e := briefNeuron(t)
	dn, err := NewDenoiser(rand.New(rand.NewPCG(5, 6)), e, DenoiserConfig{Width: 16, Depth: 2})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "d.safetensors")
	if err := dn.Save(path, map[string]string{"revision": "abc"}); err != nil {
		t.Fatal(err)
	}
	back, meta, err := LoadDenoiser(path)
	if err != nil {
		t.Fatal(err)
	}
	if meta["revision"] != "abc" {
		t.Errorf("metadata %v", meta)
	}
	for _, c := range []struct {
		y, lg, r float64
		mask     bool
	}{{0.3, -2, 4, true}, {-1, 3, 0, false}, {2, -8, 11, true}} {
		a, err := dn.Predict([]float64{c.y}, c.lg, []float64{c.r}, c.mask)
		if err != nil {
			t.Fatal(err)
		}
		b, err := back.Predict([]float64{c.y}, c.lg, []float64{c.r}, c.mask)
		if err != nil {
			t.Fatal(err)
		}
		if a[0] != b[0] {
			t.Errorf("prediction %v after loading, %v before", b[0], a[0])
		}
	}
	if err := dn.Save(path, map[string]string{metaKey: "x"}); err == nil || !strings.Contains(err.Error(), "reserved") {
		t.Errorf("saving with the reserved key: %v", err)
	}
}

// TestDenoiserRejectsBadInput: mismatched encoders and settings are
// reported.
func TestDenoiserRejectsBadInput(t *testing.T) {
	e := briefNeuron(t)
	dn, err := NewDenoiser(rand.New(rand.NewPCG(5, 6)), e, DenoiserConfig{Width: 8, Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewEncoder(Prior{Mean: []float64{0}, Var: []float64{2}}, PoissonNeuron(BumpTuning(0.5, 8, 0.5, 0.7)))
	if err != nil {
		t.Fatal(err)
	}
	g := mustGrid(t, []float64{0})
	for _, c := range []struct {
		name string
		err  func() error
		want string
	}{
		{"other prior", func() error { _, err := dn.Estimate(other, g, nil); return err }, "made for the prior"},
		{"2-D encoder", func() error { _, err := dn.Train(uShaped2D(t), nil); return err }, "takes 1 features"},
		{"drop 0", func() error { _, err := dn.Train(e, &TrainSettings{DropProb: 1}); return err }, "DropProb = 1"},
		{"negative LR", func() error { _, err := dn.Train(e, &TrainSettings{LR: -1}); return err }, "LR = -1"},
		{"checkpoint without period", func() error {
			_, err := dn.Train(e, &TrainSettings{Checkpoint: func(int, *Denoiser) error { return nil }})
			return err
		}, "CheckpointEvery = 0"},
		{"log γ range", func() error {
			_, err := dn.Estimate(e, g, &EstimateSettings{LogGammaMin: 2, LogGammaMax: 1})
			return err
		}, "log γ range"},
		{"NaN y", func() error { _, err := dn.Predict([]float64{math.NaN()}, 0, []float64{1}, true); return err }, "finite"},
		{"r length", func() error { _, err := dn.Predict([]float64{0}, 0, []float64{1, 2}, true); return err }, "r has 2 values"},
		{"bad config", func() error {
			_, err := NewDenoiser(rand.New(rand.NewPCG(1, 1)), e, DenoiserConfig{LogGammaMin: 3, LogGammaMax: 1})
			return err
		}, "log γ range"},
	} {
		err := c.err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func uShaped2D(t testing.TB) *Encoder {
	e, err := NewEncoder(StandardPrior(2), PoissonNeuron(BumpTuning(1, 2, 1, 0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	return e
}
