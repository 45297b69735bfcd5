package snn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neuronb/neuronb/neuro/train"
)

// Network is one recurrent HetSynLIF layer with a leaky readout, the
// network of the paper's RSNN experiments. Its parameters are train.Params
// (row-major, out × in) that carry their gradients:
//
//	WIn  N × Inputs, WRec N × N, WOut Outputs × N       weights w
//	RhoIn, RhoRec, RhoOut                                 decays ρ
//
// The decays have the weights' shapes for HetSyn (one per synapse) and one
// column (one per neuron or readout unit) for the other models. For LIF
// and ALIF they are fixed (every entry exp(−Dt/τ_m)) and not trained.
//
// A Network is not safe for concurrent use: its methods reuse scratch
// memory. Copy it with Clone to run two at once.
type Network struct {
	cfg                   Config
	WIn, WRec, WOut       *train.Param[float64]
	RhoIn, RhoRec, RhoOut *train.Param[float64]
	rhoR                  float64

	scratch []*scratch
	acc     []grads
}

// New returns a network with the authors' initialisation: weights
// w ~ N(0, (WeightScale/√fan_in)²), learnable decays ρ = exp(−Dt/τ) with
// τ ~ U(TauInit) drawn per synapse (HetSyn) or per neuron (HetNeuron), and
// fixed decays exp(−Dt/τ_m) for LIF and ALIF. Random numbers come from r
// in a fixed order (weights in, recurrent, out, then decays in, recurrent,
// out).
func New(r *rand.Rand, cfg Config) (*Network, error) {
	c, err := cfg.resolved()
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, fmt.Errorf("snn: New: nil *rand.Rand")
	}
	n := &Network{cfg: c, rhoR: Decay(c.TauR, c.Dt)}
	N, I, O := c.Neurons, c.Inputs, c.Outputs
	n.WIn = train.NewParam[float64]("w_in", N, I)
	n.WRec = train.NewParam[float64]("w_rec", N, N)
	n.WOut = train.NewParam[float64]("w_out", O, N)
	cols := func(k int) int {
		if c.Model.perSynapse() {
			return k
		}
		return 1
	}
	n.RhoIn = train.NewParam[float64]("rho_in", N, cols(I))
	n.RhoRec = train.NewParam[float64]("rho_rec", N, cols(N))
	n.RhoOut = train.NewParam[float64]("rho_out", O, cols(N))
	for _, p := range []*train.Param[float64]{n.WIn, n.WRec, n.WOut} {
		sd := c.WeightScale / math.Sqrt(float64(p.Cols))
		for i := range p.Value {
			p.Value[i] = sd * r.NormFloat64()
		}
	}
	for _, p := range n.decays() {
		for i := range p.Value {
			if c.Model.learnsDecays() {
				tau := c.TauInit[0] + (c.TauInit[1]-c.TauInit[0])*r.Float64()
				p.Value[i] = Decay(tau, c.Dt)
			} else {
				p.Value[i] = Decay(c.TauM, c.Dt)
			}
		}
	}
	n.Align()
	return n, nil
}

// Config returns the network's configuration with its defaults filled in.
func (n *Network) Config() Config { return n.cfg }

// ResetDecay returns ρ_r = exp(−Dt/τ_r), the decay of the reset current.
func (n *Network) ResetDecay() float64 { return n.rhoR }

func (n *Network) weights() []*train.Param[float64] {
	return []*train.Param[float64]{n.WIn, n.WRec, n.WOut}
}

func (n *Network) decays() []*train.Param[float64] {
	return []*train.Param[float64]{n.RhoIn, n.RhoRec, n.RhoOut}
}

// Params returns every parameter, weights then decays.
func (n *Network) Params() []*train.Param[float64] { return append(n.weights(), n.decays()...) }

// Trainable returns the parameters a training run updates: the weights,
// and the decays for HetSyn and HetNeuron.
func (n *Network) Trainable() []*train.Param[float64] {
	if n.cfg.Model.learnsDecays() {
		return n.Params()
	}
	return n.weights()
}

// Groups returns the two parameter groups of the authors' training script
// for train.NewAdam: weights at learning rate lr, decays (when learned) at
// decayLR, both with weight decay wd (AdamW's decay also pulls ρ toward 0,
// as in the script).
func (n *Network) Groups(lr, decayLR, wd float64) []train.Group[float64] {
	g := []train.Group[float64]{{Params: n.weights(), LR: lr, WeightDecay: wd}}
	if n.cfg.Model.learnsDecays() {
		g = append(g, train.Group[float64]{Params: n.decays(), LR: decayLR, WeightDecay: wd})
	}
	return g
}

// Align restores the constraints after a parameter update, as the
// authors' align_params does after each optimizer step: decays are
// clamped to [0, 1] (a NaN decay is left for validation to report) and,
// with NoSelfRecurrence, the recurrent diagonal is set to zero.
func (n *Network) Align() {
	for _, p := range n.decays() {
		for i, v := range p.Value {
			if v < 0 {
				p.Value[i] = 0
			} else if v > 1 {
				p.Value[i] = 1
			}
		}
	}
	if n.cfg.NoSelfRecurrence {
		N := n.cfg.Neurons
		for j := 0; j < N; j++ {
			n.WRec.Value[j*N+j] = 0
		}
	}
}

