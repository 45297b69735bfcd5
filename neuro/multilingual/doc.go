// Package multilingual finds the language-shared and language-exclusive
// neurons of a language model, after Chen et al., "The Emergence of
// Abstract Thought in Large Language Models Beyond Any Language" (arXiv
// 2506.09890; reference code chenyuxin1999/Abstract_Thought). It works on
// any neuro/transformer model (GPT-2 or Llama family).
//
// # Units
//
// A neuron (Unit) is a row or column of a parameter matrix: in each layer,
// an output coordinate of the query, key or value projection (Q, K, V:
// rows of q_proj, k_proj, v_proj), an input coordinate of the attention
// output projection (O: a column of o_proj) and an MLP neuron (FFN: a row
// of up_proj and gate_proj, equivalently a column of down_proj). Q and O
// have NHeads·DHead units per layer, K and V NKVHeads·DHead, FFN DMLP
// (ShapeOf). Deactivating a unit zeroes its parameters (and bias), which
// is the same as zeroing its activation coordinate: Hooks does that at
// hook_q, hook_k, hook_v (before the rotary embedding), hook_z and
// hook_post. In a model without rotary embeddings and without shared keys
// (GPT-2) the Q and K units of a coordinate have the same effect, as do
// its V and O units.
//
// # Importance
//
// A unit N is activated by an input x when deactivating it changes the
// output enough (the paper's Eq. 1, ‖LLM(x) − LLM_{⊖N}(x)‖₂ > σ). Here the
// change is measured at the unit's layer, in two ways.
//
// Exact deactivation (Exact): the layer is rerun from its cached input
// with the unit zeroed, Imp(N) = ‖Y_l − Y_l^{⊖N}‖_F with Y_l the layer's
// output (blocks.l.hook_resid_post) over the input's T positions; the
// earlier layers are reused (transformer.RunOptions.Resid), so a unit
// costs one layer's forward pass.
//
// The parallel form (Scorer, PLND of Zhao et al. 2024) gives every unit
// from one forward pass, measuring the change of the unit's module output
// (hook_mlp_out for FFN units, hook_attn_out for attention units):
//
//	FFN unit k:   ΔY = H[:, k] ⊗ W_down[k, :],   ‖ΔY‖_F = ‖H[:, k]‖₂·‖W_down[k, :]‖₂
//	O unit j:     ΔY = z[:, j] ⊗ W_O[j, :],      ‖ΔY‖_F = ‖z[:, j]‖₂·‖W_O[j, :]‖₂
//	V unit (g,i): ΔY = Σ_{h∈g} z_h[:, i] ⊗ W_O[(h,i), :]   (one term without shared keys)
//	Q, K units:   S′ = S − ΔS,  A′ = softmax(S′),  ΔY = Σ_h (A′_h − A_h)·V_g·W_O,h
//
// with H = hook_post, z = hook_z (= A·V per head), S the scores
// q·kᵀ/√d_head and ΔS the unit's term of them. Without rotary embeddings
// ΔS = q_i·k_iᵀ/√d_head, the paper's Q[:, k]·K[:, k]ᵀ/√d_k. With them the
// unit is a coordinate before the rotation R_p of position p, and the
// removed term is q_i[p]·(R_pᵀ·k′[t])_i/√d_head for a Q unit and
// k_i[t]·(R_tᵀ·q′[p])_i/√d_head for a K unit (q′, k′ the rotated
// vectors). ‖ΔY‖_F for Q and K units is computed as
// ‖Σ_h (A′_h − A_h)·V_g·L_h‖_F with L_h·L_hᵀ = W_O,h·W_O,hᵀ, so the output
// projection costs DHead² per row instead of DHead·DModel.
//
// Every closed form equals the rerun module's change to float32
// precision (about 1e-6 relative, tested for GPT-2, Llama and
// grouped-query Llama). For FFN units the module is the layer's last, so
// the parallel form equals exact deactivation to float precision. For
// attention units the layer's MLP transforms the change before the layer
// output; CompareExact measures the difference (on random tiny models
// Spearman 0.87–0.98 per component, parallel/exact about 0.7–0.8 at the
// median).
//
// # Language neurons
//
// Per input, Top keeps the top σ% units of every layer and component
// (σ = 1% by default, as the paper: the per-input threshold of Eq. 1;
// TopCount rounds up, so at least one unit is kept). Detect intersects
// them over a language's inputs (Eq. 2: N_ℓ), over languages for the
// shared units (Eq. 3: N_shared = ⋂_ℓ N_ℓ), and takes N_ℓ \ N_shared as ℓ's
// exclusive units (which other languages may share; Neurons.Strict holds
// those of ℓ alone).
//
// Metrics: Neurons.SharedRatio, |N_shared| / mean_ℓ |N_ℓ| (Eq. 4 as the
// released code computes it); Deactivate measures each language's
// perplexity with the shared, each exclusive, and same-count random sets
// deactivated (Fig. 4), from which Effects.ImportanceRatio gives Eq. 5,
// Imp^ℓ = (ΔPPL^ℓ_shared/|N_shared|)/(ΔPPL^ℓ_excl/|N_excl^ℓ|), and
// Effects.LanguageAgnosticScore Eq. 6, log(1 + mean_ℓ Imp^ℓ).
//
// # The released code
//
// Method ReleasedCode scores units as the released detection code does:
// FFN units by Σ_p |W_up·x|_k (the up-projection's magnitude, not what
// deactivating the unit changes; GPT-2: |W_fc·x + b|), Q and K units by
// Σ (A′ − A)² (the change of the attention probabilities, not of the
// output), V and O units by Σ_p |z_k|. The code also differs in ways not
// reproduced: its per-layer top-k sizes look swapped between FFN
// (ratio × hidden size) and attention (ratio × intermediate size), it
// truncates ratio × size (keeping no unit of a small layer), its released
// neuron files use 5% and its detection data are MGSM questions rather
// than the paper's 1,000 OSCAR sentences per language, and its random
// control draws the average per-layer count uniformly in every layer and
// component, where RandomMatched keeps the shared set's count in each.
//
// # Models
//
// Subpackage synthetic holds four synthetic languages expressing one
// world of facts with their own words and word orders, a meaning-level
// judge and tiny Llama-style models trained in Go at three budgets and
// five seeds; subpackage study is the registered study of
// notebooks/multilingual_shared_neurons. To analyse a real checkpoint,
// load it with transformer.Load, tokenize a few hundred sentences per
// language with its tokenizer, and call Detect and Deactivate.
package multilingual
