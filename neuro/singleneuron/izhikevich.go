package singleneuron

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// NeuronType is one of the intrinsic firing types of Izhikevich's model
// (Izhikevich 2003, "Simple model of spiking neurons", Fig. 2).
type NeuronType int

const (
	// RegularSpiking: tonic spikes with adaptation, cortical excitatory
	// cells (a, b, c, d) = (0.02, 0.2, −65, 8).
	RegularSpiking NeuronType = iota
	// FastSpiking: high-rate spikes without adaptation, inhibitory
	// interneurons (0.1, 0.2, −65, 2).
	FastSpiking
	// IntrinsicallyBursting: a burst at the onset of a drive, then
	// single spikes (0.02, 0.2, −55, 4).
	IntrinsicallyBursting
	// Chattering: repetitive bursts of closely spaced spikes
	// (0.02, 0.2, −50, 2).
	Chattering
)

// AllTypes lists the four types in order.
var AllTypes = []NeuronType{RegularSpiking, FastSpiking, IntrinsicallyBursting, Chattering}

// String returns the type's abbreviation: RS, FS, IB or CH.
func (t NeuronType) String() string {
	switch t {
	case RegularSpiking:
		return "RS"
	case FastSpiking:
		return "FS"
	case IntrinsicallyBursting:
		return "IB"
	case Chattering:
		return "CH"
	}
	return fmt.Sprintf("NeuronType(%d)", int(t))
}

func (t NeuronType) valid() bool { return t >= RegularSpiking && t <= Chattering }

// Params returns the type's (a, b, c, d) from Izhikevich (2003).
func (t NeuronType) Params() Izhikevich {
	switch t {
	case FastSpiking:
		return Izhikevich{A: 0.1, B: 0.2, C: -65, D: 2}
	case IntrinsicallyBursting:
		return Izhikevich{A: 0.02, B: 0.2, C: -55, D: 4}
	case Chattering:
		return Izhikevich{A: 0.02, B: 0.2, C: -50, D: 2}
	}
	return Izhikevich{A: 0.02, B: 0.2, C: -65, D: 8}
}

// Izhikevich holds the parameters of Izhikevich's two-variable neuron,
// with time in ms, membrane potential v in mV and input current I:
//
//	v' = 0.04 v² + 5 v + 140 − u + I
//	u' = a (b v − u)
//	if v ≥ 30 mV:  v ← c,  u ← u + d
//
// starting from v = −65, u = b·v.
type Izhikevich struct {
	A, B, C, D float64
}

// Threshold is the spike cut-off of Izhikevich's model in mV.
const Threshold = 30.0

// Run integrates the model with forward Euler steps of dt seconds under
// the input current[k] during step k (from k·dt to (k+1)·dt) and returns
// the spike times in seconds. A spike's time is where the linear
// interpolation of v over its step crosses Threshold:
//
//	v_{k+1} = v_k + Δ (0.04 v_k² + 5 v_k + 140 − u_k + I_k)
//	u_{k+1} = u_k + Δ a (b v_k − u_k),        Δ = 1000·dt ms
//	v_{k+1} ≥ 30 ⇒ spike at (k + (30 − v_k)/(v_{k+1} − v_k))·dt,
//	               v_{k+1} ← c, u_{k+1} ← u_{k+1} + d.
func (p Izhikevich) Run(current []float64, dt float64) ([]float64, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if !(dt > 0 && dt <= 0.001) {
		return nil, fmt.Errorf("singleneuron: Izhikevich.Run: dt = %v s, want in (0, 0.001] (Euler is unstable beyond 1 ms)", dt)
	}
	for k, v := range current {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("singleneuron: Izhikevich.Run: current[%d] = %v is not finite", k, v)
		}
	}
	// With σ = 0 the noise is exactly 0 and scale 1 leaves the current
	// as given: the campaign's kernel integrates a given current exactly.
	return p.runOU(nil, rand.New(rand.NewPCG(0, 0)), current, 1, 0, 1, dt), nil
}

func (p Izhikevich) validate() error {
	for i, v := range []float64{p.A, p.B, p.C, p.D} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("singleneuron: Izhikevich parameter %c = %v is not finite", "abcd"[i], v)
		}
	}
	if !(p.C < Threshold) {
		return fmt.Errorf("singleneuron: Izhikevich reset c = %v mV, want below the %v mV threshold", p.C, Threshold)
	}
	return nil
}

// runOU integrates the model under the input of one neuron in one
// environment, appending spike times to out:
//
//	I_k = gain·drive·S_k + η_k,
//	η_{k+1} = (1 − dt/τ) η_k + σ √(2 dt/τ) ξ_k,  ξ_k ~ N(0, 1), η_0 ~ N(0, σ²),
//
// an Ornstein–Uhlenbeck noise of standard deviation σ and time constant τ
// added to the scaled stimulus waveform S.
func (p Izhikevich) runOU(out []float64, rng *rand.Rand, stim []float64, scale, sigma, tau, dt float64) []float64 {
	h := 1000 * dt
	ha, b, c, d := h*p.A, p.B, p.C, p.D
	decay, kick := 1-dt/tau, sigma*math.Sqrt(2*dt/tau)
	eta := sigma * rng.NormFloat64()
	v := -65.0
	u := b * v
	for k, s := range stim {
		vn := v + h*(0.04*v*v+5*v+140-u+scale*s+eta)
		u += ha * (b*v - u)
		if vn >= Threshold {
			out = append(out, (float64(k)+(Threshold-v)/(vn-v))*dt)
			vn = c
			u += d
		}
		v = vn
		eta = decay*eta + kick*rng.NormFloat64()
	}
	return out
}
