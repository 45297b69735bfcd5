// Package tinyllama trains small Llama-style language models with GoMLX
// (github.com/gomlx/gomlx v0.26.0) on its pure-Go backend, and exports them
// as weights that neuro/transformer runs unchanged: the models of the
// synthetic chat language (neuro/safety/synthetic) are made here, by the
// command neuro/safety/cmd/trainsynthetic.
//
// # The model
//
// Forward builds the graph of transformer.Model's Llama forward pass:
// token embedding, then per layer RMSNorm, q/k/v projections, the rotary
// embedding in the Hugging Face rotate-half form, causal softmax attention
// per head, the output projection, RMSNorm and the SwiGLU MLP
// W_down·(SiLU(W_gate·z) ⊙ W_up·z), and a final RMSNorm and unembedding.
// Every weight is a context variable named and shaped as in a Hugging Face
// checkpoint ([out, in] for projections), and every product is a
// DotGeneral written as an einsum over those layouts (the rotate-half is a
// constant matrix product), so exporting is copying: Weights, Init and
// Logits go between the two without any reshaping. Grouped-query
// attention, biases and rope_scaling are not built (checkConfig refuses
// them).
//
// With (IA)³ training (Mode IA3) each layer has a vector
// model.layers.L.mlp.ia3_scale multiplying the MLP neurons, the input of
// down_proj; FoldIA3 folds it into up_proj for export (safety.ApplyIA3).
//
// # Training
//
// Train runs Adam (optionally decoupled weight decay) on the masked
// next-token cross-entropy of sequences drawn by a Sampler, with
// train.Trainer. Recipe and TrainSynthetic are the recipe of the shipped
// synthetic models. Two changes to GoMLX v0.26.0's defaults make training
// practical on two cores, both explained where they are made: the
// DotGeneral gradient is replaced for this package's products by two
// DotGenerals (dotgrad.go; GoMLX's version materialises an outer product
// and took 3.7 s per step), and the backend runs ops one at a time
// (Backend; independent ops in parallel deadlocked the worker pool). A
// step of batch 32 then takes about 0.3 s, and the whole recipe about 12
// minutes.
//
// Only this package and the command import GoMLX: neuro/safety and
// neuro/safety/synthetic (and so the notebooks, which load the shipped
// models) do not compile it.
package tinyllama
