package train

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// LayerNormEps is the ε of every LayerNorm (torch's default).
const LayerNormEps = 1e-5

// LayerKind is the kind of a layer of a Net.
type LayerKind int

const (
	// DenseLayer: h = φ(z) with z = W x + b, or h = φ(LN(z)) with
	// LayerNorm. Its output is h.
	DenseLayer LayerKind = iota + 1
	// ResidualLayer: the BRO/SimBa block y = x + W₂ φ(LN(W₁ x + b₁)) + b₂;
	// its units are the Width entries of φ(LN(W₁ x + b₁)) and its output
	// has the input's width.
	ResidualLayer
	// NormLayer: y = LN(x), LayerNorm over the features with a gain and a
	// shift.
	NormLayer
)

// LayerSpec describes one layer of a Net; Dense, DenseNorm, Residual and
// Norm build the usual ones.
type LayerSpec struct {
	Kind LayerKind
	// Width is the number of units: a dense layer's outputs, a residual
	// block's inner width (ignored by NormLayer).
	Width int
	// Activation is φ.
	Activation Activation
	// LayerNorm normalises the pre-activation before φ:
	// LN(z) = γ ⊙ (z − mean z)/sqrt(var z + ε) + β over the units of one
	// sample (biased variance, ε = LayerNormEps).
	LayerNorm bool
}

// Dense is a dense layer of width units: h = φ(W x + b).
func Dense(width int, act Activation) LayerSpec {
	return LayerSpec{Kind: DenseLayer, Width: width, Activation: act}
}

// DenseNorm is a dense layer with LayerNorm before the activation:
// h = φ(LN(W x + b)).
func DenseNorm(width int, act Activation) LayerSpec {
	return LayerSpec{Kind: DenseLayer, Width: width, Activation: act, LayerNorm: true}
}

// Residual is the residual block y = x + W₂ φ(LN(W₁ x + b₁)) + b₂ with
// width inner units.
func Residual(width int, act Activation) LayerSpec {
	return LayerSpec{Kind: ResidualLayer, Width: width, Activation: act, LayerNorm: true}
}

// Norm is a LayerNorm of the features, y = γ ⊙ (x − mean x)/sqrt(var x + ε) + β.
func Norm() LayerSpec { return LayerSpec{Kind: NormLayer} }

// Layer is one layer of a Net and its parameters. Weight matrices are
// stored as torch stores them, outputs × inputs, so row i of W holds unit
// i's incoming weights and column j of the next layer's W holds unit j's
// outgoing weights.
type Layer[T Float] struct {
	// Name is "layer<index>"; parameter names extend it ("layer2.W").
	Name string
	Spec LayerSpec
	// In and Out are the widths of the layer's input and output.
	In, Out int
	// W (Width × In) and B (1 × Width) map the input to the units'
	// pre-activations z (a residual block's first map); nil in a NormLayer.
	W, B *Param[T]
	// Gain and Shift are LayerNorm's γ and β (1 × Width; 1 × In in a
	// NormLayer); nil without LayerNorm.
	Gain, Shift *Param[T]
	// W2 (In × Width) and B2 (1 × In) map a residual block's units back to
	// its stream; nil in other layers.
	W2, B2 *Param[T]
}

// Net is a feed-forward network of dense layers, residual blocks and
// LayerNorms with explicit gradient code: Forward keeps every layer's
// pre-activations and activations in a Cache, and Backward returns the
// gradient with respect to the input and adds the gradients of every
// parameter to their Grad buffers, keeping each layer's ∂L/∂z in the Cache.
// Batches are row-major, one sample per row; products go through gonum's
// BLAS.
type Net[T Float] struct {
	// In and Out are the widths of the network's input and output.
	In, Out int
	Layers  []*Layer[T]
}

