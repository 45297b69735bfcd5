package tinyllama

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"

	"github.com/neuronb/neuronb/neuro/transformer"
)

// Scope is the context scope holding the weights, under their Hugging
// Face names ("model.layers.0.mlp.down_proj.weight", …).
const Scope = "llama"

// IA3Name returns the name of the (IA)³ vector of layer l, which multiplies
// the MLP neurons (the input of down_proj) elementwise.
func IA3Name(l int) string { return fmt.Sprintf("model.layers.%d.mlp.ia3_scale", l) }

// checkConfig reports configurations this graph does not build.
func checkConfig(cfg *transformer.Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	switch {
	case cfg.Arch != transformer.Llama:
		return fmt.Errorf("tinyllama: config arch %q, want llama", cfg.Arch)
	case cfg.NKVHeads != cfg.NHeads:
		return fmt.Errorf("tinyllama: config has %d key/value heads for %d heads; grouped-query attention is not built here", cfg.NKVHeads, cfg.NHeads)
	case cfg.QKVBias || cfg.OBias || cfg.MLPBias:
		return fmt.Errorf("tinyllama: config asks for biases, which are not built here")
	case cfg.RopeScaling != nil:
		return fmt.Errorf("tinyllama: config asks for rope_scaling, which is not built here")
	case cfg.Activation != "silu":
		return fmt.Errorf("tinyllama: config activation %q, want silu", cfg.Activation)
	}
	return nil
}

// setWeights creates (or overwrites) the context variables of the model
// from Hugging Face named tensors, and adds (IA)³ vectors of ones when
// ia3 is set and they are absent.
func setWeights(ctx *context.Context, cfg *transformer.Config, weights map[string]*transformer.Tensor, ia3 bool) error {
	mctx := ctx.In(Scope)
	for name, t := range weights {
		v := tensors.FromFlatDataAndDimensions(append([]float32(nil), t.Data...), t.Shape...)
		if old := mctx.GetVariableByScopeAndName(mctx.Scope(), name); old != nil {
			if err := old.SetValue(v); err != nil {
				return fmt.Errorf("tinyllama: %s: %w", name, err)
			}
			continue
		}
		mctx.VariableWithValue(name, v)
	}
	if ia3 {
		for l := 0; l < cfg.NLayers; l++ {
			if mctx.GetVariableByScopeAndName(mctx.Scope(), IA3Name(l)) == nil {
				ones := make([]float32, cfg.DMLP)
				for i := range ones {
					ones[i] = 1
				}
				mctx.VariableWithValue(IA3Name(l), tensors.FromFlatDataAndDimensions(ones, cfg.DMLP))
			}
		}
	}
	return nil
}

// weight returns the graph value of a named weight.
func weight(ctx *context.Context, g *graph.Graph, name string) *graph.Node {
	v := ctx.In(Scope).GetVariableByScopeAndName(ctx.In(Scope).Scope(), name)
	if v == nil {
		panic("tinyllama: missing weight " + name) // setWeights created every weight
	}
	return v.ValueGraph(g)
}

// linear is an nn.Linear without bias, x·Wᵀ with W stored [out, in]
// (einsum btd,fd->btf).
func linear(x, w *graph.Node) *graph.Node { return dot(x, []int{2}, nil, w, []int{1}, nil) }

// rmsNorm is x/√(mean(x²)+ε)·w over the last axis.
func rmsNorm(x, w *graph.Node, eps float64) *graph.Node {
	ms := graph.ReduceAndKeep(graph.Square(x), graph.ReduceMean, -1)
	return graph.Mul(graph.Div(x, graph.Sqrt(graph.AddScalar(ms, eps))), lastAxis(w, x.Rank()))
}

// lastAxis views a vector as [1, …, 1, n] of the given rank, for
// broadcasting along the last axis.
func lastAxis(w *graph.Node, rank int) *graph.Node {
	dims := make([]int, rank)
	for i := range dims {
		dims[i] = 1
	}
	dims[rank-1] = w.Shape().Dimensions[0]
	return graph.Reshape(w, dims...)
}

// ropeTables returns cos and sin of p·θ^(−2i/d_head) for positions p < T,
// duplicated over both halves: [T, d_head] each, formed in float32 like
// the Transformers library.
func ropeTables(cfg *transformer.Config, T int) (cos, sin [][]float32) {
	half := cfg.DHead / 2
	cos, sin = make([][]float32, T), make([][]float32, T)
	for p := 0; p < T; p++ {
		cos[p], sin[p] = make([]float32, cfg.DHead), make([]float32, cfg.DHead)
		for i := 0; i < half; i++ {
			exp := float32(float32(2*i) / float32(cfg.DHead))
			f := float32(1 / float32(math.Pow(cfg.RopeTheta, float64(exp))))
			a := float64(float32(p) * f)
			cos[p][i], sin[p][i] = float32(math.Cos(a)), float32(math.Sin(a))
			cos[p][i+half], sin[p][i+half] = cos[p][i], sin[p][i]
		}
	}
	return cos, sin
}

