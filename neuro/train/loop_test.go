package train_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/train"
)

// Oracle: counting. Every step runs once in order, the losses and steps
// reach Progress, and the Status says why the loop ended.
func TestLoopRecordsStepsAndStops(t *testing.T) {
	var seen []run.Step
	res, err := train.Loop(func(it int, _ *rand.Rand) (float64, error) { return 1 / float64(it), nil },
		&train.Settings{MaxIterations: 4, Progress: func(s run.Step) error { seen = append(seen, s); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != run.IterationLimit || res.Iterations != 4 || len(res.Loss) != 4 || res.Objective != 0.25 || len(seen) != 4 {
		t.Fatalf("result %+v, %d progress calls", res, len(seen))
	}
	if s := seen[1]; s.Iteration != 2 || s.MaxIterations != 4 || s.Metric != "loss" || s.Value != 0.5 {
		t.Errorf("second step reported as %+v", s)
	}
	if m := res.TailMean(2); math.Abs(m-(1.0/3+0.25)/2) > 1e-15 {
		t.Errorf("TailMean(2) = %v", m)
	}

	stopAt2 := func(s run.Step) error {
		if s.Iteration == 2 {
			return run.ErrStop
		}
		return nil
	}
	res, err = train.Loop(func(int, *rand.Rand) (float64, error) { return 1, nil }, &train.Settings{MaxIterations: 10, Progress: stopAt2})
	if err != nil || res.Status != run.Stopped || res.Iterations != 2 {
		t.Errorf("stopped by Progress: %+v, %v", res, err)
	}

	res, err = train.Loop(func(it int, _ *rand.Rand) (float64, error) {
		if it == 3 {
			return math.NaN(), nil
		}
		return 1, nil
	}, nil)
	if err == nil || res.Status != run.NumericalFailure || res.Iterations != 2 || !strings.Contains(err.Error(), "step 3") {
		t.Errorf("NaN loss: %+v, %v", res, err)
	}

	boom := errors.New("out of data")
	res, err = train.Loop(func(int, *rand.Rand) (float64, error) { return 0, boom }, nil)
	if !errors.Is(err, boom) || res.Status != run.Stopped || res.Iterations != 0 {
		t.Errorf("failing step: %+v, %v", res, err)
	}
	if _, err := train.Loop(nil, nil); err == nil {
		t.Error("a nil step should be refused")
	}
	if _, err := train.Loop(func(int, *rand.Rand) (float64, error) { return 0, nil }, &train.Settings{MaxIterations: -1}); err == nil {
		t.Error("negative MaxIterations should be refused")
	}
}

// Oracle: the same seed gives the same stream, whatever else happens.
func TestLoopSeedFixesTheStream(t *testing.T) {
	draw := func(seed uint64) []float64 {
		var xs []float64
		_, err := train.Loop(func(_ int, rng *rand.Rand) (float64, error) {
			xs = append(xs, rng.Float64())
			return 0, nil
		}, &train.Settings{MaxIterations: 5, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return xs
	}
	a, b, c := draw(7), draw(7), draw(8)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("seed 7 twice differs at draw %d", i)
		}
	}
	if a[0] == c[0] {
		t.Error("seeds 7 and 8 give the same first draw")
	}
}

// Oracle: the values written; float64 parameters round-trip bit for bit.
func TestSaveParamsRoundTrips(t *testing.T) {
	dir := t.TempDir()
	w := train.NewParam[float64]("layer.w", 2, 3)
	b := train.NewParam[float64]("layer.b", 1, 3)
	for i := range w.Value {
		w.Value[i] = math.Pi * float64(i-2) / 7
	}
	b.Value[2] = -1e-300
	path := filepath.Join(dir, "ckpt.safetensors")
	if err := train.SaveParams(path, []*train.Param[float64]{w, b}, map[string]string{"seed": "3"}); err != nil {
		t.Fatal(err)
	}
	w2, b2 := train.NewParam[float64]("layer.w", 2, 3), train.NewParam[float64]("layer.b", 1, 3)
	meta, err := train.LoadParams(path, []*train.Param[float64]{w2, b2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range w.Value {
		if w2.Value[i] != w.Value[i] {
			t.Errorf("w[%d] = %v, saved %v", i, w2.Value[i], w.Value[i])
		}
	}
	if b2.Value[2] != -1e-300 || meta["seed"] != "3" {
		t.Errorf("b = %v, meta %v", b2.Value, meta)
	}

	f := train.NewParam[float32]("x", 1, 2)
	f.Value[0], f.Value[1] = 1.5, -2.25
	p32 := filepath.Join(dir, "f32.safetensors")
	if err := train.SaveParams(p32, []*train.Param[float32]{f}, nil); err != nil {
		t.Fatal(err)
	}
	g := train.NewParam[float32]("x", 1, 2)
	if _, err := train.LoadParams(p32, []*train.Param[float32]{g}); err != nil || g.Value[1] != -2.25 {
		t.Errorf("float32 round trip: %v, %v", g.Value, err)
	}
}

func TestLoadParamsNamesWhatIsWrong(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.safetensors")
	if err := train.SaveParams(path, []*train.Param[float64]{train.NewParam[float64]("a", 2, 2)}, nil); err != nil {
		t.Fatal(err)
	}
	_, err1 := train.LoadParams(path, []*train.Param[float64]{train.NewParam[float64]("b", 2, 2)})
	_, err2 := train.LoadParams(path, []*train.Param[float64]{train.NewParam[float64]("a", 4, 1)})
	_, err3 := train.LoadParams(filepath.Join(dir, "missing.safetensors"), []*train.Param[float64]{train.NewParam[float64]("a", 2, 2)})
	err4 := train.SaveParams(path, []*train.Param[float64]{train.NewParam[float64]("", 1, 1)}, nil)
	for _, c := range []struct {
		err  error
		want string
	}{{err1, `no tensor "b"`}, {err2, `"a" has shape [2 2], the parameter is 4×1`}, {err3, "missing.safetensors"}, {err4, "has no name"}} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("error %v, want %q", c.err, c.want)
		}
	}
	if _, err := os.Stat(path); err != nil {
		t.Error(err)
	}
}

// Fit y = 2x + 1 by Adam on minibatches drawn from the loop's stream,
// stopping once the loss is small.
func ExampleLoop() {
	w, b := train.NewParam[float64]("w", 1, 1), train.NewParam[float64]("b", 1, 1)
	opt, err := train.NewAdam([]train.Group[float64]{{Params: []*train.Param[float64]{w, b}}}, &train.AdamSettings{LR: 0.05})
	if err != nil {
		fmt.Println(err)
		return
	}
	step := func(_ int, rng *rand.Rand) (float64, error) {
		opt.ZeroGrad()
		loss := 0.0
		for k := 0; k < 8; k++ {
			x := rng.Float64()*2 - 1
			r := w.Value[0]*x + b.Value[0] - (2*x + 1)
			loss += r * r / 8
			w.Grad[0] += 2 * r * x / 8
			b.Grad[0] += 2 * r / 8
		}
		return loss, opt.Step()
	}
	stopWhenSmall := func(s run.Step) error {
		if s.Value < 1e-6 {
			return run.ErrStop
		}
		return nil
	}
	res, err := train.Loop(step, &train.Settings{MaxIterations: 5000, Seed: 1, Progress: stopWhenSmall})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v after fewer than 5000 steps: %v; w = %.2f, b = %.2f\n", res.Status, res.Iterations < 5000, w.Value[0], b.Value[0])
	// Output: Stopped after fewer than 5000 steps: true; w = 2.00, b = 1.00
}

// Save parameters with the settings that made them, and read them back.
func ExampleSaveParams() {
	w := train.NewParam[float32]("layer1.weight", 2, 2)
	copy(w.Value, []float32{1, 2, 3, 4})
	path := filepath.Join(os.TempDir(), "example_params.safetensors")
	defer os.Remove(path)
	if err := train.SaveParams(path, []*train.Param[float32]{w}, map[string]string{"lr": "0.01"}); err != nil {
		fmt.Println(err)
		return
	}
	back := train.NewParam[float32]("layer1.weight", 2, 2)
	meta, err := train.LoadParams(path, []*train.Param[float32]{back})
	fmt.Println(back.Value, meta["lr"], err)
	// Output: [1 2 3 4] 0.01 <nil>
}
