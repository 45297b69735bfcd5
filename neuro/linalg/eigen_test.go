package linalg

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// randomSymmetric returns B + Bᵀ for a Gaussian n×n B.
func randomSymmetric(n int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 1))
	a := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			v := rng.NormFloat64()
			a.Set(i, j, v)
			a.Set(j, i, v)
		}
	}
	return a
}

// checkEigen asserts the defining identities A V = V Λ and VᵀV = I and the
// descending order, relative to the size of A.
func checkEigen(t *testing.T, name string, a mat.Matrix, vals []float64, vecs *mat.Dense) {
	t.Helper()
	n, _ := a.Dims()
	if len(vals) != n || vecs.RawMatrix().Rows != n || vecs.RawMatrix().Cols != n {
		t.Fatalf("%s: %d values and %v vectors for a %d×%d matrix", name, len(vals), vecs.RawMatrix(), n, n)
	}
	scale := math.Max(mat.Norm(a, math.Inf(1)), 1)
	var av, vl mat.Dense
	av.Mul(a, vecs)
	vl.Mul(vecs, mat.NewDiagDense(n, vals))
	av.Sub(&av, &vl)
	if r := mat.Norm(&av, math.Inf(1)) / scale; r > 1e-12*float64(n) {
		t.Errorf("%s (%s): ‖AV − VΛ‖∞/‖A‖∞ = %g", name, EigenSolver(), r)
	}
	var g mat.Dense
	g.Mul(vecs.T(), vecs)
	for i := 0; i < n; i++ {
		g.Set(i, i, g.At(i, i)-1)
	}
	if r := mat.Norm(&g, math.Inf(1)); r > 1e-12*float64(n) {
		t.Errorf("%s (%s): ‖VᵀV − I‖∞ = %g", name, EigenSolver(), r)
	}
	for i := 1; i < n; i++ {
		if vals[i] > vals[i-1] {
			t.Fatalf("%s: eigenvalues not descending at %d: %v > %v", name, i, vals[i], vals[i-1])
		}
	}
}

// Oracle: the identities that define an eigendecomposition, on random,
// degenerate (repeated eigenvalues) and rank-deficient matrices.
func TestEigenSymSatisfiesDefinition(t *testing.T) {
	for _, n := range []int{1, 2, 7, 60, 250} {
		a := randomSymmetric(n, uint64(n))
		orig := mat.DenseCopyOf(a)
		vals, vecs, err := EigenSym(a)
		if err != nil {
			t.Fatal(err)
		}
		if !mat.Equal(a, orig) {
			t.Fatalf("n = %d: EigenSym modified its argument", n)
		}
		checkEigen(t, "random", a, vals, vecs)
	}
	// Q diag(3, 3, 3, 1, 0, 0) Qᵀ: a triple and a double eigenvalue.
	q := randomSymmetric(6, 9)
	_, basis, err := EigenSym(q)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{3, 3, 3, 1, 0, 0}
	var a mat.Dense
	a.Mul(basis, mat.NewDiagDense(6, want))
	a.Mul(&a, basis.T())
	sym := mat.NewSymDense(6, nil)
	for i := 0; i < 6; i++ {
		for j := i; j < 6; j++ {
			sym.SetSym(i, j, 0.5*(a.At(i, j)+a.At(j, i)))
		}
	}
	vals, vecs, err := EigenSym(sym)
	if err != nil {
		t.Fatal(err)
	}
	checkEigen(t, "degenerate", sym, vals, vecs)
	for i, w := range want {
		if math.Abs(vals[i]-w) > 1e-13 {
			t.Errorf("degenerate: λ%d = %.16g, want %g", i, vals[i], w)
		}
	}
}

// EigenSymInPlace gives the same decomposition as EigenSym and accepts a
// strided view.
func TestEigenSymInPlaceMatchesEigenSym(t *testing.T) {
	a := randomSymmetric(40, 3)
	vals, _, err := EigenSym(a)
	if err != nil {
		t.Fatal(err)
	}
	big := mat.NewDense(50, 50, nil)
	view := big.Slice(5, 45, 3, 43).(*mat.Dense)
	view.Copy(a)
	got, vecs, err := EigenSymInPlace(view)
	if err != nil {
		t.Fatal(err)
	}
	checkEigen(t, "in place", a, got, vecs)
	for i := range vals {
		if got[i] != vals[i] {
			t.Fatalf("λ%d: in place %v, EigenSym %v", i, got[i], vals[i])
		}
	}
}

// Oracle: numpy.linalg.eigvalsh (LAPACK dsyevd), an independent driver.
func TestEigenSymMatchesNumPy(t *testing.T) {
	pyoracle.Require(t, "numpy")
	const n = 80
	a := randomSymmetric(n, 11)
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = mat.Row(nil, i, a)
	}
	var ref []float64
	pyoracle.Run(t, `
import json, sys
import numpy as np
a = np.array(json.load(sys.stdin))
print(json.dumps([float(v) for v in np.linalg.eigvalsh(a)[::-1]]))
`, rows, &ref)
	vals, _, err := EigenSym(a)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ref {
		if math.Abs(vals[i]-ref[i]) > 1e-12*math.Abs(ref[0]) {
			t.Errorf("λ%d = %.16g, numpy %.16g", i, vals[i], ref[i])
		}
	}
}

// Bad input is reported with the shape and the offending index.
func TestEigenSymRejectsBadInput(t *testing.T) {
	asym := mat.NewDense(3, 3, []float64{1, 2, 0, 2.5, 1, 0, 0, 0, 1})
	nan := mat.NewDense(2, 2, []float64{1, math.NaN(), math.NaN(), 1})
	cases := []struct {
		a    mat.Matrix
		want string
	}{
		{nil, "nil"},
		{mat.NewDense(2, 3, nil), "2×3"},
		{asym, "(0, 1)"},
		{nan, "entry (0, 1)"},
	}
	for _, c := range cases {
		_, _, err := EigenSym(c.a)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("EigenSym: error %v, want one mentioning %q", err, c.want)
		}
	}
	if _, _, err := EigenSymInPlace(mat.NewDense(2, 3, nil)); err == nil || !strings.Contains(err.Error(), "2×3") {
		t.Errorf("EigenSymInPlace on 2×3: %v", err)
	}
	vals, vecs, err := EigenSym(&mat.Dense{})
	if err != nil || len(vals) != 0 || !vecs.IsEmpty() {
		t.Errorf("0×0: %v %v %v", vals, vecs, err)
	}
}

// The solver the build promises is the one in use.
func TestEigenSolverMatchesBuild(t *testing.T) {
	want := "gonum Dsyev"
	if BLAS() == "openblas" {
		want = "OpenBLAS LAPACK dsyevr"
	}
	if EigenSolver() != want {
		t.Fatalf("BLAS %s but EigenSolver() = %q, want %q", BLAS(), EigenSolver(), want)
	}
}
