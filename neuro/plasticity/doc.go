// Package plasticity measures and repairs the loss of plasticity of
// networks trained on changing targets: the τ-dormant ratio of Sokar et
// al. (2023, "The dormant neuron phenomenon in deep reinforcement
// learning", ReDo), the gradient-magnitude metric GraMa of Liu et al.
// (2025, "Measure gradients, not activations! Enhancing neuronal activity
// in deep reinforcement learning", arXiv 2505.24061), and the neuron resets
// built on each (ReDo and ReGraMa); with a small soft actor-critic (SAC)
// learner and the Pendulum-v1 environment to study them in reinforcement
// learning.
//
// # Scores
//
// A hidden neuron i of a layer of H neurons gets a raw score g_i on a
// batch, normalised by the layer mean,
//
//	s_i = g_i / ( (1/H) Σ_k g_k + 1e-9 ),   inactive ⇔ s_i ≤ τ,
//
// where g_i is E_b|h_i| (TauDormant: the activation), the mean |∂L/∂W_ij|
// over its incoming weights (GraMa, as the authors' code computes it) or
// E_b|∂L/∂z_i| (GraMaPreAct). τ = 0 flags exactly-zero scores. A neuron
// whose outgoing weights are all zero keeps its activation, so τ-dormant
// calls it active, but receives no gradient, so GraMa calls it inactive:
// activations miss it, gradients do not. Output layers are never scored.
//
// # Resets
//
// A Resetter, called between the backward pass and the optimizer step,
// rescores every Period gradient steps and re-initialises the inactive
// neurons: ReGraMa() redraws their incoming weights (He-uniform) and
// leaves their outgoing weights; ReDo() redraws the incoming weights
// (Xavier-uniform), zeroes the outgoing weights and the Adam moments of
// both. Each reset reports counts and fractions per layer and which
// neurons stayed inactive since the last reset.
//
// # Networks
//
// Networks are train.Net values (dense layers with ReLU, leaky ReLU, tanh,
// SiLU or GELU; LayerNorm; residual blocks x + W₂ φ(LN(W₁ x + b₁)) + b₂)
// trained with train.Adam; their explicit gradients give the per-layer
// ∂L/∂z GraMa needs.
package plasticity
