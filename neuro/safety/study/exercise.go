package study

import (
	"fmt"
	"math"
	"slices"

	"github.com/neuronb/neuronb/neuro/safety"
	"github.com/neuronb/neuronb/neuro/safety/synthetic"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// ChangeScoreExercise is the exercise of tutorials/04_safety_neurons: the
// activations of one layer's neurons (hook_post) in the base (A1) and the
// (IA)³-aligned model (A2), stacked over the contrasted positions of a few
// harmful train prompts completed by the base ([positions, neurons]); the
// student computes the change score of every neuron from them, and Check
// compares with safety.ContrastActivations on the same sequences.
type ChangeScoreExercise struct {
	Layer  int
	A1, A2 *transformer.Tensor
	want   []float64
}

// NewChangeScoreExercise prepares the exercise for layer l on n prompts.
func NewChangeScoreExercise(l, n int) (*ChangeScoreExercise, error) {
	base, err := synthetic.Load(synthetic.Base)
	if err != nil {
		return nil, err
	}
	aligned, err := synthetic.Load(synthetic.IA3)
	if err != nil {
		return nil, err
	}
	seqs, err := safety.Complete(base, synthetic.TokensOf(synthetic.ContrastPrompts(n, 1)), 16)
	if err != nil {
		return nil, err
	}
	c, err := safety.ContrastActivations(base, aligned, seqs, nil)
	if err != nil {
		return nil, err
	}
	if l < 0 || l >= len(c.Scores) {
		return nil, fmt.Errorf("study: NewChangeScoreExercise: layer %d of %d", l, len(c.Scores))
	}
	e := &ChangeScoreExercise{Layer: l, want: c.Scores[l]}
	if e.A1, err = stacked(base, seqs, l); err != nil {
		return nil, err
	}
	if e.A2, err = stacked(aligned, seqs, l); err != nil {
		return nil, err
	}
	return e, nil
}

// stacked returns hook_post of layer l at the Predicting positions of every
// sequence, one row per position.
func stacked(m *transformer.Model, seqs []safety.Sequence, l int) (*transformer.Tensor, error) {
	var rows []float32
	n := 0
	for _, q := range seqs {
		_, cache, err := m.RunWithCache(append(slices.Clone(q.Prompt), q.Completion...), transformer.ActName("post", l))
		if err != nil {
			return nil, err
		}
		a := cache.Get("post", l)
		for r := len(q.Prompt) - 1; r < len(q.Prompt)+len(q.Completion)-1; r++ {
			rows, n = append(rows, a.Row(r)...), n+1
		}
	}
	return &transformer.Tensor{Shape: []int{n, len(rows) / n}, Data: rows}, nil
}

// Check says whether S holds the change scores, and if not what is wrong:
// its length, the untouched placeholder, a missing square root, an absolute
// instead of a squared difference, a sum instead of a mean, negative
// values, or the largest error.
func (e *ChangeScoreExercise) Check(S []float64) string {
	want := e.want
	if len(S) != len(want) {
		return fmt.Sprintf("✗ not yet: S has %d values, want one per neuron (%d)", len(S), len(want))
	}
	if slices.Max(S) == 0 && slices.Min(S) == 0 {
		return "✗ not yet: every score is 0 (the placeholder): fill in S[i]"
	}
	if slices.Min(S) < 0 {
		return "✗ not yet: a score is negative; S is a root-mean-square, never below 0"
	}
	n := float64(e.A1.Shape[0])
	for _, c := range []struct {
		f    func(w float64) float64
		hint string
	}{
		{func(w float64) float64 { return w }, ""},
		{func(w float64) float64 { return w * w }, "these are S²: take the square root of the mean"},
		{func(w float64) float64 { return w * math.Sqrt(n) }, "divide the sum of squares by the number of positions N before the square root"},
		{func(w float64) float64 { return w * w * n }, "this is the sum of squared differences: divide by N and take the square root"},
	} {
		if matches(S, want, c.f) {
			if c.hint == "" {
				return fmt.Sprintf("✓ correct: the change scores of layer %d match safety.ContrastActivations (largest S = %.3f)", e.Layer, slices.Max(S))
			}
			return "✗ not yet: " + c.hint
		}
	}
	if e.isMeanAbs(S) {
		return "✗ not yet: this is the mean absolute difference; square the differences, average, then take the square root"
	}
	worst, at := 0.0, 0
	for i := range S {
		if d := math.Abs(S[i] - want[i]); d > worst {
			worst, at = d, i
		}
	}
	return fmt.Sprintf("✗ not yet: neuron %d has S = %.4g, want %.4g (S_i = √(mean over positions of (a1 − a2)²))", at, S[at], want[at])
}

func matches(S, want []float64, f func(float64) float64) bool {
	for i := range S {
		w := f(want[i])
		if math.Abs(S[i]-w) > 1e-6*(1+math.Abs(w)) {
			return false
		}
	}
	return true
}

func (e *ChangeScoreExercise) isMeanAbs(S []float64) bool {
	d := e.A1.Shape[1]
	for i := 0; i < d; i++ {
		m := 0.0
		for r := 0; r < e.A1.Shape[0]; r++ {
			m += math.Abs(float64(e.A1.Data[r*d+i]) - float64(e.A2.Data[r*d+i]))
		}
		m /= float64(e.A1.Shape[0])
		if math.Abs(S[i]-m) > 1e-6*(1+m) {
			return false
		}
	}
	return true
}

// Safeguard runs the registered safeguard experiment alone: the
// jailbreakable model's top Claims.TopFraction safety neurons against one
// random control per seed and the majority class.
func Safeguard(seeds []uint64) (*Guard, error) {
	st := &state{set: Settings{Seeds: seeds, ContrastPrompts: 200, MaxNewTokens: 16}}
	var err error
	if st.base, err = synthetic.Load(synthetic.Base); err != nil {
		return nil, err
	}
	return st.guard()
}

// ScaleVsScore pairs every neuron's (IA)³ scale with its change score, and
// gives its layer, for a scatter plot.
func ScaleVsScore(c *safety.Contrast, scales [][]float32) (scale, score, layer []float64, err error) {
	if len(scales) != len(c.Scores) {
		return nil, nil, nil, fmt.Errorf("study: ScaleVsScore: %d scale vectors for %d layers", len(scales), len(c.Scores))
	}
	for l := range scales {
		if len(scales[l]) != len(c.Scores[l]) {
			return nil, nil, nil, fmt.Errorf("study: ScaleVsScore: layer %d has %d scales for %d neurons", l, len(scales[l]), len(c.Scores[l]))
		}
		for i, s := range scales[l] {
			scale, score, layer = append(scale, float64(s)), append(score, c.Scores[l][i]), append(layer, float64(l))
		}
	}
	return scale, score, layer, nil
}
