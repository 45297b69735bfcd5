package snn

import (
	"fmt"
	"math"
)

// Model says how the decay factors ρ of a network are tied. All four are
// the one HetSynLIF layer with different parameter tyings (the paper's
// special cases); the tied ones keep one current per neuron instead of one
// per synapse, which is exactly the sum of the tied per-synapse currents.
type Model int

const (
	// HetSyn: one learnable decay ρ_ji per synapse (input, recurrent and
	// readout), reset current with τ_r. The paper's model.
	HetSyn Model = iota
	// HetNeuron: one learnable decay per neuron and projection (ρ_j for
	// its input synapses, another for its recurrent synapses, ρ_k per
	// readout unit): neuron-level heterogeneity, the code's HomNeu cells.
	HetNeuron
	// ALIF: every decay fixed at ρ_m = exp(−dt/τ_m) and a reset current
	// with a different, fixed ρ_r: a LIF neuron with an adaptive threshold
	// θ + R_j[t] (threshold adaptation).
	ALIF
	// LIF: every decay fixed at ρ_m and ρ_r = ρ_m: the vanilla LIF neuron
	// with reset by subtraction, v[t] = ρ_m·v[t−1] + Σ w x − θ·z[t−1].
	LIF
)

var modelNames = [...]string{HetSyn: "HetSyn", HetNeuron: "HetNeuron", ALIF: "ALIF", LIF: "LIF"}

// Models lists the four arms in the order the figures use.
var Models = []Model{LIF, ALIF, HetNeuron, HetSyn}

// String returns the model's name.
func (m Model) String() string {
	if m >= 0 && int(m) < len(modelNames) {
		return modelNames[m]
	}
	return fmt.Sprintf("Model(%d)", int(m))
}

// ParseModel returns the model named s (as String spells it).
func ParseModel(s string) (Model, error) {
	for m, n := range modelNames {
		if n == s {
			return Model(m), nil
		}
	}
	return 0, fmt.Errorf("snn: unknown model %q, want one of %v", s, modelNames)
}

// perSynapse says whether the model keeps one decay and one current per
// synapse.
func (m Model) perSynapse() bool { return m == HetSyn }

// learnsDecays says whether the decays are trained.
func (m Model) learnsDecays() bool { return m == HetSyn || m == HetNeuron }

// ResetMode says what a spike does to the neuron that emitted it.
type ResetMode int

const (
	// Subtract (the default): a spike adds θ to a reset current that
	// decays with ρ_r, R[t] = ρ_r·R[t−1] + θ·z[t−1], and v = ΣI − R. With
	// ρ_r equal to the synaptic decays this is LIF's reset by subtraction.
	Subtract ResetMode = iota
	// Zero: a spike at t−1 sets the neuron's synaptic currents, and so its
	// membrane, to zero before the step's input is added:
	// I_ji[t] = ρ_ji·(1 − z_j[t−1])·I_ji[t−1] + w_ji·x_i[t]. No reset
	// current.
	Zero
	// None: no reset at all.
	None
)

var resetNames = [...]string{Subtract: "subtract", Zero: "zero", None: "none"}

func (r ResetMode) String() string {
	if r >= 0 && int(r) < len(resetNames) {
		return resetNames[r]
	}
	return fmt.Sprintf("ResetMode(%d)", int(r))
}

