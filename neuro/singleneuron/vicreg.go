package singleneuron

import (
	"fmt"
	"math"
)

// VICReg's weights (Bardes et al. 2022; NeurPIR's configs/default.yaml).
const (
	VICRegInvariance = 25.0
	VICRegVariance   = 25.0
	VICRegCovariance = 1.0
	// VICRegEps is added to the variance under the square root.
	VICRegEps = 1e-4
)

// VICRegTerms is the VICReg loss of two views and its three terms.
type VICRegTerms struct {
	Loss, Invariance, Variance, Covariance float64
}

// VICReg returns the VICReg loss of two batches of embeddings p1 and p2
// (n rows of width d each, row-major; row i of p1 and of p2 are a
// positive pair) and adds its gradient with respect to p1 and p2 to g1 and
// g2 (when not nil):
//
//	L = 25·inv + 25·(var(p1) + var(p2)) + 1·(cov(p1) + cov(p2))
//	inv    = (1/(n d)) Σ_{i,k} (p1_ik − p2_ik)²
//	var(P) = (1/d) Σ_k max(0, 1 − √(Var_k(P) + 1e-4))
//	cov(P) = (1/d) Σ_{k≠l} C_kl²,   C = (P − mean P)ᵀ(P − mean P)/(n − 1)
//
// with Var_k the unbiased variance of column k. Identical views give
// inv = 0; columns of standard deviation ≥ 1 give var = 0; decorrelated
// columns give cov = 0.
func VICReg(p1, p2 []float64, n, d int, g1, g2 []float64) (VICRegTerms, error) {
	if n < 2 || d < 1 || len(p1) != n*d || len(p2) != n*d {
		return VICRegTerms{}, fmt.Errorf("singleneuron: VICReg: views of %d and %d values for %d rows × %d columns (want n ≥ 2)", len(p1), len(p2), n, d)
	}
	if (g1 != nil && len(g1) != n*d) || (g2 != nil && len(g2) != n*d) {
		return VICRegTerms{}, fmt.Errorf("singleneuron: VICReg: gradient buffers of %d and %d values, want %d", len(g1), len(g2), n*d)
	}
	var t VICRegTerms
	inv := 1 / float64(n*d)
	for i := range p1 {
		r := p1[i] - p2[i]
		t.Invariance += r * r * inv
		if g1 != nil {
			g1[i] += VICRegInvariance * 2 * r * inv
			g2[i] -= VICRegInvariance * 2 * r * inv
		}
	}
	for _, v := range []struct{ p, g []float64 }{{p1, g1}, {p2, g2}} {
		va, co := varCov(v.p, n, d, v.g)
		t.Variance += va
		t.Covariance += co
	}
	t.Loss = VICRegInvariance*t.Invariance + VICRegVariance*t.Variance + VICRegCovariance*t.Covariance
	return t, nil
}

// varCov returns the variance and covariance terms of one view and adds
// their weighted gradients to g (when not nil):
//
//	∂var/∂p_ik = −1[s_k < 1] (p_ik − m_k)/(d s_k (n − 1)),  s_k = √(Var_k + ε)
//	∂cov/∂p_ik = 4/(d (n − 1)) Σ_{l≠k} C_kl (p_il − m_l)
func varCov(p []float64, n, d int, g []float64) (va, co float64) {
	mean := make([]float64, d)
	for i := 0; i < n; i++ {
		for k := 0; k < d; k++ {
			mean[k] += p[i*d+k]
		}
	}
	for k := range mean {
		mean[k] /= float64(n)
	}
	c := make([]float64, n*d)
	for i := 0; i < n; i++ {
		for k := 0; k < d; k++ {
			c[i*d+k] = p[i*d+k] - mean[k]
		}
	}
	cov := make([]float64, d*d)
	for i := 0; i < n; i++ {
		row := c[i*d : (i+1)*d]
		for k, a := range row {
			for l := k; l < d; l++ {
				cov[k*d+l] += a * row[l]
			}
		}
	}
	nm1 := float64(n - 1)
	for k := 0; k < d; k++ {
		for l := k; l < d; l++ {
			cov[k*d+l] /= nm1
			cov[l*d+k] = cov[k*d+l]
		}
	}
	std := make([]float64, d)
	for k := 0; k < d; k++ {
		std[k] = math.Sqrt(cov[k*d+k] + VICRegEps)
		va += math.Max(0, 1-std[k]) / float64(d)
		for l := 0; l < d; l++ {
			if l != k {
				co += cov[k*d+l] * cov[k*d+l] / float64(d)
			}
		}
	}
	if g == nil {
		return va, co
	}
	fv := VICRegVariance / (float64(d) * nm1)
	fc := VICRegCovariance * 4 / (float64(d) * nm1)
	for i := 0; i < n; i++ {
		row := c[i*d : (i+1)*d]
		for k := 0; k < d; k++ {
			gk := 0.0
			if std[k] < 1 {
				gk -= fv * row[k] / std[k]
			}
			var s float64
			for l := 0; l < d; l++ {
				if l != k {
					s += cov[k*d+l] * row[l]
				}
			}
			g[i*d+k] += gk + fc*s
		}
	}
	return va, co
}
