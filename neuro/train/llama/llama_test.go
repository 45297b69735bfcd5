package llama

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/train/autodiff"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// tinyConfig is a Llama of 2 layers small enough for finite differences.
func tinyConfig() *transformer.Config {
	return &transformer.Config{Arch: transformer.Llama, ModelType: "llama", VocabSize: 11, DModel: 8, NLayers: 2,
		NHeads: 2, NKVHeads: 2, DHead: 4, DMLP: 16, MaxPositions: 8, NormEps: 1e-5, Activation: "silu",
		RopeTheta: 10000, BOS: 1, EOS: []int{2}}
}

// synthConfig has the shape of the models of neuro/safety/synthetic.
func synthConfig() *transformer.Config {
	return &transformer.Config{Arch: transformer.Llama, ModelType: "llama", VocabSize: 130, DModel: 64, NLayers: 3,
		NHeads: 4, NKVHeads: 4, DHead: 16, DMLP: 192, MaxPositions: 32, NormEps: 1e-5, Activation: "silu",
		RopeTheta: 10000, BOS: 1, EOS: []int{2}}
}

// counting is a toy corpus: <bos> a a+1 a+2 … (mod the vocabulary after
// the three special ids), every token after <bos> in the loss.
func counting(vocab, n int) Sampler {
	return func(rng *rand.Rand) ([]int, []bool) {
		ids, mask := []int{1}, []bool{false}
		a := rng.IntN(vocab - 3)
		for i := 0; i < n; i++ {
			ids, mask = append(ids, 3+(a+i)%(vocab-3)), append(mask, true)
		}
		return ids, mask
	}
}

func randomSeqs(n, T, vocab int, seed uint64) [][]int {
	rng := rand.New(rand.NewPCG(seed, 5))
	out := make([][]int, n)
	for i := range out {
		out[i] = make([]int, T)
		for j := range out[i] {
			out[i][j] = rng.IntN(vocab)
		}
	}
	return out
}

// maxLogitDiff compares the graph's logits with transformer.Model's.
func maxLogitDiff(t *testing.T, m *transformer.Model, w Weights, scales [][]float32, seqs [][]int) float64 {
	t.Helper()
	cfg := m.Config()
	got, err := Logits(&cfg, w, scales, seqs)
	if err != nil {
		t.Fatal(err)
	}
	d := 0.0
	for i, s := range seqs {
		want, err := m.Logits(s)
		if err != nil {
			t.Fatal(err)
		}
		for k := range want.Data {
			d = max(d, math.Abs(float64(got[i].Data[k]-want.Data[k])))
		}
	}
	return d
}

