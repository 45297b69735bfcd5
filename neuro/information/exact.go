package information

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/run"
)

// Sampling says from which distribution the response is drawn inside
// I_local's integrand. The reference code draws r ~ p(r | y); whether the
// paper means that or r ~ p(r | x) is open. Both average to I(X;R) over
// the prior and both are non-negative; in the linear-Gaussian model the
// first is constant in x and the second quadratic.
type Sampling int

const (
	// ResponsesGivenY: J_R(y;γ) = E_{p(r|y)} ‖∇_y log p(r|y)‖², as the
	// reference code (the default).
	ResponsesGivenY Sampling = iota
	// ResponsesGivenX: E_{p(r|x)} ‖∇_y log p(r|y)‖² with y ~ N(x, γI).
	ResponsesGivenX
)

// String returns the sampling's name.
func (s Sampling) String() string {
	switch s {
	case ResponsesGivenY:
		return "r~p(r|y)"
	case ResponsesGivenX:
		return "r~p(r|x)"
	}
	return fmt.Sprintf("Sampling(%d)", int(s))
}

// GammaRule is the quadrature rule of the γ integral, in log γ.
type GammaRule int

const (
	// GaussLegendre nodes in log γ over [GammaMin, GammaMax] (the default).
	GaussLegendre GammaRule = iota
	// Trapezoid over log-spaced γ, as the reference code.
	Trapezoid
)

// ExactSettings configures Exact. A nil *ExactSettings means every default.
type ExactSettings struct {
	// GammaMin is γ₀: below it the integral is the local linear-Gaussian
	// term ½ log det(I + J(x) γ₀ Σ (γ₀I + Σ)⁻¹); 0 means 1e-4.
	GammaMin float64
	// GammaMax ends the quadrature; above it the integrand, which decays
	// like c(x)/γ², is extrapolated (unless NoTail); 0 means 1e3.
	GammaMax float64
	// GammaNodes is the number of quadrature nodes in log γ; 0 means 40
	// (GaussLegendre) or 60 (Trapezoid).
	GammaNodes int
	// Rule is the γ quadrature rule.
	Rule GammaRule
	// NoTail leaves out the part of the integral above GammaMax, as the
	// reference code does (it is still estimated, in Truncation.Upper).
	NoTail bool
	// Sampling chooses r ~ p(r|y) (default) or r ~ p(r|x).
	Sampling Sampling
	// Resolution is the step of the internal stimulus grids, in units of
	// the features; 0 chooses, per feature k, the smaller of √s_k/40 (1-D)
	// or √s_k/8 (2-D) and 0.1/√J_max (1-D) or 0.5/√J_max (2-D), J_max the
	// largest Fisher information J_kk over the stimuli that matter. Halving
	// it changes the 1-D results in their seventh digit and the 2-D ones in
	// their fifth (see the tests).
	Resolution float64
	// MaxResponses bounds the number of response vectors summed over;
	// 0 means 65536.
	MaxResponses int
	// Workers is the number of goroutines (γ nodes run in parallel); 0 means
	// GOMAXPROCS. Results do not depend on it.
	Workers int
	// Progress is called after each γ node (metric "γ", the node's value);
	// returning run.ErrStop ends the run without I_local.
	Progress run.Progress
}

// Truncation estimates what the finite γ range costs, in nats, as the
// largest value over the grid.
type Truncation struct {
	// Lower: the local linear-Gaussian term stands in for the integral over
	// [0, GammaMin]; its error is estimated from the mismatch between the
	// integrand and the local model's at GammaMin, ¼ γ₀ |ΔJ|.
	Lower float64 `json:"lower"`
	// Upper: the part above GammaMax, ½ γ_max E[J_R(γ_max)] under the
	// c/γ² decay (added to I_local unless NoTail).
	Upper float64 `json:"upper"`
}

