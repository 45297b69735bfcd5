package safety

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/neuronb/neuronb/neuro/transformer"
)

// Judge scores an exchange: F(prompt, response), higher meaning less safe
// (the sign of the paper's cost model, beaver-7b-v1.0-cost). The synthetic
// language's deterministic judge is synthetic.Judge.
type Judge interface {
	Score(prompt, response []int) (float64, error)
}

// CausalEffect is the paper's Eq. 4,
//
//	C = (E F(patched M1) − E F(M1)) / (E F(M2) − E F(M1)),
//
// the fraction of M2's change in the safety score that patching brings to
// M1: 0 when patching changes nothing, 1 when it reproduces M2. It is NaN
// when M1 and M2 score the same.
func CausalEffect(fPatched, f1, f2 float64) float64 {
	if f2 == f1 {
		return math.NaN()
	}
	c := (fPatched - f1) / (f2 - f1)
	if c == 0 {
		return 0 // not −0 when F2 < F1
	}
	return c
}

// ExperimentSettings configures NewExperiment. A nil *ExperimentSettings
// means the defaults.
type ExperimentSettings struct {
	// MaxNewTokens per generation (default 32).
	MaxNewTokens int
	// StopTokens end generation (nil: the models' EOS).
	StopTokens []int
	// Bootstrap resamples of the prompts for the 95% interval of C
	// (default 1000; negative disables it).
	Bootstrap int
	// Seed of the bootstrap.
	Seed uint64
}

// Experiment measures causal effects of patching on a fixed set of
// prompts: M1 is the patched (receiver) model, M2 the aligned (donor)
// model, and each generates its own responses once, when the experiment
// is created.
type Experiment struct {
	M1, M2  *transformer.Model
	Prompts [][]int
	Judge   Judge
	// F1 and F2 are the judge's scores of M1's and M2's own responses,
	// per prompt; Responses1 and Responses2 the responses.
	F1, F2                 []float64
	Responses1, Responses2 [][]int
	settings               ExperimentSettings
}

// NewExperiment generates M1's and M2's own greedy responses to every
// prompt and scores them.
func NewExperiment(m1, m2 *transformer.Model, prompts [][]int, judge Judge, s *ExperimentSettings) (*Experiment, error) {
	if m1 == nil || m2 == nil {
		return nil, fmt.Errorf("safety: NewExperiment: nil model")
	}
	if err := sameShape(m1.Config(), m2.Config()); err != nil {
		return nil, fmt.Errorf("safety: NewExperiment: %w", err)
	}
	if judge == nil {
		return nil, fmt.Errorf("safety: NewExperiment: nil judge")
	}
	if len(prompts) == 0 {
		return nil, fmt.Errorf("safety: NewExperiment: no prompts")
	}
	e := &Experiment{M1: m1, M2: m2, Prompts: prompts, Judge: judge}
	if s != nil {
		e.settings = *s
	}
	if e.settings.MaxNewTokens <= 0 {
		e.settings.MaxNewTokens = 32
	}
	if e.settings.Bootstrap == 0 {
		e.settings.Bootstrap = 1000
	}
	var err error
	if e.Responses1, e.F1, err = e.generate(m1, nil, nil, nil); err != nil {
		return nil, err
	}
	c := m2.Config()
	none := make(NeuronSet, c.NLayers)
	if e.Responses2, e.F2, err = e.generate(m2, nil, none, nil); err != nil {
		return nil, err
	}
	return e, nil
}

// generate runs PatchedGenerate from m on every prompt and scores the
// responses; set nil means no patching.
func (e *Experiment) generate(m, donor *transformer.Model, set NeuronSet, p *PatchSettings) ([][]int, []float64, error) {
	c := m.Config()
	if set == nil {
		set = make(NeuronSet, c.NLayers)
	}
	resp := make([][]int, len(e.Prompts))
	f := make([]float64, len(e.Prompts))
	err := forEach(len(e.Prompts), func(_, i int) error {
		ps := PatchSettings{MaxNewTokens: e.settings.MaxNewTokens, StopTokens: e.settings.StopTokens}
		if p != nil {
			ps.Ablation, ps.Values = p.Ablation, p.Values
			ps.Seed = p.Seed + uint64(i) // one noise stream per prompt: independent of scheduling
		}
		g, err := PatchedGenerate(m, donor, e.Prompts[i], set, &ps)
		if err != nil {
			return fmt.Errorf("prompt %d: %w", i, err)
		}
		resp[i] = g.Tokens
		if f[i], err = e.Judge.Score(e.Prompts[i], g.Tokens); err != nil {
			return fmt.Errorf("safety: judging prompt %d: %w", i, err)
		}
		return nil
	})
	return resp, f, err
}

