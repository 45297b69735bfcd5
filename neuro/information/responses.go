package information

import (
	"fmt"
	"math"
)

// responseSet is the set of response vectors the quadrature sums over: the
// product of one set of values per neuron. Poisson neurons take the counts
// 0..K−1 (K far enough beyond the largest rate that the tail is below
// 1e-15); Gaussian neurons take nodes spaced √v/1.5 over the range of
// their mean ± 9√v, each standing for its share of the response axis (the
// trapezoid rule, whose error for such spacing is of order exp(−2π²·2.25)
// relative to the smallest variation, about 1e-19). With masses
// L_j(x) = p(r_j | x)·w_j the sums over j are expectations over r.
type responseSet struct {
	values  [][]float64 // per neuron
	count   int
	neurons []Neuron
}

// newResponseSet chooses the response values for stimuli in box (one
// [lo, hi] interval per feature), sampling each tuning curve on a grid of
// the box to find its range.
func newResponseSet(e *Encoder, box [][2]float64, maxResponses int) (*responseSet, error) {
	d := e.Dim()
	per := 2001
	if d == 2 {
		per = 201
	} else if d > 2 {
		return nil, fmt.Errorf("information: quadrature handles 1-D and 2-D stimuli, the encoder has %d features", d)
	}
	rs := &responseSet{count: 1, neurons: e.Neurons}
	x := make([]float64, d)
	total := 1
	for k := 0; k < d; k++ {
		total *= per
	}
	for i := range e.Neurons {
		n := &e.Neurons[i]
		lo, hi := math.Inf(1), math.Inf(-1)
		for p := 0; p < total; p++ {
			q := p
			for k := d - 1; k >= 0; k-- {
				x[k] = box[k][0] + (box[k][1]-box[k][0])*float64(q%per)/float64(per-1)
				q /= per
			}
			f := n.Tuning.Rate(x)
			lo, hi = min(lo, f), max(hi, f)
		}
		var vals []float64
		if n.Noise == Poisson {
			k := int(math.Ceil(hi + 10*math.Sqrt(hi) + 12))
			for r := 0; r < k; r++ {
				vals = append(vals, float64(r))
			}
		} else {
			sd := math.Sqrt(n.Variance)
			g := span(lo-9*sd, hi+9*sd, sd/1.5, 3)
			for j := 0; j < g.n; j++ {
				vals = append(vals, g.at(j))
			}
		}
		rs.values = append(rs.values, vals)
		if rs.count > maxResponses/len(vals) {
			return nil, fmt.Errorf("information: the quadrature would sum over more than %d response vectors (neuron %d alone takes %d values): use fewer neurons or raise ExactSettings.MaxResponses", maxResponses, i, len(vals))
		}
		rs.count *= len(vals)
	}
	return rs, nil
}

// likelihood holds per-point scratch for the masses L_j(x) and their
// gradients.
type likelihood struct {
	rs    *responseSet
	d     int
	f     []float64   // per neuron rate
	grad  [][]float64 // per neuron ∇f
	mass1 [][]float64 // per neuron, per value: p(v | f)·w
	score [][]float64 // per neuron, per value: ∂ log p(v | f)/∂f
}

func newLikelihood(rs *responseSet, d int) *likelihood {
	l := &likelihood{rs: rs, d: d, f: make([]float64, len(rs.values))}
	for i := range rs.values {
		l.grad = append(l.grad, make([]float64, d))
		l.mass1 = append(l.mass1, make([]float64, len(rs.values[i])))
		l.score = append(l.score, make([]float64, len(rs.values[i])))
	}
	return l
}

// at prepares the per-neuron tables at stimulus x (with gradients when
// withGrad). Masses come from recurrences, with one or two exponentials
// per neuron: Poisson p(v+1)/p(v) = f/(v+1); for Gaussian nodes r_j = r₀ + jΔ
// the ratio ρ_j = p(r_{j+1})/p(r_j) = exp(−(2(r_j − f)Δ + Δ²)/2v) itself
// changes by the factor exp(−Δ²/v), and the recurrence runs outward from
// the node nearest f.
func (l *likelihood) at(x []float64, withGrad bool) {
	for i, n := range l.rs.neurons {
		var f float64
		if withGrad {
			f = n.Tuning.RateGradient(x, l.grad[i])
		} else {
			f = n.Tuning.Rate(x)
		}
		l.f[i] = f
		vals, m, sc := l.rs.values[i], l.mass1[i], l.score[i]
		if n.Noise == Poisson {
			p := math.Exp(-f)
			for v, r := range vals {
				m[v] = p
				sc[v] = r/f - 1
				p *= f / (r + 1)
			}
			continue
		}
		delta := vals[1] - vals[0]
		vr := n.Variance
		c := delta / math.Sqrt(2*math.Pi*vr)
		js := int(math.Round((f - vals[0]) / delta))
		js = max(0, min(js, len(vals)-1))
		z := vals[js] - f
		m[js] = c * math.Exp(-0.5*z*z/vr)
		kappa := math.Exp(-delta * delta / vr)
		// upward: ρ_j = exp(−(2 z_j Δ + Δ²)/2v)
		rho := math.Exp(-(2*z*delta + delta*delta) / (2 * vr))
		for j := js; j+1 < len(vals); j++ {
			m[j+1] = m[j] * rho
			rho *= kappa
		}
		// downward: p(r_{j−1})/p(r_j) = exp((2 z_j Δ − Δ²)/2v)
		rho = math.Exp((2*z*delta - delta*delta) / (2 * vr))
		for j := js; j > 0; j-- {
			m[j-1] = m[j] * rho
			rho *= kappa
		}
		for j, r := range vals {
			sc[j] = (r - f) / vr
		}
	}
}

// mass returns L_j(x) for response vector j (after at).
func (l *likelihood) mass(j int) float64 {
	if len(l.mass1) == 1 {
		return l.mass1[0][j]
	}
	s := 1.0
	for i := len(l.rs.values) - 1; i >= 0; i-- {
		n := len(l.rs.values[i])
		s *= l.mass1[i][j%n]
		j /= n
	}
	return s
}

// massGrad returns L_j(x) and writes ∇_x L_j(x) into g (after at with
// gradients).
func (l *likelihood) massGrad(j int, g []float64) float64 {
	if len(l.mass1) == 1 {
		m := l.mass1[0][j]
		s := m * l.score[0][j]
		for k := range g {
			g[k] = s * l.grad[0][k]
		}
		return m
	}
	for k := range g {
		g[k] = 0
	}
	m := 1.0
	for i := len(l.rs.values) - 1; i >= 0; i-- {
		n := len(l.rs.values[i])
		v := j % n
		j /= n
		m *= l.mass1[i][v]
		sc := l.score[i][v]
		for k := range g {
			g[k] += sc * l.grad[i][k]
		}
	}
	for k := range g {
		g[k] *= m
	}
	return m
}
