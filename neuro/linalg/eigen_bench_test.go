package linalg

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// BenchmarkEigenSym: EigenSym (dsyevr under the openblas tag, Dsyev
// otherwise) side by side with its anchor, gonum's mat.EigenSym, on the
// same symmetric matrices.
func BenchmarkEigenSym(b *testing.B) {
	for _, n := range []int{100, 400} {
		a := randomSymmetric(n, 1)
		sym := mat.NewSymDense(n, nil)
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				sym.SetSym(i, j, a.At(i, j))
			}
		}
		b.Run(fmt.Sprintf("linalg/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := EigenSym(sym); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("gonum-mat/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				var e mat.EigenSym
				if !e.Factorize(sym, true) {
					b.Fatal("mat.EigenSym did not converge")
				}
			}
		})
	}
}