// Effect is the causal effect of patching one neuron set.
type Effect struct {
	// C is the causal effect; CLow and CHigh bound its 95% bootstrap
	// interval over prompts (NaN when bootstrapping is off).
	C, CLow, CHigh float64
	// F1, F2 and FPatched are the mean judge scores of M1, M2 and the
	// patched M1.
	F1, F2, FPatched float64
	// Neurons is the number of patched neurons.
	Neurons  int
	Ablation Ablation
	// FPerPrompt and Responses are the patched model's scores and
	// responses; Identical1 and Identical2 count the prompts on which the
	// patched response equals M1's or M2's own, token for token.
	FPerPrompt             []float64
	Responses              [][]int
	Identical1, Identical2 int
	Runtime                time.Duration
}

// Patch generates with M1 patched on set (p nil: Donor ablation with M2 as
// the donor) and returns the causal effect.
func (e *Experiment) Patch(set NeuronSet, p *PatchSettings) (*Effect, error) {
	start := time.Now()
	if err := set.validate(e.M1.Config(), "Experiment.Patch"); err != nil {
		return nil, err
	}
	ps := PatchSettings{}
	if p != nil {
		ps = *p
	}
	resp, f, err := e.generate(e.M1, e.M2, set, &ps)
	if err != nil {
		return nil, err
	}
	eff := &Effect{Neurons: set.Len(), Ablation: ps.Ablation, FPerPrompt: f, Responses: resp,
		F1: mean(e.F1), F2: mean(e.F2), FPatched: mean(f)}
	eff.C = CausalEffect(eff.FPatched, eff.F1, eff.F2)
	eff.CLow, eff.CHigh = e.bootstrap(f)
	for i := range resp {
		if slices.Equal(resp[i], e.Responses1[i]) {
			eff.Identical1++
		}
		if slices.Equal(resp[i], e.Responses2[i]) {
			eff.Identical2++
		}
	}
	eff.Runtime = time.Since(start)
	return eff, nil
}

// bootstrap returns the 2.5% and 97.5% percentiles of C over resamples of
// the prompts (with replacement); resamples where M1 and M2 score the same
// are skipped.
func (e *Experiment) bootstrap(fp []float64) (float64, float64) {
	B := e.settings.Bootstrap
	if B < 0 {
		return math.NaN(), math.NaN()
	}
	rng := rand.New(rand.NewPCG(e.settings.Seed, 0xb007))
	n := len(fp)
	cs := make([]float64, 0, B)
	for b := 0; b < B; b++ {
		var s1, s2, sp float64
		for j := 0; j < n; j++ {
			i := rng.IntN(n)
			s1, s2, sp = s1+e.F1[i], s2+e.F2[i], sp+fp[i]
		}
		if c := CausalEffect(sp, s1, s2); !math.IsNaN(c) {
			cs = append(cs, c)
		}
	}
	if len(cs) == 0 {
		return math.NaN(), math.NaN()
	}
	slices.Sort(cs)
	return quantile(cs, 0.025), quantile(cs, 0.975)
}

// quantile interpolates linearly between order statistics (numpy's
// default "linear" method).
func quantile(sorted []float64, q float64) float64 {
	h := q * float64(len(sorted)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// SweepPoint is the causal effect of the top neurons at one fraction and of
// its random controls.
type SweepPoint struct {
	Fraction float64 // of all MLP neurons
	K        int     // neurons patched
	Top      *Effect
	// Random holds one effect per seed, each patching random neurons with
	// the same per-layer counts as the top set (RandomMatched).
	Random []*Effect
}

// RandomMean returns the mean causal effect of the random controls.
func (p SweepPoint) RandomMean() float64 {
	s := 0.0
	for _, e := range p.Random {
		s += e.C
	}
	return s / float64(len(p.Random))
}

// Sweep measures C for the top round(f·total) neurons of c's ranking at
// each fraction f, and for len(seeds) random controls with matched
// per-layer counts (the random generator of control s is seeded by
// seeds[s] and the fraction's index), all by dynamic patching.
func (e *Experiment) Sweep(c *Contrast, fractions []float64, seeds []uint64) ([]SweepPoint, error) {
	cfg := e.M1.Config()
	out := make([]SweepPoint, len(fractions))
	for i, f := range fractions {
		top, err := c.TopFraction(f)
		if err != nil {
			return nil, err
		}
		pt := SweepPoint{Fraction: f, K: top.Len()}
		if pt.Top, err = e.Patch(top, nil); err != nil {
			return nil, err
		}
		for _, s := range seeds {
			r, err := RandomMatched(top, cfg.DMLP, rand.New(rand.NewPCG(s, uint64(i))))
			if err != nil {
				return nil, err
			}
			eff, err := e.Patch(r, nil)
			if err != nil {
				return nil, err
			}
			pt.Random = append(pt.Random, eff)
		}
		out[i] = pt
	}
	return out, nil
}
