package synthetic

import (
	"math/rand/v2"

	"github.com/neuronb/neuronb/neuro/transformer"
)

// Config returns the architecture of the shipped models: a Llama-style
// decoder with 3 layers, d_model 48, 4 heads of 12, a SwiGLU MLP of 128
// units per layer, RMSNorm ε 1e-5, RoPE θ 10000, an untied unembedding, a
// context of 32 tokens and the 137-word vocabulary. Per layer it has 48
// units of each attention component (Q, K, V, O) and 128 FFN units: 960
// units in all.
func Config() *transformer.Config {
	return &transformer.Config{Arch: transformer.Llama, ModelType: "llama",
		VocabSize: Tokenizer().VocabSize(), DModel: 48, NLayers: 3, NHeads: 4, NKVHeads: 4, DHead: 12,
		DMLP: 128, MaxPositions: 32, NormEps: 1e-5, Activation: "silu", RopeTheta: 10000,
		BOS: ID(BOS), EOS: []int{ID(EOS)}}
}

// Recipe is how the shipped models are trained (by the command
// neuro/multilingual/cmd/trainlanguages): for every seed and every budget,
// a model from the random initialisation of that seed (llama.Init), by
// Adam (ε = 1e-7) at a constant learning rate on batches of BatchSize
// documents of the training corpus (Sample), for Budget steps. With a
// constant learning rate and the same seed, the model of a smaller budget
// is the model of a larger one at an earlier step.
type Recipe struct {
	Seeds        []uint64 `json:"seeds"`
	Budgets      []int    `json:"budgets"`
	BatchSize    int      `json:"batch_size"`
	LearningRate float64  `json:"learning_rate"`
}

// DefaultRecipe is the recipe of the shipped models.
func DefaultRecipe() Recipe {
	return Recipe{Seeds: []uint64{1, 2, 3, 4, 5}, Budgets: []int{100, 400, 1600}, BatchSize: 32, LearningRate: 3e-3}
}

// Sampler adapts Sample to the signature of llama.Sampler.
func Sampler() func(*rand.Rand) ([]int, []bool) { return Sample }
