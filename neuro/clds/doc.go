// Package clds implements conditionally linear dynamical systems (CLDS;
// Geadah, Nejatbakhsh, Lipshutz, Pillow & Williams, "Modeling Neural
// Activity with Conditionally Linear Dynamical Systems", reference code
// neurostatslab/clds): a linear-Gaussian state-space model whose
// parameters vary smoothly with an observed condition u_t (head direction,
// time in trial, stimulus coherence):
//
//	x_0     ~ N(m0(u_0), S0)
//	x_{t+1} = A(u_t) x_t + b(u_t) + w_t,   w_t ~ N(0, Q)
//	y_t     = C(u_t) x_t + d(u_t) + v_t,   v_t ~ N(0, R)
//
// Each of A, b, C, d and m0 is a weight-space Gaussian process
// F(u) = Σ_l W_l φ_l(u) with iid N(0, 1/λ) weights, or static, or (b, d,
// m0) zero (Config). Conditioned on u the model is linear, so inference is
// the Kalman smoother of package lds and fitting is closed-form.
//
// # Bases
//
// Fourier reproduces the reference's T1_basis/Tm_basis exactly (ordering,
// coefficients c(k) = sqrt(σ² q^{‖k‖²}/θ₃(0,q)), q = exp(−2π²κ²), and the
// missing √2 on sin/cos features, which FourierSettings.Sqrt2 restores).
// Periodic conditions use their period; a non-periodic one is wrapped with
// a period of at least its range plus 6κ. Multi-dimensional conditions use
// the torus basis (L = 2(N^M − 1) + 1). Any Basis implementation can be
// plugged in (Func adapts a function); Constant (φ ≡ 1) with λ = 0 turns a
// CLDS into a plain LDS.
//
// # Fitting
//
// Fit maximises J(θ) = Σ_b log p(Y_b | U_b, θ) + log p(W) by expectation
// conditional maximisation, in package em's loop: a smoother E-step over
// trials (package parallel) returns the sufficient statistics and J, then
// exact conditional maximisers for [A, b] | Q, Q | [A, b], [C, d] | R,
// R | [C, d], m0 | S0 and S0 | m0. J never decreases; it is recorded per
// iteration (Result.Trace) and reported to Settings.Progress
// (run.Progress, metric "log-joint"), and a decrease beyond 1e-9 relative
// or any numerical failure stops the fit with a run.Status and the last
// good parameters. A parameter of kind Flat uses the basis with no prior
// (the control for what the smoothing prior adds). Differences from the
// reference code, all deliberate:
//
//   - The prior is counted once (the reference adds it once per trial);
//     Config.Lambda scales it, so CLDS2's "B × prior" is Lambda = B.
//   - Q and R are the residual covariances of the conditional regressions
//     (the reference HEAD uses a static regression, which is not an ECM
//     step and makes its objective non-monotone).
//   - The Sylvester equation ZZ W + Λ W Q = ZY is solved without a Schur
//     form: with Q = V diag(μ) Vᵀ, each column of W V solves
//     (ZZ + μ_j Λ) w = (ZY V)_j by Cholesky. Unlike the brief's
//     two-eigendecomposition variant this also handles a diagonal Λ that
//     mixes GP rows (precision λ) and static rows (precision 0). The
//     relative residual is checked (Settings.MaxResidual).
//   - Missing bins are skipped by the filter (Trial.Mask), not replaced by
//     zeros as in CLDS2, and trials may have different lengths.
//   - Trials are summed in fixed chunks in a fixed order, so results do
//     not depend on the number of cores.
//   - A GP C enters the smoother as pre-whitened loadings (lds.Varying.CW):
//     the few weight matrices are whitened once per iteration instead of
//     every C(u_t), removing the O(N² D) per-step cost.
//
// Initialisation (NewModel) follows the reference notebooks: GP weights
// from the prior, C ~ N(0, 1), Q = R = S0 = I. Hyperparameters (σ, κ,
// number of frequencies, D, λ) are fixed by the user, as in the reference.
//
// # Analysis
//
// Model.A, B, C, D, M0 evaluate the parameters at a condition; Evaluate
// collects them with eigenvalues and fixed points over a Grid; Whiten and
// EigenAngles give the Q-whitened eigen-structure; FixedPoint and
// ObsFixedPoint the fixed points (I − A(u))⁻¹ b(u) in latent and
// observation space (the latter does not depend on the arbitrary latent
// coordinates, so it is what to compare with a ground truth); Transform
// and TransformAffine change the latent coordinates (x′ = S x + c: the
// likelihood is invariant under every such map, the translation being
// absorbed by b, d and m0) and AlignTo picks those whose emissions best
// match a reference model (a simulation's truth), so that A(u), b(u) and
// the latents themselves can be compared with a ground truth; FlowField
// and CompositeFlow the vector fields of the paper's figures (a Field goes
// straight into widgets.FlowField), Path a noise-free trajectory;
// Recovery compares a fit with a known truth (Ring.Model) and Coverage
// checks the smoother's credible bands against true latents. OnGrid's
// methods give chart-ready series. LogLik and LogLikPerBin give held-out
// marginal log-likelihoods (ObservedBins counts the bins); Filter, Smooth,
// SmoothedLatents, Reconstruct, Sample and Forecast go through package
// lds (Model.LDS exposes the induced time-varying LDS, evaluated by the
// model itself, never through an E-step).
//
// The vocabulary and the shapes are those of package lds (and dynamax):
// Model.Sample(rng, T, u), Model.Filter, Model.Smooth, Model.LogLik
// (marginal log prob), Model.Forecast(trial, steps, future), Fit (fit_em),
// Model.ValidateTrials; every reader returns a *Dataset.
//
// # Data
//
// SimulateRing draws the paper's synthetic head-direction ring attractor
// with the reference simulate.py settings; RingConfig and StaticConfig are
// the matching CLDS and the static-LDS baseline, both fitted by Fit.
// ReadCSV/LoadCSV (long format: one row per bin) and LoadNPY, or
// DatasetFromArrays on arrays read by package npy ((trials, T, N) and
// (trials, T[, M]), NaN for missing bins and padding), load one's own
// binned data. As in the paper,
// emissions are Gaussian: preprocess spike counts (bin, smooth, square
// root, z-score) before fitting. Package spikes does that for a recording
// (a TsGroup read from Phy, NWB, .npz or CSV), and TrialsFromSpikes turns
// the result and a covariate series (θ) into Trials, one per epoch; the
// bridge lives here, so clds imports spikes and spikes imports no model.
package clds