// Measures holds the measures of an encoder computed by quadrature.
type Measures struct {
	// Stats: Status Finished (or Stopped by Progress, then without
	// ILocal), Objective the mutual information, Iterations the γ nodes
	// computed.
	run.Stats
	// Grid is where the pointwise measures are reported; X is its axis in
	// 1-D (nil in 2-D), the x of widgets.Lines.
	Grid Grid
	X    []float64
	// MutualInformation is I(X;R) and Entropy the prior's H(X), both on
	// the internal integration grid (nats).
	MutualInformation float64
	Entropy           float64
	// Pointwise measures, one value per grid point (nats; Fisher in
	// 1/unit²): the specific surprise i_sp(x) = KL(p(r|x) ‖ p(r)), the
	// stimulus-specific information SSI(x) = H(X) − E_{r|x} H(X|r), the
	// Fisher information tr J(x) and I_local(x).
	SpecificSurprise []float64
	SSI              []float64
	Fisher           []float64
	ILocal           []float64
	// Features[k] is feature k's share of I_local (Σ_k Features[k] =
	// ILocal): the γ integral of E (∂_{y_k} log p(r|y))², with the
	// [0, γ₀] term split in proportion to J_kk(x) γ₀ s_k/(γ₀ + s_k).
	Features [][]float64
	// Gamma are the quadrature nodes (LogGamma their logarithms) and
	// Integrand[p][i] the integrand in d log γ at grid point p and node i,
	// ½ γ E_{y|x} J_R(y;γ): where in γ the information of a stimulus lies.
	Gamma     []float64
	LogGamma  []float64
	Integrand [][]float64
	// Rates[n] is neuron n's tuning curve f_n at the grid points.
	Rates [][]float64
	// Truncation estimates the cost of the finite γ range; Warnings says
	// when it is not negligible (the local term's error above 1% of
	// I_local, or the tail above 5%, at some point) or when the grid leaves
	// out more than 1e-4 of the prior's mass (PriorMean is then no
	// expectation over the prior).
	Truncation Truncation
	Warnings   []string
	// Responses is the number of response vectors summed over and
	// Resolution the internal grid step per feature.
	Responses  int
	Resolution []float64
	Settings   ExactSettings
}

// PriorMean returns the prior average of a field over the grid (trapezoid
// weights times p(x), normalised on the grid): E_x I_local should equal
// MutualInformation when the grid covers the prior.
func (r *Measures) PriorMean(field []float64, p Prior) (float64, error) {
	if len(field) != r.Grid.Len() {
		return 0, fmt.Errorf("information: PriorMean: field has %d values, the grid %d points", len(field), r.Grid.Len())
	}
	if err := p.validate(); err != nil {
		return 0, fmt.Errorf("information: PriorMean: %w", err)
	}
	if p.Dim() != r.Grid.Dim() {
		return 0, fmt.Errorf("information: PriorMean: prior has %d features, the grid %d axes", p.Dim(), r.Grid.Dim())
	}
	w := priorWeights(r.Grid, p)
	s := 0.0
	for i, v := range field {
		s += w[i] * v
	}
	return s, nil
}

// priorWeights returns trapezoid weights times the prior density,
// normalised to sum to 1.
func priorWeights(g Grid, p Prior) []float64 {
	w := make([]float64, g.Len())
	tw := make([][]float64, g.Dim())
	for k, ax := range g.Axes {
		tw[k] = trapezoid(ax)
	}
	x := make([]float64, g.Dim())
	s := 0.0
	for i := range w {
		g.Point(i, x)
		v := 1.0
		q := i
		for k := g.Dim() - 1; k >= 0; k-- {
			n := len(g.Axes[k])
			z := (x[k] - p.Mean[k]) / math.Sqrt(p.Var[k])
			v *= tw[k][q%n] * math.Exp(-0.5*z*z)
			q /= n
		}
		w[i] = v
		s += v
	}
	for i := range w {
		w[i] /= s
	}
	return w
}

