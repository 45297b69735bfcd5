package transformer

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
)

// Arch is a model family.
type Arch string

// The supported families.
const (
	// GPT2: learned positions, pre-LayerNorm blocks, fused QKV Conv1D
	// weights stored [in, out], GELU MLP, tied embeddings.
	GPT2 Arch = "gpt2"
	// Llama: RMSNorm, rotary positions (Hugging Face rotate-half form),
	// grouped-query attention, SwiGLU MLP, nn.Linear weights stored
	// [out, in]. Covers Llama, Mistral (without sliding windows) and Qwen2.
	Llama Arch = "llama"
)

// RopeScaling is a Hugging Face rope_scaling block. Type "linear" divides
// every rotary frequency by Factor; type "llama3" (Llama 3.1/3.2) divides
// the low frequencies (wavelength above OriginalMaxPositions/LowFreqFactor)
// by Factor, keeps the high ones (wavelength below
// OriginalMaxPositions/HighFreqFactor) and interpolates in between.
type RopeScaling struct {
	Type                 string  `json:"rope_type"`
	Factor               float64 `json:"factor"`
	LowFreqFactor        float64 `json:"low_freq_factor,omitempty"`
	HighFreqFactor       float64 `json:"high_freq_factor,omitempty"`
	OriginalMaxPositions int     `json:"original_max_position_embeddings,omitempty"`
}

// Config is the shape and hyper-parameters of a decoder-only model, read
// from a Hugging Face config.json with ReadConfig.
type Config struct {
	Arch      Arch
	ModelType string // config.json's model_type ("gpt2", "llama", "mistral", "qwen2")

	VocabSize    int
	DModel       int // residual stream width (n_embd, hidden_size)
	NLayers      int
	NHeads       int
	NKVHeads     int // key/value heads (grouped-query attention); NHeads for GPT-2
	DHead        int // per-head width
	DMLP         int // MLP hidden width (n_inner, intermediate_size)
	MaxPositions int // n_positions, max_position_embeddings

	NormEps float64 // LayerNorm or RMSNorm ε
	// Activation of the MLP: "gelu_new" (tanh approximation, GPT-2),
	// "gelu" (exact, erf) or "silu" (Llama's gate).
	Activation string

	RopeTheta   float64      // Llama: rotary base θ (default 10000)
	RopeScaling *RopeScaling // Llama: nil for plain RoPE

	TiedEmbeddings bool // unembedding is the token embedding's transpose
	QKVBias        bool // Llama family: q, k, v projections have biases (Qwen2, attention_bias)
	OBias          bool // Llama family: o_proj has a bias (attention_bias)
	MLPBias        bool // Llama family: gate/up/down have biases (mlp_bias)

	BOS int   // beginning-of-sequence id, −1 if none
	EOS []int // end-of-sequence ids
}

// hfConfig holds the config.json fields of both families.
type hfConfig struct {
	ModelType string `json:"model_type"`
	VocabSize *int   `json:"vocab_size"`
	// GPT-2
	NEmbd             *int     `json:"n_embd"`
	NLayer            *int     `json:"n_layer"`
	NHead             *int     `json:"n_head"`
	NPositions        *int     `json:"n_positions"`
	NCtx              *int     `json:"n_ctx"`
	NInner            *int     `json:"n_inner"`
	LayerNormEps      *float64 `json:"layer_norm_epsilon"`
	ActivationFn      *string  `json:"activation_function"`
	ScaleAttnWeights  *bool    `json:"scale_attn_weights"`
	ScaleByInverseIdx *bool    `json:"scale_attn_by_inverse_layer_idx"`
	// Llama family
	HiddenSize    *int            `json:"hidden_size"`
	Intermediate  *int            `json:"intermediate_size"`
	NumLayers     *int            `json:"num_hidden_layers"`
	NumHeads      *int            `json:"num_attention_heads"`
	NumKVHeads    *int            `json:"num_key_value_heads"`
	HeadDim       *int            `json:"head_dim"`
	MaxPosEmbed   *int            `json:"max_position_embeddings"`
	RMSNormEps    *float64        `json:"rms_norm_eps"`
	RopeTheta     *float64        `json:"rope_theta"`
	RopeScaling   json.RawMessage `json:"rope_scaling"`
	HiddenAct     *string         `json:"hidden_act"`
	AttentionBias *bool           `json:"attention_bias"`
	MLPBias       *bool           `json:"mlp_bias"`
	SlidingWindow *int            `json:"sliding_window"`
	UseSliding    *bool           `json:"use_sliding_window"`
	// Both
	TieWordEmbeddings *bool           `json:"tie_word_embeddings"`
	BOSTokenID        json.RawMessage `json:"bos_token_id"`
	EOSTokenID        json.RawMessage `json:"eos_token_id"`
}

