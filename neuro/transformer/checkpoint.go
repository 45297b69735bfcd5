package transformer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
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
	return load(filepath.Join(dir, "config.json"), filepath.Join(dir, "model.safetensors.index.json"), os.ReadFile,
		func(file string) string { return filepath.Join(dir, file) }, openFile)
}

// LoadFS reads a Hugging Face model directory, laid out as for Load, from
// a file system: the checkpoints a package ships in an embed.FS, an
// os.DirFS, a zip archive. dir is a slash-separated path in fsys ("." for
// its root). Files that implement io.ReaderAt (those of embed.FS and
// os.DirFS do) are streamed as by Load; others are read whole.
func LoadFS(fsys fs.FS, dir string) (*Model, error) {
	read := func(name string) ([]byte, error) { return fs.ReadFile(fsys, name) }
	open := func(name string) (*safetensors.File, io.Closer, error) {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, nil, fmt.Errorf("safetensors: %w", err)
		}
		st, err := f.Stat()
		if err != nil {
			return nil, nil, fmt.Errorf("safetensors: %w (and closing: %v)", err, f.Close())
		}
		if ra, ok := f.(io.ReaderAt); ok {
			sf, err := safetensors.NewReader(ra, st.Size())
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w (and closing: %v)", name, err, f.Close())
			}
			return sf, f, nil
		}
		data, err := io.ReadAll(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, nil, fmt.Errorf("safetensors: %s: %w", name, err)
		}
		sf, err := safetensors.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		return sf, sf, nil
	}
	return load(path.Join(dir, "config.json"), path.Join(dir, "model.safetensors.index.json"), read,
		func(file string) string { return path.Join(dir, file) }, open)
}

// load reads a model directory through read (whole small files) and open
// (safetensors shards); join names a file of the directory.
func load(config, index string, read func(string) ([]byte, error), join func(string) string,
	open opener) (*Model, error) {
	data, err := read(config)
	if err != nil {
		return nil, fmt.Errorf("transformer: %w", err)
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", config, err)
	}
	b, err := read(index)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return loadShards(cfg, open, join("model.safetensors"))
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
		if file != filepath.Base(file) || file != path.Base(file) {
			return nil, fmt.Errorf("transformer: %s: shard %q is not a file name in the model directory", index, file)
		}
		if !seen[file] {
			seen[file] = true
			paths = append(paths, join(file))
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("transformer: %s: empty weight_map", index)
	}
	sort.Strings(paths)
	return loadShards(cfg, open, paths...)
}

// LoadSafetensors builds a model of configuration cfg from the tensors of
// one or more safetensors files (shards), named as in Hugging Face
// checkpoints.
func LoadSafetensors(cfg *Config, paths ...string) (*Model, error) {
	return loadShards(cfg, openFile, paths...)
}

// opener opens a safetensors shard and returns what closes it.
type opener func(path string) (*safetensors.File, io.Closer, error)

func openFile(path string) (*safetensors.File, io.Closer, error) {
	f, err := safetensors.Open(path)
	return f, f, err
}

func loadShards(cfg *Config, open opener, paths ...string) (*Model, error) {
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
		f, closer, err := open(path)
		if err != nil {
			return nil, fmt.Errorf("transformer: %w", err)
		}
		err = readShard(cfg, f, path, specs, tensors)
		if cerr := closer.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("transformer: %s: %w", path, cerr)
		}
		if err != nil {
			return nil, err
		}
	}
	return NewModel(cfg, tensors)
}

func readShard(cfg *Config, f *safetensors.File, path string, specs map[string][]int, tensors map[string]*Tensor) error {
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
