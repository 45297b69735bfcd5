package safety_test

import (
	"testing"

	"github.com/neuronb/neuronb/neuro/safety"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// Oracle: hook_post read from a full cached run, at the last prompt row.
func TestFeaturesAreNeuronsAtTheLastPromptToken(t *testing.T) {
	cfg := llamaConfig()
	m := randomModel(t, cfg, 3)
	set := randomSet(t, cfg, 10, 4)
	prompts := [][]int{{1, 4, 5}, {1, 9, 9, 9, 3, 6}}
	X, err := safety.Features(m, prompts, set)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range prompts {
		_, cache, err := m.RunWithCache(p, transformer.ActName("post", 0), transformer.ActName("post", 1))
		if err != nil {
			t.Fatal(err)
		}
		k := 0
		for _, n := range set.Neurons() {
			if want := float64(cache.Get("post", n.Layer).At(len(p)-1, n.Index)); X[i][k] != want {
				t.Fatalf("prompt %d feature %d (%v) = %v, want %v", i, k, n, X[i][k], want)
			}
			k++
		}
	}
}
