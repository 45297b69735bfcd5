package tinyllama_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neuronb/neuronb/neuro/safety/synthetic"
	"github.com/neuronb/neuronb/neuro/safety/tinyllama"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// Train a few steps on the synthetic pre-training corpus and run the
// result with neuro/transformer.
func ExampleTrain() {
	cfg := synthetic.Config()
	init, err := tinyllama.Init(cfg, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	sample := func(rng *rand.Rand) ([]int, []bool) {
		e := synthetic.Pretraining.Sample(rng)
		return e.Tokens, e.Loss
	}
	res, err := tinyllama.Train(cfg, init, sample, tinyllama.Full,
		&tinyllama.Settings{Steps: 20, BatchSize: 16, SeqLen: synthetic.MaxLen, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	m, _ := transformer.NewModel(cfg, res.Weights)
	fmt.Printf("loss %.1f → %.1f nats per token; %d weights\n", res.Loss[0], res.Loss[len(res.Loss)-1], len(m.ParameterNames()))
	// Output:
	// loss 5.3 → 1.2 nats per token; 30 weights
}

// The GoMLX graph and neuro/transformer compute the same logits.
func ExampleLogits() {
	m, _ := synthetic.Load(synthetic.Full)
	cfg := m.Config()
	prompt := synthetic.HeldOutPrompts(synthetic.Benign)[0].Tokens()
	got, err := tinyllama.Logits(&cfg, tinyllama.Weights(m), nil, [][]int{prompt})
	if err != nil {
		fmt.Println(err)
		return
	}
	want, _ := m.Logits(prompt)
	d := 0.0
	for i := range want.Data {
		d = math.Max(d, math.Abs(float64(got[0].Data[i]-want.Data[i])))
	}
	fmt.Println("max |Δlogit| < 1e-4:", d < 1e-4)
	// Output:
	// max |Δlogit| < 1e-4: true
}

// Fold (IA)³ vectors into up_proj for export.
func ExampleFoldIA3() {
	base, _ := synthetic.Load(synthetic.Base)
	scales, _ := synthetic.IA3Scales()
	cfg := base.Config()
	w, err := tinyllama.FoldIA3(&cfg, tinyllama.Weights(base), scales)
	if err != nil {
		fmt.Println(err)
		return
	}
	shipped, _ := synthetic.Load(synthetic.IA3)
	up, _ := shipped.Parameter("model.layers.2.mlp.up_proj.weight")
	fmt.Println(w["model.layers.2.mlp.up_proj.weight"].At(7, 3) == up.At(7, 3))
	// Output:
	// true
}

// The recipe of the shipped models (about 12 minutes on two cores, so this
// example is compiled but not run).
func ExampleTrainSynthetic() {
	t, err := tinyllama.TrainSynthetic(tinyllama.DefaultRecipe(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.BaseTime, t.IA3Time, t.FullTime)
}
