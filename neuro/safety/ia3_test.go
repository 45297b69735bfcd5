package safety_test

import (
	"math"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/safety"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// Oracle: (IA)³ written as a hook that multiplies hook_post by s (as in
// transformer's example) on the unmodified model. Folding the vector into
// up_proj must give the same neurons and the same logits up to rounding.
func TestApplyIA3EqualsScalingHookPost(t *testing.T) {
	cfg := llamaConfig()
	scales := randomScales(cfg, 3)
	plain := randomModel(t, cfg, 2)
	folded := ia3Copy(t, cfg, 2, scales)
	tokens := []int{1, 5, 9, 3, 12, 4}
	var hooks []transformer.NamedHook
	var names []string
	for l := 0; l < cfg.NLayers; l++ {
		s := scales[l]
		name := transformer.ActName("post", l)
		names = append(names, name)
		hooks = append(hooks, transformer.NamedHook{Name: name, Fn: func(_ transformer.HookContext, a *transformer.Tensor) error {
			for r := 0; r < a.Shape[0]; r++ {
				for i, si := range s {
					a.Row(r)[i] *= si
				}
			}
			return nil
		}})
	}
	want, err := plain.Run(tokens, &transformer.RunOptions{Hooks: hooks, Cache: names})
	if err != nil {
		t.Fatal(err)
	}
	got, err := folded.Run(tokens, &transformer.RunOptions{Cache: names})
	if err != nil {
		t.Fatal(err)
	}
	maxd := 0.0
	for i := range want.Logits.Data {
		maxd = max(maxd, math.Abs(float64(want.Logits.Data[i]-got.Logits.Data[i])))
	}
	for _, n := range names {
		for i := range want.Cache[n].Data {
			maxd = max(maxd, math.Abs(float64(want.Cache[n].Data[i]-got.Cache[n].Data[i])))
		}
	}
	if maxd > 1e-5 {
		t.Errorf("folded (IA)³ differs from the hook by %v", maxd)
	}
}

func TestApplyIA3RejectsGPT2AndBadShapes(t *testing.T) {
	if err := safety.ApplyIA3(randomModel(t, gpt2Config(), 1), nil); err == nil || !strings.Contains(err.Error(), "gpt2") {
		t.Errorf("GPT-2: %v", err)
	}
	cfg := llamaConfig()
	m := randomModel(t, cfg, 1)
	if err := safety.ApplyIA3(m, [][]float32{{1}}); err == nil || !strings.Contains(err.Error(), "1 scale vectors for 2 layers") {
		t.Errorf("too few vectors: %v", err)
	}
	if err := safety.ApplyIA3(m, [][]float32{make([]float32, 48), make([]float32, 3)}); err == nil ||
		!strings.Contains(err.Error(), "layer 1 has 3 scales for 48 neurons") {
		t.Errorf("short vector: %v", err)
	}
}
