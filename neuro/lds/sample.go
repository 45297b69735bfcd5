package lds

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Sample draws latents x (T×D) and observations y (T×N) from the model,
// with the time-varying parameters v when not nil (layout as in Varying).
// The draw is deterministic given rng.
func (m *Model) Sample(rng *rand.Rand, T int, v *Varying) (x, y *mat.Dense, err error) {
	if err := m.Validate(); err != nil {
		return nil, nil, err
	}
	if T <= 0 {
		return nil, nil, fmt.Errorf("lds: Sample: T=%d, want T > 0", T)
	}
	if v != nil && v.CW != nil {
		return nil, nil, fmt.Errorf("lds: Sample: Varying.CW (whitened loadings) is not supported; pass Varying.C")
	}
	d, n := m.Dims()
	probe := Trial{Y: mat.NewDense(T, n, nil), Varying: v}
	if err := validateTrial(&probe, 0, d, n); err != nil {
		return nil, nil, fmt.Errorf("lds: Sample: %w", err)
	}
	s := &Smoother{}
	s.setModel(m, d, n)
	lq, ls0, lr := cholOf(s.q, d), cholOf(s.s0, d), cholOf(copySym(nil, m.R), n)
	x = mat.NewDense(T, d, nil)
	y = mat.NewDense(T, n, nil)
	noise := make([]float64, max(d, n))
	cur := make([]float64, d)
	next := make([]float64, d)
	copy(cur, s.m0)
	if v != nil && v.M0 != nil {
		copy(cur, v.M0)
	}
	addNoise(rng, cur, ls0, d, noise)
	c := make([]float64, n*d)
	obs := make([]float64, n)
	for t := 0; t < T; t++ {
		x.SetRow(t, cur)
		copy(c, s.c)
		if v != nil && v.C != nil {
			copy(c, v.C[t*n*d:(t+1)*n*d])
		}
		mulMV(obs, c, n, d, cur)
		dt := s.stepD(v, t)
		for i := range obs {
			obs[i] += dt[i]
		}
		addNoise(rng, obs, lr, n, noise)
		y.SetRow(t, obs)
		if t == T-1 {
			break
		}
		mulMV(next, s.stepA(v, t), d, d, cur)
		bt := s.stepB(v, t)
		for i := range next {
			next[i] += bt[i]
		}
		addNoise(rng, next, lq, d, noise)
		cur, next = next, cur
	}
	return x, y, nil
}

func cholOf(a []float64, n int) []float64 {
	l := append([]float64(nil), a...)
	if !cholesky(l, n) {
		panic("lds: validated covariance is not positive definite")
	}
	return l
}

// addNoise adds L ε to x, ε ~ N(0, I).
func addNoise(rng *rand.Rand, x, l []float64, n int, eps []float64) {
	for i := 0; i < n; i++ {
		eps[i] = rng.NormFloat64()
	}
	for i := 0; i < n; i++ {
		var s float64
		for k := 0; k <= i; k++ {
			s += l[i*n+k] * eps[k]
		}
		x[i] += s
	}
}
