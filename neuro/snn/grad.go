package snn

import (
	"fmt"
	"math"

	"github.com/neuronb/neuronb/neuro/parallel"
)

// GradMode selects how the decays' gradients are computed.
type GradMode int

const (
	// Reverse is backpropagation through time for every parameter: the
	// per-synapse currents I[t−1] of every step are kept for
	// ∂L/∂ρ_ji = Σ_t G_ji[t]·k_j[t]·I_ji[t−1], T·(synapses) numbers per
	// worker.
	Reverse GradMode = iota
	// ForwardDecay computes ∂L/∂ρ of per-synapse decays in forward mode:
	// after the backward pass has produced the neurons' adjoints gv_j[t]
	// (T·N numbers), a second forward pass carries Q = ∂I/∂ρ and sums
	// Σ_t gv_j[t]·Q_ji[t]. No current history is kept; the price is one
	// more forward pass. Weights and per-neuron decays are computed as in
	// Reverse. It does not support the Zero reset of HetSyn, whose
	// gradient needs the history.
	ForwardDecay
)

func (m GradMode) String() string {
	switch m {
	case Reverse:
		return "reverse"
	case ForwardDecay:
		return "forward-mode decays"
	}
	return fmt.Sprintf("GradMode(%d)", int(m))
}

// GradSettings configures Gradient. A nil *GradSettings means Reverse on
// runtime.GOMAXPROCS(0) workers.
type GradSettings struct {
	Mode GradMode
	// Workers: goroutines over batch elements; 0 means GOMAXPROCS.
	// Results do not depend on it.
	Workers int
}

// grads accumulates the gradients of one chunk of the batch.
type grads struct{ w [6][]float64 }

// accumulators returns k zeroed gradient accumulators, reusing the
// network's.
func (n *Network) accumulators(k int) []grads {
	params := n.Params()
	for len(n.acc) < k {
		var g grads
		for i, p := range params {
			g.w[i] = make([]float64, len(p.Value))
		}
		n.acc = append(n.acc, g)
	}
	for _, g := range n.acc[:k] {
		for _, w := range g.w {
			clear(w)
		}
	}
	return n.acc[:k]
}

