package similarity

import (
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/run"
)

// Weighting chooses the eigenvalues that weight the denoised overlap
// matrix in the CKA estimate.
type Weighting int

const (
	// SampleWeights weights row j of M̃ by the sample eigenvalue λⱼ, as the
	// reference code does: Σ_{j<N,a} λⱼ μₐ M̃_ja / sqrt(Σ_{j<N} λⱼ² Σμₐ²).
	// Population modes beyond the N recorded ones get zero weight.
	SampleWeights Weighting = iota
	// PopulationWeights uses the population eigenvalues, the exact spectral
	// form of the population CKA: Σ λ̃ⱼ μₐ M̃_ja / sqrt(Σλ̃ⱼ² Σμₐ²).
	PopulationWeights
)

// DenoiseSettings tunes Denoise. A nil *DenoiseSettings means the defaults
// documented on each field; a zero field means its default.
type DenoiseSettings struct {
	// CCAModes is k of the CCA_k estimate. Default 10.
	CCAModes int
	// VarianceFraction, in (0, 1], selects the population modes kept as
	// unknowns: the leading modes of each fully known spectrum (λ̃ and μ)
	// that hold this fraction of its total variance Σλ. Default 0.999.
	VarianceFraction float64
	// InitEnergy, in (0, 1], truncates the pseudo-inverse start
	// M̃₀ = clamp(Q⁺M): singular values of Q are kept while their
	// cumulative share of Σσ² stays within InitEnergy (the reference code's
	// 0.98). Default 0.98.
	InitEnergy float64
	// MaxIterations caps the accelerated projected-gradient steps of each of
	// the two phases (all columns for CKA, then the first CCAModes columns
	// for CCA). Default 2000.
	MaxIterations int
	// Tolerance stops the first phase when the CKA estimate has changed by
	// at most Tolerance over the last 20 steps; the second, cheap phase
	// stops when the CCA estimate has changed by at most Tolerance·1e-4.
	// Default 1e-4 (the CKA estimate settles much faster than single
	// entries of M̃: at this tolerance it is within ~1e-5 of its limit); a
	// negative value never stops early (both phases take MaxIterations
	// steps).
	Tolerance float64
	// Weights chooses the CKA weighting; default SampleWeights.
	Weights Weighting
	// Stieltjes tunes the solver behind Q; nil means its defaults.
	Stieltjes *StieltjesSettings
	// Progress, if not nil, is called after every first-phase iteration
	// with the metric "residual ‖M − QM̃‖²"; it can stop the run (see
	// run.Progress).
	Progress run.Progress `json:"-"`
}

// defaults fills in the documented defaults and rejects values no default
// can mean.
func (s *DenoiseSettings) defaults() (DenoiseSettings, error) {
	var d DenoiseSettings
	if s != nil {
		d = *s
	}
	d.CCAModes = run.Iterations(d.CCAModes, 10)
	d.MaxIterations = run.Iterations(d.MaxIterations, 2000)
	d.Tolerance = run.Tolerance(d.Tolerance, 1e-4)
	for _, f := range []struct {
		name string
		v    *float64
		def  float64
	}{{"VarianceFraction", &d.VarianceFraction, 0.999}, {"InitEnergy", &d.InitEnergy, 0.98}} {
		if *f.v == 0 {
			*f.v = f.def
		}
		if !(*f.v > 0 && *f.v <= 1) {
			return d, fmt.Errorf("similarity: DenoiseSettings.%s = %v; want a fraction in (0, 1] (0 for the default)", f.name, *f.v)
		}
	}
	if d.Weights != SampleWeights && d.Weights != PopulationWeights {
		return d, fmt.Errorf("similarity: DenoiseSettings.Weights = %d is not a Weighting", int(d.Weights))
	}
	return d, nil
}