// NewNet returns a network with in inputs and the given layers,
// initialised as torch initialises nn.Linear (W and b uniform on
// ±1/sqrt(fan_in)) and nn.LayerNorm (γ = 1, β = 0), drawing from rng.
func NewNet[T Float](rng *rand.Rand, in int, layers ...LayerSpec) (*Net[T], error) {
	if rng == nil {
		return nil, fmt.Errorf("train: NewNet: nil rng")
	}
	if in < 1 {
		return nil, fmt.Errorf("train: NewNet: %d inputs, want ≥ 1", in)
	}
	if len(layers) == 0 {
		return nil, fmt.Errorf("train: NewNet: no layers")
	}
	n := &Net[T]{In: in}
	width := in
	for i, s := range layers {
		name := fmt.Sprintf("layer%d", i)
		if !s.Activation.valid() {
			return nil, fmt.Errorf("train: NewNet: layers[%d]: activation %v", i, s.Activation)
		}
		l := &Layer[T]{Name: name, Spec: s, In: width}
		switch s.Kind {
		case DenseLayer, ResidualLayer:
			if s.Width < 1 {
				return nil, fmt.Errorf("train: NewNet: layers[%d]: width %d, want ≥ 1", i, s.Width)
			}
			l.W, l.B = linearInit[T](rng, name+".W", name+".b", s.Width, width)
			if s.LayerNorm {
				l.Gain, l.Shift = normInit[T](name+".ln", s.Width)
			}
			l.Out = s.Width
			if s.Kind == ResidualLayer {
				l.W2, l.B2 = linearInit[T](rng, name+".W2", name+".b2", width, s.Width)
				l.Out = width
			}
		case NormLayer:
			if width < 2 {
				return nil, fmt.Errorf("train: NewNet: layers[%d]: LayerNorm over %d feature, want ≥ 2", i, width)
			}
			l.Gain, l.Shift = normInit[T](name+".ln", width)
			l.Out = width
		default:
			return nil, fmt.Errorf("train: NewNet: layers[%d]: kind %d, want DenseLayer, ResidualLayer or NormLayer", i, s.Kind)
		}
		width = l.Out
		n.Layers = append(n.Layers, l)
	}
	n.Out = width
	return n, nil
}

func linearInit[T Float](rng *rand.Rand, wname, bname string, out, in int) (w, b *Param[T]) {
	w, b = NewParam[T](wname, out, in), NewParam[T](bname, 1, out)
	bound := 1 / math.Sqrt(float64(in))
	for i := range w.Value {
		w.Value[i] = T(bound * (2*rng.Float64() - 1))
	}
	for i := range b.Value {
		b.Value[i] = T(bound * (2*rng.Float64() - 1))
	}
	return w, b
}

func normInit[T Float](name string, width int) (g, s *Param[T]) {
	g, s = NewParam[T](name+".gain", 1, width), NewParam[T](name+".shift", 1, width)
	for i := range g.Value {
		g.Value[i] = 1
	}
	return g, s
}

// Params returns every parameter, layer by layer (W, B, Gain, Shift, W2,
// B2 where present).
func (n *Net[T]) Params() []*Param[T] {
	var ps []*Param[T]
	for _, l := range n.Layers {
		for _, p := range []*Param[T]{l.W, l.B, l.Gain, l.Shift, l.W2, l.B2} {
			if p != nil {
				ps = append(ps, p)
			}
		}
	}
	return ps
}

// ZeroGrad sets every parameter's gradient to zero.
func (n *Net[T]) ZeroGrad() {
	for _, p := range n.Params() {
		p.ZeroGrad()
	}
}

// Clone returns a deep copy (a target network).
func (n *Net[T]) Clone() *Net[T] {
	c := &Net[T]{In: n.In, Out: n.Out}
	cp := func(p *Param[T]) *Param[T] {
		if p == nil {
			return nil
		}
		q := NewParam[T](p.Name, p.Rows, p.Cols)
		copy(q.Value, p.Value)
		copy(q.Grad, p.Grad)
		return q
	}
	for _, l := range n.Layers {
		c.Layers = append(c.Layers, &Layer[T]{Name: l.Name, Spec: l.Spec, In: l.In, Out: l.Out,
			W: cp(l.W), B: cp(l.B), Gain: cp(l.Gain), Shift: cp(l.Shift), W2: cp(l.W2), B2: cp(l.B2)})
	}
	return c
}

// Hidden returns the indices of the layers whose units are hidden
// neurons: every residual block, and every dense layer but the last layer
// of the network (the output layer). Neuron scores and resets act on
// these.
func (n *Net[T]) Hidden() []int {
	var out []int
	for i, l := range n.Layers {
		if l.Spec.Kind == ResidualLayer || (l.Spec.Kind == DenseLayer && i < len(n.Layers)-1) {
			out = append(out, i)
		}
	}
	return out
}

// Outgoing returns the weight matrix whose columns are the outgoing
// weights of layer l's units: a residual block's W2, or for a dense layer
// the W of the next dense or residual layer (LayerNorms between are
// skipped). It returns nil when nothing reads the units through a weight.
// A dense layer that feeds a residual stream is also read further on
// through the skip connections, which have no weights.
func (n *Net[T]) Outgoing(l int) *Param[T] {
	if l < 0 || l >= len(n.Layers) {
		return nil
	}
	if n.Layers[l].Spec.Kind == ResidualLayer {
		return n.Layers[l].W2
	}
	for _, m := range n.Layers[l+1:] {
		if m.W != nil {
			return m.W
		}
	}
	return nil
}

