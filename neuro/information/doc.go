// Package information decomposes the information a neural population
// carries about a stimulus into contributions of single stimuli and single
// stimulus features, exactly (quadrature) and with diffusion models,
// following Laquitaine, Azeglio, Paris, Ferrari and Chalk, "Decomposing
// stimulus-specific sensory neural information via diffusion models"
// (arXiv 2505.11309; reference code steevelaquitaine/fisher-info-limits,
// src/nodes.py, compute_ilocal and compute_ssi).
//
// # Measures
//
// For a stimulus x ~ p(x) and responses r ~ p(r|x):
//
//	I(X;R)     = E log p(r|x)/p(r)                       mutual information
//	i_sp(x)    = KL(p(r|x) ‖ p(r))                       specific surprise (DeWeese & Meister)
//	SSI(x)     = H(X) − E_{r|x} H(X|r)                   stimulus-specific information (Butts)
//	J(x)       = E_{r|x} ∇log p(r|x) ∇log p(r|x)ᵀ         Fisher information
//	I_local(x) = ½ ∫₀^∞ E_{y~N(x,γI)} J_R(y;γ) dγ,       the paper's measure, with
//	J_R(y;γ)   = E_{p(r|y)} ‖∇_y log p(r|y)‖²,   y = x + √γ ξ, p(r|y) = ∫ p(r|x′) p(x′|y) dx′.
//
// i_sp, SSI and I_local all average to I over the prior (additivity); i_sp
// and I_local are never negative, SSI can be (TestNegativeSSI shows an
// encoder for which it is); only I_local is local: as γ → 0, J_R → J(x), so
// it sees how responses change around x, while i_sp and SSI depend on the
// whole response distribution. Because ‖∇_y log p(r|y)‖² = Σ_k
// (∂_{y_k} log p(r|y))², I_local splits over features: I_local = Σ_k I_k,
// and with independent features I_k = 0 for every feature a neuron does
// not read (Measures.Features, LinearGaussian.ILocal). Additivity follows
// from de Bruijn's identity d/dγ I(Y_γ;R) = −½ E J_R(Y_γ;γ), with
// I(Y_0;R) = I and I(Y_∞;R) = 0.
//
// # Encoders
//
// An Encoder is a Gaussian prior with independent features (1-D or 2-D
// for the quadrature) and a population of neurons with conditionally
// independent Poisson or Gaussian noise around Bump, Sigmoid or Linear
// tuning curves (a Sigmoid or Linear tuning's weights are its receptive
// field). LinearGaussian is the linear-Gaussian model x ~ N(m, Σ),
// r = Ax + b + n, with closed forms for everything (any dimension, any Σ):
// I = ½ log det(I + Σ Aᵀ Σ_r⁻¹ A), J_R(γ) = tr(B Aᵀ S⁻¹ A B) for every y
// (so I_local ≡ I), i_sp(x) quadratic, SSI ≡ I, the scores ∇log p(y) and
// ∇log p(y|r), and the variant of I_local with r ~ p(r|x), which is
// quadratic in x. PoissonBumpNeuron and RF2D are the checks' encoders.
//
// # Exact computation
//
// Exact computes every measure by quadrature: I, H(X|r), i_sp and SSI on a
// grid covering the prior ±8 standard deviations; J(x) from the tuning
// curves' gradients; I_local from the posterior of the noisy stimulus,
// which is Gaussian because the prior is: x′ | y ~ N(μ, C_γ),
// μ = m + B(y − m), and by Tweedie's formula
//
//	∇_y log p(r|y) = B ∇_μ log p̃_r(μ),   p̃_r(μ) = E_{x′~N(μ,C_γ)} p(r|x′),
//
// so J_R is a sum over responses of blurred likelihoods and their blurred
// gradients, and E_{y|x} another Gaussian expectation over μ. Each
// expectation is a matrix applied along each axis of a grid of μ that
// stays within a few prior standard deviations at every γ (banded, so 2-D
// costs two matrix products per field). The γ integral is the brief's:
// below γ₀ the local linear-Gaussian term ½ log det(I + J(x) γ₀ Σ (γ₀I +
// Σ)⁻¹) (exact for a linear-Gaussian encoder), Gauss–Legendre nodes in
// log γ (or the reference code's trapezoid) up to γ_max, and the c/γ²
// tail above it; Measures.Truncation estimates what the range costs and
// Warnings says when it matters. ResponsesGivenX switches to r ~ p(r|x),
// the other reading of the paper.
//
// # Diffusion estimate
//
// A Denoiser is a conditional noise predictor ε̂(y, log γ, r, mask), an
// MLP of package train trained by denoising score matching with condition
// dropout (Denoiser.Train). Since ε̂ = −√γ s(y), the score difference
// ∇_y log p(r|y) = s(y|r) − s(y) = −(ε̂(y,γ,r) − ε̂(y,γ,∅))/√γ and
//
//	I_local(x) = ½ ∫ E ‖ε̂(y,γ,r) − ε̂(y,γ,∅)‖² d log γ,
//
// which Denoiser.Estimate evaluates with Gauss–Legendre nodes in log γ and
// Monte Carlo draws of y and r (r ~ p(r|y) through x′ ~ p(x|y), or
// r ~ p(r|x)), replicated over seeds. Checks lists the registered checks of
// issue 18 (relative RMS error ≤ 10% and maximum ≤ 20% against Exact) and
// Pretrained returns the shipped denoisers they run on, trained by
// cmd/traindenoiser.
//
// # Differences from the reference code
//
//   - p(r|y) and E_{y|x} are Gaussian expectations on grids that follow the
//     posterior of the noisy stimulus, not convolutions on a fixed grid of
//     y truncated at ±(x_max + 5√γ), so no mass leaves the grid at large γ.
//   - ∇_y log p(r|y) is the blurred analytic gradient of the likelihood
//     (Tweedie), not a finite difference with step 1e-4.
//   - H(X) in SSI is the grid's entropy of the prior (the reference uses
//     the closed form ½ log det(2πeΣ)); on a covering grid they agree to
//     1e-9, and with the grid's E_x SSI = I holds to rounding.
//   - The default γ rule is Gauss–Legendre with the c/γ² tail added; with
//     ExactSettings{Rule: Trapezoid, NoTail: true} it is the reference's
//     rule (and reproduces the brief's E_x I_local = 0.61497).
package information
