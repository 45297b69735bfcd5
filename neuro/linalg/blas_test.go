package linalg

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// TestBLASImplementationMatchesBuild checks that the implementation gonum
// actually dispatches to is the one the build tag promises: under the
// openblas tag both float64 and float32 must be netlib's cgo bindings.
func TestBLASImplementationMatchesBuild(t *testing.T) {
	impl64 := fmt.Sprintf("%T", blas64.Implementation())
	impl32 := fmt.Sprintf("%T", blas32.Implementation())
	want := "gonum.Implementation"
	if BLAS() == "openblas" {
		want = "netlib.Implementation"
	}
	if impl64 != want || impl32 != want {
		t.Fatalf("BLAS() = %q but gonum uses %s (float64) and %s (float32), want %s",
			BLAS(), impl64, impl32, want)
	}
	if os.Getenv("NEURONB_EXPECT_BLAS") != "" && os.Getenv("NEURONB_EXPECT_BLAS") != BLAS() {
		t.Fatalf("NEURONB_EXPECT_BLAS=%s but this binary uses %s", os.Getenv("NEURONB_EXPECT_BLAS"), BLAS())
	}
	if (BLAS() == "openblas") != (Core() != "") {
		t.Fatalf("BLAS() = %q but OpenBLAS reports core %q", BLAS(), Core())
	}
	if ct := os.Getenv("OPENBLAS_CORETYPE"); ct != "" && BLAS() == "openblas" && !strings.EqualFold(ct, Core()) {
		t.Logf("OPENBLAS_CORETYPE=%s is not honoured by this OpenBLAS build: it runs %s", ct, Core())
	}
	t.Logf("BLAS %s, core %q", BLAS(), Core())
}

// TestMatrixProductAgreesWithDefinition multiplies through whichever BLAS is
// active and compares with the triple loop, so a broken link fails here.
func TestMatrixProductAgreesWithDefinition(t *testing.T) {
	const n = 37
	a, b := mat.NewDense(n, n, nil), mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a.Set(i, j, float64((i*7+j*3)%11)-5)
			b.Set(i, j, float64((i*5+j*2)%13)-6)
		}
	}
	var c mat.Dense
	c.Mul(a, b)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for k := 0; k < n; k++ {
				s += a.At(i, k) * b.At(k, j)
			}
			if c.At(i, j) != s {
				t.Fatalf("C[%d,%d] = %v, want %v", i, j, c.At(i, j), s)
			}
		}
	}
}
