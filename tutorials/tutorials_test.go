// Package tutorials holds neuronb's lessons as notebooks; its test executes
// every one of them on the neuronb kernel.
package tutorials

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neuronb/neuronb/kernel/kernelspec"
	"github.com/neuronb/neuronb/kernel/nbrun"
)

// testBudget is the time each lesson may take in the test. Lessons are
// written to finish within nbrun.DefaultBudget (3 minutes) on an idle
// 2-core machine; `go test ./...` runs other packages' tests beside them,
// so the test allows twice that and logs each lesson's time.
const testBudget = 2 * nbrun.DefaultBudget

// offline says whether notebooks run with the network off (unshare -n):
// always in CI, so that no notebook can quietly need the network; elsewhere
// where a network namespace can be made.
func offline() bool { return kernelspec.CanUnshareNetwork() || os.Getenv("CI") == "true" }

func TestMain(m *testing.M) {
	cleanup, err := kernelspec.UseTemp("")
	if err != nil {
		fmt.Fprintln(os.Stderr, "tutorials: installing a test kernelspec:", err)
		os.Exit(1)
	}
	code := m.Run()
	cleanup()
	os.Exit(code)
}

func TestTutorialsStoredClean(t *testing.T) {
	nbs, err := filepath.Glob("*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	if len(nbs) == 0 {
		t.Fatal("no tutorials found")
	}
	for _, nb := range nbs {
		for _, p := range nbrun.Lint(nb) {
			t.Error(p)
		}
	}
}

// TestTutorialsRun executes every lesson top to bottom, exercises and
// solutions included, and fails on any error or stderr output.
func TestTutorialsRun(t *testing.T) {
	nbs, err := filepath.Glob("*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	for _, nb := range nbs {
		t.Run(nb, func(t *testing.T) {
			start := time.Now()
			rep, err := nbrun.Run(nb, &nbrun.Options{Budget: testBudget, Offline: offline(), ExecutedDir: executedDir(t)})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range nbrun.CheckPicturesOrSkip(t, rep.Executed) {
				t.Error(p)
			}
			t.Logf("%s: %d code cells in %.1fs", nb, len(rep.Cells), time.Since(start).Seconds())
			checkExercises(t, nb, rep.Executed)
		})
	}
}

func cellSource(c map[string]any) string {
	switch s := c["source"].(type) {
	case string:
		return s
	case []any:
		var b strings.Builder
		for _, l := range s {
			b.WriteString(fmt.Sprint(l))
		}
		return b.String()
	}
	return ""
}

// isSolution says whether a cell is an exercise's solution: its source is
// collapsed (DESIGN.md's convention for solutions).
func isSolution(c map[string]any) bool {
	md, _ := c["metadata"].(map[string]any)
	j, _ := md["jupyter"].(map[string]any)
	hidden, _ := j["source_hidden"].(bool)
	return c["cell_type"] == "code" && hidden
}

// placeholderMarker is what an exercise's checker prints while the
// student's code is not done yet (e.g. "✗ not yet: your function returns 0
// eigenvalues, want 2").
const placeholderMarker = "not yet"

// checkExercises reads a lesson executed top to bottom and checks each
// exercise as a student meets it. In that run the exercise cell (the code
// cell before a collapsed solution) ran with its placeholder, since the
// solution comes after it; its checker must have said "not yet" there (a
// checker that passes the placeholder checks nothing). The solution, and
// the first cell after it that prints anything (the checker run again),
// must not. Every lesson needs at least one exercise.
func checkExercises(t *testing.T, nb, executed string) {
	t.Helper()
	data, err := os.ReadFile(executed)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cells []map[string]any `json:"cells"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	exercises := 0
	for i, c := range doc.Cells {
		if !isSolution(c) || i > 0 && isSolution(doc.Cells[i-1]) {
			continue // not a solution, or the continuation of one
		}
		p := i - 1
		for p >= 0 && doc.Cells[p]["cell_type"] != "code" {
			p--
		}
		if p < 0 || isSolution(doc.Cells[p]) {
			t.Errorf("%s: solution cell %d has no exercise cell before it", nb, i+1)
			continue
		}
		exercises++
		if out := cellOutput(doc.Cells[p]); !strings.Contains(out, placeholderMarker) {
			t.Errorf("%s: the exercise in cell %d, run as given, printed\n%s\nwant its checker to say %q", nb, p+1, out, placeholderMarker)
		}
		for k := i; k < len(doc.Cells); k++ {
			out := cellOutput(doc.Cells[k])
			if doc.Cells[k]["cell_type"] != "code" || out == "" {
				continue
			}
			if strings.Contains(out, placeholderMarker) {
				t.Errorf("%s: after the solution in cell %d, cell %d still says %q:\n%s", nb, i+1, k+1, placeholderMarker, out)
			}
			break
		}
	}
	if exercises == 0 {
		t.Errorf("%s has no exercise with a collapsed solution", nb)
	}
}

// cellOutput is the text a code cell printed (streams and text/plain).
func cellOutput(c map[string]any) string {
	var b strings.Builder
	outs, _ := c["outputs"].([]any)
	for _, o := range outs {
		om, _ := o.(map[string]any)
		if txt, ok := om["text"]; ok {
			b.WriteString(cellSource(map[string]any{"source": txt}))
		}
		if d, ok := om["data"].(map[string]any); ok {
			if txt, ok := d["text/plain"]; ok {
				b.WriteString(cellSource(map[string]any{"source": txt}))
			}
		}
	}
	return b.String()
}

// executedDir is where executed notebooks go: $NEURONB_EXECUTED_DIR when
// set (to read what a lesson printed), else a temporary folder.
func executedDir(t *testing.T) string {
	if d := os.Getenv("NEURONB_EXECUTED_DIR"); d != "" {
		return d
	}
	return t.TempDir()
}

// TestCSVExampleMatchesTheShippedFile checks that the CSV lines quoted in a
// lesson's text are the first lines of the file it names (oracle: the
// file).
func TestCSVExampleMatchesTheShippedFile(t *testing.T) {
	data, err := os.ReadFile("02_clds.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	csv, err := os.ReadFile("data/hd_cells.csv")
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []map[string]any `json:"cells"`
	}
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatal(err)
	}
	for _, c := range nb.Cells {
		src := cellSource(c)
		if !strings.Contains(src, "`data/hd_cells.csv`:\n\n```\n") {
			continue
		}
		quoted := strings.SplitN(strings.SplitN(src, "```\n", 2)[1], "```", 2)[0]
		if !strings.HasPrefix(string(csv), quoted) {
			t.Errorf("the lesson quotes\n%s\nbut data/hd_cells.csv begins\n%s", quoted, string(csv[:min(len(csv), len(quoted))]))
		}
		return
	}
	t.Fatal("02_clds.ipynb quotes no lines of data/hd_cells.csv")
}
