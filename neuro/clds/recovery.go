package clds

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Recovery says how well a fitted model recovers a known truth (a
// simulation's model, see Ring.Model) over a grid of conditions.
//
// EigenvalueMaxError, FixedPointRelError and FixedPointWorstRelError do
// not depend on the latent coordinates; AMaxAbsError and BMaxAbsError do,
// so they are meaningful only after aligning the fit to the truth's
// coordinates (AlignTo the true loadings).
type Recovery struct {
	// GridPoints is the number of conditions compared.
	GridPoints int `json:"grid_points"`
	// EigenvalueMaxError = max_u max_i |λ_i(A(u)) − λ_i(A_true(u))|, both
	// sorted as Eigenvalues sorts them.
	EigenvalueMaxError float64 `json:"eigenvalue_max_error"`
	// FixedPointRelError = ‖Ŷ* − Y*‖_F / ‖Y*‖_F over the grid, where the
	// rows of Y* are the observation-space fixed points C(u)(I − A(u))⁻¹
	// b(u) + d(u).
	FixedPointRelError float64 `json:"fixed_point_rel_error"`
	// FixedPointWorstRelError = max_u ‖ŷ*(u) − y*(u)‖ / ‖y*(u)‖, and
	// WorstCondition the u where it occurs.
	FixedPointWorstRelError float64   `json:"fixed_point_worst_rel_error"`
	WorstCondition          []float64 `json:"worst_condition"`
	// AMaxAbsError and BMaxAbsError are the largest entry errors of A(u)
	// and b(u) over the grid, in the fit's latent coordinates.
	AMaxAbsError float64 `json:"aligned_A_max_abs_error"`
	BMaxAbsError float64 `json:"aligned_b_max_abs_error"`
}

// Recovery compares m with truth on grid (see Grid). Both must have the
// same latent and observation dimensions and a non-singular I − A(u) at
// every grid point.
func (m *Model) Recovery(truth *Model, grid [][]float64) (*Recovery, error) {
	fit, err := m.Evaluate(grid)
	if err != nil {
		return nil, err
	}
	if truth == nil {
		return nil, fmt.Errorf("clds: Recovery: truth is nil")
	}
	if truth.Config.Latent != m.Config.Latent || truth.N != m.N {
		return nil, fmt.Errorf("clds: Recovery: truth has D=%d, N=%d, the model D=%d, N=%d", truth.Config.Latent, truth.N, m.Config.Latent, m.N)
	}
	ref, err := truth.Evaluate(grid)
	if err != nil {
		return nil, fmt.Errorf("clds: Recovery: truth: %w", err)
	}
	r := &Recovery{GridPoints: len(grid)}
	var num, den float64
	for k := range grid {
		for i, ev := range fit.Eigenvalues[k] {
			r.EigenvalueMaxError = math.Max(r.EigenvalueMaxError, cmplxAbs(ev-ref.Eigenvalues[k][i]))
		}
		y, yt := fit.ObsFixedPoints[k], ref.ObsFixedPoints[k]
		if y == nil || yt == nil {
			return nil, fmt.Errorf("clds: Recovery: I − A(u) is singular at grid[%d] = %v", k, grid[k])
		}
		var dy mat.VecDense
		dy.SubVec(y, yt)
		e, t := dy.Norm(2), yt.Norm(2)
		num, den = num+e*e, den+t*t
		if rel := e / t; rel > r.FixedPointWorstRelError {
			r.FixedPointWorstRelError, r.WorstCondition = rel, append([]float64(nil), grid[k]...)
		}
		r.AMaxAbsError = math.Max(r.AMaxAbsError, maxAbsDiff(fit.A[k], ref.A[k]))
		r.BMaxAbsError = math.Max(r.BMaxAbsError, maxAbsDiff(fit.B[k], ref.B[k]))
	}
	r.FixedPointRelError = math.Sqrt(num / den)
	return r, nil
}

func cmplxAbs(z complex128) float64 { return math.Hypot(real(z), imag(z)) }

// maxAbsDiff returns max |a_ij − b_ij| of two matrices of the same shape.
func maxAbsDiff(a, b mat.Matrix) float64 {
	r, c := a.Dims()
	var out float64
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out = math.Max(out, math.Abs(a.At(i, j)-b.At(i, j)))
		}
	}
	return out
}

// Coverage returns the fraction of true latent values that fall inside the
// smoother's central credible band at level (e.g. 0.95: mean ± 1.96 sd of
// the marginal posterior of each latent coordinate), over every time step
// and latent dimension of trials; latents[b] (T_b × D) is trial b's true
// latent path in m's coordinates (for a fit of a simulation, AlignTo the
// true loadings first). A calibrated posterior covers about level of them.
func (m *Model) Coverage(trials []Trial, latents []*mat.Dense, level float64) (float64, error) {
	if err := m.ValidateTrials(trials); err != nil {
		return 0, err
	}
	if len(latents) != len(trials) {
		return 0, fmt.Errorf("clds: Coverage: %d latent paths for %d trials", len(latents), len(trials))
	}
	if !(level > 0 && level < 1) {
		return 0, fmt.Errorf("clds: Coverage: level=%v, want 0 < level < 1", level)
	}
	z := distuv.UnitNormal.Quantile((1 + level) / 2)
	d := m.Config.Latent
	var in, all int
	for b, tr := range trials {
		if latents[b] == nil {
			return 0, fmt.Errorf("clds: Coverage: latents[%d] is nil", b)
		}
		if r, c := latents[b].Dims(); r != tr.Len() || c != d {
			return 0, fmt.Errorf("clds: Coverage: latents[%d] is %d×%d, want T×D = %d×%d", b, r, c, tr.Len(), d)
		}
		p, err := m.Smooth(tr)
		if err != nil {
			return 0, fmt.Errorf("clds: Coverage: trials[%d]: %w", b, err)
		}
		for t := 0; t < p.T; t++ {
			for i := 0; i < d; i++ {
				mean, sd := p.Mean[t*d+i], math.Sqrt(p.Cov[(t*d+i)*d+i])
				if math.Abs(latents[b].At(t, i)-mean) <= z*sd {
					in++
				}
				all++
			}
		}
	}
	return float64(in) / float64(all), nil
}

// EigenAngleCurves returns, for each eigenvalue of A(u) in the order of
// EigenAngles, the angle of its eigenvector (Q-whitened coordinates) along
// grid in degrees, unwrapped by continuity: the angle of an axis is
// defined modulo 180°, and each step takes the representative nearest the
// previous one, so a curve does not jump at 180°. When near is not nil,
// curve i starts within 90° of near[i][0] (e.g. the truth's curve), so
// that the two can be drawn on one axis.
func (m *Model) EigenAngleCurves(grid [][]float64, near [][]float64) ([][]float64, error) {
	var out [][]float64
	for k, u := range grid {
		_, angles, err := m.EigenAngles(u)
		if err != nil {
			return nil, fmt.Errorf("clds: EigenAngleCurves: grid[%d]: %w", k, err)
		}
		if out == nil {
			out = make([][]float64, len(angles))
		}
		for i, a := range angles {
			deg := a * 180 / math.Pi
			prev := deg
			switch {
			case k > 0:
				prev = out[i][k-1]
			case i < len(near) && len(near[i]) > 0:
				prev = near[i][0]
			}
			out[i] = append(out[i], deg-180*math.Round((deg-prev)/180))
		}
	}
	return out, nil
}
