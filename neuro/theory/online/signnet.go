package online

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Hyperplane is {x : ⟨W, x⟩ + B = 0} with ‖W‖ = 1; Value(x) is the signed
// distance of x to it.
type Hyperplane struct {
	W []float64
	B float64
}

// Value is ⟨W, x⟩ + B.
func (h Hyperplane) Value(x []float64) float64 {
	s := h.B
	for i, w := range h.W {
		s += w * x[i]
	}
	return s
}

// Cell names the cell of a hyperplane arrangement an input lies in: bit k
// is 1 when the input is on the positive side of hyperplane k.
type Cell string

// cellOf returns the cell of x under the hyperplanes.
func cellOf(hs []Hyperplane, x []float64) Cell {
	b := make([]byte, (len(hs)+7)/8)
	for k, h := range hs {
		if h.Value(x) > 0 {
			b[k/8] |= 1 << (k % 8)
		}
	}
	return Cell(b)
}

// bit reports whether hyperplane k is positive in cell c.
func (c Cell) bit(k int) bool { return c[k/8]>>(k%8)&1 == 1 }

// SignNet is a feedforward sign network read through its first layer: the
// label of x is Table[cell of x] (Default for a cell without an entry).
// Every function of the first layer's signs is computed by two more sign
// layers (Layers), so this is the class of the paper's networks.
type SignNet struct {
	// Layer is the first layer's hyperplanes (unit normals).
	Layer []Hyperplane
	// Table gives the label of each cell; Labels is the number Y of labels.
	Table   map[Cell]int
	Default int
	Labels  int
}

// NewSignNet checks the hyperplanes (equal dimension d ≥ 1, unit normals
// to 1e-9, finite offsets) and the number of labels (≥ 2) and returns a
// network with an empty table.
func NewSignNet(layer []Hyperplane, labels int) (*SignNet, error) {
	if len(layer) == 0 {
		return nil, errors.New("online: a sign network needs at least one first-layer hyperplane")
	}
	if labels < 2 {
		return nil, fmt.Errorf("online: %d labels, want at least 2", labels)
	}
	d := len(layer[0].W)
	if d == 0 {
		return nil, errors.New("online: hyperplane 0 has dimension d = 0, want d ≥ 1")
	}
	for k, h := range layer {
		if len(h.W) != d {
			return nil, fmt.Errorf("online: hyperplane %d has dimension %d, hyperplane 0 has %d", k, len(h.W), d)
		}
		if n := norm(h.W); math.Abs(n-1) > 1e-9 || math.IsNaN(h.B) || math.IsInf(h.B, 0) {
			return nil, fmt.Errorf("online: hyperplane %d has ‖w‖ = %v and offset %v; want a unit normal and a finite offset", k, n, h.B)
		}
	}
	return &SignNet{Layer: layer, Table: map[Cell]int{}, Labels: labels}, nil
}

// Dim is the input dimension d.
func (n *SignNet) Dim() int { return len(n.Layer[0].W) }

// Cell returns the cell of x.
func (n *SignNet) Cell(x []float64) Cell { return cellOf(n.Layer, x) }

// Label returns N(x).
func (n *SignNet) Label(x []float64) int {
	if y, ok := n.Table[n.Cell(x)]; ok {
		return y
	}
	return n.Default
}

// Margin returns min_k |⟨w_k, x⟩ + b_k|, the distance of x to the nearest
// first-layer hyperplane.
func (n *SignNet) Margin(x []float64) float64 {
	m := math.Inf(1)
	for _, h := range n.Layer {
		m = math.Min(m, math.Abs(h.Value(x)))
	}
	return m
}

