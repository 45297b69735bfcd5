package similarity

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/linalg"
)

// gramBlock is the row-block height of the pure-Go Gram product. gonum's
// pure-Go Dsyrk runs on one core, while its Dgemm is parallel, so the upper
// triangle is assembled from Dgemm calls on row blocks.
const gramBlock = 192

// gramOf returns the full symmetric P×P matrix X Xᵀ (both triangles
// filled).
func gramOf(x *mat.Dense) *mat.Dense {
	g := gramUpper(x)
	p, _ := g.Dims()
	gr := g.RawMatrix()
	for i := 0; i < p; i++ {
		for j := i + 1; j < p; j++ {
			gr.Data[j*gr.Stride+i] = gr.Data[i*gr.Stride+j]
		}
	}
	return g
}

// gramUpper returns X Xᵀ with only its upper triangle (diagonal included)
// computed. With OpenBLAS it is one Dsyrk; in pure Go, parallel Dgemm calls
// on row blocks of the upper triangle.
func gramUpper(x *mat.Dense) *mat.Dense {
	p, _ := x.Dims()
	g := mat.NewDense(p, p, nil)
	xr, gr := x.RawMatrix(), g.RawMatrix()
	if linalg.BLAS() == "openblas" || p <= 2*gramBlock {
		blas64.Syrk(blas.NoTrans, 1, xr, 0, blas64.Symmetric{N: p, Stride: gr.Stride, Data: gr.Data, Uplo: blas.Upper})
	} else {
		for i0 := 0; i0 < p; i0 += gramBlock {
			i1 := min(i0+gramBlock, p)
			a := blas64.General{Rows: i1 - i0, Cols: xr.Cols, Stride: xr.Stride, Data: xr.Data[i0*xr.Stride:]}
			b := blas64.General{Rows: p - i0, Cols: xr.Cols, Stride: xr.Stride, Data: xr.Data[i0*xr.Stride:]}
			c := blas64.General{Rows: i1 - i0, Cols: p - i0, Stride: gr.Stride, Data: gr.Data[i0*gr.Stride+i0:]}
			blas64.Gemm(blas.NoTrans, blas.Trans, 1, a, b, 0, c)
		}
	}
	return g
}

// upperDots returns Σ K∘L, Σ K∘K and Σ L∘L over whole symmetric matrices
// from their upper triangles, in one pass.
func upperDots(k, l *mat.Dense) (kl, kk, ll float64) {
	p, _ := k.Dims()
	kr, lr := k.RawMatrix(), l.RawMatrix()
	for i := 0; i < p; i++ {
		a := kr.Data[i*kr.Stride+i : i*kr.Stride+p]
		b := lr.Data[i*lr.Stride+i : i*lr.Stride+p]
		kl += a[0] * b[0]
		kk += a[0] * a[0]
		ll += b[0] * b[0]
		var skl, skk, sll float64
		for j := 1; j < len(a); j++ {
			skl += a[j] * b[j]
			skk += a[j] * a[j]
			sll += b[j] * b[j]
		}
		kl += 2 * skl
		kk += 2 * skk
		ll += 2 * sll
	}
	return kl, kk, ll
}

// covOf returns the full symmetric N×N matrix Xᵀ X.
func covOf(x *mat.Dense) *mat.Dense {
	_, n := x.Dims()
	if linalg.BLAS() == "openblas" || n <= 2*gramBlock {
		c := mat.NewDense(n, n, nil)
		cr := c.RawMatrix()
		blas64.Syrk(blas.Trans, 1, x.RawMatrix(), 0, blas64.Symmetric{N: n, Stride: cr.Stride, Data: cr.Data, Uplo: blas.Upper})
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				cr.Data[j*cr.Stride+i] = cr.Data[i*cr.Stride+j]
			}
		}
		return c
	}
	var xt mat.Dense
	xt.CloneFrom(x.T())
	return gramOf(&xt)
}

// frobDot returns Σ_ij A_ij B_ij for equally shaped dense matrices.
func frobDot(a, b *mat.Dense) float64 {
	ar, br := a.RawMatrix(), b.RawMatrix()
	var s float64
	for i := 0; i < ar.Rows; i++ {
		ra := ar.Data[i*ar.Stride : i*ar.Stride+ar.Cols]
		rb := br.Data[i*br.Stride : i*br.Stride+ar.Cols]
		for j, v := range ra {
			s += v * rb[j]
		}
	}
	return s
}