func (s *ExactSettings) resolve() (ExactSettings, error) {
	var r ExactSettings
	if s != nil {
		r = *s
	}
	if r.GammaMin == 0 {
		r.GammaMin = 1e-4
	}
	if r.GammaMax == 0 {
		r.GammaMax = 1e3
	}
	if r.GammaNodes == 0 {
		r.GammaNodes = 40
		if r.Rule == Trapezoid {
			r.GammaNodes = 60
		}
	}
	if r.MaxResponses == 0 {
		r.MaxResponses = 1 << 16
	}
	switch {
	case !(r.GammaMin > 0) || math.IsInf(r.GammaMin, 0):
		return r, fmt.Errorf("information: ExactSettings.GammaMin = %v, want a positive finite γ₀", r.GammaMin)
	case !(r.GammaMax > r.GammaMin) || math.IsInf(r.GammaMax, 0):
		return r, fmt.Errorf("information: ExactSettings.GammaMax = %v, want a finite value above GammaMin = %v", r.GammaMax, r.GammaMin)
	case r.GammaNodes < 2:
		return r, fmt.Errorf("information: ExactSettings.GammaNodes = %d, want at least 2", r.GammaNodes)
	case r.Rule != GaussLegendre && r.Rule != Trapezoid:
		return r, fmt.Errorf("information: ExactSettings.Rule = %d is not a rule", r.Rule)
	case r.Sampling != ResponsesGivenY && r.Sampling != ResponsesGivenX:
		return r, fmt.Errorf("information: ExactSettings.Sampling = %d is not a sampling", r.Sampling)
	case !(r.Resolution >= 0) || math.IsInf(r.Resolution, 0):
		return r, fmt.Errorf("information: ExactSettings.Resolution = %v, want ≥ 0 (0: automatic)", r.Resolution)
	case r.MaxResponses < 1:
		return r, fmt.Errorf("information: ExactSettings.MaxResponses = %d, want ≥ 1", r.MaxResponses)
	case r.Workers < 0:
		return r, fmt.Errorf("information: ExactSettings.Workers = %d, want ≥ 0", r.Workers)
	}
	return r, nil
}

// Exact computes, by quadrature, the information an encoder's responses
// carry about a 1-D or 2-D stimulus: the mutual information and, at every
// point of grid, the specific surprise, the SSI, the Fisher information and
// I_local with its per-feature split.
//
// With y = x + √γ ξ and x′ | y ~ N(μ, C_γ), μ = m + B(y − m) (the prior is
// Gaussian), Tweedie's formula gives ∇_y log p(r|y) = B ∇_μ log p̃_r(μ)
// with p̃_r(μ) = E_{x′~N(μ,C_γ)} p(r|x′), so
//
//	J_R(y;γ) = Σ_r Σ_k B_k² (∂_k p̃_r(μ))² / p̃_r(μ)
//
// and I_local(x) = ½ ∫ E_{y~N(x,γI)} J_R(y;γ) dγ. p̃_r and its gradient
// (the blurred gradient of the likelihood) are Gaussian expectations
// computed as matrices applied along each axis of a grid of μ, and so is
// the expectation over y (μ ~ N(m + B(x − m), B²γ)): every grid stays
// within a few prior standard deviations at every γ. Below γ₀ = GammaMin
// the integral is the local linear-Gaussian term
// ½ log det(I + J(x) γ₀ Σ (γ₀I + Σ)⁻¹), exact for linear-Gaussian
// encoders; between γ₀ and GammaMax a rule in log γ; above, the c/γ²
// tail. The response sums run over every count of a Poisson neuron and
// over trapezoid nodes of a Gaussian one (products for populations).
func Exact(e *Encoder, grid Grid, s *ExactSettings) (*Measures, error) {
	start := time.Now()
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if err := grid.validate(); err != nil {
		return nil, err
	}
	d := e.Dim()
	if d > 2 {
		return nil, fmt.Errorf("information: Exact handles 1-D and 2-D stimuli, the encoder has %d features (LinearGaussian has closed forms in any dimension)", d)
	}
	if grid.Dim() != d {
		return nil, fmt.Errorf("information: the grid has %d axes, the encoder %d features", grid.Dim(), d)
	}
	set, err := s.resolve()
	if err != nil {
		return nil, err
	}
	q := &quadrature{enc: e, grid: grid, d: d, set: set, gh: newHermite(16)}
	if err := q.prepare(); err != nil {
		return nil, err
	}
	res := &Measures{Grid: grid, Responses: q.rs.count, Resolution: q.h, Settings: set}
	if d == 1 {
		res.X = grid.Axes[0]
	}
	q.pointwise(res)
	q.warnCoverage(res)
	if err := q.ilocal(res); err != nil {
		return nil, err
	}
	res.Objective = res.MutualInformation
	res.Runtime = time.Since(start)
	return res, nil
}

