package safety

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// Ablation says what the chosen neurons of the patched model are set to.
type Ablation int

const (
	// Donor: dynamic activation patching (the paper's Algorithm 1). At
	// every step the donor model runs, unpatched, on the current text
	// (prompt and the patched model's own tokens so far) and the chosen
	// neurons of the patched model take the donor's values, at every
	// position. The default.
	Donor Ablation = iota
	// Mean: the chosen neurons take the donor's mean activation over the
	// contrasted tokens (Contrast.Mean2), the same at every position.
	Mean
	// Zero: the chosen neurons are set to zero.
	Zero
	// Noise: Gaussian noise of 3 standard deviations of the patched
	// model's own activation (Contrast.Std1) is added to the chosen
	// neurons, as the reference code's add_noise does.
	Noise
)

func (a Ablation) String() string {
	switch a {
	case Donor:
		return "donor"
	case Mean:
		return "mean"
	case Zero:
		return "zero"
	case Noise:
		return "noise"
	}
	return fmt.Sprintf("Ablation(%d)", int(a))
}

// PatchSettings configures PatchedGenerate. A nil *PatchSettings means
// the defaults.
type PatchSettings struct {
	// Ablation (default Donor).
	Ablation Ablation
	// Values holds the per-neuron statistics of the Mean and Noise
	// ablations: Mean reads Values.Mean2, Noise reads Values.Std1.
	Values *Contrast
	// Seed of the Noise ablation's generator.
	Seed uint64
	// MaxNewTokens bounds the generation (default 32).
	MaxNewTokens int
	// StopTokens end the generation when produced (included in the
	// output); nil means the patched model's Config.EOS.
	StopTokens []int
	// KeepLogits records the patched model's logits at every step
	// (Generation.Logits), from which graded scores are read.
	KeepLogits bool
}

// PatchedGenerate generates greedily from receiver with the neurons of set
// patched as s.Ablation says. For Donor ablation every step runs the donor
// on the new tokens (the whole prompt at the first step, then the token
// just chosen) with its own KV cache, recording hook_post, and then the
// receiver on the same tokens with its own KV cache and the chosen neurons
// overwritten by the donor's values; the next token is the receiver's
// argmax. Because both caches hold exactly the values a run over the whole
// text would compute (the donor is never patched, and the receiver's cache
// holds keys and values computed after patching), this equals recomputing
// both models on the whole text at every step, as Algorithm 1 is written.
// Generation.Stop is run.Finished after a stop token, run.IterationLimit
// after MaxNewTokens and run.ResourceLimit when the context is full.
//
// An empty set runs the receiver alone, unpatched, so it reproduces the
// receiver's own greedy generation exactly; donor may then be nil.
func PatchedGenerate(receiver, donor *transformer.Model, prompt []int, set NeuronSet, s *PatchSettings) (*transformer.Generation, error) {
	start := time.Now()
	var ps PatchSettings
	if s != nil {
		ps = *s
	}
	if err := checkPatch(receiver, donor, prompt, set, &ps); err != nil {
		return nil, fmt.Errorf("safety: PatchedGenerate: %w", err)
	}
	rc := receiver.Config()
	if ps.MaxNewTokens <= 0 {
		ps.MaxNewTokens = 32
	}
	if ps.StopTokens == nil {
		ps.StopTokens = rc.EOS
	}
	p := newPatcher(set, &ps)
	kvR := receiver.NewKVCache()
	var kvD *transformer.KVCache
	if p.active && ps.Ablation == Donor {
		kvD = donor.NewKVCache()
	}
	g := &transformer.Generation{Stop: run.IterationLimit}
	next := prompt
	for step := 0; step < ps.MaxNewTokens; step++ {
		if kvR.Len()+len(next) > rc.MaxPositions {
			g.Stop = run.ResourceLimit
			break
		}
		logits, err := p.step(receiver, donor, next, kvR, kvD)
		if err != nil {
			return nil, fmt.Errorf("safety: PatchedGenerate: step %d: %w", step, err)
		}
		tok := transformer.Argmax(logits)
		g.Tokens = append(g.Tokens, tok)
		g.LogProbs = append(g.LogProbs, transformer.LogSoftmaxAt(logits, tok))
		if ps.KeepLogits {
			g.Logits = append(g.Logits, logits)
		}
		if slices.Contains(ps.StopTokens, tok) {
			g.Stop = run.Finished
			break
		}
		next = []int{tok}
	}
	g.Runtime = time.Since(start)
	return g, nil
}

