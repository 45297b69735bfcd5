// Command nonstationary runs the non-stationary regression study of
// notebooks/grama_dormant_neurons.ipynb (issue 15, demonstration 2): three
// students × three arms (no reset, ReDo, ReGraMa) × seeds, and writes the
// results JSON, with the settings and the git revision, that the notebook
// plots and its claims test reads.
//
//	go run ./neuro/plasticity/cmd/nonstationary -out notebooks/results/grama_nonstationary_full.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/neuronb/neuronb/neuro/plasticity"
)

func main() {
	out := flag.String("out", "notebooks/results/grama_nonstationary_full.json", "results file")
	seeds := flag.Int("seeds", 5, "seeds per student and arm")
	steps := flag.Int("steps", 4000, "gradient steps per run")
	sw := flag.Int("switch", 1000, "steps between teacher switches")
	period := flag.Int("period", 500, "reset period in gradient steps")
	width := flag.Int("width", 64, "hidden width")
	batch := flag.Int("batch", 128, "batch size")
	workers := flag.Int("workers", 0, "goroutines (0: all cores)")
	flag.Parse()
	base := plasticity.RegressionSettings{MaxIterations: *steps, Switch: *sw, ResetPeriod: *period, Width: *width, Batch: *batch, Tau: 0.1, LogEvery: 100}
	var ss []uint64
	for s := 1; s <= *seeds; s++ {
		ss = append(ss, uint64(s))
	}
	start := time.Now()
	st, err := plasticity.RegressionStudyRuns(base, []plasticity.Student{plasticity.ReLUMLP, plasticity.LNResidual, plasticity.TanhMLP},
		[]plasticity.Arm{plasticity.NoReset, plasticity.ReDoArm, plasticity.ReGraMaArm}, ss, *workers)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nonstationary:", err)
		os.Exit(1)
	}
	data, err := json.MarshalIndent(st, "", " ")
	if err == nil {
		err = os.WriteFile(*out, append(data, '\n'), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "nonstationary:", err)
		os.Exit(1)
	}
	fmt.Printf("%d runs in %s, revision %s: %s\n", len(st.Runs), time.Since(start).Round(time.Second), st.Revision, *out)
}
