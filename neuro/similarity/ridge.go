package similarity

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// RidgeResult holds ridge-regression similarity in both directions.
type RidgeResult struct {
	// XToY is the fraction of Y's variance predicted from X, and YToX the
	// reverse.
	XToY, YToX float64
}

// Ridge returns ridge-regression similarity with penalty lambda >= 0:
//
//	R²(Y|X) = 1 − ‖Y − X B‖_F² / ‖Y‖_F²,  B = (XᵀX + λI)⁻¹ XᵀY,
//
// on column-centred X and Y (an intercept is fitted, as sklearn's Ridge
// with fit_intercept=True), and likewise R²(X|Y). Predictions are computed
// in the feature form when X has fewer columns than stimuli and in the
// Gram form X Xᵀ (X Xᵀ + λI)⁻¹ Y otherwise. lambda = 0 requires the
// system to be non-singular.
func Ridge(x, y mat.Matrix, lambda float64) (*RidgeResult, error) {
	if !(lambda >= 0) || math.IsInf(lambda, 0) {
		return nil, fmt.Errorf("similarity: ridge penalty lambda must be finite and >= 0, got %v", lambda)
	}
	xc, yc, err := centeredPair(x, y)
	if err != nil {
		return nil, err
	}
	xy, err := ridgeR2("X", xc, yc, lambda)
	if err != nil {
		return nil, err
	}
	yx, err := ridgeR2("Y", yc, xc, lambda)
	if err != nil {
		return nil, err
	}
	return &RidgeResult{XToY: xy, YToX: yx}, nil
}

// ridgeR2 returns the R² of predicting yc from xc.
func ridgeR2(name string, xc, yc *mat.Dense, lambda float64) (float64, error) {
	p, n := xc.Dims()
	_, m := yc.Dims()
	pred := mat.NewDense(p, m, nil)
	if n <= p {
		a := covOf(xc)
		for i := 0; i < n; i++ {
			a.Set(i, i, a.At(i, i)+lambda)
		}
		var chol mat.Cholesky
		if !chol.Factorize(mat.NewSymDense(n, a.RawMatrix().Data)) {
			return 0, fmt.Errorf("similarity: ridge regression from %s: %sᵀ%s + λI (%d×%d) is singular; use lambda > 0", name, name, name, n, n)
		}
		xty := mat.NewDense(n, m, nil)
		xty.Mul(xc.T(), yc)
		var b mat.Dense
		if err := chol.SolveTo(&b, xty); err != nil {
			return 0, fmt.Errorf("similarity: ridge regression from %s: %v", name, err)
		}
		pred.Mul(xc, &b)
	} else {
		k := gramOf(xc)
		a := mat.DenseCopyOf(k)
		for i := 0; i < p; i++ {
			a.Set(i, i, a.At(i, i)+lambda)
		}
		var chol mat.Cholesky
		if !chol.Factorize(mat.NewSymDense(p, a.RawMatrix().Data)) {
			return 0, fmt.Errorf("similarity: ridge regression from %s: %s%sᵀ + λI (%d×%d) is singular; use lambda > 0", name, name, name, p, p)
		}
		var c mat.Dense
		if err := chol.SolveTo(&c, yc); err != nil {
			return 0, fmt.Errorf("similarity: ridge regression from %s: %v", name, err)
		}
		pred.Mul(k, &c)
	}
	var sse, sst float64
	pr, yr := pred.RawMatrix(), yc.RawMatrix()
	for i := 0; i < p; i++ {
		for j := 0; j < m; j++ {
			v := yr.Data[i*yr.Stride+j]
			sse += sq(v - pr.Data[i*pr.Stride+j])
			sst += v * v
		}
	}
	return 1 - sse/sst, nil
}
