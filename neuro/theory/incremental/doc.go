// Package incremental simulates and predicts how a mildly overparameterised
// two-layer ReLU network learns orthogonal data from a small initialisation:
// the saddle-to-saddle "incremental learning" of Town, Boursier, Lewis,
// Englert & Lazić, "Mildly Overparameterized ReLU Networks on Orthogonal
// Data: Incremental Learning and Implicit Bias" (arXiv 2605.27097), and the
// interpolation probability of Dana, Bach & Pillaud-Vivien (arXiv
// 2502.16977).
//
// # Model
//
// A bias-free two-layer ReLU network of width m on inputs x ∈ R^d,
//
//	f_θ(x) = Σ_{j=1..m} a_j σ(⟨w_j, x⟩),   σ(z) = max(z, 0),
//
// is trained on n pairwise orthogonal inputs x_1..x_n (d ≥ n) with labels
// y_i by gradient descent on the square loss
//
//	L(θ) = (1/2n) Σ_i (f_θ(x_i) − y_i)².
//
// With residuals r_i = f(x_i) − y_i the gradients are
//
//	∂L/∂a_j = (1/n) Σ_i r_i σ(⟨w_j, x_i⟩)
//	∂L/∂w_j = (1/n) a_j Σ_i r_i 1[⟨w_j, x_i⟩ > 0] x_i
//
// (Net.Gradient; checked against finite differences). Because σ is
// positively homogeneous, a_j ∂L/∂a_j = ⟨w_j, ∂L/∂w_j⟩, so gradient flow
// conserves a_j² − ‖w_j‖², and one gradient-descent step of size η changes
// it by exactly η²((∂L/∂a_j)² − ‖∂L/∂w_j‖²).
//
// The initialisation is small and balanced (InitNet): w_j(0) = λ g_j with
// g_j ~ N(0, I_d/d) and a_j(0) = s_j ‖w_j(0)‖ with random signs s_j = ±1,
// so a_j keeps its sign for ever.
//
// # The λ → 0 limit: a jump process
//
// Gradient descent with a small step (Descend) stands for the gradient
// flow. As λ → 0 the flow, watched in the rescaled time τ = t / log(1/λ),
// becomes a jump process (Predict), reconstructed here from the paper's
// abstract and its predecessors (the paper's Algorithm 1 was not available
// to check against; see the notebook theory_incremental_learning for what
// was verified by simulation):
//
//   - neuron j can only ever fit its good points
//     G_j = {i : ⟨w_j(0), x_i⟩ > 0 and sign(y_i) = s_j}; a coordinate with
//     ⟨w_j, x_i⟩ ≤ 0 has zero gradient and never revives;
//   - while small, neuron j grows like exp(ρ_j t) with
//     ρ_j = ‖Σ_{i ∈ G_j ∩ U} y_i x_i‖ / n, U the points not yet fitted (the
//     top eigenvalue of the linearised dynamics of (|a_j|, w_j on G_j ∩ U));
//   - so its exponent E_j(τ) = 1 + log|a_j| / log(1/λ) = ∫_0^τ ρ_j rises
//     piecewise linearly from 0, and neuron j activates when E_j reaches 1;
//     it then fits S = G_j ∩ U at once and U loses S;
//   - between jumps the loss sits on the plateau (1/2n) Σ_{i ∈ U} y_i²;
//   - a neuron that fitted S ends with a_j² = ‖w_j‖² = ‖(y_i/‖x_i‖)_{i∈S}‖₂,
//     so the learned interpolator has ‖θ‖² = 2 Σ_jumps ‖(y_i/‖x_i‖)_S‖₂,
//     against the minimum-norm interpolator's 2(‖(y/‖x‖)₊‖₂ + ‖(y/‖x‖)₋‖₂)
//     (MinNorm; one neuron per label sign).
//
// The process interpolates exactly when every point is some neuron's good
// point. The signs of ⟨g_j, x_i⟩ are independent fair coins for Gaussian g_j
// and orthogonal x_i, so with n₊ positive and n₋ negative labels and
// m₊ ~ Bin(m, ½) positive neurons (InterpolationProbability)
//
//	P(interpolation) = Σ_{m₊} Bin(m₊; m, ½) (1 − 2^{−m₊})^{n₊} (1 − 2^{−(m−m₊)})^{n₋}.
//
// # How fast the limit is reached
//
// At finite λ a neuron's size carries O(1) factors the limit drops (its
// initial projection on the growing direction; the activation threshold,
// a_j² > 0.1 rather than |a_j| ~ 1), so gradient descent activates a
// neuron earlier or later by about c/ρ in time t, c = O(1) and ρ its last
// growth rate (Jump.Rate): by c/(ρ log(1/λ)) in τ. The τ error vanishes
// like 1/log(1/λ), but the scaled error |τ_GD − τ_pred|·log(1/λ) tends to
// c/ρ, which is large for neurons that end up fitting a single point
// (ρ ≈ |y_i|/n). On the n = 64 instance, c ≈ 0.6–0.9 (measured on
// fresh seeds: at most 1.13), so single-point neurons are ≈ 45 time units
// early at every λ from 1e-6 to 1e-96; Comparison measures it.
//
// # Numerics for tiny λ
//
// λ down to 1e-24 is no problem for float64 (smallest normal 2.2e-308): the
// weights are ~λ, products a_j⟨w_j, x_i⟩ ~λ², and the conserved balance
// a_j² − ‖w_j‖² starts at exactly 0. What does need care is time: plateaus
// last ~log(1/λ) time units, so Descend reports every time as τ =
// t / log(1/λ) and every neuron's size as the exponent E_j, and its default
// step η = 0.01 n / ‖(y_i‖x_i‖)_i‖₂ keeps the relative error of the growth
// rate per unit time, ηρ/2, below 0.5% (gradient descent multiplies a
// growing neuron by 1 + ηρ per step where the flow multiplies it by e^{ηρ}).
// A saddle's plateau is flat to ~λ^{2(1−E)}, so no loss-based stopping rule
// can tell a plateau from the end; Descend stops instead when no neuron can
// grow any more: every neuron's escape rate (the linearised growth rate
// above, evaluated on the current residuals) is at most Settings.Tolerance.
package incremental