// Cache holds what Forward computed for one batch, which Backward needs
// and neuron scores read. Its slices belong to the cache and are
// overwritten by the next Forward.
type Cache[T Float] struct {
	// Batch is the number of samples of the last Forward.
	Batch  int
	Layers []LayerCache[T]
	net    *Net[T]
	filled bool
}

// LayerCache holds one layer's values for a batch, row-major with one row
// per sample.
type LayerCache[T Float] struct {
	// X is the layer's input (Batch × In).
	X []T
	// Z is the units' pre-activation W x + b (Batch × Width); nil in a
	// NormLayer.
	Z []T
	// U is LN(Z) (a NormLayer: LN(X)); nil without LayerNorm.
	U []T
	// H is the units' activation φ(U) or φ(Z) (Batch × Width); nil in a
	// NormLayer.
	H []T
	// Y is the layer's output (Batch × Out): H for a dense layer.
	Y []T
	// DZ is ∂L/∂Z after Backward (Batch × Width); nil in a NormLayer.
	DZ []T
	// DU is ∂L/∂U after Backward, the gradient at the input of φ in a
	// layer with LayerNorm; nil without LayerNorm. (A NormLayer uses it as
	// scratch.)
	DU []T

	xhat, rstd []T // LayerNorm's normalised values and 1/sqrt(var + ε)
	dh, dx     []T // scratch for Backward
}

// NewCache returns an empty cache; Forward sizes it.
func (n *Net[T]) NewCache() *Cache[T] { return &Cache[T]{} }

