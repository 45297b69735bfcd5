package nbrun

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Lint checks that a notebook is stored the way neuronb keeps notebooks:
// nbformat 4.5 with cell ids, the neuronb kernelspec, no outputs or
// execution counts, and every exercise followed by its solution with the
// solution's source collapsed, and code cells of at most MaxCellLines
// lines (helpers belong in packages). It returns one message per problem.
func Lint(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return []string{err.Error()}
	}
	var nb struct {
		NBFormat      int `json:"nbformat"`
		NBFormatMinor int `json:"nbformat_minor"`
		Metadata      struct {
			Kernelspec struct {
				Name string `json:"name"`
			} `json:"kernelspec"`
		} `json:"metadata"`
		Cells []struct {
			ID             string          `json:"id"`
			CellType       string          `json:"cell_type"`
			Source         json.RawMessage `json:"source"`
			Outputs        []any           `json:"outputs"`
			ExecutionCount *int            `json:"execution_count"`
			Metadata       struct {
				Tags    []string `json:"tags"`
				Jupyter struct {
					SourceHidden bool `json:"source_hidden"`
				} `json:"jupyter"`
			} `json:"metadata"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(data, &nb); err != nil {
		return []string{fmt.Sprintf("%s: not a notebook: %v", path, err)}
	}
	var probs []string
	add := func(format string, args ...any) { probs = append(probs, path+": "+fmt.Sprintf(format, args...)) }
	if nb.NBFormat != 4 || nb.NBFormatMinor < 5 {
		add("nbformat %d.%d, want 4.5 (cell ids)", nb.NBFormat, nb.NBFormatMinor)
	}
	if nb.Metadata.Kernelspec.Name != "neuronb" {
		add("kernelspec %q, want \"neuronb\"", nb.Metadata.Kernelspec.Name)
	}
	seen := map[string]bool{}
	for i, c := range nb.Cells {
		n := i + 1
		if c.ID == "" || seen[c.ID] {
			add("cell %d has a missing or repeated id %q", n, c.ID)
		}
		seen[c.ID] = true
		if c.CellType != "code" {
			continue
		}
		if len(c.Outputs) > 0 || c.ExecutionCount != nil {
			add("cell %d is stored with outputs (clear them before committing)", n)
		}
		src := sourceText(c.Source)
		if lines := strings.Count(strings.TrimRight(src, "\n"), "\n") + 1; lines > MaxCellLines {
			add("cell %d has %d lines, want at most %d (move helpers into a package)", n, lines, MaxCellLines)
		}
		solution := hasTag(c.Metadata.Tags, "solution")
		if solution && !c.Metadata.Jupyter.SourceHidden {
			add("cell %d is a solution but its source is not collapsed (metadata.jupyter.source_hidden)", n)
		}
		if strings.Contains(src, "EXERCISE") {
			if i+1 >= len(nb.Cells) || !hasTag(nb.Cells[i+1].Metadata.Tags, "solution") {
				add("cell %d is an exercise not followed by a cell tagged \"solution\"", n)
			}
		}
	}
	return probs
}

// MaxCellLines is the longest code cell a lesson or figure notebook may
// have: a reader takes in about 15 lines at a glance.
const MaxCellLines = 20

func hasTag(tags []string, t string) bool {
	for _, x := range tags {
		if x == t {
			return true
		}
	}
	return false
}

// sourceText accepts nbformat's two spellings of a cell source: one string
// or a list of lines.
func sourceText(raw json.RawMessage) string {
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
