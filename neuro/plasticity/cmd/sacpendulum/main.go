// Command sacpendulum runs the SAC study of
// notebooks/grama_dormant_neurons.ipynb (issue 15, demonstration 3): SAC
// on Pendulum-v1 at a high update-to-data ratio, three arms (no reset,
// ReDo, ReGraMa on the critics) × seeds, and writes the results JSON,
// with the settings and the git revision, that the notebook plots and its
// claims test reads.
//
//	go run ./neuro/plasticity/cmd/sacpendulum -out notebooks/results/grama_sac_full.json
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
	out := flag.String("out", "notebooks/results/grama_sac_full.json", "results file")
	seeds := flag.Int("seeds", 5, "seeds per arm")
	steps := flag.Int("steps", 3000, "environment steps per run")
	starts := flag.Int("starts", 500, "random steps before learning")
	utd := flag.Int("utd", 4, "gradient steps per environment step")
	hidden := flag.Int("hidden", 32, "hidden width of actor and critics")
	batch := flag.Int("batch", 64, "minibatch size")
	period := flag.Int("period", 1000, "reset period in gradient steps")
	workers := flag.Int("workers", 0, "goroutines (0: all cores)")
	flag.Parse()
	base := plasticity.SACSettings{MaxIterations: *steps, LearningStarts: *starts, UTD: *utd, Hidden: *hidden, Batch: *batch,
		ResetPeriod: *period, Tau: 0.1, LogEvery: 500}
	var ss []uint64
	for s := 1; s <= *seeds; s++ {
		ss = append(ss, uint64(s))
	}
	start := time.Now()
	st, err := plasticity.SACStudyRuns(base, []plasticity.Arm{plasticity.NoReset, plasticity.ReDoArm, plasticity.ReGraMaArm}, ss, *workers)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sacpendulum:", err)
		os.Exit(1)
	}
	data, err := json.MarshalIndent(st, "", " ")
	if err == nil {
		err = os.WriteFile(*out, append(data, '\n'), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sacpendulum:", err)
		os.Exit(1)
	}
	fmt.Printf("%d runs in %s, revision %s: %s\n", len(st.Runs), time.Since(start).Round(time.Second), st.Revision, *out)
}
