package similarity

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// LinearCKA returns the linear centred kernel alignment of Kornblith et al.
// (2019) between two representations of the same P stimuli:
//
//	CKA(X, Y) = ‖XᵀY‖_F² / (‖XᵀX‖_F ‖YᵀY‖_F) = tr(K L) / (‖K‖_F ‖L‖_F),
//
// with X, Y column-centred and K = X Xᵀ, L = Y Yᵀ. It is 1 for X = Y and
// invariant to orthogonal transforms, isotropic scaling and translation of
// either representation. The feature form costs about P·(Nx+Ny)² and the
// Gram form P²·(Nx+Ny) operations; the cheaper one is used.
func LinearCKA(x, y mat.Matrix) (float64, error) {
	xc, yc, err := centeredPair(x, y)
	if err != nil {
		return 0, err
	}
	if useGramForm(xc, yc) {
		return ckaGram(xc, yc), nil
	}
	return ckaFeature(xc, yc), nil
}

// LinearCKAFeature is LinearCKA evaluated in the feature form
// ‖XᵀY‖_F² / (‖XᵀX‖_F ‖YᵀY‖_F).
func LinearCKAFeature(x, y mat.Matrix) (float64, error) {
	xc, yc, err := centeredPair(x, y)
	if err != nil {
		return 0, err
	}
	return ckaFeature(xc, yc), nil
}

// LinearCKAGram is LinearCKA evaluated in the Gram form
// tr(K L) / (‖K‖_F ‖L‖_F).
func LinearCKAGram(x, y mat.Matrix) (float64, error) {
	xc, yc, err := centeredPair(x, y)
	if err != nil {
		return 0, err
	}
	return ckaGram(xc, yc), nil
}

// AngularCKA returns arccos(LinearCKA(X, Y)), a metric on representations
// (netrep's LinearCKA score), in [0, π/2].
func AngularCKA(x, y mat.Matrix) (float64, error) {
	c, err := LinearCKA(x, y)
	if err != nil {
		return 0, err
	}
	return math.Acos(math.Max(-1, math.Min(1, c))), nil
}

func useGramForm(xc, yc *mat.Dense) bool {
	p, nx := xc.Dims()
	_, ny := yc.Dims()
	gram := float64(p) * float64(p) * float64(nx+ny)
	feature := float64(p) * (2*float64(nx)*float64(ny) + float64(nx)*float64(nx) + float64(ny)*float64(ny))
	return gram < feature
}

func ckaGram(xc, yc *mat.Dense) float64 {
	k, l := gramUpper(xc), gramUpper(yc)
	kl, kk, ll := upperDots(k, l)
	return kl / math.Sqrt(kk*ll)
}

func ckaFeature(xc, yc *mat.Dense) float64 {
	_, nx := xc.Dims()
	_, ny := yc.Dims()
	xy := mat.NewDense(nx, ny, nil)
	xy.Mul(xc.T(), yc)
	cx, cy := covOf(xc), covOf(yc)
	return frobDot(xy, xy) / math.Sqrt(frobDot(cx, cx)*frobDot(cy, cy))
}
