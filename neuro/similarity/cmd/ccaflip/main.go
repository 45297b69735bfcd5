// Command ccaflip runs the replicated "CCA flip" experiment of Kang,
// Canatar and Chung (2025, Fig. 4) registered in
// notebooks/similarity_finite_neurons.ipynb (similarity.FlipExperiment)
// and writes its results, their tally and the source revision as JSON
// (similarity.FlipRun):
//
//	go run ./neuro/similarity/cmd/ccaflip -out notebooks/results/similarity_cca_flip.json
//
// The defaults are the registered run: 40 replicates (FlipTriple and study
// seeds 1001–1040), P = 200, 20 recordings of the target per neuron count
// in {10, 15, 20, 30, 50, 120}, plus one separate recording per neuron
// count denoised on its own (true and fitted population spectrum). It
// prints a line per replicate and the tally at the end. Commit the source
// first: a run from a tree with uncommitted changes records its revision
// with "+dirty".
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/neuronb/neuronb/neuro/linalg"
	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/similarity"
)

func main() {
	set := similarity.FlipSettings{Stimuli: 200, Neurons: []int{10, 15, 20, 30, 50, 120}, Replicates: 40, Seed: 1001, Draws: 20, OneRecording: true}
	out := flag.String("out", "notebooks/results/similarity_cca_flip.json", "results file")
	flag.IntVar(&set.Replicates, "replicates", set.Replicates, "independent replicates")
	flag.Uint64Var(&set.Seed, "seed", set.Seed, "seed of the first replicate (replicate r uses seed+r)")
	flag.IntVar(&set.Draws, "draws", set.Draws, "recordings of the target per neuron count and replicate")
	flag.IntVar(&set.Workers, "workers", 0, "goroutines (0: GOMAXPROCS); results do not depend on it")
	flag.Parse()
	if err := flip(set, *out); err != nil {
		fmt.Fprintln(os.Stderr, "ccaflip:", err)
		os.Exit(1)
	}
}

func flip(set similarity.FlipSettings, out string) error {
	rec := similarity.FlipRun{Revision: revision(), Go: runtime.Version(), BLAS: linalg.BLAS(), EigenSolver: linalg.EigenSolver(),
		Date: time.Now().UTC().Format(time.RFC3339)}
	start := time.Now()
	set.Progress = func(s run.Step) error {
		fmt.Printf("replicate %d/%d done (%s): %s\n", s.Iteration, s.MaxIterations, time.Since(start).Round(time.Second), s)
		return nil
	}
	res, err := similarity.FlipExperiment(&set)
	if err != nil {
		return err
	}
	rec.Seconds, rec.Results = time.Since(start).Seconds(), res
	if rec.Tally, err = res.Tally(); err != nil {
		return err
	}
	for _, t := range rec.Tally {
		fmt.Printf("N = %3d: sample reversed %2d/%d (p = %.2g), denoised right %2d/%d (p = %.2g), one recording fitted right %2d/%d\n",
			t.Neurons, t.Sample.Reversed, t.Replicates, t.Sample.PReversed, t.Denoised.Right, t.Replicates, t.Denoised.PRight, t.OneFitted.Right, t.Replicates)
	}
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(data, '\n'), 0o644)
}

// revision is the source revision of the run, "unknown" outside a git
// checkout.
func revision() string {
	rev, err := run.Revision(".")
	if err != nil {
		return "unknown"
	}
	return rev
}
