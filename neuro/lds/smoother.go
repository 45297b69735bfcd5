package lds

import (
	"math"
	"strconv"

	"gonum.org/v1/gonum/mat"
)

// Posterior holds the smoothed moments of one trial of length T, as flat
// row-major slices:
//
//	Mean[t*D:]       E[x_t | y_0..y_{T−1}]
//	Cov[t*D*D:]      Cov[x_t | y_0..y_{T−1}]
//	Cross[t*D*D:]    E[x_t x_{t+1}ᵀ | y_0..y_{T−1}], t = 0..T−2
//
// Cross is a second moment, not a covariance (dynamax calls it
// smoothed_cross_covariances); Cross − m_t m_{t+1}ᵀ is the lag-one
// covariance. Filtered keeps the forward pass.
type Posterior struct {
	T, D     int
	LogLik   float64
	Mean     []float64
	Cov      []float64
	Cross    []float64
	Filtered Filtered
}

func (p *Posterior) resize(T, d int) {
	p.T, p.D = T, d
	p.Mean = resize(p.Mean, T*d)
	p.Cov = resize(p.Cov, T*d*d)
	n := T - 1
	if n < 0 {
		n = 0
	}
	p.Cross = resize(p.Cross, n*d*d)
}

// Means returns the smoothed means as a T×D matrix sharing p's memory.
func (p *Posterior) Means() *mat.Dense { return mat.NewDense(p.T, p.D, p.Mean[:p.T*p.D]) }

// MeanAt returns a copy of E[x_t | y].
func (p *Posterior) MeanAt(t int) *mat.VecDense {
	return mat.NewVecDense(p.D, append([]float64(nil), p.Mean[t*p.D:(t+1)*p.D]...))
}

// CovAt returns a copy of Cov[x_t | y].
func (p *Posterior) CovAt(t int) *mat.SymDense {
	dd := p.D * p.D
	return mat.NewSymDense(p.D, append([]float64(nil), p.Cov[t*dd:(t+1)*dd]...))
}

// CrossAt returns a copy of E[x_t x_{t+1}ᵀ | y], 0 <= t < T−1.
func (p *Posterior) CrossAt(t int) *mat.Dense {
	dd := p.D * p.D
	return mat.NewDense(p.D, p.D, append([]float64(nil), p.Cross[t*dd:(t+1)*dd]...))
}

// Smooth runs the filter and the Rauch–Tung–Striebel smoother over tr and
// writes the result to dst, reusing dst's memory: after the first call for
// a trial length it does not allocate. See Filter for the preconditions.
func (s *Smoother) Smooth(tr *Trial, dst *Posterior) error {
	if err := s.checkShape(tr); err != nil {
		return err
	}
	return s.smooth(tr, dst)
}

func (s *Smoother) smooth(tr *Trial, dst *Posterior) error {
	f := &dst.Filtered
	if err := s.filter(tr, f); err != nil {
		return err
	}
	d := s.d
	dd := d * d
	T := f.T
	dst.resize(T, d)
	dst.LogLik = f.LogLik
	v := tr.Varying
	copy(dst.Mean[(T-1)*d:], f.Mean[(T-1)*d:T*d])
	copy(dst.Cov[(T-1)*dd:], f.Cov[(T-1)*dd:T*dd])
	g, fm, t3, t4 := s.t1, s.t2, s.t3, s.t4
	for t := T - 2; t >= 0; t-- {
		a := s.stepA(v, t)
		pf := f.Cov[t*dd : t*dd+dd]
		ln := s.predChol[(t+1)*dd : (t+2)*dd]
		// Gᵀ = P_{t+1|t}⁻¹ A P_f: columns of A P_f solved with L L ᵀ. A P_f
		// is computed row-wise; its transpose (P_f Aᵀ) rows are the columns.
		mulNT(t3, pf, a, d) // t3 = P_f Aᵀ, so G = t3 P⁻¹, rows of G solve P gᵀ = t3 rowᵀ
		copy(g, t3)
		for row := 0; row < d; row++ {
			r := g[row*d : row*d+d]
			solveLower(ln, d, r)
			solveLowerT(ln, d, r)
		}
		// Mean.
		ms := dst.Mean[t*d : t*d+d]
		mn := dst.Mean[(t+1)*d : (t+2)*d]
		mp := f.PredMean[(t+1)*d : (t+2)*d]
		for i := 0; i < d; i++ {
			var acc float64
			gi := g[i*d : i*d+d]
			for k, gv := range gi {
				acc += gv * (mn[k] - mp[k])
			}
			ms[i] = f.Mean[t*d+i] + acc
		}
		// Covariance: F = I − G A; V = F P_f Fᵀ + G (Q + V_{t+1}) Gᵀ.
		vn := dst.Cov[(t+1)*dd : (t+2)*dd]
		vs := dst.Cov[t*dd : t*dd+dd]
		mulNN(fm, g, a, d)
		for i := range fm[:dd] {
			fm[i] = -fm[i]
		}
		for i := 0; i < d; i++ {
			fm[i*d+i] += 1
		}
		mulNN(t3, fm, pf, d)
		mulNT(vs, t3, fm, d)
		for i := range t4[:dd] {
			t4[i] = s.q[i] + vn[i]
		}
		mulNN(t3, g, t4, d)
		mulNT(t4, t3, g, d)
		for i := range vs {
			vs[i] += t4[i]
		}
		symmetrize(vs, d)
		// Cross moment: G V_{t+1} + m_t m_{t+1}ᵀ.
		cr := dst.Cross[t*dd : t*dd+dd]
		mulNN(cr, g, vn, d)
		for i := 0; i < d; i++ {
			for k := 0; k < d; k++ {
				cr[i*d+k] += ms[i] * mn[k]
			}
		}
	}
	return nil
}

// Band is a curve with a band around it, e.g. a smoothed latent
// coordinate with its credible band. Its fields are those of
// widgets.Band, so widgets.Band(b) converts it for a chart.
type Band struct {
	Name               string
	Mean, Lower, Upper []float64
}

// Bands returns, for every latent dimension i, the smoothed mean
// E[x_{t,i} | Y] over t with the band mean ± z·sd (z = 1.96: the central
// 95% of the marginal posterior), named "x₁", "x₂", ….
func (p *Posterior) Bands(z float64) []Band {
	d := p.D
	out := make([]Band, d)
	for i := range out {
		b := Band{Name: "x" + subscript(i+1), Mean: make([]float64, p.T), Lower: make([]float64, p.T), Upper: make([]float64, p.T)}
		for t := 0; t < p.T; t++ {
			m, sd := p.Mean[t*d+i], math.Sqrt(p.Cov[(t*d+i)*d+i])
			b.Mean[t], b.Lower[t], b.Upper[t] = m, m-z*sd, m+z*sd
		}
		out[i] = b
	}
	return out
}

// subscript writes n with Unicode subscript digits.
func subscript(n int) string {
	var out []rune
	for _, c := range strconv.Itoa(n) {
		out = append(out, '₀'+(c-'0'))
	}
	return string(out)
}
