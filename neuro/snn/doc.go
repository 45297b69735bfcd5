// Package snn implements recurrent spiking networks with heterogeneous
// synapses (HetSyn; Deng, Liu, Wang, Chen, Wei & Yu, NeurIPS 2025,
// arXiv 2508.11644, code github.com/dzcgood/HetSyn) trained by hand-written
// backpropagation through time with surrogate gradients.
//
// # The HetSynLIF layer
//
// As the authors' code implements it (hetsyn_base.py, hetsyn_stacked.py),
// for presynaptic spikes x_i[t] and neuron j, in discrete steps of Dt:
//
//	I_ji[t]     = ρ_ji·I_ji[t−1] + w_ji·x_i[t]              input synapses, one current each
//	I^rec_jk[t] = ρ^rec_jk·I^rec_jk[t−1] + w^rec_jk·z_k[t−1]  recurrent synapses
//	R_j[t]      = ρ_r·R_j[t−1] + θ·z_j[t−1]                   reset current, ρ_r = exp(−Dt/τ_r)
//	v_j[t]      = Σ_i I_ji[t] + Σ_k I^rec_jk[t] − R_j[t]      no leak of its own
//	z_j[t]      = H(v_j[t] − θ)
//	y_k[t]      = Σ_j I^out_kj[t],  I^out_kj[t] = ρ^out_kj·I^out_kj[t−1] + w^out_kj·z_j[t]   leaky readout
//
// All leak lives in the synapses. Weights w and decays ρ are learned; the
// decays are clamped to [0, 1] after every optimizer step (Network.Align),
// θ and τ_r are fixed.
//
// # Special cases
//
// Tying the decays gives the paper's special cases exactly (the tests find
// the same spike trains and membranes equal to rounding, within 1e-12):
//
//   - LIF: every ρ_ji = ρ_m and ρ_r = ρ_m gives
//     v[t] = ρ_m·v[t−1] + Σ_i w_ji x_i[t] + Σ_k w^rec_jk z_k[t−1] − θ·z_j[t−1],
//     the LIF neuron with reset by subtraction (no (1−ρ) input scaling).
//   - ALIF: every ρ_ji = ρ_m, ρ_r ≠ ρ_m gives an unreset membrane
//     u[t] = ρ_m·u[t−1] + W x[t] + W^rec z[t−1] with adaptive threshold
//     θ + R_j[t].
//   - HetNeuron: ρ_ji = ρ_j, one current per neuron (the code's HomNeu
//     cells): I_j[t] = ρ_j·I_j[t−1] + Σ_i w_ji x_i[t].
//
// Model selects the tying; the tied models keep one current per neuron.
// Reset modes Subtract (the above), Zero (a spike zeroes the neuron's
// currents) and None are available to every model.
//
// # Gradients
//
// Network.Gradient backpropagates through time, through the reset current
// and the recurrent spikes (nothing detached, as the authors' code), with a
// pluggable Surrogate ψ for ∂z/∂v: the authors' MultiGaussian (default),
// Atan, FastSigmoid, Triangular, StraightThrough. The adjoints, for t from
// T−1 down to 0, are
//
//	gz_j[t]  = ∂ℓ/∂z_j[t] + θ·gR_j[t+1] + Σ_m w^rec_mj·G^rec_mj[t+1]
//	gv_j[t]  = gz_j[t]·ψ(v_j[t] − θ)
//	gR_j[t]  = −gv_j[t] + ρ_r·gR_j[t+1]
//	G_ji[t]  = gv_j[t] + ρ_ji·G_ji[t+1]
//	∂L/∂w_ji += G_ji[t]·x_i[t],   ∂L/∂ρ_ji += G_ji[t]·I_ji[t−1]
//
// The reverse mode keeps I[t−1] for every step and synapse. GradMode
// ForwardDecay instead carries Q_ji = ∂I_ji/∂ρ_ji forward,
// Q[t] = ρ·Q[t−1] + I[t−1], after the backward pass has produced gv, and
// sums ∂L/∂ρ_ji = Σ_t gv_j[t]·Q_ji[t]: no current history, one more forward
// pass. Smooth (H replaced by a sigmoid in the forward pass too) makes the
// network differentiable, so that the tests check both modes against
// central finite differences, and against each other to 1e-9; an
// independent PyTorch implementation (testdata/hetsyn_torch.py, autograd)
// agrees on spikes, states and gradients.
//
// # Training, tasks, encoders
//
// Fit trains with neuro/train's AdamW over the script's two parameter
// groups (weights 2e-3, decays 4e-3, weight decay 4e-3) and its
// warmup-cosine schedule (train.WarmupCosine). Inputs are spike matrices
// x[b][t][i] of 0/1 values; Poisson, Rate and Latency encode, FlipNoise and
// Stretch perturb them, SpikeTimes turns them (or a Trace's spikes) into
// the spike times widgets.Raster draws. PatternTask (pattern generation)
// and SampleDMS (delayed match-to-sample) are the paper's CPU-sized tasks;
// PatternProtocol and DMSProtocol are the experiments of
// notebooks/hetsyn_timescales.ipynb, and cmd/hetsyn-experiments runs them
// in full.
//
// Users of snnTorch will recognise Leaky (LIF with subtract/zero/none
// resets), the surrogate names, spikegen.rate and spikegen.latency; users
// of Norse the reset current and the τ-based parameters. Unlike Norse and
// spikingjelly's defaults, no reset is detached from the gradient.
package snn
