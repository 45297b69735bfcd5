// Command trainlanguages trains the tiny Llama-style models of the
// synthetic languages (neuro/multilingual/synthetic) with
// neuro/train/llama, one per seed and training budget of the recipe, and
// writes what the package ships:
//
//	seed-S/steps-B/  config.json, model.safetensors (F16), vocab.json
//	record.json      the recipe, source revision, each model's time, final
//	                 loss and question-answering accuracy
//
//	go run ./neuro/multilingual/cmd/trainlanguages -out neuro/multilingual/synthetic/models
package main

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/neuronb/neuronb/neuro/multilingual/synthetic"
	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/train/llama"
	"github.com/neuronb/neuronb/neuro/transformer"
	"github.com/neuronb/neuronb/neuro/transformer/safetensors"
)

func main() {
	r := synthetic.DefaultRecipe()
	out := flag.String("out", "neuro/multilingual/synthetic/models", "directory receiving the models")
	seeds := flag.String("seeds", join(r.Seeds), "comma-separated seeds")
	budgets := flag.String("budgets", join(r.Budgets), "comma-separated training budgets (Adam steps)")
	flag.Float64Var(&r.LearningRate, "lr", r.LearningRate, "learning rate")
	flag.Parse()
	var err error
	if r.Seeds, err = parse[uint64](*seeds); err == nil {
		r.Budgets, err = parse[int](*budgets)
	}
	if err == nil {
		err = trainAll(r, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "trainlanguages:", err)
		os.Exit(1)
	}
}

func join[T any](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

func parse[T uint64 | int](s string) ([]T, error) {
	var out []T
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, T(v))
	}
	return out, nil
}

func trainAll(r synthetic.Recipe, out string) error {
	rev, err := run.Revision(".")
	if err != nil {
		return err
	}
	rec := synthetic.Record{Recipe: r, Revision: rev}
	start := time.Now()
	for _, seed := range r.Seeds {
		if err := trainSeed(r, seed, start, out, &rec); err != nil {
			return err
		}
	}
	slices.SortFunc(rec.Models, func(a, b synthetic.Trained) int {
		return cmp.Or(cmp.Compare(a.Seed, b.Seed), cmp.Compare(a.Budget, b.Budget))
	})
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	fmt.Printf("wrote %s in %s\n", out, time.Since(start).Round(time.Second))
	return os.WriteFile(filepath.Join(out, "record.json"), append(data, '\n'), 0o644)
}

// trainSeed trains the model of one seed for the largest budget, taking
// the models of the smaller budgets as snapshots of the same run (with a
// constant learning rate they are the runs of those budgets, bit for bit:
// llama's TestSnapshotsAreShorterRuns), writes each under out and records
// it, with the question answering of the written (F16) weights. Seconds
// is the wall time from the run's start to the snapshot.
func trainSeed(r synthetic.Recipe, seed uint64, start time.Time, out string, rec *synthetic.Record) error {
	cfg := synthetic.Config()
	init, err := llama.Init(cfg, seed)
	if err != nil {
		return err
	}
	top := slices.Max(r.Budgets)
	last, t0 := time.Now(), time.Now()
	progress := func(s run.Step) error {
		if s.Iteration == 1 || s.Iteration == s.MaxIterations || time.Since(last) > 30*time.Second {
			fmt.Printf("seed %d: %s (%s)\n", seed, s, time.Since(start).Round(time.Second))
			last = time.Now()
		}
		return nil
	}
	snapshot := func(it int, w llama.Weights) error {
		m, err := transformer.NewModel(cfg, w)
		if err != nil {
			return err
		}
		dir := filepath.Join(out, synthetic.CheckpointDir(seed, it))
		if err := write(m, dir); err != nil {
			return err
		}
		if m, err = transformer.Load(dir); err != nil {
			return err
		}
		acc, err := synthetic.AbilityOf(m, nil)
		if err != nil {
			return err
		}
		fmt.Printf("seed %d budget %d: question answering %+v\n", seed, it, acc)
		rec.Models = append(rec.Models, synthetic.Trained{Seed: seed, Budget: it, Seconds: time.Since(t0).Seconds(), Ability: acc})
		return nil
	}
	first := len(rec.Models)
	res, err := llama.Train(cfg, init, synthetic.Sampler(), llama.Full, &llama.Settings{MaxIterations: top, BatchSize: r.BatchSize,
		SeqLen: synthetic.MaxLen, LearningRate: r.LearningRate, Seed: seed, Progress: progress, SnapshotAt: r.Budgets, Snapshot: snapshot})
	if err != nil {
		return fmt.Errorf("seed %d: %w", seed, err)
	}
	for i := first; i < len(rec.Models); i++ {
		b := rec.Models[i].Budget
		tail := res.Loss[max(0, b-20):b]
		for _, l := range tail {
			rec.Models[i].FinalLoss += l / float64(len(tail))
		}
		fmt.Printf("seed %d budget %d: loss of the last %d steps %.3f\n", seed, b, len(tail), rec.Models[i].FinalLoss)
	}
	return nil
}

// write saves a model as a Hugging Face directory (F16 weights) with the
// vocabulary.
func write(m *transformer.Model, dir string) error {
	if err := m.Save(dir, safetensors.F16); err != nil {
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
