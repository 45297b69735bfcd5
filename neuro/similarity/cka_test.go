package similarity

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Oracle: the definition, CKA(X, X) = 1 for any X.
func TestCKAOfRepresentationWithItselfIsOne(t *testing.T) {
	for _, shape := range [][2]int{{30, 5}, {20, 60}} {
		x := powerLawData(shape[0], shape[1], 1)
		for name, f := range map[string]Measure{"auto": LinearCKA, "feature": LinearCKAFeature, "gram": LinearCKAGram} {
			c, err := f(x, x)
			if err != nil {
				t.Fatal(err)
			}
			assertClose(t, name+" CKA(X,X)", c, 1, 1e-12)
		}
	}
}

// Oracle: invariance. CKA(3.7·X·O + 5, Y) = CKA(X, Y) for orthogonal O.
func TestCKAInvariantToOrthogonalScalingAndTranslation(t *testing.T) {
	x, y := powerLawData(40, 12, 2), powerLawData(40, 9, 3)
	var qr mat.QR
	qr.Factorize(randn(12, 12, 4))
	var o mat.Dense
	qr.QTo(&o)
	var xt mat.Dense
	xt.Mul(x, &o)
	xt.Scale(3.7, &xt)
	for i := range xt.RawMatrix().Data {
		xt.RawMatrix().Data[i] += 5
	}
	a := must(LinearCKA(x, y))(t)
	b := must(LinearCKA(&xt, y))(t)
	assertClose(t, "CKA after 3.7·X·O + 5", b, a, 1e-12)
}

// Oracle: the feature form ‖XᵀY‖²/(‖XᵀX‖‖YᵀY‖), the Gram form
// tr(KL)/(‖K‖‖L‖) and the spectral form Σλμ M/√(Σλ²Σμ²) are algebraically
// equal.
func TestCKAFeatureGramAndSpectralFormsAgree(t *testing.T) {
	for _, shape := range [][3]int{{50, 8, 11}, {25, 40, 70}} {
		x, y := powerLawData(shape[0], shape[1], 5), powerLawData(shape[0], shape[2], 6)
		f := must(LinearCKAFeature(x, y))(t)
		g := must(LinearCKAGram(x, y))(t)
		sx, err := NewSpectrum(x)
		if err != nil {
			t.Fatal(err)
		}
		sy := must(NewSpectrum(y))(t)
		m := must(Overlap(sx, sy))(t)
		s := must(SpectralCKA(sx.Values, sy.Values, m))(t)
		assertClose(t, "Gram form", g, f, 1e-12)
		assertClose(t, "spectral form", s, f, 1e-12)
		d := must(ModePairs(sx, sy, 5))(t)
		assertClose(t, "sum of mode-pair contributions", d.CKAValue, f, 1e-12)
	}
}

// Oracle: orthonormality of complete bases makes M doubly stochastic.
func TestOverlapMatrixHasUnitRowAndColumnSums(t *testing.T) {
	sx := must(NewSpectrum(powerLawData(30, 10, 7)))(t)
	sy := must(NewSpectrum(powerLawData(30, 50, 8)))(t)
	m := must(Overlap(sx, sy))(t)
	r, c := m.Dims()
	for i := 0; i < r; i++ {
		assertClose(t, "row sum", mat.Sum(m.RowView(i)), 1, 1e-12)
	}
	for j := 0; j < c; j++ {
		assertClose(t, "column sum", mat.Sum(m.ColView(j)), 1, 1e-12)
	}
}

// Oracle: CCA_k from the singular value decomposition of the centred data
// (mean of the squared singular values of U_kᵀV_k) equals (1/k)Σ M_ia.
func TestCCAFromSVDEqualsOverlapSum(t *testing.T) {
	x, y := powerLawData(60, 25, 9), powerLawData(60, 30, 10)
	const k = 6
	xc := must(centered("X", x))(t)
	yc := must(centered("Y", y))(t)
	top := func(a *mat.Dense) *mat.Dense {
		var svd mat.SVD
		svd.Factorize(a, mat.SVDThin)
		var u mat.Dense
		svd.UTo(&u)
		r, _ := u.Dims()
		return mat.DenseCopyOf(u.Slice(0, r, 0, k))
	}
	var c mat.Dense
	c.Mul(top(xc).T(), top(yc))
	var svd mat.SVD
	svd.Factorize(&c, mat.SVDNone)
	var want float64
	for _, s := range svd.Values(nil) {
		want += s * s
	}
	want /= k
	sx := must(NewSpectrum(x))(t)
	sy := must(NewSpectrum(y))(t)
	m := must(Overlap(sx, sy))(t)
	fromM := must(SpectralCCA(m, k))(t)
	assertClose(t, "(1/k)Σ M_ia", fromM, want, 1e-10)
	got, err := CCA(x, y, k)
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "CCA", got, want, 1e-10)
}

