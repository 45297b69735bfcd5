package transformer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
)

// Model is a decoder-only transformer with float32 weights. A Model is not
// modified by running it, so one Model may serve several goroutines and
// several KV caches at once; each generation keeps its state in its own
// KVCache.
type Model struct {
	cfg    Config
	params map[string]*Tensor

	embed   []float32 // [VocabSize, DModel]
	pos     []float32 // GPT-2: [MaxPositions, DModel]
	lnfW    []float32
	lnfB    []float32
	unembed linear // [VocabSize, DModel], out-major
	layers  []layer
	invFreq []float64 // Llama: rotary inverse frequencies
	hooks   hookSlots
}

type layer struct {
	ln1W, ln1B, ln2W, ln2B []float32
	q, k, v, o             linear
	fc, up, proj           linear // GPT-2: c_fc, –, c_proj; Llama: gate, up, down
}

// paramSpec names one parameter and its shape.
type paramSpec struct {
	name  string
	shape []int
}

// paramSpecs lists the parameters of c in Hugging Face naming (GPT-2 without
// the "transformer." prefix, as on the hub; Llama as in LlamaForCausalLM),
// in the order Save writes them.
func paramSpecs(c *Config) []paramSpec {
	d, dm, v := c.DModel, c.DMLP, c.VocabSize
	q, kv := c.NHeads*c.DHead, c.NKVHeads*c.DHead
	var s []paramSpec
	add := func(name string, shape ...int) { s = append(s, paramSpec{name, shape}) }
	switch c.Arch {
	case GPT2:
		add("wte.weight", v, d)
		add("wpe.weight", c.MaxPositions, d)
		for l := 0; l < c.NLayers; l++ {
			p := fmt.Sprintf("h.%d.", l)
			add(p+"ln_1.weight", d)
			add(p+"ln_1.bias", d)
			add(p+"attn.c_attn.weight", d, 3*d)
			add(p+"attn.c_attn.bias", 3*d)
			add(p+"attn.c_proj.weight", d, d)
			add(p+"attn.c_proj.bias", d)
			add(p+"ln_2.weight", d)
			add(p+"ln_2.bias", d)
			add(p+"mlp.c_fc.weight", d, dm)
			add(p+"mlp.c_fc.bias", dm)
			add(p+"mlp.c_proj.weight", dm, d)
			add(p+"mlp.c_proj.bias", d)
		}
		add("ln_f.weight", d)
		add("ln_f.bias", d)
	case Llama:
		add("model.embed_tokens.weight", v, d)
		for l := 0; l < c.NLayers; l++ {
			p := fmt.Sprintf("model.layers.%d.", l)
			add(p+"input_layernorm.weight", d)
			for _, proj := range []struct {
				name    string
				out, in int
				bias    bool
			}{{"q_proj", q, d, c.QKVBias}, {"k_proj", kv, d, c.QKVBias}, {"v_proj", kv, d, c.QKVBias}, {"o_proj", d, q, c.OBias}} {
				add(p+"self_attn."+proj.name+".weight", proj.out, proj.in)
				if proj.bias {
					add(p+"self_attn."+proj.name+".bias", proj.out)
				}
			}
			add(p+"post_attention_layernorm.weight", d)
			for _, proj := range []struct {
				name    string
				out, in int
			}{{"gate_proj", dm, d}, {"up_proj", dm, d}, {"down_proj", d, dm}} {
				add(p+"mlp."+proj.name+".weight", proj.out, proj.in)
				if c.MLPBias {
					add(p+"mlp."+proj.name+".bias", proj.out)
				}
			}
		}
		add("model.norm.weight", d)
		if !c.TiedEmbeddings {
			add("lm_head.weight", v, d)
		}
	}
	return s
}

// canonicalName maps a checkpoint's tensor name to the name paramSpecs uses,
// or returns "" for buffers that are not parameters (GPT-2's causal-mask
// "attn.bias", "attn.masked_bias"; rotary "inv_freq"; a tied "lm_head").
func canonicalName(c *Config, name string) string {
	switch c.Arch {
	case GPT2:
		name = strings.TrimPrefix(name, "transformer.")
		if strings.HasSuffix(name, ".attn.bias") || strings.HasSuffix(name, ".attn.masked_bias") || name == "lm_head.weight" {
			return ""
		}
	case Llama:
		if strings.HasSuffix(name, "rotary_emb.inv_freq") || (c.TiedEmbeddings && name == "lm_head.weight") {
			return ""
		}
		if !strings.HasPrefix(name, "model.") && name != "lm_head.weight" {
			name = "model." + name
		}
	}
	return name
}

