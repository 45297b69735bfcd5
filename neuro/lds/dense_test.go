package lds

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"
)

// randSPD returns a random symmetric positive-definite n×n matrix with
// eigenvalues roughly in [scale/2, 2 scale].
func randSPD(rng *rand.Rand, n int, scale float64) *mat.SymDense {
	a := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a.Set(i, j, rng.NormFloat64()/math.Sqrt(float64(n)))
		}
	}
	s := mat.NewSymDense(n, nil)
	s.SymOuterK(0.5*scale, a)
	for i := 0; i < n; i++ {
		s.SetSym(i, i, s.At(i, i)+scale)
	}
	return s
}

func randDense(rng *rand.Rand, r, c int, scale float64) *mat.Dense {
	a := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			a.Set(i, j, scale*rng.NormFloat64())
		}
	}
	return a
}

func randVec(rng *rand.Rand, n int, scale float64) *mat.VecDense {
	v := mat.NewVecDense(n, nil)
	for i := 0; i < n; i++ {
		v.SetVec(i, scale*rng.NormFloat64())
	}
	return v
}

func randFlat(rng *rand.Rand, n int, scale float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = scale * rng.NormFloat64()
	}
	return x
}

// randModel draws a stable random model.
func randModel(rng *rand.Rand, d, n int) *Model {
	a := randDense(rng, d, d, 0.5/math.Sqrt(float64(d)))
	return &Model{
		A: a, B: randVec(rng, d, 0.3), C: randDense(rng, n, d, 1), D: randVec(rng, n, 0.5),
		Q: randSPD(rng, d, 0.3), R: randSPD(rng, n, 0.5), M0: randVec(rng, d, 1), S0: randSPD(rng, d, 0.7),
	}
}

// randTrial draws a trial with time-varying A, B, C, D, some missing bins,
// and observations from the model's prior predictive (roughly).
func randTrial(rng *rand.Rand, m *Model, T int, varying, missing bool) Trial {
	d, n := m.Dims()
	tr := Trial{Y: randDense(rng, T, n, 1.5)}
	if varying {
		tr.Varying = &Varying{
			A:  randFlat(rng, (T-1)*d*d, 0.6/math.Sqrt(float64(d))),
			B:  randFlat(rng, (T-1)*d, 0.3),
			C:  randFlat(rng, T*n*d, 1),
			D:  randFlat(rng, T*n, 0.5),
			M0: randFlat(rng, d, 1),
		}
	}
	if missing {
		tr.Mask = make([]bool, T)
		for t := range tr.Mask {
			tr.Mask[t] = rng.Float64() > 0.25
		}
		tr.Mask[T-1] = false
		for t := range tr.Mask {
			if !tr.Mask[t] {
				for j := 0; j < n; j++ {
					tr.Y.Set(t, j, math.NaN())
				}
			}
		}
	}
	return tr
}

// denseGaussian builds the joint Gaussian of the stacked latents
// x = (x_0..x_{T−1}) and observed outputs directly from the model
// equations, without any recursion: x = μ + G ε with ε = (x_0 − m0, w_0..)
// independent, so Cov(x) = G blkdiag(S0, Q, ...) Gᵀ.
type denseGaussian struct {
	muX, muY      *mat.VecDense
	sxx, sxy, syy *mat.Dense
	y             *mat.VecDense
	obsRows       []int
	T, D, N, NObs int
}

func stepParams(m *Model, tr *Trial, t int) (a, c *mat.Dense, b, dv *mat.VecDense) {
	d, n := m.Dims()
	a, c, b, dv = m.A, m.C, m.B, m.D
	if b == nil {
		b = mat.NewVecDense(d, nil)
	}
	if dv == nil {
		dv = mat.NewVecDense(n, nil)
	}
	if v := tr.Varying; v != nil {
		if v.A != nil && t < len(v.A)/(d*d) {
			a = mat.NewDense(d, d, v.A[t*d*d:(t+1)*d*d])
		}
		if v.B != nil && t < len(v.B)/d {
			b = mat.NewVecDense(d, v.B[t*d:(t+1)*d])
		}
		if v.C != nil {
			c = mat.NewDense(n, d, v.C[t*n*d:(t+1)*n*d])
		}
		if v.D != nil {
			dv = mat.NewVecDense(n, v.D[t*n:(t+1)*n])
		}
	}
	return a, c, b, dv
}

