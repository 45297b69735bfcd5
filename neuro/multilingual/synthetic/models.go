package synthetic

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"

	"github.com/neuronb/neuronb/neuro/transformer"
)

//go:embed models
var modelFiles embed.FS

// Load returns a fresh copy of the shipped model trained with seed for
// budget steps (see DefaultRecipe and TrainingRecord).
func Load(seed uint64, budget int) (*transformer.Model, error) {
	dir := path.Join("models", CheckpointDir(seed, budget))
	if _, err := fs.Stat(modelFiles, path.Join(dir, "config.json")); err != nil {
		r := DefaultRecipe()
		return nil, fmt.Errorf("synthetic: no shipped model of seed %d and budget %d (seeds %v, budgets %v)", seed, budget, r.Seeds, r.Budgets)
	}
	m, err := transformer.LoadFS(modelFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("synthetic: model %s: %w", dir, err)
	}
	return m, nil
}

// TrainingRecord returns models/record.json, what the training command
// wrote beside the models.
func TrainingRecord() (*Record, error) {
	data, err := modelFiles.ReadFile("models/record.json")
	if err != nil {
		return nil, fmt.Errorf("synthetic: %w", err)
	}
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("synthetic: models/record.json: %w", err)
	}
	return &r, nil
}
