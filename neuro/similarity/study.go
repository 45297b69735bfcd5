package similarity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"gonum.org/v1/gonum/mat"
)

// StudySettings tunes SubsamplingStudy. A nil *StudySettings means the
// defaults documented on each field.
type StudySettings struct {
	// Draws is the number of Monte Carlo recordings per neuron count.
	// Default 50.
	Draws int
	// Sampling is the recording model; default GaussianProjection.
	Sampling Sampling
	// CCAModes is k of CCA_k. Default 10.
	CCAModes int
	// Seed makes the study reproducible; draw d at neuron count N uses its
	// own stream, so results do not depend on Workers.
	Seed uint64
	// Workers run draws in parallel. Default runtime.GOMAXPROCS(0).
	Workers int
	// DenoiseEachDraw also denoises every single recording (what a user with
	// one recording gets) and reports their mean and standard error. It
	// costs one Denoise per draw.
	DenoiseEachDraw bool
	// Denoise tunes the denoiser; nil means its defaults (CCAModes is taken
	// from this struct).
	Denoise *DenoiseSettings
	// Progress, if not nil, is called after every finished draw with the
	// number done, the total, and the sample CKA of that draw.
	Progress func(iter, maxIter int, objective float64)
}

func (s *StudySettings) withDefaults() StudySettings {
	d := StudySettings{Draws: 50, CCAModes: 10, Workers: runtime.GOMAXPROCS(0)}
	if s == nil {
		return d
	}
	if s.Draws > 0 {
		d.Draws = s.Draws
	}
	if s.CCAModes > 0 {
		d.CCAModes = s.CCAModes
	}
	if s.Workers > 0 {
		d.Workers = s.Workers
	}
	d.Sampling, d.Seed, d.DenoiseEachDraw, d.Denoise, d.Progress = s.Sampling, s.Seed, s.DenoiseEachDraw, s.Denoise, s.Progress
	return d
}

// Estimate is a Monte Carlo mean with its standard error.
type Estimate struct {
	Mean, SE float64
}

// StudyPoint holds everything measured and predicted at one neuron count.
type StudyPoint struct {
	Neurons int
	// SampleCKA and SampleCCA: the measures of the recordings, mean ± s.e.
	// over draws.
	SampleCKA, SampleCCA Estimate
	// PredictedCKA and PredictedCCA: the random-matrix forecast from each
	// draw's sample eigenvalues alone, E[M] ≈ Q(λ) M̃, averaged over draws.
	PredictedCKA, PredictedCCA float64
	// DenoisedCKA and DenoisedCCA: the box-constrained inversion of the
	// draw-averaged overlap matrix with the draw-averaged Q (the paper's
	// "estimated" curves).
	DenoisedCKA, DenoisedCCA float64
	// DrawDenoisedCKA and DrawDenoisedCCA: Denoise applied to each recording
	// separately (only with StudySettings.DenoiseEachDraw).
	DrawDenoisedCKA, DrawDenoisedCCA Estimate
	// UnbiasedCKA: the moment-based baseline (ratio of draw-averaged
	// moments; s.e. by the delta method).
	UnbiasedCKA Estimate
	// SampleEigenvalues: the non-zero sample eigenvalues averaged over draws.
	SampleEigenvalues []float64
	// SelfOverlap and SelfOverlapTheory: Q_ii measured (mean over draws of
	// (uᵢ·ũᵢ)²) and predicted (mean over draws of the Ledoit–Péché Q_ii).
	SelfOverlap, SelfOverlapTheory []float64
	// MeanOverlap is the measured overlap matrix M averaged over draws
	// (sample modes × modes of the other representation).
	MeanOverlap *mat.Dense
	// Prediction (draw-averaged Q, and M = Q M̃) and Denoised are the full
	// forward and backward results behind the numbers above.
	Prediction *Prediction
	Denoised   *DenoiseResult
}

