package lds

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Smoother is a reusable Kalman filter and Rauch–Tung–Striebel smoother for
// one Model. It owns all scratch memory, so after the first trial of a
// given length, Filter and Smooth do not allocate. A Smoother is not safe
// for concurrent use; give each goroutine its own.
//
// The measurement update works in information form on whitened
// observations. With R = L_R L_Rᵀ, z_t = L_R⁻¹(y_t − d_t) and
// C̃_t = L_R⁻¹ C_t, the update needs only the D×D matrix J_t = C̃_tᵀ C̃_t and
// the D-vector C̃_tᵀ r_t, r_t = z_t − C̃_t m_{t|t−1}. With the predicted
// covariance P = L_P L_Pᵀ and M = I + L_Pᵀ J_t L_P = L_M L_Mᵀ:
//
//	P_{t|t}  = K Kᵀ,                      K = L_P L_M⁻ᵀ
//	m_{t|t}  = m + L_P L_M⁻ᵀ L_M⁻¹ L_Pᵀ C̃ᵀ r
//	log p(y_t | y_{<t}) = −½ [N log 2π + log|R| + log|M| + ‖r‖² − ‖L_M⁻¹ L_Pᵀ C̃ᵀ r‖²]
//
// by the matrix determinant lemma and the Woodbury identity. No N×N matrix
// is factorised per step: the cost is O(N D) per step for static C with a
// diagonal R, O(N² + N D) for a full R (one triangular solve), and
// O(N² D) when C varies in time, instead of the O(N³) of the textbook
// update. P_{t|t} is a product K Kᵀ, so it stays symmetric positive
// semi-definite by construction.
//
// The smoother uses G_t = P_{t|t} A_tᵀ P_{t+1|t}⁻¹ and the Joseph-like form
//
//	V_t = (I − G_t A_t) P_{t|t} (I − G_t A_t)ᵀ + G_t (Q + V_{t+1}) G_tᵀ
//
// which equals P_{t|t} + G_t (V_{t+1} − P_{t+1|t}) G_tᵀ but is a sum of
// positive semi-definite terms, and E[x_t x_{t+1}ᵀ] = G_t V_{t+1} + m_t m_{t+1}ᵀ.
type Smoother struct {
	d, n int

	// Static parameters, flat.
	a, b, c, dd, q, m0, s0 []float64
	lr                     []float64 // Cholesky factor of R
	rDiag                  bool      // R is diagonal: whitening is a scaling
	rInvSqrt               []float64 // 1/sqrt(R_ii) when rDiag
	logDetR                float64
	ct, j                  []float64 // whitened static C and J = C̃ᵀC̃

	// Per-trial buffers, grown to the longest trial seen.
	predChol []float64

	// Per-step scratch.
	z, r, col, ctT []float64
	jt             []float64
	u, g, w        []float64
	t1, t2, t3, t4 []float64
}

// NewSmoother validates m and returns a Smoother for it.
func NewSmoother(m *Model) (*Smoother, error) {
	s := &Smoother{}
	if err := s.SetModel(m); err != nil {
		return nil, err
	}
	return s, nil
}

// SetModel validates m and prepares the Smoother for it, reusing memory
// when the dimensions are unchanged.
func (s *Smoother) SetModel(m *Model) error {
	if err := m.Validate(); err != nil {
		return err
	}
	d, n := m.Dims()
	s.setModel(m, d, n)
	return nil
}

func resize(x []float64, n int) []float64 {
	if cap(x) < n {
		return make([]float64, n)
	}
	return x[:n]
}