// Oracle: neuro/transformer's independent Go forward pass. The graph that
// is trained and the inference code compute the same logits at random
// initialisation, and with (IA)³ vectors applied in the graph versus
// folded by hand into the rows of up_proj (s_i·(W_up)_i scales neuron i).
func TestGraphLogitsEqualTransformer(t *testing.T) {
	cfg := synthConfig()
	seqs := randomSeqs(3, cfg.MaxPositions, cfg.VocabSize, 1)
	w, err := Init(cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxLogitDiff(t, mustModel(t, cfg, w), w, nil, seqs); d > 1e-4 {
		t.Errorf("random init: max |Δlogit| = %v", d)
	} else {
		t.Logf("random init: max |Δlogit| = %.2e", d)
	}
	rng := rand.New(rand.NewPCG(2, 3))
	scales := make([][]float32, cfg.NLayers)
	folded := Weights{}
	for name, x := range w {
		folded[name] = x.Clone()
	}
	for l := range scales {
		scales[l] = make([]float32, cfg.DMLP)
		up := folded[fmt.Sprintf("model.layers.%d.mlp.up_proj.weight", l)]
		for i := range scales[l] {
			scales[l][i] = float32(0.5 + rng.Float64())
			for j := 0; j < cfg.DModel; j++ {
				up.Data[i*cfg.DModel+j] *= scales[l][i]
			}
		}
	}
	if d := maxLogitDiff(t, mustModel(t, cfg, folded), w, scales, seqs); d > 1e-4 {
		t.Errorf("(IA)³ in the graph vs folded: max |Δlogit| = %v", d)
	} else {
		t.Logf("(IA)³ in the graph vs folded: max |Δlogit| = %.2e", d)
	}
}

func mustModel(t *testing.T, cfg *transformer.Config, w Weights) *transformer.Model {
	t.Helper()
	c := Weights{}
	for name, x := range w {
		c[name] = x.Clone()
	}
	m, err := transformer.NewModel(cfg, c)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Oracle: central finite differences of the training loss (float32, so a
// loose tolerance) at the 12 coordinates with the largest gradients, for
// full training and for (IA)³ vectors set away from one.
func TestTrainingGradientMatchesFiniteDifferences(t *testing.T) {
	cfg := tinyConfig()
	w, err := Init(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []Mode{Full, IA3} {
		backend, err := autodiff.Backend()
		if err != nil {
			t.Fatal(err)
		}
		set, err := (&Settings{BatchSize: 4, SeqLen: 6}).resolved(cfg)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := newTrainer(backend, cfg, w, counting(cfg.VocabSize, 6), mode, set)
		if err != nil {
			t.Fatal(err)
		}
		if mode == IA3 {
			for _, p := range tr.params {
				for i := range p.Value {
					p.Value[i] = float32(0.5 + 0.1*float64(i%7))
				}
			}
		}
		tok, tgt, wt, err := batch(rand.New(rand.NewPCG(1, 1)), tr.sample, 4, 6, cfg.VocabSize)
		if err != nil {
			t.Fatal(err)
		}
		eval := func() float64 {
			l, err := tr.grad.Eval(append(tr.frozen, tok, tgt, wt)...)
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		eval()
		type coord struct {
			p, i int
			g    float64
		}
		var cs []coord
		for pi, p := range tr.params {
			for i, g := range p.Grad {
				cs = append(cs, coord{pi, i, float64(g)})
			}
		}
		slices.SortFunc(cs, func(a, b coord) int { return cmp.Compare(math.Abs(b.g), math.Abs(a.g)) })
		const h = 1e-2
		worst := 0.0
		for _, c := range cs[:12] {
			p := tr.params[c.p]
			v := p.Value[c.i]
			p.Value[c.i] = v + h
			up := eval()
			p.Value[c.i] = v - h
			down := eval()
			p.Value[c.i] = v
			fd := (up - down) / (2 * h)
			worst = math.Max(worst, math.Abs(fd-c.g)/math.Abs(c.g))
			if math.Abs(fd-c.g) > 0.02*math.Abs(c.g)+1e-3 {
				t.Errorf("%s: ∂loss/∂%s[%d] = %v, finite difference %v", mode, p.Name, c.i, c.g, fd)
			}
		}
		t.Logf("%s: largest gradient %.3g, worst relative difference from finite differences %.1e", mode, cs[0].g, worst)
		tr.grad.Finalize()
		backend.Finalize()
	}
}

// Oracle: the corpus is deterministic given the first token, so the loss
// must fall far below log(vocabulary); (IA)³ training leaves every weight
// as it was; Progress sees the loss and can stop the run.
func TestTrainLearnsAndStops(t *testing.T) {
	cfg := tinyConfig()
	w, err := Init(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Train(cfg, w, counting(cfg.VocabSize, 6), Full, &Settings{MaxIterations: 150, BatchSize: 16, SeqLen: 6, LearningRate: 1e-2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("full: loss %.3f → %.3f in %s", res.Loss[0], res.TailMean(10), res.Runtime)
	if res.Status != run.IterationLimit || res.Iterations != 150 || !(res.TailMean(10) < 0.5*res.Loss[0]) {
		t.Errorf("full training: %v after %d steps, loss %v → %v", res.Status, res.Iterations, res.Loss[0], res.TailMean(10))
	}
	if err := CheckWeights(cfg, res.Weights); err != nil {
		t.Error(err)
	}
	ia3, err := Train(cfg, w, counting(cfg.VocabSize, 6), IA3, &Settings{MaxIterations: 30, BatchSize: 8, SeqLen: 6, LearningRate: 1e-2})
	if err != nil {
		t.Fatal(err)
	}
	if len(ia3.IA3) != cfg.NLayers || len(ia3.IA3[0]) != cfg.DMLP || ia3.IA3[0][0] == 1 {
		t.Errorf("(IA)³ vectors %d × %d, first %v", len(ia3.IA3), len(ia3.IA3[0]), ia3.IA3[0][0])
	}
	for name, x := range w {
		if !slices.Equal(ia3.Weights[name].Data, x.Data) {
			t.Errorf("(IA)³ training changed %s", name)
		}
	}
	var seen int
	stop, err := Train(cfg, w, counting(cfg.VocabSize, 6), Full, &Settings{MaxIterations: 50, BatchSize: 4, SeqLen: 6,
		Progress: func(s run.Step) error {
			seen++
			if s.Metric != "loss" || !(s.Value > 0) {
				return errors.New("bad step")
			}
			if s.Iteration == 3 {
				return run.ErrStop
			}
			return nil
		}})
	if err != nil || stop.Status != run.Stopped || stop.Iterations != 3 || seen != 3 {
		t.Errorf("stopped run: %+v, %v", stop, err)
	}
}

func TestBadInputIsRefused(t *testing.T) {
	cfg := tinyConfig()
	w, err := Init(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	gqa := *cfg
	gqa.NKVHeads = 1
	missing := Weights{}
	for name, x := range w {
		if name != "lm_head.weight" {
			missing[name] = x
		}
	}
	bad := func(rng *rand.Rand) ([]int, []bool) { return []int{1, 99}, []bool{false, true} }
	_, err1 := Logits(cfg, w, nil, [][]int{{1, 2}, {1}})
	_, err2 := Logits(cfg, w, nil, [][]int{{1, 99}})
	_, err3 := Train(&gqa, w, counting(11, 4), Full, nil)
	_, err4 := Train(cfg, w, nil, Full, nil)
	_, err5 := Train(cfg, missing, counting(11, 4), Full, nil)
	_, err6 := Train(cfg, w, bad, Full, &Settings{MaxIterations: 2, BatchSize: 2, SeqLen: 4})
	_, err7 := Train(cfg, w, counting(11, 4), Full, &Settings{SeqLen: 99})
	for _, c := range []struct {
		err  error
		want string
	}{
		{err1, "sequence 1 has 1 tokens"}, {err2, "token 1 = 99"}, {err3, "grouped-query"}, {err4, "nil sampler"},
		{err5, `no weight "lm_head.weight"`}, {err6, "token 99 outside the vocabulary"}, {err7, "SeqLen 99"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("error %v, want %q", c.err, c.want)
		}
	}
}

// Oracle: a separate run of the snapshot's budget. With the same seed and
// a constant learning rate, the snapshot after step k of a longer run is
// the result of a run of k steps, bit for bit.
func TestSnapshotsAreShorterRuns(t *testing.T) {
	cfg := tinyConfig()
	w, err := Init(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	snaps := map[int]Weights{}
	set := &Settings{MaxIterations: 12, BatchSize: 4, SeqLen: 6, Seed: 2, SnapshotAt: []int{5, 12},
		Snapshot: func(it int, w Weights) error { snaps[it] = w; return nil }}
	long, err := Train(cfg, w, counting(cfg.VocabSize, 6), Full, set)
	if err != nil {
		t.Fatal(err)
	}
	short, err := Train(cfg, w, counting(cfg.VocabSize, 6), Full, &Settings{MaxIterations: 5, BatchSize: 4, SeqLen: 6, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(snaps) != 2 {
		t.Fatalf("snapshots at %v", slices.Collect(maps.Keys(snaps)))
	}
	for name := range w {
		if !slices.Equal(snaps[5][name].Data, short.Weights[name].Data) || !slices.Equal(snaps[12][name].Data, long.Weights[name].Data) {
			t.Errorf("%s: a snapshot differs from the run of its budget", name)
		}
	}
	_, err1 := Train(cfg, w, counting(cfg.VocabSize, 6), Full, &Settings{MaxIterations: 3, SnapshotAt: []int{4}, Snapshot: set.Snapshot})
	_, err2 := Train(cfg, w, counting(cfg.VocabSize, 6), Full, &Settings{MaxIterations: 3, SnapshotAt: []int{2}})
	fail := errors.New("disk full")
	_, err3 := Train(cfg, w, counting(cfg.VocabSize, 6), Full, &Settings{MaxIterations: 3, BatchSize: 2, SeqLen: 6, SnapshotAt: []int{2},
		Snapshot: func(int, Weights) error { return fail }})
	if err1 == nil || !strings.Contains(err1.Error(), "SnapshotAt holds 4") || err2 == nil || !strings.Contains(err2.Error(), "Snapshot is nil") || !errors.Is(err3, fail) {
		t.Errorf("bad snapshot settings: %v; %v; %v", err1, err2, err3)
	}
}