// StudyResult compares theory, Monte Carlo and denoised estimates over a
// list of neuron counts.
type StudyResult struct {
	// PopulationCKA and PopulationCCA are the true values between the
	// population and the other representation.
	PopulationCKA, PopulationCCA float64
	// Population (λ̃, length P, zero-padded) and Other (μ) are the spectra;
	// PopulationOverlap is M̃ (population modes × other modes).
	Population, Other []float64
	PopulationOverlap *mat.Dense
	Points            []StudyPoint
	Settings          StudySettings
	Runtime           time.Duration
}

// SubsamplingStudy records neurons from the population pop many times at
// each count in neurons, compares the recordings with the fully observed
// representation other (both P stimuli × their neurons), and reports the
// measured CKA and CCA_k, their random-matrix prediction, the denoised
// population estimates and the localisation of the sample eigenvectors.
//
// The draws are computed in the eigenbasis of the population, which makes
// each one cost O(K·N² + N·K·A) instead of O(P²·N) (K population and A other
// modes) and is exact: a Gaussian projection of X̃ = Ũ diag(σ) Wᵀ has
// coordinates diag(σ) WᵀR in that basis, and WᵀR is again i.i.d. Gaussian.
func SubsamplingStudy(pop, other mat.Matrix, neurons []int, s *StudySettings) (*StudyResult, error) {
	start := time.Now()
	set := s.withDefaults()
	if err := checkRepresentation("population", pop); err != nil {
		return nil, err
	}
	if err := checkRepresentation("other", other); err != nil {
		return nil, err
	}
	p, nt := pop.Dims()
	if po, no := other.Dims(); po != p {
		return nil, fmt.Errorf("similarity: population is %d×%d and other is %d×%d: the stimulus counts (rows) differ", p, nt, po, no)
	}
	if len(neurons) == 0 {
		return nil, fmt.Errorf("similarity: no neuron counts given")
	}
	for i, n := range neurons {
		if n < 2 {
			return nil, fmt.Errorf("similarity: neuron count %d (index %d) is below 2", n, i)
		}
		if set.Sampling == NeuronSubsampling && n > nt {
			return nil, fmt.Errorf("similarity: neuron count %d (index %d) exceeds the population's %d neurons", n, i, nt)
		}
	}
	b, err := newStudyBasis(pop, other)
	if err != nil {
		return nil, err
	}
	res := &StudyResult{Population: b.popPadded, Other: b.mu, PopulationOverlap: b.mTilde, Settings: set}
	res.PopulationCKA, _ = SpectralCKA(b.lam, b.mu, b.mTilde)
	res.PopulationCCA, _ = SpectralCCA(b.mTilde, set.CCAModes)

	total := len(neurons) * set.Draws
	done := 0
	var mu sync.Mutex
	for ni, n := range neurons {
		draws := make([]studyDraw, set.Draws)
		jobs := make(chan int)
		var wg sync.WaitGroup
		var firstErr error
		for w := 0; w < set.Workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for d := range jobs {
					rng := rand.New(rand.NewPCG(set.Seed, uint64(ni)<<32|uint64(d)))
					dr, err := b.draw(n, set, rng)
					mu.Lock()
					if err != nil && firstErr == nil {
						firstErr = fmt.Errorf("similarity: N = %d, draw %d: %w", n, d, err)
					}
					draws[d] = dr
					done++
					if set.Progress != nil {
						set.Progress(done, total, dr.cka)
					}
					mu.Unlock()
				}
			}()
		}
		for d := 0; d < set.Draws; d++ {
			jobs <- d
		}
		close(jobs)
		wg.Wait()
		if firstErr != nil {
			return nil, firstErr
		}
		pt, err := b.summarise(n, draws, set)
		if err != nil {
			return nil, err
		}
		res.Points = append(res.Points, *pt)
	}
	res.Runtime = time.Since(start)
	return res, nil
}

