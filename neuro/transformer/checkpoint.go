package transformer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/neuronb/neuronb/neuro/transformer/safetensors"
)

// Load reads a Hugging Face model directory: config.json and either
// model.safetensors or the shards listed in model.safetensors.index.json.
// Weights stored as F32, F16, BF16 or F64 are converted to float32 while
// streaming from the file, so loading needs the memory of the float32
// weights and a small buffer, nothing more.
func Load(dir string) (*Model, error) {
	cfg, err := ReadConfig(filepath.Join(dir, "config.json"))
	if err != nil {
		return nil, err
	}
	index := filepath.Join(dir, "model.safetensors.index.json")
	b, err := os.ReadFile(index)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return LoadSafetensors(cfg, filepath.Join(dir, "model.safetensors"))
	case err != nil:
		return nil, fmt.Errorf("transformer: %w", err)
	}
	var idx struct {
		WeightMap map[string]string `json:"weight_map"`
	}
	if err := json.Unmarshal(b, &idx); err != nil {
		return nil, fmt.Errorf("transformer: %s: %w", index, err)
	}
	seen := map[string]bool{}
	var paths []string
	for _, file := range idx.WeightMap {
		if file != filepath.Base(file) {
			return nil, fmt.Errorf("transformer: %s: shard %q is not a file name in the model directory", index, file)
		}
		if !seen[file] {
			seen[file] = true
			paths = append(paths, filepath.Join(dir, file))
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("transformer: %s: empty weight_map", index)
	}
	sort.Strings(paths)
	return LoadSafetensors(cfg, paths...)
}

// LoadSafetensors builds a model of configuration cfg from the tensors of
// one or more safetensors files (shards), named as in Hugging Face
// checkpoints.
func LoadSafetensors(cfg *Config, paths ...string) (*Model, error) {
	if cfg == nil {
		return nil, fmt.Errorf("transformer: LoadSafetensors: nil config")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	specs := map[string][]int{}
	for _, s := range paramSpecs(cfg) {
		specs[s.name] = s.shape
	}
	tensors := map[string]*Tensor{}
	for _, path := range paths {
		if err := readShard(cfg, path, specs, tensors); err != nil {
			return nil, err
		}
	}
	return NewModel(cfg, tensors)
}

func readShard(cfg *Config, path string, specs map[string][]int, tensors map[string]*Tensor) error {
	f, err := safetensors.Open(path)
	if err != nil {
		return fmt.Errorf("transformer: %w", err)
	}
	defer f.Close()
	for _, info := range f.Tensors() {
		cn := canonicalName(cfg, info.Name)
		if cn == "" {
			continue
		}
		shape, ok := specs[cn]
		if !ok {
			return fmt.Errorf("transformer: %s: tensor %q is not a parameter of a %s model with this config", path, info.Name, cfg.Arch)
		}
		if _, dup := tensors[cn]; dup {
			return fmt.Errorf("transformer: %s: parameter %q appears twice", path, cn)
		}
		if !slices.Equal(info.Shape, shape) {
			return fmt.Errorf("transformer: %s: tensor %q has shape %v, the config implies %v", path, info.Name, info.Shape, shape)
		}
		if !info.DType.IsFloat() {
			return fmt.Errorf("transformer: %s: tensor %q has dtype %s, want F32, F16, BF16 or F64", path, info.Name, info.DType)
		}
		t := NewTensor(shape...)
		if err := f.ReadFloat32(info.Name, t.Data); err != nil {
			return fmt.Errorf("transformer: %s: %w", path, err)
		}
		tensors[cn] = t
	}
	return nil
}

// Save writes the model as a Hugging Face directory: config.json and
// model.safetensors with the weights stored as dtype (F32, F16 or BF16;
// F16 and BF16 round to nearest even).
func (m *Model) Save(dir string, dtype safetensors.DType) error {
	switch dtype {
	case safetensors.F32, safetensors.F16, safetensors.BF16:
	default:
		return fmt.Errorf("transformer: Save: dtype %q, want F32, F16 or BF16", dtype)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("transformer: %w", err)
	}
	cfg, err := json.Marshal(&m.cfg)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, cfg, "", "  "); err != nil {
		return fmt.Errorf("transformer: Save: %w", err)
	}
	out.WriteByte('\n')
	if err := os.WriteFile(filepath.Join(dir, "config.json"), out.Bytes(), 0o644); err != nil {
		return fmt.Errorf("transformer: %w", err)
	}
	var ts []safetensors.Tensor
	for _, s := range paramSpecs(&m.cfg) {
		ts = append(ts, safetensors.Tensor{Name: s.name, DType: dtype, Shape: s.shape, Values: m.params[s.name].Data})
	}
	return safetensors.WriteFile(filepath.Join(dir, "model.safetensors"), ts, map[string]string{"format": "pt"})
}