// checkPatch validates the arguments of PatchedGenerate.
func checkPatch(receiver, donor *transformer.Model, prompt []int, set NeuronSet, s *PatchSettings) error {
	if receiver == nil {
		return errors.New("nil receiver model")
	}
	rc := receiver.Config()
	if err := set.check(rc); err != nil {
		return err
	}
	if len(prompt) == 0 {
		return errors.New("empty prompt")
	}
	active := set.Len() > 0
	if active && s.Ablation == Donor {
		if donor == nil {
			return errors.New("donor ablation needs a donor model")
		}
		if err := sameShape(rc, donor.Config()); err != nil {
			return err
		}
	}
	if active && (s.Ablation == Mean || s.Ablation == Noise) {
		if s.Values == nil || len(s.Values.Mean2) != rc.NLayers || len(s.Values.Mean2[0]) != rc.DMLP {
			return fmt.Errorf("%s ablation needs Values from ContrastActivations on models of this shape", s.Ablation)
		}
	}
	return nil
}

// patcher holds the state of the hooks of one patched generation.
type patcher struct {
	set      NeuronSet
	ablation Ablation
	values   *Contrast
	active   bool
	names    []string // hook_post of the layers with chosen neurons
	hooks    []transformer.NamedHook
	donor    transformer.ActivationCache // donor's hook_post on the current new tokens
	rng      *rand.Rand
}

func newPatcher(set NeuronSet, s *PatchSettings) *patcher {
	p := &patcher{set: set, ablation: s.Ablation, values: s.Values, active: set.Len() > 0}
	if s.Ablation == Noise {
		p.rng = rand.New(rand.NewPCG(s.Seed, 0x6e6f697365))
	}
	for l, idx := range set {
		if len(idx) > 0 {
			name := transformer.ActName("post", l)
			p.names = append(p.names, name)
			p.hooks = append(p.hooks, transformer.NamedHook{Name: name, Fn: p.patch})
		}
	}
	return p
}

// step runs the donor (when there is one) and then the patched receiver on
// the new tokens and returns the receiver's logits at the last of them.
func (p *patcher) step(receiver, donor *transformer.Model, next []int, kvR, kvD *transformer.KVCache) ([]float32, error) {
	if kvD != nil {
		d, err := donor.Run(next, &transformer.RunOptions{KV: kvD, Cache: p.names, LastLogitsOnly: true})
		if err != nil {
			return nil, fmt.Errorf("donor: %w", err)
		}
		p.donor = d.Cache
	}
	opts := &transformer.RunOptions{KV: kvR, LastLogitsOnly: true}
	if p.active {
		opts.Hooks = p.hooks
	}
	r, err := receiver.Run(next, opts)
	if err != nil {
		return nil, fmt.Errorf("receiver: %w", err)
	}
	return r.Logits.Data, nil
}

// patch overwrites the chosen neurons of one layer at every new position.
func (p *patcher) patch(ctx transformer.HookContext, a *transformer.Tensor) error {
	idx := p.set[ctx.Layer]
	rows := a.Shape[0]
	switch p.ablation {
	case Donor:
		src := p.donor[ctx.Name]
		if src == nil || src.Shape[0] != rows {
			return fmt.Errorf("donor activation of %s missing or of another length", ctx.Name)
		}
		for r := 0; r < rows; r++ {
			dst, from := a.Row(r), src.Row(r)
			for _, i := range idx {
				dst[i] = from[i]
			}
		}
	case Mean:
		mean := p.values.Mean2[ctx.Layer]
		for r := 0; r < rows; r++ {
			dst := a.Row(r)
			for _, i := range idx {
				dst[i] = float32(mean[i])
			}
		}
	case Zero:
		for r := 0; r < rows; r++ {
			dst := a.Row(r)
			for _, i := range idx {
				dst[i] = 0
			}
		}
	case Noise:
		std := p.values.Std1[ctx.Layer]
		for r := 0; r < rows; r++ {
			dst := a.Row(r)
			for _, i := range idx {
				dst[i] += float32(3 * std[i] * p.rng.NormFloat64())
			}
		}
	default:
		return fmt.Errorf("unknown ablation %v", p.ablation)
	}
	return nil
}