// studyBasis is the population in its own eigenbasis.
type studyBasis struct {
	p, nt     int
	lam       []float64  // K non-zero population eigenvalues
	popPadded []float64  // λ̃ padded with zeros to length P
	vecs      *mat.Dense // Ũ, P×K
	coords    *mat.Dense // Ũᵀ X̃, K×Ñ (the neurons in the eigenbasis)
	mu        []float64  // A non-zero eigenvalues of the other representation
	signed    *mat.Dense // Ũᵀ V, K×A
	mTilde    *mat.Dense // M̃ = (Ũᵀ V)², K×A
	ys        *mat.Dense // centred other representation scaled by 1/√(P·N₂)
	selfY     float64    // moment of the other representation
}

func newStudyBasis(pop, other mat.Matrix) (*studyBasis, error) {
	xc, err := centered("population", pop)
	if err != nil {
		return nil, err
	}
	yc, err := centered("other", other)
	if err != nil {
		return nil, err
	}
	p, nt := xc.Dims()
	_, n2 := yc.Dims()
	b := &studyBasis{p: p, nt: nt}
	lam, vecs := nonZeroModes(xc)
	b.lam, b.vecs = lam, vecs
	k := len(lam)
	b.coords = mat.NewDense(k, nt, nil)
	b.coords.Mul(vecs.T(), xc)
	b.popPadded = make([]float64, p)
	copy(b.popPadded, lam)
	mu, v2 := nonZeroModes(yc)
	b.mu = mu
	b.signed = mat.NewDense(k, len(mu), nil)
	b.signed.Mul(vecs.T(), v2)
	b.mTilde = mat.DenseCopyOf(b.signed)
	for i, v := range b.mTilde.RawMatrix().Data {
		b.mTilde.RawMatrix().Data[i] = v * v
	}
	if n2 >= 2 && p >= 4 {
		b.ys = mat.DenseCopyOf(yc)
		b.ys.Scale(1/math.Sqrt(float64(p*n2)), b.ys)
		b.selfY = momentTerms(b.ys, b.ys, true)
	}
	return b, nil
}

// nonZeroModes returns the eigenvalues eig(X Xᵀ/(P·N)) above rounding and
// their unit eigenvectors (P×K), from the smaller of the Gram and
// covariance matrices.
func nonZeroModes(xc *mat.Dense) ([]float64, *mat.Dense) {
	p, n := xc.Dims()
	var vals []float64
	var vecs *mat.Dense
	if n < p {
		var v *mat.Dense
		vals, v = symEigen(covOf(xc))
		vecs = mat.NewDense(p, n, nil)
		vecs.Mul(xc, v)
	} else {
		vals, vecs = symEigen(gramOf(xc))
	}
	k := 0
	for k < len(vals) && vals[k] > 1e-10*vals[0] {
		k++
	}
	out := mat.DenseCopyOf(vecs.Slice(0, p, 0, k))
	if n < p {
		for j := 0; j < k; j++ {
			s := 1 / math.Sqrt(vals[j])
			for i := 0; i < p; i++ {
				out.Set(i, j, out.At(i, j)*s)
			}
		}
	}
	vals = vals[:k]
	scaleValues(vals, p, n)
	return vals, out
}

// studyDraw is what one recording contributes.
type studyDraw struct {
	lam      []float64  // non-zero sample eigenvalues
	m        *mat.Dense // sample modes × other modes
	qdiag    []float64  // (uᵢ·ũᵢ)²
	cka, cca float64
	moments  CKAMoments
	dCKA     float64
	dCCA     float64
	q        *mat.Dense // Ledoit–Péché Q at this draw's eigenvalues
	predCKA  float64    // theory given this draw's eigenvalues
	predCCA  float64
}