func grow[T Float](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

func (c *Cache[T]) size(n *Net[T], batch int) {
	if len(c.Layers) != len(n.Layers) {
		c.Layers = make([]LayerCache[T], len(n.Layers))
	}
	c.net, c.Batch = n, batch
	for i, l := range n.Layers {
		lc := &c.Layers[i]
		if i == 0 {
			lc.X = grow(lc.X, batch*l.In)
		} else {
			lc.X = c.Layers[i-1].Y
		}
		lc.dx = grow(lc.dx, batch*l.In)
		ln := l.Spec.LayerNorm || l.Spec.Kind == NormLayer
		width := l.Spec.Width
		if l.Spec.Kind == NormLayer {
			width = l.In
		}
		if ln {
			lc.xhat, lc.rstd, lc.U = grow(lc.xhat, batch*width), grow(lc.rstd, batch), grow(lc.U, batch*width)
			lc.DU = grow(lc.DU, batch*width)
		} else {
			lc.xhat, lc.rstd, lc.U, lc.DU = nil, nil, nil, nil
		}
		switch l.Spec.Kind {
		case NormLayer:
			lc.Z, lc.H, lc.DZ, lc.dh = nil, nil, nil, nil
			lc.Y = lc.U
		case DenseLayer:
			lc.Z, lc.H, lc.DZ, lc.dh = grow(lc.Z, batch*width), grow(lc.H, batch*width), grow(lc.DZ, batch*width), nil
			lc.Y = lc.H
		case ResidualLayer:
			lc.Z, lc.H, lc.DZ, lc.dh = grow(lc.Z, batch*width), grow(lc.H, batch*width), grow(lc.DZ, batch*width), grow(lc.dh, batch*width)
			lc.Y = grow(lc.Y, batch*l.Out)
		}
	}
}

// Forward runs the network on x, a batch of rows of n.In values, keeping
// every layer's values in c, and returns the output (Batch × n.Out, owned
// by c).
func (n *Net[T]) Forward(c *Cache[T], x []T) ([]T, error) {
	if c == nil {
		return nil, fmt.Errorf("train: Forward: nil cache (use Net.NewCache)")
	}
	if len(x) == 0 || len(x)%n.In != 0 {
		return nil, fmt.Errorf("train: Forward: input of %d values is not a non-empty batch of rows of %d", len(x), n.In)
	}
	batch := len(x) / n.In
	c.size(n, batch)
	copy(c.Layers[0].X, x)
	for i, l := range n.Layers {
		l.forward(&c.Layers[i], batch)
	}
	c.filled = true
	return c.Layers[len(n.Layers)-1].Y, nil
}

func (l *Layer[T]) forward(lc *LayerCache[T], batch int) {
	if l.Spec.Kind == NormLayer {
		layerNorm(lc.X, l.In, l.Gain.Value, l.Shift.Value, lc.xhat, lc.rstd, lc.U)
		return
	}
	w := l.Spec.Width
	affine(batch, w, l.In, lc.X, l.W.Value, l.B.Value, lc.Z)
	pre := lc.Z
	if l.Spec.LayerNorm {
		layerNorm(lc.Z, w, l.Gain.Value, l.Shift.Value, lc.xhat, lc.rstd, lc.U)
		pre = lc.U
	}
	applyActivation(l.Spec.Activation, pre, lc.H)
	if l.Spec.Kind == ResidualLayer {
		copy(lc.Y, lc.X)
		for r := 0; r < batch; r++ {
			row := lc.Y[r*l.Out : (r+1)*l.Out]
			for j, b := range l.B2.Value {
				row[j] += b
			}
		}
		gemm(false, true, batch, l.Out, w, lc.H, w, l.W2.Value, w, 1, lc.Y, l.Out)
	}
}

// affine sets z = x Wᵀ + b for a batch of rows of in values.
func affine[T Float](batch, out, in int, x, w, b, z []T) {
	for r := 0; r < batch; r++ {
		copy(z[r*out:(r+1)*out], b)
	}
	gemm(false, true, batch, out, in, x, in, w, in, 1, z, out)
}

// layerNorm normalises each row of x (width values): xhat = (x − mean)·rstd
// with rstd = 1/sqrt(var + ε), and sets y = γ ⊙ xhat + β.
func layerNorm[T Float](x []T, width int, gain, shift, xhat, rstd, y []T) {
	rows := len(x) / width
	for r := 0; r < rows; r++ {
		row := x[r*width : (r+1)*width]
		var mean float64
		for _, v := range row {
			mean += float64(v)
		}
		mean /= float64(width)
		var ss float64
		for _, v := range row {
			d := float64(v) - mean
			ss += d * d
		}
		rs := 1 / math.Sqrt(ss/float64(width)+LayerNormEps)
		rstd[r] = T(rs)
		xh, yr := xhat[r*width:(r+1)*width], y[r*width:(r+1)*width]
		for j, v := range row {
			xh[j] = T((float64(v) - mean) * rs)
			yr[j] = gain[j]*xh[j] + shift[j]
		}
	}
}

// layerNormBack sets dx from dy = ∂L/∂y of y = γ ⊙ xhat + β:
// dxhat = dy ⊙ γ, dx = rstd·(dxhat − mean(dxhat) − xhat·mean(dxhat ⊙ xhat))
// per row, and, when dgain is not nil, adds Σ_rows dy ⊙ xhat to dgain and
// Σ_rows dy to dshift.
func layerNormBack[T Float](dy []T, width int, gain, xhat, rstd, dx, dgain, dshift []T) {
	rows := len(dy) / width
	for r := 0; r < rows; r++ {
		dyr, xh, dxr := dy[r*width:(r+1)*width], xhat[r*width:(r+1)*width], dx[r*width:(r+1)*width]
		var m1, m2 float64
		for j := range dyr {
			g := float64(dyr[j]) * float64(gain[j])
			m1 += g
			m2 += g * float64(xh[j])
		}
		m1 /= float64(width)
		m2 /= float64(width)
		rs := float64(rstd[r])
		for j := range dyr {
			g := float64(dyr[j]) * float64(gain[j])
			dxr[j] = T(rs * (g - m1 - float64(xh[j])*m2))
		}
		if dgain != nil {
			for j := range dyr {
				dgain[j] += dyr[j] * xh[j]
				dshift[j] += dyr[j]
			}
		}
	}
}

// colSum adds the column sums of x (rows of width values) to s.
func colSum[T Float](x []T, width int, s []T) {
	for r := 0; r < len(x)/width; r++ {
		for j, v := range x[r*width : (r+1)*width] {
			s[j] += v
		}
	}
}

// Backward propagates dOut = ∂L/∂output (Batch × n.Out) through the batch
// of the last Forward on c: it adds ∂L/∂θ to every parameter's Grad
// (gradients accumulate, as in torch; zero them between steps), keeps each
// layer's ∂L/∂z in c.Layers[l].DZ and returns ∂L/∂x (Batch × n.In, owned
// by c).
func (n *Net[T]) Backward(c *Cache[T], dOut []T) ([]T, error) {
	return n.backward(c, dOut, true)
}

// InputGradient is Backward without touching the parameters' gradients:
// it returns ∂L/∂x (and fills the DZ of c), for a loss that is not this
// network's to minimise (SAC's actor loss through its critics).
func (n *Net[T]) InputGradient(c *Cache[T], dOut []T) ([]T, error) {
	return n.backward(c, dOut, false)
}

func (n *Net[T]) backward(c *Cache[T], dOut []T, params bool) ([]T, error) {
	if c == nil || !c.filled || c.net != n || len(c.Layers) != len(n.Layers) {
		return nil, fmt.Errorf("train: Backward: the cache does not hold a Forward of this network")
	}
	if len(dOut) != c.Batch*n.Out {
		return nil, fmt.Errorf("train: Backward: output gradient of %d values, want batch %d × %d outputs", len(dOut), c.Batch, n.Out)
	}
	for _, p := range n.Params() {
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("train: Backward: %w", err)
		}
	}
	dy := dOut
	for i := len(n.Layers) - 1; i >= 0; i-- {
		dy = n.Layers[i].backward(&c.Layers[i], c.Batch, dy, params)
	}
	return dy, nil
}

