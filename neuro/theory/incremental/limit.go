package incremental

import (
	"encoding/json"
	"math"
	"slices"
	"sort"
)

// Jump is one saddle-to-saddle transition of the λ → 0 limit process.
type Jump struct {
	// Neuron activates at rescaled time Tau and fits Points (its good
	// points not fitted before), after which the loss sits at Loss.
	Neuron int     `json:"neuron"`
	Tau    float64 `json:"tau"`
	Points []int   `json:"points"`
	Loss   float64 `json:"loss"`
	// Rate is the neuron's growth rate ρ just before it activates,
	// ‖(y_i ‖x_i‖)_{i ∈ Points}‖₂ / n. At finite λ, O(1) factors in the
	// neuron's size (its initial projection on the growing direction, the
	// activation threshold) shift its activation by about c/Rate in time t,
	// c = O(1): by c/(Rate log(1/λ)) in τ.
	Rate float64 `json:"rate"`
	// Gap is 1 − E of the runner-up at Tau: the largest exponent among
	// the other neurons still growing just before the jump (RunnerUp; −1
	// and Gap = 1 when there is none). At finite λ two neurons within
	// about 1/log(1/λ) of each other grow together and share the points.
	Gap      float64 `json:"gap"`
	RunnerUp int     `json:"runner_up"`
}

// Prediction is the λ → 0 limit of gradient flow from one initialisation
// (see the package doc): the jumps in order of time, the neurons' good
// sets, the exponents between jumps and the final state.
type Prediction struct {
	// Jumps in order of time.
	Jumps []Jump
	// Good[j] lists G_j = {i : ⟨w_j(0), x_i⟩ > 0, sign y_i = sign a_j(0)}.
	Good [][]int
	// InitialLoss is (1/2n) Σ y_i², the loss before the first jump.
	InitialLoss float64
	// Unfitted lists the points no neuron can fit (in no G_j); the
	// process interpolates when it is empty.
	Unfitted []int
	// Norm2 is the predicted ‖θ_∞‖² = 2 Σ_k ‖(y_i/‖x_i‖)_{i ∈ S_k}‖₂ and
	// MinNorm2 the minimum-norm interpolator's (MinNorm).
	Norm2, MinNorm2 float64
	// exponents[k][j] is E_j at breakTau[k] (breakTau[0] = 0, then the
	// jump times).
	breakTau  []float64
	exponents [][]float64
}

// Predict runs the λ → 0 jump process for gradient flow from net on data:
// with U the unfitted points and E_j the exponents (all 0 at τ = 0),
// repeat: ρ_j = ‖(y_i ‖x_i‖)_{i ∈ G_j ∩ U}‖₂ / n for every inactive neuron;
// the next neuron to activate is the one with the smallest (1 − E_j)/ρ_j
// (ties: lowest index); advance τ and every E_j by that time; the neuron
// fits S = G_j ∩ U and U loses S; stop when every ρ_j is zero. Only the
// signs of a_j and of ⟨w_j, x_i⟩ matter, so the scale of net is
// irrelevant; data must be orthogonal (NewData checks it).
func Predict(data *Data, net *Net) (*Prediction, error) {
	if err := net.check(data.Dim()); err != nil {
		return nil, err
	}
	k := newKernel(data, net)
	k.forward()
	good := make([][]int, k.m)
	for j, a := range net.A {
		for i, y := range data.y {
			if k.p[j*k.n+i] > 0 && (y > 0) == (a > 0) && a != 0 {
				good[j] = append(good[j], i)
			}
		}
	}
	return limit(data.y, data.norms, good), nil
}