// NewModel builds a model from parameters named as in a Hugging Face
// checkpoint (see Model.ParameterNames; GPT-2 names may carry the
// "transformer." prefix). The tensors are used in place, not copied. Every
// parameter must be present with its exact shape; unknown names are an
// error, so that a checkpoint of another layout is not half-loaded.
func NewModel(cfg *Config, tensors map[string]*Tensor) (*Model, error) {
	if cfg == nil {
		return nil, fmt.Errorf("transformer: NewModel: nil config")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &Model{cfg: *cfg, params: map[string]*Tensor{}}
	m.cfg.EOS = slices.Clone(cfg.EOS)
	if cfg.RopeScaling != nil {
		rs := *cfg.RopeScaling
		m.cfg.RopeScaling = &rs
	}
	var unknown []string
	for name, t := range tensors {
		cn := canonicalName(&m.cfg, name)
		if cn == "" {
			continue
		}
		if _, dup := m.params[cn]; dup {
			return nil, fmt.Errorf("transformer: parameter %q given twice (as %q and another spelling)", cn, name)
		}
		m.params[cn] = t
		if t == nil {
			return nil, fmt.Errorf("transformer: parameter %q is nil", name)
		}
	}
	specs := paramSpecs(&m.cfg)
	want := make(map[string]bool, len(specs))
	for _, s := range specs {
		want[s.name] = true
		t, ok := m.params[s.name]
		if !ok {
			return nil, fmt.Errorf("transformer: %s model lacks parameter %q %v", m.cfg.Arch, s.name, s.shape)
		}
		if !slices.Equal(t.Shape, s.shape) || len(t.Data) != numel(s.shape) {
			return nil, fmt.Errorf("transformer: parameter %q has shape %v (%d values), want %v", s.name, t.Shape, len(t.Data), s.shape)
		}
	}
	for name := range m.params {
		if !want[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		if len(unknown) > 5 {
			unknown = append(unknown[:5], "…")
		}
		return nil, fmt.Errorf("transformer: tensors %v are not parameters of a %s model with this config", unknown, m.cfg.Arch)
	}
	m.wire()
	return m, nil
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// wire points the layer structs at the parameter tensors.
func (m *Model) wire() {
	c := &m.cfg
	p := func(name string) []float32 { return m.params[name].Data }
	opt := func(name string) []float32 {
		if t, ok := m.params[name]; ok {
			return t.Data
		}
		return nil
	}
	d, dm := c.DModel, c.DMLP
	qd, kvd := c.NHeads*c.DHead, c.NKVHeads*c.DHead
	m.layers = make([]layer, c.NLayers)
	switch c.Arch {
	case GPT2:
		m.embed, m.pos = p("wte.weight"), p("wpe.weight")
		m.lnfW, m.lnfB = p("ln_f.weight"), p("ln_f.bias")
		for l := range m.layers {
			pre := fmt.Sprintf("h.%d.", l)
			L := &m.layers[l]
			L.ln1W, L.ln1B = p(pre+"ln_1.weight"), p(pre+"ln_1.bias")
			L.ln2W, L.ln2B = p(pre+"ln_2.weight"), p(pre+"ln_2.bias")
			w, b := p(pre+"attn.c_attn.weight"), p(pre+"attn.c_attn.bias")
			// Columns [0,d), [d,2d), [2d,3d) of the fused [d, 3d] matrix.
			L.q = linear{w: w, ld: 3 * d, in: d, out: d, b: b[:d]}
			L.k = linear{w: w[d:], ld: 3 * d, in: d, out: d, b: b[d : 2*d]}
			L.v = linear{w: w[2*d:], ld: 3 * d, in: d, out: d, b: b[2*d:]}
			L.o = linear{w: p(pre + "attn.c_proj.weight"), ld: d, in: d, out: d, b: p(pre + "attn.c_proj.bias")}
			L.fc = linear{w: p(pre + "mlp.c_fc.weight"), ld: dm, in: d, out: dm, b: p(pre + "mlp.c_fc.bias")}
			L.proj = linear{w: p(pre + "mlp.c_proj.weight"), ld: d, in: dm, out: d, b: p(pre + "mlp.c_proj.bias")}
		}
	case Llama:
		m.embed = p("model.embed_tokens.weight")
		m.lnfW = p("model.norm.weight")
		m.invFreq = c.ropeInvFreq()
		for l := range m.layers {
			pre := fmt.Sprintf("model.layers.%d.", l)
			L := &m.layers[l]
			L.ln1W, L.ln2W = p(pre+"input_layernorm.weight"), p(pre+"post_attention_layernorm.weight")
			lin := func(name string, out, in int) linear {
				return linear{w: p(pre + name + ".weight"), ld: in, in: in, out: out, outMajor: true, b: opt(pre + name + ".bias")}
			}
			L.q, L.k, L.v = lin("self_attn.q_proj", qd, d), lin("self_attn.k_proj", kvd, d), lin("self_attn.v_proj", kvd, d)
			L.o = lin("self_attn.o_proj", d, qd)
			L.fc, L.up, L.proj = lin("mlp.gate_proj", dm, d), lin("mlp.up_proj", dm, d), lin("mlp.down_proj", d, dm)
		}
	}
	un := m.embed
	if !c.TiedEmbeddings {
		un = p("lm_head.weight")
	}
	m.unembed = linear{w: un, ld: d, in: d, out: c.VocabSize, outMajor: true}
	m.hooks = newHookSlots(c)
}

// Config returns the model's configuration.
func (m *Model) Config() Config {
	c := m.cfg
	c.EOS = slices.Clone(m.cfg.EOS)
	if c.RopeScaling != nil {
		rs := *c.RopeScaling
		c.RopeScaling = &rs
	}
	return c
}

// ParameterNames returns the names of the parameters in Hugging Face naming,
// in checkpoint order.
func (m *Model) ParameterNames() []string {
	var out []string
	for _, s := range paramSpecs(&m.cfg) {
		out = append(out, s.name)
	}
	return out
}

// Parameter returns a parameter by its Hugging Face name. The tensor shares
// the model's memory: changing it changes the model (which is how weights
// are ablated), so do not do that while the model runs. Layouts are the
// checkpoint's: GPT-2 Conv1D matrices are [in, out], Llama nn.Linear
// matrices [out, in]; e.g. the output weights of MLP neuron i of layer l are
// row i of "h.l.mlp.c_proj.weight" (GPT-2) or column i of
// "model.layers.l.mlp.down_proj.weight" (Llama).
func (m *Model) Parameter(name string) (*Tensor, bool) {
	t, ok := m.params[canonicalName(&m.cfg, name)]
	return t, ok
}

// NewRandom returns a model with random weights at a scale where every
// activation is of order one: weight matrices N(0, 1/fan_in), token and
// position embeddings N(0, 0.25²), norm gains 1 + N(0, 0.1²) and biases
// N(0, 0.1²). It is deterministic in seed; for tests, examples and
// benchmarks.
func NewRandom(cfg *Config, seed uint64) (*Model, error) {
	if cfg == nil {
		return nil, fmt.Errorf("transformer: NewRandom: nil config")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	tensors := map[string]*Tensor{}
	for _, s := range paramSpecs(cfg) {
		t := NewTensor(s.shape...)
		var mean, std float64
		switch {
		case strings.Contains(s.name, "norm") || strings.Contains(s.name, "ln_"):
			if strings.HasSuffix(s.name, ".weight") {
				mean = 1
			}
			std = 0.1
		case strings.HasSuffix(s.name, ".bias"):
			std = 0.1
		case s.name == "wte.weight" || s.name == "wpe.weight" || s.name == "model.embed_tokens.weight":
			std = 0.25
		default: // weight matrices; fan_in is the "in" side of the layout
			fanIn := s.shape[1]
			if cfg.Arch == GPT2 {
				fanIn = s.shape[0]
			}
			std = 1 / math.Sqrt(float64(fanIn))
		}
		for i := range t.Data {
			t.Data[i] = float32(mean + std*rng.NormFloat64())
		}
		tensors[s.name] = t
	}
	return NewModel(cfg, tensors)
}
