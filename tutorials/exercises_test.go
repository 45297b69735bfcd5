package tutorials

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// checkedExercises lists the lessons whose exercises print a checker's
// verdict: the exercise cell, run as given (the placeholder), must print
// the checker's "✗ not yet" and the collapsed solution after it "✓".
var checkedExercises = map[string]bool{
	"04_safety_neurons.ipynb": true,
}

// checkExerciseOutputs reads the executed notebook and checks every
// exercise cell and its solution, for the lessons in checkedExercises.
func checkExerciseOutputs(t *testing.T, nb, executed string) {
	t.Helper()
	if !checkedExercises[nb] {
		return
	}
	cells, err := executedCells(executed)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for i, c := range cells {
		if c.CellType != "code" || !strings.Contains(c.source(), "EXERCISE") {
			continue
		}
		found++
		if out := c.stdout(); !strings.Contains(out, "✗ not yet") {
			t.Errorf("%s: the exercise in cell %d, run as given, does not report itself unfinished; it printed %q", nb, i+1, out)
		}
		if i+1 >= len(cells) || !strings.Contains(cells[i+1].stdout(), "✓") {
			t.Errorf("%s: the solution after cell %d does not pass its checker", nb, i+1)
		}
	}
	if found == 0 {
		t.Errorf("%s: no exercise cell found", nb)
	}
}

type executedCell struct {
	CellType string          `json:"cell_type"`
	Source   json.RawMessage `json:"source"`
	Outputs  []struct {
		Name string          `json:"name"`
		Text json.RawMessage `json:"text"`
	} `json:"outputs"`
}

func executedCells(path string) ([]executedCell, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var nb struct {
		Cells []executedCell `json:"cells"`
	}
	return nb.Cells, json.Unmarshal(data, &nb)
}

// text accepts nbformat's two spellings: one string or a list of lines.
func text(raw json.RawMessage) string {
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

func (c executedCell) source() string { return text(c.Source) }

func (c executedCell) stdout() string {
	var b strings.Builder
	for _, o := range c.Outputs {
		if o.Name == "stdout" {
			b.WriteString(text(o.Text))
		}
	}
	return b.String()
}