// RandomNet draws k first-layer hyperplanes in R^d with uniformly random
// unit normals and offsets uniform on [−offset, offset], and a label
// uniform on {0, …, labels−1} for each of the 2^k sign patterns (k ≤ 16).
func RandomNet(rng *rand.Rand, d, k, labels int, offset float64) (*SignNet, error) {
	if d < 1 || k < 1 || k > 16 {
		return nil, fmt.Errorf("online: RandomNet(d = %d, k = %d hyperplanes): want d ≥ 1 and 1 ≤ k ≤ 16", d, k)
	}
	if !(offset >= 0 && offset <= 1) {
		return nil, fmt.Errorf("online: RandomNet: offset range %v, want 0 ≤ offset ≤ 1 (hyperplanes through the unit ball)", offset)
	}
	layer := make([]Hyperplane, k)
	for j := range layer {
		w := make([]float64, d)
		for norm(w) < 1e-6 {
			for i := range w {
				w[i] = rng.NormFloat64()
			}
		}
		s := norm(w)
		for i := range w {
			w[i] /= s
		}
		layer[j] = Hyperplane{W: w, B: offset * (2*rng.Float64() - 1)}
	}
	net, err := NewSignNet(layer, labels)
	if err != nil {
		return nil, err
	}
	for p := 0; p < 1<<k; p++ {
		b := make([]byte, (k+7)/8)
		for j := range k {
			if p>>j&1 == 1 {
				b[j/8] |= 1 << (j % 8)
			}
		}
		net.Table[Cell(b)] = rng.IntN(labels)
	}
	return net, nil
}

// Layer is one layer of sign units: unit u outputs sign(⟨W[u], z⟩ + B[u])
// with sign(v) = +1 for v > 0 and −1 otherwise.
type Layer struct {
	W [][]float64
	B []float64
}

// Layers writes the network as three explicit sign layers: the first
// layer's hyperplanes; one AND unit per cell of Table,
// sign(Σ_k s_k h_k − (K − 1)) with s the cell's signs (+1 only on that
// cell); one OR unit per label, sign(½ Σ_{cells c of the label} (z_c + 1) −
// ½) (+1 when one of its cells is). Evaluate reads the label off the last
// layer. No unit ever sees a zero pre-activation off the hyperplanes.
func (n *SignNet) Layers() []Layer {
	cells := make([]Cell, 0, len(n.Table))
	for c := range n.Table {
		cells = append(cells, c)
	}
	slices.Sort(cells)
	first := Layer{}
	for _, h := range n.Layer {
		first.W = append(first.W, h.W)
		first.B = append(first.B, h.B)
	}
	K := len(n.Layer)
	and := Layer{}
	for _, c := range cells {
		w := make([]float64, K)
		for k := range w {
			w[k] = -1
			if c.bit(k) {
				w[k] = 1
			}
		}
		and.W = append(and.W, w)
		and.B = append(and.B, -float64(K-1))
	}
	or := Layer{W: make([][]float64, n.Labels), B: make([]float64, n.Labels)}
	for y := range n.Labels {
		or.W[y] = make([]float64, len(cells))
		var count float64
		for i, c := range cells {
			if n.Table[c] == y {
				or.W[y][i] = 0.5
				count++
			}
		}
		or.B[y] = 0.5*count - 0.5
	}
	return []Layer{first, and, or}
}

// Evaluate runs the sign layers on x and returns the index of the first
// positive unit of the last layer, or def when none is positive.
func Evaluate(layers []Layer, x []float64, def int) int {
	z := x
	for _, l := range layers {
		next := make([]float64, len(l.W))
		for u, w := range l.W {
			v := l.B[u]
			for i, wi := range w {
				v += wi * z[i]
			}
			next[u] = -1
			if v > 0 {
				next[u] = 1
			}
		}
		z = next
	}
	for u, v := range z {
		if v > 0 {
			return u
		}
	}
	return def
}

func norm(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// UniformBall draws x uniformly from the unit ball of R^d: a Gaussian
// direction times U^{1/d}.
func UniformBall(rng *rand.Rand, d int) []float64 {
	x := make([]float64, d)
	for norm(x) == 0 {
		for i := range x {
			x[i] = rng.NormFloat64()
		}
	}
	r := math.Pow(rng.Float64(), 1/float64(d)) / norm(x)
	for i := range x {
		x[i] *= r
	}
	return x
}

// checkGamma reports a margin outside (0, 1).
func checkGamma(gamma float64) error {
	if !(gamma > 0 && gamma < 1) {
		return fmt.Errorf("online: margin γ = %v, want 0 < γ < 1 (instances lie in the unit ball)", gamma)
	}
	return nil
}
