package lds

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Model holds the parameters of a linear-Gaussian state-space model with
// latent dimension D and observation dimension N:
//
//	x_0     ~ N(M0, S0)
//	x_{t+1} = A x_t + B + w_t,   w_t ~ N(0, Q)
//	y_t     = C x_t + D + v_t,   v_t ~ N(0, R)
//
// B and D are the offsets b and d of the paper's notation (not input
// matrices). A trial may replace A, B, C, D and M0 by time-varying values
// through its Varying field; Q, R and S0 are always shared.
//
// A (D×D), C (N×D), Q (D×D), R (N×N), M0 (D) and S0 (D×D) are required;
// B and D may be nil, meaning zero. Q, R and S0 must be positive definite.
type Model struct {
	A  *mat.Dense
	B  *mat.VecDense
	C  *mat.Dense
	D  *mat.VecDense
	Q  *mat.SymDense
	R  *mat.SymDense
	M0 *mat.VecDense
	S0 *mat.SymDense
}

// Dims returns the latent dimension D and the observation dimension N
// (zeros for a nil model or one without S0 or R).
func (m *Model) Dims() (d, n int) {
	if m == nil || m.S0 == nil || m.R == nil {
		return 0, 0
	}
	return m.S0.SymmetricDim(), m.R.SymmetricDim()
}

// Clone returns a deep copy of m.
func (m *Model) Clone() *Model {
	c := &Model{}
	if m.A != nil {
		c.A = mat.DenseCopyOf(m.A)
	}
	if m.B != nil {
		c.B = mat.VecDenseCopyOf(m.B)
	}
	if m.C != nil {
		c.C = mat.DenseCopyOf(m.C)
	}
	if m.D != nil {
		c.D = mat.VecDenseCopyOf(m.D)
	}
	if m.Q != nil {
		c.Q = mat.NewSymDense(m.Q.SymmetricDim(), nil)
		c.Q.CopySym(m.Q)
	}
	if m.R != nil {
		c.R = mat.NewSymDense(m.R.SymmetricDim(), nil)
		c.R.CopySym(m.R)
	}
	if m.M0 != nil {
		c.M0 = mat.VecDenseCopyOf(m.M0)
	}
	if m.S0 != nil {
		c.S0 = mat.NewSymDense(m.S0.SymmetricDim(), nil)
		c.S0.CopySym(m.S0)
	}
	return c
}

// Validate checks shapes, finiteness and positive definiteness of m. The
// error names the offending field.
func (m *Model) Validate() error {
	if m == nil {
		return fmt.Errorf("lds: model is nil")
	}
	if m.S0 == nil {
		return fmt.Errorf("lds: Model.S0 is nil")
	}
	if m.R == nil {
		return fmt.Errorf("lds: Model.R is nil")
	}
	d, n := m.Dims()
	if d == 0 || n == 0 {
		return fmt.Errorf("lds: Model has D=%d latent and N=%d observed dimensions, both must be positive", d, n)
	}
	check := func(name string, x mat.Matrix, r, c int) error {
		if x == nil {
			return fmt.Errorf("lds: Model.%s is nil, want %d×%d", name, r, c)
		}
		xr, xc := x.Dims()
		if xr != r || xc != c {
			return fmt.Errorf("lds: Model.%s is %d×%d, want %d×%d (D=%d, N=%d)", name, xr, xc, r, c, d, n)
		}
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				if v := x.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("lds: Model.%s[%d,%d] is %v", name, i, j, v)
				}
			}
		}
		return nil
	}
	if err := check("A", m.A, d, d); err != nil {
		return err
	}
	if m.B != nil {
		if err := check("B", m.B, d, 1); err != nil {
			return err
		}
	}
	if err := check("C", m.C, n, d); err != nil {
		return err
	}
	if m.D != nil {
		if err := check("D", m.D, n, 1); err != nil {
			return err
		}
	}
	if err := check("M0", m.M0, d, 1); err != nil {
		return err
	}
	for _, s := range []struct {
		name string
		x    *mat.SymDense
		dim  int
	}{{"Q", m.Q, d}, {"R", m.R, n}, {"S0", m.S0, d}} {
		if err := check(s.name, s.x, s.dim, s.dim); err != nil {
			return err
		}
		var ch mat.Cholesky
		if !ch.Factorize(s.x) {
			return fmt.Errorf("lds: Model.%s is not positive definite", s.name)
		}
	}
	return nil
}

// Varying holds time-varying parameters for one trial of length T, as flat
// row-major slices (the layout of gonum's RawMatrix, so a *mat.Dense can be
// built over them without copying). A nil field means the Model's static
// value. Parameters with index t drive the step t → t+1 (A, B) or emit y_t
// (C, D):
//
//	A: T−1 or T blocks of D×D, A_t at A[t*D*D:]; A_{T−1} is never used
//	B: T−1 or T blocks of D
//	C: T blocks of N×D
//	D: T blocks of N
//	M0: D, the trial's initial mean
//	CW: T blocks of N×D holding L_R⁻¹ C_t, the loadings already whitened
//	    by the Cholesky factor of R (see Smoother.WhitenLoadings); when set,
//	    C is ignored. Callers that build C_t = Σ_l φ_l(u_t) C_l can whiten
//	    the few C_l once instead of every C_t, saving O(N² D) per step.
type Varying struct {
	A, B, C, D, M0 []float64
	CW             []float64
}

