package safety_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/safety"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// directScores is the oracle: the change score written out, from each
// model's activations over an explicit list of rows per sequence, with
// model 1's mean and standard deviation by the two-pass formula.
func directScores(t *testing.T, m1, m2 *transformer.Model, seqs []safety.Sequence, rows func(s safety.Sequence) []int) (scores, mean1, std1 [][]float64, n int) {
	c := m1.Config()
	sum := make([][]float64, c.NLayers)
	vals := make([][][]float64, c.NLayers) // [layer][neuron][position]
	for l := range sum {
		sum[l], vals[l] = make([]float64, c.DMLP), make([][]float64, c.DMLP)
	}
	for _, q := range seqs {
		tokens := append(slices.Clone(q.Prompt), q.Completion...)
		for _, r := range rows(q) {
			for l := 0; l < c.NLayers; l++ {
				_, a1, err := m1.RunWithCache(tokens, transformer.ActName("post", l))
				if err != nil {
					t.Fatal(err)
				}
				_, a2, err := m2.RunWithCache(tokens, transformer.ActName("post", l))
				if err != nil {
					t.Fatal(err)
				}
				for i := 0; i < c.DMLP; i++ {
					x, y := float64(a1.Get("post", l).At(r, i)), float64(a2.Get("post", l).At(r, i))
					sum[l][i] += (x - y) * (x - y)
					vals[l][i] = append(vals[l][i], x)
				}
			}
			n++
		}
	}
	scores, mean1, std1 = make([][]float64, c.NLayers), make([][]float64, c.NLayers), make([][]float64, c.NLayers)
	for l := range sum {
		scores[l], mean1[l], std1[l] = make([]float64, c.DMLP), make([]float64, c.DMLP), make([]float64, c.DMLP)
		for i := range sum[l] {
			scores[l][i] = math.Sqrt(sum[l][i] / float64(n))
			for _, x := range vals[l][i] {
				mean1[l][i] += x / float64(n)
			}
			for _, x := range vals[l][i] {
				std1[l][i] += (x - mean1[l][i]) * (x - mean1[l][i]) / float64(n)
			}
			std1[l][i] = math.Sqrt(std1[l][i])
		}
	}
	return scores, mean1, std1, n
}

func rowRange(lo, hi int) []int {
	var r []int
	for i := lo; i < hi; i++ {
		r = append(r, i)
	}
	return r
}

// Oracle: the score formula evaluated directly (one full run per row,
// explicit row lists written from the documentation of each convention).
func TestChangeScoresMatchDirectComputationForEveryConvention(t *testing.T) {
	cfg := llamaConfig()
	m1, m2 := randomModel(t, cfg, 1), randomModel(t, cfg, 2)
	seqs := randomSequences(5, cfg.VocabSize, 3)
	conventions := map[safety.Positions]func(s safety.Sequence) []int{
		safety.Predicting: func(s safety.Sequence) []int {
			return rowRange(len(s.Prompt)-1, len(s.Prompt)+len(s.Completion)-1)
		},
		safety.Completion: func(s safety.Sequence) []int {
			return rowRange(len(s.Prompt), len(s.Prompt)+len(s.Completion))
		},
		safety.PromptTokens: func(s safety.Sequence) []int { return rowRange(0, len(s.Prompt)) },
		safety.PromptLast:   func(s safety.Sequence) []int { return []int{len(s.Prompt) - 1} },
	}
	for pos, rows := range conventions {
		got, err := safety.ContrastActivations(m1, m2, seqs, &safety.ContrastSettings{Positions: pos})
		if err != nil {
			t.Fatal(err)
		}
		want, mean1, std1, n := directScores(t, m1, m2, seqs, rows)
		if got.Tokens != n || got.Positions != pos {
			t.Fatalf("%s: N = %d, want %d", pos, got.Tokens, n)
		}
		for l := range want {
			for i := range want[l] {
				if d := math.Abs(got.Scores[l][i] - want[l][i]); d > 1e-9*(1+want[l][i]) {
					t.Fatalf("%s: S[%d][%d] = %v, want %v", pos, l, i, got.Scores[l][i], want[l][i])
				}
				if math.Abs(got.Mean1[l][i]-mean1[l][i]) > 1e-9 || math.Abs(got.Std1[l][i]-std1[l][i]) > 1e-7 {
					t.Fatalf("%s: neuron %d/%d mean %v std %v, want %v %v", pos, l, i, got.Mean1[l][i], got.Std1[l][i], mean1[l][i], std1[l][i])
				}
			}
		}
	}
}