// DenoiseResult is the population overlap matrix inferred from a recording.
type DenoiseResult struct {
	// MTilde is the estimated population overlap matrix M̃ (population modes
	// of the recorded representation × modes of the other), within [0, 1].
	MTilde *mat.Dense
	// Q is the overlap matrix used (sample modes × population modes).
	Q *mat.Dense
	// CKA and CCA are the denoised population estimates.
	CKA, CCA float64
	// SampleModes, PopulationModes and OtherModes are the problem size:
	// the non-zero sample modes (rows of M), the population modes kept as
	// unknowns, and the modes of the other representation kept.
	SampleModes, PopulationModes, OtherModes int
	// Stats: Status is Converged when both phases settled, IterationLimit
	// when one used up MaxIterations, Stopped when Progress stopped the
	// run; Objective is ‖M − Q M̃‖_F² at the solution; Iterations counts
	// both phases.
	run.Stats
}

// Denoise estimates the population overlap matrix M̃ and from it the
// population CKA and CCA_k, given the overlap matrix m measured between the
// sample eigenvectors of a recording (rows, sorted by the sample
// eigenvalues lambda) and the eigenvectors of a fully observed
// representation with eigenvalues mu (columns). population are the P
// eigenvalues λ̃ of the population the recording samples (descending, zeros
// allowed) and q = P/N.
//
// It solves the box-constrained least-squares problem
//
//	min_{0 ≤ M̃ ≤ 1} ‖M − Q M̃‖_F²
//
// restricted to the rows of the non-zero sample modes and to the
// population modes carrying VarianceFraction of the variance (of λ̃ for the
// rows of M̃, of μ for its columns), by accelerated projected gradient
// (FISTA with gradient-based restart) on the whole matrix at once, started
// from the truncated pseudo-inverse clamp(Q⁺M). It runs in two phases: all
// columns until the CKA estimate settles, then the first CCAModes columns,
// on which CCA_k alone depends, until the CCA estimate settles. The problem
// is underdetermined (fewer sample modes than unknowns): single entries of
// M̃ are not identified and keep drifting, but the estimates are, and the
// minimum of the objective is unique (it matches SciPy's BVLS).
//
// Pass the draw-averaged M and eigenvalues when several recordings are
// available: a single recording's M is noisy, and clipping that noise at
// the box bounds biases a single-recording estimate upward by a few
// hundredths (0.53 for a population CKA of 0.50 at P = 200, N = 40).
func Denoise(m mat.Matrix, lambda, population, mu []float64, q float64, s *DenoiseSettings) (*DenoiseResult, error) {
	start := time.Now()
	set, err := s.defaults()
	if err != nil {
		return nil, err
	}
	sset, err := set.Stieltjes.defaults()
	if err != nil {
		return nil, err
	}
	n, err := checkDenoiseInput(m, lambda, population, mu, q)
	if err != nil {
		return nil, err
	}
	qfull := selfOverlap(lambda[:n], newStieltjesProblem(population, q, sset))
	return denoiseWithQ(m, qfull, lambda[:n], population, mu, set, start)
}

// checkDenoiseInput validates Denoise's arguments and returns the number
// of non-zero sample modes.
func checkDenoiseInput(m mat.Matrix, lambda, population, mu []float64, q float64) (int, error) {
	if isNil(m) {
		return 0, fmt.Errorf("similarity: measured overlap M is nil")
	}
	for _, c := range []struct {
		name string
		v    []float64
	}{{"sample", lambda}, {"population", population}, {"other", mu}} {
		if err := checkSpectrum(c.name, c.v); err != nil {
			return 0, err
		}
		for i := 1; i < len(c.v); i++ {
			if c.v[i] > c.v[i-1]*(1+1e-9)+1e-300 {
				return 0, fmt.Errorf("similarity: %s eigenvalues must be in descending order; value %d (%.4g) exceeds value %d (%.4g)", c.name, i, c.v[i], i-1, c.v[i-1])
			}
		}
	}
	rows, cols := m.Dims()
	if cols != len(mu) {
		return 0, fmt.Errorf("similarity: M has %d columns but the other spectrum has %d eigenvalues; they must match", cols, len(mu))
	}
	if err := checkFinite("M", m); err != nil {
		return 0, err
	}
	n := 0
	for n < min(rows, len(lambda)) && lambda[n] > 1e-10*lambda[0] {
		n++
	}
	if n == 0 {
		return 0, fmt.Errorf("similarity: no positive sample eigenvalue among %d", len(lambda))
	}
	if err := checkStieltjesInput(lambda[:n], population, q); err != nil {
		return 0, err
	}
	if !hasNonZero(mu) {
		return 0, fmt.Errorf("similarity: the other spectrum (%d eigenvalues) is identically zero", len(mu))
	}
	return n, nil
}

