package information

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/neuronb/neuronb/neuro/transformer/safetensors"
)

// metaKey is the metadata entry of a checkpoint that holds the denoiser's
// configuration, prior and response standardisation as JSON.
const metaKey = "neuronb.information.denoiser"

// Save writes the denoiser as a safetensors file: every parameter of the
// network under its name (layer0.W, layer0.B, …) with shape [rows, cols]
// as F32, and in the metadata the configuration, prior and response
// standardisation (JSON under "neuronb.information.denoiser") with the
// caller's entries (the training settings and source revision, say).
func (dn *Denoiser) Save(path string, meta map[string]string) error {
	if dn == nil || dn.Net == nil {
		return errors.New("information: Save: nil or unbuilt denoiser")
	}
	head, err := json.Marshal(dn)
	if err != nil {
		return fmt.Errorf("information: Save: %w", err)
	}
	md := map[string]string{metaKey: string(head)}
	for k, v := range meta {
		if k == metaKey {
			return fmt.Errorf("information: Save: metadata key %q is reserved", k)
		}
		md[k] = v
	}
	var ts []safetensors.Tensor
	for _, p := range dn.Net.Params() {
		ts = append(ts, safetensors.Tensor{Name: p.Name, DType: safetensors.F32, Shape: []int{p.Rows, p.Cols}, Values: p.Value})
	}
	if err := safetensors.WriteFile(path, ts, md); err != nil {
		return fmt.Errorf("information: Save: %w", err)
	}
	return nil
}

// LoadDenoiser reads a denoiser written by Save and returns it with the
// file's other metadata.
func LoadDenoiser(path string) (*Denoiser, map[string]string, error) {
	f, err := safetensors.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("information: LoadDenoiser: %w", err)
	}
	defer f.Close()
	return readDenoiser(f, path)
}

func readDenoiser(f *safetensors.File, path string) (*Denoiser, map[string]string, error) {
	var err error
	md := f.Metadata()
	head, ok := md[metaKey]
	if !ok {
		return nil, nil, fmt.Errorf("information: LoadDenoiser: %s has no %q metadata: not a denoiser checkpoint", path, metaKey)
	}
	dn := new(Denoiser)
	if err := json.Unmarshal([]byte(head), dn); err != nil {
		return nil, nil, fmt.Errorf("information: LoadDenoiser: %s: %w", path, err)
	}
	if err := dn.Prior.validate(); err != nil {
		return nil, nil, fmt.Errorf("information: LoadDenoiser: %s: %w", path, err)
	}
	if len(dn.ResponseMean) == 0 || len(dn.ResponseScale) != len(dn.ResponseMean) {
		return nil, nil, fmt.Errorf("information: LoadDenoiser: %s: %d response means and %d scales", path, len(dn.ResponseMean), len(dn.ResponseScale))
	}
	if dn.Config, err = dn.Config.resolve(); err != nil {
		return nil, nil, fmt.Errorf("information: LoadDenoiser: %s: %w", path, err)
	}
	if err := dn.build(rand.New(rand.NewPCG(0, 0))); err != nil {
		return nil, nil, err
	}
	for _, p := range dn.Net.Params() {
		info, ok := f.Info(p.Name)
		if !ok {
			return nil, nil, fmt.Errorf("information: LoadDenoiser: %s lacks tensor %q", path, p.Name)
		}
		if !slices.Equal(info.Shape, []int{p.Rows, p.Cols}) {
			return nil, nil, fmt.Errorf("information: LoadDenoiser: %s: tensor %q has shape %v, the network needs %d×%d", path, p.Name, info.Shape, p.Rows, p.Cols)
		}
		if err := f.ReadFloat32(p.Name, p.Value); err != nil {
			return nil, nil, fmt.Errorf("information: LoadDenoiser: %s: %w", path, err)
		}
	}
	delete(md, metaKey)
	return dn, md, nil
}