// Gradient runs the batch x[b][t][i] forward, scores it with loss, and
// backpropagates through time, through the reset current and the
// recurrent spikes (nothing is detached, as in the authors' code), with
// the surrogate ψ standing in for ∂z/∂v. With g the adjoints (g· = ∂L/∂·),
// k_j[t] = 1 − z_j[t−1] under the Zero reset and 1 otherwise, for t = T−1
// down to 0:
//
//	gz_j[t] = Σ_k w^out_kj·G^out_kj[t] + θ·gR_j[t+1] + Σ_m w^rec_mj·G^rec_mj[t+1] − Σ_i G_ji[t+1]·ρ_ji·I_ji[t]
//	gv_j[t] = gz_j[t]·ψ(v_j[t] − θ)
//	gR_j[t] = −gv_j[t] + ρ_r·gR_j[t+1]
//	G_ji[t] = gv_j[t] + ρ_ji·k_j[t+1]·G_ji[t+1]         (input and recurrent synapses; G^out with gy in place of gv)
//	∂L/∂w_ji += G_ji[t]·x_i[t]       ∂L/∂ρ_ji += G_ji[t]·k_j[t]·I_ji[t−1]
//
// (the last gz term only under Zero; per-neuron decays sum over i). It
// writes the gradient of the mean loss into every parameter's Grad (all
// parameters, fixed decays included) and returns the mean loss.
func (n *Network) Gradient(x [][][]float64, loss Loss, s *GradSettings) (float64, error) {
	var set GradSettings
	if s != nil {
		set = *s
	}
	if set.Mode != Reverse && set.Mode != ForwardDecay {
		return 0, fmt.Errorf("snn: Gradient: unknown GradMode %d", int(set.Mode))
	}
	c := &n.cfg
	if set.Mode == ForwardDecay && c.Model.perSynapse() && c.Reset == Zero {
		return 0, fmt.Errorf("snn: Gradient: ForwardDecay does not support the Zero reset of a %v network (its gradient needs the current history): use Reverse", c.Model)
	}
	if loss == nil {
		return 0, fmt.Errorf("snn: Gradient: nil loss")
	}
	if err := n.checkParams(); err != nil {
		return 0, err
	}
	T, act, err := n.checkInput("Gradient", x)
	if err != nil {
		return 0, err
	}
	B := len(x)
	if err := loss.Check(B, T, c.Outputs); err != nil {
		return 0, err
	}
	in, rec, out := n.projections()
	params := n.Params()
	chunks := parallel.Chunks(B, 64)
	acc := n.accumulators(len(chunks))
	losses := make([]float64, B)
	w := min(parallel.Workers(set.Workers), len(chunks))
	fwd := set.Mode == ForwardDecay
	for k := 0; k < w; k++ {
		n.scratchFor(k, T, !fwd, fwd)
	}
	err = parallel.ForErr(len(chunks), w, func(wk, ci int) error {
		s := n.scratch[wk]
		for b := chunks[ci][0]; b < chunks[ci][1]; b++ {
			var xa [][]int
			if act != nil {
				xa = act[b]
			}
			l, err := n.elementGrad(s, in, rec, out, x[b], xa, b, loss, 1/float64(B), fwd, &acc[ci])
			if err != nil {
				return err
			}
			losses[b] = l
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for k, p := range params {
		clear(p.Grad)
		for i := range acc {
			for j, g := range acc[i].w[k] {
				p.Grad[j] += g
			}
		}
	}
	var mean float64
	for _, l := range losses {
		mean += l
	}
	return mean / float64(B), nil
}

// elementGrad adds the gradient of ℓ_b/B to acc and returns ℓ_b.
func (n *Network) elementGrad(s *scratch, in, rec, out *proj, x [][]float64, xact [][]int, b int, loss Loss, invB float64, fwd bool, acc *grads) (float64, error) {
	c := &n.cfg
	N, O, T := c.Neurons, c.Outputs, s.T
	n.simulate(s, in, rec, out, x, xact)
	clear(s.gy)
	l := loss.Element(b, s.yRows, s.gyRows)
	if math.IsNaN(l) || math.IsInf(l, 0) {
		return l, fmt.Errorf("snn: Gradient: the loss of batch element %d is %v", b, l)
	}
	for i := range s.gy {
		s.gy[i] *= invB
	}
	dWin, dWrec, dWout, dRin, dRrec, dRout := acc.w[0], acc.w[1], acc.w[2], acc.w[3], acc.w[4], acc.w[5]
	clear(s.gin)
	clear(s.grec)
	clear(s.gout)
	clear(s.gR)
	clear(s.gz)
	clear(s.gzPrev)
	clear(s.gk)
	sm := c.smooth()
	zero := c.Reset == Zero
	var kCur, kNext []float64
	if zero {
		kCur, kNext = s.keep, s.keepNext
	}
	var gk []float64
	if zero {
		gk = s.gk
	}
	// prev returns I[t−1] from a history, nil when there is none or at
	// t = 0 (I[−1] = 0 contributes nothing to the decays' gradients).
	prev := func(h []float64, t, size int) []float64 {
		if len(h) == 0 || t == 0 {
			return nil
		}
		return h[(t-1)*size : t*size]
	}
	theta, rhoR := c.Theta, n.rhoR
	for t := T - 1; t >= 0; t-- {
		z := s.Z[t*N : (t+1)*N]
		zprev := s.zero
		var za, zpa []int
		if sm == nil {
			za = s.zAct(t)
			zpa = s.zIdx[:0]
		}
		if t > 0 {
			zprev = s.Z[(t-1)*N : t*N]
			if sm == nil {
				zpa = s.zAct(t - 1)
			}
		}
		if zero {
			for j := range kCur {
				kCur[j], kNext[j] = 1-zprev[j], 1-z[j]
			}
		}
		gz := s.gz
		ip, rp, op := prev(s.hin, t, in.size()), prev(s.hrec, t, rec.size()), prev(s.hout, t, out.size())
		gy := s.gy[t*O : (t+1)*O]
		out.backward(s.gout, gy, nil, nil, z, za, op, dWout, dRout, gz, nil)
		v := s.V[t*N : (t+1)*N]
		gv := s.gv
		for j := range gv {
			gv[j] = gz[j] * c.Surrogate.Grad(v[j]-theta)
		}
		if fwd {
			copy(s.gvHist[t*N:], gv)
		}
		if c.Reset == Subtract {
			for j, g := range gv {
				s.gR[j] = -g + rhoR*s.gR[j]
				s.gzPrev[j] += theta * s.gR[j]
			}
		}
		var xa []int
		if xact != nil {
			xa = xact[t]
		}
		in.backward(s.gin, gv, kNext, kCur, x[t], xa, ip, dWin, dRin, nil, gk)
		rec.backward(s.grec, gv, kNext, kCur, zprev, zpa, rp, dWrec, dRrec, s.gzPrev, gk)
		if zero {
			for j, g := range gk {
				s.gzPrev[j] -= g
				gk[j] = 0
			}
		}
		s.gz, s.gzPrev = s.gzPrev, s.gz
		clear(s.gzPrev)
	}
	if fwd {
		n.tangentPass(s, in, rec, out, x, xact, dRin, dRrec, dRout)
	}
	return l, nil
}

// tangentPass is ForwardDecay's second forward pass: it recomputes the
// per-synapse currents with their sensitivities Q = ∂I/∂ρ and adds
// Σ_t gv_j[t]·Q_ji[t] to the decays' gradients (gy_k[t] for the readout).
func (n *Network) tangentPass(s *scratch, in, rec, out *proj, x [][]float64, xact [][]int, dRin, dRrec, dRout []float64) {
	c := &n.cfg
	N, O, T := c.Neurons, c.Outputs, s.T
	sm := c.smooth()
	for _, st := range [][]float64{s.iin, s.irec, s.iout, s.qin, s.qrec, s.qout} {
		clear(st)
	}
	for t := 0; t < T; t++ {
		zprev := s.zero
		var za, zpa []int
		if sm == nil {
			za = s.zAct(t)
			zpa = s.zIdx[:0]
		}
		if t > 0 {
			zprev = s.Z[(t-1)*N : t*N]
			if sm == nil {
				zpa = s.zAct(t - 1)
			}
		}
		gv := s.gvHist[t*N : (t+1)*N]
		var xa []int
		if xact != nil {
			xa = xact[t]
		}
		// The Zero reset is excluded for per-synapse projections, so k = 1.
		if in.syn {
			in.tangent(s.iin, s.qin, x[t], xa, nil, gv, dRin)
		}
		if rec.syn {
			rec.tangent(s.irec, s.qrec, zprev, zpa, nil, gv, dRrec)
		}
		if out.syn {
			out.tangent(s.iout, s.qout, s.Z[t*N:(t+1)*N], za, nil, s.gy[t*O:(t+1)*O], dRout)
		}
	}
}
