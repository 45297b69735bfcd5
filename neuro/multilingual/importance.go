package multilingual

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/linalg"
	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// Importance holds one score per unit of a model on one input:
// imp[l][c][i] is the score of unit i of component c in layer l.
type Importance [][NumComponents][]float64

// At returns the score of unit u.
func (imp Importance) At(u Unit) float64 { return imp[u.Layer][u.Component][u.Index] }

// Method chooses how a unit is scored on an input.
type Method int

const (
	// Deactivation is the paper's criterion (Eq. 1): the norm of the
	// change of the unit's module output when the unit is deactivated,
	// computed for all units at once in closed form (PLND's parallel
	// form; see the package documentation).
	Deactivation Method = iota
	// ReleasedCode is the score of the paper's released detection code
	// (transformers_custom/modeling_llama.py): FFN units by the summed
	// magnitude of their up-projection Σ_p |W_up·x|_k, Q and K units by
	// the summed squared change of the attention probabilities
	// Σ_{p,t} (A′ − A)², V and O units by the summed magnitude of their
	// coordinate of the attention output Σ_p |z_k|. It ranks units by how
	// active they are rather than by what removing them changes.
	ReleasedCode
)

func (m Method) String() string {
	if m == ReleasedCode {
		return "released code"
	}
	return "deactivation"
}

// Scorer computes the importance of every unit of one model on inputs. It
// holds what depends only on the weights (norms of W_down rows and W_O
// rows, square roots of the Gram matrices W_O,h·W_O,hᵀ of each head), so
// build one per model and score many inputs with it; it is safe for
// concurrent use. Changing the model's weights afterwards makes it stale.
type Scorer struct {
	m      *transformer.Model
	cfg    transformer.Config
	shape  Shape
	method Method
	layers []layerWeights
	names  []string
}

type layerWeights struct {
	ffnNorm []float64  // ‖W_down[k, :]‖
	wo      *mat.Dense // W_O as [NHeads·DHead, DModel]: row j maps z coordinate j to the residual
	oNorm   []float64  // ‖W_O[j, :]‖
	lHead   []*mat.Dense
	lGroup  []*mat.Dense // per key/value head, when heads share keys (GQA)
}

// NewScorer prepares the scoring of m's units by method.
func NewScorer(m *transformer.Model, method Method) (*Scorer, error) {
	if m == nil {
		return nil, fmt.Errorf("multilingual: NewScorer: nil model")
	}
	if method != Deactivation && method != ReleasedCode {
		return nil, fmt.Errorf("multilingual: NewScorer: unknown method %d", int(method))
	}
	cfg := m.Config()
	s := &Scorer{m: m, cfg: cfg, shape: ShapeOf(cfg), method: method, layers: make([]layerWeights, cfg.NLayers)}
	for l := range s.layers {
		if err := s.loadLayer(l); err != nil {
			return nil, err
		}
		for _, k := range []string{"q", "k", "v", "attn_scores", "z", "post"} {
			s.names = append(s.names, transformer.ActName(k, l))
		}
		if cfg.Arch == transformer.Llama {
			s.names = append(s.names, transformer.ActName("rot_q", l), transformer.ActName("rot_k", l))
		}
		if method == ReleasedCode {
			s.names = append(s.names, transformer.ActName(upHook(cfg), l))
		}
	}
	return s, nil
}

// upHook is the activation holding the up-projection W_up·x: Llama's
// hook_pre_linear, GPT-2's hook_pre (W_fc·x + b, before GELU).
func upHook(c transformer.Config) string {
	if c.Arch == transformer.Llama {
		return "pre_linear"
	}
	return "pre"
}

// Shape returns the unit counts of the scorer's model.
func (s *Scorer) Shape() Shape { return s.shape }

// param returns a weight as a [rows, cols] float64 matrix in the maths'
// orientation (rows = inputs): Llama stores nn.Linear [out, in], so it is
// transposed; GPT-2's Conv1D is already [in, out].
func (s *Scorer) param(llama, gpt2 string, l, rows, cols int) (*mat.Dense, error) {
	name := fmt.Sprintf(gpt2, l)
	if s.cfg.Arch == transformer.Llama {
		name = fmt.Sprintf(llama, l)
	}
	t, ok := s.m.Parameter(name)
	if !ok || len(t.Data) != rows*cols {
		return nil, fmt.Errorf("multilingual: the model has no weight %q of %d×%d values (a checkpoint without the output projections cannot be scored)", name, rows, cols)
	}
	out := mat.NewDense(rows, cols, nil)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			if s.cfg.Arch == transformer.Llama {
				out.Set(i, j, float64(t.Data[j*rows+i]))
			} else {
				out.Set(i, j, float64(t.Data[i*cols+j]))
			}
		}
	}
	return out, nil
}

func rowNorms(a *mat.Dense) []float64 {
	r, _ := a.Dims()
	out := make([]float64, r)
	for i := range out {
		out[i] = mat.Norm(a.RowView(i), 2)
	}
	return out
}