type quadrature struct {
	enc  *Encoder
	grid Grid
	d    int
	set  ExactSettings
	gh   hermiteNodes
	h    []float64 // internal step per feature
	rs   *responseSet
	// integration grid for I, H(X|r)
	integ []uniform
	pr    []float64 // p(r_j)
	hr    []float64 // H(X | r_j)
	hx    float64
	// report-point masses L_j(x_i), row-major [point][j], and J(x_i)
	lrep   []float64
	fisher []*mat.SymDense
}

func (q *quadrature) prepare() error {
	e, d := q.enc, q.d
	box := make([][2]float64, d)
	for k := 0; k < d; k++ {
		sd := math.Sqrt(e.Prior.Var[k])
		ax := q.grid.Axes[k]
		box[k] = [2]float64{min(ax[0]-7*sd, e.Prior.Mean[k]-8*sd), max(ax[len(ax)-1]+7*sd, e.Prior.Mean[k]+8*sd)}
	}
	rs, err := newResponseSet(e, box, q.set.MaxResponses)
	if err != nil {
		return err
	}
	q.rs = rs
	q.h = make([]float64, d)
	jmax := maxFisher(e, box)
	for k := 0; k < d; k++ {
		sd := math.Sqrt(e.Prior.Var[k])
		if q.set.Resolution > 0 {
			q.h[k] = q.set.Resolution
			continue
		}
		rho, c := 40.0, 0.1
		if d == 2 {
			rho, c = 8, 0.5
		}
		q.h[k] = sd / rho
		if jmax[k] > 0 {
			q.h[k] = min(q.h[k], c/math.Sqrt(jmax[k]))
		}
	}
	q.integ = make([]uniform, d)
	for k := 0; k < d; k++ {
		sd := math.Sqrt(e.Prior.Var[k])
		q.integ[k] = span(e.Prior.Mean[k]-8*sd, e.Prior.Mean[k]+8*sd, q.h[k], 9)
	}
	return nil
}

// maxFisher returns the largest J_kk over a sample of box, per feature.
func maxFisher(e *Encoder, box [][2]float64) []float64 {
	d := e.Dim()
	per := 401
	if d == 2 {
		per = 101
	}
	total := 1
	for k := 0; k < d; k++ {
		total *= per
	}
	out := make([]float64, d)
	x := make([]float64, d)
	for p := 0; p < total; p++ {
		q := p
		for k := d - 1; k >= 0; k-- {
			x[k] = box[k][0] + (box[k][1]-box[k][0])*float64(q%per)/float64(per-1)
			q /= per
		}
		j := e.Fisher(x)
		for k := 0; k < d; k++ {
			out[k] = max(out[k], j.At(k, k))
		}
	}
	return out
}

// integPoints returns the number of integration points and a function
// writing point i and its log weight (trapezoid weight times prior density,
// unnormalised).
func (q *quadrature) integPoint(i int, x []float64) (logw, logvol float64) {
	for k := q.d - 1; k >= 0; k-- {
		g := q.integ[k]
		j := i % g.n
		i /= g.n
		x[k] = g.at(j)
		w := g.step
		if j == 0 || j == g.n-1 {
			w /= 2
		}
		z := (x[k] - q.enc.Prior.Mean[k]) / math.Sqrt(q.enc.Prior.Var[k])
		logvol += math.Log(w)
		logw += math.Log(w) - 0.5*z*z
	}
	return logw, logvol
}

