package transformer

import (
	"fmt"
	"math"
	"slices"
)

// RunOptions configures one forward pass. The zero value (or nil) runs the
// model plainly and returns the logits of every position.
type RunOptions struct {
	// Hooks run at their hook points, in order, and may overwrite the
	// activation in place (patching); later computation uses the new
	// values. With a KV cache they see only the new positions.
	Hooks []NamedHook
	// Cache lists hook points whose values (after any Hooks) are copied
	// into Output.Cache.
	Cache []string
	// KV, when set, supplies the earlier positions and receives the new
	// ones: the tokens are appended at positions KV.Len(), KV.Len()+1, ….
	// If the run fails the cache is left as it was.
	KV *KVCache
	// LastLogitsOnly computes the logits of the last position only (all the
	// next-token prediction needs, and much cheaper for a large vocabulary).
	LastLogitsOnly bool
	// Resid, when set, starts the pass at block StartAtLayer with Resid as
	// the residual stream entering it ([len(tokens), DModel], the values
	// of blocks.StartAtLayer.hook_resid_pre), skipping the embedding and
	// the earlier blocks, whose hooks do not fire (TransformerLens'
	// start_at_layer). The tokens still give the number of positions and
	// the hooks' context. Resid is not modified. This is how a change
	// inside one block is measured without recomputing the blocks before
	// it.
	Resid *Tensor
	// StartAtLayer is the first block run; it needs Resid.
	StartAtLayer int
	// StopAtLayer, when positive, ends the pass after block StopAtLayer−1:
	// Output.Resid holds the residual stream leaving it (its
	// hook_resid_post) and Output.Logits is nil (TransformerLens'
	// stop_at_layer). Later blocks and ln_final do not run.
	//
	// A pass that skips blocks (Resid or StopAtLayer set) cannot extend a
	// KV cache: KV must then be nil or empty, and it only lends its memory
	// (it is left empty), so that many such passes need not allocate.
	StopAtLayer int
}

// ActivationCache maps hook names to the activations recorded in a run.
type ActivationCache map[string]*Tensor

// Get returns the activation of ActName(kind, layer), or nil.
func (c ActivationCache) Get(kind string, layer int) *Tensor { return c[ActName(kind, layer)] }

// Output is the result of a forward pass.
type Output struct {
	// Logits is [positions, VocabSize], or [1, VocabSize] with
	// LastLogitsOnly.
	Logits *Tensor
	// Cache holds the activations named in RunOptions.Cache.
	Cache ActivationCache
	// Pos0 is the absolute position of the first token of the run.
	Pos0 int
	// Resid is the residual stream after the last block run, [positions,
	// DModel], when RunOptions.StopAtLayer is set.
	Resid *Tensor
}

// pass is the state of one forward pass.
type pass struct {
	m      *Model
	tokens []int
	pos0   int
	hooks  map[int][]NamedHook
	cache  map[int]bool
	out    ActivationCache
}

func (r *pass) active(slot int) bool {
	return r.hooks != nil && (len(r.hooks[slot]) > 0 || r.cache[slot])
}

// fire runs the hooks of slot on data viewed with shape, then caches it.
func (r *pass) fire(slot int, data []float32, shape ...int) error {
	if !r.active(slot) {
		return nil
	}
	t := &Tensor{Shape: shape, Data: data[:numel(shape)]}
	ctx := HookContext{Name: r.m.hooks.names[slot], Layer: -1, Pos0: r.pos0, Tokens: r.tokens}
	if slot < r.m.cfg.NLayers*int(numBlockKinds) {
		ctx.Layer = slot / int(numBlockKinds)
	}
	for _, h := range r.hooks[slot] {
		if err := h.Fn(ctx, t); err != nil {
			return fmt.Errorf("transformer: hook at %s (positions %d…%d): %w", ctx.Name, r.pos0, r.pos0+len(r.tokens)-1, err)
		}
		if len(t.Data) != numel(shape) || !slices.Equal(t.Shape, shape) {
			return fmt.Errorf("transformer: hook at %s changed the activation's shape to %v (%d values); overwrite the values in place instead", ctx.Name, t.Shape, len(t.Data))
		}
		if &t.Data[0] != &data[0] {
			copy(data, t.Data) // a hook that replaced the slice: adopt its values
			t.Data = data[:len(t.Data)]
		}
	}
	if r.cache[slot] {
		r.out[ctx.Name] = &Tensor{Shape: slices.Clone(shape), Data: slices.Clone(t.Data)}
	}
	return nil
}