// denoiseWithQ solves the box-constrained problem for a given overlap
// matrix Q (n sample modes × P population modes); the result's Runtime
// counts from start. It fails only when Progress returns an error other
// than run.ErrStop (the result is returned with it) or an SVD fails.
func denoiseWithQ(m mat.Matrix, qfull *mat.Dense, lambda, population, mu []float64, set DenoiseSettings, start time.Time) (*DenoiseResult, error) {
	n := len(lambda)
	kp := varianceModes(population, set.VarianceFraction)
	ka := varianceModes(mu, set.VarianceFraction)
	qm := mat.DenseCopyOf(qfull.Slice(0, n, 0, kp))
	target := mat.NewDense(n, ka, nil)
	for i := 0; i < n; i++ {
		row := target.RawRowView(i)
		for a := range row {
			row[a] = m.At(i, a)
		}
	}
	x, err := boxLSStart(qm, target, set.InitEnergy)
	if err != nil {
		return nil, err
	}
	res := &DenoiseResult{Q: qm, MTilde: x, SampleModes: n, PopulationModes: kp, OtherModes: ka}
	finish := func(err error) (*DenoiseResult, error) {
		res.Objective = objective(qm, target, x)
		res.CKA = denoisedCKA(x, lambda, population, mu, set.Weights)
		res.CCA = spectralCCA(x, set.CCAModes)
		res.Runtime = time.Since(start)
		return res, err
	}
	// Phase 1: every column, until the CKA estimate settles.
	ckaOf := func(x *mat.Dense) float64 { return denoisedCKA(x, lambda, population, mu, set.Weights) }
	it1, st1, err := fistaBox(qm, target, x, set.MaxIterations, set.Tolerance, ckaOf, set.Progress)
	res.Iterations, res.Status = it1, st1
	if st1 == run.Stopped {
		return finish(err)
	}
	// Phase 2: CCA_k depends on the first k columns only, which are
	// iterated on alone until the CCA estimate settles too.
	kc := min(set.CCAModes, ka)
	xs := mat.DenseCopyOf(x.Slice(0, kp, 0, kc))
	ts := mat.DenseCopyOf(target.Slice(0, n, 0, kc))
	ccaOf := func(x *mat.Dense) float64 { return spectralCCA(x, set.CCAModes) }
	it2, st2, err := fistaBox(qm, ts, xs, set.MaxIterations, set.Tolerance*1e-4, ccaOf, nil)
	if err != nil {
		return nil, err // no Progress in phase 2: cannot happen
	}
	x.Slice(0, kp, 0, kc).(*mat.Dense).Copy(xs)
	res.Iterations += it2
	if st2 != run.Converged {
		res.Status = st2
	}
	return finish(nil)
}

// varianceModes returns the number of leading values holding frac of the sum.
func varianceModes(v []float64, frac float64) int {
	var total float64
	for _, x := range v {
		total += math.Max(x, 0)
	}
	var c float64
	for i, x := range v {
		c += math.Max(x, 0)
		if c >= frac*total {
			return i + 1
		}
	}
	return len(v)
}

