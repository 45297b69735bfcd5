// Package tutorials holds neuronb's lessons as notebooks; its test executes
// every one of them on the neuronb kernel.
package tutorials

import (
	"encoding/json"
	"errors"
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

// exercisePlaceholders lists exercise cells whose checker must report the
// untouched placeholder as unfinished: the lesson, the exercise cell's id
// and a phrase its output must contain.
var exercisePlaceholders = []struct{ notebook, cell, want string }{
	{"02_clds.ipynb", "c24", "unfinished: fixedPoint returns nil"},
}

// TestExercisePlaceholdersAreReportedUnfinished runs each lesson up to an
// exercise cell as a student meets it, with the solution cells left out,
// and checks that the exercise's checker says the placeholder is
// unfinished (the full run, solutions included, is TestTutorialsRun).
func TestExercisePlaceholdersAreReportedUnfinished(t *testing.T) {
	for _, ex := range exercisePlaceholders {
		t.Run(ex.notebook+"/"+ex.cell, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "placeholder_"+ex.notebook)
			if err := withoutSolutionsUpTo(ex.notebook, ex.cell, path); err != nil {
				t.Fatal(err)
			}
			rep, err := nbrun.Run(path, &nbrun.Options{Budget: testBudget, Offline: offline(), ExecutedDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			out, err := cellOutput(rep.Executed, ex.cell)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s cell %s printed %q", ex.notebook, ex.cell, out)
			if !strings.Contains(out, ex.want) {
				t.Errorf("the checker of %s cell %s printed %q, want it to contain %q", ex.notebook, ex.cell, out, ex.want)
			}
		})
	}
}

// withoutSolutionsUpTo writes to dst the notebook src cut after the cell
// with id last, without the cells tagged "solution".
func withoutSolutionsUpTo(src, last, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	var nb map[string]json.RawMessage
	if err := json.Unmarshal(data, &nb); err != nil {
		return err
	}
	var cells []map[string]json.RawMessage
	if err := json.Unmarshal(nb["cells"], &cells); err != nil {
		return err
	}
	var kept []map[string]json.RawMessage
	for _, c := range cells {
		var id string
		var meta struct{ Tags []string }
		if err := errors.Join(json.Unmarshal(c["id"], &id), json.Unmarshal(c["metadata"], &meta)); err != nil {
			return err
		}
		if !slices.Contains(meta.Tags, "solution") {
			kept = append(kept, c)
		}
		if id == last {
			if nb["cells"], err = json.Marshal(kept); err != nil {
				return err
			}
			out, err := json.Marshal(nb)
			if err != nil {
				return err
			}
			return os.WriteFile(dst, out, 0o644)
		}
	}
	return fmt.Errorf("%s has no cell with id %q", src, last)
}

// cellOutput returns the text a cell of an executed notebook printed
// (streams and text/plain results).
func cellOutput(executed, id string) (string, error) {
	data, err := os.ReadFile(executed)
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
				b.WriteString(sourceString(raw))
			}
		}
		return b.String(), nil
	}
	return "", fmt.Errorf("%s has no cell with id %q", executed, id)
}

// sourceString reads nbformat's two spellings of text: a string or a list
// of lines.
func sourceString(raw json.RawMessage) string {
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
		Cells []struct {
			Source json.RawMessage `json:"source"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatal(err)
	}
	for _, c := range nb.Cells {
		src := sourceString(c.Source)
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
