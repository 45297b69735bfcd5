package notebooks

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neuronb/neuronb/kernel/kernelspec"
	"github.com/neuronb/neuronb/kernel/nbrun"
)

// testBudget: figure notebooks are written to finish within
// nbrun.DefaultBudget on an idle 2-core machine; `go test ./...` runs other
// packages beside them, so the test allows twice that and logs the time.
const testBudget = 2 * nbrun.DefaultBudget

// claims maps a notebook's name (without .ipynb) to the test of the paper
// claims it reproduces, reading the results it saved with SaveResults.
// Each figure notebook registers its check from its own _test.go file.
var claims = map[string]func(t *testing.T){}

// offline says whether notebooks run with the network off (unshare -n):
// always in CI, so that no notebook can quietly need the network; elsewhere
// where a network namespace can be made.
func offline() bool { return kernelspec.CanUnshareNetwork() || os.Getenv("CI") == "true" }

func TestMain(m *testing.M) {
	cleanup, err := kernelspec.UseTemp("")
	if err != nil {
		fmt.Fprintln(os.Stderr, "notebooks: installing a test kernelspec:", err)
		os.Exit(1)
	}
	code := m.Run()
	cleanup()
	os.Exit(code)
}

func notebookFiles(t *testing.T) []string {
	nbs, err := filepath.Glob("*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	return nbs
}

func TestNotebooksStoredClean(t *testing.T) {
	for _, nb := range notebookFiles(t) {
		for _, p := range nbrun.Lint(nb) {
			t.Error(p)
		}
	}
}

// TestFigureNotebooks executes every figure notebook, fails on any error
// output, and checks the claims it reproduces from the results it wrote.
func TestFigureNotebooks(t *testing.T) {
	for _, nb := range notebookFiles(t) {
		name := strings.TrimSuffix(nb, ".ipynb")
		t.Run(name, func(t *testing.T) {
			check, ok := claims[name]
			if !ok {
				t.Fatalf("%s has no registered claims check: add one in a %s_test.go file", nb, name)
			}
			results, figures := t.TempDir(), t.TempDir()
			t.Setenv("NEURONB_RESULTS_DIR", results)
			t.Setenv("NEURONB_FIGURES_DIR", figures)
			start := time.Now()
			rep, err := nbrun.Run(nb, &nbrun.Options{Budget: testBudget, Offline: offline(), ExecutedDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range nbrun.CheckPicturesOrSkip(t, rep.Executed) {
				t.Error(p)
			}
			t.Logf("%s: %d code cells in %.1fs", nb, len(rep.Cells), time.Since(start).Seconds())
			if _, err := os.Stat(filepath.Join(results, name+".json")); err != nil {
				t.Fatalf("%s did not save its results: %v", nb, err)
			}
			check(t)
		})
	}
}

// meanSE returns the mean of xs and its standard error (sample standard
// deviation over √n), the unit in which the claims checks compare
// replicates.
func meanSE(xs []float64) (mean, se float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1) / float64(len(xs)))
}
