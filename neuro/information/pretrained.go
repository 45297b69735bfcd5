package information

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/neuronb/neuronb/neuro/transformer/safetensors"
)

// models holds the denoisers cmd/traindenoiser trained for the registered
// checks and the record of that run (about 140 kB each, float32).
//
//go:embed models/*.safetensors models/results.json
var models embed.FS

// Pretrained returns a shipped denoiser, trained by
// neuro/information/cmd/traindenoiser for the check of the same name
// ("poisson1d", "rf2d"), with its metadata (training settings, source
// revision, training time).
func Pretrained(name string) (*Denoiser, map[string]string, error) {
	data, err := models.ReadFile("models/" + name + ".safetensors")
	if err != nil {
		ents, err := models.ReadDir("models")
		if err != nil {
			return nil, nil, fmt.Errorf("information: Pretrained: %w", err)
		}
		var names []string
		for _, e := range ents {
			if n, ok := strings.CutSuffix(e.Name(), ".safetensors"); ok {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		return nil, nil, fmt.Errorf("information: no pretrained denoiser %q (have %v)", name, names)
	}
	f, err := safetensors.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, fmt.Errorf("information: pretrained %q: %w", name, err)
	}
	return readDenoiser(f, "pretrained "+name)
}

// PretrainedRun returns the record of the run that trained the shipped
// denoisers: settings, source revision, training curves, time to the 10%
// target and the final checks.
func PretrainedRun() (*TrainingRun, error) {
	data, err := models.ReadFile("models/results.json")
	if err != nil {
		return nil, fmt.Errorf("information: PretrainedRun: %w", err)
	}
	var r TrainingRun
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("information: PretrainedRun: %w", err)
	}
	return &r, nil
}
