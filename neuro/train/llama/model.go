package llama

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"

	"github.com/neuronb/neuronb/neuro/train/autodiff"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// IA3Name returns the name of the (IA)³ vector of layer l, which multiplies
// the MLP neurons (the input of down_proj) elementwise.
func IA3Name(l int) string { return fmt.Sprintf("model.layers.%d.mlp.ia3_scale", l) }

// ia3Layer returns the layer of an (IA)³ vector's name.
func ia3Layer(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, "model.layers.")
	if !ok {
		return 0, false
	}
	num, tail, ok := strings.Cut(rest, ".")
	if !ok || tail != "mlp.ia3_scale" {
		return 0, false
	}
	l, err := strconv.Atoi(num)
	return l, err == nil
}

// CheckConfig reports configurations whose graph this package does not
// build.
func CheckConfig(cfg *transformer.Config) error {
	if cfg == nil {
		return fmt.Errorf("llama: nil config")
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	switch {
	case cfg.Arch != transformer.Llama:
		return fmt.Errorf("llama: config arch %q, want llama", cfg.Arch)
	case cfg.NKVHeads != cfg.NHeads:
		return fmt.Errorf("llama: config has %d key/value heads for %d heads; grouped-query attention is not built here", cfg.NKVHeads, cfg.NHeads)
	case cfg.QKVBias || cfg.OBias || cfg.MLPBias:
		return fmt.Errorf("llama: config asks for biases, which are not built here")
	case cfg.RopeScaling != nil:
		return fmt.Errorf("llama: config asks for rope_scaling, which is not built here")
	case cfg.Activation != "silu":
		return fmt.Errorf("llama: config activation %q, want silu", cfg.Activation)
	}
	return nil
}

// linear is an nn.Linear without bias, x·Wᵀ with W stored [out, in]
// (einsum btd,fd->btf).
func linear(x, w *graph.Node) *graph.Node { return autodiff.Dot(x, []int{2}, nil, w, []int{1}, nil) }

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
	dims[rank-1] = w.Shape().Size()
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
			exp := float32(2*i) / float32(cfg.DHead)
			f := 1 / float32(math.Pow(cfg.RopeTheta, float64(exp)))
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
	return graph.Add(graph.Mul(x, cos), graph.Mul(autodiff.Dot(x, []int{3}, nil, rot, []int{0}, nil), sin)) // bthd,de->bthe
}

// Forward builds the logits [B, T, VocabSize] of token ids [B, T] (int32),
// the same function as transformer.Model.Run on the same weights: every
// matrix product is a Dot over weights stored [out, in] as in the
// checkpoint, attention is causal softmax(q·kᵀ/√d_head)·v per head, and
// the rotary embedding is applied to q and k. w maps every Hugging Face
// weight name of cfg to its node (float32, the checkpoint's shape or, for
// vectors, [1, n]); when it also holds IA3Name(l), the MLP neurons of
// layer l are multiplied by that vector before down_proj. A missing weight
// is a programming error (CheckWeights reports it first) and panics, as
// GoMLX's graph building does.
func Forward(cfg *transformer.Config, w map[string]*graph.Node, tokens *graph.Node) *graph.Node {
	g := tokens.Graph()
	weight := func(name string) *graph.Node {
		n, ok := w[name]
		if !ok {
			panic(fmt.Errorf("llama: Forward: no weight %q", name))
		}
		return n
	}
	B, T := tokens.Shape().Dimensions[0], tokens.Shape().Dimensions[1]
	oneHot := graph.OneHot(tokens, cfg.VocabSize, dtypes.Float32)
	x := autodiff.Dot(oneHot, []int{2}, nil, weight("model.embed_tokens.weight"), []int{0}, nil) // btv,vd->btd
	at := newAttention(g, cfg, B, T)
	for l := 0; l < cfg.NLayers; l++ {
		p := fmt.Sprintf("model.layers.%d.", l)
		h := rmsNorm(x, weight(p+"input_layernorm.weight"), cfg.NormEps)
		z := at.apply(h, weight(p+"self_attn.q_proj.weight"), weight(p+"self_attn.k_proj.weight"), weight(p+"self_attn.v_proj.weight"))
		x = graph.Add(x, linear(z, weight(p+"self_attn.o_proj.weight")))

		h = rmsNorm(x, weight(p+"post_attention_layernorm.weight"), cfg.NormEps)
		gate := linear(h, weight(p+"mlp.gate_proj.weight"))
		up := linear(h, weight(p+"mlp.up_proj.weight"))
		post := graph.Mul(graph.Mul(gate, graph.Sigmoid(gate)), up) // SiLU(gate) ⊙ up: blocks.l.mlp.hook_post
		if s, ok := w[IA3Name(l)]; ok {
			post = graph.Mul(post, lastAxis(s, 3))
		}
		x = graph.Add(x, linear(post, weight(p+"mlp.down_proj.weight")))
	}
	x = rmsNorm(x, weight("model.norm.weight"), cfg.NormEps)
	return linear(x, weight("lm_head.weight"))
}

// attention holds the constants of causal rotary attention for [B, T]
// inputs.
type attention struct {
	B, T, H, dh           int
	cos, sin, rot, causal *graph.Node
	negInf                *graph.Node
	scale                 float64
}

func newAttention(g *graph.Graph, cfg *transformer.Config, B, T int) *attention {
	cosT, sinT := ropeTables(cfg, T)
	dh := cfg.DHead
	return &attention{B: B, T: T, H: cfg.NHeads, dh: dh,
		cos:    graph.Reshape(graph.Const(g, cosT), 1, T, 1, dh),
		sin:    graph.Reshape(graph.Const(g, sinT), 1, T, 1, dh),
		rot:    rotateHalf(g, dh),
		causal: graph.Reshape(graph.LowerTriangular(g, T), 1, 1, T, T),
		negInf: graph.Scalar(g, dtypes.Float32, -1e30),
		scale:  1 / math.Sqrt(float64(dh))}
}

// apply returns the heads' outputs concatenated, [B, T, H·d_head], before
// the output projection.
func (a *attention) apply(h, wq, wk, wv *graph.Node) *graph.Node {
	B, T, H, dh := a.B, a.T, a.H, a.dh
	q := rotate(graph.Reshape(linear(h, wq), B, T, H, dh), a.cos, a.sin, a.rot)
	k := rotate(graph.Reshape(linear(h, wk), B, T, H, dh), a.cos, a.sin, a.rot)
	v := graph.Reshape(linear(h, wv), B, T, H, dh)
	scores := graph.MulScalar(autodiff.Dot(q, []int{3}, []int{0, 2}, k, []int{3}, []int{0, 2}), a.scale) // bqhd,bkhd->bhqk
	scores = graph.Where(graph.BroadcastToDims(a.causal, B, H, T, T), scores, graph.BroadcastToDims(a.negInf, B, H, T, T))
	z := autodiff.Dot(graph.Softmax(scores, -1), []int{3}, []int{0, 1}, v, []int{1}, []int{0, 2}) // bhqk,bkhd->bhqd
	return graph.Reshape(graph.TransposeAllAxes(z, 0, 2, 1, 3), B, T, H*dh)                       // → bqhd
}