// ReadConfig reads a Hugging Face config.json.
func ReadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("transformer: %w", err)
	}
	c, err := ParseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ParseConfig parses the contents of a Hugging Face config.json for model
// types gpt2, llama, mistral and qwen2, applying the Transformers library's
// defaults for absent fields, and validates the result.
func ParseConfig(data []byte) (*Config, error) {
	var h hfConfig
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("transformer: config.json: %w", err)
	}
	c := &Config{ModelType: h.ModelType, VocabSize: or(h.VocabSize, 0), BOS: -1}
	var err error
	switch h.ModelType {
	case "gpt2":
		err = gpt2Fields(c, &h)
	case "llama", "mistral", "qwen2":
		err = llamaFields(c, &h)
	default:
		err = fmt.Errorf("model_type %q is not supported (want gpt2, llama, mistral or qwen2)", h.ModelType)
	}
	if err != nil {
		return nil, fmt.Errorf("transformer: config.json: %w", err)
	}
	if c.BOS, err = firstID(h.BOSTokenID); err != nil {
		return nil, fmt.Errorf("transformer: config.json: bos_token_id: %w", err)
	}
	if c.EOS, err = allIDs(h.EOSTokenID); err != nil {
		return nil, fmt.Errorf("transformer: config.json: eos_token_id: %w", err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// or returns *p, or def when the field was absent.
func or[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// gpt2Fields fills c from a GPT-2 config with GPT2Config's defaults.
func gpt2Fields(c *Config, h *hfConfig) error {
	c.Arch = GPT2
	c.DModel = or(h.NEmbd, 768)
	c.NLayers = or(h.NLayer, 12)
	c.NHeads = or(h.NHead, 12)
	c.NKVHeads = c.NHeads
	if c.NHeads > 0 {
		c.DHead = c.DModel / c.NHeads
	}
	c.DMLP = or(h.NInner, 4*c.DModel)
	c.MaxPositions = or(h.NPositions, or(h.NCtx, 1024))
	c.NormEps = or(h.LayerNormEps, 1e-5)
	c.Activation = or(h.ActivationFn, "gelu_new")
	c.TiedEmbeddings = or(h.TieWordEmbeddings, true)
	if !or(h.ScaleAttnWeights, true) || or(h.ScaleByInverseIdx, false) {
		return fmt.Errorf("GPT-2 attention scaling options scale_attn_weights=false and scale_attn_by_inverse_layer_idx=true are not supported")
	}
	if c.VocabSize == 0 {
		c.VocabSize = 50257
	}
	return nil
}

// llamaFields fills c from a Llama, Mistral or Qwen2 config with the
// Transformers library's defaults.
func llamaFields(c *Config, h *hfConfig) error {
	c.Arch = Llama
	c.DModel = or(h.HiddenSize, 0)
	c.NLayers = or(h.NumLayers, 0)
	c.NHeads = or(h.NumHeads, 0)
	c.NKVHeads = or(h.NumKVHeads, c.NHeads)
	if c.NHeads > 0 {
		c.DHead = or(h.HeadDim, c.DModel/c.NHeads)
	}
	c.DMLP = or(h.Intermediate, 0)
	c.MaxPositions = or(h.MaxPosEmbed, 2048)
	c.NormEps = or(h.RMSNormEps, 1e-6)
	c.RopeTheta = or(h.RopeTheta, 10000)
	c.Activation = or(h.HiddenAct, "silu")
	c.TiedEmbeddings = or(h.TieWordEmbeddings, false)
	bias := or(h.AttentionBias, false)
	c.QKVBias, c.OBias = bias || h.ModelType == "qwen2", bias
	c.MLPBias = or(h.MLPBias, false)
	if len(h.RopeScaling) > 0 && string(h.RopeScaling) != "null" {
		var rs struct {
			RopeScaling
			LegacyType string `json:"type"`
		}
		if err := json.Unmarshal(h.RopeScaling, &rs); err != nil {
			return fmt.Errorf("rope_scaling: %w", err)
		}
		if rs.Type == "" {
			rs.Type = rs.LegacyType
		}
		if rs.Type != "default" {
			c.RopeScaling = &rs.RopeScaling
		}
	}
	if h.SlidingWindow != nil && *h.SlidingWindow > 0 && (h.ModelType == "mistral" || or(h.UseSliding, false)) && *h.SlidingWindow < c.MaxPositions {
		c.MaxPositions = *h.SlidingWindow // attention is exact only within the window
	}
	return nil
}

func allIDs(raw json.RawMessage) ([]int, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var one int
	if json.Unmarshal(raw, &one) == nil {
		return []int{one}, nil
	}
	var many []int
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, err
	}
	return many, nil
}

func firstID(raw json.RawMessage) (int, error) {
	ids, err := allIDs(raw)
	if err != nil || len(ids) == 0 {
		return -1, err
	}
	return ids[0], nil
}

// Validate checks that the dimensions are positive and consistent.
func (c *Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("transformer: config: "+format, args...)
	}
	for _, d := range []struct {
		name string
		v    int
	}{{"VocabSize", c.VocabSize}, {"DModel", c.DModel}, {"NLayers", c.NLayers}, {"NHeads", c.NHeads},
		{"NKVHeads", c.NKVHeads}, {"DHead", c.DHead}, {"DMLP", c.DMLP}, {"MaxPositions", c.MaxPositions}} {
		if d.v <= 0 {
			return bad("%s = %d must be positive", d.name, d.v)
		}
	}
	if !(c.NormEps > 0) {
		return bad("NormEps = %v must be positive", c.NormEps)
	}
	if c.NHeads%c.NKVHeads != 0 {
		return bad("NHeads = %d is not a multiple of NKVHeads = %d", c.NHeads, c.NKVHeads)
	}
	switch c.Arch {
	case GPT2:
		if c.NHeads*c.DHead != c.DModel {
			return bad("GPT-2 needs NHeads·DHead = DModel, got %d·%d ≠ %d", c.NHeads, c.DHead, c.DModel)
		}
		if c.NKVHeads != c.NHeads {
			return bad("GPT-2 has no grouped-query attention: NKVHeads = %d ≠ NHeads = %d", c.NKVHeads, c.NHeads)
		}
		if !c.TiedEmbeddings {
			return bad("GPT-2 models are supported with tied embeddings only")
		}
		if c.QKVBias || c.OBias || c.MLPBias {
			return bad("bias flags are for the Llama family; GPT-2 always has biases")
		}
	case Llama:
		if c.DHead%2 != 0 {
			return bad("DHead = %d must be even for rotary embeddings", c.DHead)
		}
		if !(c.RopeTheta > 1) {
			return bad("RopeTheta = %v must exceed 1", c.RopeTheta)
		}
		if s := c.RopeScaling; s != nil {
			switch {
			case s.Type != "linear" && s.Type != "llama3":
				return bad("rope_scaling type %q is not supported (want linear or llama3)", s.Type)
			case !(s.Factor > 0):
				return bad("rope_scaling factor = %v must be positive", s.Factor)
			case s.Type == "llama3" && !(s.HighFreqFactor > s.LowFreqFactor && s.LowFreqFactor > 0 && s.OriginalMaxPositions > 0):
				return bad("llama3 rope_scaling needs 0 < low_freq_factor < high_freq_factor and original_max_position_embeddings > 0, got %+v", *s)
			}
		}
	default:
		return bad("Arch = %q, want %q or %q", c.Arch, GPT2, Llama)
	}
	switch c.Activation {
	case "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu", "silu", "swish":
	default:
		return bad("activation %q is not supported (want gelu_new, gelu_pytorch_tanh, gelu or silu)", c.Activation)
	}
	if c.BOS >= c.VocabSize {
		return bad("BOS = %d is outside the vocabulary of %d", c.BOS, c.VocabSize)
	}
	for i, e := range c.EOS {
		if e < 0 || e >= c.VocabSize {
			return bad("EOS[%d] = %d is outside the vocabulary of %d", i, e, c.VocabSize)
		}
	}
	return nil
}

// MarshalJSON writes the configuration as a Hugging Face config.json, so
// that a model saved with Model.Save loads in the Transformers library.
func (c Config) MarshalJSON() ([]byte, error) {
	m := map[string]any{"model_type": c.ModelType, "vocab_size": c.VocabSize,
		"tie_word_embeddings": c.TiedEmbeddings}
	if c.BOS >= 0 {
		m["bos_token_id"] = c.BOS
	}
	switch len(c.EOS) {
	case 0:
	case 1:
		m["eos_token_id"] = c.EOS[0]
	default:
		m["eos_token_id"] = c.EOS
	}
	switch c.Arch {
	case GPT2:
		if m["model_type"] == "" {
			m["model_type"] = "gpt2"
		}
		m["architectures"] = []string{"GPT2LMHeadModel"}
		m["n_embd"], m["n_layer"], m["n_head"] = c.DModel, c.NLayers, c.NHeads
		m["n_positions"], m["n_ctx"], m["n_inner"] = c.MaxPositions, c.MaxPositions, c.DMLP
		m["layer_norm_epsilon"], m["activation_function"] = c.NormEps, c.Activation
	case Llama:
		if m["model_type"] == "" {
			m["model_type"] = "llama"
		}
		arch := map[string]string{"llama": "LlamaForCausalLM", "mistral": "MistralForCausalLM", "qwen2": "Qwen2ForCausalLM"}
		m["architectures"] = []string{arch[m["model_type"].(string)]}
		m["hidden_size"], m["num_hidden_layers"] = c.DModel, c.NLayers
		m["num_attention_heads"], m["num_key_value_heads"], m["head_dim"] = c.NHeads, c.NKVHeads, c.DHead
		m["intermediate_size"], m["max_position_embeddings"] = c.DMLP, c.MaxPositions
		m["rms_norm_eps"], m["rope_theta"], m["hidden_act"] = c.NormEps, c.RopeTheta, c.Activation
		m["attention_bias"], m["mlp_bias"] = c.OBias, c.MLPBias
		if c.QKVBias != c.OBias && m["model_type"] != "qwen2" {
			return nil, fmt.Errorf("transformer: config: QKVBias ≠ OBias has no config.json form except model_type qwen2")
		}
		if c.RopeScaling != nil {
			m["rope_scaling"] = c.RopeScaling
		}
	}
	return json.MarshalIndent(m, "", "  ")
}

// String summarises the configuration.
func (c *Config) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s: %d layers, d_model %d, %d heads", c.Arch, c.NLayers, c.DModel, c.NHeads)
	if c.NKVHeads != c.NHeads {
		fmt.Fprintf(&sb, " (%d kv)", c.NKVHeads)
	}
	fmt.Fprintf(&sb, " × %d, d_mlp %d, vocab %d, context %d", c.DHead, c.DMLP, c.VocabSize, c.MaxPositions)
	return sb.String()
}

