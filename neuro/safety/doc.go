// Package safety finds the MLP neurons that carry a model's safety
// behaviour and tests them causally, after Chen et al., "Towards
// Understanding Safety Alignment: A Mechanistic Perspective from Safety
// Neurons" (arXiv 2406.14144; reference code THU-KEG/SafetyNeuron). It
// works on any neuro/transformer model (GPT-2 or Llama family) pair of the
// same shape: M1, the model before safety alignment, and M2, after.
//
// # The neuron
//
// A neuron is one coordinate of blocks.L.mlp.hook_post, the input of the
// MLP's output projection: SiLU(W_gate·x) ⊙ (W_up·x) in Llama,
// GELU(W_fc·x + b) in GPT-2 (Neuron, NeuronSet). Attention is not included.
// When alignment trained an (IA)³ vector s on the MLP, hook_post is read
// after the scaling, s ⊙ SiLU(W_gate·x) ⊙ (W_up·x).
//
// # Activation contrasting
//
// ContrastActivations runs both models teacher-forced on the same prompts
// and completions (Complete generates them, greedily, with either model)
// and scores every neuron by the root-mean-square difference of its
// activations over the chosen token positions,
//
//	S_i^l = sqrt( (1/N) Σ_sequences Σ_{j ∈ J} ( a_i^l(M1)[j] − a_i^l(M2)[j] )² ),
//
// N the number of positions pooled over all sequences (each model's mean
// and standard deviation per neuron come with it, by Welford's update).
// Contrast.Ranking
// sorts all (layer, neuron) pairs globally by S; the top of it are the
// safety neurons. The positions J are an option (Positions): the paper's
// text uses the positions predicting the completion (Predicting, the
// default); the reference code uses the completion tokens' own positions,
// one later (Completion), which skips the last prompt token, where a
// model decides whether to refuse.
//
// # Dynamic activation patching and the causal effect
//
// PatchedGenerate generates from M1 with chosen neurons replaced, at
// every step and every position, by the values M2 computes on the same
// current text (Algorithm 1 of the paper): each model keeps its own KV
// cache, which is exactly equivalent to recomputing both on the whole text
// each step. Mean, zero and noise ablations are the controls.
// Experiment scores M1's, M2's and the patched model's greedy responses
// with a Judge F (higher = less safe, like the paper's cost model) and
// returns the causal effect (Eq. 4)
//
//	C = (E F(patched M1) − E F(M1)) / (E F(M2) − E F(M1))
//
// with a bootstrap interval over prompts. Patching no neuron gives M1's
// own tokens (C = 0); RandomMatched draws the control sets with the same
// number of neurons per layer, and SweepPoint summarises them over seeds
// and tests them against the top set (neuro/replicates). A Graded cost,
// the log-probability margin of an unsafe over a safe first answer token
// (log p("sure") − log p("sorry")), gives a causal effect that moves with
// partial changes the first-word verdict does not show. Run an Experiment
// on benign prompts with a judge that scores over-refusal to measure what
// patching costs in general ability.
//
// # Safeguard
//
// Features reads the chosen neurons at the last prompt token, before any
// token is generated; neuro/classifier's FitLogistic (scikit-learn's
// default LogisticRegression: L2, C = 1, unpenalised intercept) predicts
// from them whether the generation will be harmful; compare with
// random-neuron features and classifier.MajorityAccuracy.
//
// # Demonstration
//
// Subpackage synthetic holds a synthetic chat language with benign and
// harmful request objects, its deterministic judge, and tiny Llama-style
// models shipped with the repository (a base model that complies with
// everything; two aligned variants, (IA)³ vectors only and full
// fine-tuning; a jailbreakable one for the safeguard), trained by the
// command cmd/trainsynthetic with neuro/train/llama. Subpackage study is
// the registered study of notebooks/safety_causal_effect (command
// cmd/causaleffect) and tutorials/04_safety_neurons.
//
// To run the same analysis on your own pair of models, load both with
// transformer.Load (e.g. a Llama chat model and its base, or a GPT-2 and a
// fine-tune of it), encode prompts with their tokenizer, and implement
// Judge (a refusal-phrase matcher or a cost model).
package safety
