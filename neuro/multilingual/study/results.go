package study

import (
	"encoding/json"
	"fmt"
	"math"
	"os"

	"github.com/neuronb/neuronb/neuro/multilingual"
	"github.com/neuronb/neuronb/neuro/multilingual/synthetic"
)

// Sizes are the sizes of one model's sets at one σ.
type Sizes struct {
	Sigma     float64 `json:"sigma"`
	Language  []int   `json:"language"`
	Shared    int     `json:"shared"`
	Exclusive []int   `json:"exclusive"`
	Strict    []int   `json:"strict"`
	PerInput  float64 `json:"per_input"`
}

func sizesOf(n *multilingual.Neurons) Sizes {
	s := Sizes{Sigma: n.Sigma, Shared: n.Shared.Len(), PerInput: n.PerInput}
	for i := range n.Language {
		s.Language = append(s.Language, n.Language[i].Len())
		s.Exclusive = append(s.Exclusive, n.Exclusive[i].Len())
		s.Strict = append(s.Strict, n.Strict[i].Len())
	}
	return s
}

// Ratio returns the shared ratio |shared| / mean |language set| (NaN when
// every language's set is empty).
func (s Sizes) Ratio() float64 {
	m := 0.0
	for _, k := range s.Language {
		m += float64(k) / float64(len(s.Language))
	}
	if m == 0 {
		return math.NaN()
	}
	return float64(s.Shared) / m
}

// Variant compares the shared units found with the released code's
// scores with those of the paper's criterion.
type Variant struct {
	Sizes   Sizes `json:"sizes"`
	Overlap int   `json:"overlap"` // units in both shared sets
}

// ModelResult is one model's part of the study.
type ModelResult struct {
	Seed   uint64 `json:"seed"`
	Budget int    `json:"budget"`
	// Sizes at every candidate σ; Neurons and Effects at the chosen σ.
	Sizes   []Sizes               `json:"sizes"`
	Neurons *multilingual.Neurons `json:"neurons"`
	Effects *multilingual.Effects `json:"effects"`
	Ability synthetic.Ability     `json:"ability"`
	// AbilityShared and AbilityRandom: question answering with the shared
	// units, or a random set of the same counts, deactivated.
	AbilityShared synthetic.Ability   `json:"ability_shared"`
	AbilityRandom []synthetic.Ability `json:"ability_random"`
	Released      *Variant            `json:"released,omitempty"`
	// Compare holds, per compared text, the agreement of parallel and
	// exact scores per component.
	Compare [][]multilingual.Agreement `json:"compare,omitempty"`
}

// Results are a run's settings, its source revision, the σ the rule chose
// and every model's part.
type Results struct {
	Settings  Settings      `json:"settings"`
	Revision  string        `json:"revision"`
	Seconds   float64       `json:"seconds"`
	Languages []string      `json:"languages"`
	Sigma     float64       `json:"sigma"`
	Models    []ModelResult `json:"models"`
}

// Model returns the result of the model of seed and budget.
func (r *Results) Model(seed uint64, budget int) (*ModelResult, error) {
	for i := range r.Models {
		if r.Models[i].Seed == seed && r.Models[i].Budget == budget {
			return &r.Models[i], nil
		}
	}
	return nil, fmt.Errorf("study: no model of seed %d and budget %d in the results", seed, budget)
}

// Save writes the results as indented JSON.
func (r *Results) Save(path string) error {
	data, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return fmt.Errorf("study: %w", err)
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// Load reads results written by Save.
func Load(path string) (*Results, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("study: %w", err)
	}
	var r Results
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("study: %s: %w", path, err)
	}
	return &r, nil
}
