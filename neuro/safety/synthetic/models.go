package synthetic

import (
	"bytes"
	"embed"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/neuronb/neuronb/neuro/safety"
	"github.com/neuronb/neuronb/neuro/transformer"
	"github.com/neuronb/neuronb/neuro/transformer/safetensors"
)

// Variant names a shipped model.
type Variant string

// The shipped models (see the package documentation for how they were
// trained).
const (
	// Base complies with every harmful and benign request (M1).
	Base Variant = "base"
	// IA3 is the base aligned by training only one (IA)³ vector per layer
	// on the MLP neurons, folded into up_proj (M2, variant a).
	IA3 Variant = "ia3"
	// Full is the base aligned by fine-tuning every weight (M2, variant b).
	Full Variant = "full"
)

// Variants lists the shipped models.
var Variants = []Variant{Base, IA3, Full}

//go:embed models
var modelFiles embed.FS

// Load returns a fresh copy of a shipped model (its weights may be changed
// without affecting other copies).
func Load(v Variant) (*transformer.Model, error) {
	dir := path.Join("models", string(v))
	cfgData, err := modelFiles.ReadFile(path.Join(dir, "config.json"))
	if err != nil {
		return nil, fmt.Errorf("synthetic: no shipped model %q (have %v)", v, Variants)
	}
	cfg, err := transformer.ParseConfig(cfgData)
	if err != nil {
		return nil, fmt.Errorf("synthetic: model %s: %w", v, err)
	}
	tensors, err := readTensors(path.Join(dir, "model.safetensors"))
	if err != nil {
		return nil, fmt.Errorf("synthetic: model %s: %w", v, err)
	}
	m, err := transformer.NewModel(cfg, tensors)
	if err != nil {
		return nil, fmt.Errorf("synthetic: model %s: %w", v, err)
	}
	return m, nil
}

// IA3Scales returns the trained (IA)³ vectors of the IA3 model, one per
// layer: the IA3 model's up_proj rows are the base's multiplied by them.
func IA3Scales() ([][]float32, error) {
	tensors, _, err := readTensorsMeta(path.Join("models", string(IA3), "ia3_scales.safetensors"))
	if err != nil {
		return nil, fmt.Errorf("synthetic: %w", err)
	}
	return scalesWithPrefix(tensors, "")
}

// IA3Sweep returns (IA)³ vectors trained like the IA3 model's but at other
// learning rates, by learning rate (in increasing order). ScaledBase turns
// them into models.
func IA3Sweep() (lrs []float64, scales [][][]float32, err error) {
	tensors, meta, err := readTensorsMeta(path.Join("models", string(IA3), "lr_sweep.safetensors"))
	if err != nil {
		return nil, nil, fmt.Errorf("synthetic: %w", err)
	}
	for _, f := range strings.Split(meta["learning_rates"], ",") {
		lr, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, nil, fmt.Errorf("synthetic: lr_sweep.safetensors: learning rate %q: %w", f, err)
		}
		s, err := scalesWithPrefix(tensors, fmt.Sprintf("lr=%g/", lr))
		if err != nil {
			return nil, nil, err
		}
		lrs, scales = append(lrs, lr), append(scales, s)
	}
	return lrs, scales, nil
}

func scalesWithPrefix(tensors map[string]*transformer.Tensor, prefix string) ([][]float32, error) {
	cfg := Config()
	out := make([][]float32, cfg.NLayers)
	for l := range out {
		t, ok := tensors[fmt.Sprintf("%smodel.layers.%d.mlp.ia3_scale", prefix, l)]
		if !ok || len(t.Data) != cfg.DMLP {
			return nil, fmt.Errorf("synthetic: no (IA)³ vector %q for layer %d", prefix, l)
		}
		out[l] = t.Data
	}
	return out, nil
}

// ScaledBase returns the base model with (IA)³ vectors applied to its
// neurons (see safety.ApplyIA3): ScaledBase(IA3Scales()) is the IA3 model.
func ScaledBase(scales [][]float32) (*transformer.Model, error) {
	m, err := Load(Base)
	if err != nil {
		return nil, err
	}
	if err := safety.ApplyIA3(m, scales); err != nil {
		return nil, err
	}
	return m, nil
}

func readTensors(name string) (map[string]*transformer.Tensor, error) {
	t, _, err := readTensorsMeta(name)
	return t, err
}

func readTensorsMeta(name string) (map[string]*transformer.Tensor, map[string]string, error) {
	data, err := modelFiles.ReadFile(name)
	if err != nil {
		return nil, nil, err
	}
	f, err := safetensors.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, err
	}
	out := map[string]*transformer.Tensor{}
	for _, info := range f.Tensors() {
		vals, shape, err := f.Float32(info.Name)
		if err != nil {
			return nil, nil, err
		}
		out[info.Name] = &transformer.Tensor{Shape: shape, Data: vals}
	}
	return out, f.Metadata(), nil
}