func (s *Smoother) setModel(m *Model, d, n int) {
	s.d, s.n = d, n
	dd, nd := d*d, n*d
	s.a = copyDense(s.a, m.A, d, d)
	s.c = copyDense(s.c, m.C, n, d)
	s.b = copyVec(s.b, m.B, d)
	s.dd = copyVec(s.dd, m.D, n)
	s.m0 = copyVec(s.m0, m.M0, d)
	s.q = copySym(s.q, m.Q)
	s.s0 = copySym(s.s0, m.S0)
	s.lr = copySym(s.lr, m.R)
	s.rDiag = true
	for i := 0; i < n && s.rDiag; i++ {
		for k := 0; k < n; k++ {
			if k != i && s.lr[i*n+k] != 0 {
				s.rDiag = false
				break
			}
		}
	}
	if !cholesky(s.lr, n) {
		panic("lds: R passed validation but is not positive definite")
	}
	s.logDetR = logDetChol(s.lr, n)
	s.rInvSqrt = resize(s.rInvSqrt, n)
	for i := 0; i < n; i++ {
		s.rInvSqrt[i] = 1 / s.lr[i*n+i]
	}
	s.col = resize(s.col, n)
	s.ct = resize(s.ct, nd)
	s.j = resize(s.j, dd)
	s.whitenC(s.ct, s.c)
	gram(s.j, s.ct, n, d)

	s.z = resize(s.z, n)
	s.r = resize(s.r, n)
	s.ctT = resize(s.ctT, nd)
	s.jt = resize(s.jt, dd)
	s.u = resize(s.u, d)
	s.g = resize(s.g, d)
	s.w = resize(s.w, d)
	s.t1 = resize(s.t1, dd)
	s.t2 = resize(s.t2, dd)
	s.t3 = resize(s.t3, dd)
	s.t4 = resize(s.t4, dd)
}

func copyDense(dst []float64, x *mat.Dense, r, c int) []float64 {
	dst = resize(dst, r*c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			dst[i*c+j] = x.At(i, j)
		}
	}
	return dst
}

func copyVec(dst []float64, x *mat.VecDense, n int) []float64 {
	dst = resize(dst, n)
	for i := range dst {
		dst[i] = 0
		if x != nil {
			dst[i] = x.AtVec(i)
		}
	}
	return dst
}

func copySym(dst []float64, x *mat.SymDense) []float64 {
	n := x.SymmetricDim()
	dst = resize(dst, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			dst[i*n+j] = x.At(i, j)
		}
	}
	return dst
}

// whitenC sets dst = L_R⁻¹ c for an N×D matrix c.
func (s *Smoother) whitenC(dst, c []float64) {
	n, d := s.n, s.d
	if s.rDiag {
		for i := 0; i < n; i++ {
			f := s.rInvSqrt[i]
			for k := 0; k < d; k++ {
				dst[i*d+k] = c[i*d+k] * f
			}
		}
		return
	}
	// One forward substitution per column: the inner products run over
	// contiguous rows of L_R.
	col := s.col
	for k := 0; k < d; k++ {
		for i := 0; i < n; i++ {
			col[i] = c[i*d+k]
		}
		solveLower(s.lr, n, col)
		for i := 0; i < n; i++ {
			dst[i*d+k] = col[i]
		}
	}
}

// WhitenLoadings sets dst = L_R⁻¹ c for the N×D matrix c (row-major),
// where R = L_R L_Rᵀ is the Cholesky factorisation the Smoother uses; see
// Varying.CW. dst and c must have length N·D.
func (s *Smoother) WhitenLoadings(dst, c []float64) error {
	if len(dst) != s.n*s.d || len(c) != s.n*s.d {
		return errorf("WhitenLoadings: lengths %d and %d, want N·D=%d", len(dst), len(c), s.n*s.d)
	}
	s.whitenC(dst, c)
	return nil
}

// whitenY sets z = L_R⁻¹ (y − d).
func (s *Smoother) whitenY(z []float64, y *mat.Dense, t int, d []float64) {
	raw := y.RawRowView(t)
	for i := range z {
		z[i] = raw[i] - d[i]
	}
	if s.rDiag {
		for i, f := range s.rInvSqrt {
			z[i] *= f
		}
		return
	}
	solveLower(s.lr, s.n, z)
}

// gram sets j = cᵀ c for an n×d matrix c.
func gram(j, c []float64, n, d int) {
	for i := range j[:d*d] {
		j[i] = 0
	}
	for i := 0; i < n; i++ {
		row := c[i*d : i*d+d]
		for a, va := range row {
			ja := j[a*d : a*d+d]
			for b := a; b < d; b++ {
				ja[b] += va * row[b]
			}
		}
	}
	for a := 0; a < d; a++ {
		for b := a + 1; b < d; b++ {
			j[b*d+a] = j[a*d+b]
		}
	}
}

// stepA returns A_t for the trial.
func (s *Smoother) stepA(v *Varying, t int) []float64 {
	if v != nil && v.A != nil {
		dd := s.d * s.d
		return v.A[t*dd : t*dd+dd]
	}
	return s.a
}

