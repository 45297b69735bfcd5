package incremental_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/neuronb/neuronb/neuro/theory/incremental"
)

// Gradient descent from a tiny initialisation learns one neuron at a time,
// at the rescaled times the limit process predicts.
func ExampleDescend() {
	rng := rand.New(rand.NewPCG(1, 0))
	data := must(incremental.SampleData(rng, 8, 8, nil))
	net := must(incremental.InitNet(rng, 12, 8, 1e-12))
	pred := must(incremental.Predict(data, net))
	res, err := incremental.Descend(data, net, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v after %.0f units of τ; interpolates: %v\n", res.Status, res.Tau[len(res.Tau)-1], res.Objective < 1e-12)
	for _, j := range pred.Jumps {
		fmt.Printf("neuron %d fits %d points: predicted τ = %.2f, gradient descent %.2f\n", j.Neuron, len(j.Points), j.Tau, res.Activation[j.Neuron])
	}
	// Output:
	// Converged after 6 units of τ; interpolates: true
	// neuron 8 fits 4 points: predicted τ = 3.20, gradient descent 3.18
	// neuron 4 fits 1 points: predicted τ = 3.46, gradient descent 3.19
	// neuron 5 fits 2 points: predicted τ = 3.48, gradient descent 3.39
	// neuron 9 fits 1 points: predicted τ = 3.91, gradient descent 3.70
}

// The limit process needs only the signs of the initialisation.
func ExamplePredict() {
	rng := rand.New(rand.NewPCG(2, 0))
	data := must(incremental.SampleData(rng, 32, 32, nil))
	net := must(incremental.InitNet(rng, 16, 32, 1e-6))
	p := must(incremental.Predict(data, net))
	fmt.Println("activation order:", p.Order())
	fmt.Printf("interpolates: %v; ‖θ∞‖² = %.2f, minimum-norm interpolator %.2f\n", p.Interpolates(), p.Norm2, p.MinNorm2)
	// Output:
	// activation order: [2 7 5 6 8 0]
	// interpolates: false; ‖θ∞‖² = 35.58, minimum-norm interpolator 23.57
}

func ExampleInterpolationProbability() {
	for _, m := range []int{12, 20, 28} {
		p := must(incremental.InterpolationProbability(128, 128, m))
		fmt.Printf("n = 256, m = %d: P(interpolation) = %.3f\n", m, p)
	}
	// Output:
	// n = 256, m = 12: P(interpolation) = 0.006
	// n = 256, m = 20: P(interpolation) = 0.576
	// n = 256, m = 28: P(interpolation) = 0.934
}

// must stops an example on an error (examples have no *testing.T).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