// boxLSStart returns clamp(Q⁺M) with the pseudo-inverse truncated to the
// singular values holding energy of Σσ².
func boxLSStart(qm, target *mat.Dense, energy float64) (*mat.Dense, error) {
	n, kp := qm.Dims()
	_, ka := target.Dims()
	var svd mat.SVD
	if !svd.Factorize(qm, mat.SVDThin) {
		return nil, fmt.Errorf("similarity: the SVD of the %d×%d overlap matrix Q did not converge", n, kp)
	}
	sv := svd.Values(nil)
	var total float64
	for _, v := range sv {
		total += v * v
	}
	r, cum := 0, 0.0
	for r < len(sv) {
		cum += sv[r] * sv[r]
		if cum > energy*total && r > 0 {
			break
		}
		r++
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	ut := mat.NewDense(r, ka, nil)
	ut.Mul(u.Slice(0, n, 0, r).T(), target)
	for i := 0; i < r; i++ {
		row := ut.RawRowView(i)
		for j := range row {
			row[j] /= sv[i]
		}
	}
	x := mat.NewDense(kp, ka, nil)
	x.Mul(v.Slice(0, kp, 0, r), ut)
	clampUnit(x.RawMatrix().Data)
	return x, nil
}

func clampUnit(d []float64) {
	for i, v := range d {
		if v < 0 {
			d[i] = 0
		} else if v > 1 {
			d[i] = 1
		}
	}
}

// fistaBox minimises ‖T − Q X‖² over 0 ≤ X ≤ 1 in place, by FISTA with
// the gradient restart of O'Donoghue and Candès, in the metric of a
// diagonal majoriser of QᵀQ. The problem is underdetermined, so single
// entries of X keep drifting along flat directions long after the
// quantities that the data determine have settled; the iteration therefore
// stops when monitor(X) (the CKA or CCA estimate) has changed by less than
// tol over the last window steps (never when tol < 0). progress may stop
// the iteration (Status Stopped, with its error unless it was
// run.ErrStop). All products are Dgemm on preallocated buffers.
func fistaBox(qm, target, x *mat.Dense, maxIter int, tol float64, monitor func(*mat.Dense) float64, progress run.Progress) (int, run.Status, error) {
	n, kp := qm.Dims()
	_, ka := target.Dims()
	step := majoriserSteps(qm)
	y := mat.DenseCopyOf(x)
	prev := mat.DenseCopyOf(x)
	r := mat.NewDense(n, ka, nil)
	g := mat.NewDense(kp, ka, nil)
	qraw, tr := qm.RawMatrix(), target.RawMatrix()
	rr, gr := r.RawMatrix(), g.RawMatrix()
	t := 1.0
	const window = 20
	var hist [window]float64
	for it := 1; it <= maxIter; it++ {
		// r = Q y − T, g = Qᵀ r
		for i := 0; i < n; i++ {
			copy(rr.Data[i*rr.Stride:i*rr.Stride+ka], tr.Data[i*tr.Stride:i*tr.Stride+ka])
		}
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, qraw, y.RawMatrix(), -1, rr)
		obj := frobDot(r, r)
		blas64.Gemm(blas.Trans, blas.NoTrans, 1, qraw, rr, 0, gr)
		if projectedStep(x, prev, y, g, step) > 0 {
			t = 1 // gradient restart
		}
		tn := 0.5 * (1 + math.Sqrt(1+4*t*t))
		extrapolate(y, x, prev, (t-1)/tn)
		t = tn
		if stop, err := progress.Report(run.Step{Iteration: it, MaxIterations: maxIter, Metric: "residual ‖M − QM̃‖²", Value: obj}); stop {
			return it, run.Stopped, err
		}
		v := monitor(x)
		if it > window && math.Abs(v-hist[it%window]) <= tol {
			return it, run.Converged, nil
		}
		hist[it%window] = v
	}
	return maxIter, run.IterationLimit, nil
}

