package snn

import (
	"fmt"
	"math"
)

// Loss scores the readout of a batch. The batch loss is the mean of the
// elements' losses, L = (1/B)·Σ_b ℓ_b.
type Loss interface {
	// Check reports whether the loss fits a batch of B elements of T
	// steps and K readout units.
	Check(B, T, K int) error
	// Element returns ℓ_b for the readout y[t][k] of batch element b and
	// writes ∂ℓ_b/∂y[t][k] into grad (same shape, zero on entry). It is
	// called concurrently for different b.
	Element(b int, y, grad [][]float64) float64
}

// MSE is the mean squared error against a target per batch element,
//
//	ℓ_b = (1/(T·K))·Σ_t Σ_k (y[t][k] − Target[b][t][k])²
type MSE struct {
	// Target[b][t][k]; a single element is shared by the whole batch.
	Target [][][]float64
}

// Check implements Loss.
func (m MSE) Check(B, T, K int) error {
	if len(m.Target) != B && len(m.Target) != 1 {
		return fmt.Errorf("snn: MSE: %d targets for a batch of %d (want %d, or 1 shared)", len(m.Target), B, B)
	}
	for b, tg := range m.Target {
		if len(tg) != T {
			return fmt.Errorf("snn: MSE: Target[%d] has %d steps, the input has %d", b, len(tg), T)
		}
		for t, row := range tg {
			if len(row) != K {
				return fmt.Errorf("snn: MSE: Target[%d][%d] has %d values, the network has %d outputs", b, t, len(row), K)
			}
			for k, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("snn: MSE: Target[%d][%d][%d] = %v, want a finite value", b, t, k, v)
				}
			}
		}
	}
	return nil
}

// Element implements Loss.
func (m MSE) Element(b int, y, grad [][]float64) float64 {
	tg := m.Target[0]
	if len(m.Target) > 1 {
		tg = m.Target[b]
	}
	n := float64(len(y) * len(y[0]))
	var s float64
	for t, row := range y {
		for k, v := range row {
			d := v - tg[t][k]
			s += d * d
			grad[t][k] = 2 * d / n
		}
	}
	return s / n
}

// WindowCE is the cross-entropy of a class read from the mean readout over
// a window of steps [From, To):
//
//	o_k = (1/(To − From))·Σ_{t∈[From,To)} y[t][k],   ℓ_b = −log softmax(o)[Labels[b]]
type WindowCE struct {
	Labels []int
	// From and To bound the window; To = 0 means T.
	From, To int
}

// window returns the window's bounds for T steps.
func (w WindowCE) window(T int) (int, int) {
	to := w.To
	if to == 0 {
		to = T
	}
	return w.From, to
}

// Check implements Loss.
func (w WindowCE) Check(B, T, K int) error {
	if len(w.Labels) != B {
		return fmt.Errorf("snn: WindowCE: %d labels for a batch of %d", len(w.Labels), B)
	}
	if from, to := w.window(T); from < 0 || to > T || from >= to {
		return fmt.Errorf("snn: WindowCE: window [%d, %d) does not fit in T = %d steps", from, to, T)
	}
	return checkLabels("WindowCE", w.Labels, K)
}

func checkLabels(fn string, labels []int, K int) error {
	for b, l := range labels {
		if l < 0 || l >= K {
			return fmt.Errorf("snn: %s: Labels[%d] = %d, want a class in [0, %d)", fn, b, l, K)
		}
	}
	return nil
}

// Logits returns the window means o_k of a readout y[t][k].
func (w WindowCE) Logits(y [][]float64) []float64 {
	from, to := w.window(len(y))
	o := make([]float64, len(y[0]))
	for t := from; t < to; t++ {
		for k, v := range y[t] {
			o[k] += v
		}
	}
	for k := range o {
		o[k] /= float64(to - from)
	}
	return o
}

// Element implements Loss.
func (w WindowCE) Element(b int, y, grad [][]float64) float64 {
	o := w.Logits(y)
	p, lse := softmax(o)
	from, to := w.window(len(y))
	lab := w.Labels[b]
	for k := range p {
		g := p[k]
		if k == lab {
			g--
		}
		g /= float64(to - from)
		for t := from; t < to; t++ {
			grad[t][k] = g
		}
	}
	return lse - o[lab]
}

// SumSoftmaxCE is the loss of HetSyn's SHD script: the softmaxes of the
// readout summed over the steps after Skip are taken as logits of a
// cross-entropy,
//
//	o_k = Σ_{t ≥ Skip} softmax(y[t])_k,   ℓ_b = −log softmax(o)[Labels[b]]
//
// (the script uses Skip = 11: "if i > 10").
type SumSoftmaxCE struct {
	Labels []int
	Skip   int
}

// Check implements Loss.
func (s SumSoftmaxCE) Check(B, T, K int) error {
	if len(s.Labels) != B {
		return fmt.Errorf("snn: SumSoftmaxCE: %d labels for a batch of %d", len(s.Labels), B)
	}
	if s.Skip < 0 || s.Skip >= T {
		return fmt.Errorf("snn: SumSoftmaxCE: Skip = %d with T = %d steps, want 0 ≤ Skip < T", s.Skip, T)
	}
	return checkLabels("SumSoftmaxCE", s.Labels, K)
}

// Logits returns o_k = Σ_{t ≥ Skip} softmax(y[t])_k.
func (s SumSoftmaxCE) Logits(y [][]float64) []float64 {
	o := make([]float64, len(y[0]))
	for t := s.Skip; t < len(y); t++ {
		p, _ := softmax(y[t])
		for k := range o {
			o[k] += p[k]
		}
	}
	return o
}

// Element implements Loss.
func (s SumSoftmaxCE) Element(b int, y, grad [][]float64) float64 {
	o := s.Logits(y)
	q, lse := softmax(o)
	lab := s.Labels[b]
	q[lab]-- // ∂ℓ/∂o
	for t := s.Skip; t < len(y); t++ {
		p, _ := softmax(y[t])
		var dot float64
		for k := range p {
			dot += q[k] * p[k]
		}
		for k := range p {
			grad[t][k] = p[k] * (q[k] - dot)
		}
	}
	return lse - o[lab]
}

// softmax returns softmax(o) and log Σ exp(o).
func softmax(o []float64) ([]float64, float64) {
	m := math.Inf(-1)
	for _, v := range o {
		m = math.Max(m, v)
	}
	p := make([]float64, len(o))
	var z float64
	for k, v := range o {
		p[k] = math.Exp(v - m)
		z += p[k]
	}
	for k := range p {
		p[k] /= z
	}
	return p, m + math.Log(z)
}

// Argmax returns the index of the largest value (the first on ties).
func Argmax(o []float64) int {
	best := 0
	for k, v := range o {
		if v > o[best] {
			best = k
		}
	}
	return best
}
