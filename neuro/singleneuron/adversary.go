package singleneuron

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neuronb/neuronb/neuro/train"
)

// GradientReversal is the gradient-reversal layer of Ganin & Lempitsky
// (2015): the identity in the forward pass and −λ times the gradient in the
// backward pass. Placed between an encoder e_φ and a discriminator D_ψ
// trained to minimise a cross-entropy CE, it makes one gradient step
// minimise CE over ψ and L_model − λ·CE over φ: the encoder learns to
// remove what the discriminator reads.
type GradientReversal struct {
	Lambda float64
}

// Forward returns z unchanged.
func (g GradientReversal) Forward(z []float64) []float64 { return z }

// Backward adds −λ·dz (the gradient reaching the layer's output) to dst,
// the gradient at its input.
func (g GradientReversal) Backward(dz, dst []float64) {
	for i, v := range dz {
		dst[i] += -g.Lambda * v
	}
}

// softmaxCE returns the mean cross-entropy of rows of k logits against
// labels and sets grad (same shape as logits) to its gradient
// (softmax − one-hot)/rows.
func softmaxCE(logits []float64, labels []int, k int, grad []float64) float64 {
	n := len(labels)
	var ce float64
	for i := 0; i < n; i++ {
		row, g := logits[i*k:(i+1)*k], grad[i*k:(i+1)*k]
		mx := math.Inf(-1)
		for _, v := range row {
			mx = math.Max(mx, v)
		}
		var s float64
		for j, v := range row {
			g[j] = math.Exp(v - mx)
			s += g[j]
		}
		ce += (math.Log(s) + mx - row[labels[i]]) / float64(n)
		for j := range g {
			g[j] /= s * float64(n)
		}
		g[labels[i]] -= 1 / float64(n)
	}
	return ce
}

// adversary is a discriminator predicting the batch (animal or stimulus)
// from embeddings, behind a gradient-reversal layer.
type adversary struct {
	net     *train.Net[float64]
	cache   *train.Cache[float64]
	opt     *train.Adam[float64]
	grl     GradientReversal
	classes int
	grad    []float64
}

func newAdversary(rng *rand.Rand, dim, hidden, classes int, lambda, lr float64) (*adversary, error) {
	if classes < 2 {
		return nil, fmt.Errorf("singleneuron: adversary over %d batch, want ≥ 2 batches", classes)
	}
	net, err := train.NewNet[float64](rng, dim, train.Dense(hidden, train.ReLU), train.Dense(hidden, train.ReLU), train.Dense(classes, train.Identity))
	if err != nil {
		return nil, err
	}
	opt, err := train.NewAdam([]train.Group[float64]{{Params: net.Params()}}, &train.AdamSettings{LR: lr})
	if err != nil {
		return nil, err
	}
	return &adversary{net: net, cache: net.NewCache(), opt: opt, grl: GradientReversal{Lambda: lambda}, classes: classes}, nil
}

// step runs the discriminator on z (rows of embeddings) against labels,
// updates it (when update is set) to lower its cross-entropy, and adds the
// reversed gradient −λ·∂CE/∂z to dz. It returns the cross-entropy before
// the update.
func (a *adversary) step(z []float64, labels []int, dz []float64, update bool) (float64, error) {
	a.net.ZeroGrad()
	logits, err := a.net.Forward(a.cache, a.grl.Forward(z))
	if err != nil {
		return 0, err
	}
	if cap(a.grad) < len(logits) {
		a.grad = make([]float64, len(logits))
	}
	g := a.grad[:len(logits)]
	ce := softmaxCE(logits, labels, a.classes, g)
	dIn, err := a.net.Backward(a.cache, g)
	if err != nil {
		return 0, err
	}
	a.grl.Backward(dIn, dz)
	if !update {
		return ce, nil
	}
	return ce, a.opt.Step()
}
