package similarity

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/parallel"
)

// Spectrum is the eigendecomposition of a representation's centred Gram
// matrix in the paper's normalisation: Values[i] = λᵢ, the eigenvalues of
// X Xᵀ / (P·N) in descending order, and column i of Vectors the matching
// unit eigenvector uᵢ (length P). Dividing by the representation's own
// neuron count N makes λ a variance per neuron, so a sample and its
// population are on the same scale.
type Spectrum struct {
	Values  []float64
	Vectors *mat.Dense // P × len(Values)
	// Stimuli and Neurons are the shape P×N of the representation.
	Stimuli, Neurons int
}

// NewSpectrum returns the full spectrum of the representation x (P stimuli
// × N neurons): all P eigenpairs of its centred Gram matrix, a complete
// orthonormal basis of stimulus space (eigenvalues beyond the rank are
// zero up to rounding).
func NewSpectrum(x mat.Matrix) (*Spectrum, error) {
	if err := checkShape("X", x); err != nil {
		return nil, err
	}
	xc, err := centered("X", x)
	if err != nil {
		return nil, err
	}
	return fullSpectrum(xc)
}

// fullSpectrum is NewSpectrum for a centred representation.
func fullSpectrum(xc *mat.Dense) (*Spectrum, error) {
	p, n := xc.Dims()
	vals, vecs, err := symEigen(gramOf(xc))
	if err != nil {
		return nil, err
	}
	scaleValues(vals, p, n)
	return &Spectrum{Values: vals, Vectors: vecs, Stimuli: p, Neurons: n}, nil
}

// TopSpectrum returns the k leading eigenpairs of x's centred Gram matrix,
// computed without a full decomposition by block Lanczos: on the explicit
// min(P,N)-sized Gram or covariance matrix for small problems, and on the
// implicit operator V ↦ X(XᵀV) (matrix-vector products at memory speed) for
// large ones, which never forms the P×P matrix. It fails when k exceeds the rank
// of the centred x.
func TopSpectrum(x mat.Matrix, k int) (*Spectrum, error) {
	if err := checkShape("X", x); err != nil {
		return nil, err
	}
	xc, err := centered("X", x)
	if err != nil {
		return nil, err
	}
	return topSpectrumCentered("X", xc, k)
}

func topSpectrumCentered(name string, xc *mat.Dense, k int) (*Spectrum, error) {
	p, n := xc.Dims()
	if k < 1 || k > min(p-1, n) {
		return nil, fmt.Errorf("similarity: %d modes requested from %s (%d×%d); need 1 <= k <= min(P-1, N) = %d", k, name, p, n, min(p-1, n))
	}
	var vals []float64
	var vecs *mat.Dense
	d := min(p, n)
	// Forming the d×d Gram or covariance matrix costs P·N·d operations;
	// Lanczos on the implicit operator costs two passes over X per vector,
	// about 50 vectors for k = 10, and falls back to the explicit matrix if
	// convergence is slow.
	implicit := d > 400
	maxSteps := max(4*k, d/8)
	var err error
	switch {
	case n < p:
		vals, vecs, err = topLeftSingular(xc, k, implicit, maxSteps)
	case implicit:
		vals, vecs, err = topEigenOp(p, k, implicitBlock, crossOperator(xc, false, 0), maxSteps, func() *mat.Dense { return gramOf(xc) })
	default:
		vals, vecs, err = topEigen(gramOf(xc), k)
	}
	if err != nil {
		return nil, err
	}
	if vals[k-1] <= 1e-12*vals[0] {
		return nil, fmt.Errorf("similarity: %s (%d×%d) has rank below the %d modes requested (eigenvalue %d is %.3g of the largest)", name, p, n, k, k, vals[k-1]/vals[0])
	}
	scaleValues(vals, p, n)
	return &Spectrum{Values: vals, Vectors: vecs, Stimuli: p, Neurons: n}, nil
}

