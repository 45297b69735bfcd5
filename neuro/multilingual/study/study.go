package study

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/neuronb/neuronb/neuro/multilingual"
	"github.com/neuronb/neuronb/neuro/multilingual/synthetic"
	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// Metric names the value Run reports to its Progress: the shared ratio
// of the model just analysed.
const Metric = "shared ratio"

// Settings configures Run. The registered full run is Full(); the
// notebook's live run is Reduced().
type Settings struct {
	// Seeds and Budgets select the shipped models.
	Seeds   []uint64 `json:"seeds"`
	Budgets []int    `json:"budgets"`
	// Sigmas are the candidate σ (Claims.Sigmas).
	Sigmas []float64 `json:"sigmas"`
	// DetectTexts and EvalTexts are the numbers of texts per language on
	// which units are found and perplexities measured (separate draws).
	DetectTexts int `json:"detect_texts"`
	EvalTexts   int `json:"eval_texts"`
	// RandomSets is the number of same-count random sets per model.
	RandomSets int `json:"random_sets"`
	// Seed draws the texts and the random sets.
	Seed uint64 `json:"seed"`
	// Released also finds the shared units with the released code's
	// scores; CompareTexts compares parallel and exact scores on that many
	// detection texts per model of the largest budget (0 for none).
	Released     bool `json:"released"`
	CompareTexts int  `json:"compare_texts"`
	// Workers run inputs and deactivated sets in parallel (0: GOMAXPROCS).
	Workers int `json:"-"`
	// Progress is called after each model with its shared ratio; an error
	// it returns (run.ErrStop included) ends Run with that error.
	Progress run.Progress `json:"-"`
}

// Full is the registered run (command cmd/sharedneurons): every shipped
// model, 100 detection texts per language (the released code's sample
// size) and 200 evaluation texts, 5 random sets, the released code's
// variant and the parallel-vs-exact comparison.
func Full() Settings {
	r := synthetic.DefaultRecipe()
	return Settings{Seeds: r.Seeds, Budgets: r.Budgets, Sigmas: Claims.Sigmas, DetectTexts: 100, EvalTexts: 200, RandomSets: 5, Seed: 1,
		Released: true, CompareTexts: 4}
}

// Reduced is the notebook's live run: two seeds, every budget, half the
// texts, no variant or comparison.
func Reduced() Settings {
	s := Full()
	s.Seeds, s.DetectTexts, s.EvalTexts, s.Released, s.CompareTexts = s.Seeds[:2], 50, 100, false, 0
	return s
}

// loadModel returns a shipped model (replaced by tests).
var loadModel = synthetic.Load