// NumParams returns the number of distinct parameters (tied matrices counted
// once).
func (c *Config) NumParams() int {
	d, dm, v := c.DModel, c.DMLP, c.VocabSize
	q, kv := c.NHeads*c.DHead, c.NKVHeads*c.DHead
	n := v * d
	var perLayer int
	switch c.Arch {
	case GPT2:
		n += c.MaxPositions*d + 2*d
		perLayer = 4*d + d*(q+2*kv) + (q + 2*kv) + q*d + d + d*dm + dm + dm*d + d
	case Llama:
		n += d
		perLayer = 2*d + d*(q+2*kv) + q*d + 3*d*dm
		if c.QKVBias {
			perLayer += q + 2*kv
		}
		if c.OBias {
			perLayer += d
		}
		if c.MLPBias {
			perLayer += 2*dm + d
		}
	}
	if !c.TiedEmbeddings {
		n += v * d
	}
	return n + c.NLayers*perLayer
}

// ropeInvFreq returns the rotary inverse frequencies θ^(−2i/d_head),
// i < d_head/2, rescaled as rope_scaling asks. Like the Transformers
// library it rounds through float32.
func (c *Config) ropeInvFreq() []float64 {
	half := c.DHead / 2
	inv := make([]float64, half)
	for i := range inv {
		exp := float32(float32(2*i) / float32(c.DHead))
		inv[i] = float64(float32(1 / float32(math.Pow(c.RopeTheta, float64(exp)))))
	}
	s := c.RopeScaling
	if s == nil {
		return inv
	}
	for i, f := range inv {
		switch s.Type {
		case "linear":
			inv[i] = f / s.Factor
		case "llama3":
			old := float64(s.OriginalMaxPositions)
			lowWave, highWave := old/s.LowFreqFactor, old/s.HighFreqFactor
			wave := 2 * math.Pi / f
			switch {
			case wave < highWave:
			case wave > lowWave:
				inv[i] = f / s.Factor
			default:
				smooth := (old/wave - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor)
				inv[i] = (1-smooth)*f/s.Factor + smooth*f
			}
		}
	}
	return inv
}
