package singleneuron_test

import (
	"fmt"

	"github.com/neuronb/neuronb/neuro/singleneuron"
)

// Four intrinsic types under the same constant input fire differently.
func ExampleIzhikevich_Run() {
	current := make([]float64, 2000) // 1 s at 0.5 ms
	for k := range current {
		current[k] = 10
	}
	for _, t := range singleneuron.AllTypes {
		sp, err := t.Params().Run(current, 0.0005)
		if err != nil {
			fmt.Println(err)
			return
		}
		isi := singleneuron.ISIs(sp)
		fmt.Printf("%v: %d spikes, burst fraction %.2f\n", t, len(sp), singleneuron.BurstFraction(isi, 0.01))
	}
	// Output:
	// RS: 23 spikes, burst fraction 0.00
	// FS: 114 spikes, burst fraction 1.00
	// IB: 32 spikes, burst fraction 0.06
	// CH: 81 spikes, burst fraction 0.81
}

// Identical views of decorrelated columns with standard deviation above 1
// cost nothing.
func ExampleVICReg() {
	p := []float64{2, 2, 2, -2, -2, 2, -2, -2} // 4 rows × 2 columns
	t, err := singleneuron.VICReg(p, p, 4, 2, nil, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Loss, t.Invariance, t.Variance, t.Covariance)
	// Output: 0 0 0 0
}

// A small campaign, its segment features, and the control of a linear
// probe on the true Izhikevich parameters (which lie up to half way
// towards another type's, and put IB between RS and CH on a line that one
// hyperplane per class cannot cut twice).
func ExampleEvaluate() {
	c, err := singleneuron.Simulate(&singleneuron.CampaignSettings{Animals: 3, Stimuli: 1, NeuronsPerAnimal: 40, Duration: 20, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := singleneuron.Segments(c, 10, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(c.Environments), "environments,", len(d.X), "segments of", d.Width(), "features")
	r, err := singleneuron.Evaluate(d, &singleneuron.EvalSettings{Representation: singleneuron.Given, Given: c.TrueParameters()})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("true parameters: macro-F1 %.2f in domain, %.2f in unseen animals\n", r.Mean.In.MacroF1, r.Mean.Out.MacroF1)
	// Output:
	// 3 environments, 240 segments of 79 features
	// true parameters: macro-F1 0.83 in domain, 0.75 in unseen animals
}
