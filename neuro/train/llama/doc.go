// Package llama trains small Llama-style language models with GoMLX
// (github.com/gomlx/gomlx v0.26.0, pure-Go backend) and neuro/train, and
// exports them as weights that neuro/transformer runs unchanged. The models
// of the synthetic chat language of neuro/safety/synthetic are made with
// it, by the command neuro/safety/cmd/trainsynthetic.
//
// # The model
//
// Forward builds the graph of transformer.Model's Llama forward pass:
// token embedding, then per layer RMSNorm, q/k/v projections, the rotary
// embedding in the Hugging Face rotate-half form, causal softmax attention
// per head, the output projection, RMSNorm and the SwiGLU MLP
// W_down·(SiLU(W_gate·z) ⊙ W_up·z), and a final RMSNorm and unembedding.
// Weights are named and shaped as in a Hugging Face checkpoint ([out, in]
// for projections) and every product is an autodiff.Dot written as an
// einsum over those layouts (the rotate-half is a constant matrix
// product), so exporting is copying: Init, Train and Logits take and
// return the weights under their Hugging Face names with no reshaping.
// Grouped-query attention, biases and rope_scaling are not built
// (CheckConfig refuses them).
//
// With (IA)³ training (Mode IA3) every weight is frozen and each layer has
// a vector IA3Name(l) multiplying its MLP neurons, the input of down_proj
// (blocks.l.mlp.hook_post), initialised to ones (Liu et al. 2022, "Few-Shot
// Parameter-Efficient Fine-Tuning is Better and Cheaper than In-Context
// Learning").
//
// # Training
//
// Train minimises the masked next-token cross-entropy of sequences drawn
// by a Sampler, with train.Adam (AdamW when WeightDecay is set) on Go-side
// parameters whose gradients autodiff computes, in train.Loop. A step of
// 32 sequences of 24 tokens of the 175,296-parameter synthetic model takes
// about 0.3 s on two idle cores (BenchmarkTrainStep).
//
// Only this package, neuro/train/autodiff and the training commands import
// GoMLX; the analysis packages and the notebooks, which load shipped
// checkpoints, do not compile it. Both use GoMLX's core packages only
// (graph, tensors, the pure-Go backend: 16 packages, which kernel warm
// compiles anyway because go.mod requires GoMLX), not its ml packages
// (context, train, optimizers, layers: 20 more, about 7 CPU-seconds cold),
// so kernel warm keeps compiling every notebook package, these included,
// at the cost of two small packages of our own.
package llama
