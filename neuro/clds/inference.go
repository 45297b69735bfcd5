package clds

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/lds"
	"github.com/neuronb/neuronb/neuro/parallel"
)

// LDS returns the linear-Gaussian state-space model that m induces on one
// trial: the static parameters and the time-varying A(u_t), b(u_t),
// C(u_t), d(u_t), m0(u_0) along tr.U. Use it to reach everything in
// package lds (filtering, forecasting, custom analyses).
func (m *Model) LDS(tr Trial) (*lds.Model, lds.Trial, error) {
	if err := m.ValidateTrials([]Trial{tr}); err != nil {
		return nil, lds.Trial{}, err
	}
	return m.ldsModel(), m.ldsTrial(&tr), nil
}

// LogLik returns the marginal log-likelihood Σ_b log p(Y_b | U_b, θ) of
// trials (e.g. held-out ones; dynamax's marginal_log_prob), with the
// latents integrated out by the Kalman filter. Trials are filtered in
// parallel and summed in their order, so the value does not depend on the
// number of cores.
func (m *Model) LogLik(trials []Trial) (float64, error) {
	if err := m.ValidateTrials(trials); err != nil {
		return 0, err
	}
	lm := m.ldsModel()
	type scratch struct {
		sm  lds.Smoother
		f   lds.Filtered
		v   lds.Varying
		phi []float64
	}
	workers := min(parallel.Workers(0), len(trials))
	sc := make([]scratch, workers)
	for w := range sc {
		if err := sc[w].sm.SetModel(lm); err != nil {
			return 0, err
		}
	}
	per := make([]float64, len(trials))
	err := parallel.ForErr(len(trials), workers, func(w, i int) error {
		s, tr := &sc[w], &trials[i]
		T := tr.Len()
		s.phi = m.trialFeatures(s.phi, tr.U, T)
		m.fillVarying(&s.v, s.phi, T, nil)
		if err := s.sm.Filter(&lds.Trial{Y: tr.Y, Mask: tr.Mask, Varying: &s.v}, &s.f); err != nil {
			return fmt.Errorf("clds: trials[%d]: %w", i, err)
		}
		per[i] = s.f.LogLik
		return nil
	})
	if err != nil {
		return 0, err
	}
	var ll float64
	for _, v := range per {
		ll += v
	}
	return ll, nil
}

// LogLikPerBin returns LogLik divided by the number of observed bins
// (ObservedBins), the held-out score used to compare models across data
// sets of different sizes.
func (m *Model) LogLikPerBin(trials []Trial) (float64, error) {
	ll, err := m.LogLik(trials)
	if err != nil {
		return 0, err
	}
	bins := ObservedBins(trials)
	if bins == 0 {
		return 0, fmt.Errorf("clds: LogLikPerBin: trials have no observed bin")
	}
	return ll / float64(bins), nil
}

