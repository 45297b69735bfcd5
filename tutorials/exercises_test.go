package tutorials

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// exerciseCheck names an exercise whose checker runs in the notebook: the
// exercise cell (as shipped, with its placeholders) must print Unfinished
// and nothing Done, and the solution cell (which runs the same checker on
// the solution) must print Done Parts times and not Unfinished.
type exerciseCheck struct {
	Exercise, Solution string // cell ids
	Unfinished, Done   string
	Parts              int
}

// exerciseChecks lists, per tutorial, the exercises with a checker.
var exerciseChecks = map[string][]exerciseCheck{
	"03_similarity_limited_neurons.ipynb": {
		{Exercise: "t10x", Solution: "t10s2", Unfinished: "unfinished", Done: "correct", Parts: 3},
	},
}

// checkExercises reads the executed notebook and asserts that each
// checker reported the placeholder version unfinished and the solution
// correct.
func checkExercises(t *testing.T, nb, executed string) {
	checks := exerciseChecks[nb]
	if len(checks) == 0 {
		return
	}
	data, err := os.ReadFile(executed)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cells []struct {
			ID      string `json:"id"`
			Outputs []struct {
				Text json.RawMessage `json:"text"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	output := map[string]string{}
	for _, c := range doc.Cells {
		var b strings.Builder
		for _, o := range c.Outputs {
			b.WriteString(textOf(o.Text))
		}
		output[c.ID] = b.String()
	}
	for _, c := range checks {
		ex, sol := output[c.Exercise], output[c.Solution]
		if strings.Count(ex, c.Unfinished) != c.Parts || strings.Contains(ex, c.Done) {
			t.Errorf("%s: exercise cell %s should report %d parts %q and none %q; it printed:\n%s", nb, c.Exercise, c.Parts, c.Unfinished, c.Done, ex)
		}
		if strings.Count(sol, c.Done) != c.Parts || strings.Contains(sol, c.Unfinished) {
			t.Errorf("%s: solution cell %s should report %d parts %q; it printed:\n%s", nb, c.Solution, c.Parts, c.Done, sol)
		}
	}
}

// textOf accepts nbformat's two spellings of a stream's text.
func textOf(raw json.RawMessage) string {
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
