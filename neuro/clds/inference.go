package clds

import (
	"fmt"
	"math/rand/v2"
	"runtime"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/lds"
)

// LDS returns the linear-Gaussian state-space model that m induces on one
// trial: the static parameters and the time-varying A(u_t), b(u_t),
// C(u_t), d(u_t), m0(u_0) along tr.U. Use it to reach everything in
// package lds (filtering, forecasting, custom analyses).
func (m *Model) LDS(tr Trial) (*lds.Model, lds.Trial, error) {
	if err := m.Validate(); err != nil {
		return nil, lds.Trial{}, err
	}
	if err := m.ValidateTrials([]Trial{tr}); err != nil {
		return nil, lds.Trial{}, err
	}
	e := newEStep(m, []Trial{tr}, 1)
	var v lds.Varying
	e.fillVarying(m, &v, 0, nil)
	return ldsModel(m), lds.Trial{Y: tr.Y, Mask: tr.Mask, Varying: &v}, nil
}

// LogLik returns the marginal log-likelihood Σ_b log p(Y_b | U_b, θ) of
// trials (e.g. held-out ones) with the latents integrated out, and the
// number of observed time bins, so that LogLik/bins is the held-out
// log-likelihood per time bin.
func (m *Model) LogLik(trials []Trial) (ll float64, bins int, err error) {
	if err := m.Validate(); err != nil {
		return 0, 0, err
	}
	if err := m.ValidateTrials(trials); err != nil {
		return 0, 0, err
	}
	e := newEStep(m, trials, runtime.GOMAXPROCS(0))
	if err := e.run(m); err != nil {
		return 0, 0, err
	}
	return e.total.ll, e.total.bins, nil
}

// LogLikPerBin returns LogLik divided by the number of observed bins.
func (m *Model) LogLikPerBin(trials []Trial) (float64, error) {
	ll, bins, err := m.LogLik(trials)
	if err != nil {
		return 0, err
	}
	return ll / float64(bins), nil
}

// Smooth returns the posterior moments of the latents of one trial.
func (m *Model) Smooth(tr Trial) (*lds.Posterior, error) {
	lm, lt, err := m.LDS(tr)
	if err != nil {
		return nil, err
	}
	return lm.Smooth(lt)
}

// Reconstruct returns E[y_t | Y] = C(u_t) E[x_t | Y] + d(u_t) (T×N), the
// denoised observations.
func (m *Model) Reconstruct(tr Trial) (*mat.Dense, error) {
	p, err := m.Smooth(tr)
	if err != nil {
		return nil, err
	}
	T := tr.Len()
	out := mat.NewDense(T, m.N, nil)
	for t := 0; t < T; t++ {
		u := m.condition(tr.U, t)
		var y mat.VecDense
		y.MulVec(m.C(u), mat.NewVecDense(m.Config.Latent, p.Mean[t*p.D:(t+1)*p.D]))
		y.AddVec(&y, m.D(u))
		out.SetRow(t, y.RawVector().Data)
	}
	return out, nil
}

func (m *Model) condition(u *mat.Dense, t int) []float64 {
	if u == nil || m.Config.Conditions() == 0 {
		return nil
	}
	return u.RawRowView(t)
}

// Sample draws latents (T×D) and observations (T×N) along the conditions
// u (T×M; may be nil when no parameter is a GP).
func (m *Model) Sample(rng *rand.Rand, u *mat.Dense, T int) (x, y *mat.Dense, err error) {
	if u != nil {
		T, _ = u.Dims()
	}
	tr := Trial{Y: mat.NewDense(T, m.N, nil), U: u}
	lm, lt, err := m.LDS(tr)
	if err != nil {
		return nil, nil, fmt.Errorf("clds: Sample: %w", err)
	}
	return lm.Sample(rng, T, lt.Varying)
}

// Forecast filters tr and predicts the next rows of future (the
// conditions u_T, u_{T+1}, ...; steps = rows of future).
func (m *Model) Forecast(tr Trial, future *mat.Dense) (*lds.Forecast, error) {
	if future == nil {
		return nil, fmt.Errorf("clds: Forecast: future conditions are nil")
	}
	steps, _ := future.Dims()
	T := tr.Len()
	// Evaluate the parameters on the concatenated conditions.
	dim := m.Config.Conditions()
	all := mat.NewDense(T+steps, max(dim, 1), nil)
	if dim > 0 {
		if tr.U == nil {
			return nil, fmt.Errorf("clds: Forecast: tr.U is nil")
		}
		all.Slice(0, T, 0, dim).(*mat.Dense).Copy(tr.U)
		all.Slice(T, T+steps, 0, dim).(*mat.Dense).Copy(future)
	}
	ext := Trial{Y: mat.NewDense(T+steps, m.N, nil), U: all}
	if dim == 0 {
		ext.U = nil
	}
	_, lt, err := m.LDS(ext)
	if err != nil {
		return nil, fmt.Errorf("clds: Forecast: %w", err)
	}
	lm, ltr, err := m.LDS(tr)
	if err != nil {
		return nil, err
	}
	d, n := m.Config.Latent, m.N
	fut := &lds.Varying{}
	v := lt.Varying
	if v.A != nil {
		fut.A = v.A[(T-1)*d*d : (T+steps-1)*d*d]
	}
	if v.B != nil {
		fut.B = v.B[(T-1)*d : (T+steps-1)*d]
	}
	if v.C != nil {
		fut.C = v.C[T*n*d:]
	}
	if v.D != nil {
		fut.D = v.D[T*n:]
	}
	return lm.Forecast(ltr, steps, fut)
}