// sqrtGram returns L with L·Lᵀ = W·Wᵀ for the rows W of a (so that
// ‖X·W‖_F = ‖X·L‖_F for any X), from the eigendecomposition of the Gram
// matrix, negative round-off eigenvalues set to zero.
func sqrtGram(w mat.Matrix) (*mat.Dense, error) {
	r, _ := w.Dims()
	var g mat.SymDense
	g.SymOuterK(1, w)
	vals, vecs, err := linalg.EigenSym(&g)
	if err != nil {
		return nil, fmt.Errorf("multilingual: Gram matrix of W_O: %w", err)
	}
	l := mat.NewDense(r, r, nil)
	for j, v := range vals {
		sq := math.Sqrt(math.Max(v, 0))
		for i := 0; i < r; i++ {
			l.Set(i, j, vecs.At(i, j)*sq)
		}
	}
	return l, nil
}

func (s *Scorer) loadLayer(l int) error {
	c := s.cfg
	q := c.NHeads * c.DHead
	down, err := s.param("model.layers.%d.mlp.down_proj.weight", "h.%d.mlp.c_proj.weight", l, c.DMLP, c.DModel)
	if err != nil {
		return err
	}
	wo, err := s.param("model.layers.%d.self_attn.o_proj.weight", "h.%d.attn.c_proj.weight", l, q, c.DModel)
	if err != nil {
		return err
	}
	lw := layerWeights{ffnNorm: rowNorms(down), wo: wo, oNorm: rowNorms(wo)}
	for h := 0; h < c.NHeads; h++ {
		lh, err := sqrtGram(wo.Slice(h*c.DHead, (h+1)*c.DHead, 0, c.DModel))
		if err != nil {
			return err
		}
		lw.lHead = append(lw.lHead, lh)
	}
	if group := c.NHeads / c.NKVHeads; group > 1 {
		for g := 0; g < c.NKVHeads; g++ {
			lg, err := sqrtGram(wo.Slice(g*group*c.DHead, (g+1)*group*c.DHead, 0, c.DModel))
			if err != nil {
				return err
			}
			lw.lGroup = append(lw.lGroup, lg)
		}
	}
	s.layers[l] = lw
	return nil
}

// ParallelImportance scores every unit of m on one input (see Scorer).
// Build a Scorer instead to score many inputs.
func ParallelImportance(m *transformer.Model, tokens []int, method Method) (Importance, error) {
	s, err := NewScorer(m, method)
	if err != nil {
		return nil, err
	}
	return s.Importance(tokens)
}

// Importance scores every unit on the input tokens: one forward pass
// caching the activations the closed forms need, then, per layer, the
// FFN, V and O units from norms, and the Q and K units by re-softmax of
// the attention scores without the unit's term (see the package
// documentation), spread over the cores.
func (s *Scorer) Importance(tokens []int) (Importance, error) {
	if len(tokens) == 0 {
		return nil, fmt.Errorf("multilingual: Importance: empty input (no tokens)")
	}
	out, err := s.m.Run(tokens, &transformer.RunOptions{Cache: s.names, LastLogitsOnly: true})
	if err != nil {
		return nil, fmt.Errorf("multilingual: Importance: %w", err)
	}
	imp := make(Importance, s.cfg.NLayers)
	for l := range imp {
		for c := range imp[l] {
			imp[l][c] = make([]float64, s.shape.Sizes[c])
		}
	}
	a := s.newActs(out.Cache, len(tokens))
	jobs := s.jobs()
	parallel.For(len(jobs), 0, func(_, j int) { s.run(jobs[j], a, imp) })
	if !s.separateK() {
		for l := range imp {
			copy(imp[l][K], imp[l][Q])
		}
	}
	return imp, nil
}

// acts holds one input's cached activations as float64, per layer.
type acts struct {
	T        int
	q, k, v  [][]float64 // [T, heads, dh]
	rq, rk   [][]float64 // Llama: after the rotary embedding
	scores   [][]float64 // [NHeads, T, T]
	z, post  [][]float64
	up       [][]float64 // ReleasedCode
	cos, sin [][]float64 // [T][DHead/2], Llama
}

func f64(t *transformer.Tensor) []float64 {
	if t == nil {
		return nil
	}
	out := make([]float64, len(t.Data))
	for i, v := range t.Data {
		out[i] = float64(v)
	}
	return out
}

