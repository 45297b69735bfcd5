// Command trainsynthetic trains the tiny Llama-style models of the
// synthetic chat language (neuro/safety/synthetic) with neuro/train/llama
// (GoMLX gradients, train.Adam) and writes what the package ships:
//
//	base/       config.json, model.safetensors, vocab.json  (complies with everything)
//	full/       the base fully fine-tuned on the Alignment corpus
//	ia3/        ia3_scales.safetensors (the IA3 model's (IA)³ vectors) and
//	            lr_sweep.safetensors (the vectors at every swept learning rate)
//	jailbreak/  the base aligned on the Jailbreakable corpus
//	record.json the recipe, source revision, stage times and losses, the
//	            validation behaviour of each swept learning rate and the one chosen
//
// The (IA)³ learning rate is chosen by synthetic.Criterion on the
// validation prompts (synthetic.SelectIA3LR), never by a causal effect.
//
//	go run ./neuro/safety/cmd/trainsynthetic -out neuro/safety/synthetic/models
//
// The whole recipe takes about 15 minutes on two cores.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/safety"
	"github.com/neuronb/neuronb/neuro/safety/synthetic"
	"github.com/neuronb/neuronb/neuro/train/llama"
	"github.com/neuronb/neuronb/neuro/transformer"
	"github.com/neuronb/neuronb/neuro/transformer/safetensors"
)

func main() {
	r := synthetic.DefaultRecipe()
	out := flag.String("out", "neuro/safety/synthetic/models", "directory receiving the models")
	flag.Uint64Var(&r.Seed, "seed", r.Seed, "seed of weights and data")
	flag.IntVar(&r.BaseSteps, "base-steps", r.BaseSteps, "pre-training steps")
	flag.IntVar(&r.IA3Steps, "ia3-steps", r.IA3Steps, "(IA)³ alignment steps")
	flag.IntVar(&r.FullSteps, "full-steps", r.FullSteps, "full fine-tuning steps")
	flag.IntVar(&r.JailbreakSteps, "jailbreak-steps", r.JailbreakSteps, "jailbreakable alignment steps")
	flag.StringVar(&r.JailbreakMode, "jailbreak-mode", r.JailbreakMode, "ia3 or full")
	flag.Parse()
	if err := run1(r, *out); err != nil {
		fmt.Fprintln(os.Stderr, "trainsynthetic:", err)
		os.Exit(1)
	}
}

func run1(r synthetic.Recipe, out string) error {
	rev, err := run.Revision(".")
	if err != nil {
		return err
	}
	fmt.Printf("recipe %+v at %s\n", r, rev)
	start := time.Now()
	t, err := trainAll(r, printer(start))
	if err != nil {
		return err
	}
	t.record.Revision = rev
	if err := write(t, out); err != nil {
		return err
	}
	fmt.Printf("wrote %s in %s\n", out, time.Since(start).Round(time.Second))
	return nil
}

// printer prints a stage's loss every 15 seconds.
func printer(start time.Time) func(stage string) run.Progress {
	last := time.Now()
	return func(stage string) run.Progress {
		return func(s run.Step) error {
			if s.Iteration == 1 || s.Iteration == s.MaxIterations || time.Since(last) > 15*time.Second {
				fmt.Printf("%-10s %s  (%s)\n", stage, s, time.Since(start).Round(time.Second))
				last = time.Now()
			}
			return nil
		}
	}
}

// trained holds the outcome of a recipe.
type trained struct {
	cfg       *transformer.Config
	base      llama.Weights
	full      llama.Weights
	sweep     [][][]float32 // (IA)³ vectors per Recipe.IA3LRs
	ia3       [][]float32   // the selected learning rate's
	jailbreak *llama.Result
	record    synthetic.Record
}

