package similarity

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// ProcrustesResult is the optimal rotational alignment of two
// representations.
type ProcrustesResult struct {
	// Distance is the angular shape distance
	// arccos(‖XᵀY‖_* / (‖X‖_F ‖Y‖_F)) ∈ [0, π/2] of the centred data.
	Distance float64
	// Score = ‖XᵀY‖_* / (‖X‖_F ‖Y‖_F) = cos(Distance).
	Score float64
	// Rotation is the orthogonal R (n×n, n = max(Nx, Ny), the smaller
	// representation zero-padded) minimising ‖X R − Y‖_F.
	Rotation *mat.Dense
}

// Procrustes returns the Procrustes shape distance of Williams et al.
// (2021), netrep's LinearMetric with alpha = 1, centred columns, zero
// padding and the angular score: after centring, the angle between X R and
// Y for the best rotation R, arccos(‖XᵀY‖_* / (‖X‖_F ‖Y‖_F)), where ‖·‖_*
// is the nuclear norm. It is a metric, 0 exactly when Y is a rotation of a
// translate of X.
func Procrustes(x, y mat.Matrix) (*ProcrustesResult, error) {
	xc, yc, err := centeredPair(x, y)
	if err != nil {
		return nil, err
	}
	_, nx := xc.Dims()
	_, ny := yc.Dims()
	n := max(nx, ny)
	c := mat.NewDense(n, n, nil)
	c.Slice(0, nx, 0, ny).(*mat.Dense).Mul(xc.T(), yc)
	var svd mat.SVD
	if !svd.Factorize(c, mat.SVDFull) {
		return nil, fmt.Errorf("similarity: SVD of the %d×%d cross-covariance did not converge", nx, ny)
	}
	var nuc float64
	for _, s := range svd.Values(nil) {
		nuc += s
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	r := mat.NewDense(n, n, nil)
	r.Mul(&u, v.T())
	score := nuc / math.Sqrt(frobDot(xc, xc)*frobDot(yc, yc))
	score = math.Max(-1, math.Min(1, score))
	return &ProcrustesResult{Distance: math.Acos(score), Score: score, Rotation: r}, nil
}