// majoriserSteps returns the step sizes 1/Dⱼⱼ of the diagonal majoriser
// D = diag(QᵀQ 1) ⪰ QᵀQ, which holds because QᵀQ has non-negative entries
// (Gershgorin); steps of D⁻¹ undo the very different scales of Q's columns
// (localized top modes against diffuse tail modes). Zero columns get step 0.
func majoriserSteps(qm *mat.Dense) []float64 {
	n, kp := qm.Dims()
	qraw := qm.RawMatrix()
	rowSum := make([]float64, n)
	for i := 0; i < n; i++ {
		for _, v := range qraw.Data[i*qraw.Stride : i*qraw.Stride+kp] {
			rowSum[i] += v
		}
	}
	step := make([]float64, kp)
	for j := 0; j < kp; j++ {
		var d float64
		for i := 0; i < n; i++ {
			d += qraw.Data[i*qraw.Stride+j] * rowSum[i]
		}
		if d > 0 {
			step[j] = 1 / d
		}
	}
	return step
}

// projectedStep saves x in prev and sets x = clamp₀¹(y − D⁻¹ g) row by row
// (step[j] = 1/Dⱼⱼ). It returns the restart test Σ (y − x)·(x − prev) of
// O'Donoghue and Candès: positive when momentum points uphill.
func projectedStep(x, prev, y, g *mat.Dense, step []float64) float64 {
	xr, pr, yr, gr := x.RawMatrix(), prev.RawMatrix(), y.RawMatrix(), g.RawMatrix()
	ka := xr.Cols
	var restart float64
	for j, h := range step {
		xs := xr.Data[j*xr.Stride : j*xr.Stride+ka]
		ps := pr.Data[j*pr.Stride : j*pr.Stride+ka]
		ys := yr.Data[j*yr.Stride : j*yr.Stride+ka]
		gs := gr.Data[j*gr.Stride : j*gr.Stride+ka]
		copy(ps, xs)
		for a := range xs {
			v := ys[a] - h*gs[a]
			if v < 0 {
				v = 0
			} else if v > 1 {
				v = 1
			}
			xs[a] = v
			restart += (ys[a] - v) * (v - ps[a])
		}
	}
	return restart
}

// extrapolate sets y = x + beta (x − prev), FISTA's momentum step.
func extrapolate(y, x, prev *mat.Dense, beta float64) {
	xr, pr, yr := x.RawMatrix(), prev.RawMatrix(), y.RawMatrix()
	for j := 0; j < xr.Rows; j++ {
		xs := xr.Data[j*xr.Stride : j*xr.Stride+xr.Cols]
		ps := pr.Data[j*pr.Stride : j*pr.Stride+xr.Cols]
		ys := yr.Data[j*yr.Stride : j*yr.Stride+xr.Cols]
		for a := range xs {
			ys[a] = xs[a] + beta*(xs[a]-ps[a])
		}
	}
}

// objective returns ‖T − Q X‖_F².
func objective(qm, target, x *mat.Dense) float64 {
	var r mat.Dense
	r.Mul(qm, x)
	r.Sub(&r, target)
	return frobDot(&r, &r)
}

// denoisedCKA evaluates the CKA of an estimated population overlap matrix.
func denoisedCKA(x *mat.Dense, lambda, population, mu []float64, w Weighting) float64 {
	kp, ka := x.Dims()
	var weights []float64
	var w2 float64
	switch w {
	case PopulationWeights:
		weights = population
		for _, v := range population {
			w2 += v * v
		}
	default:
		weights = lambda
		for _, v := range lambda {
			w2 += v * v
		}
	}
	var m2 float64
	for _, v := range mu {
		m2 += v * v
	}
	var num float64
	for j := 0; j < min(kp, len(weights)); j++ {
		row := x.RawRowView(j)
		var s float64
		for a := 0; a < ka; a++ {
			s += row[a] * mu[a]
		}
		num += weights[j] * s
	}
	return num / math.Sqrt(w2*m2)
}
