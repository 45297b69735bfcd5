package similarity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/replicates"
	"github.com/neuronb/neuronb/neuro/run"
)

// StudySettings tunes SubsamplingStudy. A nil *StudySettings means the
// defaults documented on each field; a zero field means its default.
type StudySettings struct {
	// Draws is the number of Monte Carlo recordings per neuron count.
	// Default 50.
	Draws int
	// Sampling is the recording model; default GaussianProjection.
	Sampling Sampling
	// CCAModes is k of CCA_k. Default 10.
	CCAModes int
	// Seed makes the study reproducible; draw d at the i-th neuron count
	// uses its own stream PCG(Seed, i<<32 | d), so results do not depend
	// on Workers.
	Seed uint64
	// Workers run draws in parallel; 0 means runtime.GOMAXPROCS(0).
	// Results do not depend on it.
	Workers int
	// DenoiseEachDraw also denoises every single recording (what a user with
	// one recording gets) and reports their mean and spread. It costs one
	// Denoise per draw.
	DenoiseEachDraw bool
	// Denoise tunes the denoiser; nil means its defaults (CCAModes is taken
	// from this struct, and its Progress is not used).
	Denoise *DenoiseSettings
	// Progress, if not nil, is called after every draw, in draw order, with
	// the metric "sample CKA" of that draw; Iteration counts the draws done
	// over all neuron counts. It can stop the study (see run.Progress):
	// the result then holds the neuron counts finished before the stop.
	Progress run.Progress `json:"-"`
}

// defaults fills in the documented defaults and validates the nested
// settings.
func (s *StudySettings) defaults() (StudySettings, DenoiseSettings, StieltjesSettings, error) {
	var d StudySettings
	if s != nil {
		d = *s
	}
	d.Draws = run.Iterations(d.Draws, 50)
	d.CCAModes = run.Iterations(d.CCAModes, 10)
	if d.Sampling != GaussianProjection && d.Sampling != NeuronSubsampling {
		return d, DenoiseSettings{}, StieltjesSettings{}, fmt.Errorf("similarity: StudySettings.Sampling = %d is not a sampling model", int(d.Sampling))
	}
	ds, err := d.Denoise.defaults()
	if err != nil {
		return d, ds, StieltjesSettings{}, err
	}
	ds.CCAModes, ds.Progress = d.CCAModes, nil
	ss, err := ds.Stieltjes.defaults()
	return d, ds, ss, err
}

