// Command sharedneurons runs the registered study of
// notebooks/multilingual_shared_neurons (neuro/multilingual/study,
// settings study.Full: the 15 shipped models, four candidate σ, 100
// detection and 200 evaluation texts per language, five random sets, the
// released code's variant and the parallel-vs-exact comparison) and
// writes the results, with the settings and the source revision, as JSON:
//
//	go run ./neuro/multilingual/cmd/sharedneurons -out notebooks/results/multilingual_shared_neurons_full.json
//
// The notebook plots the committed file and runs study.Reduced live.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/neuronb/neuronb/neuro/multilingual/study"
	"github.com/neuronb/neuronb/neuro/run"
)

func main() {
	out := flag.String("out", "notebooks/results/multilingual_shared_neurons_full.json", "results file")
	flag.Parse()
	if err := run1(*out); err != nil {
		fmt.Fprintln(os.Stderr, "sharedneurons:", err)
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
		fmt.Printf("model %d/%d analysed (%s)\n", st.Iteration, st.MaxIterations, time.Since(start).Round(time.Second))
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