// topLeftSingular returns the k largest eigenvalues of X Xᵀ and their unit
// eigenvectors for a centred x with fewer columns than rows, from the
// covariance XᵀX (explicit, or implicit when asked): uᵢ = X vᵢ / √λᵢ.
func topLeftSingular(xc *mat.Dense, k int, implicit bool, maxSteps int) ([]float64, *mat.Dense, error) {
	p, n := xc.Dims()
	var vals []float64
	var v *mat.Dense
	var err error
	if implicit {
		vals, v, err = topEigenOp(n, k, implicitBlock, crossOperator(xc, true, 0), maxSteps, func() *mat.Dense { return covOf(xc) })
	} else {
		vals, v, err = topEigen(covOf(xc), k)
	}
	if err != nil {
		return nil, nil, err
	}
	vecs := mat.NewDense(p, k, nil)
	vecs.Mul(xc, v)
	for j := 0; j < k && vals[j] > 0; j++ {
		s := 1 / math.Sqrt(vals[j])
		for i := 0; i < p; i++ {
			vecs.Set(i, j, vecs.At(i, j)*s)
		}
	}
	return vals, vecs, nil
}

func scaleValues(vals []float64, p, n int) {
	s := 1 / (float64(p) * float64(n))
	for i := range vals {
		vals[i] *= s
	}
}

// Overlap returns the overlap matrix M_ia = (uᵢ·vₐ)² between the
// eigenvectors of two spectra of the same stimuli. For full bases M is
// doubly stochastic; its rows and columns sum to at most 1 otherwise.
func Overlap(a, b *Spectrum) (*mat.Dense, error) {
	if a == nil || b == nil || a.Vectors == nil || b.Vectors == nil {
		return nil, fmt.Errorf("similarity: Overlap needs two spectra with eigenvectors")
	}
	pa, _ := a.Vectors.Dims()
	pb, _ := b.Vectors.Dims()
	if pa != pb {
		return nil, fmt.Errorf("similarity: spectra cover %d and %d stimuli; they must match", pa, pb)
	}
	return overlap(a.Vectors, b.Vectors), nil
}

// overlap returns the squared inner products (uᵢ·vₐ)² of the columns of u
// and v, which have the same number of rows.
func overlap(u, v mat.Matrix) *mat.Dense {
	_, ka := u.Dims()
	_, kb := v.Dims()
	m := mat.NewDense(ka, kb, nil)
	m.Mul(u.T(), v)
	raw := m.RawMatrix()
	for i := range raw.Data {
		raw.Data[i] *= raw.Data[i]
	}
	return m
}

// SpectralCKA returns Σ_{i,a} λᵢ μₐ M_ia / sqrt(Σᵢ λᵢ² Σₐ μₐ²), which equals
// linear CKA when λ, μ are full spectra and M their overlap matrix. M may
// cover fewer modes than the spectra (rows ≤ len(λ), columns ≤ len(μ));
// the normalisation always uses every eigenvalue given.
func SpectralCKA(lambda, mu []float64, m mat.Matrix) (float64, error) {
	if isNil(m) {
		return 0, fmt.Errorf("similarity: overlap matrix M is nil")
	}
	r, c := m.Dims()
	if r > len(lambda) || c > len(mu) {
		return 0, fmt.Errorf("similarity: overlap matrix M is %d×%d but the spectra have %d and %d eigenvalues", r, c, len(lambda), len(mu))
	}
	if err := checkSpectrum("first", lambda); err != nil {
		return 0, err
	}
	if err := checkSpectrum("second", mu); err != nil {
		return 0, err
	}
	if err := checkFinite("M", m); err != nil {
		return 0, err
	}
	if !hasNonZero(lambda) || !hasNonZero(mu) {
		return 0, fmt.Errorf("similarity: a spectrum is identically zero")
	}
	return spectralCKA(lambda, mu, m), nil
}

