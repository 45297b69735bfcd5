package safety_test

import (
	"testing"

	"github.com/neuronb/neuronb/neuro/safety"
	"github.com/neuronb/neuronb/neuro/safety/synthetic"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// Sizes as in the issue and the notebooks: 200 contrast prompts, 192
// test prompts, answers of at most 16 tokens, 576 neurons.

// benchSetup returns the base, the IA3 model, the contrast sequences and
// the top 5% of neurons.
func benchSetup(b *testing.B) (base, aligned *transformer.Model, seqs []safety.Sequence, top safety.NeuronSet) {
	b.Helper()
	base, aligned = load(synthetic.Base), load(synthetic.IA3)
	seqs, err := safety.Complete(base, synthetic.TokensOf(synthetic.ContrastPrompts(200, 1)), 16)
	if err != nil {
		b.Fatal(err)
	}
	c, err := safety.ContrastActivations(base, aligned, seqs, nil)
	if err != nil {
		b.Fatal(err)
	}
	if top, err = c.TopFraction(0.05); err != nil {
		b.Fatal(err)
	}
	return base, aligned, seqs, top
}

func BenchmarkContrastActivations200(b *testing.B) {
	base, aligned, seqs, _ := benchSetup(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := safety.ContrastActivations(base, aligned, seqs, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPatchedGenerateTop5Percent(b *testing.B) {
	base, aligned, _, top := benchSetup(b)
	prompt := synthetic.TestPrompts(synthetic.Harmful)[0].Tokens()
	b.ResetTimer()
	for b.Loop() {
		if _, err := safety.PatchedGenerate(base, aligned, prompt, top, &safety.PatchSettings{MaxNewTokens: 16}); err != nil {
			b.Fatal(err)
		}
	}
}

// One point of a Table-1 row: 192 patched generations, judged, with the
// bootstrap interval and the graded cost.
func BenchmarkExperimentPatch192Prompts(b *testing.B) {
	base, aligned, _, top := benchSetup(b)
	ex, err := safety.NewExperiment(base, aligned, synthetic.TokensOf(synthetic.TestPrompts(synthetic.Harmful)),
		synthetic.Judge{}, &safety.ExperimentSettings{MaxNewTokens: 16, Graded: synthetic.FirstWordCost()})
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
