// Package train is the one place neuro/ trains networks: the optimizers
// every package uses, whether its gradients come from explicit gradient
// code or from GoMLX's automatic differentiation, the training loop and
// checkpoints.
//
// Parameters are plain row-major matrices (Param) that carry their own
// gradient buffer; a model hands its parameters to an optimizer once, in
// groups that share hyper-parameters (AdamW's decay on weights but not on
// biases and norm gains, as torch's parameter groups), fills the gradients
// each step and calls Step. Optimizer state is readable and resettable per
// row and per column (Moments, ResetRows, ResetCols), which the neuron
// resets of neuro/plasticity (ReDo, GraMa) need: recycling a neuron resets
// its incoming weights (a row of the layer's weight matrix, out × in) and
// its outgoing weights (a column of the next layer's), and the optimizer's
// moments for both.
//
// Loop is the training loop (Settings with MaxIterations, Seed and a
// run.Progress that sees the "loss" and can stop training; a Result with
// run.Stats and the loss of every step); SaveParams and LoadParams write
// and read parameters as safetensors checkpoints.
//
// # Where gradients come from
//
// Two routes feed the same optimizers:
//
//   - Explicit gradient code, for small fixed shapes where it is simpler
//     and faster than building a graph: an MLP's layers, one spiking
//     layer's backpropagation through time. Check it against finite
//     differences.
//   - GoMLX (github.com/gomlx/gomlx v0.26.0, pure-Go backend), for deep or
//     irregular models (transformers, denoisers with many parts), never a
//     home-made general autodiff: subpackage autodiff compiles a loss and
//     its gradient with respect to Params and writes the gradient into
//     their Grad buffers, so the optimizer runs in Go on the same
//     parameters (its test checks GoMLX's gradients against finite
//     differences and against explicit gradient code, and the Adam
//     trajectories of both routes and of GoMLX's own Adam against each
//     other). Subpackage llama trains Llama-style language models this way.
//
// This package does not import GoMLX: a package that trains with explicit
// gradients compiles only gonum and neuro/run.
package train

import (
	"fmt"
	"math"
)

// Float is the element type of parameters: float64 for explicit gradient
// code, float32 for GoMLX models.
type Float interface{ ~float32 | ~float64 }

// Param is a named trainable matrix of Rows × Cols values in row-major
// order (a vector is one row), with its gradient in a buffer of the same
// shape.
type Param[T Float] struct {
	Name       string
	Rows, Cols int
	Value      []T
	Grad       []T
}

// NewParam returns a zero Param of the given shape.
func NewParam[T Float](name string, rows, cols int) *Param[T] {
	return &Param[T]{Name: name, Rows: rows, Cols: cols, Value: make([]T, rows*cols), Grad: make([]T, rows*cols)}
}

// Validate checks the shape and the buffers.
func (p *Param[T]) Validate() error {
	if p == nil {
		return fmt.Errorf("train: nil parameter")
	}
	if p.Rows < 1 || p.Cols < 1 {
		return fmt.Errorf("train: parameter %q: shape %d×%d, want positive dimensions", p.Name, p.Rows, p.Cols)
	}
	if len(p.Value) != p.Rows*p.Cols || len(p.Grad) != p.Rows*p.Cols {
		return fmt.Errorf("train: parameter %q: %d values and %d gradients for shape %d×%d", p.Name, len(p.Value), len(p.Grad), p.Rows, p.Cols)
	}
	return nil
}

// ZeroGrad sets the gradient to zero.
func (p *Param[T]) ZeroGrad() { clear(p.Grad) }

// Group is a set of parameters sharing hyper-parameters.
type Group[T Float] struct {
	Params []*Param[T]
	// LR is the group's learning rate; 0 means the optimizer's.
	LR float64
	// WeightDecay is the group's weight decay (L2 for Adam, decoupled for
	// AdamW); 0 means none. Biases and norm gains usually get none.
	WeightDecay float64
}

// AdamSettings holds Adam's hyper-parameters. A nil *AdamSettings means
// the defaults, torch's.
type AdamSettings struct {
	// LR is the learning rate of groups that set none; 0 means 1e-3.
	LR float64
	// Beta1 and Beta2 are the decay rates of the first and second moment
	// estimates; 0 means 0.9 and 0.999.
	Beta1, Beta2 float64
	// Eps is added to the square root of the second moment; 0 means 1e-8.
	Eps float64
	// Decoupled selects AdamW (Loshchilov & Hutter 2019): weight decay
	// shrinks the parameter directly, p ← p − lr·λ·p, instead of being
	// added to the gradient as λ·p (Adam's L2 penalty).
	Decoupled bool
}