// hasNonZero reports whether some value of v is not zero.
func hasNonZero(v []float64) bool {
	for _, x := range v {
		if x != 0 {
			return true
		}
	}
	return false
}

// spectralCKA is SpectralCKA without the checks: m has at most len(lambda)
// rows and len(mu) columns, and neither spectrum is zero.
func spectralCKA(lambda, mu []float64, m mat.Matrix) float64 {
	r, c := m.Dims()
	var num float64
	for i := 0; i < r; i++ {
		var s float64
		for a := 0; a < c; a++ {
			s += m.At(i, a) * mu[a]
		}
		num += lambda[i] * s
	}
	var l2, m2 float64
	for _, v := range lambda {
		l2 += v * v
	}
	for _, v := range mu {
		m2 += v * v
	}
	return num / math.Sqrt(l2*m2)
}

// SpectralCCA returns CCA_k = (1/k) Σ_{i<k, a<k} M_ia, the mean squared
// canonical correlation between the top-k eigenvector subspaces whose
// overlap matrix is M. Modes missing from M (fewer than k rows or columns)
// count as zero overlap.
func SpectralCCA(m mat.Matrix, k int) (float64, error) {
	if isNil(m) {
		return 0, fmt.Errorf("similarity: overlap matrix M is nil")
	}
	if k < 1 {
		return 0, fmt.Errorf("similarity: CCA needs k >= 1 modes, got %d", k)
	}
	if err := checkFinite("M", m); err != nil {
		return 0, err
	}
	return spectralCCA(m, k), nil
}

// spectralCCA is SpectralCCA without the checks (k >= 1).
func spectralCCA(m mat.Matrix, k int) float64 {
	r, c := m.Dims()
	var s float64
	for i := 0; i < min(k, r); i++ {
		for a := 0; a < min(k, c); a++ {
			s += m.At(i, a)
		}
	}
	return s / float64(k)
}

// ModeDecomposition splits CKA and CCA_k into mode-pair contributions.
type ModeDecomposition struct {
	// CKA[i][a] = λᵢ μₐ M_ia / sqrt(Σλ² Σμ²); its entries sum to CKA.
	CKA *mat.Dense
	// CCA[i][a] = M_ia / k for i, a < k; its entries sum to CCA_k.
	CCA *mat.Dense
	// CKAByMode1 and CKAByMode2 are the row and column sums of CKA: how much
	// each mode of the first and second representation contributes.
	CKAByMode1, CKAByMode2 []float64
	// Value of the two measures.
	CKAValue, CCAValue float64
}

// ModePairs decomposes the CKA and CCA_k between two spectra into the
// contributions of single pairs of modes (the paper's spectral form).
func ModePairs(a, b *Spectrum, k int) (*ModeDecomposition, error) {
	m, err := Overlap(a, b)
	if err != nil {
		return nil, err
	}
	if k < 1 {
		return nil, fmt.Errorf("similarity: CCA needs k >= 1 modes, got %d", k)
	}
	r, c := m.Dims()
	var l2, m2 float64
	for _, v := range a.Values {
		l2 += v * v
	}
	for _, v := range b.Values {
		m2 += v * v
	}
	norm := 1 / math.Sqrt(l2*m2)
	d := &ModeDecomposition{CKA: mat.NewDense(r, c, nil), CKAByMode1: make([]float64, r), CKAByMode2: make([]float64, c)}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v := a.Values[i] * b.Values[j] * m.At(i, j) * norm
			d.CKA.Set(i, j, v)
			d.CKAByMode1[i] += v
			d.CKAByMode2[j] += v
			d.CKAValue += v
		}
	}
	kr, kc := min(k, r), min(k, c)
	d.CCA = mat.NewDense(kr, kc, nil)
	for i := 0; i < kr; i++ {
		for j := 0; j < kc; j++ {
			v := m.At(i, j) / float64(k)
			d.CCA.Set(i, j, v)
			d.CCAValue += v
		}
	}
	return d, nil
}

