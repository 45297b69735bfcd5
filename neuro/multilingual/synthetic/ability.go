package synthetic

import (
	"fmt"

	"github.com/neuronb/neuronb/neuro/transformer"
)

// Ability is how well a model answers the questions of each language
// (Questions), judged at the level of meaning (Judge) from its most likely
// first answer word: Seen is the fraction correct over the 36 facts seen
// in training in that language, HeldOut over the 12 held out of it (the
// cross-lingual transfer the shared meaning space makes possible). The
// languages are in the order of Languages; chance is 1/6.
type Ability struct {
	Seen    []float64 `json:"seen"`
	HeldOut []float64 `json:"held_out"`
}

// Mean returns the mean over languages of Seen and of HeldOut.
func (a Ability) Mean() (seen, heldOut float64) {
	for i := range a.Seen {
		seen += a.Seen[i] / float64(len(a.Seen))
		heldOut += a.HeldOut[i] / float64(len(a.HeldOut))
	}
	return seen, heldOut
}

// AbilityOf measures m's question answering with the given hooks running
// (for instance neurons deactivated; nil for none).
func AbilityOf(m *transformer.Model, hooks []transformer.NamedHook) (Ability, error) {
	a := Ability{Seen: make([]float64, len(languages)), HeldOut: make([]float64, len(languages))}
	for li := range languages {
		var seen, held, nSeen, nHeld float64
		for _, q := range Questions(li) {
			out, err := m.Run(q.Prompt(), &transformer.RunOptions{Hooks: hooks, LastLogitsOnly: true})
			if err != nil {
				return Ability{}, fmt.Errorf("synthetic: AbilityOf: %w", err)
			}
			ok := 0.0
			if Judge(q, []int{transformer.Argmax(out.Logits.Data)}) == Correct {
				ok = 1
			}
			if q.HeldOut {
				held, nHeld = held+ok, nHeld+1
			} else {
				seen, nSeen = seen+ok, nSeen+1
			}
		}
		a.Seen[li], a.HeldOut[li] = seen/nSeen, held/nHeld
	}
	return a, nil
}