func newDenseGaussian(m *Model, tr *Trial) *denseGaussian {
	d, n := m.Dims()
	T := tr.Len()
	TD := T * d
	// Transition products: Phi(t, s) maps x_s to x_t.
	g := mat.NewDense(TD, TD, nil)
	muX := mat.NewVecDense(TD, nil)
	m0 := m.M0
	if tr.Varying != nil && tr.Varying.M0 != nil {
		m0 = mat.NewVecDense(d, tr.Varying.M0)
	}
	for i := 0; i < d; i++ {
		muX.SetVec(i, m0.AtVec(i))
		g.Set(i, i, 1)
	}
	for t := 1; t < T; t++ {
		a, _, b, _ := stepParams(m, tr, t-1)
		prevMu := mat.NewVecDense(d, nil)
		prevMu.CopyVec(muX.SliceVec((t-1)*d, t*d))
		var mu mat.VecDense
		mu.MulVec(a, prevMu)
		mu.AddVec(&mu, b)
		for i := 0; i < d; i++ {
			muX.SetVec(t*d+i, mu.AtVec(i))
		}
		var rows mat.Dense
		rows.Mul(a, g.Slice((t-1)*d, t*d, 0, TD))
		g.Slice(t*d, (t+1)*d, 0, TD).(*mat.Dense).Copy(&rows)
		for i := 0; i < d; i++ {
			g.Set(t*d+i, t*d+i, g.At(t*d+i, t*d+i)+1)
		}
	}
	lam := mat.NewDense(TD, TD, nil)
	for t := 0; t < T; t++ {
		src := m.Q
		if t == 0 {
			src = m.S0
		}
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				lam.Set(t*d+i, t*d+j, src.At(i, j))
			}
		}
	}
	sxx := mat.NewDense(TD, TD, nil)
	var tmp mat.Dense
	tmp.Mul(g, lam)
	sxx.Mul(&tmp, g.T())

	var obs []int
	for t := 0; t < T; t++ {
		if tr.observed(t) {
			obs = append(obs, t)
		}
	}
	no := len(obs) * n
	cb := mat.NewDense(no, TD, nil)
	muY := mat.NewVecDense(no, nil)
	y := mat.NewVecDense(no, nil)
	rb := mat.NewDense(no, no, nil)
	for k, t := range obs {
		_, c, _, dv := stepParams(m, tr, t)
		for i := 0; i < n; i++ {
			for j := 0; j < d; j++ {
				cb.Set(k*n+i, t*d+j, c.At(i, j))
			}
			y.SetVec(k*n+i, tr.Y.At(t, i))
			for j := 0; j < n; j++ {
				rb.Set(k*n+i, k*n+j, m.R.At(i, j))
			}
		}
		var mu mat.VecDense
		mu.MulVec(c, muX.SliceVec(t*d, (t+1)*d))
		mu.AddVec(&mu, dv)
		for i := 0; i < n; i++ {
			muY.SetVec(k*n+i, mu.AtVec(i))
		}
	}
	sxy := mat.NewDense(TD, no, nil)
	sxy.Mul(sxx, cb.T())
	syy := mat.NewDense(no, no, nil)
	syy.Mul(cb, sxy)
	syy.Add(syy, rb)
	return &denseGaussian{muX: muX, muY: muY, sxx: sxx, sxy: sxy, syy: syy, y: y, obsRows: obs, T: T, D: d, N: n, NObs: no}
}

func (g *denseGaussian) logLik() float64 {
	if g.NObs == 0 {
		return 0
	}
	sym := mat.NewSymDense(g.NObs, nil)
	for i := 0; i < g.NObs; i++ {
		for j := i; j < g.NObs; j++ {
			sym.SetSym(i, j, 0.5*(g.syy.At(i, j)+g.syy.At(j, i)))
		}
	}
	dist, ok := distmv.NewNormal(g.muY.RawVector().Data, sym, nil)
	if !ok {
		panic("dense covariance not positive definite")
	}
	return dist.LogProb(g.y.RawVector().Data)
}

// posterior returns the conditional mean and covariance of the stacked x.
func (g *denseGaussian) posterior() (*mat.VecDense, *mat.Dense) {
	TD := g.T * g.D
	if g.NObs == 0 {
		return g.muX, g.sxx
	}
	var ch mat.Cholesky
	sym := mat.NewSymDense(g.NObs, nil)
	for i := 0; i < g.NObs; i++ {
		for j := i; j < g.NObs; j++ {
			sym.SetSym(i, j, 0.5*(g.syy.At(i, j)+g.syy.At(j, i)))
		}
	}
	if !ch.Factorize(sym) {
		panic("dense covariance not positive definite")
	}
	var resid mat.VecDense
	resid.SubVec(g.y, g.muY)
	var sol mat.VecDense
	if err := ch.SolveVecTo(&sol, &resid); err != nil {
		panic(err)
	}
	mean := mat.NewVecDense(TD, nil)
	mean.MulVec(g.sxy, &sol)
	mean.AddVec(mean, g.muX)
	var k mat.Dense
	if err := ch.SolveTo(&k, g.sxy.T()); err != nil {
		panic(err)
	}
	cov := mat.NewDense(TD, TD, nil)
	cov.Mul(g.sxy, &k)
	cov.Sub(g.sxx, cov)
	return mean, cov
}