func (s *AdamSettings) resolved() AdamSettings {
	var out AdamSettings
	if s != nil {
		out = *s
	}
	if out.LR == 0 {
		out.LR = 1e-3
	}
	if out.Beta1 == 0 {
		out.Beta1 = 0.9
	}
	if out.Beta2 == 0 {
		out.Beta2 = 0.999
	}
	if out.Eps == 0 {
		out.Eps = 1e-8
	}
	return out
}

// Adam is the Adam optimizer (Kingma & Ba 2015) and, with
// AdamSettings.Decoupled, AdamW. For a parameter θ with gradient g at step
// t (per parameter, counted from 1):
//
//	g ← g + λθ                            (Adam with weight decay λ)
//	θ ← θ − η λ θ                         (AdamW instead)
//	m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²
//	θ ← θ − η (m/(1 − β₁ᵗ)) / (sqrt(v/(1 − β₂ᵗ)) + ε)
//
// which is torch.optim.Adam / AdamW. Moments are kept in float64 whatever
// the parameters' type.
type Adam[T Float] struct {
	set    AdamSettings
	groups []Group[T]
	state  map[*Param[T]]*moments
}

type moments struct {
	m, v []float64
	step int
}

// NewAdam returns an Adam (or AdamW) optimizer over groups. Each parameter
// may appear in one group only.
func NewAdam[T Float](groups []Group[T], s *AdamSettings) (*Adam[T], error) {
	set := s.resolved()
	if !(set.LR > 0) || !(set.Beta1 >= 0 && set.Beta1 < 1) || !(set.Beta2 >= 0 && set.Beta2 < 1) || !(set.Eps > 0) {
		return nil, fmt.Errorf("train: NewAdam: LR=%v, Beta1=%v, Beta2=%v, Eps=%v: want LR > 0, betas in [0, 1), Eps > 0", set.LR, set.Beta1, set.Beta2, set.Eps)
	}
	a := &Adam[T]{set: set, state: map[*Param[T]]*moments{}}
	for gi, g := range groups {
		if g.LR < 0 || g.WeightDecay < 0 {
			return nil, fmt.Errorf("train: NewAdam: groups[%d]: LR=%v, WeightDecay=%v, want ≥ 0", gi, g.LR, g.WeightDecay)
		}
		for pi, p := range g.Params {
			if err := p.Validate(); err != nil {
				return nil, fmt.Errorf("train: NewAdam: groups[%d].Params[%d]: %w", gi, pi, err)
			}
			if _, dup := a.state[p]; dup {
				return nil, fmt.Errorf("train: NewAdam: parameter %q appears twice", p.Name)
			}
			a.state[p] = &moments{m: make([]float64, len(p.Value)), v: make([]float64, len(p.Value))}
		}
		a.groups = append(a.groups, g)
	}
	if len(a.state) == 0 {
		return nil, fmt.Errorf("train: NewAdam: no parameters")
	}
	return a, nil
}

// Step updates every parameter from its gradient. It fails, changing
// nothing, when a gradient is not finite or a parameter's buffers no
// longer match its shape.
func (a *Adam[T]) Step() error {
	for _, g := range a.groups {
		for _, p := range g.Params {
			if err := p.Validate(); err != nil {
				return err
			}
			for i, x := range p.Grad {
				if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
					return fmt.Errorf("train: Adam.Step: parameter %q: gradient[%d] (row %d, column %d) = %v", p.Name, i, i/p.Cols, i%p.Cols, x)
				}
			}
		}
	}
	b1, b2 := a.set.Beta1, a.set.Beta2
	for _, g := range a.groups {
		lr := g.LR
		if lr == 0 {
			lr = a.set.LR
		}
		wd := g.WeightDecay
		for _, p := range g.Params {
			st := a.state[p]
			st.step++
			c1 := 1 - math.Pow(b1, float64(st.step))
			c2 := 1 - math.Pow(b2, float64(st.step))
			for i := range p.Value {
				th, gr := float64(p.Value[i]), float64(p.Grad[i])
				if wd != 0 {
					if a.set.Decoupled {
						th -= lr * wd * th
					} else {
						gr += wd * th
					}
				}
				st.m[i] = b1*st.m[i] + (1-b1)*gr
				st.v[i] = b2*st.v[i] + (1-b2)*gr*gr
				th -= lr * (st.m[i] / c1) / (math.Sqrt(st.v[i]/c2) + a.set.Eps)
				p.Value[i] = T(th)
			}
		}
	}
	return nil
}