// Run runs the model on tokens (see RunOptions).
func (m *Model) Run(tokens []int, opts *RunOptions) (*Output, error) {
	if opts == nil {
		opts = &RunOptions{}
	}
	c := &m.cfg
	if len(tokens) == 0 {
		return nil, fmt.Errorf("transformer: Run: no tokens")
	}
	for i, t := range tokens {
		if t < 0 || t >= c.VocabSize {
			return nil, fmt.Errorf("transformer: Run: tokens[%d] = %d is outside the vocabulary [0, %d)", i, t, c.VocabSize)
		}
	}
	start, stop, err := m.blockRange(opts, len(tokens))
	if err != nil {
		return nil, err
	}
	partial := opts.Resid != nil || opts.StopAtLayer != 0
	kv := opts.KV
	if kv == nil {
		kv = m.NewKVCache()
	} else if kv.m != m {
		return nil, fmt.Errorf("transformer: Run: the KV cache belongs to another model (each model needs its own)")
	} else if partial && kv.n != 0 {
		return nil, fmt.Errorf("transformer: Run: a pass from Resid or up to StopAtLayer cannot extend a KV cache holding %d positions (pass nil or an empty cache)", kv.n)
	}
	pos0, T := kv.n, len(tokens)
	if pos0+T > c.MaxPositions {
		return nil, fmt.Errorf("transformer: Run: %d cached + %d new tokens exceed the context length %d", pos0, T, c.MaxPositions)
	}
	r, err := m.newRun(tokens, pos0, opts)
	if err != nil {
		return nil, err
	}
	kv.reserve(pos0 + T)
	sc := &kv.sc
	sc.ensure(c, T, pos0+T)
	if opts.Resid != nil {
		copy(sc.resid, opts.Resid.Data)
	} else if err = r.embed(sc.resid); err != nil {
		return nil, err
	}
	for l := start; l < stop; l++ {
		if err := r.block(l, kv, sc); err != nil {
			return nil, err
		}
	}
	if partial {
		out := &Output{Cache: r.out, Pos0: pos0}
		if opts.StopAtLayer != 0 {
			out.Resid = &Tensor{Shape: []int{T, c.DModel}, Data: slices.Clone(sc.resid[:T*c.DModel])}
		} else if out.Logits, err = r.final(sc.resid, sc.norm, opts.LastLogitsOnly); err != nil {
			return nil, err
		}
		return out, nil
	}
	logits, err := r.final(sc.resid, sc.norm, opts.LastLogitsOnly)
	if err != nil {
		return nil, err
	}
	kv.n = pos0 + T
	return &Output{Logits: logits, Cache: r.out, Pos0: pos0}, nil
}

// blockRange validates the blocks a pass runs, [start, stop).
func (m *Model) blockRange(opts *RunOptions, T int) (start, stop int, err error) {
	c := &m.cfg
	start, stop = opts.StartAtLayer, c.NLayers
	if opts.Resid == nil && start != 0 {
		return 0, 0, fmt.Errorf("transformer: Run: StartAtLayer %d needs Resid, the residual stream entering that block", start)
	}
	if start < 0 || start >= c.NLayers {
		return 0, 0, fmt.Errorf("transformer: Run: StartAtLayer %d outside [0, %d)", start, c.NLayers)
	}
	if opts.Resid != nil && (len(opts.Resid.Shape) != 2 || opts.Resid.Shape[0] != T || opts.Resid.Shape[1] != c.DModel || len(opts.Resid.Data) != T*c.DModel) {
		return 0, 0, fmt.Errorf("transformer: Run: Resid has shape %v (%d values), want [%d %d] for %d tokens", opts.Resid.Shape, len(opts.Resid.Data), T, c.DModel, T)
	}
	if opts.StopAtLayer != 0 {
		if opts.StopAtLayer <= start || opts.StopAtLayer > c.NLayers {
			return 0, 0, fmt.Errorf("transformer: Run: StopAtLayer %d outside (%d, %d]", opts.StopAtLayer, start, c.NLayers)
		}
		stop = opts.StopAtLayer
	}
	return start, stop, nil
}

