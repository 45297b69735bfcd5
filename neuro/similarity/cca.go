package similarity

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// CCA returns the paper's CCA similarity: the mean squared canonical
// correlation between the top-k principal subspaces of X and Y,
//
//	CCA_k = (1/k) Σ_c ρ_c² = (1/k) Σ_{i,a≤k} (uᵢ·vₐ)²,
//
// where uᵢ, vₐ are the leading left singular vectors of the centred X and Y
// (k = 10 in the paper). Only the top k eigenvectors are computed (see
// TopSpectrum). k must not exceed the rank of either representation.
func CCA(x, y mat.Matrix, k int) (float64, error) {
	xc, yc, err := centeredPair(x, y)
	if err != nil {
		return 0, err
	}
	sx, err := topSpectrumCentered("X", xc, k)
	if err != nil {
		return 0, err
	}
	sy, err := topSpectrumCentered("Y", yc, k)
	if err != nil {
		return 0, err
	}
	return spectralCCA(overlap(sx.Vectors, sy.Vectors), k), nil
}

// CanonicalCorrelations returns the canonical correlations ρ₁ ≥ ρ₂ ≥ … of
// classic (full) CCA between X and Y, min(Nx, Ny) values: the singular
// values of Q_xᵀ Q_y, where Q_x, Q_y are orthonormal bases of the centred
// columns. Full CCA is defined only when both representations have
// linearly independent columns and fewer neurons than stimuli (N < P);
// otherwise every correlation is trivially 1 and an error is returned.
func CanonicalCorrelations(x, y mat.Matrix) ([]float64, error) {
	xc, yc, err := centeredPair(x, y)
	if err != nil {
		return nil, err
	}
	qx, err := orthonormalColumns("X", xc)
	if err != nil {
		return nil, err
	}
	qy, err := orthonormalColumns("Y", yc)
	if err != nil {
		return nil, err
	}
	_, nx := qx.Dims()
	_, ny := qy.Dims()
	c := mat.NewDense(nx, ny, nil)
	c.Mul(qx.T(), qy)
	var svd mat.SVD
	if !svd.Factorize(c, mat.SVDNone) {
		return nil, fmt.Errorf("similarity: SVD of the %d×%d canonical matrix did not converge", nx, ny)
	}
	rho := svd.Values(nil)
	for i := range rho {
		rho[i] = math.Min(rho[i], 1)
	}
	return rho, nil
}

// CCAMeanSquared returns R²_CCA = Σ ρ_c² / min(Nx, Ny) of full CCA.
func CCAMeanSquared(x, y mat.Matrix) (float64, error) {
	rho, err := CanonicalCorrelations(x, y)
	if err != nil {
		return 0, err
	}
	var s float64
	for _, r := range rho {
		s += r * r
	}
	return s / float64(len(rho)), nil
}

// CCAMean returns the mean canonical correlation Σ ρ_c / min(Nx, Ny) of
// full CCA.
func CCAMean(x, y mat.Matrix) (float64, error) {
	rho, err := CanonicalCorrelations(x, y)
	if err != nil {
		return 0, err
	}
	var s float64
	for _, r := range rho {
		s += r
	}
	return s / float64(len(rho)), nil
}

// orthonormalColumns returns Q of the thin QR factorisation of a centred
// P×N matrix, failing when N ≥ P or a column depends on earlier ones.
func orthonormalColumns(name string, xc *mat.Dense) (*mat.Dense, error) {
	p, n := xc.Dims()
	if n >= p {
		return nil, fmt.Errorf("similarity: full CCA needs fewer neurons than stimuli; %s is %d×%d (its centred columns span at most P-1 = %d dimensions, so every canonical correlation would be 1)", name, p, n, p-1)
	}
	var qr mat.QR
	qr.Factorize(xc)
	var r mat.Dense
	qr.RTo(&r)
	var top float64
	for j := 0; j < n; j++ {
		top = math.Max(top, math.Abs(r.At(j, j)))
	}
	for j := 0; j < n; j++ {
		if math.Abs(r.At(j, j)) <= 1e-10*top {
			return nil, fmt.Errorf("similarity: %s (%d×%d) column %d is linearly dependent on the columns before it; full CCA needs independent columns", name, p, n, j)
		}
	}
	var q mat.Dense
	qr.QTo(&q)
	return mat.DenseCopyOf(q.Slice(0, p, 0, n)), nil
}