// limit runs the jump process on labels y, input norms c and good sets.
func limit(y, c []float64, good [][]int) *Prediction {
	n, m := len(y), len(good)
	p := &Prediction{Good: good, MinNorm2: minNorm(y, c)}
	unfitted := make([]bool, n)
	for i := range unfitted {
		unfitted[i] = true
		p.InitialLoss += y[i] * y[i]
	}
	p.InitialLoss /= 2 * float64(n)
	active := make([]bool, m)
	e := make([]float64, m)
	rho := make([]float64, m)
	tau := 0.0
	p.breakTau = []float64{0}
	p.exponents = [][]float64{slices.Clone(e)}
	for {
		next, best := -1, math.Inf(1)
		for j := range m {
			rho[j] = 0
			if active[j] {
				continue
			}
			var q float64
			for _, i := range good[j] {
				if unfitted[i] {
					q += y[i] * y[i] * c[i] * c[i]
				}
			}
			rho[j] = math.Sqrt(q) / float64(n)
			if rho[j] > 0 {
				if dt := (1 - e[j]) / rho[j]; dt < best {
					next, best = j, dt
				}
			}
		}
		if next < 0 {
			break
		}
		tau += best
		jump := Jump{Neuron: next, Tau: tau, Gap: 1, RunnerUp: -1, Rate: rho[next]}
		for j := range m {
			if active[j] {
				continue
			}
			e[j] += rho[j] * best
			if j != next && rho[j] > 0 && 1-e[j] < jump.Gap {
				jump.Gap, jump.RunnerUp = 1-e[j], j
			}
		}
		e[next], active[next] = 1, true
		var s2 float64
		for _, i := range good[next] {
			if unfitted[i] {
				unfitted[i] = false
				jump.Points = append(jump.Points, i)
				s2 += (y[i] / c[i]) * (y[i] / c[i])
			}
		}
		p.Norm2 += 2 * math.Sqrt(s2)
		for i, u := range unfitted {
			if u {
				jump.Loss += y[i] * y[i]
			}
		}
		jump.Loss /= 2 * float64(n)
		p.Jumps = append(p.Jumps, jump)
		p.breakTau = append(p.breakTau, tau)
		p.exponents = append(p.exponents, slices.Clone(e))
	}
	for i, u := range unfitted {
		if u {
			p.Unfitted = append(p.Unfitted, i)
		}
	}
	return p
}

// MinNorm returns the squared norm of the minimum-norm interpolator,
// 2(‖(y_i/‖x_i‖)_{y_i > 0}‖₂ + ‖(y_i/‖x_i‖)_{y_i < 0}‖₂): one neuron per
// label sign, each balanced (a² = ‖w‖²). No interpolator does better:
// the positive outputs must be covered by neurons with a_j > 0, whose cost
// a_j² + ‖w_j‖² ≥ 2|a_j|‖w_j‖ adds up, by the triangle inequality, to at
// least 2‖(y_i/‖x_i‖)₊‖₂, and likewise for the negative ones.
func MinNorm(data *Data) float64 { return minNorm(data.y, data.norms) }

func minNorm(y, c []float64) float64 {
	var pos, neg float64
	for i, v := range y {
		q := (v / c[i]) * (v / c[i])
		if v > 0 {
			pos += q
		} else {
			neg += q
		}
	}
	return 2 * (math.Sqrt(pos) + math.Sqrt(neg))
}

// Interpolates reports whether the process fits every point.
func (p *Prediction) Interpolates() bool { return len(p.Unfitted) == 0 }

// Order returns the neurons in order of activation.
func (p *Prediction) Order() []int {
	out := make([]int, len(p.Jumps))
	for k, j := range p.Jumps {
		out[k] = j.Neuron
	}
	return out
}

// LossAt returns the predicted loss at each τ: the initial loss before the
// first jump, then the plateau of the last jump at or before τ.
func (p *Prediction) LossAt(tau []float64) []float64 {
	out := make([]float64, len(tau))
	for k, t := range tau {
		out[k] = p.InitialLoss
		if i := sort.Search(len(p.Jumps), func(i int) bool { return p.Jumps[i].Tau > t }); i > 0 {
			out[k] = p.Jumps[i-1].Loss
		}
	}
	return out
}

