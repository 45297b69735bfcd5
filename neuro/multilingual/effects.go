package multilingual

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// Effects are the perplexities of each evaluated language with sets of
// units deactivated (Hooks): the paper's deactivation experiments (Fig. 4)
// and the inputs of its importance ratio and language-agnostic score.
type Effects struct {
	Languages []string `json:"languages"`
	// Base[ℓ] is language ℓ's perplexity with nothing deactivated.
	Base []float64 `json:"base"`
	// Shared[ℓ]: with the shared units deactivated.
	Shared []float64 `json:"shared"`
	// Exclusive[k][ℓ]: with language k's exclusive units deactivated.
	Exclusive [][]float64 `json:"exclusive"`
	// Random[j][ℓ]: with random set j deactivated, as many units as the
	// shared set in every layer and component (RandomMatched).
	Random [][]float64 `json:"random"`
	// SharedSize and ExclusiveSize are the sizes of the deactivated sets.
	SharedSize    int           `json:"shared_size"`
	ExclusiveSize []int         `json:"exclusive_size"`
	Runtime       time.Duration `json:"runtime"`
}

// Deactivate measures the perplexity of every evaluated language (eval,
// in the order of n.Languages) with nothing, the shared units, each
// language's exclusive units, and Settings.RandomSets random sets of the
// shared set's counts deactivated.
func Deactivate(m *transformer.Model, n *Neurons, eval []Language, s *Settings) (*Effects, error) {
	set, err := s.resolved()
	if err != nil {
		return nil, err
	}
	if n == nil || m == nil {
		return nil, fmt.Errorf("multilingual: Deactivate: nil model or neurons")
	}
	if len(eval) != len(n.Languages) {
		return nil, fmt.Errorf("multilingual: Deactivate: %d evaluation languages for neurons of %d", len(eval), len(n.Languages))
	}
	for i, l := range eval {
		if l.Name != n.Languages[i] {
			return nil, fmt.Errorf("multilingual: Deactivate: evaluation language %d is %q, the neurons' %q", i, l.Name, n.Languages[i])
		}
		if len(l.Texts) == 0 {
			return nil, fmt.Errorf("multilingual: Deactivate: language %q has no evaluation texts", l.Name)
		}
	}
	cfg := m.Config()
	if ShapeOf(cfg) != n.Shape {
		return nil, fmt.Errorf("multilingual: Deactivate: neurons of shape %+v, model of shape %+v", n.Shape, ShapeOf(cfg))
	}
	start := time.Now()
	sets := []UnitSet{make(UnitSet, n.Shape.Layers), n.Shared}
	sets = append(sets, n.Exclusive...)
	for j := 0; j < set.RandomSets; j++ {
		r, err := RandomMatched(rand.New(rand.NewPCG(set.Seed, uint64(j))), n.Shared, n.Shape)
		if err != nil {
			return nil, err
		}
		sets = append(sets, r)
	}
	L := len(eval)
	ppl := make([]float64, len(sets)*L)
	done := 0
	err = parallel.ForErr(len(sets), set.Workers, func(_, k int) error {
		hooks, err := Hooks(cfg, sets[k])
		if err != nil {
			return err
		}
		for li, l := range eval {
			if ppl[k*L+li], err = Perplexity(m, l.Texts, hooks); err != nil {
				return fmt.Errorf("multilingual: Deactivate: language %q: %w", l.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for k := range sets {
		done++
		if stop, err := set.Progress.Report(run.Step{Iteration: done, MaxIterations: len(sets), Metric: "mean perplexity", Value: mean(ppl[k*L : (k+1)*L])}); err != nil {
			return nil, err
		} else if stop {
			return nil, fmt.Errorf("multilingual: Deactivate: %w", run.ErrStop)
		}
	}
	row := func(k int) []float64 { return ppl[k*L : (k+1)*L] }
	e := &Effects{Languages: n.Languages, Base: row(0), Shared: row(1), SharedSize: n.Shared.Len(), Runtime: time.Since(start)}
	for k := range n.Exclusive {
		e.Exclusive = append(e.Exclusive, row(2+k))
		e.ExclusiveSize = append(e.ExclusiveSize, n.Exclusive[k].Len())
	}
	for j := 0; j < set.RandomSets; j++ {
		e.Random = append(e.Random, row(2+len(n.Exclusive)+j))
	}
	return e, nil
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x / float64(len(xs))
	}
	return s
}

// ImportanceRatio returns, per language, the paper's Eq. 5
//
//	Imp^ℓ = (ΔPPL^ℓ_shared / |N_shared|) / (ΔPPL^ℓ_excl / |N_excl^ℓ|),
//
// ΔPPL the rise of language ℓ's perplexity when the shared units or its
// own exclusive units are deactivated: how much more each shared unit
// matters to the language than each of its exclusive units. It is NaN
// where undefined: an empty set, or exclusive units whose deactivation
// does not raise the perplexity.
func (e *Effects) ImportanceRatio() []float64 {
	out := make([]float64, len(e.Languages))
	for l := range out {
		dExcl := e.Exclusive[l][l] - e.Base[l]
		if e.SharedSize == 0 || e.ExclusiveSize[l] == 0 || !(dExcl > 0) {
			out[l] = math.NaN()
			continue
		}
		out[l] = ((e.Shared[l] - e.Base[l]) / float64(e.SharedSize)) / (dExcl / float64(e.ExclusiveSize[l]))
	}
	return out
}

// LanguageAgnosticScore returns the paper's Eq. 6, log(1 + mean_ℓ Imp^ℓ)
// over the languages whose ImportanceRatio is defined (log 2 when shared
// and exclusive units matter equally per unit), or NaN when none is or
// the mean is at most −1.
func (e *Effects) LanguageAgnosticScore() float64 {
	var s float64
	k := 0
	for _, v := range e.ImportanceRatio() {
		if !math.IsNaN(v) {
			s, k = s+v, k+1
		}
	}
	if k == 0 || s/float64(k) <= -1 {
		return math.NaN()
	}
	return math.Log1p(s / float64(k))
}
