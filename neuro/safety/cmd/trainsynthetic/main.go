// Command trainsynthetic trains the tiny Llama-style models of the
// synthetic chat language (neuro/safety/synthetic) with GoMLX's pure-Go
// backend and writes them as Hugging Face directories (config.json,
// model.safetensors, vocab.json): base (complies with every request), ia3
// (aligned by (IA)³ vectors only, folded into up_proj) and full (aligned by
// full fine-tuning), with the (IA)³ vectors in ia3/ia3_scales.safetensors
// and those of the learning-rate sweep in ia3/lr_sweep.safetensors. It
// prints each stage's time and loss and each model's behaviour on held-out
// requests.
//
//	go run ./neuro/safety/cmd/trainsynthetic -out neuro/safety/synthetic/models
//
// The shipped models were made by this command with the default recipe
// (tinyllama.DefaultRecipe) on a shared 2-core machine: base 6 min 10 s
// (1,200 steps), (IA)³ 48 s, full fine-tuning 66 s, the whole run with the
// three sweep learning rates 11 min 17 s, peak memory 65 MB. Training runs
// on GoMLX's pure-Go backend with fixed seeds; floating-point sums in
// parallel matrix products may make a re-run differ in the last bits.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/neuronb/neuronb/neuro/safety/synthetic"
	"github.com/neuronb/neuronb/neuro/safety/tinyllama"
	"github.com/neuronb/neuronb/neuro/transformer"
	"github.com/neuronb/neuronb/neuro/transformer/safetensors"
)

func main() {
	r := tinyllama.DefaultRecipe()
	out := flag.String("out", "neuro/safety/synthetic/models", "directory receiving base/, ia3/ and full/")
	flag.Uint64Var(&r.Seed, "seed", r.Seed, "seed of weights and data")
	flag.IntVar(&r.BatchSize, "batch", r.BatchSize, "sequences per step")
	flag.IntVar(&r.BaseSteps, "base-steps", r.BaseSteps, "pre-training steps")
	flag.Float64Var(&r.BaseLR, "base-lr", r.BaseLR, "pre-training learning rate")
	flag.IntVar(&r.IA3Steps, "ia3-steps", r.IA3Steps, "(IA)³ alignment steps")
	flag.Float64Var(&r.IA3LR, "ia3-lr", r.IA3LR, "(IA)³ learning rate")
	flag.IntVar(&r.FullSteps, "full-steps", r.FullSteps, "full fine-tuning steps")
	flag.Float64Var(&r.FullLR, "full-lr", r.FullLR, "full fine-tuning learning rate")
	sweep := flag.Bool("ia3-sweep", true, "also train (IA)³ vectors at the recipe's other learning rates")
	flag.Parse()
	if !*sweep {
		r.IA3SweepLRs = nil
	}
	if err := run(r, *out); err != nil {
		fmt.Fprintln(os.Stderr, "trainsynthetic:", err)
		os.Exit(1)
	}
}

func run(r tinyllama.Recipe, out string) error {
	fmt.Printf("recipe %+v\n", r)
	start := time.Now()
	last := time.Now()
	t, err := tinyllama.TrainSynthetic(r, func(stage string, i, n int, loss float64) {
		if i == 1 || i == n || time.Since(last) > 15*time.Second {
			fmt.Printf("%-4s step %4d/%d  loss %.4f  (%s)\n", stage, i, n, loss, time.Since(start).Round(time.Second))
			last = time.Now()
		}
	})
	if err != nil {
		return err
	}
	fmt.Printf("times: base %s, ia3 %s, full %s; total %s\n", t.BaseTime.Round(time.Second), t.IA3Time.Round(time.Second),
		t.FullTime.Round(time.Second), time.Since(start).Round(time.Second))
	fmt.Printf("final losses: base %.4f, ia3 %.4f, full %.4f\n", t.BaseLoss, t.IA3Loss, t.FullLoss)
	heldHarm := synthetic.Prompts(synthetic.Filter{Kinds: []synthetic.Kind{synthetic.Harmful}, Objects: synthetic.SplitPtr(synthetic.HeldOut)})
	heldBen := synthetic.Prompts(synthetic.Filter{Kinds: []synthetic.Kind{synthetic.Benign}, Objects: synthetic.SplitPtr(synthetic.HeldOut)})
	for _, v := range []struct {
		name string
		w    map[string]*transformer.Tensor
	}{{"base", t.Base}, {"ia3", t.IA3}, {"full", t.Full}} {
		m, err := transformer.NewModel(t.Config, v.w)
		if err != nil {
			return err
		}
		th, err := synthetic.Behaviour(m, heldHarm)
		if err != nil {
			return err
		}
		tb, err := synthetic.Behaviour(m, heldBen)
		if err != nil {
			return err
		}
		fmt.Printf("%-4s held-out harmful: %d/%d refused, %d complied; held-out benign: %d/%d complied, %d refused; exact %d/%d\n",
			v.name, th.HarmfulRefused, th.Harmful, th.HarmfulComplied, tb.BenignComplied, tb.Benign, tb.BenignRefused,
			th.Exact+tb.Exact, th.N+tb.N)
		line := "    per held-out object (complied/refused):"
		for _, o := range synthetic.Objects() {
			if o.Split != synthetic.HeldOut {
				continue
			}
			var ps []synthetic.Prompt
			for _, p := range append(heldHarm, heldBen...) {
				if p.Object == o {
					ps = append(ps, p)
				}
			}
			to, err := synthetic.Behaviour(m, ps)
			if err != nil {
				return err
			}
			line += fmt.Sprintf(" %s %d/%d", o.Word, to.HarmfulComplied+to.BenignComplied, to.HarmfulRefused+to.BenignRefused)
		}
		fmt.Println(line)
		dir := filepath.Join(out, v.name)
		if err := m.Save(dir, safetensors.F32); err != nil {
			return err
		}
		f, err := os.Create(filepath.Join(dir, "vocab.json"))
		if err != nil {
			return err
		}
		if err := synthetic.Tokenizer().WriteJSON(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	if err := writeScales(filepath.Join(out, "ia3", "ia3_scales.safetensors"), map[string][][]float32{"": t.IA3Scales},
		map[string]string{"learning_rate": fmt.Sprint(r.IA3LR)}); err != nil {
		return err
	}
	sweep := map[string][][]float32{}
	var lrs []string
	for _, lr := range r.IA3SweepLRs {
		key := fmt.Sprintf("lr=%g/", lr)
		sweep[key] = t.IA3Sweep[lr]
		lrs = append(lrs, fmt.Sprint(lr))
	}
	if len(sweep) > 0 {
		if err := writeScales(filepath.Join(out, "ia3", "lr_sweep.safetensors"), sweep,
			map[string]string{"learning_rates": strings.Join(lrs, ",")}); err != nil {
			return err
		}
	}
	fmt.Println("wrote", out)
	return nil
}

// writeScales writes (IA)³ vectors as "PREFIXmodel.layers.L.mlp.ia3_scale".
func writeScales(path string, sets map[string][][]float32, meta map[string]string) error {
	var ts []safetensors.Tensor
	prefixes := make([]string, 0, len(sets))
	for p := range sets {
		prefixes = append(prefixes, p)
	}
	sort.Strings(prefixes)
	for _, p := range prefixes {
		for l, s := range sets[p] {
			ts = append(ts, safetensors.Tensor{Name: fmt.Sprintf("%smodel.layers.%d.mlp.ia3_scale", p, l),
				DType: safetensors.F32, Shape: []int{len(s)}, Values: s})
		}
	}
	return safetensors.WriteFile(path, ts, meta)
}