// Oracle: a closed form. If M2 is M1 with an (IA)³ vector s on its last
// layer only, every earlier activation is identical (score exactly 0) and
// the last layer's neurons are s_i times M1's, so
// S_i = |1 − s_i| · sqrt(mean_j a_i(M1)[j]²).
func TestChangeScoreOfAnIA3LayerIsScaleTimesRMS(t *testing.T) {
	cfg := llamaConfig()
	m1 := randomModel(t, cfg, 4)
	scales := randomScales(cfg, 5)
	last := cfg.NLayers - 1
	for l := 0; l < last; l++ {
		for i := range scales[l] {
			scales[l][i] = 1
		}
	}
	m2 := ia3Copy(t, cfg, 4, scales)
	seqs := randomSequences(6, cfg.VocabSize, 6)
	got, err := safety.ContrastActivations(m1, m2, seqs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for l := 0; l < last; l++ {
		for i, s := range got.Scores[l] {
			if s != 0 {
				t.Fatalf("layer %d neuron %d: score %v, want exactly 0", l, i, s)
			}
		}
	}
	for i, s := range scales[last] {
		rms := math.Sqrt(got.Mean1[last][i]*got.Mean1[last][i] + got.Std1[last][i]*got.Std1[last][i])
		want := math.Abs(1-float64(s)) * rms
		if math.Abs(got.Scores[last][i]-want) > 1e-5*(1+want) {
			t.Fatalf("neuron %d: S = %v, want |1−%v|·%v = %v", i, got.Scores[last][i], s, rms, want)
		}
	}
}

// Oracle: the order written by hand, including ties broken by layer then
// index.
func TestRankingIsGlobalDescendingWithLayerIndexTieBreak(t *testing.T) {
	c := &safety.Contrast{Scores: [][]float64{{0.1, 0.5, 0.5}, {0.5, 0.9, 0}}}
	want := []safety.Neuron{{1, 1}, {0, 1}, {0, 2}, {1, 0}, {0, 0}, {1, 2}}
	r := c.Ranking()
	for i, n := range want {
		if r[i].Neuron != n {
			t.Fatalf("ranking %v, want %v", r, want)
		}
	}
	top, err := c.Top(3)
	if err != nil || !slices.Equal(top[0], []int{1, 2}) || !slices.Equal(top[1], []int{1}) {
		t.Errorf("Top(3) = %v, %v", top, err)
	}
	half, err := c.TopFraction(0.5)
	if err != nil || half.Len() != 3 {
		t.Errorf("TopFraction(0.5) has %d neurons (%v)", half.Len(), err)
	}
	if _, err := c.TopFraction(1.5); err == nil || !strings.Contains(err.Error(), "1.5") {
		t.Errorf("TopFraction(1.5): %v", err)
	}
	if _, err := c.Top(7); err == nil || !strings.Contains(err.Error(), "k = 7") {
		t.Errorf("Top(7): %v", err)
	}
}

func TestContrastActivationsRejectsBadInput(t *testing.T) {
	cfg := llamaConfig()
	m1 := randomModel(t, cfg, 1)
	other := *cfg
	other.DMLP = 32
	m3 := randomModel(t, &other, 1)
	long := safety.Sequence{Prompt: make([]int, 60), Completion: make([]int, 10)}
	for _, c := range []struct {
		m2   *transformer.Model
		seqs []safety.Sequence
		want string
	}{
		{m3, randomSequences(1, 16, 1), "48 neurons"},
		{m1, nil, "no sequences"},
		{m1, []safety.Sequence{{Prompt: nil, Completion: []int{1}}}, "sequence 0 has an empty prompt"},
		{m1, []safety.Sequence{{Prompt: []int{1}}}, "sequence 0 has an empty completion"},
		{m1, []safety.Sequence{long}, "70 tokens"},
		{m1, []safety.Sequence{{Prompt: []int{1, 99}, Completion: []int{1}}}, "tokens[1] = 99"},
	} {
		if _, err := safety.ContrastActivations(m1, c.m2, c.seqs, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want an error containing %q, got %v", c.want, err)
		}
	}
}

// Oracle: Complete must give each prompt the model's own greedy
// continuation (transformer.Generate).
func TestCompleteIsGreedyGeneration(t *testing.T) {
	cfg := llamaConfig()
	m := randomModel(t, cfg, 7)
	prompts := [][]int{{1, 4, 5}, {1, 7}, {1, 3, 3, 9}}
	seqs, err := safety.Complete(m, prompts, 6)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range prompts {
		g, err := m.Generate(p, &transformer.GenerateSettings{MaxNewTokens: 6})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(seqs[i].Prompt, p) || !slices.Equal(seqs[i].Completion, g.Tokens) {
			t.Errorf("prompt %d: %v, want completion %v", i, seqs[i], g.Tokens)
		}
	}
}

// Oracle: the same computation on one worker. Per-chunk sums merged in
// chunk order make the result independent of the number of workers, bit
// for bit.
func TestContrastDoesNotDependOnWorkers(t *testing.T) {
	cfg := llamaConfig()
	m1, m2 := randomModel(t, cfg, 1), randomModel(t, cfg, 2)
	seqs := randomSequences(37, cfg.VocabSize, 9)
	one, err := safety.ContrastActivations(m1, m2, seqs, &safety.ContrastSettings{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{2, 3, 8} {
		many, err := safety.ContrastActivations(m1, m2, seqs, &safety.ContrastSettings{Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		for l := range one.Scores {
			for i := range one.Scores[l] {
				if many.Scores[l][i] != one.Scores[l][i] || many.Mean2[l][i] != one.Mean2[l][i] || many.Std1[l][i] != one.Std1[l][i] {
					t.Fatalf("%d workers: neuron %d/%d differs from one worker", w, l, i)
				}
			}
		}
	}
}

// Oracle: the definition of the reported metric, the mean of S² over
// neurons. Progress sees it after every sequence and can stop the run.
func TestContrastProgressReportsMeanSquaredChange(t *testing.T) {
	cfg := llamaConfig()
	m1, m2 := randomModel(t, cfg, 1), randomModel(t, cfg, 2)
	seqs := randomSequences(6, cfg.VocabSize, 3)
	var steps []run.Step
	c, err := safety.ContrastActivations(m1, m2, seqs, &safety.ContrastSettings{Workers: 1,
		Progress: func(s run.Step) error { steps = append(steps, s); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	ms, n := 0.0, 0
	for _, row := range c.Scores {
		for _, v := range row {
			ms += v * v
			n++
		}
	}
	ms /= float64(n)
	last := steps[len(steps)-1]
	if len(steps) != 6 || last.Metric != safety.ContrastMetric || math.Abs(last.Value-ms) > 1e-12*ms || math.Abs(c.Objective-ms) > 1e-12*ms {
		t.Errorf("%d steps, last %v, objective %v; mean S² = %v", len(steps), last, c.Objective, ms)
	}
	if c.Status != run.Finished || c.Iterations != 6 {
		t.Errorf("status %v after %d sequences", c.Status, c.Iterations)
	}
	stopped, err := safety.ContrastActivations(m1, m2, seqs, &safety.ContrastSettings{Workers: 1, Progress: func(s run.Step) error {
		if s.Iteration == 2 {
			return run.ErrStop
		}
		return nil
	}})
	if err != nil || stopped.Status != run.Stopped || stopped.Iterations != 2 {
		t.Errorf("stopped: %+v, %v", stopped, err)
	}
}
