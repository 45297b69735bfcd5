package transformer

import "fmt"

// LogitLens reads residual-stream rows [positions, DModel] as if they were
// the network's last: it applies the final norm (ln_final) and the
// unembedding, returning logits [positions, VocabSize]. Applied to
// blocks.L.hook_resid_post for each L it shows what each layer "predicts"
// (the logit lens of nostalgebraist, 2020). The input is not modified.
func (m *Model) LogitLens(resid *Tensor) (*Tensor, error) {
	d := m.cfg.DModel
	if resid == nil || len(resid.Shape) != 2 || resid.Shape[1] != d || len(resid.Data) != resid.Shape[0]*d {
		shape := []int(nil)
		if resid != nil {
			shape = resid.Shape
		}
		return nil, fmt.Errorf("transformer: LogitLens: residual has shape %v, want [positions, %d]", shape, d)
	}
	rows := resid.Shape[0]
	norm := make([]float32, rows*d)
	r := &pass{m: m}
	r.norm(resid.Data, norm, m.lnfW, m.lnfB)
	out := NewTensor(rows, m.cfg.VocabSize)
	if rows > 0 {
		m.unembed.forward(norm, rows, out.Data)
	}
	return out, nil
}

// LayerLogits returns, for the token at row pos of a run cached with
// ResidNames, the logit-lens logits after the embedding (index 0) and after
// each block (index L+1): [NLayers+1, VocabSize].
func (m *Model) LayerLogits(cache ActivationCache, pos int) (*Tensor, error) {
	d := m.cfg.DModel
	stack := NewTensor(m.cfg.NLayers+1, d)
	for i, name := range m.ResidNames() {
		t, ok := cache[name]
		if !ok {
			return nil, fmt.Errorf("transformer: LayerLogits: cache lacks %s (run with Cache: m.ResidNames())", name)
		}
		if len(t.Shape) != 2 || pos < 0 || pos >= t.Shape[0] {
			return nil, fmt.Errorf("transformer: LayerLogits: position %d outside %s of shape %v", pos, name, t.Shape)
		}
		copy(stack.Row(i), t.Row(pos))
	}
	return m.LogitLens(stack)
}

// ResidNames returns the residual-stream hook points in depth order:
// blocks.0.hook_resid_pre, then blocks.L.hook_resid_post for every L.
func (m *Model) ResidNames() []string {
	names := []string{ActName("resid_pre", 0)}
	for l := 0; l < m.cfg.NLayers; l++ {
		names = append(names, ActName("resid_post", l))
	}
	return names
}
