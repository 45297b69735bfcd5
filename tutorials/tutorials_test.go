// Package tutorials holds neuronb's lessons as notebooks; its test executes
// every one of them on the neuronb kernel.
package tutorials

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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
			rep, err := nbrun.Run(nb, &nbrun.Options{Budget: testBudget, Offline: offline(), ExecutedDir: t.TempDir()})
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

// TestExercisePlaceholdersReportUnfinished runs every lesson that has an
// exercise checker (a code cell tagged "checker") as a student first meets
// it: without the cells tagged "solution", up to the first checker, and
// requires that checker to print "not finished": the placeholder runs, and
// the checker notices that it is a placeholder.
func TestExercisePlaceholdersReportUnfinished(t *testing.T) {
	nbs, _ := filepath.Glob("*.ipynb")
	for _, nb := range nbs {
		data, err := os.ReadFile(nb)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		cells, _ := doc["cells"].([]any)
		var kept []any
		checker := -1
		for _, c := range cells {
			tags := cellTags(c)
			if slices.Contains(tags, "solution") {
				continue
			}
			kept = append(kept, c)
			if slices.Contains(tags, "checker") {
				checker = len(kept) - 1
				break
			}
		}
		if checker < 0 {
			continue
		}
		t.Run(nb, func(t *testing.T) {
			doc["cells"] = kept
			out, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), nb)
			if err := os.WriteFile(path, out, 0o644); err != nil {
				t.Fatal(err)
			}
			executed := t.TempDir()
			if _, err := nbrun.Run(path, &nbrun.Options{Budget: testBudget, Offline: offline(), ExecutedDir: executed}); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(filepath.Join(executed, nb))
			if err != nil {
				t.Fatal(err)
			}
			var ran struct {
				Cells []struct {
					Outputs []struct {
						Text any `json:"text"`
					} `json:"outputs"`
				} `json:"cells"`
			}
			if err := json.Unmarshal(data, &ran); err != nil {
				t.Fatal(err)
			}
			var text string
			for _, o := range ran.Cells[checker].Outputs {
				text += fmt.Sprint(o.Text)
			}
			if !strings.Contains(text, "not finished") {
				t.Errorf("the checker of the placeholder printed %q, want it to report the exercise not finished", text)
			}
		})
	}
}

// cellTags returns a notebook cell's metadata.tags.
func cellTags(c any) []string {
	m, _ := c.(map[string]any)
	meta, _ := m["metadata"].(map[string]any)
	raw, _ := meta["tags"].([]any)
	var tags []string
	for _, r := range raw {
		if s, ok := r.(string); ok {
			tags = append(tags, s)
		}
	}
	return tags
}