// newRun resolves the hook and cache names of opts into slots.
func (m *Model) newRun(tokens []int, pos0 int, opts *RunOptions) (*pass, error) {
	r := &pass{m: m, tokens: tokens, pos0: pos0}
	if len(opts.Hooks) == 0 && len(opts.Cache) == 0 {
		return r, nil
	}
	r.hooks, r.cache, r.out = map[int][]NamedHook{}, map[int]bool{}, ActivationCache{}
	for i, h := range opts.Hooks {
		slot, ok := m.hooks.index[h.Name]
		if !ok {
			return nil, m.unknownHook(h.Name, fmt.Sprintf("Hooks[%d]", i))
		}
		if h.Fn == nil {
			return nil, fmt.Errorf("transformer: Run: Hooks[%d] (%s) has a nil function", i, h.Name)
		}
		r.hooks[slot] = append(r.hooks[slot], h)
	}
	for i, name := range opts.Cache {
		slot, ok := m.hooks.index[name]
		if !ok {
			return nil, m.unknownHook(name, fmt.Sprintf("Cache[%d]", i))
		}
		r.cache[slot] = true
	}
	return r, nil
}

// Logits runs the model on tokens and returns the logits [positions, vocab].
func (m *Model) Logits(tokens []int) (*Tensor, error) {
	out, err := m.Run(tokens, nil)
	if err != nil {
		return nil, err
	}
	return out.Logits, nil
}

// RunWithCache runs the model and records the named hook points
// (TransformerLens' run_with_cache with a names filter). Pass
// m.HookNames() to record everything.
func (m *Model) RunWithCache(tokens []int, names ...string) (*Tensor, ActivationCache, error) {
	out, err := m.Run(tokens, &RunOptions{Cache: names})
	if err != nil {
		return nil, nil, err
	}
	return out.Logits, out.Cache, nil
}

// RunWithHooks runs the model with hooks that may read or overwrite
// activations (TransformerLens' run_with_hooks).
func (m *Model) RunWithHooks(tokens []int, hooks ...NamedHook) (*Tensor, error) {
	out, err := m.Run(tokens, &RunOptions{Hooks: hooks})
	if err != nil {
		return nil, err
	}
	return out.Logits, nil
}

// embed writes the token (and GPT-2 position) embeddings into x.
func (r *pass) embed(x []float32) error {
	c := &r.m.cfg
	d, T := c.DModel, len(r.tokens)
	for i, t := range r.tokens {
		copy(x[i*d:(i+1)*d], r.m.embed[t*d:(t+1)*d])
	}
	if err := r.fire(r.m.hooks.globalSlot(c, gEmbed), x, T, d); err != nil {
		return err
	}
	if c.Arch != GPT2 {
		return nil
	}
	slot := r.m.hooks.globalSlot(c, gPosEmbed)
	if r.active(slot) {
		pe := slices.Clone(r.m.pos[r.pos0*d : (r.pos0+T)*d])
		if err := r.fire(slot, pe, T, d); err != nil {
			return err
		}
		addInto(x[:T*d], pe)
		return nil
	}
	addInto(x[:T*d], r.m.pos[r.pos0*d:(r.pos0+T)*d])
	return nil
}