// rotateHalf returns the constant R [d_head, d_head] with x·R = [−x₂, x₁]
// (the rotate-half of the Hugging Face rotary embedding), so that the
// rotation is a matrix product (a slice would need the Pad op for its
// gradient, which the pure-Go backend lacks).
func rotateHalf(g *graph.Graph, dh int) *graph.Node {
	half := dh / 2
	r := make([][]float32, dh)
	for i := range r {
		r[i] = make([]float32, dh)
	}
	for i := 0; i < half; i++ {
		r[i+half][i] = -1 // output i < half takes −x[i+half]
		r[i][i+half] = 1  // output i+half takes x[i]
	}
	return graph.Const(g, r)
}

// rotate applies the rotary embedding to x [B, T, H, d_head]:
// x·cos + rotate_half(x)·sin.
func rotate(x, cos, sin, rot *graph.Node) *graph.Node {
	return graph.Add(graph.Mul(x, cos), graph.Mul(dot(x, []int{3}, nil, rot, []int{0}, nil), sin)) // bthd,de->bthe
}

// Forward builds the logits [B, T, VocabSize] of token ids [B, T] (int32),
// the same function as transformer.Model.Run on the exported weights:
// every matrix product is an Einsum over weights stored [out, in] as in the
// checkpoint, attention is causal softmax(q·kᵀ/√d_head)·v per head, and
// the rotary embedding is applied to q and k. With ia3, the MLP neurons
// of layer l are multiplied by the vector IA3Name(l) before down_proj.
func Forward(ctx *context.Context, cfg *transformer.Config, tokens *graph.Node, ia3 bool) *graph.Node {
	g := tokens.Graph()
	B, T := tokens.Shape().Dimensions[0], tokens.Shape().Dimensions[1]
	H, dh := cfg.NHeads, cfg.DHead
	oneHot := graph.OneHot(tokens, cfg.VocabSize, dtypes.Float32)
	x := dot(oneHot, []int{2}, nil, weight(ctx, g, "model.embed_tokens.weight"), []int{0}, nil) // btv,vd->btd

	cosT, sinT := ropeTables(cfg, T)
	cos := graph.Reshape(graph.Const(g, cosT), 1, T, 1, dh)
	sin := graph.Reshape(graph.Const(g, sinT), 1, T, 1, dh)
	rot := rotateHalf(g, dh)
	causal := graph.Reshape(graph.LowerTriangular(g, T), 1, 1, T, T)
	negInf := graph.Scalar(g, x.DType(), -1e30)
	scale := 1 / math.Sqrt(float64(dh))

	for l := 0; l < cfg.NLayers; l++ {
		p := fmt.Sprintf("model.layers.%d.", l)
		h := rmsNorm(x, weight(ctx, g, p+"input_layernorm.weight"), cfg.NormEps)
		q := graph.Reshape(linear(h, weight(ctx, g, p+"self_attn.q_proj.weight")), B, T, H, dh)
		k := graph.Reshape(linear(h, weight(ctx, g, p+"self_attn.k_proj.weight")), B, T, H, dh)
		v := graph.Reshape(linear(h, weight(ctx, g, p+"self_attn.v_proj.weight")), B, T, H, dh)
		q, k = rotate(q, cos, sin, rot), rotate(k, cos, sin, rot)
		scores := graph.MulScalar(dot(q, []int{3}, []int{0, 2}, k, []int{3}, []int{0, 2}), scale) // bqhd,bkhd->bhqk
		scores = graph.Where(graph.BroadcastToDims(causal, B, H, T, T), scores, graph.BroadcastToDims(negInf, B, H, T, T))
		z := dot(graph.Softmax(scores, -1), []int{3}, []int{0, 1}, v, []int{1}, []int{0, 2}) // bhqk,bkhd->bhqd
		z = graph.TransposeAllAxes(z, 0, 2, 1, 3)                                            // → bqhd
		x = graph.Add(x, linear(graph.Reshape(z, B, T, H*dh), weight(ctx, g, p+"self_attn.o_proj.weight")))

		h = rmsNorm(x, weight(ctx, g, p+"post_attention_layernorm.weight"), cfg.NormEps)
		gate := linear(h, weight(ctx, g, p+"mlp.gate_proj.weight"))
		up := linear(h, weight(ctx, g, p+"mlp.up_proj.weight"))
		post := graph.Mul(activations.Swish(gate), up) // blocks.l.mlp.hook_post
		if ia3 {
			post = graph.Mul(post, lastAxis(weight(ctx, g, IA3Name(l)), 3))
		}
		x = graph.Add(x, linear(post, weight(ctx, g, p+"mlp.down_proj.weight")))
	}
	x = rmsNorm(x, weight(ctx, g, "model.norm.weight"), cfg.NormEps)
	return linear(x, weight(ctx, g, "lm_head.weight"))
}
