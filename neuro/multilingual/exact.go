package multilingual

import (
	"fmt"
	"math"

	"github.com/neuronb/neuronb/neuro/transformer"
)

// Exact measures importance by exact deactivation on one input (Eq. 1 of
// the paper at the layer's output): the unit's parameters are zeroed (its
// activation coordinate set to zero, which is the same), its layer is run
// again from the cached residual stream entering it, and
//
//	Imp(u) = ‖Y_l − Y_l^{⊖u}‖_F,   Y_l = blocks.l.hook_resid_post  [T, DModel]
//
// with every earlier layer unchanged, so each unit costs one layer's
// forward pass. For an FFN unit this equals the parallel form (the MLP is
// the last module of the layer); for attention units the parallel form
// measures the attention module's output, which the layer's MLP then
// transforms, so the two differ by what the MLP does with the change. An
// Exact is not safe for concurrent use (it keeps scratch memory); make
// one per goroutine.
type Exact struct {
	m         *transformer.Model
	tokens    []int
	shape     Shape
	pre, post []*transformer.Tensor
	kv        *transformer.KVCache
}

// NewExact runs m once on tokens and keeps every layer's input and output
// residual stream.
func NewExact(m *transformer.Model, tokens []int) (*Exact, error) {
	if m == nil {
		return nil, fmt.Errorf("multilingual: NewExact: nil model")
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("multilingual: NewExact: empty input (no tokens)")
	}
	c := m.Config()
	var names []string
	for l := 0; l < c.NLayers; l++ {
		names = append(names, transformer.ActName("resid_pre", l), transformer.ActName("resid_post", l))
	}
	out, err := m.Run(tokens, &transformer.RunOptions{Cache: names, LastLogitsOnly: true})
	if err != nil {
		return nil, fmt.Errorf("multilingual: NewExact: %w", err)
	}
	e := &Exact{m: m, tokens: tokens, shape: ShapeOf(c), kv: m.NewKVCache()}
	for l := 0; l < c.NLayers; l++ {
		e.pre, e.post = append(e.pre, out.Cache.Get("resid_pre", l)), append(e.post, out.Cache.Get("resid_post", l))
	}
	return e, nil
}

// Importance returns ‖ΔY_l‖_F for deactivating u alone.
func (e *Exact) Importance(u Unit) (float64, error) {
	set, err := NewUnitSet(e.shape, []Unit{u})
	if err != nil {
		return 0, fmt.Errorf("multilingual: Exact.Importance: %w", err)
	}
	out, err := e.m.Run(e.tokens, &transformer.RunOptions{Resid: e.pre[u.Layer], StartAtLayer: u.Layer, StopAtLayer: u.Layer + 1,
		KV: e.kv, Hooks: hooksFor(e.m.Config(), set)})
	if err != nil {
		return 0, fmt.Errorf("multilingual: Exact.Importance(%v): %w", u, err)
	}
	ss := 0.0
	for i, v := range out.Resid.Data {
		d := float64(v) - float64(e.post[u.Layer].Data[i])
		ss += d * d
	}
	return math.Sqrt(ss), nil
}