// block runs transformer block l on the residual stream sc.resid.
func (r *pass) block(l int, kv *KVCache, sc *scratch) error {
	c := &r.m.cfg
	T, d := len(r.tokens), c.DModel
	x := sc.resid[:T*d]
	if err := r.fire(blockSlot(l, kResidPre), x, T, d); err != nil {
		return err
	}
	if err := r.attentionSublayer(l, kv, sc); err != nil {
		return err
	}
	addInto(x, sc.attnOut[:T*d])
	if err := r.fire(blockSlot(l, kResidMid), x, T, d); err != nil {
		return err
	}
	if err := r.mlpSublayer(l, sc); err != nil {
		return err
	}
	addInto(x, sc.mlpOut[:T*d])
	return r.fire(blockSlot(l, kResidPost), x, T, d)
}

// attentionSublayer computes sc.attnOut = Attn(norm1(resid)), appending the
// new keys and values to the cache.
func (r *pass) attentionSublayer(l int, kv *KVCache, sc *scratch) error {
	m, c := r.m, &r.m.cfg
	L := &m.layers[l]
	T, d, dh := len(r.tokens), c.DModel, c.DHead
	H, Hkv := c.NHeads, c.NKVHeads
	qd, kvd := H*dh, Hkv*dh
	pos0, keys := r.pos0, r.pos0+T
	slot := func(k hookKind) int { return blockSlot(l, k) }
	r.norm(sc.resid[:T*d], sc.norm, L.ln1W, L.ln1B)
	if err := r.fire(slot(kLn1), sc.norm, T, d); err != nil {
		return err
	}
	q := sc.q[:T*qd]
	kNew := kv.k[l][pos0*kvd : keys*kvd]
	vNew := kv.v[l][pos0*kvd : keys*kvd]
	L.q.forward(sc.norm, T, q)
	L.k.forward(sc.norm, T, kNew)
	L.v.forward(sc.norm, T, vNew)
	for _, h := range []struct {
		k     hookKind
		data  []float32
		heads int
	}{{kQ, q, H}, {kK, kNew, Hkv}, {kV, vNew, Hkv}} {
		if err := r.fire(slot(h.k), h.data, T, h.heads, dh); err != nil {
			return err
		}
	}
	if c.Arch == Llama {
		rope(q, T, H, dh, pos0, m.invFreq)
		rope(kNew, T, Hkv, dh, pos0, m.invFreq)
		if err := r.fire(slot(kRotQ), q, T, H, dh); err != nil {
			return err
		}
		if err := r.fire(slot(kRotK), kNew, T, Hkv, dh); err != nil {
			return err
		}
	}
	if err := r.attention(l, q, kv.k[l][:keys*kvd], kv.v[l][:keys*kvd], sc); err != nil {
		return err
	}
	if err := r.fire(slot(kZ), sc.z, T, H, dh); err != nil {
		return err
	}
	L.o.forward(sc.z, T, sc.attnOut)
	return r.fire(slot(kAttnOut), sc.attnOut, T, d)
}

// mlpSublayer computes sc.mlpOut = MLP(norm2(resid)).
func (r *pass) mlpSublayer(l int, sc *scratch) error {
	c := &r.m.cfg
	L := &r.m.layers[l]
	T, d, dm := len(r.tokens), c.DModel, c.DMLP
	slot := func(k hookKind) int { return blockSlot(l, k) }
	r.norm(sc.resid[:T*d], sc.norm, L.ln2W, L.ln2B)
	if err := r.fire(slot(kLn2), sc.norm, T, d); err != nil {
		return err
	}
	pre, post := sc.pre[:T*dm], sc.post[:T*dm]
	L.fc.forward(sc.norm, T, pre)
	if err := r.fire(slot(kMLPPre), pre, T, dm); err != nil {
		return err
	}
	act := activation(c.Activation)
	if c.Arch == GPT2 {
		parallelRows(T, 16*dm, func(lo, hi int) {
			for i := lo * dm; i < hi*dm; i++ {
				post[i] = act(pre[i])
			}
		})
	} else {
		preLin := sc.preLin[:T*dm]
		L.up.forward(sc.norm, T, preLin)
		if err := r.fire(slot(kMLPPreLinear), preLin, T, dm); err != nil {
			return err
		}
		parallelRows(T, 16*dm, func(lo, hi int) {
			for i := lo * dm; i < hi*dm; i++ {
				post[i] = act(pre[i]) * preLin[i]
			}
		})
	}
	if err := r.fire(slot(kMLPPost), post, T, dm); err != nil {
		return err
	}
	L.proj.forward(post, T, sc.mlpOut)
	return r.fire(slot(kMLPOut), sc.mlpOut, T, d)
}

