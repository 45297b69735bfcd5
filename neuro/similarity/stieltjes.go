package similarity

import (
	"fmt"
	"math"
	"math/cmplx"
	"time"

	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/run"
)

// StieltjesSettings tunes SolveStieltjes. A nil *StieltjesSettings means
// the defaults documented on each field; a zero field means its default.
type StieltjesSettings struct {
	// Eta is the imaginary offset η of z = λ − iη, relative to the mean of
	// the non-zero population eigenvalues, at which the continuation hands
	// over to the exact (η = 0) Newton polish. Default 1e-6.
	Eta float64
	// StartEta is the first, large η of the continuation, relative to the
	// largest population eigenvalue. Default 1.
	StartEta float64
	// Reduction is the factor in (0, 1) by which η shrinks between
	// continuation levels. Default 0.5.
	Reduction float64
	// Tolerance bounds the relative residual |g − T(g)| / |g| at which a
	// level counts as solved. Default 1e-13; a negative value never stops
	// early (every level takes MaxIterations steps).
	Tolerance float64
	// MaxIterations caps the Newton/fixed-point steps per continuation level
	// and point. Default 200.
	MaxIterations int
	// Workers solve points in parallel; 0 means runtime.GOMAXPROCS(0).
	// Results do not depend on it.
	Workers int
}

// defaults fills in the documented defaults and rejects values no default
// can mean.
func (s *StieltjesSettings) defaults() (StieltjesSettings, error) {
	var d StieltjesSettings
	if s != nil {
		d = *s
	}
	for _, f := range []struct {
		name string
		v    *float64
		def  float64
	}{{"Eta", &d.Eta, 1e-6}, {"StartEta", &d.StartEta, 1}, {"Reduction", &d.Reduction, 0.5}} {
		if *f.v == 0 {
			*f.v = f.def
		}
		if !(*f.v > 0) || math.IsInf(*f.v, 0) {
			return d, fmt.Errorf("similarity: StieltjesSettings.%s = %v; want a positive finite value (0 for the default)", f.name, *f.v)
		}
	}
	if d.Reduction >= 1 {
		return d, fmt.Errorf("similarity: StieltjesSettings.Reduction = %v; want a factor in (0, 1)", d.Reduction)
	}
	d.Tolerance = run.Tolerance(d.Tolerance, 1e-13)
	d.MaxIterations = run.Iterations(d.MaxIterations, 200)
	return d, nil
}

// StieltjesResult is the solution of the generalised Marchenko–Pastur
// equation at a list of points.
type StieltjesResult struct {
	// G[i] = g(λᵢ − i0⁺) with Im G[i] ≥ 0 (for λᵢ ≤ 0, the value at the
	// hand-over η).
	G []complex128
	// Hilbert[i] = h(λᵢ) = Re g and Density[i] = ρ(λᵢ) = Im g / π, the
	// limiting sample eigenvalue density.
	Hilbert, Density []float64
	// Failed lists the points that did not reach the tolerance.
	Failed []int
	// Stats: Status is Converged when every point met the tolerance and
	// IterationLimit otherwise; Objective is the largest relative residual
	// |g − T(g)| / |g| over the points; Iterations counts the Newton and
	// fixed-point steps of all points.
	run.Stats
}

// SolveStieltjes solves, at each point λᵢ of lambda, the generalised
// Marchenko–Pastur (Silverstein) equation for the Stieltjes transform of the
// spectrum of a sample covariance with population eigenvalues λ̃ⱼ
// (population, length P, zeros allowed) and aspect ratio q = P/N:
//
//	g(z) = (1/P) Σⱼ 1 / (z − λ̃ⱼ (1 − q + q z g(z))),   z = λ − iη, η → 0⁺.
//
// The reference code iterates this fixed point from g = 1 at η = 1e-15,
// which fails to converge for flat spectra. Here each point starts at a
// large η from g ≈ 1/z, where the solution is unique and the iteration
// contracts, and follows the physical branch (Im g > 0) down to a small η
// by continuation: at each level Newton steps on F(g) = g − T(g) are
// accepted when they reduce |F| and replaced by damped fixed-point steps
// otherwise, and a level at which Im g collapses faster than η (a jump to a
// spurious real root) is split. The result is then polished at η = 0 by
// Newton's method on the inverse (Silverstein) form of the equation, whose
// root off the real axis is unique.
func SolveStieltjes(lambda, population []float64, q float64, s *StieltjesSettings) (*StieltjesResult, error) {
	start := time.Now()
	set, err := s.defaults()
	if err != nil {
		return nil, err
	}
	if err := checkStieltjesInput(lambda, population, q); err != nil {
		return nil, err
	}
	res := solveStieltjes(lambda, newStieltjesProblem(population, q, set))
	res.Runtime = time.Since(start)
	return res, nil
}

