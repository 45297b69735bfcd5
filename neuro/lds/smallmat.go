package lds

import "math"

// Small dense kernels on row-major float64 slices. The state dimension D is
// small (2 to a few tens), where the call overhead of gonum's mat and BLAS
// dominates the arithmetic; these loops keep the per-step filter free of
// allocations and interface calls. Matrices are n×n unless stated, element
// (i, j) at a[i*n+j].

// cholesky overwrites the lower triangle of the symmetric matrix a with its
// Cholesky factor L (a = L Lᵀ) and zeroes the strict upper triangle. It
// reads only the lower triangle. It reports false when a is not positive
// definite (a pivot is not positive or not finite).
func cholesky(a []float64, n int) bool {
	for j := 0; j < n; j++ {
		rj := a[j*n : j*n+n]
		d := rj[j]
		for k := 0; k < j; k++ {
			d -= rj[k] * rj[k]
		}
		if !(d > 0) || math.IsInf(d, 0) {
			return false
		}
		d = math.Sqrt(d)
		rj[j] = d
		inv := 1 / d
		for i := j + 1; i < n; i++ {
			ri := a[i*n : i*n+n]
			s := ri[j]
			for k := 0; k < j; k++ {
				s -= ri[k] * rj[k]
			}
			ri[j] = s * inv
		}
		for k := j + 1; k < n; k++ {
			rj[k] = 0
		}
	}
	return true
}

// logDetChol returns log|L Lᵀ| = 2 Σ log L_ii.
func logDetChol(l []float64, n int) float64 {
	var s float64
	for i := 0; i < n; i++ {
		s += math.Log(l[i*n+i])
	}
	return 2 * s
}

// solveLower solves L x = b in place (b becomes x).
func solveLower(l []float64, n int, b []float64) {
	for i := 0; i < n; i++ {
		ri := l[i*n : i*n+i]
		s := b[i]
		for k, v := range ri {
			s -= v * b[k]
		}
		b[i] = s / l[i*n+i]
	}
}

// solveLowerT solves Lᵀ x = b in place.
func solveLowerT(l []float64, n int, b []float64) {
	for i := n - 1; i >= 0; i-- {
		s := b[i]
		for k := i + 1; k < n; k++ {
			s -= l[k*n+i] * b[k]
		}
		b[i] = s / l[i*n+i]
	}
}

// mulMV sets dst = a x for an r×c matrix a.
func mulMV(dst, a []float64, r, c int, x []float64) {
	for i := 0; i < r; i++ {
		row := a[i*c : i*c+c]
		var s float64
		for k, v := range row {
			s += v * x[k]
		}
		dst[i] = s
	}
}

// mulMTV sets dst = aᵀ x for an r×c matrix a (dst has length c).
func mulMTV(dst, a []float64, r, c int, x []float64) {
	for j := 0; j < c; j++ {
		dst[j] = 0
	}
	for i := 0; i < r; i++ {
		xi := x[i]
		if xi == 0 {
			continue
		}
		row := a[i*c : i*c+c]
		for j, v := range row {
			dst[j] += v * xi
		}
	}
}

// mulNN sets dst = a b for n×n matrices. dst must not alias a or b.
func mulNN(dst, a, b []float64, n int) {
	for i := 0; i < n; i++ {
		di := dst[i*n : i*n+n]
		for j := range di {
			di[j] = 0
		}
		for k := 0; k < n; k++ {
			aik := a[i*n+k]
			bk := b[k*n : k*n+n]
			for j, v := range bk {
				di[j] += aik * v
			}
		}
	}
}

// mulNT sets dst = a bᵀ for n×n matrices. dst must not alias a or b.
func mulNT(dst, a, b []float64, n int) {
	for i := 0; i < n; i++ {
		ai := a[i*n : i*n+n]
		for j := 0; j < n; j++ {
			bj := b[j*n : j*n+n]
			var s float64
			for k, v := range ai {
				s += v * bj[k]
			}
			dst[i*n+j] = s
		}
	}
}

// mulTN sets dst = aᵀ b for n×n matrices. dst must not alias a or b.
func mulTN(dst, a, b []float64, n int) {
	for i := range dst[:n*n] {
		dst[i] = 0
	}
	for k := 0; k < n; k++ {
		ak := a[k*n : k*n+n]
		bk := b[k*n : k*n+n]
		for i, v := range ak {
			di := dst[i*n : i*n+n]
			for j, w := range bk {
				di[j] += v * w
			}
		}
	}
}

// symmetrize replaces a by (a + aᵀ)/2.
func symmetrize(a []float64, n int) {
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			v := 0.5 * (a[i*n+j] + a[j*n+i])
			a[i*n+j] = v
			a[j*n+i] = v
		}
	}
}

// finite reports whether every element of x is finite.
func finite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