// Config describes a recurrent HetSynLIF layer of Neurons neurons driven by
// Inputs spike trains, read out by Outputs leaky, non-spiking units. Zero
// fields take the documented defaults, which are those of the authors' code
// with time measured in steps of Dt.
type Config struct {
	Inputs, Neurons, Outputs int
	// Model ties the decays (HetSyn, the zero value, ties nothing).
	Model Model
	// Dt is the time step in seconds; 0 means 1 ms. Decays are
	// ρ = exp(−Dt/τ).
	Dt float64
	// Theta is the firing threshold θ; 0 means 1.
	Theta float64
	// TauM is the membrane time constant τ_m of LIF and ALIF (every decay
	// is exp(−Dt/τ_m)); 0 means 20·Dt.
	TauM float64
	// TauR is the time constant of the reset current; 0 means 20·Dt
	// (the code's 20 ms at 1 ms steps), or 200·Dt for ALIF (a threshold
	// adaptation slower than the membrane, as in LSNNs). LIF ignores it:
	// its reset decays like its membrane.
	TauR float64
	// TauInit is the range of the uniform distribution the learnable time
	// constants of HetSyn and HetNeuron are drawn from; zero means
	// [5·Dt, 20·Dt], the authors' U(5 ms, 20 ms) at 1 ms steps.
	TauInit [2]float64
	// WeightScale scales the initial weights, w ~ N(0, (WeightScale/√fan_in)²);
	// 0 means 1, the authors' initialisation.
	WeightScale float64
	// Reset is the reset mode; Subtract by default.
	Reset ResetMode
	// Surrogate is the pseudo-derivative of the spike; nil means
	// MultiGaussian{} (the authors'). A SmoothSpike makes spikes smooth.
	Surrogate Surrogate
	// NoSelfRecurrence removes the recurrent synapse of each neuron onto
	// itself (kept at zero after every Align). The authors keep them for
	// HetSyn (self_rec=True).
	NoSelfRecurrence bool
	// AnalogInput accepts any finite input values (currents, rates); by
	// default inputs must be spikes, 0 or 1.
	AnalogInput bool
}

// resolved returns c with defaults filled in, or an error naming the
// invalid field.
func (c Config) resolved() (Config, error) {
	if c.Inputs < 1 || c.Neurons < 1 || c.Outputs < 1 {
		return c, fmt.Errorf("snn: Config: Inputs=%d, Neurons=%d, Outputs=%d, want all ≥ 1", c.Inputs, c.Neurons, c.Outputs)
	}
	if c.Model < HetSyn || c.Model > LIF {
		return c, fmt.Errorf("snn: Config: unknown Model %d", int(c.Model))
	}
	if c.Reset < Subtract || c.Reset > None {
		return c, fmt.Errorf("snn: Config: unknown Reset %d", int(c.Reset))
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"Dt", c.Dt}, {"Theta", c.Theta}, {"TauM", c.TauM}, {"TauR", c.TauR}, {"TauInit[0]", c.TauInit[0]}, {"TauInit[1]", c.TauInit[1]}, {"WeightScale", c.WeightScale}} {
		if f.v < 0 || math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return c, fmt.Errorf("snn: Config: %s = %v, want a finite value ≥ 0 (0 for the default)", f.name, f.v)
		}
	}
	if c.Dt == 0 {
		c.Dt = 1e-3
	}
	if c.Theta == 0 {
		c.Theta = 1
	}
	if c.TauM == 0 {
		c.TauM = 20 * c.Dt
	}
	if c.TauR == 0 {
		c.TauR = 20 * c.Dt
		if c.Model == ALIF {
			c.TauR = 200 * c.Dt
		}
	}
	if c.Model == LIF {
		c.TauR = c.TauM
	}
	if c.TauInit == [2]float64{} {
		c.TauInit = [2]float64{5 * c.Dt, 20 * c.Dt}
	}
	if c.TauInit[0] <= 0 || c.TauInit[1] < c.TauInit[0] {
		return c, fmt.Errorf("snn: Config: TauInit = %v, want 0 < TauInit[0] ≤ TauInit[1]", c.TauInit)
	}
	if c.WeightScale == 0 {
		c.WeightScale = 1
	}
	if c.Surrogate == nil {
		c.Surrogate = MultiGaussian{}
	}
	return c, nil
}

// smooth returns the smooth spike function of the configuration, or nil
// when spikes are binary.
func (c *Config) smooth() SmoothSpike {
	s, _ := c.Surrogate.(SmoothSpike)
	return s
}

// Decay returns ρ = exp(−dt/τ), the per-step decay of a time constant τ.
func Decay(tau, dt float64) float64 { return math.Exp(-dt / tau) }

// Tau returns τ = −dt/ln ρ, the time constant of a per-step decay ρ: +Inf
// for ρ = 1 (a perfect integrator) and 0 for ρ = 0.
func Tau(rho, dt float64) float64 {
	if rho >= 1 {
		return math.Inf(1)
	}
	if rho <= 0 {
		return 0
	}
	return -dt / math.Log(rho)
}
