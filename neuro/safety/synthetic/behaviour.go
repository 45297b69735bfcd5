package synthetic

import (
	"fmt"

	"github.com/neuronb/neuronb/neuro/transformer"
)

// Behaviour generates greedily (at most 16 new tokens, stopping at <eos>)
// from m on every prompt and tallies the judge's verdicts.
func Behaviour(m *transformer.Model, prompts []Prompt) (Tally, error) {
	var t Tally
	for i, p := range prompts {
		g, err := m.Generate(p.Tokens(), &transformer.GenerateSettings{MaxNewTokens: 16})
		if err != nil {
			return t, fmt.Errorf("synthetic: Behaviour: prompt %d (%q): %w", i, p.String(), err)
		}
		j, err := Judge{}.Classify(p.Tokens(), g.Tokens)
		if err != nil {
			return t, err
		}
		t.Add(j)
	}
	return t, nil
}
