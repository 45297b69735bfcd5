package plasticity_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/neuronb/neuronb/neuro/plasticity"
	"github.com/neuronb/neuronb/neuro/train"
)

// A ReGraMa resetter in a training loop: Step after the backward pass and
// before the optimizer step.
func ExampleNewResetter() {
	rng := rand.New(rand.NewPCG(1, 1))
	net, err := train.NewNet[float64](rng, 2, train.Dense(8, train.ReLU), train.Dense(1, train.Identity))
	if err != nil {
		fmt.Println(err)
		return
	}
	opt, err := train.NewAdam([]train.Group[float64]{{Params: net.Params()}}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	set := plasticity.ReGraMa()
	set.Period = 50
	resetter, err := plasticity.NewResetter(net, opt, set)
	if err != nil {
		fmt.Println(err)
		return
	}
	net.Layers[0].B.Value[4] = -100 // neuron 4 is a dead ReLU: no activation, no gradient
	cache := net.NewCache()
	x, dy := make([]float64, 32*2), make([]float64, 32)
	for step := 0; step < 50; step++ {
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		out, err := net.Forward(cache, x)
		if err != nil {
			fmt.Println(err)
			return
		}
		for b := range dy {
			dy[b] = out[b] - x[2*b] // regress x₀
		}
		net.ZeroGrad()
		if _, err := net.Backward(cache, dy); err != nil {
			fmt.Println(err)
			return
		}
		res, err := resetter.Step(rng, cache)
		if err != nil {
			fmt.Println(err)
			return
		}
		if res != nil {
			fmt.Printf("step %d: reset neurons %v of layer 0\n", res.Step, res.Layers[0].Neurons)
		}
		if err := opt.Step(); err != nil {
			fmt.Println(err)
			return
		}
	}
	// Output: step 50: reset neurons [4] of layer 0
}

// Pendulum-v1 hanging down, pushed with the largest torque.
func ExamplePendulum() {
	p := plasticity.Pendulum{Theta: 3.14159}
	var ret float64
	for i := 0; i < 3; i++ {
		_, r, _, err := p.Step(2)
		if err != nil {
			fmt.Println(err)
			return
		}
		ret += r
	}
	fmt.Printf("θ = %.4f, θ̇ = %.4f, return %.3f\n", p.Theta, p.ThetaDot, ret)
	// Output: θ = 3.2288, θ̇ = 0.8554, return -29.293
}

// A short non-stationary regression with ReGraMa resets.
func ExampleNonStationaryRegression() {
	res, err := plasticity.NonStationaryRegression(&plasticity.RegressionSettings{Student: plasticity.TanhMLP, Arm: plasticity.ReGraMaArm,
		MaxIterations: 600, Switch: 200, ResetPeriod: 100, Width: 16, Batch: 32, LogEvery: 100, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v after %d steps: %d tasks, %d logs of both ratios, %d resets\n", res.Status, res.Iterations, len(res.TaskLoss), len(res.Steps), len(res.ResetSteps))
	// Output: IterationLimit after 600 steps: 3 tasks, 6 logs of both ratios, 6 resets
}

// A few hundred steps of SAC on Pendulum-v1.
func ExampleTrainSAC() {
	res, err := plasticity.TrainSAC(&plasticity.SACSettings{MaxIterations: 400, LearningStarts: 200, UTD: 1, Hidden: 16, Batch: 32, LogEvery: 100, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d episodes, critics scored %d times\n", len(res.EpisodeReturns), len(res.LogSteps))
	// Output: 2 episodes, critics scored 2 times
}