// Filter returns the Kalman filter's output for one trial.
func (m *Model) Filter(tr Trial) (*lds.Filtered, error) {
	lm, lt, err := m.LDS(tr)
	if err != nil {
		return nil, err
	}
	return lm.Filter(lt)
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

// SmoothedLatents smooths every trial and stacks the posterior means
// E[x_t | Y] of all their time steps as the rows of means (ΣT × D), with
// the matching conditions u_t as the rows of u (ΣT × M; nil without a
// basis): the points of a latent-space scatter coloured by condition.
func (m *Model) SmoothedLatents(trials []Trial) (means, u *mat.Dense, err error) {
	if err := m.ValidateTrials(trials); err != nil {
		return nil, nil, err
	}
	d, dim, rows := m.Config.Latent, m.Config.Conditions(), 0
	for i := range trials {
		rows += trials[i].Len()
	}
	means = mat.NewDense(rows, d, nil)
	if dim > 0 {
		u = mat.NewDense(rows, dim, nil)
	}
	r := 0
	for i, tr := range trials {
		p, err := m.Smooth(tr)
		if err != nil {
			return nil, nil, fmt.Errorf("clds: SmoothedLatents: trials[%d]: %w", i, err)
		}
		means.Slice(r, r+p.T, 0, d).(*mat.Dense).Copy(p.Means())
		if u != nil {
			u.Slice(r, r+p.T, 0, dim).(*mat.Dense).Copy(tr.U)
		}
		r += p.T
	}
	return means, u, nil
}

func (m *Model) condition(u *mat.Dense, t int) []float64 {
	if u == nil || m.Config.Conditions() == 0 {
		return nil
	}
	return u.RawRowView(t)
}

// Sample draws latents x (T×D) and observations y (T×N) along the
// conditions u (T×M; nil when no parameter depends on the condition), the
// same shape as lds.Model.Sample(rng, T, varying). The draw is
// deterministic given rng.
func (m *Model) Sample(rng *rand.Rand, T int, u *mat.Dense) (x, y *mat.Dense, err error) {
	if rng == nil {
		return nil, nil, fmt.Errorf("clds: Sample: rng is nil")
	}
	if T <= 0 {
		return nil, nil, fmt.Errorf("clds: Sample: T=%d, want T > 0", T)
	}
	if u == nil && m != nil && m.Config.Conditions() > 0 {
		return nil, nil, fmt.Errorf("clds: Sample: u is nil, want T×M = %d×%d conditions", T, m.Config.Conditions())
	}
	if u != nil {
		if r, _ := u.Dims(); r != T {
			return nil, nil, fmt.Errorf("clds: Sample: u has %d rows, want T=%d (one condition per step)", r, T)
		}
	}
	if err := m.Validate(); err != nil {
		return nil, nil, err
	}
	lm, lt, err := m.LDS(Trial{Y: mat.NewDense(T, m.N, nil), U: u})
	if err != nil {
		return nil, nil, fmt.Errorf("clds: Sample: %w", err)
	}
	return lm.Sample(rng, T, lt.Varying)
}

// Forecast filters tr and predicts the next steps latents and
// observations given the conditions of the horizon, future (steps×M:
// u_T, u_{T+1}, ...; nil when no parameter depends on the condition), the
// same shape as lds.Model.Forecast(tr, steps, future).
func (m *Model) Forecast(tr Trial, steps int, future *mat.Dense) (*lds.Forecast, error) {
	if steps <= 0 {
		return nil, fmt.Errorf("clds: Forecast: steps=%d, want steps > 0", steps)
	}
	if err := m.ValidateTrials([]Trial{tr}); err != nil {
		return nil, err
	}
	dim := m.Config.Conditions()
	T := tr.Len()
	all := tr.U
	if dim > 0 {
		if future == nil {
			return nil, fmt.Errorf("clds: Forecast: future is nil, want steps×M = %d×%d conditions", steps, dim)
		}
		if r, c := future.Dims(); r != steps || c != dim {
			return nil, fmt.Errorf("clds: Forecast: future is %d×%d, want steps×M = %d×%d", r, c, steps, dim)
		}
		all = mat.NewDense(T+steps, dim, nil)
		all.Slice(0, T, 0, dim).(*mat.Dense).Copy(tr.U)
		all.Slice(T, T+steps, 0, dim).(*mat.Dense).Copy(future)
		if err := validateTrials([]Trial{{Y: mat.NewDense(steps, m.N, nil), U: future}}, m.ldsModel(), dim); err != nil {
			return nil, fmt.Errorf("clds: Forecast: future: %w", err)
		}
	}
	// The parameters of the extended trial: A(u_{T−1}) .. A(u_{T+steps−2})
	// drive the horizon, C(u_T) .. C(u_{T+steps−1}) emit it.
	var ext lds.Varying
	m.fillVarying(&ext, m.trialFeatures(nil, all, T+steps), T+steps, nil)
	d, n := m.Config.Latent, m.N
	fut := &lds.Varying{}
	if ext.A != nil {
		fut.A = ext.A[(T-1)*d*d : (T+steps-1)*d*d]
	}
	if ext.B != nil {
		fut.B = ext.B[(T-1)*d : (T+steps-1)*d]
	}
	if ext.C != nil {
		fut.C = ext.C[T*n*d:]
	}
	if ext.D != nil {
		fut.D = ext.D[T*n:]
	}
	return m.ldsModel().Forecast(m.ldsTrial(&tr), steps, fut)
}
