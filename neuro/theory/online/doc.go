// Package online plays the online-learning game of Daniely, Mehalel &
// Mossel, "Online Learning of Neural Networks" (NeurIPS 2025, arXiv
// 2505.09167), on feedforward sign-activation networks over the unit ball.
//
// # The game
//
// In round t an environment shows x_t ∈ B^d = {x : ‖x‖ ≤ 1}, the learner
// predicts ŷ_t ∈ {0, …, Y−1}, and the label y_t is revealed; a mistake is
// ŷ_t ≠ y_t (Play). Labels come from a target network N whose first layer
// is a set of hyperplanes h_k(x) = ⟨w_k, x⟩ + b_k with ‖w_k‖ = 1, read
// through sign activations; every later layer sees only the first layer's
// signs, so N is a function of the sign pattern (the cell of the
// arrangement x lies in). SignNet stores it as a label per cell and
// SignNet.Layers writes it out as an explicit three-layer sign network
// (hyperplanes → one AND unit per cell → one OR unit per label).
//
// The margin condition: every first-layer neuron classifies every instance
// with margin γ, |⟨w_k, x_t⟩ + b_k| ≥ γ. (The brief this package was built
// from assumed ‖w_k‖ = 1; the paper may normalise ‖(w, b)‖ ≤ 1 instead,
// unverified against its §3. With ‖w_k‖ = 1 the margin is the Euclidean
// distance to the hyperplane.)
//
// # Learners
//
//   - CellOracle knows the target's first layer and memorises one label per
//     cell: it errs at most once per distinct cell visited.
//   - Memoriser (the 2γ nearest-neighbour learner) predicts the label of
//     the nearest stored point closer than 2γ and stores x_t on a mistake.
//     Two instances in different cells are separated by a hyperplane at
//     distance ≥ γ from both, so they are ≥ 2γ apart: the memoriser never
//     errs within 2γ of a stored point, its mistake points are pairwise
//     ≥ 2γ apart, and it makes at most the packing number ((1+γ)/γ)^d of
//     mistakes (PackingBound).
//   - WeightedMajority, in d = 2, is multiclass weighted majority over
//     every k-subset of a grid of candidate lines (normal angles and
//     offsets on steps ≤ γ/2); each expert memorises the last label seen in
//     each cell of its own arrangement and votes for it (label 0 in a cell
//     it has not seen). With plurality voting and penalty β, a mistake
//     multiplies at least half the weight by β, so
//     M ≤ (log₂|E| + M* log₂(1/β)) / log₂(2/(1+β)) (WMBound), M* the best
//     expert's mistakes; some expert's lines are within γ/2 of the
//     target's on the unit ball, so it makes at most one mistake per cell.
//
// # Bounds and the adversary
//
// TS(d, γ), the totally-separable packing number, is the largest set of
// points of B^d in which every pair is separated by a hyperplane at distance
// ≥ γ from all of them; one representative per visited cell is such a set,
// so the cell oracle's mistakes are ≤ TS(d, γ). The grid construction
// (Adversary) places (⌊1/(γ√d)⌋ + 1)^d points 2γ apart on a grid inside the
// cube of side 2/√d, with axis-parallel hyperplanes half-way between grid
// lines (margin exactly γ), so TS(d, γ) ≥ (⌊1/(γ√d)⌋ + 1)^d (GridCount).
// Presenting the grid points one by one with a label the learner did not
// predict forces every deterministic learner to err on every point, and the
// labels it gave are realised by a sign network with margin γ
// (Adversary.Target). In d = 1, TS(1, γ) = ⌊1/γ⌋ + 1.
//
// The paper's statements are about worst cases over targets and sequences;
// the random targets and streams here are instances, far from the worst
// case except for the adversary's.
package online
