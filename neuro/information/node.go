package information

import (
	"math"
)

// chunkResponses is the number of response vectors whose likelihood
// fields are blurred together (bounds the scratch memory).
const chunkResponses = 32

// massFloor: response vectors whose blurred probability p̃_r(μ) is below it
// are left out of J_R(μ). Probabilities sum to one over r, and the
// scores of the encoders here stay far below 1e5, so what is left out
// weighs less than 1e-13·1e10 = 1e-3 of a unit of J_R even in the worst
// case and nothing in practice; it keeps interpolation round-off in
// vanishing probabilities from being divided by itself.
const massFloor = 1e-13

// node returns E_{y~N(x,γI)} of the per-feature integrand at every grid
// point, [k][point]: Σ_r p(r|y) B_k² (∂_k log p̃_r)² for ResponsesGivenY,
// Σ_r p(r|x) B_k² (∂_k log p̃_r)² for ResponsesGivenX.
func (q *quadrature) node(gamma float64) ([][]float64, error) {
	d, e := q.d, q.enc
	K := q.rs.count
	type axis struct {
		b, c    float64 // B_k, C_k
		centres []float64
		mu, xp  uniform
		kmu     operator // mu.n × xp.n
		wy      operator // len(centres) × mu.n
	}
	ax := make([]axis, 2)
	for k := 0; k < 2; k++ {
		if k >= d {
			// A trivial second axis for 1-D stimuli.
			ax[k] = axis{centres: []float64{0}, mu: uniform{n: 1, step: 1}, xp: uniform{n: 1, step: 1}, kmu: newOperator([]float64{1}, 1, 1), wy: newOperator([]float64{1}, 1, 1)}
			continue
		}
		s, m := e.Prior.Var[k], e.Prior.Mean[k]
		a := axis{b: s / (s + gamma), c: s * gamma / (s + gamma)}
		sdMu := a.b * math.Sqrt(gamma)
		a.centres = make([]float64, len(q.grid.Axes[k]))
		for i, x := range q.grid.Axes[k] {
			a.centres[i] = m + a.b*(x-m)
		}
		lo, hi := a.centres[0]-8*sdMu, a.centres[len(a.centres)-1]+8*sdMu
		sdX := math.Sqrt(a.c)
		// G(μ) is a Gaussian blur of width √C of the likelihood, read
		// through one of width sd_μ: a third of the narrower suffices.
		a.mu = span(lo, hi, max(q.h[k], min(sdX, sdMu)/3), 9)
		a.xp = span(lo-7*sdX, hi+7*sdX, q.h[k], 9)
		mus := make([]float64, a.mu.n)
		for j := range mus {
			mus[j] = a.mu.at(j)
		}
		a.kmu = gaussOperator(mus, sdX, a.xp, q.gh)
		a.wy = gaussOperator(a.centres, sdMu, a.mu, q.gh)
		ax[k] = a
	}
	n1, n2 := len(ax[0].centres), len(ax[1].centres)
	m1, m2 := ax[0].mu.n, ax[1].mu.n
	x1, x2 := ax[0].xp.n, ax[1].xp.n
	givenX := q.set.Sampling == ResponsesGivenX

	g := make([][]float64, d) // per feature, on the μ grid (m1 × m2)
	for k := range g {
		g[k] = make([]float64, m1*m2)
	}
	out := make([][]float64, d)
	for k := range out {
		out[k] = make([]float64, n1*n2)
	}
	per := 1 + d // fields per response: L, ∂_1 L, ∂_2 L
	nc := min(chunkResponses, K)
	fields := make([]float64, x1*nc*per*x2)
	pass1 := make([]float64, m1*nc*per*x2)
	pass2 := make([]float64, m1*nc*per*m2)
	var h, hy1, hy2 []float64
	if givenX {
		h = make([]float64, m1*nc*d*m2)
		hy1 = make([]float64, n1*nc*d*m2)
		hy2 = make([]float64, n1*nc*d*n2)
	}
	l := newLikelihood(q.rs, d)
	x := make([]float64, d)
	grad := make([]float64, d)
	for j0 := 0; j0 < K; j0 += nc {
		cnt := min(nc, K-j0)
		f := cnt * per
		// Likelihood fields on the x′ grid, layout [x′₁][field][x′₂].
		for a := 0; a < x1; a++ {
			for b := 0; b < x2; b++ {
				x[0] = ax[0].xp.at(a)
				if d == 2 {
					x[1] = ax[1].xp.at(b)
				}
				l.at(x, true)
				for jj := 0; jj < cnt; jj++ {
					m := l.massGrad(j0+jj, grad)
					base := (a*f + jj*per) * x2
					fields[base+b] = m
					for k := 0; k < d; k++ {
						fields[base+(1+k)*x2+b] = grad[k]
					}
				}
			}
		}
		// Blur along x′₁ then x′₂: p̃ and ∇p̃ on the μ grid,
		// layout [μ₁][field][μ₂].
		applyFirst(pass1[:m1*f*x2], ax[0].kmu, fields[:x1*f*x2], f*x2)
		blurred := pass1[:m1*f*x2]
		if d == 2 {
			applyLast(pass2[:m1*f*m2], m1*f, blurred, ax[1].kmu)
			blurred = pass2[:m1*f*m2]
		}
		for a := 0; a < m1; a++ {
			for jj := 0; jj < cnt; jj++ {
				base := (a*f + jj*per) * m2
				for b := 0; b < m2; b++ {
					p := blurred[base+b]
					ok := p > massFloor
					for k := 0; k < d; k++ {
						v := 0.0
						if ok {
							gr := blurred[base+(1+k)*m2+b]
							v = ax[k].b * ax[k].b * gr * gr / p
							g[k][a*m2+b] += v
							v /= p
						}
						if givenX {
							h[((a*cnt+jj)*d+k)*m2+b] = v
						}
					}
				}
			}
		}
		if givenX {
			// E_{y|x} of each response's squared score, then weighted by
			// p(r|x) at the grid point.
			c := cnt * d
			applyFirst(hy1[:n1*c*m2], ax[0].wy, h[:m1*c*m2], c*m2)
			ey := hy1[:n1*c*m2]
			if d == 2 {
				applyLast(hy2[:n1*c*n2], n1*c, ey, ax[1].wy)
				ey = hy2[:n1*c*n2]
			}
			for i1 := 0; i1 < n1; i1++ {
				for i2 := 0; i2 < n2; i2++ {
					p := i1*n2 + i2
					for jj := 0; jj < cnt; jj++ {
						w := q.lrep[p*K+j0+jj]
						for k := 0; k < d; k++ {
							out[k][p] += w * ey[((i1*cnt+jj)*d+k)*n2+i2]
						}
					}
				}
			}
		}
	}
	if givenX {
		return out, nil
	}
	tmp := make([]float64, n1*m2)
	for k := 0; k < d; k++ {
		applyFirst(tmp, ax[0].wy, g[k], m2)
		if d == 2 {
			applyLast(out[k], n1, tmp, ax[1].wy)
		} else {
			copy(out[k], tmp)
		}
	}
	return out, nil
}