// StudyPoint holds everything measured and predicted at one neuron count.
type StudyPoint struct {
	Neurons int
	// SampleCKA and SampleCCA: the measures of the recordings, summarised
	// over draws (mean, standard error, 95% t interval, spread).
	SampleCKA, SampleCCA replicates.Summary
	// PredictedCKA and PredictedCCA: the random-matrix forecast from each
	// draw's sample eigenvalues alone, E[M] ≈ Q(λ) M̃, averaged over draws.
	PredictedCKA, PredictedCCA float64
	// DenoisedCKA and DenoisedCCA: the box-constrained inversion of the
	// draw-averaged overlap matrix with the draw-averaged Q (the paper's
	// "estimated" curves).
	DenoisedCKA, DenoisedCCA float64
	// DrawDenoisedCKA and DrawDenoisedCCA: Denoise applied to each recording
	// separately, summarised over draws (only with
	// StudySettings.DenoiseEachDraw).
	DrawDenoisedCKA, DrawDenoisedCCA replicates.Summary
	// UnbiasedCKA: the moment-based baseline, the ratio of draw-averaged
	// moments; its SE (and interval) by the delta method, its Min and Max
	// those of the single-draw ratios.
	UnbiasedCKA replicates.Summary
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

// Localized returns the number of leading modes whose self-overlap Q_ii
// exceeds threshold (≤ 0: the paper's 1/2), measured and predicted.
func (p *StudyPoint) Localized(threshold float64) (measured, theory int) {
	if threshold <= 0 {
		threshold = 0.5
	}
	return leadingAbove(p.SelfOverlap, threshold), leadingAbove(p.SelfOverlapTheory, threshold)
}

// leadingAbove counts the leading entries of v above threshold.
func leadingAbove(v []float64, threshold float64) int {
	n := 0
	for n < len(v) && v[n] > threshold {
		n++
	}
	return n
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
	// Stats: Status is Finished, or Stopped by Progress; Iterations counts
	// the draws; Objective is the mean sample CKA at the last neuron count
	// in Points.
	run.Stats
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
//
// When Progress stops the study, the result (Status Stopped) holds the
// neuron counts finished before, and an error of Progress other than
// run.ErrStop is returned with it.
func SubsamplingStudy(pop, other mat.Matrix, neurons []int, s *StudySettings) (*StudyResult, error) {
	start := time.Now()
	set, ds, ss, err := s.defaults()
	if err != nil {
		return nil, err
	}
	b, err := checkStudy(pop, other, neurons, set.Sampling)
	if err != nil {
		return nil, err
	}
	res := &StudyResult{Population: b.popPadded, Other: b.mu, PopulationOverlap: b.mTilde, Settings: set}
	res.PopulationCKA = spectralCKA(b.lam, b.mu, b.mTilde)
	res.PopulationCCA = spectralCCA(b.mTilde, set.CCAModes)
	res.Status = run.Finished
	cfg := drawConfig{set: set, denoise: ds, stieltjes: ss}
	for ni, n := range neurons {
		draws, stop, err := b.drawAll(ni, n, len(neurons)*set.Draws, cfg, res)
		if stop {
			res.Status = run.Stopped
			res.Runtime = time.Since(start)
			return res, err
		}
		if err != nil {
			return nil, err
		}
		pt, err := b.summarise(n, draws, cfg)
		if err != nil {
			return nil, fmt.Errorf("similarity: N = %d: %w", n, err)
		}
		res.Points = append(res.Points, *pt)
		res.Objective = pt.SampleCKA.Mean
	}
	res.Runtime = time.Since(start)
	return res, nil
}

// checkStudy validates SubsamplingStudy's arguments and builds the
// population's eigenbasis.
func checkStudy(pop, other mat.Matrix, neurons []int, sampling Sampling) (*studyBasis, error) {
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
		if sampling == NeuronSubsampling && n > nt {
			return nil, fmt.Errorf("similarity: neuron count %d (index %d) exceeds the population's %d neurons", n, i, nt)
		}
	}
	return newStudyBasis(pop, other)
}

// drawConfig is what every draw needs besides the basis.
type drawConfig struct {
	set       StudySettings
	denoise   DenoiseSettings
	stieltjes StieltjesSettings
}

// drawAll records the Draws recordings at the ni-th neuron count n, in
// batches of parallel draws whose progress is reported in draw order, so
// that a stop after draw d is the same on any number of workers. It
// reports stop when Progress stopped the study (with Progress's error, if
// any).
func (b *studyBasis) drawAll(ni, n, total int, cfg drawConfig, res *StudyResult) ([]studyDraw, bool, error) {
	set := cfg.set
	draws := make([]studyDraw, set.Draws)
	batch := 2 * parallel.Workers(set.Workers)
	for lo := 0; lo < set.Draws; lo += batch {
		hi := min(lo+batch, set.Draws)
		err := parallel.ForErr(hi-lo, set.Workers, func(_, k int) error {
			d := lo + k
			rng := rand.New(rand.NewPCG(set.Seed, uint64(ni)<<32|uint64(d)))
			dr, err := b.draw(n, cfg, rng)
			if err != nil {
				return fmt.Errorf("similarity: N = %d, draw %d: %w", n, d, err)
			}
			draws[d] = dr
			return nil
		})
		if err != nil {
			return nil, false, err
		}
		for d := lo; d < hi; d++ {
			res.Iterations++
			step := run.Step{Iteration: res.Iterations, MaxIterations: total, Metric: "sample CKA", Value: draws[d].cka}
			if stop, err := set.Progress.Report(step); stop {
				return nil, true, err
			}
		}
	}
	return draws, false, nil
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
	if b.lam, b.vecs, err = nonZeroModes(xc); err != nil {
		return nil, err
	}
	k := len(b.lam)
	b.coords = mat.NewDense(k, nt, nil)
	b.coords.Mul(b.vecs.T(), xc)
	b.popPadded = make([]float64, p)
	copy(b.popPadded, b.lam)
	mu, v2, err := nonZeroModes(yc)
	if err != nil {
		return nil, err
	}
	b.mu = mu
	b.signed = mat.NewDense(k, len(mu), nil)
	b.signed.Mul(b.vecs.T(), v2)
	b.mTilde = squared(b.signed)
	if n2 >= 2 && p >= 4 {
		b.ys = mat.DenseCopyOf(yc)
		b.ys.Scale(1/math.Sqrt(float64(p*n2)), b.ys)
		b.selfY = momentTerms(b.ys, b.ys, true)
	}
	return b, nil
}

// squared returns a copy of a with every entry squared.
func squared(a *mat.Dense) *mat.Dense {
	out := mat.DenseCopyOf(a)
	for i, v := range out.RawMatrix().Data {
		out.RawMatrix().Data[i] = v * v
	}
	return out
}

// nonZeroModes returns the eigenvalues eig(X Xᵀ/(P·N)) above rounding and
// their unit eigenvectors (P×K), from the smaller of the Gram and
// covariance matrices.
func nonZeroModes(xc *mat.Dense) ([]float64, *mat.Dense, error) {
	p, n := xc.Dims()
	vals, vecs, err := eigenCoordinates(xc)
	if err != nil {
		return nil, nil, err
	}
	k := nonZeroCount(vals)
	vals = vals[:k]
	scaleValues(vals, p, n)
	return vals, mat.DenseCopyOf(vecs.Slice(0, p, 0, k)), nil
}

// eigenCoordinates returns the eigenvalues of X Xᵀ (descending, not
// scaled) and unit eigenvectors (rows × min(rows, cols)) of a centred x,
// from its Gram matrix or, when x has fewer columns than rows, from XᵀX
// (eigenvector uᵢ = X vᵢ / √λᵢ; columns of zero eigenvalues stay
// unnormalised).
func eigenCoordinates(x *mat.Dense) ([]float64, *mat.Dense, error) {
	r, c := x.Dims()
	if c >= r {
		return symEigen(gramOf(x))
	}
	vals, v, err := symEigen(covOf(x))
	if err != nil {
		return nil, nil, err
	}
	vecs := mat.NewDense(r, c, nil)
	vecs.Mul(x, v)
	for j := 0; j < c && vals[j] > 1e-10*vals[0]; j++ {
		s := 1 / math.Sqrt(vals[j])
		for i := 0; i < r; i++ {
			vecs.Set(i, j, vecs.At(i, j)*s)
		}
	}
	return vals, vecs, nil
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

// record draws the coordinates in the population eigenbasis (K×n) of a
// recording of n neurons.
func (b *studyBasis) record(n int, how Sampling, rng *rand.Rand) *mat.Dense {
	k := len(b.lam)
	c := mat.NewDense(k, n, nil)
	cr := c.RawMatrix()
	if how == NeuronSubsampling {
		idx := rng.Perm(b.nt)[:n]
		for i := 0; i < k; i++ {
			src := b.coords.RawRowView(i)
			dst := cr.Data[i*cr.Stride : i*cr.Stride+n]
			for col, j := range idx {
				dst[col] = src[j]
			}
		}
		return c
	}
	for i := 0; i < k; i++ {
		sd := math.Sqrt(b.lam[i] * float64(b.p))
		dst := cr.Data[i*cr.Stride : i*cr.Stride+n]
		for j := range dst {
			dst[j] = rng.NormFloat64() * sd
		}
	}
	return c
}

// draw measures one recording: its spectrum and overlaps, the sample
// measures, the moments of the baseline, and the theory at its
// eigenvalues (and its own denoised estimate when asked).
func (b *studyBasis) draw(n int, cfg drawConfig, rng *rand.Rand) (studyDraw, error) {
	k := len(b.lam)
	c := b.record(n, cfg.set.Sampling, rng)
	// Sample eigenpairs in population coordinates: columns of e.
	lam, e, err := eigenCoordinates(c)
	if err != nil {
		return studyDraw{}, err
	}
	r := nonZeroCount(lam)
	lam = lam[:r]
	e = mat.DenseCopyOf(e.Slice(0, k, 0, r))
	scaleValues(lam, b.p, n)
	m := mat.NewDense(r, len(b.mu), nil)
	m.Mul(e.T(), b.signed)
	dr := studyDraw{lam: lam, m: squared(m), qdiag: make([]float64, min(r, k))}
	for i := range dr.qdiag {
		dr.qdiag[i] = sq(e.At(i, i))
	}
	dr.cka = spectralCKA(lam, b.mu, dr.m)
	dr.cca = spectralCCA(dr.m, cfg.set.CCAModes)
	if b.selfY != 0 {
		x := mat.NewDense(b.p, n, nil)
		x.Mul(b.vecs, c)
		x.Scale(1/math.Sqrt(float64(b.p*n)), x)
		dr.moments = CKAMoments{Cross: momentTerms(x, b.ys, false), SelfX: momentTerms(x, x, true), SelfY: b.selfY}
	}
	q := float64(b.p) / float64(n)
	if err := checkStieltjesInput(lam, b.popPadded, q); err != nil {
		return dr, err
	}
	dr.q = selfOverlap(lam, newStieltjesProblem(b.popPadded, q, cfg.stieltjes))
	pm := mat.NewDense(r, len(b.mu), nil)
	pm.Mul(dr.q.Slice(0, r, 0, k), b.mTilde)
	dr.predCKA = spectralCKA(lam, b.mu, pm)
	dr.predCCA = spectralCCA(pm, cfg.set.CCAModes)
	if cfg.set.DenoiseEachDraw {
		d, err := denoiseWithQ(dr.m, dr.q, lam, b.popPadded, b.mu, cfg.denoise, time.Now())
		if err != nil {
			return dr, err
		}
		dr.dCKA, dr.dCCA = d.CKA, d.CCA
	}
	return dr, nil
}

// summarise averages the draws at one neuron count and denoises their mean
// overlap matrix.
func (b *studyBasis) summarise(n int, draws []studyDraw, cfg drawConfig) (*StudyPoint, error) {
	pt := &StudyPoint{Neurons: n}
	r, nq := len(draws[0].lam), len(draws[0].qdiag)
	for _, d := range draws {
		r, nq = min(r, len(d.lam)), min(nq, len(d.qdiag))
	}
	var err error
	if err = pt.summariseDraws(draws, r, nq, cfg.set.DenoiseEachDraw); err != nil {
		return nil, err
	}
	if b.selfY != 0 {
		if pt.UnbiasedCKA, err = momentRatio(draws); err != nil {
			return nil, err
		}
	}
	// Q averaged over draws: E[M] = E[Q(λ)] M̃ when the Ledoit–Péché
	// formula holds draw by draw.
	t := float64(len(draws))
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
	pm := mat.NewDense(r, len(b.mu), nil)
	pm.Mul(qbar, mt)
	pt.Prediction = &Prediction{Q: qbar, M: pm, CKA: spectralCKA(pt.SampleEigenvalues, b.mu, pm), CCA: spectralCCA(pm, cfg.set.CCAModes)}
	pt.SelfOverlapTheory = make([]float64, nq)
	for i := range pt.SelfOverlapTheory {
		pt.SelfOverlapTheory[i] = qbar.At(i, i)
	}
	if pt.Denoised, err = denoiseWithQ(pt.MeanOverlap, qbar, pt.SampleEigenvalues, b.popPadded, b.mu, cfg.denoise, time.Now()); err != nil {
		return nil, err
	}
	pt.DenoisedCKA, pt.DenoisedCCA = pt.Denoised.CKA, pt.Denoised.CCA
	return pt, nil
}

// summariseDraws fills the Monte Carlo averages of pt: the first r sample
// eigenvalues and rows of M, the first nq self-overlaps, and the summaries
// of the per-draw measures.
func (pt *StudyPoint) summariseDraws(draws []studyDraw, r, nq int, denoised bool) error {
	t := float64(len(draws))
	pt.SampleEigenvalues = make([]float64, r)
	pt.MeanOverlap = mat.NewDense(r, draws[0].m.RawMatrix().Cols, nil)
	pt.SelfOverlap = make([]float64, nq)
	var cka, cca, dcka, dcca, pcka, pcca []float64
	for _, d := range draws {
		for i := 0; i < r; i++ {
			pt.SampleEigenvalues[i] += d.lam[i] / t
			dst := pt.MeanOverlap.RawRowView(i)
			for a, v := range d.m.RawRowView(i) {
				dst[a] += v / t
			}
		}
		for i := 0; i < nq; i++ {
			pt.SelfOverlap[i] += d.qdiag[i] / t
		}
		cka, cca = append(cka, d.cka), append(cca, d.cca)
		pcka, pcca = append(pcka, d.predCKA), append(pcca, d.predCCA)
		dcka, dcca = append(dcka, d.dCKA), append(dcca, d.dCCA)
	}
	var err error
	if pt.SampleCKA, err = replicates.Summarize(cka); err != nil {
		return fmt.Errorf("sample CKA: %w", err)
	}
	if pt.SampleCCA, err = replicates.Summarize(cca); err != nil {
		return fmt.Errorf("sample CCA: %w", err)
	}
	pt.PredictedCKA, pt.PredictedCCA = mean(pcka), mean(pcca)
	if denoised {
		if pt.DrawDenoisedCKA, err = replicates.Summarize(dcka); err != nil {
			return fmt.Errorf("denoised CKA of single draws: %w", err)
		}
		if pt.DrawDenoisedCCA, err = replicates.Summarize(dcca); err != nil {
			return fmt.Errorf("denoised CCA of single draws: %w", err)
		}
	}
	return nil
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// momentRatio is the paper's estimate x₁/√(x₂x₃) of draw-averaged moments
// with its delta-method standard error; Min and Max are those of the
// single-draw ratios.
func momentRatio(draws []studyDraw) (replicates.Summary, error) {
	var mom [3][]float64
	var single []float64
	for _, d := range draws {
		m := d.moments
		mom[0], mom[1], mom[2] = append(mom[0], m.Cross), append(mom[1], m.SelfX), append(mom[2], m.SelfY)
		single = append(single, m.CKA())
	}
	var x, s [3]float64
	for i := range mom {
		e, err := replicates.Summarize(mom[i])
		if err != nil {
			return replicates.Summary{}, fmt.Errorf("moment %d of the unbiased CKA: %w", i, err)
		}
		x[i], s[i] = e.Mean, e.SE
	}
	y := x[0] / math.Sqrt(x[1]*x[2])
	v := sq(s[0])/(x[1]*x[2]) + sq(x[0])*sq(s[1])/(4*x[1]*x[1]*x[1]*x[2]) + sq(x[0])*sq(s[2])/(4*x[2]*x[2]*x[2]*x[1])
	n := len(draws)
	out := replicates.Summary{N: n, Mean: y, SE: math.Sqrt(v), SD: math.Sqrt(v * float64(n)), Min: math.Inf(1), Max: math.Inf(-1)}
	for _, c := range single {
		if !math.IsNaN(c) && !math.IsInf(c, 0) {
			out.Min, out.Max = math.Min(out.Min, c), math.Max(out.Max, c)
		}
	}
	if math.IsInf(out.Min, 0) {
		out.Min, out.Max = y, y
	}
	out.Lo, out.Hi = out.Interval(0.95)
	return out, nil
}