// ZeroGrad sets every parameter's gradient to zero.
func (a *Adam[T]) ZeroGrad() {
	for _, g := range a.groups {
		for _, p := range g.Params {
			p.ZeroGrad()
		}
	}
}

// SetLR sets the learning rate of group i (for schedules).
func (a *Adam[T]) SetLR(group int, lr float64) error {
	if group < 0 || group >= len(a.groups) {
		return fmt.Errorf("train: SetLR: group %d of %d", group, len(a.groups))
	}
	if !(lr > 0) {
		return fmt.Errorf("train: SetLR: lr = %v, want > 0", lr)
	}
	a.groups[group].LR = lr
	return nil
}

// Moments returns the first and second moment estimates of p (row-major,
// p's shape) and its step count. The slices are the optimizer's own:
// read them, do not keep them across steps.
func (a *Adam[T]) Moments(p *Param[T]) (m, v []float64, step int, err error) {
	st, ok := a.state[p]
	if !ok {
		return nil, nil, 0, fmt.Errorf("train: Moments: parameter %q is not optimised here", paramName(p))
	}
	return st.m, st.v, st.step, nil
}

// ResetRows zeroes both moments of the given rows of p (a recycled
// neuron's incoming weights, when p is out × in). The step count, shared
// by the whole parameter as in torch, is kept.
func (a *Adam[T]) ResetRows(p *Param[T], rows []int) error {
	st, ok := a.state[p]
	if !ok {
		return fmt.Errorf("train: ResetRows: parameter %q is not optimised here", paramName(p))
	}
	for _, r := range rows {
		if r < 0 || r >= p.Rows {
			return fmt.Errorf("train: ResetRows: parameter %q: row %d of %d", p.Name, r, p.Rows)
		}
	}
	for _, r := range rows {
		clear(st.m[r*p.Cols : (r+1)*p.Cols])
		clear(st.v[r*p.Cols : (r+1)*p.Cols])
	}
	return nil
}

// ResetCols zeroes both moments of the given columns of p (a recycled
// neuron's outgoing weights, in the next layer's out × in matrix).
func (a *Adam[T]) ResetCols(p *Param[T], cols []int) error {
	st, ok := a.state[p]
	if !ok {
		return fmt.Errorf("train: ResetCols: parameter %q is not optimised here", paramName(p))
	}
	for _, c := range cols {
		if c < 0 || c >= p.Cols {
			return fmt.Errorf("train: ResetCols: parameter %q: column %d of %d", p.Name, c, p.Cols)
		}
	}
	for _, c := range cols {
		for r := 0; r < p.Rows; r++ {
			st.m[r*p.Cols+c], st.v[r*p.Cols+c] = 0, 0
		}
	}
	return nil
}

func paramName[T Float](p *Param[T]) string {
	if p == nil {
		return "<nil>"
	}
	return p.Name
}

// ClipGradNorm scales the gradients of params so that their joint
// Euclidean norm is at most maxNorm, as torch.nn.utils.clip_grad_norm_
// (scale maxNorm/(norm + 1e-6) when the norm exceeds maxNorm), and returns
// the norm before clipping.
func ClipGradNorm[T Float](params []*Param[T], maxNorm float64) (float64, error) {
	if !(maxNorm > 0) {
		return 0, fmt.Errorf("train: ClipGradNorm: maxNorm = %v, want > 0", maxNorm)
	}
	var ss float64
	for _, p := range params {
		if err := p.Validate(); err != nil {
			return 0, err
		}
		for _, g := range p.Grad {
			ss += float64(g) * float64(g)
		}
	}
	norm := math.Sqrt(ss)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return norm, fmt.Errorf("train: ClipGradNorm: gradient norm is %v", norm)
	}
	if coef := maxNorm / (norm + 1e-6); coef < 1 {
		for _, p := range params {
			for i := range p.Grad {
				p.Grad[i] = T(float64(p.Grad[i]) * coef)
			}
		}
	}
	return norm, nil
}