func (s *Smoother) stepB(v *Varying, t int) []float64 {
	if v != nil && v.B != nil {
		return v.B[t*s.d : t*s.d+s.d]
	}
	return s.b
}

func (s *Smoother) stepD(v *Varying, t int) []float64 {
	if v != nil && v.D != nil {
		return v.D[t*s.n : t*s.n+s.n]
	}
	return s.dd
}

// Filtered holds the Kalman filter's output for one trial of length T, as
// flat row-major slices: Mean[t*D:] = m_{t|t} = E[x_t | y_0..y_t],
// Cov[t*D*D:] = P_{t|t}, PredMean[t*D:] = m_{t|t−1} and PredCov[t*D*D:] =
// P_{t|t−1} (m_{0|−1} = m0, P_{0|−1} = S0). LogLik = log p(y_0..y_{T−1}),
// summed over observed steps.
type Filtered struct {
	T, D              int
	LogLik            float64
	Mean, Cov         []float64
	PredMean, PredCov []float64
}

func (f *Filtered) resize(T, d int) {
	f.T, f.D = T, d
	f.Mean = resize(f.Mean, T*d)
	f.Cov = resize(f.Cov, T*d*d)
	f.PredMean = resize(f.PredMean, T*d)
	f.PredCov = resize(f.PredCov, T*d*d)
}

// MeanAt returns a copy of m_{t|t}.
func (f *Filtered) MeanAt(t int) *mat.VecDense {
	return mat.NewVecDense(f.D, append([]float64(nil), f.Mean[t*f.D:(t+1)*f.D]...))
}

// CovAt returns a copy of P_{t|t}.
func (f *Filtered) CovAt(t int) *mat.SymDense {
	dd := f.D * f.D
	return mat.NewSymDense(f.D, append([]float64(nil), f.Cov[t*dd:(t+1)*dd]...))
}

// Filter runs the Kalman filter over tr and writes the result to dst,
// reusing dst's memory. The trial must be valid for the Smoother's model
// (see ValidateTrials; only shapes are rechecked here, cheaply). A
// covariance that stops being positive definite returns a *NumericalError.
func (s *Smoother) Filter(tr *Trial, dst *Filtered) error {
	if err := s.checkShape(tr); err != nil {
		return err
	}
	return s.filter(tr, dst)
}

func (s *Smoother) checkShape(tr *Trial) error {
	return validateShape(tr, s.d, s.n)
}

// validateShape is the O(1) part of validateTrial.
func validateShape(tr *Trial, d, n int) error {
	if tr.Y == nil {
		return errorf("trial.Y is nil")
	}
	T, c := tr.Y.Dims()
	if T == 0 || c != n {
		return errorf("trial.Y is %d×%d, want T×%d with T > 0", T, c, n)
	}
	if tr.Mask != nil && len(tr.Mask) != T {
		return errorf("trial.Mask has length %d, want T=%d", len(tr.Mask), T)
	}
	if v := tr.Varying; v != nil {
		if v.A != nil && len(v.A) != T*d*d && len(v.A) != (T-1)*d*d {
			return errorf("trial.Varying.A has length %d, want %d or %d", len(v.A), (T-1)*d*d, T*d*d)
		}
		if v.B != nil && len(v.B) != T*d && len(v.B) != (T-1)*d {
			return errorf("trial.Varying.B has length %d, want %d or %d", len(v.B), (T-1)*d, T*d)
		}
		if v.C != nil && len(v.C) != T*n*d {
			return errorf("trial.Varying.C has length %d, want %d", len(v.C), T*n*d)
		}
		if v.CW != nil && len(v.CW) != T*n*d {
			return errorf("trial.Varying.CW has length %d, want %d", len(v.CW), T*n*d)
		}
		if v.D != nil && len(v.D) != T*n {
			return errorf("trial.Varying.D has length %d, want %d", len(v.D), T*n)
		}
		if v.M0 != nil && len(v.M0) != d {
			return errorf("trial.Varying.M0 has length %d, want %d", len(v.M0), d)
		}
	}
	return nil
}

