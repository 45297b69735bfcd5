package lds

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Forecast holds the predictive moments of the steps after a trial: for
// j = 0..Steps−1, row j of Mean is E[x_{T+j} | y_0..y_{T−1}] and row j of
// ObsMean is E[y_{T+j} | y_0..y_{T−1}]; Cov and ObsCov hold the matching
// covariances as flat D×D and N×N blocks.
type Forecast struct {
	Steps, D, N int
	Mean        *mat.Dense // Steps×D
	Cov         []float64  // Steps·D·D
	ObsMean     *mat.Dense // Steps×N
	ObsCov      []float64  // Steps·N·N
}

// Forecast filters tr and predicts the next steps latents and
// observations. future, when not nil, holds the parameters of the forecast
// horizon: future.A and future.B have steps blocks, block j driving
// x_{T−1+j} → x_{T+j}; future.C and future.D have steps blocks for
// y_{T+j}; future.M0 is ignored. nil fields use the static parameters.
func (m *Model) Forecast(tr Trial, steps int, future *Varying) (*Forecast, error) {
	if steps <= 0 {
		return nil, fmt.Errorf("lds: Forecast: steps=%d, want steps > 0", steps)
	}
	s, err := m.smootherFor([]Trial{tr})
	if err != nil {
		return nil, err
	}
	d, n := s.d, s.n
	if future != nil {
		probe := Trial{Y: mat.NewDense(steps, n, nil), Varying: &Varying{C: future.C, D: future.D}}
		if future.A != nil && len(future.A) != steps*d*d {
			return nil, fmt.Errorf("lds: Forecast: future.A has length %d, want steps·D·D=%d", len(future.A), steps*d*d)
		}
		if future.B != nil && len(future.B) != steps*d {
			return nil, fmt.Errorf("lds: Forecast: future.B has length %d, want steps·D=%d", len(future.B), steps*d)
		}
		if err := validateTrial(&probe, 0, d, n); err != nil {
			return nil, fmt.Errorf("lds: Forecast: future: %w", err)
		}
	}
	var f Filtered
	if err := s.filter(&tr, &f); err != nil {
		return nil, err
	}
	T := f.T
	dd := d * d
	fc := &Forecast{Steps: steps, D: d, N: n,
		Mean: mat.NewDense(steps, d, nil), Cov: make([]float64, steps*dd),
		ObsMean: mat.NewDense(steps, n, nil), ObsCov: make([]float64, steps*n*n)}
	mean := append([]float64(nil), f.Mean[(T-1)*d:T*d]...)
	cov := append([]float64(nil), f.Cov[(T-1)*dd:T*dd]...)
	next := make([]float64, d)
	tmp := make([]float64, dd)
	cn := make([]float64, n*d)
	ym := make([]float64, n)
	for j := 0; j < steps; j++ {
		a, b := s.a, s.b
		c, dv := s.c, s.dd
		if future != nil {
			if future.A != nil {
				a = future.A[j*dd : (j+1)*dd]
			}
			if future.B != nil {
				b = future.B[j*d : (j+1)*d]
			}
			if future.C != nil {
				c = future.C[j*n*d : (j+1)*n*d]
			}
			if future.D != nil {
				dv = future.D[j*n : (j+1)*n]
			}
		}
		mulMV(next, a, d, d, mean)
		for i := range next {
			next[i] += b[i]
		}
		copy(mean, next)
		mulNN(tmp, a, cov, d)
		mulNT(cov, tmp, a, d)
		for i := range cov {
			cov[i] += s.q[i]
		}
		symmetrize(cov, d)
		fc.Mean.SetRow(j, mean)
		copy(fc.Cov[j*dd:], cov)
		mulMV(ym, c, n, d, mean)
		for i := range ym {
			ym[i] += dv[i]
		}
		fc.ObsMean.SetRow(j, ym)
		// ObsCov = C P Cᵀ + R.
		for i := 0; i < n; i++ {
			for k := 0; k < d; k++ {
				var acc float64
				for l := 0; l < d; l++ {
					acc += c[i*d+l] * cov[l*d+k]
				}
				cn[i*d+k] = acc
			}
		}
		oc := fc.ObsCov[j*n*n : (j+1)*n*n]
		for i := 0; i < n; i++ {
			for k := 0; k < n; k++ {
				var acc float64
				for l := 0; l < d; l++ {
					acc += cn[i*d+l] * c[k*d+l]
				}
				oc[i*n+k] = acc + m.R.At(i, k)
			}
		}
	}
	return fc, nil
}
