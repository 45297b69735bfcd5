package similarity

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Oracle: Monte Carlo. At P = 200 with spectrum k^-1.2, the random-matrix
// prediction of the sample CKA must lie within 0.05 of the Monte Carlo mean
// at N = 10 and within 0.01 for N >= 100; CCA_10 within 0.05 and 0.02; the
// top three Q_ii within 0.05 at N = 100.
func TestTheoryMatchesMonteCarlo(t *testing.T) {
	pair, err := PowerLawPair(200, 1.2, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	res, err := SubsamplingStudy(pair.X, pair.Y, []int{10, 100, 400}, &StudySettings{Draws: 100, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Points {
		ckaTol, ccaTol := 0.01, 0.02
		if p.Neurons < 100 {
			ckaTol, ccaTol = 0.05, 0.05
		}
		t.Logf("N=%3d CKA sample %.4f±%.4f theory %.4f | CCA sample %.4f±%.4f theory %.4f",
			p.Neurons, p.SampleCKA.Mean, p.SampleCKA.SE, p.PredictedCKA, p.SampleCCA.Mean, p.SampleCCA.SE, p.PredictedCCA)
		assertClose(t, "predicted CKA", p.PredictedCKA, p.SampleCKA.Mean, ckaTol)
		assertClose(t, "predicted CCA_10", p.PredictedCCA, p.SampleCCA.Mean, ccaTol)
		if p.Neurons == 100 {
			for i := 0; i < 3; i++ {
				t.Logf("  Q_%d%d measured %.3f theory %.3f", i+1, i+1, p.SelfOverlap[i], p.SelfOverlapTheory[i])
				assertClose(t, "Q_ii", p.SelfOverlapTheory[i], p.SelfOverlap[i], 0.05)
			}
		}
	}
}

// Oracle: the known population CKA of a synthetic pair. Denoised estimates
// must lie within 0.05 of 0.50 at N = 10, 25, 50, 100 while the sample CKA
// is biased low; identical representations must give >= 0.95 at N = 10.
func TestDenoisingRecoversPopulationCKA(t *testing.T) {
	pair, err := PowerLawPair(200, 1.2, 0.5, 7)
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "population CKA of the pair", pair.CKA, 0.5, 1e-4)
	res, err := SubsamplingStudy(pair.X, pair.Y, []int{10, 25, 50, 100}, &StudySettings{Draws: 50, Seed: 12})
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "study's population CKA", res.PopulationCKA, 0.5, 1e-4)
	for _, p := range res.Points {
		t.Logf("N=%3d sample %.4f±%.4f denoised %.4f (moment baseline %.4f)", p.Neurons, p.SampleCKA.Mean, p.SampleCKA.SE, p.DenoisedCKA, p.UnbiasedCKA.Mean)
		assertClose(t, "denoised CKA", p.DenoisedCKA, 0.5, 0.05)
		if p.Denoised == nil || p.Denoised.Runtime <= 0 || p.Denoised.Iterations == 0 {
			t.Errorf("N=%d: the study's denoising result lacks its runtime or iterations: %+v", p.Neurons, p.Denoised)
		}
		if p.SampleCKA.Mean > 0.49 {
			t.Errorf("N=%d: sample CKA %.4f is not biased low", p.Neurons, p.SampleCKA.Mean)
		}
	}
	same := must(PowerLawPair(200, 1.2, 1, 7))(t)
	res, err = SubsamplingStudy(same.X, same.Y, []int{10}, &StudySettings{Draws: 50, Seed: 13})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Points[0]
	t.Logf("identical, N=10: sample %.4f denoised %.4f", p.SampleCKA.Mean, p.DenoisedCKA)
	if p.DenoisedCKA < 0.95 {
		t.Errorf("identical representations at N=10: denoised CKA %.4f < 0.95", p.DenoisedCKA)
	}
}

// Oracle: the population ranking of FlipModels. The sample CCA_10 ranks the
// models wrongly at small N, and the denoised CCA_10 ranks them correctly.
func TestCCAFlipIsUndoneByDenoising(t *testing.T) {
	f, err := FlipTriple(200, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !(f.CCA2 > f.CCA1) {
		t.Fatalf("population CCA: model 2 %.4f should exceed model 1 %.4f", f.CCA2, f.CCA1)
	}
	r, err := CCAFlip(f, []int{19, 34, 120}, &StudySettings{Draws: 40, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Points {
		t.Logf("N=%3d sample %.4f vs %.4f, denoised %.4f vs %.4f", p.Neurons, p.Sample1.Mean, p.Sample2.Mean, p.Denoised1, p.Denoised2)
		if p.Neurons < 100 && p.SampleOrderCorrect {
			t.Errorf("N=%d: the sample CCA did not flip the population order", p.Neurons)
		}
		if !p.DenoisedOrderCorrect {
			t.Errorf("N=%d: the denoised CCA ranks the models wrongly", p.Neurons)
		}
	}
	if last := r.Points[len(r.Points)-1]; !last.SampleOrderCorrect {
		t.Errorf("N=%d: the sample CCA should recover the order at large N", last.Neurons)
	}
}

// Oracle: a direct simulation in stimulus space. With neuron subsampling
// and the same random stream, the study's eigenbasis computation gives,
// draw by draw, the CKA, CCA and eigenvalues that SampleNeurons followed by
// NewSpectrum, Overlap, SpectralCKA and SpectralCCA give.
func TestStudyDrawMatchesDirectSimulation(t *testing.T) {
	pair := must(PowerLawPair(60, 1.1, 0.6, 2))(t)
	b, err := newStudyBasis(pair.X, pair.Y)
	if err != nil {
		t.Fatal(err)
	}
	set, ds, ss, err := (&StudySettings{Sampling: NeuronSubsampling}).defaults()
	if err != nil {
		t.Fatal(err)
	}
	cfg := drawConfig{set: set, denoise: ds, stieltjes: ss}
	for _, n := range []int{8, 45} {
		dr, err := b.draw(n, cfg, rand.New(rand.NewPCG(5, uint64(n))))
		if err != nil {
			t.Fatal(err)
		}
		x := must(SampleNeurons(pair.X, n, NeuronSubsampling, rand.New(rand.NewPCG(5, uint64(n)))))(t)
		want := must(LinearCKA(x, pair.Y))(t)
		assertClose(t, "draw CKA", dr.cka, want, 1e-10)
		sx := must(NewSpectrum(x))(t)
		sy := must(NewSpectrum(pair.Y))(t)
		m := must(Overlap(sx, sy))(t)
		// With fewer than 10 neurons only the n non-zero sample modes count;
		// the rest of a full basis spans an arbitrary null space.
		cca := must(SpectralCCA(m.Slice(0, min(n, 59), 0, 60), 10))(t)
		assertClose(t, "draw CCA_10", dr.cca, cca, 1e-9)
		for i, l := range dr.lam {
			assertClose(t, "sample eigenvalue", l, sx.Values[i], 1e-12*sx.Values[0])
		}
	}
}

// Oracle: the paper's normalisation. A subsample scaled by √(Ñ/N) with its
// Gram divided by P·Ñ has exactly the spectrum of the unscaled subsample
// divided by P·N; and Gaussian projection keeps the variance per neuron,
// E[XXᵀ/N] = X̃X̃ᵀ/Ñ (checked by Monte Carlo on the trace).
func TestSamplersKeepVariancePerNeuron(t *testing.T) {
	pop := powerLawData(30, 80, 21)
	rng := rand.New(rand.NewPCG(1, 2))
	x := must(SampleNeurons(pop, 20, NeuronSubsampling, rng))(t)
	s := must(NewSpectrum(x))(t)
	paper := mat.DenseCopyOf(x)
	paper.Scale(math.Sqrt(80.0/20), paper)
	xc := must(centered("X", paper))(t)
	vals, _ := mustEigen(t, gramOf(xc))
	for i := 0; i < 5; i++ {
		assertClose(t, "eigenvalue, paper normalisation", vals[i]/(30*80), s.Values[i], 1e-12)
	}
	popc := must(centered("pop", pop))(t)
	want := frobDot(popc, popc) / 80
	var mean float64
	const draws = 400
	for d := 0; d < draws; d++ {
		g := must(SampleNeurons(popc, 10, GaussianProjection, rng))(t)
		mean += frobDot(g, g) / 10 / draws
	}
	assertClose(t, "E[tr(XXᵀ)/N] / (tr(X̃X̃ᵀ)/Ñ)", mean/want, 1, 0.05)
}

// Oracle: the known population CKA of a synthetic pair, from one recording
// with no knowledge of the population spectrum (power-law prior), and with
// the true spectrum supplied.
func TestCompareRecordingDenoisesOneRecording(t *testing.T) {
	pair := must(PowerLawPair(200, 1.2, 0.5, 9))(t)
	var sampleMean, fitMean, trueMean float64
	const draws = 12
	pop := must(NewSpectrum(pair.X))(t)
	for d := 0; d < draws; d++ {
		x := must(SampleNeurons(pair.X, 40, GaussianProjection, rand.New(rand.NewPCG(8, uint64(d)))))(t)
		c, err := CompareRecording(x, pair.Y, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		w, err := CompareRecording(x, pair.Y, pop.Values, nil)
		if err != nil {
			t.Fatal(err)
		}
		sampleMean += c.SampleCKA / draws
		fitMean += c.Denoised.CKA / draws
		trueMean += w.Denoised.CKA / draws
	}
	t.Logf("N=40, mean over %d recordings: sample %.3f, denoised with a power-law prior %.3f, with the true spectrum %.3f", draws, sampleMean, fitMean, trueMean)
	assertClose(t, "denoised CKA (true spectrum)", trueMean, 0.5, 0.06)
	assertClose(t, "denoised CKA (power-law prior)", fitMean, 0.5, 0.08)
	if sampleMean > 0.47 {
		t.Errorf("sample CKA %.3f is not biased low", sampleMean)
	}
}
