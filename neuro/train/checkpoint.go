package train

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/neuronb/neuronb/neuro/transformer/safetensors"
)

// SaveParams writes params to a safetensors file (see
// neuro/transformer/safetensors): each under its Name with shape
// [Rows, Cols], as F32 for float32 parameters and F64 for float64 ones, so
// values round-trip exactly. meta is stored as the file's metadata (the
// settings and source revision of the run that trained them, say). Names
// must be distinct and non-empty.
func SaveParams[T Float](path string, params []*Param[T], meta map[string]string) error {
	ts := make([]safetensors.Tensor, len(params))
	for i, p := range params {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("train: SaveParams: params[%d]: %w", i, err)
		}
		if p.Name == "" {
			return fmt.Errorf("train: SaveParams: params[%d] has no name", i)
		}
		ts[i] = safetensors.Tensor{Name: p.Name, Shape: []int{p.Rows, p.Cols}}
		switch v := any(p.Value).(type) {
		case []float32:
			ts[i].DType, ts[i].Values = safetensors.F32, v
		default:
			ts[i].DType, ts[i].Data = safetensors.F64, float64Bytes(p.Value)
		}
	}
	if err := safetensors.WriteFile(path, ts, meta); err != nil {
		return fmt.Errorf("train: SaveParams: %w", err)
	}
	return nil
}

func float64Bytes[T Float](v []T) []byte {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(float64(x)))
	}
	return b
}

// LoadParams reads the values of params from a safetensors file by name
// (gradients are left alone) and returns the file's metadata. Every
// parameter must be in the file with shape [Rows, Cols] (or [Cols] for a
// one-row parameter); extra tensors in the file are ignored. Values stored
// as F64 are read exactly into float64 parameters; any floating-point
// dtype is accepted and converted.
func LoadParams[T Float](path string, params []*Param[T]) (map[string]string, error) {
	f, err := safetensors.Open(path)
	if err != nil {
		return nil, fmt.Errorf("train: LoadParams: %w", err)
	}
	defer f.Close()
	for i, p := range params {
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("train: LoadParams: params[%d]: %w", i, err)
		}
		if err := loadParam(f, p); err != nil {
			return nil, fmt.Errorf("train: LoadParams: %s: %w", path, err)
		}
	}
	return f.Metadata(), nil
}

func loadParam[T Float](f *safetensors.File, p *Param[T]) error {
	info, ok := f.Info(p.Name)
	if !ok {
		return fmt.Errorf("no tensor %q", p.Name)
	}
	if !slices.Equal(info.Shape, []int{p.Rows, p.Cols}) && !(p.Rows == 1 && slices.Equal(info.Shape, []int{p.Cols})) {
		return fmt.Errorf("tensor %q has shape %v, the parameter is %d×%d", p.Name, info.Shape, p.Rows, p.Cols)
	}
	if info.DType == safetensors.F64 {
		b := make([]byte, 8*len(p.Value))
		if err := f.ReadRaw(p.Name, b); err != nil {
			return err
		}
		for i := range p.Value {
			p.Value[i] = T(math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])))
		}
		return nil
	}
	v := make([]float32, len(p.Value))
	if err := f.ReadFloat32(p.Name, v); err != nil {
		return err
	}
	for i, x := range v {
		p.Value[i] = T(x)
	}
	return nil
}