// ZeroGrad zeroes every parameter's gradient.
func (n *Network) ZeroGrad() {
	for _, p := range n.Params() {
		p.ZeroGrad()
	}
}

// Clone returns a deep copy of the network's parameters and configuration
// (gradients included), sharing no memory with n.
func (n *Network) Clone() *Network {
	m := &Network{cfg: n.cfg, rhoR: n.rhoR}
	cp := func(p *train.Param[float64]) *train.Param[float64] {
		q := train.NewParam[float64](p.Name, p.Rows, p.Cols)
		copy(q.Value, p.Value)
		copy(q.Grad, p.Grad)
		return q
	}
	m.WIn, m.WRec, m.WOut = cp(n.WIn), cp(n.WRec), cp(n.WOut)
	m.RhoIn, m.RhoRec, m.RhoOut = cp(n.RhoIn), cp(n.RhoRec), cp(n.RhoOut)
	return m
}

// checkParams reports a parameter whose shape changed, a non-finite value,
// or a decay outside [0, 1].
func (n *Network) checkParams() error {
	c := n.cfg
	want := map[*train.Param[float64]][2]int{
		n.WIn: {c.Neurons, c.Inputs}, n.WRec: {c.Neurons, c.Neurons}, n.WOut: {c.Outputs, c.Neurons},
	}
	cols := func(k int) int {
		if c.Model.perSynapse() {
			return k
		}
		return 1
	}
	want[n.RhoIn] = [2]int{c.Neurons, cols(c.Inputs)}
	want[n.RhoRec] = [2]int{c.Neurons, cols(c.Neurons)}
	want[n.RhoOut] = [2]int{c.Outputs, cols(c.Neurons)}
	for _, p := range n.Params() {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("snn: %w", err)
		}
		if s := want[p]; p.Rows != s[0] || p.Cols != s[1] {
			return fmt.Errorf("snn: parameter %q has shape %d×%d, want %d×%d for a %v network", p.Name, p.Rows, p.Cols, s[0], s[1], c.Model)
		}
	}
	for _, p := range n.weights() {
		for i, v := range p.Value {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("snn: parameter %q[%d] (row %d, column %d) = %v, want a finite weight", p.Name, i, i/p.Cols, i%p.Cols, v)
			}
		}
	}
	for _, p := range n.decays() {
		for i, v := range p.Value {
			if !(v >= 0 && v <= 1) {
				return fmt.Errorf("snn: decay %q[%d] (row %d, column %d) = %v, want a value in [0, 1] (Align clamps it)", p.Name, i, i/p.Cols, i%p.Cols, v)
			}
		}
	}
	return nil
}

// TimeConstants returns the time constants τ = −Dt/ln ρ of the input,
// recurrent and readout decays (row-major, the decays' shapes), +Inf where
// ρ = 1. For HetSyn these are the learned synaptic time constants the paper
// compares with biological data.
func (n *Network) TimeConstants() (in, rec, out []float64) {
	conv := func(p *train.Param[float64]) []float64 {
		t := make([]float64, len(p.Value))
		for i, r := range p.Value {
			t[i] = Tau(r, n.cfg.Dt)
		}
		return t
	}
	return conv(n.RhoIn), conv(n.RhoRec), conv(n.RhoOut)
}

// AsHetSyn returns the HetSyn network that n is a tying of: the same
// weights, reset time constant and settings, with every synapse's decay
// set to its neuron's (ρ_ji = ρ_j; for LIF and ALIF all equal ρ_m). It
// emits the same spikes as n and its membranes agree to rounding: the
// paper's special cases, made explicit.
func (n *Network) AsHetSyn() *Network {
	c := n.cfg
	h := &Network{cfg: c, rhoR: n.rhoR}
	h.cfg.Model = HetSyn
	cp := func(p *train.Param[float64]) *train.Param[float64] {
		q := train.NewParam[float64](p.Name, p.Rows, p.Cols)
		copy(q.Value, p.Value)
		return q
	}
	h.WIn, h.WRec, h.WOut = cp(n.WIn), cp(n.WRec), cp(n.WOut)
	tie := func(p *train.Param[float64], cols int) *train.Param[float64] {
		q := train.NewParam[float64](p.Name, p.Rows, cols)
		for j := 0; j < p.Rows; j++ {
			for i := 0; i < cols; i++ {
				if p.Cols == 1 {
					q.Value[j*cols+i] = p.Value[j]
				} else {
					q.Value[j*cols+i] = p.Value[j*cols+i]
				}
			}
		}
		return q
	}
	h.RhoIn, h.RhoRec, h.RhoOut = tie(n.RhoIn, c.Inputs), tie(n.RhoRec, c.Neurons), tie(n.RhoOut, c.Neurons)
	return h
}
