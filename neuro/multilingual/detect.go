package multilingual

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// TopCount returns how many of n units a top-σ% selection keeps:
// ⌈σ·n/100⌉, at least one. (The released code truncates, int(ratio·n),
// which keeps none of a small model's 48 units at σ = 1%.)
func TopCount(sigma float64, n int) int {
	return max(1, int(math.Ceil(sigma*float64(n)/100-1e-9)))
}

// Top returns, in every layer and component, the TopCount(sigma, n) units
// with the largest scores (ties to the lower index): the units activated
// by the input in the paper's sense (Eq. 1 with σ chosen per input as the
// score of the top σ%). sigma is a percentage in (0, 100].
func Top(imp Importance, sigma float64) (UnitSet, error) {
	if !(sigma > 0 && sigma <= 100) {
		return nil, fmt.Errorf("multilingual: Top: σ = %g%%, want a percentage in (0, 100]", sigma)
	}
	out := make(UnitSet, len(imp))
	for l := range imp {
		for c, scores := range imp[l] {
			idx := make([]int, len(scores))
			for i := range idx {
				idx[i] = i
			}
			slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) })
			out[l][c] = slices.Clone(idx[:min(len(idx), TopCount(sigma, len(idx)))])
			slices.Sort(out[l][c])
		}
	}
	return out, nil
}

// Language is a language's name and its inputs (token ids, each a text).
type Language struct {
	Name  string
	Texts [][]int
}

// Settings configures Detect and Deactivate. A nil *Settings means the
// defaults.
type Settings struct {
	// Sigma is the percentage of units of each layer and component kept
	// per input (default 1, the paper's top 1%), in (0, 100].
	Sigma float64
	// Method scores the units (default Deactivation, the paper's
	// criterion; ReleasedCode for the released code's scores).
	Method Method
	// RandomSets is the number of same-count random sets Deactivate
	// measures (default 5, as the paper); Seed seeds them (set j is drawn
	// from PCG(Seed, j)).
	RandomSets int
	Seed       uint64
	// Workers run inputs (Detect) or deactivated sets (Deactivate) in
	// parallel; 0 means GOMAXPROCS. Results do not depend on it.
	Workers int
	// Progress is called after each language (Detect) or each deactivated
	// set (Deactivate); run.ErrStop stops the run with an error.
	Progress run.Progress
}

func (s *Settings) resolved() (Settings, error) {
	var out Settings
	if s != nil {
		out = *s
	}
	if out.Sigma == 0 {
		out.Sigma = 1
	}
	if !(out.Sigma > 0 && out.Sigma <= 100) {
		return out, fmt.Errorf("multilingual: Settings.Sigma = %g%%, want a percentage in (0, 100]", out.Sigma)
	}
	if out.RandomSets < 0 {
		return out, fmt.Errorf("multilingual: Settings.RandomSets = %d is negative", out.RandomSets)
	}
	out.RandomSets = run.Iterations(out.RandomSets, 5)
	return out, nil
}

// Neurons are the language-related units found by Detect (Eqs. 2–3 of
// the paper).
type Neurons struct {
	Shape     Shape    `json:"shape"`
	Languages []string `json:"languages"`
	Sigma     float64  `json:"sigma"`
	Method    Method   `json:"method"`
	// Inputs is the number of inputs of each language.
	Inputs []int `json:"inputs"`
	// Language[ℓ] are the units activated by every input of language ℓ.
	Language []UnitSet `json:"language"`
	// Shared are the units of every language's set.
	Shared UnitSet `json:"shared"`
	// Exclusive[ℓ] are the units of language ℓ's set that are not
	// shared; they may belong to some other languages' sets too.
	Exclusive []UnitSet `json:"exclusive"`
	// Strict[ℓ] are the units of language ℓ's set and of no other
	// language's ("strictly unique", App. C.3).
	Strict []UnitSet `json:"strict"`
	// PerInput is the mean number of units activated per input.
	PerInput float64       `json:"per_input"`
	Runtime  time.Duration `json:"runtime"`
}

// SharedRatio returns |shared| / mean_ℓ |language ℓ's set|, the shared
// ratio of the released code (neurons_statistics.py,
// relative_shared_neuron; the paper's Eq. 4 as reconstructed), or NaN
// when every language's set is empty.
func (n *Neurons) SharedRatio() float64 {
	mean := 0.0
	for _, s := range n.Language {
		mean += float64(s.Len()) / float64(len(n.Language))
	}
	if mean == 0 {
		return math.NaN()
	}
	return float64(n.Shared.Len()) / mean
}

