package online_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/neuronb/neuronb/neuro/theory/online"
)

// The grid adversary makes every deterministic learner err on every grid
// point.
func ExampleAdversary() {
	for _, c := range []struct {
		d     int
		gamma float64
	}{{2, 0.1}, {2, 0.05}, {3, 0.1}} {
		adv := must(online.NewAdversary(c.d, c.gamma, 2))
		memo := must(online.NewMemoriser(c.gamma))
		res := must(online.Play(memo, adv, nil))
		count := must(online.GridCount(c.d, c.gamma))
		fmt.Printf("d = %d, γ = %.2f: %d mistakes, grid count %.0f\n", c.d, c.gamma, res.Mistakes, count)
	}
	// Output:
	// d = 2, γ = 0.10: 64 mistakes, grid count 64
	// d = 2, γ = 0.05: 225 mistakes, grid count 225
	// d = 3, γ = 0.10: 216 mistakes, grid count 216
}

// Three learners on a random margin stream: the cell oracle knows the
// target's lines, weighted majority pays log|E| for not knowing them, the
// memoriser pays for the area it has to cover.
func ExamplePlay() {
	target := must(online.RandomNet(rand.New(rand.NewPCG(1, 0)), 2, 2, 3, 0.5))
	stream := must(online.SampleStream(rand.New(rand.NewPCG(1, 1)), target, 0.3, 1000))
	oracle := must(online.NewCellOracle(target))
	wm := must(online.NewWeightedMajority(0.3, 3, nil))
	memo := must(online.NewMemoriser(0.3))
	for _, l := range []struct {
		name string
		l    online.Learner
	}{{"cell oracle", oracle}, {"weighted majority", wm}, {"2γ memoriser", memo}} {
		res, err := online.Play(l.l, stream, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %d mistakes\n", l.name, res.Mistakes)
	}
	fmt.Printf("weighted majority: %d experts, best %d mistakes, bound %.1f\n", wm.Experts(), wm.BestMistakes(), wm.Bound())
	// Output:
	// cell oracle: 2 mistakes
	// weighted majority: 2 mistakes
	// 2γ memoriser: 6 mistakes
	// weighted majority: 49455 experts, best 2 mistakes, bound 42.4
}

// must stops an example on an error (examples have no *testing.T).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