// pointwise fills the mutual information, the specific surprise, the SSI
// and the Fisher information.
func (q *quadrature) pointwise(res *Measures) {
	nInt := 1
	for _, g := range q.integ {
		nInt *= g.n
	}
	K := q.rs.count
	workers := parallel.Workers(q.set.Workers)
	chunks := parallel.Chunks(nInt, 64)
	// Pass 1: the prior's normaliser and p(r_j).
	type acc struct {
		z  float64
		pr []float64
	}
	accs := make([]acc, len(chunks))
	parallel.For(len(chunks), workers, func(_, c int) {
		l := newLikelihood(q.rs, q.d)
		x := make([]float64, q.d)
		a := acc{pr: make([]float64, K)}
		for i := chunks[c][0]; i < chunks[c][1]; i++ {
			lw, _ := q.integPoint(i, x)
			w := math.Exp(lw)
			a.z += w
			l.at(x, false)
			for j := 0; j < K; j++ {
				a.pr[j] += w * l.mass(j)
			}
		}
		accs[c] = a
	})
	z := 0.0
	q.pr = make([]float64, K)
	for _, a := range accs {
		z += a.z
		for j, v := range a.pr {
			q.pr[j] += v
		}
	}
	for j := range q.pr {
		q.pr[j] /= z
	}
	// Pass 2: H(X), H(X|r_j) and I = Σ_i π_i Σ_j L log(L/p).
	type acc2 struct {
		hx, mi float64
		hr     []float64
	}
	accs2 := make([]acc2, len(chunks))
	parallel.For(len(chunks), workers, func(_, c int) {
		l := newLikelihood(q.rs, q.d)
		x := make([]float64, q.d)
		a := acc2{hr: make([]float64, K)}
		for i := chunks[c][0]; i < chunks[c][1]; i++ {
			lw, lv := q.integPoint(i, x)
			pi := math.Exp(lw) / z
			if pi == 0 {
				continue
			}
			a.hx -= pi * (math.Log(pi) - lv)
			l.at(x, false)
			for j := 0; j < K; j++ {
				m := l.mass(j)
				if m == 0 || q.pr[j] == 0 {
					continue
				}
				post := pi * m / q.pr[j]
				a.hr[j] -= post * (math.Log(post) - lv)
				a.mi += pi * m * math.Log(m/q.pr[j])
			}
		}
		accs2[c] = a
	})
	q.hr = make([]float64, K)
	for _, a := range accs2 {
		q.hx += a.hx
		res.MutualInformation += a.mi
		for j, v := range a.hr {
			q.hr[j] += v
		}
	}
	res.Entropy = q.hx
	// Report points.
	n := q.grid.Len()
	res.SpecificSurprise = make([]float64, n)
	res.SSI = make([]float64, n)
	res.Fisher = make([]float64, n)
	q.lrep = make([]float64, n*K)
	q.fisher = make([]*mat.SymDense, n)
	res.Rates = make([][]float64, len(q.enc.Neurons))
	for j := range res.Rates {
		res.Rates[j] = make([]float64, n)
	}
	parallel.For(n, workers, func(_, i int) {
		l := newLikelihood(q.rs, q.d)
		x := make([]float64, q.d)
		q.grid.Point(i, x)
		l.at(x, false)
		isp, hcond := 0.0, 0.0
		for j := 0; j < K; j++ {
			m := l.mass(j)
			q.lrep[i*K+j] = m
			if m == 0 || q.pr[j] == 0 {
				continue
			}
			isp += m * math.Log(m/q.pr[j])
			hcond += m * q.hr[j]
		}
		res.SpecificSurprise[i] = isp
		for j := range res.Rates {
			res.Rates[j][i] = l.f[j]
		}
		res.SSI[i] = q.hx - hcond
		q.fisher[i] = q.enc.Fisher(x)
		res.Fisher[i] = mat.Trace(q.fisher[i])
	})
}

func (q *quadrature) warnCoverage(res *Measures) {
	for k, ax := range q.grid.Axes {
		p := q.enc.Prior
		sd := math.Sqrt(p.Var[k])
		lo, hi := (ax[0]-p.Mean[k])/sd, (ax[len(ax)-1]-p.Mean[k])/sd
		if mass := 0.5*math.Erfc(-lo/math.Sqrt2) + 0.5*math.Erfc(hi/math.Sqrt2); mass > 1e-4 && len(ax) > 1 {
			res.Warnings = append(res.Warnings, fmt.Sprintf(
				"grid axis %d covers [%.3g, %.3g] prior standard deviations and leaves out %.2g of the prior's mass: PriorMean over this grid is not an expectation over the prior", k, lo, hi, mass))
		}
	}
}