// norm applies the architecture's normalisation to every row.
func (r *pass) norm(x, y, w, b []float32) {
	c := &r.m.cfg
	T := len(x) / c.DModel
	if c.Arch == GPT2 {
		layerNorm(x, y, w, b, T, c.DModel, c.NormEps)
	} else {
		rmsNorm(x, y, w, T, c.DModel, c.NormEps)
	}
}

// final applies the last norm and the unembedding.
func (r *pass) final(x, norm []float32, lastOnly bool) (*Tensor, error) {
	c := &r.m.cfg
	T, d := len(r.tokens), c.DModel
	r.norm(x[:T*d], norm, r.m.lnfW, r.m.lnfB)
	if err := r.fire(r.m.hooks.globalSlot(c, gLnFinal), norm, T, d); err != nil {
		return nil, err
	}
	first := 0
	if lastOnly {
		first = T - 1
	}
	logits := NewTensor(T-first, c.VocabSize)
	r.m.unembed.forward(norm[first*d:T*d], T-first, logits.Data)
	return logits, nil
}

// rope rotates each head of x [T, heads, dh] by its position's angles in the
// Hugging Face rotate-half form: with x = [x1, x2] split in halves,
// x' = x·cos + [−x2, x1]·sin, where the angle of coordinate i (and
// i + dh/2) at position p is p·invFreq[i]. Positions start at pos0.
func rope(x []float32, T, heads, dh, pos0 int, invFreq []float64) {
	half := dh / 2
	cos := make([]float32, half)
	sin := make([]float32, half)
	for t := 0; t < T; t++ {
		rotary(pos0+t, invFreq, cos, sin)
		for h := 0; h < heads; h++ {
			v := x[(t*heads+h)*dh : (t*heads+h+1)*dh]
			for i := 0; i < half; i++ {
				x1, x2 := v[i], v[i+half]
				v[i] = x1*cos[i] - x2*sin[i]
				v[i+half] = x2*cos[i] + x1*sin[i]
			}
		}
	}
}

// rotary writes the cosines and sines of the rotary angles at position p.
func rotary(p int, invFreq []float64, cos, sin []float32) {
	for i, f := range invFreq {
		// The Transformers library forms the angle in float32.
		a := float64(float32(p) * float32(f))
		cos[i], sin[i] = float32(math.Cos(a)), float32(math.Sin(a))
	}
}

// Rotary returns the cosines and sines of the rotary position embedding at
// absolute position p for a Llama-family model (nil for GPT-2): coordinates
// i and i + DHead/2 of every query and key head are rotated by the angle
// whose cosine is cos[i] and sine sin[i], as float32 values exactly as the
// forward pass uses them, so hook_rot_q = R_p·hook_q with
// (R_p x)_i = x_i·cos[i] − x_{i+DHead/2}·sin[i] and
// (R_p x)_{i+DHead/2} = x_{i+DHead/2}·cos[i] + x_i·sin[i].
func (m *Model) Rotary(p int) (cos, sin []float32) {
	if m.cfg.Arch != Llama {
		return nil, nil
	}
	cos, sin = make([]float32, len(m.invFreq)), make([]float32, len(m.invFreq))
	rotary(p, m.invFreq, cos, sin)
	return cos, sin
}