// Trial is one sequence of observations y_0..y_{T−1}, the rows of Y (T×N).
// Mask, when not nil, has length T and Mask[t] == false marks y_t as
// missing: the filter skips its update step and Y's row t is never read
// (it may hold NaN). Varying, when not nil, overrides the static
// parameters for this trial.
type Trial struct {
	Y       *mat.Dense
	Mask    []bool
	Varying *Varying
}

// Len returns the number of time steps T.
func (tr *Trial) Len() int {
	if tr.Y == nil {
		return 0
	}
	r, _ := tr.Y.Dims()
	return r
}

// observed reports whether y_t is observed.
func (tr *Trial) observed(t int) bool { return tr.Mask == nil || tr.Mask[t] }

// ValidateTrials checks every trial against the model's dimensions D and
// N: a non-empty Y with N columns, finite observed values, a mask and
// time-varying parameters of consistent lengths. The error names the
// argument, the trial and the index, e.g. "trials[3].Y[12,4] is NaN".
func (m *Model) ValidateTrials(trials []Trial) error {
	if m == nil {
		return fmt.Errorf("lds: model is nil")
	}
	d, n := m.Dims()
	if d == 0 || n == 0 {
		return m.Validate()
	}
	return validateTrials(trials, d, n)
}

func validateTrials(trials []Trial, d, n int) error {
	if len(trials) == 0 {
		return fmt.Errorf("lds: trials is empty")
	}
	for i := range trials {
		if err := validateTrial(&trials[i], i, d, n); err != nil {
			return err
		}
	}
	return nil
}

// Observed returns the number of observed bins of the trial (T minus the
// masked ones).
func (tr *Trial) Observed() int {
	n := tr.Len()
	for _, ok := range tr.Mask {
		if !ok {
			n--
		}
	}
	return n
}

// ObservedBins returns the number of observed bins of all trials, the
// denominator of a log-likelihood per bin.
func ObservedBins(trials []Trial) int {
	var n int
	for i := range trials {
		n += trials[i].Observed()
	}
	return n
}

func validateTrial(tr *Trial, i, d, n int) error {
	if tr.Y == nil {
		return fmt.Errorf("lds: trials[%d].Y is nil", i)
	}
	T, c := tr.Y.Dims()
	if T == 0 {
		return fmt.Errorf("lds: trials[%d] is empty (Y has 0 rows)", i)
	}
	if c != n {
		return fmt.Errorf("lds: trials[%d].Y has %d columns, want N=%d", i, c, n)
	}
	if tr.Mask != nil && len(tr.Mask) != T {
		return fmt.Errorf("lds: trials[%d].Mask has length %d, want T=%d", i, len(tr.Mask), T)
	}
	for t := 0; t < T; t++ {
		if !tr.observed(t) {
			continue
		}
		for j := 0; j < n; j++ {
			if v := tr.Y.At(t, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("lds: trials[%d].Y[%d,%d] is %v (mark missing bins with Mask)", i, t, j, v)
			}
		}
	}
	if v := tr.Varying; v != nil {
		blocks := func(name string, x []float64, size int, allowShort bool) error {
			if x == nil {
				return nil
			}
			if len(x) != T*size && !(allowShort && len(x) == (T-1)*size) {
				if allowShort {
					return fmt.Errorf("lds: trials[%d].Varying.%s has length %d, want %d (T−1=%d blocks of %d) or %d (T blocks)",
						i, name, len(x), (T-1)*size, T-1, size, T*size)
				}
				return fmt.Errorf("lds: trials[%d].Varying.%s has length %d, want %d (T=%d blocks of %d)", i, name, len(x), T*size, T, size)
			}
			for k, val := range x {
				if math.IsNaN(val) || math.IsInf(val, 0) {
					return fmt.Errorf("lds: trials[%d].Varying.%s[%d] (step %d) is %v", i, name, k, k/size, val)
				}
			}
			return nil
		}
		if err := blocks("A", v.A, d*d, true); err != nil {
			return err
		}
		if err := blocks("B", v.B, d, true); err != nil {
			return err
		}
		if err := blocks("C", v.C, n*d, false); err != nil {
			return err
		}
		if err := blocks("CW", v.CW, n*d, false); err != nil {
			return err
		}
		if err := blocks("D", v.D, n, false); err != nil {
			return err
		}
		if v.M0 != nil {
			if len(v.M0) != d {
				return fmt.Errorf("lds: trials[%d].Varying.M0 has length %d, want D=%d", i, len(v.M0), d)
			}
			if !finite(v.M0) {
				return fmt.Errorf("lds: trials[%d].Varying.M0 is not finite", i)
			}
		}
	}
	return nil
}

// NumericalError reports a covariance that lost positive definiteness
// during filtering or smoothing.
type NumericalError struct {
	Step int    // time step within the trial
	What string // what failed
}

func (e *NumericalError) Error() string {
	return fmt.Sprintf("lds: step %d: %s", e.Step, e.What)
}

func errorf(format string, args ...any) error {
	return fmt.Errorf("lds: "+format, args...)
}