// stage runs one training stage and records it.
func (t *trained) stage(name string, r synthetic.Recipe, from llama.Weights, corpus synthetic.Stage, mode llama.Mode,
	steps int, lr float64, seed uint64, progress func(string) run.Progress) (*llama.Result, error) {
	res, err := llama.Train(t.cfg, from, sampler(corpus), mode, &llama.Settings{MaxIterations: steps, BatchSize: r.BatchSize,
		SeqLen: synthetic.MaxLen, LearningRate: lr, Seed: seed, Progress: progress(name)})
	if err != nil {
		return nil, fmt.Errorf("%s stage: %w", name, err)
	}
	t.record.Stages = append(t.record.Stages, struct {
		Name      string  `json:"name"`
		Steps     int     `json:"steps"`
		LR        float64 `json:"lr"`
		Seconds   float64 `json:"seconds"`
		FinalLoss float64 `json:"final_loss"`
	}{name, steps, lr, res.Runtime.Seconds(), res.TailMean(20)})
	return res, nil
}

// trainAll runs the recipe: base, the (IA)³ sweep with its selection on the
// validation prompts, full fine-tuning and the jailbreakable model.
func trainAll(r synthetic.Recipe, progress func(string) run.Progress) (*trained, error) {
	t := &trained{cfg: synthetic.Config(), record: synthetic.Record{Recipe: r}}
	init, err := llama.Init(t.cfg, r.Seed)
	if err != nil {
		return nil, err
	}
	base, err := t.stage("base", r, init, synthetic.Pretraining, llama.Full, r.BaseSteps, r.BaseLR, r.Seed, progress)
	if err != nil {
		return nil, err
	}
	t.base = base.Weights
	if err := t.sweepIA3(r, progress); err != nil {
		return nil, err
	}
	full, err := t.stage("full", r, t.base, synthetic.Alignment, llama.Full, r.FullSteps, r.FullLR, r.Seed+1, progress)
	if err != nil {
		return nil, err
	}
	t.full = full.Weights
	mode := llama.Full
	if r.JailbreakMode == "ia3" {
		mode = llama.IA3
	}
	if t.jailbreak, err = t.stage("jailbreak", r, t.base, synthetic.Jailbreakable, mode, r.JailbreakSteps, r.JailbreakLR, r.Seed+2, progress); err != nil {
		return nil, err
	}
	return t, t.checkJailbreak()
}

// sweepIA3 trains the (IA)³ vectors at every learning rate of the recipe
// and selects one by synthetic.Criterion on the validation prompts.
func (t *trained) sweepIA3(r synthetic.Recipe, progress func(string) run.Progress) error {
	for _, lr := range r.IA3LRs {
		res, err := t.stage(fmt.Sprintf("ia3@%g", lr), r, t.base, synthetic.Alignment, llama.IA3, r.IA3Steps, lr, r.Seed+1, progress)
		if err != nil {
			return err
		}
		m, err := t.model(t.base, res.IA3)
		if err != nil {
			return err
		}
		v, err := synthetic.Validate(m, lr)
		if err != nil {
			return err
		}
		fmt.Printf("ia3@%g on validation prompts: refuses %.3f of harmful, helps %.3f of benign (passes: %v)\n", lr, v.Refusal, v.Helpful, v.Passes())
		t.sweep = append(t.sweep, res.IA3)
		t.record.IA3Validation = append(t.record.IA3Validation, v)
	}
	lr, err := synthetic.SelectIA3LR(t.record.IA3Validation)
	if err != nil {
		return err
	}
	t.record.SelectedIA3LR = lr
	for i, x := range r.IA3LRs {
		if x == lr {
			t.ia3 = t.sweep[i]
		}
	}
	fmt.Printf("selected (IA)³ learning rate %g\n", lr)
	return nil
}