func (b *studyBasis) draw(n int, set StudySettings, rng *rand.Rand) (studyDraw, error) {
	k := len(b.lam)
	c := mat.NewDense(k, n, nil)
	cr := c.RawMatrix()
	switch set.Sampling {
	case NeuronSubsampling:
		idx := rng.Perm(b.nt)[:n]
		for i := 0; i < k; i++ {
			src := b.coords.RawRowView(i)
			dst := cr.Data[i*cr.Stride : i*cr.Stride+n]
			for col, j := range idx {
				dst[col] = src[j]
			}
		}
	default:
		for i := 0; i < k; i++ {
			sd := math.Sqrt(b.lam[i] * float64(b.p))
			dst := cr.Data[i*cr.Stride : i*cr.Stride+n]
			for j := range dst {
				dst[j] = rng.NormFloat64() * sd
			}
		}
	}
	// Sample eigenpairs in population coordinates: columns of e.
	norm := 1 / (float64(b.p) * float64(n))
	var lam []float64
	var e *mat.Dense
	if n <= k {
		s := covOf(c)
		vals, v := symEigen(s)
		e = mat.NewDense(k, n, nil)
		e.Mul(c, v)
		lam = vals
	} else {
		lam, e = symEigen(gramOf(c))
	}
	r := 0
	for r < len(lam) && lam[r] > 1e-10*lam[0] {
		r++
	}
	lam = lam[:r]
	if n <= k {
		for j := 0; j < r; j++ {
			sc := 1 / math.Sqrt(lam[j])
			for i := 0; i < k; i++ {
				e.Set(i, j, e.At(i, j)*sc)
			}
		}
	}
	e = mat.DenseCopyOf(e.Slice(0, k, 0, r))
	for i := range lam {
		lam[i] *= norm
	}
	m := mat.NewDense(r, len(b.mu), nil)
	m.Mul(e.T(), b.signed)
	for i, v := range m.RawMatrix().Data {
		m.RawMatrix().Data[i] = v * v
	}
	dr := studyDraw{lam: lam, m: m, qdiag: make([]float64, min(r, k))}
	for i := range dr.qdiag {
		dr.qdiag[i] = sq(e.At(i, i))
	}
	dr.cka, _ = SpectralCKA(lam, b.mu, m)
	dr.cca, _ = SpectralCCA(m, set.CCAModes)
	if b.selfY != 0 && n >= 2 {
		x := mat.NewDense(b.p, n, nil)
		x.Mul(b.vecs, c)
		x.Scale(1/math.Sqrt(float64(b.p*n)), x)
		dr.moments = CKAMoments{Cross: momentTerms(x, b.ys, false), SelfX: momentTerms(x, x, true), SelfY: b.selfY}
	}
	ds := denoiseSettingsFor(set)
	qd, err := SelfOverlap(lam, b.popPadded, float64(b.p)/float64(n), ds.Stieltjes)
	if err != nil {
		return dr, err
	}
	dr.q = qd
	pm := mat.NewDense(r, len(b.mu), nil)
	pm.Mul(qd.Slice(0, r, 0, k), b.mTilde)
	dr.predCKA, _ = SpectralCKA(lam, b.mu, pm)
	dr.predCCA, _ = SpectralCCA(pm, set.CCAModes)
	if set.DenoiseEachDraw {
		d := denoiseWithQ(m, qd, lam, b.popPadded, b.mu, ds.withDefaults(), time.Now())
		dr.dCKA, dr.dCCA = d.CKA, d.CCA
	}
	return dr, nil
}

func denoiseSettingsFor(set StudySettings) *DenoiseSettings {
	var ds DenoiseSettings
	if set.Denoise != nil {
		ds = *set.Denoise
	}
	ds.CCAModes = set.CCAModes
	ds.Progress = nil
	return &ds
}

