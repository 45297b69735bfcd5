package similarity

import (
	"math"
	"math/rand/v2"

	"github.com/neuronb/neuronb/neuro/linalg"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// symEigen returns all eigenvalues of the symmetric matrix a in descending
// order and the matching unit eigenvectors as the columns of vecs
// (linalg.EigenSymInPlace: LAPACK's dsyevr under the openblas tag, gonum's
// Dsyev otherwise). a must hold both triangles; it is overwritten.
func symEigen(a *mat.Dense) (vals []float64, vecs *mat.Dense, err error) {
	return linalg.EigenSymInPlace(a)
}

// krylovBlock is the block size of the Lanczos iteration on an explicit
// matrix for k wanted eigenpairs: wide blocks take few steps of efficient
// BLAS-3 products.
func krylovBlock(k int) int { return k + max(4, k/2) }

// implicitBlock is the block size on the implicit operator X(XᵀV), whose
// products are memory-bound matrix-vector products (one pass over X each):
// a narrow block needs the fewest passes (about 25 steps of 2 vectors for
// k = 10, against 10 steps of 15), and 2 still resolves double eigenvalues.
const implicitBlock = 2

// Tuning of the partial eigensolver.
const (
	// krylovTol is the relative residual ‖A y − θ y‖ / θ₁ at which a Ritz
	// pair counts as converged.
	krylovTol = 1e-10
	// fullEigenBelow is the size under which a dense eigendecomposition is
	// cheaper than a Krylov method.
	fullEigenBelow = 200
)

// topEigen returns the k largest eigenvalues (descending) of the symmetric
// positive semi-definite matrix a (both triangles filled) and their unit
// eigenvectors as the columns of an n×k matrix. a is not modified.
func topEigen(a *mat.Dense, k int) ([]float64, *mat.Dense, error) {
	n, _ := a.Dims()
	return topEigenOp(n, k, krylovBlock(k), func(dst, src *mat.Dense) { dst.Mul(a, src) }, 0, func() *mat.Dense { return a })
}

// topEigenOp returns the k largest eigenpairs of the n×n symmetric
// positive semi-definite operator apply (dst = A·src for an n×b block).
//
// It runs block Lanczos with block size b, full reorthogonalisation and
// Rayleigh–Ritz extraction; eigenvalues of multiplicity up to b are found.
// The start block is drawn from a fixed seed, so results are reproducible.
// If maxSteps > 0 and the iteration has not converged after that many
// block steps (a flat top of the spectrum), it continues with topEigen on
// the explicit matrix dense(); if the basis would exceed n/2 vectors, it
// falls back to the dense decomposition of dense().
func topEigenOp(n, k, b int, apply func(dst, src *mat.Dense), maxSteps int, dense func() *mat.Dense) ([]float64, *mat.Dense, error) {
	if k > n {
		k = n
	}
	if n < fullEigenBelow || 4*b >= n {
		return topOfFull(dense(), k)
	}
	maxBasis := n / 2
	v := mat.NewDense(n, maxBasis, nil)
	av := mat.NewDense(n, maxBasis, nil)
	rng := rand.New(rand.NewPCG(0x5eed, uint64(n)))
	blk := mat.NewDense(n, b, nil)
	for i := range blk.RawMatrix().Data {
		blk.RawMatrix().Data[i] = rng.NormFloat64()
	}
	m := 0
	for step := 1; ; step++ {
		nb := orthonormalizeBlock(blk, v.Slice(0, n, 0, m).(*mat.Dense), rng)
		vj := v.Slice(0, n, m, m+nb).(*mat.Dense)
		vj.Copy(blk.Slice(0, n, 0, nb))
		avj := av.Slice(0, n, m, m+nb).(*mat.Dense)
		apply(avj, vj)
		m += nb
		if m > k {
			// Enough vectors for k Ritz pairs.
			th, ritz, converged, err := ritzPairs(v.Slice(0, n, 0, m).(*mat.Dense), av.Slice(0, n, 0, m).(*mat.Dense), k)
			switch {
			case err != nil:
				return nil, nil, err
			case converged:
				return th, ritz, nil
			case maxSteps > 0 && step >= maxSteps:
				// Slow convergence: finish on the explicit matrix, whose
				// products are cheaper than the operator's.
				return topEigen(dense(), k)
			case m+b > maxBasis:
				return topOfFull(dense(), k)
			}
		}
		// The next block: A times the last one, topped up with random
		// directions when orthonormalisation dropped some.
		blk.Copy(avj)
		for i := 0; i < n; i++ {
			for j := nb; j < b; j++ {
				blk.Set(i, j, rng.NormFloat64())
			}
		}
	}
}

// topOfFull returns the k largest eigenpairs of the symmetric a from its
// full decomposition; a is not modified.
func topOfFull(a *mat.Dense, k int) ([]float64, *mat.Dense, error) {
	n, _ := a.Dims()
	vals, vecs, err := symEigen(mat.DenseCopyOf(a))
	if err != nil {
		return nil, nil, err
	}
	return vals[:k], mat.DenseCopyOf(vecs.Slice(0, n, 0, k)), nil
}

// ritzPairs is the Rayleigh–Ritz step of block Lanczos: from an orthonormal
// basis vm (n×m) and avm = A vm it returns the k largest Ritz values and
// vectors and whether every pair has a relative residual
// ‖A y − θ y‖ / θ₁ within krylovTol.
func ritzPairs(vm, avm *mat.Dense, k int) ([]float64, *mat.Dense, bool, error) {
	n, m := vm.Dims()
	h := mat.NewDense(m, m, nil)
	h.Mul(vm.T(), avm)
	for i := 0; i < m; i++ {
		for j := i + 1; j < m; j++ {
			s := 0.5 * (h.At(i, j) + h.At(j, i))
			h.Set(i, j, s)
			h.Set(j, i, s)
		}
	}
	th, s, err := symEigen(h)
	if err != nil {
		return nil, nil, false, err
	}
	sk := s.Slice(0, m, 0, k)
	ritz := mat.NewDense(n, k, nil)
	ritz.Mul(vm, sk)
	res := mat.NewDense(n, k, nil)
	res.Mul(avm, sk)
	scale := math.Max(math.Abs(th[0]), math.SmallestNonzeroFloat64)
	for j := 0; j < k; j++ {
		var ss float64
		for i := 0; i < n; i++ {
			r := res.At(i, j) - th[j]*ritz.At(i, j)
			ss += r * r
		}
		if math.Sqrt(ss) > krylovTol*scale {
			return th[:k], ritz, false, nil
		}
	}
	return th[:k], ritz, true, nil
}

// orthonormalizeBlock orthonormalises the columns of blk against the
// orthonormal columns of basis and among themselves (classical Gram–Schmidt
// against the basis and modified Gram–Schmidt within the block, each applied
// twice). Columns that vanish (a Krylov breakdown) are replaced by random
// directions. It returns the number of columns kept, always b unless the
// basis and blk together would exceed the dimension.
func orthonormalizeBlock(blk, basis *mat.Dense, rng *rand.Rand) int {
	n, b := blk.Dims()
	_, m := basis.Dims()
	projectOut(blk, basis)
	// Work on the transpose so that each vector is contiguous.
	rows := mat.DenseCopyOf(blk.T())
	kept := 0
	for j := 0; j < b && m+kept < n; j++ {
		vec := rows.RawRowView(j)
		for attempt := 0; ; attempt++ {
			orig := floats.Norm(vec, 2)
			for pass := 0; pass < 2; pass++ {
				for i := 0; i < kept; i++ {
					q := rows.RawRowView(i)
					floats.AddScaled(vec, -floats.Dot(q, vec), q)
				}
			}
			nrm := floats.Norm(vec, 2)
			if nrm > 1e-8*orig && nrm > 0 {
				floats.Scale(1/nrm, vec)
				break
			}
			if attempt >= 5 {
				return kept
			}
			// Breakdown: a fresh random direction, projected off the basis.
			fresh := mat.NewDense(n, 1, nil)
			for r := 0; r < n; r++ {
				fresh.Set(r, 0, rng.NormFloat64())
			}
			projectOut(fresh, basis)
			copy(vec, fresh.RawMatrix().Data)
		}
		if kept != j {
			copy(rows.RawRowView(kept), vec)
		}
		kept++
	}
	blk.Copy(rows.Slice(0, kept, 0, n).T())
	return kept
}

// projectOut removes from the columns of w their components in the span
// of the orthonormal columns of basis (classical Gram–Schmidt, twice).
func projectOut(w, basis *mat.Dense) {
	_, m := basis.Dims()
	if m == 0 {
		return
	}
	_, c := w.Dims()
	coef := mat.NewDense(m, c, nil)
	for pass := 0; pass < 2; pass++ {
		coef.Mul(basis.T(), w)
		blas64.Gemm(blas.NoTrans, blas.NoTrans, -1, basis.RawMatrix(), coef.RawMatrix(), 1, w.RawMatrix())
	}
}