func (s *Scorer) newActs(cache transformer.ActivationCache, T int) *acts {
	n := s.cfg.NLayers
	a := &acts{T: T, q: make([][]float64, n), k: make([][]float64, n), v: make([][]float64, n), rq: make([][]float64, n), rk: make([][]float64, n),
		scores: make([][]float64, n), z: make([][]float64, n), post: make([][]float64, n), up: make([][]float64, n)}
	for l := 0; l < n; l++ {
		a.q[l], a.k[l], a.v[l] = f64(cache.Get("q", l)), f64(cache.Get("k", l)), f64(cache.Get("v", l))
		a.rq[l], a.rk[l] = f64(cache.Get("rot_q", l)), f64(cache.Get("rot_k", l))
		a.scores[l], a.z[l], a.post[l] = f64(cache.Get("attn_scores", l)), f64(cache.Get("z", l)), f64(cache.Get("post", l))
		a.up[l] = f64(cache.Get(upHook(s.cfg), l))
	}
	if s.cfg.Arch == transformer.Llama {
		for p := 0; p < T; p++ {
			c32, s32 := s.m.Rotary(p)
			c, sn := make([]float64, len(c32)), make([]float64, len(s32))
			for i := range c32 {
				c[i], sn[i] = float64(c32[i]), float64(s32[i])
			}
			a.cos, a.sin = append(a.cos, c), append(a.sin, sn)
		}
	}
	return a
}

// job is one piece of a layer's scoring: the FFN, V and O units (head
// −1), or the Q units of one query head, or the K units of one key/value
// head.
type job struct {
	layer int
	comp  Component
	head  int
}

func (s *Scorer) jobs() []job {
	var out []job
	for l := 0; l < s.cfg.NLayers; l++ {
		out = append(out, job{l, FFN, -1})
		for h := 0; h < s.cfg.NHeads; h++ {
			out = append(out, job{l, Q, h})
		}
		// Without rotary embeddings, zeroing coordinate i of a head's
		// queries or of its keys removes the same term q_i·k_i from its
		// scores: K units equal Q units and are copied (runNorms).
		if s.separateK() {
			for g := 0; g < s.cfg.NKVHeads; g++ {
				out = append(out, job{l, K, g})
			}
		}
	}
	return out
}

// separateK reports whether K units need their own scoring: with rotary
// embeddings (a pre-rotation coordinate of q and of k enter the scores
// through different rotations) or when several query heads share keys.
func (s *Scorer) separateK() bool {
	return s.cfg.Arch == transformer.Llama || s.cfg.NKVHeads != s.cfg.NHeads
}

func (s *Scorer) run(j job, a *acts, imp Importance) {
	if j.head < 0 {
		s.runNorms(j.layer, a, imp[j.layer])
		return
	}
	s.runScores(j, a, imp[j.layer])
}

// runNorms scores the FFN, O and V units of a layer: each one's removal
// changes the module output by an outer product (or, for a V unit shared
// by several query heads, a sum of them), whose norm is closed-form.
func (s *Scorer) runNorms(l int, a *acts, out [NumComponents][]float64) {
	c, lw, T := s.cfg, s.layers[l], a.T
	dm, H, dh := c.DMLP, c.NHeads, c.DHead
	q := H * dh
	group := c.NHeads / c.NKVHeads
	for k := 0; k < dm; k++ {
		var ss, abs float64
		for p := 0; p < T; p++ {
			x := a.post[l][p*dm+k]
			ss += x * x
			if s.method == ReleasedCode {
				abs += math.Abs(a.up[l][p*dm+k])
			}
		}
		out[FFN][k] = math.Sqrt(ss) * lw.ffnNorm[k]
		if s.method == ReleasedCode {
			out[FFN][k] = abs
		}
	}
	zcol := func(j int) []float64 {
		col := make([]float64, T)
		for p := range col {
			col[p] = a.z[l][p*q+j]
		}
		return col
	}
	for j := 0; j < q; j++ {
		zj := zcol(j)
		out[O][j] = math.Sqrt(dot(zj, zj)) * lw.oNorm[j]
		if s.method == ReleasedCode {
			out[O][j] = sumAbs(zj)
		}
	}
	// V unit (g, i) is coordinate i of the z of every head of group g:
	// ‖Σ_h z_{h,i} ⊗ W_O[(h,i), :]‖² = Σ_{h,h'} ⟨z_{h,i}, z_{h',i}⟩⟨W_O[(h,i)], W_O[(h',i)]⟩.
	for g := 0; g < c.NKVHeads; g++ {
		for i := 0; i < dh; i++ {
			var ss, abs float64
			for h1 := g * group; h1 < (g+1)*group; h1++ {
				z1 := zcol(h1*dh + i)
				abs += sumAbs(z1)
				for h2 := g * group; h2 < (g+1)*group; h2++ {
					ss += dot(z1, zcol(h2*dh+i)) * mat.Dot(lw.wo.RowView(h1*dh+i), lw.wo.RowView(h2*dh+i))
				}
			}
			out[V][g*dh+i] = math.Sqrt(math.Max(ss, 0))
			if s.method == ReleasedCode {
				out[V][g*dh+i] = abs
			}
		}
	}
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func sumAbs(a []float64) float64 {
	s := 0.0
	for _, v := range a {
		s += math.Abs(v)
	}
	return s
}