// crossOperator returns V ↦ X(XᵀV) (or V ↦ Xᵀ(XV) when cov is true) for
// blocks of a few vectors. Such products are memory-bound: a BLAS
// matrix-matrix product packs X first, and matrix-vector products stream X
// once per vector (NumPy's eigsh does that, two passes per vector). Here
// each half of the product streams X once for the whole block, row by row
// (T += xᵢ ⊗ vᵢ, then dᵢ = xᵢ·T), in pure Go whatever the BLAS, over row
// chunks run by parallel.For on workers goroutines (0: GOMAXPROCS). The
// chunk boundaries depend only on P, and the per-chunk sums of T are added
// in chunk order, so the result does not depend on workers.
func crossOperator(x *mat.Dense, cov bool, workers int) func(dst, src *mat.Dense) {
	o := &crossOp{x: x.RawMatrix(), workers: workers}
	o.chunks = parallel.Chunks(o.x.Rows, min(16, max(1, o.x.Rows/64)))
	if !cov {
		return func(dst, src *mat.Dense) {
			_, b := src.Dims()
			o.accumulate(src.At, b)
			o.project(o.t, b, dst.Set)
		}
	}
	var mid *mat.Dense
	return func(dst, src *mat.Dense) {
		p := o.x.Rows
		_, b := src.Dims()
		if mid == nil || mid.RawMatrix().Cols < b {
			mid = mat.NewDense(p, b, nil)
		}
		m := mid.Slice(0, p, 0, b).(*mat.Dense)
		ys := make([][]float64, b)
		for c := range ys {
			ys[c] = mat.Col(nil, c, src)
		}
		o.project(ys, b, m.Set)
		o.accumulate(m.At, b)
		for c := 0; c < b; c++ {
			dst.SetCol(c, o.t[c])
		}
	}
}

// crossOp holds X (P×N, row-major), its row chunks and the buffers of
// crossOperator.
type crossOp struct {
	x       blas64.General
	chunks  [][2]int
	workers int
	t, part [][]float64 // t[c] is column c of XᵀV (length N); part holds it per chunk
}

func (o *crossOp) row(i int) []float64 { return o.x.Data[i*o.x.Stride : i*o.x.Stride+o.x.Cols] }

// accumulate sets t[c] = Σᵢ xᵢ · u(i, c) over all rows, for c < b.
func (o *crossOp) accumulate(u func(i, c int) float64, b int) {
	n := o.x.Cols
	if len(o.t) < b {
		o.t, o.part = make([][]float64, b), make([][]float64, b*len(o.chunks))
		for c := range o.t {
			o.t[c] = make([]float64, n)
		}
		for c := range o.part {
			o.part[c] = make([]float64, n)
		}
	}
	parallel.For(len(o.chunks), o.workers, func(_, ch int) {
		acc := o.part[ch*b : (ch+1)*b]
		for c := range acc {
			clear(acc[c])
		}
		for i := o.chunks[ch][0]; i < o.chunks[ch][1]; i++ {
			xi := o.row(i)
			for c := 0; c < b; c++ {
				if a := u(i, c); a != 0 {
					floats.AddScaled(acc[c], a, xi)
				}
			}
		}
	})
	for c := 0; c < b; c++ {
		copy(o.t[c], o.part[c])
		for ch := 1; ch < len(o.chunks); ch++ {
			floats.Add(o.t[c], o.part[ch*b+c])
		}
	}
}

// project calls out(i, c, xᵢ · y[c]) for every row i and c < b.
func (o *crossOp) project(y [][]float64, b int, out func(i, c int, v float64)) {
	parallel.For(len(o.chunks), o.workers, func(_, ch int) {
		for i := o.chunks[ch][0]; i < o.chunks[ch][1]; i++ {
			xi := o.row(i)
			for c := 0; c < b; c++ {
				out(i, c, floats.Dot(xi, y[c]))
			}
		}
	})
}
