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
	nbs, _ := filepath.Glob("*.ipynb")
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
	nbs, _ := filepath.Glob("*.ipynb")
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

// isDeclarations says whether a code cell only declares (functions, types,
// package variables): GoNB keeps those for later cells, while a %% cell's
// statements end with it.
func isDeclarations(src string) bool {
	for _, l := range strings.Split(src, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "//") {
			continue
		}
		return !strings.HasPrefix(l, "%") && !strings.HasPrefix(l, "!")
	}
	return true
}

// placeholderMarker is what an exercise's checker prints while the
// student's code is not done yet (e.g. "✗ not yet: your function returns 0
// eigenvalues, want 2").
const placeholderMarker = "not yet"

// TestExercisePlaceholdersReportUnfinished runs every exercise as a
// student first meets it: the cell before each solution (the exercise with
// its placeholder), preceded by every declaration cell above it (only
// declarations survive from one cell to the next, so this is the program
// the student's run compiles), without the solution. The exercise must run
// and its checker must say the work is not done: a checker that passes
// the placeholder checks nothing.
func TestExercisePlaceholdersReportUnfinished(t *testing.T) {
	nbs, _ := filepath.Glob("*.ipynb")
	for _, nb := range nbs {
		data, err := os.ReadFile(nb)
		if err != nil {
			t.Fatal(err)
		}
		var full map[string]any
		if err := json.Unmarshal(data, &full); err != nil {
			t.Fatalf("%s: %v", nb, err)
		}
		cells, _ := full["cells"].([]any)
		exercises := 0
		for i, c := range cells {
			if !isSolution(c.(map[string]any)) {
				continue
			}
			p := i - 1
			for p >= 0 && cells[p].(map[string]any)["cell_type"] != "code" {
				p--
			}
			if p < 0 || isSolution(cells[p].(map[string]any)) {
				t.Errorf("%s: solution cell %d has no exercise cell before it", nb, i+1)
				continue
			}
			exercises++
			var kept []any
			for _, d := range cells[:p] {
				dc := d.(map[string]any)
				if dc["cell_type"] == "code" && !isSolution(dc) && isDeclarations(cellSource(dc)) {
					kept = append(kept, dc)
				}
			}
			kept = append(kept, cells[p])
			t.Run(fmt.Sprintf("%s/cell%d", strings.TrimSuffix(nb, ".ipynb"), p+1), func(t *testing.T) {
				out := runCells(t, nb, full, kept)
				if !strings.Contains(out, placeholderMarker) {
					t.Errorf("the exercise in cell %d, run as given, printed\n%s\nwant its checker to say %q", p+1, out, placeholderMarker)
				}
			})
		}
		if exercises == 0 {
			t.Errorf("%s has no exercise with a collapsed solution", nb)
		}
	}
}

// runCells executes a notebook made of cells (with full's metadata) next to
// nb, so that relative data paths work, and returns the text its last cell
// printed.
func runCells(t *testing.T, nb string, full map[string]any, cells []any) string {
	t.Helper()
	reduced := map[string]any{}
	for k, v := range full {
		reduced[k] = v
	}
	reduced["cells"] = cells
	data, err := json.Marshal(reduced)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(filepath.Dir(nb), ".exercise-"+filepath.Base(nb))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(path)
	executed := t.TempDir()
	if _, err := nbrun.Run(path, &nbrun.Options{Budget: testBudget, Offline: offline(), ExecutedDir: executed}); err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(filepath.Join(executed, filepath.Base(path)))
	if err != nil {
		t.Fatal(err)
	}
	var ex map[string]any
	if err := json.Unmarshal(out, &ex); err != nil {
		t.Fatal(err)
	}
	ec := ex["cells"].([]any)
	last := ec[len(ec)-1].(map[string]any)
	var b strings.Builder
	outs, _ := last["outputs"].([]any)
	for _, o := range outs {
		om := o.(map[string]any)
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