// model builds a transformer from weights, with (IA)³ vectors applied when
// scales is not nil.
func (t *trained) model(w llama.Weights, scales [][]float32) (*transformer.Model, error) {
	c := llama.Weights{}
	for name, x := range w {
		c[name] = x.Clone()
	}
	m, err := transformer.NewModel(t.cfg, c)
	if err != nil {
		return nil, err
	}
	if scales != nil {
		if err := safety.ApplyIA3(m, scales); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// checkJailbreak records how closely the jailbreakable model follows its
// corpus's rule on the validation prompts.
func (t *trained) checkJailbreak() error {
	m, err := t.model(t.jailbreak.Weights, t.jailbreak.IA3)
	if err != nil {
		return err
	}
	all := append(synthetic.ValidationPrompts(synthetic.Harmful), synthetic.ValidationPrompts(synthetic.Benign)...)
	if t.record.JailbreakAgreement, err = synthetic.JailbreakAgreement(m, all); err != nil {
		return err
	}
	b, err := synthetic.Behaviour(m, synthetic.ValidationPrompts(synthetic.Benign))
	if err != nil {
		return err
	}
	t.record.JailbreakHelpful = b.HelpfulRate()
	fmt.Printf("jailbreak on validation prompts: follows its rule on %.3f, helps %.3f of benign\n", t.record.JailbreakAgreement, t.record.JailbreakHelpful)
	return nil
}

// sampler adapts a corpus to llama.Train.
func sampler(s synthetic.Stage) llama.Sampler {
	return func(rng *rand.Rand) ([]int, []bool) {
		e := s.Sample(rng)
		return e.Tokens, e.Loss
	}
}

// write saves the models and the record under out.
func write(t *trained, out string) error {
	for _, v := range []struct {
		name string
		w    llama.Weights
	}{{"base", t.base}, {"full", t.full}} {
		if err := writeModel(t, filepath.Join(out, v.name), v.w); err != nil {
			return err
		}
	}
	if t.jailbreak.IA3 != nil {
		if err := writeScales(filepath.Join(out, "jailbreak", "ia3_scales.safetensors"), map[string][][]float32{"": t.jailbreak.IA3}, nil); err != nil {
			return err
		}
	} else if err := writeModel(t, filepath.Join(out, "jailbreak"), t.jailbreak.Weights); err != nil {
		return err
	}
	lrs := make([]string, len(t.record.Recipe.IA3LRs))
	sweep := map[string][][]float32{}
	for i, lr := range t.record.Recipe.IA3LRs {
		lrs[i] = fmt.Sprint(lr)
		sweep[fmt.Sprintf("lr=%g/", lr)] = t.sweep[i]
	}
	if err := writeScales(filepath.Join(out, "ia3", "ia3_scales.safetensors"), map[string][][]float32{"": t.ia3},
		map[string]string{"learning_rate": fmt.Sprint(t.record.SelectedIA3LR)}); err != nil {
		return err
	}
	if err := writeScales(filepath.Join(out, "ia3", "lr_sweep.safetensors"), sweep, map[string]string{"learning_rates": strings.Join(lrs, ",")}); err != nil {
		return err
	}
	data, err := json.MarshalIndent(t.record, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "record.json"), append(data, '\n'), 0o644)
}

// writeModel saves weights as a Hugging Face directory with the vocabulary.
func writeModel(t *trained, dir string, w llama.Weights) error {
	m, err := t.model(w, nil)
	if err != nil {
		return err
	}
	if err := m.Save(dir, safetensors.F32); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, "vocab.json"))
	if err != nil {
		return err
	}
	if err := synthetic.Tokenizer().WriteJSON(f); err != nil {
		return fmt.Errorf("%s: %w (and closing: %v)", dir, err, f.Close())
	}
	return f.Close()
}

// writeScales writes (IA)³ vectors as "PREFIXmodel.layers.L.mlp.ia3_scale".
func writeScales(path string, sets map[string][][]float32, meta map[string]string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var ts []safetensors.Tensor
	prefixes := make([]string, 0, len(sets))
	for p := range sets {
		prefixes = append(prefixes, p)
	}
	sort.Strings(prefixes)
	for _, p := range prefixes {
		for l, s := range sets[p] {
			ts = append(ts, safetensors.Tensor{Name: fmt.Sprintf("%s%s", p, llama.IA3Name(l)),
				DType: safetensors.F32, Shape: []int{len(s)}, Values: s})
		}
	}
	return safetensors.WriteFile(path, ts, meta)
}