// solveStieltjes is SolveStieltjes on a validated problem.
func solveStieltjes(lambda []float64, sol *stieltjesProblem) *StieltjesResult {
	res := &StieltjesResult{
		G:       make([]complex128, len(lambda)),
		Hilbert: make([]float64, len(lambda)),
		Density: make([]float64, len(lambda)),
	}
	iters := make([]int, len(lambda))
	oks := make([]bool, len(lambda))
	parallel.For(len(lambda), sol.set.Workers, func(_, i int) {
		res.G[i], iters[i], oks[i] = sol.solve(lambda[i])
	})
	res.Status = run.Converged
	for i, g := range res.G {
		res.Hilbert[i] = real(g)
		res.Density[i] = imag(g) / math.Pi
		res.Iterations += iters[i]
		res.Objective = math.Max(res.Objective, sol.residual(lambda[i], g))
		if !oks[i] {
			res.Failed = append(res.Failed, i)
			res.Status = run.IterationLimit
		}
	}
	return res
}

// residual returns |g − T(g)| / |g| at z = λ, or at the hand-over η for
// λ ≤ 0, where the solution is reported.
func (sp *stieltjesProblem) residual(lambda float64, g complex128) float64 {
	z := complex(lambda, 0)
	if !(lambda > 0) {
		z = complex(lambda, -sp.etaLow)
	}
	t, _ := sp.eval(z, g)
	return cmplx.Abs(g-t) / cmplx.Abs(g)
}

func checkStieltjesInput(lambda, population []float64, q float64) error {
	if !(q > 0) || math.IsInf(q, 0) {
		return fmt.Errorf("similarity: aspect ratio q = P/N must be positive and finite, got %v", q)
	}
	if len(population) == 0 {
		return fmt.Errorf("similarity: population spectrum is empty")
	}
	var top float64
	for j, v := range population {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("similarity: population eigenvalue %d is %v; need finite values >= 0", j, v)
		}
		top = math.Max(top, v)
	}
	pos := top > 0
	for j, v := range population {
		// Rounding leaves eigenvalues of a rank-deficient Gram matrix
		// slightly negative; they count as zero.
		if v < -1e-10*top || (!pos && v < 0) {
			return fmt.Errorf("similarity: population eigenvalue %d is %v; need finite values >= 0", j, v)
		}
	}
	if !pos {
		return fmt.Errorf("similarity: population spectrum (length %d) has no positive eigenvalue", len(population))
	}
	for i, v := range lambda {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("similarity: sample eigenvalue %d is %v", i, v)
		}
	}
	return nil
}

// stieltjesProblem holds the population spectrum with its zero eigenvalues
// counted separately (each contributes 1/z to g).
type stieltjesProblem struct {
	population []float64 // all P population eigenvalues
	pop        []float64 // positive population eigenvalues
	zeros      float64   // number of zero eigenvalues
	p          float64   // total dimension P
	q          float64
	set        StieltjesSettings
	etaLow     float64
	etaHigh    float64
}

func newStieltjesProblem(population []float64, q float64, set StieltjesSettings) *stieltjesProblem {
	sp := &stieltjesProblem{population: population, p: float64(len(population)), q: q, set: set}
	var sum, top float64
	for _, v := range population {
		if v > 0 {
			sp.pop = append(sp.pop, v)
			sum += v
			top = math.Max(top, v)
		} else {
			sp.zeros++
		}
	}
	sp.etaLow = set.Eta * sum / float64(len(sp.pop))
	sp.etaHigh = math.Max(set.StartEta*top, 10*sp.etaLow)
	return sp
}

// eval returns T(g) and dT/dg at z. The loop is written in real
// arithmetic: Go's complex division guards against overflow at a cost that
// dominates this hot loop, and the denominators here are well scaled.
func (sp *stieltjesProblem) eval(z, g complex128) (t, dt complex128) {
	w := complex(1-sp.q, 0) + complex(sp.q, 0)*z*g
	zr, zi := real(z), imag(z)
	wr, wi := real(w), imag(w)
	var tr, ti, dr, di float64
	for _, l := range sp.pop {
		// inv = 1/(z − l·w)
		ar, ai := zr-l*wr, zi-l*wi
		n := 1 / (ar*ar + ai*ai)
		ir, ii := ar*n, -ai*n
		tr += ir
		ti += ii
		// l·inv²
		dr += l * (ir*ir - ii*ii)
		di += l * 2 * ir * ii
	}
	t = complex(tr, ti)
	dt = complex(sp.q, 0) * z * complex(dr, di)
	if sp.zeros > 0 {
		t += complex(sp.zeros, 0) / z
	}
	invP := complex(1/sp.p, 0)
	return t * invP, dt * invP
}