func (l *Layer[T]) backward(lc *LayerCache[T], batch int, dy []T, params bool) []T {
	if l.Spec.Kind == NormLayer {
		var dg, ds []T
		if params {
			dg, ds = l.Gain.Grad, l.Shift.Grad
		}
		layerNormBack(dy, l.In, l.Gain.Value, lc.xhat, lc.rstd, lc.dx, dg, ds)
		return lc.dx
	}
	w := l.Spec.Width
	dh := dy
	if l.Spec.Kind == ResidualLayer {
		if params {
			gemm(true, false, l.Out, w, batch, dy, l.Out, lc.H, w, 1, l.W2.Grad, w)
			colSum(dy, l.Out, l.B2.Grad)
		}
		gemm(false, false, batch, w, l.Out, dy, l.Out, l.W2.Value, w, 0, lc.dh, w)
		dh = lc.dh
	}
	if l.Spec.LayerNorm {
		backActivation(l.Spec.Activation, lc.U, lc.H, dh, lc.DU)
		var dg, ds []T
		if params {
			dg, ds = l.Gain.Grad, l.Shift.Grad
		}
		layerNormBack(lc.DU, w, l.Gain.Value, lc.xhat, lc.rstd, lc.DZ, dg, ds)
	} else {
		backActivation(l.Spec.Activation, lc.Z, lc.H, dh, lc.DZ)
	}
	if params {
		gemm(true, false, w, l.In, batch, lc.DZ, w, lc.X, l.In, 1, l.W.Grad, l.In)
		colSum(lc.DZ, w, l.B.Grad)
	}
	beta := 0.0
	if l.Spec.Kind == ResidualLayer {
		copy(lc.dx, dy)
		beta = 1
	}
	gemm(false, false, batch, l.In, w, lc.DZ, w, l.W.Value, l.In, beta, lc.dx, l.In)
	return lc.dx
}

// SoftUpdate moves every dst parameter toward its src counterpart,
// dst ← τ·src + (1 − τ)·dst (a target network's Polyak averaging); dst
// and src must have the same shapes, in order.
func SoftUpdate[T Float](dst, src []*Param[T], tau float64) error {
	if !(tau >= 0 && tau <= 1) {
		return fmt.Errorf("train: SoftUpdate: tau = %v, want in [0, 1]", tau)
	}
	if len(dst) != len(src) {
		return fmt.Errorf("train: SoftUpdate: %d destination and %d source parameters", len(dst), len(src))
	}
	for i := range dst {
		if err := dst[i].Validate(); err != nil {
			return fmt.Errorf("train: SoftUpdate: dst[%d]: %w", i, err)
		}
		if err := src[i].Validate(); err != nil {
			return fmt.Errorf("train: SoftUpdate: src[%d]: %w", i, err)
		}
		if dst[i].Rows != src[i].Rows || dst[i].Cols != src[i].Cols {
			return fmt.Errorf("train: SoftUpdate: parameter %d: %q is %d×%d, %q is %d×%d", i, dst[i].Name, dst[i].Rows, dst[i].Cols, src[i].Name, src[i].Rows, src[i].Cols)
		}
	}
	for i := range dst {
		for k, v := range src[i].Value {
			dst[i].Value[k] = T(tau*float64(v) + (1-tau)*float64(dst[i].Value[k]))
		}
	}
	return nil
}
