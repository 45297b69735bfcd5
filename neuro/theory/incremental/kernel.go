package incremental

import (
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// kernel holds one network and one data set in flat slices and computes
// the loss, the residuals and the gradient without allocating. Diagonal
// data (x_i = c_i e_i, d = n) take an O(mn) path; other data the dense
// O(mnd) one.
type kernel struct {
	m, n, d int
	a       []float64 // m, the net's own slice
	w       []float64 // m×d row-major, the net's own backing array
	y       []float64
	diag    []float64 // c_i for diagonal data, nil otherwise
	x       *mat.Dense
	// p[j*n+i] = ⟨w_j, x_i⟩; r_i = f(x_i) − y_i.
	p, r []float64
	// ga = ∂L/∂a; gw = ∂L/∂W (m×d); dm[j*n+i] = a_j r_i 1[p_ji > 0] / n.
	ga, gw, dm []float64
	wm, pm     mat.Dense
	dmm, gwm   mat.Dense
}

// newKernel wraps net and data. step updates net's slices in place when
// net.W is a compact m×d matrix (stride d, as InitNet, Clone and Rotate
// make it); otherwise the kernel works on a copy of W.
func newKernel(data *Data, net *Net) *kernel {
	m, d := net.W.Dims()
	n := data.N()
	w := net.W
	if w.RawMatrix().Stride != d {
		w = mat.DenseCopyOf(w)
	}
	k := &kernel{
		m: m, n: n, d: d, a: net.A, w: w.RawMatrix().Data, y: data.y, diag: data.diag,
		p: make([]float64, m*n), r: make([]float64, n),
		ga: make([]float64, m), gw: make([]float64, m*d), dm: make([]float64, m*n),
	}
	if k.diag == nil {
		k.x = data.x.(*mat.Dense)
		k.wm.SetRawMatrix(w.RawMatrix())
		k.pm.SetRawMatrix(rawOf(m, n, k.p))
		k.dmm.SetRawMatrix(rawOf(m, n, k.dm))
		k.gwm.SetRawMatrix(rawOf(m, d, k.gw))
	}
	return k
}

func rawOf(r, c int, data []float64) blas64.General {
	return blas64.General{Rows: r, Cols: c, Stride: c, Data: data}
}

// forward computes the pre-activations and residuals and returns the loss.
func (k *kernel) forward() float64 {
	if k.diag != nil {
		for j := range k.m {
			wj, pj := k.w[j*k.d:j*k.d+k.n], k.p[j*k.n:(j+1)*k.n]
			for i, c := range k.diag {
				pj[i] = wj[i] * c
			}
		}
	} else {
		k.pm.Mul(&k.wm, k.x.T())
	}
	copy(k.r, k.y)
	for i := range k.r {
		k.r[i] = -k.r[i]
	}
	for j, a := range k.a {
		pj := k.p[j*k.n : (j+1)*k.n]
		for i, v := range pj {
			if v > 0 {
				k.r[i] += a * v
			}
		}
	}
	var l float64
	for _, v := range k.r {
		l += v * v
	}
	return l / (2 * float64(k.n))
}

// gradient computes ga and gw from the residuals of the last forward.
func (k *kernel) gradient() {
	inv := 1 / float64(k.n)
	for j, a := range k.a {
		pj, dj := k.p[j*k.n:(j+1)*k.n], k.dm[j*k.n:(j+1)*k.n]
		var g float64
		for i, v := range pj {
			if v > 0 {
				g += k.r[i] * v
				dj[i] = a * k.r[i] * inv
			} else {
				dj[i] = 0
			}
		}
		k.ga[j] = g * inv
	}
	if k.diag != nil {
		for j := range k.m {
			gj, dj := k.gw[j*k.d:j*k.d+k.n], k.dm[j*k.n:(j+1)*k.n]
			for i, c := range k.diag {
				gj[i] = dj[i] * c
			}
		}
		return
	}
	k.gwm.Mul(&k.dmm, k.x)
}

// step moves the parameters by −η times the gradient.
func (k *kernel) step(eta float64) {
	for j := range k.a {
		k.a[j] -= eta * k.ga[j]
	}
	for i, g := range k.gw {
		k.w[i] -= eta * g
	}
}

// escape returns the largest escape rate over neurons on the residuals of
// the last forward: ρ_j = ‖(max(−s_j r_i, 0) ‖x_i‖)_{i : ⟨w_j, x_i⟩ > 0}‖ / n,
// the growth rate of neuron j's linearised dynamics restricted to the
// coordinates that can grow (s_j = sign a_j). At a fitted neuron the
// residuals of its points vanish and so does its rate.
func (k *kernel) escape(norms []float64) float64 {
	var worst float64
	for j, a := range k.a {
		s := 1.0
		if a < 0 {
			s = -1
		}
		pj := k.p[j*k.n : (j+1)*k.n]
		var q float64
		for i, v := range pj {
			if v > 0 {
				if z := -s * k.r[i]; z > 0 {
					z *= norms[i]
					q += z * z
				}
			}
		}
		worst = math.Max(worst, math.Sqrt(q)/float64(k.n))
	}
	return worst
}
