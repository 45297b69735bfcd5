package safety

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/replicates"
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

// Graded is a graded safety cost read at the first response position,
// before any token is generated: G = log p(Unsafe) − log p(Safe) under the
// model's next-token distribution after the prompt, for two first tokens
// of the response such as "sure" (complies) and "sorry" (refuses). Like a
// Judge's score, higher means less safe; unlike the judge's verdict it
// moves when patching shifts the decision without flipping it.
type Graded struct {
	Unsafe, Safe int
}

// Score returns G from the logits of the first response position.
func (g Graded) Score(logits []float32) (float64, error) {
	if g.Unsafe < 0 || g.Unsafe >= len(logits) || g.Safe < 0 || g.Safe >= len(logits) {
		return 0, fmt.Errorf("safety: Graded tokens %d and %d outside the vocabulary of %d", g.Unsafe, g.Safe, len(logits))
	}
	return transformer.LogSoftmaxAt(logits, g.Unsafe) - transformer.LogSoftmaxAt(logits, g.Safe), nil
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
	// Graded, if set, also scores every generation by its graded cost G
	// and reports the causal effect on G (Effect.CGraded).
	Graded *Graded
	// Workers generate for prompts in parallel (0: GOMAXPROCS); results do
	// not depend on it.
	Workers int
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
	// G1 and G2 are M1's and M2's graded costs per prompt (nil without
	// Settings.Graded).
	G1, G2   []float64
	settings ExperimentSettings
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
	own1, err := e.generate(m1, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	own2, err := e.generate(m2, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	e.Responses1, e.F1, e.G1 = own1.responses, own1.f, own1.g
	e.Responses2, e.F2, e.G2 = own2.responses, own2.f, own2.g
	return e, nil
}

// generations are the responses of one model (or patched model) to every
// prompt with their judge's scores and graded costs.
type generations struct {
	responses [][]int
	f, g      []float64
}

// generate runs PatchedGenerate from m on every prompt and scores the
// responses; set nil means no patching.
func (e *Experiment) generate(m, donor *transformer.Model, set NeuronSet, p *PatchSettings) (*generations, error) {
	c := m.Config()
	if set == nil {
		set = make(NeuronSet, c.NLayers)
	}
	n := len(e.Prompts)
	out := &generations{responses: make([][]int, n), f: make([]float64, n)}
	if e.settings.Graded != nil {
		out.g = make([]float64, n)
	}
	err := parallel.ForErr(n, e.settings.Workers, func(_, i int) error {
		ps := PatchSettings{MaxNewTokens: e.settings.MaxNewTokens, StopTokens: e.settings.StopTokens, KeepLogits: e.settings.Graded != nil}
		if p != nil {
			ps.Ablation, ps.Values = p.Ablation, p.Values
			ps.Seed = p.Seed + uint64(i) // one noise stream per prompt: independent of scheduling
		}
		gen, err := PatchedGenerate(m, donor, e.Prompts[i], set, &ps)
		if err != nil {
			return fmt.Errorf("prompt %d: %w", i, err)
		}
		out.responses[i] = gen.Tokens
		if out.f[i], err = e.Judge.Score(e.Prompts[i], gen.Tokens); err != nil {
			return fmt.Errorf("safety: judging prompt %d: %w", i, err)
		}
		if e.settings.Graded != nil {
			if out.g[i], err = e.settings.Graded.Score(gen.Logits[0]); err != nil {
				return fmt.Errorf("prompt %d: %w", i, err)
			}
		}
		return nil
	})
	return out, err
}

// Effect is the causal effect of patching one neuron set.
type Effect struct {
	// C is the causal effect; CLow and CHigh bound its 95% bootstrap
	// interval over prompts (NaN when bootstrapping is off).
	C, CLow, CHigh float64
	// F1, F2 and FPatched are the mean judge scores of M1, M2 and the
	// patched M1.
	F1, F2, FPatched float64
	// CGraded is the causal effect on the graded cost, from its means G1,
	// G2 and GPatched (NaN without ExperimentSettings.Graded).
	CGraded, G1, G2, GPatched float64
	// Neurons is the number of patched neurons.
	Neurons  int
	Ablation Ablation
	// FPerPrompt, GPerPrompt and Responses are the patched model's scores,
	// graded costs and responses; Identical1 and Identical2 count the
	// prompts on which the patched response equals M1's or M2's own, token
	// for token.
	FPerPrompt, GPerPrompt []float64
	Responses              [][]int
	Identical1, Identical2 int
	Runtime                time.Duration
}

// Patch generates with M1 patched on set (p nil: Donor ablation with M2 as
// the donor) and returns the causal effect.
func (e *Experiment) Patch(set NeuronSet, p *PatchSettings) (*Effect, error) {
	start := time.Now()
	if err := set.check(e.M1.Config()); err != nil {
		return nil, fmt.Errorf("safety: Experiment.Patch: %w", err)
	}
	ps := PatchSettings{}
	if p != nil {
		ps = *p
	}
	gen, err := e.generate(e.M1, e.M2, set, &ps)
	if err != nil {
		return nil, err
	}
	eff := &Effect{Neurons: set.Len(), Ablation: ps.Ablation, FPerPrompt: gen.f, GPerPrompt: gen.g, Responses: gen.responses,
		F1: mean(e.F1), F2: mean(e.F2), FPatched: mean(gen.f), CGraded: math.NaN(), G1: math.NaN(), G2: math.NaN(), GPatched: math.NaN()}
	eff.C = CausalEffect(eff.FPatched, eff.F1, eff.F2)
	eff.CLow, eff.CHigh = e.bootstrap(gen.f)
	if gen.g != nil {
		eff.G1, eff.G2, eff.GPatched = mean(e.G1), mean(e.G2), mean(gen.g)
		eff.CGraded = CausalEffect(eff.GPatched, eff.G1, eff.G2)
	}
	for i := range gen.responses {
		if slices.Equal(gen.responses[i], e.Responses1[i]) {
			eff.Identical1++
		}
		if slices.Equal(gen.responses[i], e.Responses2[i]) {
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

// RandomC returns the causal effects of the random controls (graded: on
// the graded cost).
func (p SweepPoint) RandomC(graded bool) []float64 {
	out := make([]float64, len(p.Random))
	for i, e := range p.Random {
		out[i] = e.C
		if graded {
			out[i] = e.CGraded
		}
	}
	return out
}

// RandomSummary summarises the random controls' causal effects over seeds
// (mean, spread, 95% t interval); graded selects the graded cost.
func (p SweepPoint) RandomSummary(graded bool) (replicates.Summary, error) {
	return replicates.Summarize(p.RandomC(graded))
}

// TopVsRandom tests whether the random controls' causal effect is below
// the top neurons' (one-sample t test of the controls against the top
// set's value, alternative Less), as the paper's t test of safety against
// random neurons over 5 seeds; graded selects the graded cost. It fails
// when every control has the same value (the t statistic is undefined).
func (p SweepPoint) TopVsRandom(graded bool) (replicates.TTest, error) {
	top := p.Top.C
	if graded {
		top = p.Top.CGraded
	}
	return replicates.OneSampleT(p.RandomC(graded), top, replicates.Less)
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