// Oracle: the dense eigendecomposition. Block Lanczos on the explicit
// Gram matrix (P = 300), on the implicit operator X(XᵀV) (P = 450 < N), and
// on the implicit covariance operator Xᵀ(XV) (N = 420 < P) returns the same
// top eigenvalues and eigenvectors as a full decomposition.
func TestTopSpectrumMatchesFullDecomposition(t *testing.T) {
	// The implicit operator against explicit products.
	x := powerLawData(60, 90, 3)
	xc := must(centered("X", x))(t)
	v := randn(60, 2, 4)
	for _, cov := range []bool{false, true} {
		r, src := 60, v
		if cov {
			r, src = 90, randn(90, 2, 5)
		}
		a := mat.NewDense(r, 2, nil)
		crossOperator(xc, cov, 0)(a, src)
		var want mat.Dense
		if cov {
			want.Mul(covOf(xc), src)
		} else {
			want.Mul(gramOf(xc), src)
		}
		for i := 0; i < r; i++ {
			for j := 0; j < 2; j++ {
				assertClose(t, "implicit operator", a.At(i, j), want.At(i, j), 1e-10*math.Abs(want.At(i, j))+1e-10)
			}
		}
	}

	const k = 10
	for _, shape := range [][2]int{{300, 700}, {450, 900}, {820, 420}} {
		p, n := shape[0], shape[1]
		x := powerLawData(p, n, 11)
		xc := must(centered("X", x))(t)
		top, err := TopSpectrum(x, k)
		if err != nil {
			t.Fatal(err)
		}
		var vals []float64
		var vecs *mat.Dense
		if n < p {
			// Left singular vectors from the dense covariance eigenvectors.
			cv, cvecs := mustEigen(t, covOf(xc))
			vals = cv
			vecs = mat.NewDense(p, k, nil)
			vecs.Mul(xc, cvecs.Slice(0, n, 0, k))
			for j := 0; j < k; j++ {
				for i := 0; i < p; i++ {
					vecs.Set(i, j, vecs.At(i, j)/math.Sqrt(cv[j]))
				}
			}
		} else {
			vals, vecs = mustEigen(t, gramOf(xc))
		}
		for i := 0; i < k; i++ {
			assertClose(t, "eigenvalue", top.Values[i]*float64(p*n), vals[i], 1e-11*vals[0])
			var dot float64
			for r := 0; r < p; r++ {
				dot += top.Vectors.At(r, i) * vecs.At(r, i)
			}
			assertClose(t, "|cos| between eigenvectors", math.Abs(dot), 1, 1e-9)
		}
	}
}

// Oracle: the definition of Song et al.'s estimator with explicit
// zero-diagonal Gram matrices.
func TestDebiasedHSICMatchesExplicitFormula(t *testing.T) {
	x, y := powerLawData(15, 4, 13), powerLawData(15, 6, 14)
	xc := must(centered("X", x))(t)
	yc := must(centered("Y", y))(t)
	k, l := gramOf(xc), gramOf(yc)
	p := 15.0
	for i := 0; i < 15; i++ {
		k.Set(i, i, 0)
		l.Set(i, i, 0)
	}
	ones := mat.NewVecDense(15, nil)
	for i := 0; i < 15; i++ {
		ones.SetVec(i, 1)
	}
	var kl mat.Dense
	kl.Mul(k, l)
	tr := mat.Trace(&kl)
	k1, l1 := mat.Sum(k), mat.Sum(l)
	klsum := mat.Sum(&kl)
	want := (tr + k1*l1/((p-1)*(p-2)) - 2/(p-2)*klsum) / (p * (p - 3))
	got, err := DebiasedHSIC(x, y)
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "debiased HSIC", got, want, 1e-12*math.Abs(want))
	b := must(HSIC(x, y))(t)
	var full mat.Dense
	full.Mul(gramOf(xc), gramOf(yc))
	assertClose(t, "biased HSIC", b, mat.Trace(&full)/sq(p-1), 1e-12*b)
}