// SharedFraction returns |shared| over all units of the model.
func (n *Neurons) SharedFraction() float64 { return float64(n.Shared.Len()) / float64(n.Shape.Total()) }

// Detect finds the language-related units of m: every input of every
// language is scored (Scorer), its top σ% units in each layer and
// component are the units it activates; a language's units are those
// activated by all its inputs, the shared units those of every language,
// and each language's exclusive units its own minus the shared ones.
func Detect(m *transformer.Model, langs []Language, s *Settings) (*Neurons, error) {
	set, err := s.resolved()
	if err != nil {
		return nil, err
	}
	ns, err := DetectSweep(m, langs, []float64{set.Sigma}, s)
	if err != nil {
		return nil, err
	}
	return ns[0], nil
}

// DetectSweep is Detect at several values of σ (Settings.Sigma is not
// used), scoring each input once: the sizes of the sets against σ.
func DetectSweep(m *transformer.Model, langs []Language, sigmas []float64, s *Settings) ([]*Neurons, error) {
	set, err := s.resolved()
	if err != nil {
		return nil, err
	}
	if len(sigmas) == 0 {
		return nil, fmt.Errorf("multilingual: DetectSweep: no σ")
	}
	for _, sg := range sigmas {
		if !(sg > 0 && sg <= 100) {
			return nil, fmt.Errorf("multilingual: DetectSweep: σ = %g%%, want a percentage in (0, 100]", sg)
		}
	}
	if err := checkLanguages(langs); err != nil {
		return nil, err
	}
	start := time.Now()
	sc, err := NewScorer(m, set.Method)
	if err != nil {
		return nil, err
	}
	out := make([]*Neurons, len(sigmas))
	totals := make([]float64, len(sigmas))
	for k, sg := range sigmas {
		out[k] = &Neurons{Shape: sc.Shape(), Sigma: sg, Method: set.Method}
	}
	for i, l := range langs {
		tops := make([][]UnitSet, len(l.Texts))
		err := parallel.ForErr(len(l.Texts), set.Workers, func(_, j int) error {
			imp, err := sc.Importance(l.Texts[j])
			if err != nil {
				return fmt.Errorf("multilingual: Detect: language %q input %d: %w", l.Name, j, err)
			}
			tops[j] = make([]UnitSet, len(sigmas))
			for k, sg := range sigmas {
				if tops[j][k], err = Top(imp, sg); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		for k, n := range out {
			common := tops[0][k]
			for _, t := range tops {
				common = Intersect(common, t[k])
				totals[k] += float64(t[k].Len())
			}
			n.Languages, n.Inputs, n.Language = append(n.Languages, l.Name), append(n.Inputs, len(l.Texts)), append(n.Language, common)
		}
		if stop, err := set.Progress.Report(run.Step{Iteration: i + 1, MaxIterations: len(langs), Metric: "units of the language", Value: float64(out[0].Language[i].Len())}); err != nil {
			return nil, err
		} else if stop {
			return nil, fmt.Errorf("multilingual: Detect: %w", run.ErrStop)
		}
	}
	for k, n := range out {
		n.finish(totals[k])
		n.Runtime = time.Since(start)
	}
	return out, nil
}

func checkLanguages(langs []Language) error {
	if len(langs) == 0 {
		return fmt.Errorf("multilingual: Detect: no languages")
	}
	for i, l := range langs {
		if len(l.Texts) == 0 {
			return fmt.Errorf("multilingual: Detect: language %d (%q) has no inputs", i, l.Name)
		}
		for j, t := range l.Texts {
			if len(t) == 0 {
				return fmt.Errorf("multilingual: Detect: language %q input %d is empty", l.Name, j)
			}
		}
	}
	return nil
}

// finish derives the shared, exclusive and strictly unique sets.
func (n *Neurons) finish(activated float64) {
	inputs := 0
	for _, k := range n.Inputs {
		inputs += k
	}
	n.PerInput = activated / float64(max(inputs, 1))
	n.Shared = n.Language[0]
	for _, s := range n.Language[1:] {
		n.Shared = Intersect(n.Shared, s)
	}
	for i, s := range n.Language {
		n.Exclusive = append(n.Exclusive, Minus(s, n.Shared))
		strict := s
		for j, o := range n.Language {
			if j != i {
				strict = Minus(strict, o)
			}
		}
		n.Strict = append(n.Strict, strict)
	}
}
