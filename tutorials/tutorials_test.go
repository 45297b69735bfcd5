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

// exercisePlaceholders maps a lesson to what the checker of its exercise
// prints when the exercise is left as given (its placeholder).
var exercisePlaceholders = map[string]string{
	"07_spiking_networks.ipynb": "not finished",
}

// TestExercisePlaceholdersReportUnfinished runs each listed lesson up to
// its checker cell (tagged "checker") without its solution cells, so that
// the exercise's placeholder is what the checker sees, and requires the
// checker to say the exercise is unfinished: a checker that passes a
// placeholder would teach nothing.
func TestExercisePlaceholdersReportUnfinished(t *testing.T) {
	for nb, want := range exercisePlaceholders {
		t.Run(nb, func(t *testing.T) {
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
			checker := ""
			for _, c := range cells {
				cell, _ := c.(map[string]any)
				tags := cellTags(cell)
				if slices.Contains(tags, "solution") {
					continue
				}
				kept = append(kept, cell)
				if slices.Contains(tags, "checker") {
					checker, _ = cell["id"].(string)
					break
				}
			}
			if checker == "" {
				t.Fatalf("%s has no cell tagged \"checker\"", nb)
			}
			doc["cells"] = kept
			out, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			placeholder := filepath.Join(t.TempDir(), nb)
			if err := os.WriteFile(placeholder, out, 0o644); err != nil {
				t.Fatal(err)
			}
			rep, err := nbrun.Run(placeholder, &nbrun.Options{Budget: testBudget, Offline: offline(), ExecutedDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			text, err := cellOutputText(rep.Executed, checker)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("checker output on the placeholder: %s", strings.TrimSpace(text))
			if !strings.Contains(text, want) {
				t.Errorf("the checker's output on the placeholder, %q, does not contain %q", text, want)
			}
		})
	}
}

func cellTags(cell map[string]any) []string {
	md, _ := cell["metadata"].(map[string]any)
	raw, _ := md["tags"].([]any)
	var tags []string
	for _, t := range raw {
		if s, ok := t.(string); ok {
			tags = append(tags, s)
		}
	}
	return tags
}

// cellOutputText returns the stream and text/plain outputs of the cell
// with the given id in an executed notebook.
func cellOutputText(path, id string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var nb struct {
		Cells []struct {
			ID      string `json:"id"`
			Outputs []struct {
				Text json.RawMessage            `json:"text"`
				Data map[string]json.RawMessage `json:"data"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(data, &nb); err != nil {
		return "", err
	}
	for _, c := range nb.Cells {
		if c.ID != id {
			continue
		}
		var b strings.Builder
		for _, o := range c.Outputs {
			for _, raw := range []json.RawMessage{o.Text, o.Data["text/plain"]} {
				b.WriteString(jsonText(raw))
			}
		}
		return b.String(), nil
	}
	return "", fmt.Errorf("%s: no cell with id %q", path, id)
}

// jsonText decodes nbformat's two spellings of text: a string or a list of
// lines.
func jsonText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var lines []string
	if json.Unmarshal(raw, &lines) == nil {
		return strings.Join(lines, "")
	}
	return ""
}