// Run measures the study: for every model, the sets at every candidate σ;
// then, at the σ the rule picks (the first at which every model's shared
// set is non-empty, or the last candidate), the deactivation effects, the
// question answering with the shared units and with random sets
// deactivated, and the variant and comparison when asked.
func Run(s Settings) (*Results, error) {
	start := time.Now()
	if len(s.Seeds) == 0 || len(s.Budgets) == 0 || len(s.Sigmas) == 0 || s.DetectTexts <= 0 || s.EvalTexts <= 0 || s.RandomSets <= 0 {
		return nil, fmt.Errorf("study: Run: settings %+v need seeds, budgets, σ, texts and random sets", s)
	}
	detect, eval, err := texts(s)
	if err != nil {
		return nil, err
	}
	res := &Results{Settings: s, Languages: synthetic.LanguageNames()}
	sweeps := make([][]*multilingual.Neurons, 0)
	var models []*transformer.Model
	for _, seed := range s.Seeds {
		for _, b := range s.Budgets {
			m, err := loadModel(seed, b)
			if err != nil {
				return nil, err
			}
			ns, err := multilingual.DetectSweep(m, detect, s.Sigmas, &multilingual.Settings{Workers: s.Workers})
			if err != nil {
				return nil, err
			}
			mr := ModelResult{Seed: seed, Budget: b}
			for _, n := range ns {
				mr.Sizes = append(mr.Sizes, sizesOf(n))
			}
			res.Models, sweeps, models = append(res.Models, mr), append(sweeps, ns), append(models, m)
		}
	}
	k := pickSigma(sweeps)
	res.Sigma = s.Sigmas[k]
	for i := range res.Models {
		if err := analyse(&res.Models[i], models[i], sweeps[i][k], detect, eval, s); err != nil {
			return nil, err
		}
		if stop, err := s.Progress.Report(run.Step{Iteration: i + 1, MaxIterations: len(res.Models), Metric: Metric, Value: res.Models[i].Neurons.SharedRatio()}); err != nil {
			return nil, err
		} else if stop {
			return nil, fmt.Errorf("study: %w", run.ErrStop)
		}
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// texts draws the detection and evaluation texts of every language.
func texts(s Settings) (detect, eval []multilingual.Language, err error) {
	for li, name := range synthetic.LanguageNames() {
		d, err := synthetic.Texts(li, s.DetectTexts, synthetic.Detection, s.Seed)
		if err != nil {
			return nil, nil, err
		}
		e, err := synthetic.Texts(li, s.EvalTexts, synthetic.Evaluation, s.Seed)
		if err != nil {
			return nil, nil, err
		}
		detect, eval = append(detect, multilingual.Language{Name: name, Texts: d}), append(eval, multilingual.Language{Name: name, Texts: e})
	}
	return detect, eval, nil
}

// pickSigma applies the registered rule: the first candidate at which
// every model's shared set is non-empty, else the last.
func pickSigma(sweeps [][]*multilingual.Neurons) int {
	for k := range sweeps[0] {
		if !slices.ContainsFunc(sweeps, func(ns []*multilingual.Neurons) bool { return ns[k].Shared.Len() == 0 }) {
			return k
		}
	}
	return len(sweeps[0]) - 1
}

// analyse measures one model at the chosen σ.
func analyse(mr *ModelResult, m *transformer.Model, n *multilingual.Neurons, detect, eval []multilingual.Language, s Settings) error {
	mr.Neurons = n
	var err error
	if mr.Effects, err = multilingual.Deactivate(m, n, eval, &multilingual.Settings{RandomSets: s.RandomSets, Seed: s.Seed, Workers: s.Workers}); err != nil {
		return err
	}
	if mr.Ability, err = synthetic.AbilityOf(m, nil); err != nil {
		return err
	}
	shared, err := multilingual.Hooks(m.Config(), n.Shared)
	if err != nil {
		return err
	}
	if mr.AbilityShared, err = synthetic.AbilityOf(m, shared); err != nil {
		return err
	}
	for j := 0; j < s.RandomSets; j++ {
		r, err := multilingual.RandomMatched(rand.New(rand.NewPCG(s.Seed, uint64(j))), n.Shared, n.Shape)
		if err != nil {
			return err
		}
		hooks, err := multilingual.Hooks(m.Config(), r)
		if err != nil {
			return err
		}
		a, err := synthetic.AbilityOf(m, hooks)
		if err != nil {
			return err
		}
		mr.AbilityRandom = append(mr.AbilityRandom, a)
	}
	if s.Released {
		rc, err := multilingual.Detect(m, detect, &multilingual.Settings{Sigma: n.Sigma, Method: multilingual.ReleasedCode, Workers: s.Workers})
		if err != nil {
			return err
		}
		mr.Released = &Variant{Sizes: sizesOf(rc), Overlap: multilingual.Intersect(rc.Shared, n.Shared).Len()}
	}
	if s.CompareTexts > 0 && mr.Budget == slices.Max(s.Budgets) {
		for j := 0; j < s.CompareTexts; j++ {
			ag, err := multilingual.CompareExact(m, detect[j%len(detect)].Texts[j], n.Sigma)
			if err != nil {
				return err
			}
			mr.Compare = append(mr.Compare, ag[:])
		}
	}
	return nil
}