// gammaNodes returns the nodes of the γ integral and the weights of
// ∫ g(γ) dγ = ∫ γ g(γ) d log γ.
func (q *quadrature) gammaNodes() (gam, w []float64) {
	a, b := math.Log(q.set.GammaMin), math.Log(q.set.GammaMax)
	n := q.set.GammaNodes
	u := make([]float64, n)
	w = make([]float64, n)
	if q.set.Rule == Trapezoid {
		for i := range u {
			u[i] = a + (b-a)*float64(i)/float64(n-1)
			w[i] = (b - a) / float64(n-1)
			if i == 0 || i == n-1 {
				w[i] /= 2
			}
		}
	} else {
		legendre(u, w, a, b)
	}
	gam = make([]float64, n)
	for i := range u {
		gam[i] = math.Exp(u[i])
		w[i] *= gam[i]
	}
	return gam, w
}

// ilocal integrates I_local over γ.
func (q *quadrature) ilocal(res *Measures) error {
	gam, w := q.gammaNodes()
	// Extra nodes at the ends for the truncation estimates (a trapezoid
	// already has them).
	nodes := append([]float64(nil), gam...)
	endLo, endHi := 0, len(gam)-1
	if q.set.Rule == GaussLegendre {
		nodes = append(nodes, q.set.GammaMin, q.set.GammaMax)
		endLo, endHi = len(gam), len(gam)+1
	}
	n, d := q.grid.Len(), q.d
	out := make([][][]float64, len(nodes)) // [node][k][point]
	var mu sync.Mutex
	done := 0
	err := parallel.ForErr(len(nodes), parallel.Workers(q.set.Workers), func(_, i int) error {
		jb, err := q.node(nodes[i])
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		out[i] = jb
		done++
		if stop, err := q.set.Progress.Report(run.Step{Iteration: done, MaxIterations: len(nodes), Metric: "γ", Value: nodes[i]}); stop {
			if err == nil {
				err = run.ErrStop
			}
			return err
		}
		return nil
	})
	res.Iterations = done
	if errors.Is(err, run.ErrStop) {
		res.Status = run.Stopped
		return nil
	}
	if err != nil {
		res.Status = run.Stopped
		return fmt.Errorf("information: Exact: %w", err)
	}
	res.Status = run.Finished
	res.Gamma = gam
	res.Integrand = make([][]float64, n)
	for p := range res.Integrand {
		res.Integrand[p] = make([]float64, len(gam))
	}
	res.LogGamma = make([]float64, len(gam))
	res.ILocal = make([]float64, n)
	res.Features = make([][]float64, d)
	for k := range res.Features {
		res.Features[k] = make([]float64, n)
	}
	for i := range gam {
		res.LogGamma[i] = math.Log(gam[i])
		for k := 0; k < d; k++ {
			for p := 0; p < n; p++ {
				v := 0.5 * w[i] * out[i][k][p]
				res.Features[k][p] += v
				res.Integrand[p][i] += 0.5 * gam[i] * out[i][k][p]
			}
		}
	}
	g0, gm := q.set.GammaMin, q.set.GammaMax
	share := make([]float64, d)
	lowErr, tails := make([]float64, n), make([]float64, n)
	for p := 0; p < n; p++ {
		j := q.fisher[p]
		// The local linear-Gaussian term on [0, γ₀].
		m := mat.NewDense(d, d, nil)
		tot := 0.0
		for a := 0; a < d; a++ {
			ca := g0 * q.enc.Prior.Var[a] / (g0 + q.enc.Prior.Var[a])
			for b := 0; b < d; b++ {
				m.Set(a, b, j.At(a, b)*ca)
			}
			m.Set(a, a, m.At(a, a)+1)
			share[a] = j.At(a, a) * ca
			tot += share[a]
		}
		small := 0.5 * math.Log(mat.Det(m))
		// Truncation: the local model's integrand at γ₀, tr(B J (I + C J)⁻¹ B).
		jloc := localJR(j, q.enc.Prior.Var, g0)
		jlo := 0.0
		for k := 0; k < d; k++ {
			jlo += out[endLo][k][p]
		}
		lowErr[p] = 0.25 * g0 * math.Abs(jlo-jloc)
		res.Truncation.Lower = max(res.Truncation.Lower, lowErr[p])
		jhi := 0.0
		for k := 0; k < d; k++ {
			jhi += out[endHi][k][p]
		}
		tails[p] = 0.5 * gm * jhi
		res.Truncation.Upper = max(res.Truncation.Upper, tails[p])
		for k := 0; k < d; k++ {
			if tot > 0 {
				res.Features[k][p] += small * share[k] / tot
			}
			if !q.set.NoTail {
				res.Features[k][p] += 0.5 * gm * out[endHi][k][p]
			}
			res.ILocal[p] += res.Features[k][p]
		}
	}
	// Warn when, anywhere, the local term's estimated error exceeds 1% of
	// I_local or the extrapolated tail 5% of it.
	lower, upper, at := 0.0, 0.0, [2]int{}
	for p, v := range res.ILocal {
		if v <= 0 {
			continue
		}
		if r := lowErr[p] / v; r > lower {
			lower, at[0] = r, p
		}
		if r := tails[p] / v; r > upper {
			upper, at[1] = r, p
		}
	}
	x := make([]float64, d)
	if lower > 0.01 {
		q.grid.Point(at[0], x)
		res.Warnings = append(res.Warnings, fmt.Sprintf(
			"γ range starts too high: below GammaMin = %g the local linear-Gaussian term may be off by %.2g nats, %.1f%% of I_local = %.3g at x = %v; lower GammaMin", g0, lowErr[at[0]], 100*lower, res.ILocal[at[0]], x))
	}
	if upper > 0.05 {
		q.grid.Point(at[1], x)
		res.Warnings = append(res.Warnings, fmt.Sprintf(
			"γ range ends too low: above GammaMax = %g the extrapolated c/γ² tail is %.2g nats, %.1f%% of I_local = %.3g at x = %v; raise GammaMax", gm, tails[at[1]], 100*upper, res.ILocal[at[1]], x))
	}
	return nil
}

