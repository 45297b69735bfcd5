package information_test

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/information"
)

// The brief's Poisson neuron: the mutual information, and where the
// information lies. I_local is high on the flanks of the tuning curve, low
// at its peak (x = 0.7) and in the tails, while SSI and the specific
// surprise peak at the peak.
func ExampleExact() {
	e := information.PoissonBumpNeuron()
	g, err := information.NewGrid([]float64{-2, 0, 0.7, 1.2})
	if err != nil {
		panic(err)
	}
	m, err := information.Exact(e, g, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("I(X;R) = %.4f nats\n", m.MutualInformation)
	for i, x := range m.X {
		fmt.Printf("x = %4.1f: J %5.2f  I_local %.3f  SSI %.3f  i_sp %.3f\n", x, m.Fisher[i], m.ILocal[i], m.SSI[i], m.SpecificSurprise[i])
	}
	// Output:
	// I(X;R) = 0.6151 nats
	// x = -2.0: J  0.00  I_local 0.212  SSI 0.300  i_sp 0.679
	// x =  0.0: J 20.18  I_local 0.917  SSI 0.617  i_sp 0.447
	// x =  0.7: J  0.00  I_local 0.416  SSI 1.179  i_sp 0.997
	// x =  1.2: J 17.60  I_local 0.693  SSI 0.848  i_sp 0.545
}

// The scalar linear-Gaussian check: prior variance 1, gain 2, noise
// variance 0.5, so J = 8 and I_local ≡ I = ½ log(1 + 8) at every x; the
// variant with r ~ p(r|x) is quadratic in x.
func ExampleLinearGaussian() {
	m, err := information.NewLinearGaussian([]float64{0}, mat.NewSymDense(1, []float64{1}),
		mat.NewDense(1, 1, []float64{2}), nil, mat.NewSymDense(1, []float64{0.5}))
	if err != nil {
		panic(err)
	}
	il, _ := m.ILocal()
	fmt.Printf("I = %.6f, ½ ∫ J_R dγ = %.6f, ½ log 9 = %.6f\n", m.MutualInformation(), il, 0.5*math.Log(9))
	for _, x := range []float64{0, 1, 2} {
		ix, _, err := m.ILocalGivenX([]float64{x})
		if err != nil {
			panic(err)
		}
		isp, err := m.SpecificSurprise([]float64{x})
		if err != nil {
			panic(err)
		}
		fmt.Printf("x = %v: I_local %.4f, r~p(r|x) variant %.4f, SSI %.4f, i_sp %.4f\n", x, il, ix, m.SSI(), isp)
	}
	// Output:
	// I = 1.098612, ½ ∫ J_R dγ = 1.098612, ½ log 9 = 1.098612
	// x = 0: I_local 1.0986, r~p(r|x) variant 0.8177, SSI 1.0986, i_sp 0.6542
	// x = 1: I_local 1.0986, r~p(r|x) variant 1.0986, SSI 1.0986, i_sp 1.0986
	// x = 2: I_local 1.0986, r~p(r|x) variant 1.9413, SSI 1.0986, i_sp 2.4319
}

// Per-feature information of an 8 × 8 "image" read by one neuron whose
// receptive field covers a 2 × 2 patch: with independent pixels every
// other pixel carries exactly nothing.
func ExampleLinearGaussian_ILocal() {
	cov := mat.NewSymDense(64, nil)
	for k := 0; k < 64; k++ {
		cov.SetSym(k, k, 1)
	}
	a := mat.NewDense(1, 64, nil)
	for _, p := range []int{27, 28, 35, 36} { // rows 3-4, columns 3-4
		a.Set(0, p, 0.5)
	}
	m, err := information.NewLinearGaussian(make([]float64, 64), cov, a, nil, mat.NewSymDense(1, []float64{0.25}))
	if err != nil {
		panic(err)
	}
	total, pixels := m.ILocal()
	fmt.Printf("I = %.4f, Σ_k I_k = %.4f\n", m.MutualInformation(), total)
	img := mat.NewDense(8, 8, pixels)
	fmt.Printf("pixel (3,3) %.4f, pixel (0,0) %.4f\n", img.At(3, 3), img.At(0, 0))
	// Output:
	// I = 0.8047, Σ_k I_k = 0.8047
	// pixel (3,3) 0.2012, pixel (0,0) 0.0000
}

// The diffusion estimator fed a model's exact noise difference (here the
// linear-Gaussian model's, so only Monte Carlo error remains): both ways
// of drawing r average to I over the prior, but only r ~ p(r|y) is flat
// in x (exact values: I = 1.199 everywhere; 0.893 and 1.871 for r ~ p(r|x)).
func ExampleEstimateILocal() {
	m, err := information.RF2D()
	if err != nil {
		panic(err)
	}
	e, err := m.Encoder()
	if err != nil {
		panic(err)
	}
	g, err := information.NewGrid([]float64{0, 2}, []float64{0})
	if err != nil {
		panic(err)
	}
	fmt.Printf("I = %.3f\n", m.MutualInformation())
	for _, s := range []information.Sampling{information.ResponsesGivenY, information.ResponsesGivenX} {
		est, err := information.EstimateILocal(m.ExactNoise(), e, g, &information.EstimateSettings{Sampling: s, Samples: 4096, Seed: 1})
		if err != nil {
			panic(err)
		}
		fmt.Printf("%v: I_local(0, 0) ≈ %.2f, I_local(2, 0) ≈ %.2f\n", s, est.ILocal[0], est.ILocal[1])
	}
	// Output:
	// I = 1.199
	// r~p(r|y): I_local(0, 0) ≈ 1.21, I_local(2, 0) ≈ 1.20
	// r~p(r|x): I_local(0, 0) ≈ 0.89, I_local(2, 0) ≈ 1.87
}

// A shipped denoiser estimates the brief's neuron's I_local on its flank
// and at its peak, from 512 draws at each of 32 noise levels.
func ExamplePretrained() {
	dn, meta, err := information.Pretrained("poisson1d")
	if err != nil {
		panic(err)
	}
	e := information.PoissonBumpNeuron()
	g, err := information.NewGrid([]float64{0, 0.7})
	if err != nil {
		panic(err)
	}
	est, err := dn.Estimate(e, g, &information.EstimateSettings{Samples: 512, Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("trained for %s steps\n", meta["steps"])
	fmt.Printf("I_local(0) ≈ %.1f nats (exact 0.917), I_local(0.7) ≈ %.1f nats (exact 0.416)\n", est.ILocal[0], est.ILocal[1])
	// Output:
	// trained for 20000 steps
	// I_local(0) ≈ 0.9 nats (exact 0.917), I_local(0.7) ≈ 0.4 nats (exact 0.416)
}
