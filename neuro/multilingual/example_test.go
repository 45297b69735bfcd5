package multilingual_test

import (
	"fmt"
	"math"

	"github.com/neuronb/neuronb/neuro/multilingual"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// Top keeps the top σ% of every layer and component; sets combine like
// sets.
func ExampleTop() {
	imp := multilingual.Importance{{
		multilingual.Q: {0.1, 0.9, 0.5, 0.7}, multilingual.K: {1, 2, 3, 4}, multilingual.V: {4, 3, 2, 1},
		multilingual.O: {0, 0, 0, 5}, multilingual.FFN: {9, 8, 7, 6, 5, 4, 3, 2},
	}}
	a, err := multilingual.Top(imp, 25) // one of 4, two of 8
	if err != nil {
		panic(err)
	}
	b, err := multilingual.NewUnitSet(multilingual.Shape{Layers: 1, Sizes: [multilingual.NumComponents]int{4, 4, 4, 4, 8}},
		[]multilingual.Unit{{Layer: 0, Component: multilingual.Q, Index: 1}, {Layer: 0, Component: multilingual.FFN, Index: 5}})
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Units())
	fmt.Println("shared:", multilingual.Intersect(a, b).Units(), " only in a:", multilingual.Minus(a, b))
	// Output:
	// [L0.Q.1 L0.K.3 L0.V.0 L0.O.3 L0.FFN.0 L0.FFN.1]
	// shared: [L0.Q.1]  only in a: 5 units (Q 0, K 1, V 1, O 1, FFN 2)
}

// The parallel form scores every unit from one forward pass; for an FFN
// unit it is exact deactivation at the layer output.
func ExampleScorer() {
	cfg := &transformer.Config{Arch: transformer.Llama, ModelType: "llama", VocabSize: 50, DModel: 32, NLayers: 2, NHeads: 4, NKVHeads: 2,
		DHead: 8, DMLP: 64, MaxPositions: 32, NormEps: 1e-6, Activation: "silu", RopeTheta: 10000, BOS: -1}
	m, err := transformer.NewRandom(cfg, 1)
	if err != nil {
		panic(err)
	}
	tokens := []int{3, 14, 15, 9, 26, 5, 35, 8}
	s, err := multilingual.NewScorer(m, multilingual.Deactivation)
	if err != nil {
		panic(err)
	}
	imp, err := s.Importance(tokens)
	if err != nil {
		panic(err)
	}
	fmt.Println("units per layer:", s.Shape().Sizes, "in all:", s.Shape().Total())
	e, err := multilingual.NewExact(m, tokens)
	if err != nil {
		panic(err)
	}
	u := multilingual.Unit{Layer: 1, Component: multilingual.FFN, Index: 7}
	exact, err := e.Importance(u)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%v: parallel = exact to float precision: %v\n", u, math.Abs(imp.At(u)-exact) < 1e-5*exact)
	// Output:
	// units per layer: [32 16 16 32 64] in all: 320
	// L1.FFN.7: parallel = exact to float precision: true
}
