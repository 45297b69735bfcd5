// Command hetsyn-experiments runs the full experiments of
// notebooks/hetsyn_timescales.ipynb: pattern generation and delayed
// match-to-sample, four arms (LIF, ALIF, HetNeuron, HetSyn) × seeds, with
// the robustness tests, and writes every run with the protocols, the
// command line and the source revision as JSON.
//
// From the repository root (about an hour on 2 cores):
//
//	go run ./neuro/snn/cmd/hetsyn-experiments
//
// Flags choose seeds, models, tasks, the output file and how many runs go
// at once (-workers; each run uses one goroutine, so results do not depend
// on it). The results are rewritten after every finished run.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/neuronb/neuronb/neuro/run"

	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/snn"
)

func main() {
	seeds := flag.String("seeds", "1,2,3,4,5", "comma-separated seeds")
	models := flag.String("models", "LIF,ALIF,HetNeuron,HetSyn", "comma-separated arms")
	tasks := flag.String("tasks", "pattern,dms", "comma-separated tasks: pattern, dms")
	out := flag.String("out", "notebooks/results/hetsyn_timescales_full.json", "results file")
	workers := flag.Int("workers", 0, "runs at once (0: GOMAXPROCS)")
	patternIters := flag.Int("pattern-iterations", 0, "training iterations of pattern generation (0: the protocol's)")
	dmsIters := flag.Int("dms-iterations", 0, "training iterations of DMS (0: the protocol's)")
	flag.Parse()
	if err := runAll(*seeds, *models, *tasks, *out, *workers, *patternIters, *dmsIters); err != nil {
		fmt.Fprintln(os.Stderr, "hetsyn-experiments:", err)
		os.Exit(1)
	}
}

func runAll(seedList, modelList, taskList, out string, workers, patternIters, dmsIters int) error {
	res := &snn.Results{Command: strings.Join(os.Args, " "), Date: time.Now().UTC().Format(time.RFC3339),
		Workers: parallel.Workers(workers), GOMAXPROCS: runtime.GOMAXPROCS(0)}
	var err error
	if res.Revision, err = run.Revision("."); err != nil {
		return err
	}
	for _, s := range strings.Split(seedList, ",") {
		v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return fmt.Errorf("-seeds: %w", err)
		}
		res.Seeds = append(res.Seeds, v)
	}
	var ms []snn.Model
	for _, s := range strings.Split(modelList, ",") {
		m, err := snn.ParseModel(strings.TrimSpace(s))
		if err != nil {
			return err
		}
		ms = append(ms, m)
		res.Models = append(res.Models, m.String())
	}
	type job struct {
		task  string
		model snn.Model
		seed  uint64
	}
	var jobs []job
	for _, t := range strings.Split(taskList, ",") {
		switch strings.TrimSpace(t) {
		case "pattern":
			res.Pattern = &struct {
				Protocol snn.PatternProtocol `json:"protocol"`
				Runs     []*snn.PatternRun   `json:"runs"`
			}{Protocol: snn.PatternProtocol{Iterations: patternIters, Mode: snn.ForwardDecay}.Resolved()}
		case "dms":
			res.DMS = &struct {
				Protocol snn.DMSProtocol `json:"protocol"`
				Runs     []*snn.DMSRun   `json:"runs"`
			}{Protocol: snn.DMSProtocol{Iterations: dmsIters, Mode: snn.ForwardDecay}.Resolved()}
		default:
			return fmt.Errorf("-tasks: unknown task %q", t)
		}
		// HetSyn first: the longest runs start early, so that the runs
		// finish together.
		for i := len(ms) - 1; i >= 0; i-- {
			for _, s := range res.Seeds {
				jobs = append(jobs, job{strings.TrimSpace(t), ms[i], s})
			}
		}
	}
	var mu sync.Mutex
	done := 0
	start := time.Now()
	return parallel.ForErr(len(jobs), workers, func(_, i int) error {
		j := jobs[i]
		var line string
		switch j.task {
		case "pattern":
			r, err := res.Pattern.Protocol.Run(j.model, j.seed, 1, nil)
			if err != nil {
				return fmt.Errorf("pattern %v seed %d: %w", j.model, j.seed, err)
			}
			mu.Lock()
			res.Pattern.Runs = append(res.Pattern.Runs, r)
			line = fmt.Sprintf("pattern %-9v seed %d: NMSE %.4f (%.0fs)", j.model, j.seed, r.NMSE, r.Seconds)
		case "dms":
			r, err := res.DMS.Protocol.Run(j.model, j.seed, 1, nil)
			if err != nil {
				return fmt.Errorf("dms %v seed %d: %w", j.model, j.seed, err)
			}
			mu.Lock()
			res.DMS.Runs = append(res.DMS.Runs, r)
			line = fmt.Sprintf("dms     %-9v seed %d: accuracy %v (%.0fs)", j.model, j.seed, r.Accuracy, r.Seconds)
		}
		defer mu.Unlock()
		done++
		fmt.Printf("[%d/%d, %s] %s\n", done, len(jobs), time.Since(start).Round(time.Second), line)
		return save(out, res)
	})
}

// save writes the results (runs sorted by model and seed, so that the file
// does not depend on the order runs finished in).
func save(path string, r *snn.Results) error {
	order := func(model string, seed uint64) string { return fmt.Sprintf("%s/%020d", model, seed) }
	if r.Pattern != nil {
		sortBy(r.Pattern.Runs, func(p *snn.PatternRun) string { return order(p.Model, p.Seed) })
	}
	if r.DMS != nil {
		sortBy(r.DMS.Runs, func(p *snn.DMSRun) string { return order(p.Model, p.Seed) })
	}
	data, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

func sortBy[T any](xs []T, key func(T) string) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && key(xs[j]) < key(xs[j-1]); j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}
