package transformer

import (
	"fmt"
	"sort"
	"strings"
)

// hookKind enumerates the hook points of one block, in the order they fire.
type hookKind int

const (
	kResidPre hookKind = iota
	kLn1
	kQ
	kK
	kV
	kRotQ
	kRotK
	kAttnScores
	kPattern
	kZ
	kAttnOut
	kResidMid
	kLn2
	kMLPPre
	kMLPPreLinear
	kMLPPost
	kMLPOut
	kResidPost
	numBlockKinds
)

// Hook points outside the blocks take slots after the blocks'.
const (
	gEmbed = iota
	gPosEmbed
	gLnFinal
	numGlobalKinds
)

var blockHookSuffix = [numBlockKinds]string{
	kResidPre: "hook_resid_pre", kLn1: "ln1.hook_normalized",
	kQ: "attn.hook_q", kK: "attn.hook_k", kV: "attn.hook_v", kRotQ: "attn.hook_rot_q", kRotK: "attn.hook_rot_k",
	kAttnScores: "attn.hook_attn_scores", kPattern: "attn.hook_pattern", kZ: "attn.hook_z",
	kAttnOut: "hook_attn_out", kResidMid: "hook_resid_mid", kLn2: "ln2.hook_normalized",
	kMLPPre: "mlp.hook_pre", kMLPPreLinear: "mlp.hook_pre_linear", kMLPPost: "mlp.hook_post",
	kMLPOut: "hook_mlp_out", kResidPost: "hook_resid_post",
}

var globalHookName = [numGlobalKinds]string{gEmbed: "hook_embed", gPosEmbed: "hook_pos_embed", gLnFinal: "ln_final.hook_normalized"}

// actAliases maps TransformerLens' short activation names to hook suffixes.
var actAliases = map[string]string{
	"resid_pre": "hook_resid_pre", "resid_mid": "hook_resid_mid", "resid_post": "hook_resid_post",
	"ln1": "ln1.hook_normalized", "ln2": "ln2.hook_normalized",
	"q": "attn.hook_q", "k": "attn.hook_k", "v": "attn.hook_v", "rot_q": "attn.hook_rot_q", "rot_k": "attn.hook_rot_k",
	"attn_scores": "attn.hook_attn_scores", "scores": "attn.hook_attn_scores", "pattern": "attn.hook_pattern",
	"attn": "attn.hook_pattern", "z": "attn.hook_z", "attn_out": "hook_attn_out",
	"pre": "mlp.hook_pre", "pre_linear": "mlp.hook_pre_linear", "post": "mlp.hook_post", "mlp_out": "hook_mlp_out",
}

// ActName returns the hook name of an activation in TransformerLens style:
// ActName("post", 3) = "blocks.3.mlp.hook_post",
// ActName("resid_pre", 0) = "blocks.0.hook_resid_pre",
// ActName("embed", -1) = "hook_embed", ActName("ln_final", -1) =
// "ln_final.hook_normalized". Short names are those of TransformerLens'
// get_act_name; a full suffix ("mlp.hook_post") is accepted too. The name
// is not checked here; running a model with an unknown name is an error.
func ActName(kind string, layer int) string {
	switch kind {
	case "embed", "hook_embed":
		return "hook_embed"
	case "pos_embed", "hook_pos_embed":
		return "hook_pos_embed"
	case "ln_final", "ln_final.hook_normalized":
		return "ln_final.hook_normalized"
	}
	if s, ok := actAliases[kind]; ok {
		kind = s
	}
	return fmt.Sprintf("blocks.%d.%s", layer, kind)
}

// HookContext tells a hook where it runs.
type HookContext struct {
	Name  string // hook point name, e.g. "blocks.3.mlp.hook_post"
	Layer int    // block index, −1 for hook_embed, hook_pos_embed and ln_final
	// Pos0 is the absolute position of row 0: with a KV cache holding n
	// tokens, a call on new tokens sees rows for positions n, n+1, …. For
	// attention scores and patterns it is the position of the first query
	// row; their key axis always spans positions 0 … Pos0+rows−1.
	Pos0 int
	// Tokens are the token ids of this call; row r of a position-indexed
	// activation belongs to Tokens[r] at position Pos0+r. Read only.
	Tokens []int
}

// Hook reads or overwrites an activation in place. act has the shape listed
// in the package documentation; its Data is scratch memory valid only
// during the call (copy what must outlive it). A returned error stops the
// run and is returned by it.
type Hook func(ctx HookContext, act *Tensor) error

// NamedHook attaches a Hook to a hook point.
type NamedHook struct {
	Name string
	Fn   Hook
}

// hookSlots holds the names of a model's hook points, indexed by slot.
type hookSlots struct {
	names  []string
	index  map[string]int
	exists []bool // false for points this architecture lacks
}

func blockSlot(layer int, k hookKind) int { return layer*int(numBlockKinds) + int(k) }

func newHookSlots(c *Config) hookSlots {
	n := c.NLayers*int(numBlockKinds) + numGlobalKinds
	s := hookSlots{names: make([]string, n), index: make(map[string]int, n), exists: make([]bool, n)}
	for l := 0; l < c.NLayers; l++ {
		for k := hookKind(0); k < numBlockKinds; k++ {
			i := blockSlot(l, k)
			s.names[i] = fmt.Sprintf("blocks.%d.%s", l, blockHookSuffix[k])
			s.exists[i] = c.Arch == Llama || (k != kRotQ && k != kRotK && k != kMLPPreLinear)
		}
	}
	for g := 0; g < numGlobalKinds; g++ {
		i := c.NLayers*int(numBlockKinds) + g
		s.names[i] = globalHookName[g]
		s.exists[i] = g != gPosEmbed || c.Arch == GPT2
	}
	for i, name := range s.names {
		if s.exists[i] {
			s.index[name] = i
		}
	}
	return s
}

func (s *hookSlots) globalSlot(c *Config, g int) int { return c.NLayers*int(numBlockKinds) + g }

// HookNames returns every hook point of the model in the order they fire.
func (m *Model) HookNames() []string {
	var out []string
	add := func(i int) {
		if m.hooks.exists[i] {
			out = append(out, m.hooks.names[i])
		}
	}
	add(m.hooks.globalSlot(&m.cfg, gEmbed))
	add(m.hooks.globalSlot(&m.cfg, gPosEmbed))
	for l := 0; l < m.cfg.NLayers; l++ {
		for k := hookKind(0); k < numBlockKinds; k++ {
			add(blockSlot(l, k))
		}
	}
	add(m.hooks.globalSlot(&m.cfg, gLnFinal))
	return out
}

// unknownHook describes a bad hook name with the closest valid ones.
func (m *Model) unknownHook(name, what string) error {
	var near []string
	for n := range m.hooks.index {
		if strings.HasSuffix(n, name[strings.LastIndexByte(name, '.')+1:]) {
			near = append(near, n)
		}
	}
	sort.Strings(near)
	if len(near) > 3 {
		near = near[:3]
	}
	hint := "see Model.HookNames"
	if len(near) > 0 {
		hint = "did you mean " + strings.Join(near, ", ") + "?"
	}
	return fmt.Errorf("transformer: %s: no hook point %q in this %s model (%s)", what, name, m.cfg.Arch, hint)
}
