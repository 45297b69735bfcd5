package safety_test

import (
	"math/rand/v2"
	"testing"

	"github.com/neuronb/neuronb/neuro/safety"
	"github.com/neuronb/neuronb/neuro/safety/synthetic"
)

// Sizes as in the issue and the notebooks: 200 contrast prompts, 192
// held-out prompts, answers of at most 16 tokens, 576 neurons.

func BenchmarkContrastActivations200(b *testing.B) {
	base, aligned := load(synthetic.Base), load(synthetic.IA3)
	seqs, _ := safety.Complete(base, synthetic.TokensOf(synthetic.ContrastPrompts(200, 1)), 16)
	b.ResetTimer()
	for b.Loop() {
		if _, err := safety.ContrastActivations(base, aligned, seqs, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPatchedGenerateTop5Percent(b *testing.B) {
	base, aligned := load(synthetic.Base), load(synthetic.IA3)
	seqs, _ := safety.Complete(base, synthetic.TokensOf(synthetic.ContrastPrompts(200, 1)), 16)
	c, _ := safety.ContrastActivations(base, aligned, seqs, nil)
	top, _ := c.TopFraction(0.05)
	prompt := synthetic.HeldOutPrompts(synthetic.Harmful)[0].Tokens()
	b.ResetTimer()
	for b.Loop() {
		if _, err := safety.PatchedGenerate(base, aligned, prompt, top, &safety.PatchSettings{MaxNewTokens: 16}); err != nil {
			b.Fatal(err)
		}
	}
}

// One point of a Table-1 row: 192 patched generations, judged, with the
// bootstrap interval.
func BenchmarkExperimentPatch192Prompts(b *testing.B) {
	base, aligned := load(synthetic.Base), load(synthetic.IA3)
	seqs, _ := safety.Complete(base, synthetic.TokensOf(synthetic.ContrastPrompts(200, 1)), 16)
	c, _ := safety.ContrastActivations(base, aligned, seqs, nil)
	top, _ := c.TopFraction(0.05)
	ex, err := safety.NewExperiment(base, aligned, synthetic.TokensOf(synthetic.HeldOutPrompts(synthetic.Harmful)),
		synthetic.Judge{}, &safety.ExperimentSettings{MaxNewTokens: 16})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := ex.Patch(top, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// The safeguard's fit: 1,536 train prompts, 29 neurons (5%).
func BenchmarkFitLogistic1536x29(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	X := make([][]float64, 1536)
	y := make([]bool, len(X))
	for i := range X {
		X[i] = make([]float64, 29)
		for j := range X[i] {
			X[i][j] = rng.NormFloat64()
		}
		y[i] = X[i][0]+0.5*X[i][1]+rng.NormFloat64() > 0
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := safety.FitLogistic(X, y, nil); err != nil {
			b.Fatal(err)
		}
	}
}
