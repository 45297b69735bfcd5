package study

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/safety"
	"github.com/neuronb/neuronb/neuro/safety/synthetic"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// Metric names the value Run reports to its Progress: the causal effect of
// the set just patched.
const Metric = "causal effect"

// Settings configures Run. The registered full run is Full(); the
// notebook's live run is Reduced().
type Settings struct {
	// Fractions of the 576 neurons patched (top and random sets).
	Fractions []float64 `json:"fractions"`
	// Seeds of the random controls, one control per seed and fraction.
	Seeds []uint64 `json:"seeds"`
	// ContrastPrompts is the number of harmful train prompts whose
	// activations are contrasted (the paper uses 200).
	ContrastPrompts int `json:"contrast_prompts"`
	// MaxNewTokens per generation.
	MaxNewTokens int `json:"max_new_tokens"`
	// Sweep also measures the top neurons of every swept (IA)³ learning
	// rate; Guard runs the safeguard experiment.
	Sweep bool `json:"sweep"`
	Guard bool `json:"guard"`
	// Progress is called after each patched set with its causal effect;
	// an error it returns (run.ErrStop included) ends Run with that error.
	Progress run.Progress `json:"-"`
}

// Full is the registered run (command cmd/causaleffect).
func Full() Settings {
	return Settings{Fractions: Fractions, Seeds: Seeds, ContrastPrompts: 200, MaxNewTokens: 16, Sweep: true, Guard: true}
}

// Reduced is the notebook's live run: three fractions around the claim's,
// the first three seeds, no sweep.
func Reduced() Settings {
	return Settings{Fractions: []float64{0.01, 0.05, 0.2}, Seeds: Seeds[:3], ContrastPrompts: 200, MaxNewTokens: 16, Guard: true}
}

// Overlap is the size (1% of the neurons) of the top set against which a
// random control's overlap is counted.
const Overlap = 0.01

// Run measures the study on the shipped models: for the IA3 and Full
// variants a Table-1 row (Curve) with random controls at every fraction,
// over-refusal of benign test prompts, exactness at 0 and all neurons and
// the ablations; for every swept (IA)³ learning rate the top neurons'
// curve (Sweep); and the safeguard on the jailbreakable model (Guard).
func Run(s Settings) (*Results, error) {
	start := time.Now()
	rec, err := synthetic.TrainingRecord()
	if err != nil {
		return nil, err
	}
	st := &state{set: s}
	if st.base, err = synthetic.Load(synthetic.Base); err != nil {
		return nil, err
	}
	res := &Results{Settings: s, SelectedLR: rec.SelectedIA3LR, Variants: map[string]*Curve{}, Sweep: map[string]*Curve{}}
	for _, v := range []synthetic.Variant{synthetic.IA3, synthetic.Full} {
		m, err := synthetic.Load(v)
		if err != nil {
			return nil, err
		}
		if res.Variants[string(v)], err = st.curve(string(v), m, true); err != nil {
			return nil, err
		}
	}
	res.Variants[string(synthetic.IA3)].LR = rec.SelectedIA3LR
	if s.Sweep {
		if err := st.sweep(res); err != nil {
			return nil, err
		}
	}
	if s.Guard {
		if res.Guard, err = st.guard(); err != nil {
			return nil, err
		}
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// state holds what the parts of a run share.
type state struct {
	set  Settings
	base *transformer.Model
	done int
}

// report tells Progress about one patched set.
func (st *state) report(c float64) error {
	st.done++
	stop, err := st.set.Progress.Report(run.Step{Iteration: st.done, Metric: Metric, Value: c})
	if err != nil {
		return err
	}
	if stop {
		return fmt.Errorf("study: %w", run.ErrStop)
	}
	return nil
}

// sweep measures the top neurons of every swept (IA)³ learning rate.
func (st *state) sweep(res *Results) error {
	lrs, scales, err := synthetic.IA3Sweep()
	if err != nil {
		return err
	}
	for i, lr := range lrs {
		m, err := synthetic.ScaledBase(scales[i])
		if err != nil {
			return err
		}
		c, err := st.curve(string(synthetic.IA3), m, false)
		if err != nil {
			return err
		}
		c.LR = lr
		res.Sweep[fmt.Sprintf("%g", lr)] = c
	}
	return nil
}

// Contrast scores every neuron of the base against aligned on n harmful
// train prompts completed by the base, at the given positions.
func Contrast(base, aligned *transformer.Model, n int, pos safety.Positions) (*safety.Contrast, error) {
	seqs, err := safety.Complete(base, synthetic.TokensOf(synthetic.ContrastPrompts(n, 1)), 16)
	if err != nil {
		return nil, err
	}
	return safety.ContrastActivations(base, aligned, seqs, &safety.ContrastSettings{Positions: pos})
}

// Experiment sets up patching of the base by aligned on prompts, judged by
// judge, with the graded cost and 16 new tokens.
func Experiment(base, aligned *transformer.Model, prompts []synthetic.Prompt, judge safety.Judge) (*safety.Experiment, error) {
	return safety.NewExperiment(base, aligned, synthetic.TokensOf(prompts), judge,
		&safety.ExperimentSettings{MaxNewTokens: 16, Graded: synthetic.FirstWordCost()})
}

// controls draws the random control of every seed for a top set; the
// generator of seed s at fraction index i is PCG(s, i).
func controls(top safety.NeuronSet, dmlp int, seeds []uint64, i int) ([]safety.NeuronSet, error) {
	out := make([]safety.NeuronSet, len(seeds))
	for j, s := range seeds {
		r, err := safety.RandomMatched(top, dmlp, rand.New(rand.NewPCG(s, uint64(i))))
		if err != nil {
			return nil, err
		}
		out[j] = r
	}
	return out, nil
}
