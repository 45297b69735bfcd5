package synthetic

import (
	"io/fs"
	"strings"
	"testing"
)

// TestShippedModelsMatchTheirRecord: every model of the recipe loads with
// Config, the record comes from a clean commit, and re-measuring each
// model's question answering gives the recorded numbers (oracle: the
// record the training command wrote from the same F16 weights).
func TestShippedModelsMatchTheirRecord(t *testing.T) {
	rec, err := TrainingRecord()
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Revision) < 40 || strings.HasSuffix(rec.Revision, "+dirty") {
		t.Errorf("record revision %q is not a clean commit", rec.Revision)
	}
	r := DefaultRecipe()
	if len(rec.Models) != len(r.Seeds)*len(r.Budgets) {
		t.Fatalf("record holds %d models, the recipe %d", len(rec.Models), len(r.Seeds)*len(r.Budgets))
	}
	for _, tr := range rec.Models {
		m, err := Load(tr.Seed, tr.Budget)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := m.Config(), Config(); got.String() != want.String() {
			t.Errorf("seed %d budget %d: config %s, want %s", tr.Seed, tr.Budget, got.String(), want.String())
		}
		a, err := AbilityOf(m, nil)
		if err != nil {
			t.Fatal(err)
		}
		for li := range a.Seen {
			if a.Seen[li] != tr.Ability.Seen[li] || a.HeldOut[li] != tr.Ability.HeldOut[li] {
				t.Errorf("seed %d budget %d: ability %+v, recorded %+v", tr.Seed, tr.Budget, a, tr.Ability)
			}
		}
	}
	if _, err := Load(9, 100); err == nil || !strings.Contains(err.Error(), "no shipped model of seed 9") {
		t.Errorf("missing model: %v", err)
	}
}

// TestShippedModelsAreSmall: the checkpoints stay small (F16, about 190 kB
// each).
func TestShippedModelsAreSmall(t *testing.T) {
	total := int64(0)
	err := fs.WalkDir(modelFiles, "models", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		if info.Size() > 250_000 {
			t.Errorf("%s is %d bytes", p, info.Size())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("shipped models: %d bytes in all", total)
	if total > 3_500_000 {
		t.Errorf("shipped models take %d bytes", total)
	}
}
