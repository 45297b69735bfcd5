package incremental

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Net is the two-layer ReLU network f(x) = Σ_j a_j σ(⟨w_j, x⟩) without
// biases.
type Net struct {
	// A holds the output weights a_1..a_m.
	A []float64
	// W holds the input weights w_j as rows (m × d).
	W *mat.Dense
	// Scale is the initialisation scale λ ∈ (0, 1) the net was drawn with
	// (InitNet sets it); Descend measures time in τ = t / log(1/λ) and
	// neuron sizes in exponents 1 + log|a_j| / log(1/λ).
	Scale float64
}

// InitNet draws the small balanced initialisation of width m in R^d:
// w_j = λ g_j with g_j ~ N(0, I_d/d) and a_j = s_j ‖w_j‖ with s_j = ±1
// equally likely, so a_j² − ‖w_j‖² = 0 and the sign of a_j never changes.
func InitNet(rng *rand.Rand, m, d int, lambda float64) (*Net, error) {
	if m < 1 {
		return nil, fmt.Errorf("incremental: width m = %d, want m ≥ 1", m)
	}
	if d < 1 {
		return nil, fmt.Errorf("incremental: input dimension d = %d, want d ≥ 1", d)
	}
	if err := checkScale(lambda); err != nil {
		return nil, err
	}
	net := &Net{A: make([]float64, m), W: mat.NewDense(m, d, nil), Scale: lambda}
	sd := lambda / math.Sqrt(float64(d))
	for j := range m {
		row := net.W.RawRowView(j)
		for k := range row {
			row[k] = sd * rng.NormFloat64()
		}
		s := 1.0
		if rng.IntN(2) == 0 {
			s = -1
		}
		net.A[j] = s * norm(row)
	}
	return net, nil
}

func checkScale(lambda float64) error {
	if !(lambda > 0 && lambda < 1) {
		return fmt.Errorf("incremental: initialisation scale λ = %v, want 0 < λ < 1 (time is measured in t/log(1/λ))", lambda)
	}
	return nil
}

func norm(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// Width is the number of neurons m.
func (n *Net) Width() int { return len(n.A) }

// Clone returns a deep copy.
func (n *Net) Clone() *Net {
	return &Net{A: append([]float64(nil), n.A...), W: mat.DenseCopyOf(n.W), Scale: n.Scale}
}

// check validates the net against data of dimension d.
func (n *Net) check(d int) error {
	if n == nil || n.W == nil {
		return errors.New("incremental: net or its weights W are nil")
	}
	m, c := n.W.Dims()
	if m != len(n.A) || m == 0 {
		return fmt.Errorf("incremental: net has %d output weights and %d×%d input weights; need m ≥ 1 of each", len(n.A), m, c)
	}
	if c != d {
		return fmt.Errorf("incremental: net input weights are %d×%d, data have dimension d = %d", m, c, d)
	}
	return nil
}

// Output is f(x) for one input x ∈ R^d.
func (n *Net) Output(x []float64) (float64, error) {
	if err := n.check(len(x)); err != nil {
		return 0, err
	}
	var f float64
	for j, a := range n.A {
		f += a * relu(dot(n.W.RawRowView(j), x))
	}
	return f, nil
}

// Loss is L = (1/2n) Σ_i (f(x_i) − y_i)².
func (n *Net) Loss(d *Data) (float64, error) {
	if err := n.check(d.Dim()); err != nil {
		return 0, err
	}
	k := newKernel(d, n)
	return k.forward(), nil
}

// Gradient returns ∂L/∂a (length m) and ∂L/∂W (m × d):
// ∂L/∂a_j = (1/n) Σ_i r_i σ(⟨w_j, x_i⟩) and
// ∂L/∂w_j = (1/n) a_j Σ_i r_i 1[⟨w_j, x_i⟩ > 0] x_i, r_i = f(x_i) − y_i.
func (n *Net) Gradient(d *Data) (ga []float64, gw *mat.Dense, err error) {
	if err := n.check(d.Dim()); err != nil {
		return nil, nil, err
	}
	k := newKernel(d, n)
	k.forward()
	k.gradient()
	return append([]float64(nil), k.ga...), mat.NewDense(len(n.A), d.Dim(), append([]float64(nil), k.gw...)), nil
}

// Norm2 is ‖θ‖² = Σ_j a_j² + ‖w_j‖².
func (n *Net) Norm2() float64 {
	var s float64
	for j, a := range n.A {
		w := norm(n.W.RawRowView(j))
		s += a*a + w*w
	}
	return s
}

// Balance returns a_j² − ‖w_j‖² for every neuron, which gradient flow
// conserves.
func (n *Net) Balance() []float64 {
	b := make([]float64, len(n.A))
	for j, a := range n.A {
		w := norm(n.W.RawRowView(j))
		b[j] = (a - w) * (a + w)
	}
	return b
}

// Rotate returns the net with every w_j rotated by q (d × d, orthogonal):
// on inputs rotated by the same q it computes the same function.
func (n *Net) Rotate(q mat.Matrix) (*Net, error) {
	_, d := n.W.Dims()
	if err := checkOrthogonal(q, d); err != nil {
		return nil, err
	}
	var w mat.Dense
	w.Mul(n.W, q.T())
	return &Net{A: append([]float64(nil), n.A...), W: &w, Scale: n.Scale}, nil
}

func relu(z float64) float64 {
	if z > 0 {
		return z
	}
	return 0
}

func dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}
