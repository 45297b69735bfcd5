package similarity_test

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/similarity"
)

// data returns a reproducible P×N recording with a decaying spectrum.
func data(p, n int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := mat.NewDense(p, n, nil)
	for i := 0; i < p; i++ {
		for j := 0; j < n; j++ {
			x.Set(i, j, rng.NormFloat64()*math.Pow(float64(j+1), -0.7))
		}
	}
	return x
}

// latent returns P×N responses of neurons mixing 4 latent variables that
// depend on the stimulus; mix picks the neurons' mixing weights.
func latent(p, n int, seed, mix uint64) *mat.Dense {
	z, w := data(p, 4, seed), data(4, n, mix)
	var x mat.Dense
	x.Mul(z, w)
	return &x
}

// noisy returns x plus Gaussian noise of the given size.
func noisy(x *mat.Dense, size float64, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 2))
	y := mat.DenseCopyOf(x)
	for i, v := range y.RawMatrix().Data {
		y.RawMatrix().Data[i] = v + size*rng.NormFloat64()
	}
	return y
}

func ExampleLinearCKA() {
	x := data(50, 20, 1)
	c, err := similarity.LinearCKA(x, x)
	if err != nil {
		log.Fatal(err)
	}
	d, err := similarity.LinearCKA(x, noisy(x, 0.3, 2))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("CKA(X, X) = %.3f, CKA(X, X+noise) = %.3f\n", c, d)
	// Output: CKA(X, X) = 1.000, CKA(X, X+noise) = 0.861
}

func ExampleLinearCKAFeature() {
	x, y := data(30, 5, 1), data(30, 8, 2)
	f, err := similarity.LinearCKAFeature(x, y)
	if err != nil {
		log.Fatal(err)
	}
	g, err := similarity.LinearCKAGram(x, y)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("feature %.6f gram %.6f\n", f, g)
	// Output: feature 0.118330 gram 0.118330
}

func ExampleLinearCKAGram() {
	x := data(10, 200, 3) // more neurons than stimuli: the Gram form is cheaper
	g, err := similarity.LinearCKAGram(x, noisy(x, 0.1, 4))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.3f\n", g)
	// Output: 0.940
}

func ExampleAngularCKA() {
	x := data(40, 10, 5)
	a, err := similarity.AngularCKA(x, x)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.3f rad\n", a)
	// Output: 0.000 rad
}

func ExampleHSIC() {
	x := data(40, 6, 6)
	h, err := similarity.HSIC(x, noisy(x, 0.5, 7))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.4f\n", h)
	// Output: 0.9131
}

func ExampleDebiasedHSIC() {
	x := data(40, 6, 6)
	h, err := similarity.DebiasedHSIC(x, noisy(x, 0.5, 7))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.4f\n", h)
	// Output: 0.7801
}

func ExampleDebiasedCKA() {
	x := data(40, 6, 6)
	c, err := similarity.DebiasedCKA(x, noisy(x, 0.5, 7))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.3f\n", c)
	// Output: 0.690
}

func ExampleUnbiasedCKA() {
	// The moment estimator treats the neurons of each system as random draws
	// from a population, independent between the two systems: here two sets
	// of 40 neurons mix the same 4 stimulus-driven latents.
	x, y := latent(60, 40, 6, 100), noisy(latent(60, 40, 6, 200), 0.3, 7)
	c, err := similarity.UnbiasedCKA(x, y)
	fmt.Printf("%.3f %v\n", c, err)
	// Output: 0.936 <nil>
}

func ExampleUnbiasedCKAMoments() {
	x, y := latent(60, 40, 6, 100), noisy(latent(60, 40, 6, 200), 0.3, 7)
	m, err := similarity.UnbiasedCKAMoments(x, y)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("cross %.4f, self %.4f %.4f, CKA %.3f\n", m.Cross, m.SelfX, m.SelfY, m.CKA())
	// Output: cross 0.0037, self 0.0024 0.0065, CKA 0.936
}

func ExampleCCA() {
	x := data(100, 30, 8)
	c, err := similarity.CCA(x, noisy(x, 0.2, 9), 10)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("CCA_10 = %.3f\n", c)
	// Output: CCA_10 = 0.625
}

func ExampleCanonicalCorrelations() {
	x := data(50, 3, 10)
	rho, err := similarity.CanonicalCorrelations(x, noisy(x, 0.5, 11))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.3f\n", rho)
	// Output: [0.935 0.771 0.650]
}

