package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/neuronb/neuronb/neuro/multilingual/synthetic"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// TestTrainAllWritesLoadableModels runs the command's recipe for two tiny
// budgets and checks what it writes: a Hugging Face directory per model
// that transformer.Load reads with the shipped configuration, and a record
// whose abilities are those of the written (F16) weights (oracle:
// synthetic.AbilityOf on the reloaded model).
func TestTrainAllWritesLoadableModels(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: trains two tiny budgets")
	}
	out := t.TempDir()
	r := synthetic.Recipe{Seeds: []uint64{7}, Budgets: []int{2, 3}, BatchSize: 4, LearningRate: 3e-3}
	if err := trainAll(r, out); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(out, "record.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rec synthetic.Record
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.Models) != 2 || rec.Revision == "" {
		t.Fatalf("record %+v", rec)
	}
	for _, tr := range rec.Models {
		m, err := transformer.Load(filepath.Join(out, synthetic.CheckpointDir(tr.Seed, tr.Budget)))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := m.Config(), synthetic.Config(); got.String() != want.String() {
			t.Errorf("config %s, want %s", got.String(), want.String())
		}
		a, err := synthetic.AbilityOf(m, nil)
		if err != nil {
			t.Fatal(err)
		}
		for li := range a.Seen {
			if a.Seen[li] != tr.Ability.Seen[li] || a.HeldOut[li] != tr.Ability.HeldOut[li] {
				t.Errorf("budget %d: ability %+v of the written model, record %+v", tr.Budget, a, tr.Ability)
			}
		}
	}
}