func (s *Smoother) filter(tr *Trial, dst *Filtered) error {
	d, n := s.d, s.n
	dd := d * d
	T := tr.Len()
	dst.resize(T, d)
	s.predChol = resize(s.predChol, T*dd)
	v := tr.Varying

	// Initial prediction.
	copy(dst.PredMean[:d], s.m0)
	if v != nil && v.M0 != nil {
		copy(dst.PredMean[:d], v.M0)
	}
	copy(dst.PredCov[:dd], s.s0)
	copy(s.predChol[:dd], s.s0)
	if !cholesky(s.predChol[:dd], d) {
		return &NumericalError{Step: 0, What: "initial covariance S0 is not positive definite"}
	}

	halfConst := 0.5 * (float64(n)*math.Log(2*math.Pi) + s.logDetR)
	var ll float64
	for t := 0; t < T; t++ {
		mp := dst.PredMean[t*d : t*d+d]
		pp := dst.PredCov[t*dd : t*dd+dd]
		lp := s.predChol[t*dd : t*dd+dd]
		mf := dst.Mean[t*d : t*d+d]
		pf := dst.Cov[t*dd : t*dd+dd]
		if tr.observed(t) {
			ct, j := s.ct, s.j
			if v != nil && v.CW != nil {
				ct, j = v.CW[t*n*d:(t+1)*n*d], s.jt
				gram(j, ct, n, d)
			} else if v != nil && v.C != nil {
				ct, j = s.ctT, s.jt
				s.whitenC(ct, v.C[t*n*d:(t+1)*n*d])
				gram(j, ct, n, d)
			}
			s.whitenY(s.z, tr.Y, t, s.stepD(v, t))
			// r = z − C̃ m, u = C̃ᵀ r.
			mulMV(s.r, ct, n, d, mp)
			var rr float64
			for i, zi := range s.z {
				ri := zi - s.r[i]
				s.r[i] = ri
				rr += ri * ri
			}
			mulMTV(s.u, ct, n, d, s.r)
			// g = L_Pᵀ u.
			mulMTV(s.g, lp, d, d, s.u)
			// M = I + L_Pᵀ J L_P.
			mulNN(s.t1, j, lp, d)
			mulTN(s.t2, lp, s.t1, d)
			for i := 0; i < d; i++ {
				s.t2[i*d+i] += 1
			}
			symmetrize(s.t2, d)
			if !cholesky(s.t2, d) {
				return &NumericalError{Step: t, What: "innovation matrix I + L_Pᵀ Cᵀ R⁻¹ C L_P is not positive definite"}
			}
			lm := s.t2
			copy(s.w, s.g)
			solveLower(lm, d, s.w)
			var ww float64
			for _, x := range s.w {
				ww += x * x
			}
			ll -= halfConst + 0.5*(logDetChol(lm, d)+rr-ww)
			// m_f = m + L_P L_M⁻ᵀ w.
			solveLowerT(lm, d, s.w)
			mulMV(s.u, lp, d, d, s.w)
			for i := range mf {
				mf[i] = mp[i] + s.u[i]
			}
			// K = L_P L_M⁻ᵀ row by row: L_M K[k,:]ᵀ = L_P[k,:]ᵀ.
			k := s.t1
			copy(k, lp)
			for row := 0; row < d; row++ {
				solveLower(lm, d, k[row*d:row*d+d])
			}
			mulNT(pf, k, k, d)
		} else {
			copy(mf, mp)
			copy(pf, pp)
		}
		if t == T-1 {
			break
		}
		// Predict.
		a := s.stepA(v, t)
		bt := s.stepB(v, t)
		mn := dst.PredMean[(t+1)*d : (t+2)*d]
		mulMV(mn, a, d, d, mf)
		for i := range mn {
			mn[i] += bt[i]
		}
		pn := dst.PredCov[(t+1)*dd : (t+2)*dd]
		mulNN(s.t1, a, pf, d)
		mulNT(pn, s.t1, a, d)
		for i, qv := range s.q {
			pn[i] += qv
		}
		symmetrize(pn, d)
		ln := s.predChol[(t+1)*dd : (t+2)*dd]
		copy(ln, pn)
		if !cholesky(ln, d) {
			return &NumericalError{Step: t + 1, What: "predicted covariance is not positive definite"}
		}
	}
	dst.LogLik = ll
	if math.IsNaN(ll) || math.IsInf(ll, 0) {
		return &NumericalError{Step: T - 1, What: "log-likelihood is not finite"}
	}
	return nil
}