func ExampleCCAMeanSquared() {
	x := data(50, 3, 10)
	r2, err := similarity.CCAMeanSquared(x, noisy(x, 0.5, 11))
	if err != nil {
		log.Fatal(err)
	}
	m, err := similarity.CCAMean(x, noisy(x, 0.5, 11))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("mean ρ² %.3f, mean ρ %.3f\n", r2, m)
	// Output: mean ρ² 0.630, mean ρ 0.785
}

func ExampleCCAMean() {
	x := data(50, 3, 10)
	m, err := similarity.CCAMean(x, x)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.3f\n", m)
	// Output: 1.000
}

func ExampleRidge() {
	x := data(60, 8, 12)
	r, err := similarity.Ridge(x, noisy(x, 0.3, 13), 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("R²(Y|X) %.3f, R²(X|Y) %.3f\n", r.XToY, r.YToX)
	// Output: R²(Y|X) 0.790, R²(X|Y) 0.840
}

func ExampleProcrustes() {
	x := data(30, 4, 14)
	// Rotate the neurons: the shape distance is zero.
	c, s := math.Cos(0.4), math.Sin(0.4)
	rot := mat.NewDense(4, 4, []float64{c, -s, 0, 0, s, c, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1})
	var y mat.Dense
	y.Mul(x, rot)
	p, err := similarity.Procrustes(x, &y)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("distance %.6f\n", p.Distance)
	// Output: distance 0.000000
}

func ExampleRDM() {
	x := mat.NewDense(3, 2, []float64{0, 0, 1, 0, 0, 2})
	d, err := similarity.RDM(x, similarity.Euclidean)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d)
	// Output: [0.5 2 2.5]
}

func ExampleSquareRDM() {
	x := mat.NewDense(3, 2, []float64{0, 0, 1, 0, 0, 2})
	d, err := similarity.RDM(x, similarity.Euclidean)
	if err != nil {
		log.Fatal(err)
	}
	m, err := similarity.SquareRDM(d) // a mat.Matrix, e.g. for widgets.Heatmap
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(mat.Formatted(m))
	// Output:
	// ⎡  0  0.5    2⎤
	// ⎢0.5    0  2.5⎥
	// ⎣  2  2.5    0⎦
}

func ExampleCompareRDMs() {
	a := []float64{1, 2, 3, 4}
	b := []float64{1, 3, 2, 4}
	for _, m := range []similarity.RDMComparison{similarity.Spearman, similarity.KendallTauA, similarity.Cosine} {
		v, err := similarity.CompareRDMs(a, b, m)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%.3f ", v)
	}
	fmt.Println()
	// Output: 0.800 0.667 0.967
}

func ExampleRSA() {
	x := data(20, 10, 15)
	r, err := similarity.RSA(x, noisy(x, 0.2, 16), similarity.Correlation, similarity.Spearman)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.3f\n", r)
	// Output: 0.876
}

func ExampleNewSpectrum() {
	s, err := similarity.NewSpectrum(data(40, 10, 17))
	if err != nil {
		log.Fatal(err)
	}
	nonzero := 0
	for _, v := range s.Values {
		if v > 1e-12*s.Values[0] {
			nonzero++
		}
	}
	fmt.Printf("%d modes, top %.3f, %d non-zero (10 neurons)\n", len(s.Values), s.Values[0], nonzero)
	// Output: 40 modes, top 0.060, 10 non-zero (10 neurons)
}

func ExampleTopSpectrum() {
	s, err := similarity.TopSpectrum(data(40, 10, 17), 3)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.3f\n", s.Values)
	// Output: [0.060 0.037 0.017]
}

func ExampleOverlap() {
	x := data(30, 6, 18)
	a, err := similarity.NewSpectrum(x)
	if err != nil {
		log.Fatal(err)
	}
	m, err := similarity.Overlap(a, a)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("M_00 = %.3f, M_01 = %.3f\n", m.At(0, 0), m.At(0, 1))
	// Output: M_00 = 1.000, M_01 = 0.000
}

func ExampleSpectralCKA() {
	x, y := data(30, 6, 19), data(30, 9, 20)
	a, err := similarity.NewSpectrum(x)
	if err != nil {
		log.Fatal(err)
	}
	b, err := similarity.NewSpectrum(y)
	if err != nil {
		log.Fatal(err)
	}
	m, err := similarity.Overlap(a, b)
	if err != nil {
		log.Fatal(err)
	}
	s, err := similarity.SpectralCKA(a.Values, b.Values, m)
	if err != nil {
		log.Fatal(err)
	}
	c, err := similarity.LinearCKA(x, y)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("spectral %.6f, direct %.6f\n", s, c)
	// Output: spectral 0.076886, direct 0.076886
}

