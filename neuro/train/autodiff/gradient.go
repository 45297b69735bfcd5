package autodiff

import (
	"errors"
	"fmt"
	"math"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuronb/neuronb/neuro/train"
)

// Backend returns GoMLX's pure-Go backend with its ops run one at a time
// (each matrix product still uses every core; see the package
// documentation). Call Finalize on it when done.
func Backend() (backends.Backend, error) {
	b, err := simplego.New("ops_sequential")
	if err != nil {
		return nil, fmt.Errorf("autodiff: the pure-Go backend: %w", err)
	}
	return b, nil
}

// LossFunc builds a scalar loss from the trained parameters, one node of
// shape [Rows, Cols] per train.Param in the order given to NewGradient,
// and the data inputs, one node per tensor given to Gradient.Eval (frozen
// weights are inputs too). It runs while GoMLX builds the graph, once per
// distinct set of input shapes.
type LossFunc func(params, inputs []*graph.Node) *graph.Node

// Gradient is a compiled loss and its gradient with respect to a fixed list
// of parameters (float32 or float64, the graph's dtype).
type Gradient[T train.Float] struct {
	params []*train.Param[T]
	exec   *graph.Exec
}

// NewGradient compiles loss and its gradient with respect to params on
// backend (see Backend). The parameters' current values are read at every
// Eval, so an optimizer may change them between calls.
func NewGradient[T train.Float](backend backends.Backend, params []*train.Param[T], loss LossFunc) (*Gradient[T], error) {
	if backend == nil || loss == nil {
		return nil, errors.New("autodiff: NewGradient: nil backend or loss")
	}
	if len(params) == 0 {
		return nil, errors.New("autodiff: NewGradient: no parameters")
	}
	seen := map[*train.Param[T]]bool{}
	for i, p := range params {
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("autodiff: NewGradient: params[%d]: %w", i, err)
		}
		if seen[p] {
			return nil, fmt.Errorf("autodiff: NewGradient: parameter %q appears twice", p.Name)
		}
		seen[p] = true
	}
	if _, err := tensorOf(params[0].Value, 1, len(params[0].Value)); err != nil {
		return nil, fmt.Errorf("autodiff: NewGradient: %w", err)
	}
	np := len(params)
	exec, err := graph.NewExec(backend, func(all []*graph.Node) []*graph.Node {
		l := loss(all[:np], all[np:])
		if !l.Shape().IsScalar() {
			panic(fmt.Errorf("autodiff: the loss has shape %s, want a scalar", l.Shape()))
		}
		return append([]*graph.Node{l}, graph.Gradient(l, all[:np]...)...)
	})
	if err != nil {
		return nil, fmt.Errorf("autodiff: NewGradient: %w", err)
	}
	return &Gradient[T]{params: params, exec: exec}, nil
}

// Eval computes the loss at the parameters' current values on inputs,
// overwrites every parameter's Grad with ∂loss/∂θ and returns the loss.
func (g *Gradient[T]) Eval(inputs ...*tensors.Tensor) (float64, error) {
	args := make([]any, 0, len(g.params)+len(inputs))
	for _, p := range g.params {
		if err := p.Validate(); err != nil {
			return math.NaN(), fmt.Errorf("autodiff: Gradient.Eval: %w", err)
		}
		t, err := tensorOf(p.Value, p.Rows, p.Cols)
		if err != nil {
			return math.NaN(), err
		}
		args = append(args, t)
	}
	for i, in := range inputs {
		if in == nil {
			return math.NaN(), fmt.Errorf("autodiff: Gradient.Eval: inputs[%d] is nil", i)
		}
		args = append(args, in)
	}
	outs, err := g.exec.Exec(args...)
	if err != nil {
		return math.NaN(), fmt.Errorf("autodiff: Gradient.Eval: %w", err)
	}
	loss, err := scalar[T](outs[0])
	if err != nil {
		return math.NaN(), err
	}
	for i, p := range g.params {
		if err := copyInto(p.Grad, outs[1+i]); err != nil {
			return math.NaN(), fmt.Errorf("autodiff: Gradient.Eval: gradient of %q: %w", p.Name, err)
		}
	}
	return loss, nil
}

// Finalize frees the compiled graphs.
func (g *Gradient[T]) Finalize() { g.exec.Finalize() }

// tensorOf copies values into a new [rows, cols] tensor of their dtype.
func tensorOf[T train.Float](v []T, rows, cols int) (*tensors.Tensor, error) {
	switch x := any(v).(type) {
	case []float32:
		return tensors.FromFlatDataAndDimensions(append([]float32(nil), x...), rows, cols), nil
	case []float64:
		return tensors.FromFlatDataAndDimensions(append([]float64(nil), x...), rows, cols), nil
	}
	return nil, fmt.Errorf("autodiff: parameters of type %T: only float32 and float64 are supported", v)
}

// DType returns the GoMLX dtype of parameters of type T.
func DType[T train.Float]() dtypes.DType {
	var zero T
	if _, ok := any(zero).(float32); ok {
		return dtypes.Float32
	}
	return dtypes.Float64
}

func scalar[T train.Float](t *tensors.Tensor) (float64, error) {
	v := make([]T, 1)
	if err := copyInto(v, t); err != nil {
		return math.NaN(), fmt.Errorf("autodiff: the loss: %w", err)
	}
	return float64(v[0]), nil
}

// copyInto copies a tensor of dst's dtype and size into dst.
func copyInto[T train.Float](dst []T, t *tensors.Tensor) error {
	if n := t.Shape().Size(); n != len(dst) {
		return fmt.Errorf("tensor %s has %d values, want %d", t.Shape(), n, len(dst))
	}
	switch d := any(dst).(type) {
	case []float32:
		v, err := tensors.CopyFlatData[float32](t)
		if err != nil {
			return err
		}
		copy(d, v)
	case []float64:
		v, err := tensors.CopyFlatData[float64](t)
		if err != nil {
			return err
		}
		copy(d, v)
	default:
		return fmt.Errorf("values of type %T: only float32 and float64 are supported", dst)
	}
	return nil
}