// solve follows the branch from large η down to the hand-over η, then
// polishes at η = 0 on the inverse form of the equation.
func (sp *stieltjesProblem) solve(lambda float64) (complex128, int, bool) {
	eta := sp.etaHigh
	g := 1 / complex(lambda, -eta)
	g, iters, ok := sp.newton(complex(lambda, -eta), g)
	for eta > sp.etaLow {
		next := math.Max(eta*sp.set.Reduction, sp.etaLow)
		var it int
		g, it, ok = sp.descend(lambda, g, eta, next, 0)
		iters += it
		eta = next
	}
	if !(lambda > 0) {
		return g, iters, ok
	}
	z := complex(lambda, -eta)
	m := -(complex(1-sp.q, 0) + complex(sp.q, 0)*z*g) / z
	m, it, ok := sp.inverse(lambda, m)
	iters += it
	return sp.gFromM(lambda, m), iters, ok
}

// inverse solves the Silverstein inverse form of the equation at real z = λ,
//
//	λ = −1/m + (q/P) Σⱼ λ̃ⱼ / (1 + λ̃ⱼ m),   m = −(1 − q + q z g)/z,
//
// by Newton's method from m (with Im m ≤ 0, the conjugate of the usual
// upper-half-plane convention). Inside the support of the sample spectrum
// the root with Im m < 0 is unique, so a start on the physical branch
// cannot be pulled to a spurious root; outside it the root is real.
func (sp *stieltjesProblem) inverse(lambda float64, m complex128) (complex128, int, bool) {
	c := complex(sp.q/sp.p, 0)
	phi := func(m complex128) (f, df complex128) {
		f = -1/m - complex(lambda, 0)
		df = 1 / (m * m)
		for _, l := range sp.pop {
			lc := complex(l, 0)
			d := 1 / (1 + lc*m)
			f += c * lc * d
			df -= c * lc * lc * d * d
		}
		return f, df
	}
	tol := sp.set.Tolerance * lambda
	f, df := phi(m)
	for it := 1; it <= sp.set.MaxIterations; it++ {
		if cmplx.Abs(f) <= tol {
			return m, it - 1, true
		}
		step := -f / df
		accepted := false
		for h := 0; h < 40; h++ {
			mn := m + step
			if imag(mn) > 0 {
				mn = complex(real(mn), 0)
			}
			fn, dfn := phi(mn)
			if cmplx.Abs(fn) < cmplx.Abs(f) {
				m, f, df = mn, fn, dfn
				accepted = true
				break
			}
			step /= 2
		}
		if !accepted {
			return m, it, cmplx.Abs(f) <= 1e3*tol
		}
	}
	return m, sp.set.MaxIterations, cmplx.Abs(f) <= tol
}

// gFromM returns g(λ) = (1/(Pλ)) Σⱼ 1/(1 + λ̃ⱼ m), zero eigenvalues included.
func (sp *stieltjesProblem) gFromM(lambda float64, m complex128) complex128 {
	s := complex(sp.zeros, 0)
	for _, l := range sp.pop {
		s += 1 / (1 + complex(l, 0)*m)
	}
	g := s / complex(sp.p*lambda, 0)
	if imag(g) < 0 {
		g = cmplx.Conj(g)
	}
	return g
}

// descend moves the solution g at η = from to η = to. On the physical
// branch Im g either stays of the same order (inside the support) or
// shrinks in proportion to η (outside it); a faster collapse means Newton
// jumped to a spurious, nearly real root, and the step is split in two.
func (sp *stieltjesProblem) descend(lambda float64, g complex128, from, to float64, depth int) (complex128, int, bool) {
	gn, it, ok := sp.newton(complex(lambda, -to), g)
	if imag(gn) >= 0.5*(to/from)*imag(g) || depth >= 8 {
		return gn, it, ok
	}
	mid := math.Sqrt(from * to)
	gm, it1, _ := sp.descend(lambda, g, from, mid, depth+1)
	gn, it2, ok := sp.descend(lambda, gm, mid, to, depth+1)
	return gn, it + it1 + it2, ok
}

// newton solves F(g) = g − T(g) = 0 at fixed z from the start g.
func (sp *stieltjesProblem) newton(z, g complex128) (complex128, int, bool) {
	tol := sp.set.Tolerance
	t, dt := sp.eval(z, g)
	f := g - t
	for it := 1; it <= sp.set.MaxIterations; it++ {
		if cmplx.Abs(f) <= tol*cmplx.Abs(g) {
			return g, it - 1, true
		}
		fp := 1 - dt
		accepted := false
		if fp != 0 {
			step := -f / fp
			for h := 0; h < 12; h++ {
				gn := g + step
				if imag(gn) >= 0 {
					tn, dtn := sp.eval(z, gn)
					if fn := gn - tn; cmplx.Abs(fn) < cmplx.Abs(f) {
						g, t, dt, f = gn, tn, dtn, fn
						accepted = true
						break
					}
				}
				step /= 2
			}
		}
		if !accepted {
			// Damped fixed-point step: contracts where Newton overshoots.
			gn := 0.5*g + 0.5*t
			if imag(gn) < 0 {
				gn = complex(real(gn), 0)
			}
			g = gn
			t, dt = sp.eval(z, g)
			f = g - t
		}
	}
	return g, sp.set.MaxIterations, cmplx.Abs(f) <= tol*cmplx.Abs(g)
}