func ExampleSpectralCCA() {
	m := mat.NewDense(2, 2, []float64{0.9, 0.1, 0.1, 0.9})
	c, err := similarity.SpectralCCA(m, 2)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.2f\n", c)
	// Output: 1.00
}

func ExampleModePairs() {
	x := data(40, 8, 21)
	a, err := similarity.NewSpectrum(x)
	if err != nil {
		log.Fatal(err)
	}
	b, err := similarity.NewSpectrum(noisy(x, 0.3, 22))
	if err != nil {
		log.Fatal(err)
	}
	d, err := similarity.ModePairs(a, b, 3)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("CKA %.3f, from mode pair (0,0): %.3f\n", d.CKAValue, d.CKA.At(0, 0))
	// Output: CKA 0.906, from mode pair (0,0): 0.691
}

func ExampleSolveStieltjes() {
	// Marchenko–Pastur (population eigenvalues all 1) at q = 0.5 and λ = 1:
	// ρ(1) = √((λ₊−1)(1−λ₋)) / (2πq) with λ± = (1 ± √q)², and h(1) = q/(2q).
	pop := make([]float64, 100)
	for i := range pop {
		pop[i] = 1
	}
	r, err := similarity.SolveStieltjes([]float64{1}, pop, 0.5, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("ρ(1) = %.4f, h(1) = %.4f\n", r.Density[0], r.Hilbert[0])
	// Output: ρ(1) = 0.4211, h(1) = 0.5000
}

func ExampleSelfOverlap() {
	pop := make([]float64, 200)
	copy(pop, similarity.PowerLawSpectrum(199, 1.2))
	q, err := similarity.SelfOverlap([]float64{1.1, 0.5}, pop, 2, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Q_11 = %.3f, Q_22 = %.3f\n", q.At(0, 0), q.At(1, 1))
	// Output: Q_11 = 0.962, Q_22 = 0.895
}

func ExampleLocalize() {
	pop := make([]float64, 200)
	copy(pop, similarity.PowerLawSpectrum(199, 1.2))
	lam := similarity.PowerLawSpectrum(20, 1.2)
	q, err := similarity.SelfOverlap(lam, pop, 10, nil)
	if err != nil {
		log.Fatal(err)
	}
	loc, err := similarity.Localize(q, 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d localized modes; 1/Q_11 = %.2f\n", loc.Localized, loc.EffectiveDimension[0])
	// Output: 1 localized modes; 1/Q_11 = 1.29
}

func ExamplePredict() {
	pair, err := similarity.PowerLawPair(100, 1.2, 1, 1)
	if err != nil {
		log.Fatal(err)
	}
	res, err := similarity.SubsamplingStudy(pair.X, pair.Y, []int{20}, &similarity.StudySettings{Draws: 10, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	p := res.Points[0]
	pred, err := similarity.Predict(p.SampleEigenvalues, res.Population, res.Other, padRows(res.PopulationOverlap, 100), 100.0/20, 10, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("sample CKA %.2f, predicted %.2f\n", p.SampleCKA.Mean, pred.CKA)
	// Output: sample CKA 0.82, predicted 0.85
}

// padRows pads M̃ with zero rows up to the P population eigenvalues.
func padRows(m *mat.Dense, p int) *mat.Dense {
	r, c := m.Dims()
	out := mat.NewDense(p, c, nil)
	out.Slice(0, r, 0, c).(*mat.Dense).Copy(m)
	return out
}

func ExampleDenoise() {
	pair, err := similarity.PowerLawPair(100, 1.2, 0.5, 1)
	if err != nil {
		log.Fatal(err)
	}
	res, err := similarity.SubsamplingStudy(pair.X, pair.Y, []int{20}, &similarity.StudySettings{Draws: 20, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	p := res.Points[0]
	d, err := similarity.Denoise(p.MeanOverlap, p.SampleEigenvalues, res.Population, res.Other, 100.0/20, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("population %.2f, sample biased low: %v, denoised within 0.03: %v\n", res.PopulationCKA,
		p.SampleCKA.Mean < 0.45, math.Abs(d.CKA-res.PopulationCKA) < 0.03)
	// Output: population 0.50, sample biased low: true, denoised within 0.03: true
}

func ExampleSampleNeurons() {
	pop := data(30, 100, 23)
	rng := rand.New(rand.NewPCG(1, 1))
	x, err := similarity.SampleNeurons(pop, 10, similarity.NeuronSubsampling, rng)
	if err != nil {
		log.Fatal(err)
	}
	r, c := x.Dims()
	fmt.Println(r, c)
	// Output: 30 10
}

func ExampleSubsamplingStudy() {
	pair, err := similarity.PowerLawPair(100, 1.2, 0.5, 2)
	if err != nil {
		log.Fatal(err)
	}
	res, err := similarity.SubsamplingStudy(pair.X, pair.Y, []int{10, 50}, &similarity.StudySettings{Draws: 20, Seed: 2})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range res.Points {
		fmt.Printf("N=%d sample %.2f theory %.2f denoised within 0.02 of %.2f: %v\n", p.Neurons,
			p.SampleCKA.Mean, p.PredictedCKA, res.PopulationCKA, math.Abs(p.DenoisedCKA-res.PopulationCKA) < 0.02)
	}
	// Output:
	// N=10 sample 0.36 theory 0.35 denoised within 0.02 of 0.50: true
	// N=50 sample 0.46 theory 0.46 denoised within 0.02 of 0.50: true
}

func ExamplePowerLawSpectrum() {
	fmt.Printf("%.3f\n", similarity.PowerLawSpectrum(4, 1))
	// Output: [1.000 0.500 0.333 0.250]
}

func ExamplePowerLawPair() {
	pair, err := similarity.PowerLawPair(80, 1.2, 0.5, 1)
	if err != nil {
		log.Fatal(err)
	}
	c, err := similarity.LinearCKA(pair.X, pair.Y)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("target 0.50, built %.4f, measured %.4f\n", pair.CKA, c)
	// Output: target 0.50, built 0.5000, measured 0.5000
}

func ExampleFlipTriple() {
	f, err := similarity.FlipTriple(200, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("population CCA_10: model 1 %.3f < model 2 %.3f\n", f.CCA1, f.CCA2)
	// Output: population CCA_10: model 1 0.219 < model 2 0.253
}

func ExampleCCAFlip() {
	f, err := similarity.FlipTriple(200, 1)
	if err != nil {
		log.Fatal(err)
	}
	r, err := similarity.CCAFlip(f, []int{19}, &similarity.StudySettings{Draws: 20, Seed: 3})
	if err != nil {
		log.Fatal(err)
	}
	p := r.Points[0]
	fmt.Printf("N=%d: sample order correct %v, denoised order correct %v\n", p.Neurons, p.SampleOrderCorrect, p.DenoisedOrderCorrect)
	// Output: N=19: sample order correct false, denoised order correct true
}

func ExampleFitPowerLaw() {
	pl, err := similarity.FitPowerLaw(similarity.PowerLawSpectrum(30, 1.2), 1, 20)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("alpha %.2f\n", pl.Alpha)
	// Output: alpha 1.20
}

func ExampleBootstrap() {
	x := data(40, 8, 24)
	iv, err := similarity.Bootstrap(x, noisy(x, 0.5, 25), similarity.LinearCKA, &similarity.ResampleSettings{Resamples: 200, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("CKA %.2f, 95%% interval [%.2f, %.2f]\n", iv.Estimate, iv.Lower, iv.Upper)
	// Output: CKA 0.56, 95% interval [0.48, 0.69]
}

func ExamplePermutationTest() {
	x := data(40, 8, 26)
	r, err := similarity.PermutationTest(x, noisy(x, 0.5, 27), similarity.LinearCKA, &similarity.ResampleSettings{Resamples: 99, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("p = %.2f\n", r.PValue)
	// Output: p = 0.01
}

func ExampleReadCSV() {
	m, err := similarity.ReadCSV(strings.NewReader("neuron1,neuron2\n1.5,2\n3,4\n"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(mat.Formatted(m))
	// Output:
	// ⎡1.5    2⎤
	// ⎣  3    4⎦
}

func ExampleReadNPY() {
	// A 2×2 float64 array as numpy.save writes it.
	hdr := "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }"
	hdr += strings.Repeat(" ", 117-len(hdr)) + "\n"
	var b strings.Builder
	b.WriteString("\x93NUMPY\x01\x00\x76\x00" + hdr)
	for _, v := range []float64{1, 2, 3, 4} {
		u := math.Float64bits(v)
		for k := 0; k < 8; k++ {
			b.WriteByte(byte(u >> (8 * k)))
		}
	}
	m, err := similarity.ReadNPY(strings.NewReader(b.String()))
	fmt.Println(mat.Formatted(m), err)
	// Output:
	// ⎡1  2⎤
	// ⎣3  4⎦ <nil>
}

func ExampleLoadNPY() {
	m, err := similarity.LoadNPY("testdata/small_f8.npy")
	if err != nil {
		log.Fatal(err)
	}
	r, c := m.Dims()
	fmt.Println(r, c)
	// Output: 4 3
}

func ExampleLoadCSV() {
	m, err := similarity.LoadCSV("testdata/small.csv")
	if err != nil {
		log.Fatal(err)
	}
	r, c := m.Dims()
	fmt.Println(r, c)
	// Output: 4 3
}

func ExampleLoadRepresentation() {
	x, err := similarity.LoadRepresentation("testdata/small.csv")
	if err != nil {
		log.Fatal(err)
	}
	y, err := similarity.LoadRepresentation("testdata/small_f8.npy")
	if err != nil {
		log.Fatal(err)
	}
	c, err := similarity.LinearCKA(x, y)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.3f\n", c)
	// Output: 1.000
}

func ExampleCompareRecording() {
	pair, err := similarity.PowerLawPair(200, 1.2, 0.5, 9)
	if err != nil {
		log.Fatal(err)
	}
	// Record 40 neurons of the first representation; the second (say, a
	// network layer) is fully observed. No population spectrum is known, so
	// a power law fitted to the recording serves as the prior.
	x, err := similarity.SampleNeurons(pair.X, 40, similarity.GaussianProjection, rand.New(rand.NewPCG(8, 1)))
	if err != nil {
		log.Fatal(err)
	}
	c, err := similarity.CompareRecording(x, pair.Y, nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("population %.2f, sample %.2f, fitted exponent %.1f, denoised within 0.05: %v\n",
		pair.CKA, c.SampleCKA, c.PowerLaw.Alpha, math.Abs(c.Denoised.CKA-pair.CKA) < 0.05)
	// Output: population 0.50, sample 0.46, fitted exponent 1.1, denoised within 0.05: true
}

func ExamplePowerLawStudy() {
	res, err := similarity.PowerLawStudy(100, 1.2, 0.5, []int{10, 40}, &similarity.StudySettings{Draws: 10, Seed: 4})
	if err != nil {
		log.Fatal(err)
	}
	// Draws depend on the signs the eigensolver gives the population's
	// eigenvectors (gonum or LAPACK), so only robust facts are printed.
	c := res.Curves(0)
	for j, n := range c.Neurons {
		fmt.Printf("N = %.0f: population %.2f, sample interval below it: %v, denoised within 0.03: %v\n", n, c.PopulationCKA[j].Mean,
			c.SampleCKA[j].Hi < c.PopulationCKA[j].Mean, math.Abs(c.DenoisedCKA[j].Mean-c.PopulationCKA[j].Mean) < 0.03)
	}
	// Output:
	// N = 10: population 0.50, sample interval below it: true, denoised within 0.03: true
	// N = 40: population 0.50, sample interval below it: true, denoised within 0.03: true
}

func ExampleFlipExperiment() {
	res, err := similarity.FlipExperiment(&similarity.FlipSettings{Stimuli: 60, Neurons: []int{15, 120}, Replicates: 3, Seed: 7, Draws: 8})
	if err != nil {
		log.Fatal(err)
	}
	tally, err := res.Tally()
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range tally {
		fmt.Printf("N = %3d: sample order reversed in %d of %d replicates, denoised order right in %d\n",
			t.Neurons, t.Sample.Reversed, t.Replicates, t.Denoised.Right)
	}
	// Output:
	// N =  15: sample order reversed in 3 of 3 replicates, denoised order right in 2
	// N = 120: sample order reversed in 0 of 3 replicates, denoised order right in 3
}

func ExampleReplicateStudies() {
	rs, err := similarity.ReplicateStudies(60, 1.2, 0.5, []int{10, 30}, 1, 3, &similarity.StudySettings{Draws: 10})
	if err != nil {
		log.Fatal(err)
	}
	dev, err := similarity.Deviations(rs.DenoisedCKA, rs.PopulationCKA)
	if err != nil {
		log.Fatal(err)
	}
	for j, n := range rs.Neurons {
		fmt.Printf("N = %d: denoised − population CKA within 0.05 over %d replicates: %v\n", n, dev[j].N, math.Abs(dev[j].Mean) < 0.05)
	}
	// Output:
	// N = 10: denoised − population CKA within 0.05 over 3 replicates: true
	// N = 30: denoised − population CKA within 0.05 over 3 replicates: true
}
