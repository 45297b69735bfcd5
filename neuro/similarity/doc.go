// Package similarity compares neural representations and corrects the
// comparison for the limited number of neurons a recording contains.
//
// A representation is a P×N matrix: P stimuli (rows) by N neurons or units
// (columns). Every measure centres each column over stimuli first, so the
// results are invariant to translation; the Gram matrix of a centred X is
// K = X Xᵀ (P×P).
//
// # Measures
//
//   - LinearCKA: ‖XᵀY‖_F² / (‖XᵀX‖_F ‖YᵀY‖_F) = tr(K L) / (‖K‖_F ‖L‖_F),
//     evaluated in whichever of the feature or Gram forms is cheaper.
//   - HSIC and DebiasedHSIC (Gretton's biased and Song's unbiased estimators)
//     and DebiasedCKA built on the latter.
//   - UnbiasedCKA: the moment-based estimator of Chun, Canatar, Chung and Lee
//     (arXiv 2502.15104) that the paper uses as its baseline.
//   - CCA: mean squared canonical correlation between the top-k principal
//     subspaces, (1/k) Σ_{i,a≤k} (uᵢ·vₐ)²; CanonicalCorrelations for
//     classic CCA when both representations have fewer columns than stimuli.
//   - Ridge: ridge-regression similarity, the fraction of Y's variance
//     predicted from X (and vice versa).
//   - Procrustes: the angular shape distance arccos(‖XᵀY‖_* / (‖X‖_F ‖Y‖_F)),
//     netrep's LinearMetric with alpha = 1.
//   - RSA: representational dissimilarity matrices (Euclidean or
//     correlation distance) compared by Spearman ρ, Kendall τ-a or cosine;
//     SquareRDM expands RDM's upper-triangle vector to a P×P matrix.
//
// # Spectra and eigenvector overlaps
//
// Following Kang, Canatar and Chung ("Spectral Analysis of Representational
// Similarity with Limited Neurons", NeurIPS 2025), the spectrum of a
// representation is λᵢ = eig(X Xᵀ / (P·N)) sorted in descending order, with
// unit eigenvectors uᵢ. For two representations with spectra λ, μ and
// eigenvectors u, v the overlap matrix is M_ia = (uᵢ·vₐ)², doubly stochastic
// for full bases, and
//
//	CKA   = Σ_{i,a} λᵢ μₐ M_ia / sqrt(Σᵢ λᵢ² Σₐ μₐ²)
//	CCA_k = (1/k) Σ_{i≤k, a≤k} M_ia.
//
// ModePairs splits both into the contributions of single mode pairs.
//
// # Limited neurons
//
// Recording N neurons of a population X̃ (P×Ñ) is modelled as N random
// linear combinations of its neurons, X = X̃R with R i.i.d. Gaussian
// (GaussianProjection), or as N randomly chosen neurons
// (NeuronSubsampling); both keep the variance per neuron,
// E[X Xᵀ/N] = X̃ X̃ᵀ/Ñ (the paper's √(Ñ/N) scaling, see SampleNeurons). The
// sample eigenvalues spread and the sample eigenvectors delocalise over
// population modes. With q = P/N, random-matrix theory predicts the
// expected squared overlap between sample eigenvector i and population
// eigenvector j (Ledoit–Péché):
//
//	Q_ij = (1/P) q λ̃ⱼ λᵢ / |z − λ̃ⱼ (1 − q + q z g(z))|²,  z = λᵢ − i0⁺,
//
// where g is the Stieltjes transform of the sample spectrum, the solution of
// the generalised Marchenko–Pastur equation (SolveStieltjes)
//
//	g(z) = (1/P) Σⱼ 1 / (z − λ̃ⱼ (1 − q + q z g(z))).
//
// The measured overlap with a second, fully observed representation is then
// E[M] ≈ Q M̃ (Predict), which biases CKA and CCA downward; Denoise inverts
// it by box-constrained least squares min_{0≤M̃≤1} ‖M − Q M̃‖_F².
// SubsamplingStudy runs the whole comparison of theory, Monte Carlo and
// denoised estimates over a list of neuron counts (the curves of the
// paper's Fig. 2; StudyResult.Curves lays them out for widgets.ErrorBars),
// ReplicateStudies repeats it on independent pairs, CCAFlip runs the
// ranking reversal of Fig. 4 on FlipTriple and FlipExperiment replicates
// it with a binomial tally, and CompareRecording applies the correction to
// one real recording (read with ReadCSV, ReadNPY or LoadRepresentation).
// PowerLawPair builds the synthetic pairs.
//
// # Runs
//
// The iterative and Monte Carlo routines follow neuro/run: their Settings
// spell MaxIterations, Tolerance (0: the default; negative: never stop
// early), Seed, Workers and Progress the same way, a nil *Settings means
// the documented defaults, a Progress (run.Progress) receives named metrics
// and can stop the run, and every Result embeds run.Stats (Status,
// Objective, Iterations, Runtime), whose zero Status is NotTerminated.
// Parallel work goes through neuro/parallel with a random stream per draw
// or resample, so results do not depend on Workers, bit for bit.
//
// # Differences from the reference code
//
//   - Solver: the authors iterate the fixed point from g = 1 at η = 1e-15,
//     which does not converge for flat spectra. SolveStieltjes follows the
//     physical branch from a large η down by continuation (Newton steps with
//     damped fixed-point fallback, splitting a step whenever Im g collapses)
//     and then polishes at η = 0 on the inverse (Silverstein) form of the
//     equation, whose root off the real axis is unique; it reproduces the
//     Marchenko–Pastur closed form to ~1e-13.
//   - Outliers: a sample eigenvalue of one draw that fluctuated past an edge
//     of the limiting support is evaluated at the nearest edge, where the
//     Ledoit–Péché formula stays normalised (just outside it, Q_11 of the top
//     mode dropped from 0.96 to 0.79 in 14% of draws at P = 200, N = 100).
//   - Averaging: the study predicts and denoises with Q averaged over draws,
//     E[Q(λ)], and predicts the sample measures as the mean of the per-draw
//     predictions, instead of evaluating Q once at the draw-averaged
//     eigenvalues. At N = 10 this halves the error of the forward prediction
//     and lifts the denoised CKA of identical representations from 0.93 to
//     0.97–0.98 (P = 200, spectrum k^−1.2).
//   - Denoiser: accelerated projected gradient (FISTA with restarts, in the
//     metric of a diagonal majoriser of QᵀQ) from the reference's truncated
//     pseudo-inverse start, instead of projected Adam, on only the N non-zero
//     sample modes and the population modes holding 99.9% of the variance.
//     The problem is underdetermined, so single entries of M̃ are not
//     identified, but the CKA and CCA estimates are: Adam, FISTA and SciPy's
//     BVLS agree on them to 1e-3. It stops when the estimates settle.
//   - Normalisation: each spectrum is divided by its own neuron count,
//     eig(X Xᵀ/(P·N)), so samplers keep the variance per neuron and a real
//     recording needs no knowledge of the population size (see
//     SampleNeurons for the equivalence with the paper's √(Ñ/N) scaling).
//   - Populations built here are column-centred (their eigenvectors are
//     orthogonal to the all-ones vector), so sampling and the centring of the
//     measures commute, and are symmetric square roots of Gram matrices with
//     P neurons, like the paper's.
//
// # Speed
//
// Large products go through gonum's BLAS, which the openblas build tag
// switches to OpenBLAS; the dense symmetric eigensolver is
// linalg.EigenSym, LAPACK's dsyevr from the same library under that tag
// (cgo), gonum's Dsyev otherwise (see neuro/linalg). Top-k eigenvectors (CCA) come from block Lanczos
// on the implicit operator X(XᵀV) for large problems, never forming the
// P×P Gram matrix.
//
// Bad input (NaN or Inf, fewer than two stimuli, mismatched stimulus counts,
// a representation with zero variance) is reported as an error that names
// the argument, its shape and the offending index.
package similarity