// localJR returns J_R of the linear-Gaussian model with Fisher information
// j and prior variances s at γ: tr(B J (I + C J)⁻¹ B).
func localJR(j *mat.SymDense, s []float64, gamma float64) float64 {
	d := len(s)
	ic := mat.NewDense(d, d, nil)
	for a := 0; a < d; a++ {
		c := s[a] * gamma / (s[a] + gamma)
		for b := 0; b < d; b++ {
			ic.Set(b, a, j.At(b, a)*c) // J C
		}
	}
	// (I + C J)⁻¹ = ((I + J C)ᵀ)⁻¹; tr(B J (I + CJ)⁻¹ B) with M = J (I + CJ)⁻¹.
	cj := mat.NewDense(d, d, nil)
	cj.CloneFrom(ic.T())
	for a := 0; a < d; a++ {
		cj.Set(a, a, cj.At(a, a)+1)
	}
	var inv mat.Dense
	if err := inv.Inverse(cj); err != nil {
		return math.NaN()
	}
	var m mat.Dense
	m.Mul(j, &inv)
	t := 0.0
	for a := 0; a < d; a++ {
		b := s[a] / (s[a] + gamma)
		t += b * b * m.At(a, a)
	}
	return t
}

// legendre fills Gauss–Legendre nodes on [a, b] in increasing order with
// their weights.
func legendre(u, w []float64, a, b float64) {
	quad.Legendre{}.FixedLocations(u, w, a, b)
	if len(u) > 1 && u[0] > u[len(u)-1] {
		slices.Reverse(u)
		slices.Reverse(w)
	}
}
