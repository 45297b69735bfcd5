package transformer

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

func torchScript(t testing.TB) string {
	b, err := os.ReadFile(filepath.Join("testdata", "torch_reference.py"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type torchOut struct {
	Logits        [][]float64   `json:"logits"`
	ResidPre1     [][]float64   `json:"resid_pre_1"`
	Pattern0      [][][]float64 `json:"pattern_0"`
	Post1         [][]float64   `json:"post_1"`
	PatchedLogits [][]float64   `json:"patched_logits"`
}

// maxDiff returns max |a − b| over a tensor and nested reference rows.
func maxDiff(t *testing.T, what string, got *Tensor, want any) float64 {
	t.Helper()
	var flat []float64
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case [][]float64:
			for _, r := range x {
				flat = append(flat, r...)
			}
		case [][][]float64:
			for _, r := range x {
				walk(r)
			}
		}
	}
	walk(want)
	if got == nil || len(got.Data) != len(flat) {
		t.Fatalf("%s: got %v, reference has %d values", what, got, len(flat))
	}
	worst := 0.0
	for i, v := range flat {
		worst = math.Max(worst, math.Abs(float64(got.Data[i])-v))
	}
	return worst
}

// TestForwardMatchesTorchReference builds GPT-2 and Llama-family models in
// PyTorch from torch primitives (layer_norm, gelu, silu, softmax, matrix
// products, rotary embedding by rotate-half) on random weights, which the
// script writes as safetensors with Hugging Face names; the Go model loaded
// from that directory must reproduce the logits, the residual stream, the
// attention pattern and the MLP neurons to 1e-4, and a patch of chosen
// neurons must change the logits as it does in torch (oracle: the float64
// torch forward pass). The configurations cover fused QKV, "transformer."
// prefixes, grouped- and multi-query attention, head_dim ≠ d/heads, biases,
// tied and untied embeddings, llama3 rope scaling and F32/F16/BF16 storage.
func TestForwardMatchesTorchReference(t *testing.T) {
	pyoracle.Require(t, "torch")
	script := torchScript(t)
	cases := []struct {
		name, dtype, prefix string
		cfg                 map[string]any
	}{
		{"gpt2-f32", "F32", "", map[string]any{"model_type": "gpt2", "n_embd": 64, "n_layer": 2, "n_head": 4,
			"n_positions": 40, "vocab_size": 97}},
		{"gpt2-bf16-prefixed", "BF16", "transformer.", map[string]any{"model_type": "gpt2", "n_embd": 48, "n_layer": 3,
			"n_head": 3, "n_positions": 40, "vocab_size": 89, "n_inner": 80, "layer_norm_epsilon": 1e-5}},
		{"llama-gqa-f32", "F32", "", map[string]any{"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 3,
			"num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 96, "vocab_size": 101,
			"rms_norm_eps": 1e-5, "rope_theta": 10000.0, "max_position_embeddings": 64}},
		{"llama-tied-bias-llama3rope-f16", "F16", "", map[string]any{"model_type": "llama", "hidden_size": 64,
			"num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 4, "head_dim": 24,
			"intermediate_size": 80, "vocab_size": 83, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
			"max_position_embeddings": 64, "tie_word_embeddings": true, "attention_bias": true, "mlp_bias": true,
			"rope_scaling": map[string]any{"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
				"high_freq_factor": 4.0, "original_max_position_embeddings": 256}}},
		{"qwen2-mqa-bf16", "BF16", "", map[string]any{"model_type": "qwen2", "hidden_size": 32, "num_hidden_layers": 2,
			"num_attention_heads": 4, "num_key_value_heads": 1, "intermediate_size": 64, "vocab_size": 71,
			"rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "max_position_embeddings": 64, "tie_word_embeddings": false}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			vocab := int(tc.cfg["vocab_size"].(int))
			tokens := make([]int, 23)
			for j := range tokens {
				tokens[j] = (j*37 + i*11 + 5) % vocab
			}
			patch := [][3]float64{{0, 3, 2.5}, {7, 3, -1}, {22, 10, 4}}
			var ref torchOut
			pyoracle.Run(t, script, map[string]any{"mode": "oracle", "config": tc.cfg, "seed": 100 + i,
				"tokens": tokens, "dtype": tc.dtype, "dir": dir, "prefix": tc.prefix, "patch": patch}, &ref)
			m, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			names := []string{ActName("resid_pre", 1), ActName("pattern", 0), ActName("post", 1)}
			logits, cache, err := m.RunWithCache(tokens, names...)
			if err != nil {
				t.Fatal(err)
			}
			patched, err := m.RunWithHooks(tokens, NamedHook{ActName("post", 0), func(ctx HookContext, a *Tensor) error {
				for _, p := range patch {
					a.Set(float32(p[2]), int(p[0])-ctx.Pos0, int(p[1]))
				}
				return nil
			}})
			if err != nil {
				t.Fatal(err)
			}
			const tol = 1e-4
			for _, chk := range []struct {
				what string
				got  *Tensor
				want any
			}{
				{"logits", logits, ref.Logits},
				{names[0], cache[names[0]], ref.ResidPre1},
				{names[1], cache[names[1]], ref.Pattern0},
				{names[2], cache[names[2]], ref.Post1},
				{"patched logits", patched, ref.PatchedLogits},
			} {
				d := maxDiff(t, chk.what, chk.got, chk.want)
				t.Logf("%s: max |Δ| = %.2g", chk.what, d)
				if d > tol {
					t.Errorf("%s differs from torch by %.3g > %g", chk.what, d, tol)
				}
			}
			if d := maxDiff(t, "patched vs plain", patched, ref.Logits); d < 1e-2 {
				t.Errorf("patching changed the logits by only %.2g: the patch is not reaching the output", d)
			}
		})
	}
}

func ExampleActName() {
	fmt.Println(ActName("post", 3))
	fmt.Println(ActName("resid_pre", 0))
	fmt.Println(ActName("pattern", 1))
	fmt.Println(ActName("embed", -1))
	// Output:
	// blocks.3.mlp.hook_post
	// blocks.0.hook_resid_pre
	// blocks.1.attn.hook_pattern
	// hook_embed
}