func (b *studyBasis) summarise(n int, draws []studyDraw, set StudySettings) (*StudyPoint, error) {
	pt := &StudyPoint{Neurons: n}
	t := float64(len(draws))
	r := len(draws[0].lam)
	for _, d := range draws {
		r = min(r, len(d.lam))
	}
	pt.SampleEigenvalues = make([]float64, r)
	pt.MeanOverlap = mat.NewDense(r, len(b.mu), nil)
	nq := len(draws[0].qdiag)
	for _, d := range draws {
		nq = min(nq, len(d.qdiag))
	}
	pt.SelfOverlap = make([]float64, nq)
	var cka, cca, dcka, dcca, pcka, pcca []float64
	var mom [3][]float64
	for _, d := range draws {
		for i := 0; i < r; i++ {
			pt.SampleEigenvalues[i] += d.lam[i] / t
		}
		for i := 0; i < r; i++ {
			dst := pt.MeanOverlap.RawRowView(i)
			for a, v := range d.m.RawRowView(i) {
				dst[a] += v / t
			}
		}
		for i := 0; i < nq; i++ {
			pt.SelfOverlap[i] += d.qdiag[i] / t
		}
		cka = append(cka, d.cka)
		pcka = append(pcka, d.predCKA)
		pcca = append(pcca, d.predCCA)
		cca = append(cca, d.cca)
		dcka = append(dcka, d.dCKA)
		dcca = append(dcca, d.dCCA)
		mom[0] = append(mom[0], d.moments.Cross)
		mom[1] = append(mom[1], d.moments.SelfX)
		mom[2] = append(mom[2], d.moments.SelfY)
	}
	pt.SampleCKA, pt.SampleCCA = meanSE(cka), meanSE(cca)
	if set.DenoiseEachDraw {
		pt.DrawDenoisedCKA, pt.DrawDenoisedCCA = meanSE(dcka), meanSE(dcca)
	}
	if b.selfY != 0 {
		pt.UnbiasedCKA = momentRatio(mom)
	}
	// Q averaged over draws: E[M] = E[Q(λ)] M̃ when the Ledoit–Péché
	// formula holds draw by draw.
	qbar := mat.NewDense(r, b.p, nil)
	for _, d := range draws {
		for i := 0; i < r; i++ {
			dst := qbar.RawRowView(i)
			for j, v := range d.q.RawRowView(i) {
				dst[j] += v / t
			}
		}
	}
	mt := mat.NewDense(b.p, len(b.mu), nil)
	mt.Slice(0, len(b.lam), 0, len(b.mu)).(*mat.Dense).Copy(b.mTilde)
	ds := denoiseSettingsFor(set)
	pm := mat.NewDense(r, len(b.mu), nil)
	pm.Mul(qbar, mt)
	pred := &Prediction{Q: qbar, M: pm}
	pred.CKA, _ = SpectralCKA(pt.SampleEigenvalues, b.mu, pm)
	pred.CCA, _ = SpectralCCA(pm, set.CCAModes)
	pt.Prediction = pred
	pt.PredictedCKA, pt.PredictedCCA = meanSE(pcka).Mean, meanSE(pcca).Mean
	pt.SelfOverlapTheory = make([]float64, nq)
	for i := range pt.SelfOverlapTheory {
		pt.SelfOverlapTheory[i] = pred.Q.At(i, i)
	}
	den := denoiseWithQ(pt.MeanOverlap, qbar, pt.SampleEigenvalues, b.popPadded, b.mu, ds.withDefaults(), time.Now())
	pt.Denoised = den
	pt.DenoisedCKA, pt.DenoisedCCA = den.CKA, den.CCA
	return pt, nil
}

func meanSE(v []float64) Estimate {
	var m float64
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	if len(v) < 2 {
		return Estimate{Mean: m}
	}
	var ss float64
	for _, x := range v {
		ss += sq(x - m)
	}
	return Estimate{Mean: m, SE: math.Sqrt(ss / float64(len(v)-1) / float64(len(v)))}
}

// momentRatio is the paper's estimate x₁/√(x₂x₃) of draw-averaged moments
// with its delta-method standard error.
func momentRatio(mom [3][]float64) Estimate {
	var x, s [3]float64
	for i := range mom {
		e := meanSE(mom[i])
		x[i] = e.Mean
		s[i] = e.SE // standard error of the mean moment
	}
	y := x[0] / math.Sqrt(x[1]*x[2])
	v := sq(s[0])/(x[1]*x[2]) + sq(x[0])*sq(s[1])/(4*x[1]*x[1]*x[1]*x[2]) + sq(x[0])*sq(s[2])/(4*x[2]*x[2]*x[2]*x[1])
	return Estimate{Mean: y, SE: math.Sqrt(v)}
}
