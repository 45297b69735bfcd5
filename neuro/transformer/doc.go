// Package transformer runs decoder-only language models (the GPT-2 and Llama
// families) in float32 with every activation open to reading and
// overwriting, in the style of TransformerLens: the engine under the
// safety-neuron and language-neuron analyses of neuro/safety.
//
// # Models
//
// Load reads a Hugging Face model directory (config.json and
// model.safetensors, or shards listed in model.safetensors.index.json) with
// F32, F16, BF16 or F64 weights and the standard tensor names (LoadFS the
// same from an fs.FS, such as checkpoints a package embeds); NewRandom
// builds a model with random weights, NewModel one from named tensors, and
// Model.Save writes a directory that Load and the Transformers library read.
//
// GPT-2 (pre-LayerNorm, ε from the config, 1e-5 by default):
//
//	h = x + Attn(LN1(x)),  y = h + W_proj·GELU_tanh(W_fc·LN2(h) + b_fc) + b_proj
//
// with GELU_tanh(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³))), learned position
// embeddings, fused Q|K|V Conv1D weights stored [in, out] and the
// unembedding tied to the token embedding.
//
// Llama (also Mistral without sliding windows, and Qwen2 with its q/k/v
// biases):
//
//	h = x + Attn(RMS1(x)),  y = h + W_down·(SiLU(W_gate·RMS2(h)) ⊙ W_up·RMS2(h))
//
// with RMS(x) = x/√(mean(x²) + ε)·w, rotary position embeddings in the
// Hugging Face rotate-half form (q' = q·cos + [−q₂, q₁]·sin, angle p·θ^(−2i/d_head),
// optionally rescaled by a "linear" or "llama3" rope_scaling), grouped-query
// attention (query head h reads key/value head h/(NHeads/NKVHeads)) and
// nn.Linear weights stored [out, in].
//
// Attention is causal softmax(q·kᵀ/√d_head)·v in both families. Matrix
// products go through gonum's BLAS; the package imports neuro/linalg, so a
// build with -tags openblas (and CGO_LDFLAGS=-lopenblas) runs them on
// OpenBLAS. Both cores are used: large products by the BLAS, single-row
// products (generation) by splitting the rows across goroutines, attention
// heads in parallel.
//
// # Hook points
//
// Every activation has a TransformerLens name (ActName builds them). Shapes
// are for a call on T new tokens; K = Pos0 + T is the number of key
// positions (all tokens so far when a KV cache is used).
//
//	hook_embed                       [T, d_model]   token embeddings
//	hook_pos_embed                   [T, d_model]   GPT-2 position embeddings
//	blocks.L.hook_resid_pre          [T, d_model]   residual stream into block L
//	blocks.L.ln1.hook_normalized     [T, d_model]   attention input after the norm
//	blocks.L.attn.hook_q             [T, n_heads, d_head]
//	blocks.L.attn.hook_k, hook_v     [T, n_kv_heads, d_head]   (before rotation)
//	blocks.L.attn.hook_rot_q         [T, n_heads, d_head]      Llama, after RoPE
//	blocks.L.attn.hook_rot_k         [T, n_kv_heads, d_head]   Llama, after RoPE
//	blocks.L.attn.hook_attn_scores   [n_heads, T, K]  q·kᵀ/√d_head, −Inf where masked
//	blocks.L.attn.hook_pattern       [n_heads, T, K]  softmax of the scores
//	blocks.L.attn.hook_z             [T, n_heads, d_head]  pattern·v
//	blocks.L.hook_attn_out           [T, d_model]
//	blocks.L.hook_resid_mid          [T, d_model]
//	blocks.L.ln2.hook_normalized     [T, d_model]
//	blocks.L.mlp.hook_pre            [T, d_mlp]  GPT-2: before GELU; Llama: W_gate·x before SiLU
//	blocks.L.mlp.hook_pre_linear     [T, d_mlp]  Llama: W_up·x
//	blocks.L.mlp.hook_post           [T, d_mlp]  the MLP neurons: the input of W_proj / W_down
//	blocks.L.hook_mlp_out            [T, d_model]
//	blocks.L.hook_resid_post         [T, d_model]
//	ln_final.hook_normalized         [T, d_model]  the input of the unembedding
//
// blocks.L.mlp.hook_post is the "neuron" of the safety-neuron papers
// (nnsight's mlp.down_proj.input; not pyvene's "mlp_activation", which is
// SiLU(gate) alone).
//
// # Running
//
// Model.Run takes RunOptions: Cache names hook points to record (the
// values after any hooks), Hooks are functions that see the activation and a
// HookContext (name, layer, Pos0 = absolute position of row 0, the tokens)
// and may overwrite values in place, which is how patching and ablation
// work; RunWithCache and RunWithHooks are the TransformerLens-style
// shorthands. Keys and values written into a KV cache are those after the
// hooks, so a patched key is what later tokens attend to.
//
// A KVCache holds one sequence of one model: Run with RunOptions.KV appends
// the new tokens at positions KV.Len()…, and its logits equal those of a run
// over the whole sequence. Two models run side by side with one cache
// each, which is all dynamic activation patching needs: at each step the
// donor runs the new tokens caching hook_post, and the receiver runs them
// with a hook copying the chosen neurons from the donor's cache (see the
// example of Model.Run). Generate wraps the loop for one model (greedy or
// temperature sampling, hooks at every step).
//
// RunOptions.Resid with StartAtLayer starts a pass at a block from a cached
// residual stream, and StopAtLayer ends it early with the residual stream in
// Output.Resid (TransformerLens' start_at_layer and stop_at_layer): a change
// inside one block is measured by rerunning that block alone.
//
// LogitLens applies the final norm and the unembedding to any residual
// stream rows; LayerLogits does it for every layer at one position.
//
// A Model is read-only while it runs, so several goroutines may run it at
// once, each with its own KVCache (a KVCache is not safe for concurrent
// use). Parameter gives access to the weights by Hugging Face name.
//
// Tokenizers live in the subpackage tokenizer, the safetensors reader and
// writer in the subpackage safetensors.
package transformer