// ExponentAt returns the predicted exponents E_j(τ) ([row][k] at tau[k])
// of the given neurons (every neuron when none is given): piecewise linear
// from 0 with slope ρ_j between jumps, 1 from the neuron's activation on,
// constant after the last jump.
func (p *Prediction) ExponentAt(tau []float64, neurons ...int) [][]float64 {
	if len(neurons) == 0 {
		neurons = make([]int, len(p.Good))
		for j := range neurons {
			neurons[j] = j
		}
	}
	out := make([][]float64, len(neurons))
	for r := range out {
		out[r] = make([]float64, len(tau))
	}
	last := len(p.breakTau) - 1
	for k, t := range tau {
		i := sort.Search(len(p.breakTau), func(i int) bool { return p.breakTau[i] > t }) - 1
		for r, j := range neurons {
			switch {
			case i < 0:
				out[r][k] = p.exponents[0][j]
			case i >= last:
				out[r][k] = p.exponents[last][j]
			default:
				t0, t1 := p.breakTau[i], p.breakTau[i+1]
				e0, e1 := p.exponents[i][j], p.exponents[i+1][j]
				out[r][k] = e0 + (e1-e0)*(t-t0)/(t1-t0)
			}
		}
	}
	return out
}

// JumpCheck compares one predicted jump with a gradient-descent run.
type JumpCheck struct {
	Jump `json:"jump"`
	// Measured is the τ at which gradient descent activated Jump.Neuron
	// (Result.Activation; NaN: never).
	Measured float64 `json:"measured"`
	// Resolved says the jump's Gap exceeds the comparison's factor /
	// log(1/λ): the runner-up was far enough behind for the limit to
	// apply at this λ.
	Resolved bool `json:"resolved"`
	// SameSet says gradient descent fitted every point of Jump.Points by
	// Jump.Neuron (Result.FittedBy).
	SameSet bool `json:"same_set"`
}

// Comparison is a prediction set against a gradient-descent run.
type Comparison struct {
	// LogInvScale is the run's log(1/λ).
	LogInvScale float64 `json:"log_inv_scale"`
	// Jumps has one check per predicted jump.
	Jumps []JumpCheck `json:"jumps"`
	// Resolved counts the resolved jumps, and MaxScaledError is the
	// largest |Measured − Tau|·log(1/λ) among them (+Inf when a resolved
	// jump's neuron never activated; 0 when no jump is resolved).
	Resolved       int     `json:"resolved"`
	MaxScaledError float64 `json:"max_scaled_error"`
	// Extra lists neurons gradient descent activated that the limit
	// process does not (at finite λ, near-tied neurons share a set).
	Extra []int `json:"extra"`
}

// MarshalJSON writes a never-measured activation (NaN) as null.
func (jc JumpCheck) MarshalJSON() ([]byte, error) {
	type plain JumpCheck
	return json.Marshal(struct {
		plain
		Measured *float64 `json:"measured"`
	}{plain(jc), finite(jc.Measured)})
}

// MarshalJSON writes an infinite MaxScaledError (a resolved jump never
// measured) as null.
func (c Comparison) MarshalJSON() ([]byte, error) {
	type plain Comparison
	return json.Marshal(struct {
		plain
		MaxScaledError *float64 `json:"max_scaled_error"`
	}{plain(c), finite(c.MaxScaledError)})
}

// finite returns &v, or nil for NaN and ±Inf (JSON has no such numbers).
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// Compare checks the run r against the prediction: a jump is resolved when
// its Gap exceeds factor/log(1/λ) (the test uses factor 3).
func (p *Prediction) Compare(r *Result, factor float64) *Comparison {
	c := &Comparison{LogInvScale: r.LogInvScale}
	predicted := make([]bool, len(r.Activation))
	for _, jp := range p.Jumps {
		jc := JumpCheck{Jump: jp, Resolved: jp.Gap > factor/r.LogInvScale, SameSet: true}
		if jp.Neuron < len(r.Activation) {
			predicted[jp.Neuron] = true
			jc.Measured = r.Activation[jp.Neuron]
		} else {
			jc.Measured = math.NaN()
		}
		for _, i := range jp.Points {
			if i >= len(r.FittedBy) || r.FittedBy[i] != jp.Neuron {
				jc.SameSet = false
			}
		}
		if jc.Resolved {
			c.Resolved++
			e := math.Abs(jc.Measured-jp.Tau) * r.LogInvScale
			if math.IsNaN(e) {
				e = math.Inf(1)
			}
			c.MaxScaledError = math.Max(c.MaxScaledError, e)
		}
		c.Jumps = append(c.Jumps, jc)
	}
	for j, t := range r.Activation {
		if !math.IsNaN(t) && !predicted[j] {
			c.Extra = append(c.Extra, j)
		}
	}
	return c
}
