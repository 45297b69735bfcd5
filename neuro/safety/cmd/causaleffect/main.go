// Command causaleffect runs the registered study of
// notebooks/safety_causal_effect (neuro/safety/study, settings study.Full:
// six fractions, ten random-control seeds, the (IA)³ learning-rate sweep and
// the safeguard) on the shipped models of neuro/safety/synthetic and
// writes the results, with the settings and the source revision, as JSON:
//
//	go run ./neuro/safety/cmd/causaleffect -out notebooks/results/safety_causal_effect_full.json
//
// It takes about five minutes on two cores; the notebook plots the
// committed file and runs study.Reduced live.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/safety/study"
)

func main() {
	out := flag.String("out", "notebooks/results/safety_causal_effect_full.json", "results file")
	flag.Parse()
	if err := run1(*out); err != nil {
		fmt.Fprintln(os.Stderr, "causaleffect:", err)
		os.Exit(1)
	}
}

func run1(out string) error {
	rev, err := run.Revision(".")
	if err != nil {
		return err
	}
	s := study.Full()
	start := time.Now()
	s.Progress = func(st run.Step) error {
		if st.Iteration%20 == 0 {
			fmt.Printf("%d sets patched (%s)\n", st.Iteration, time.Since(start).Round(time.Second))
		}
		return nil
	}
	res, err := study.Run(s)
	if err != nil {
		return err
	}
	res.Revision = rev
	if err := res.Save(out); err != nil {
		return err
	}
	fmt.Printf("wrote %s in %s\n", out, time.Since(start).Round(time.Second))
	return nil
}
