package similarity

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// CKAMoments are the three moment estimates whose ratio is the
// moment-based "unbiased CKA" of Chun, Canatar, Chung and Lee (arXiv
// 2502.15104), the baseline of the limited-neurons paper:
//
//	CKA ≈ Cross / sqrt(SelfX · SelfY).
//
// Cross is the Kong–Valiant (Song et al.) U-statistic for tr(K L) over
// stimuli; SelfX and SelfY are the same statistic for tr(K²) and tr(L²)
// with the same-neuron terms removed and rescaled by N/(N−1), which also
// corrects the finite number of neurons. Moments average over draws before
// the ratio is taken (see SubsamplingStudy).
type CKAMoments struct {
	Cross, SelfX, SelfY float64
}

// CKA returns Cross / sqrt(SelfX·SelfY).
func (m CKAMoments) CKA() float64 { return m.Cross / math.Sqrt(m.SelfX*m.SelfY) }

// UnbiasedCKA returns the moment-based CKA estimate of one pair of
// representations. It needs P >= 4 stimuli and N >= 2 neurons in each.
func UnbiasedCKA(x, y mat.Matrix) (float64, error) {
	m, err := UnbiasedCKAMoments(x, y)
	if err != nil {
		return 0, err
	}
	if m.SelfX <= 0 || m.SelfY <= 0 {
		return 0, fmt.Errorf("similarity: moment estimates of ‖K‖² are not positive (X: %.3g, Y: %.3g); too few stimuli or neurons", m.SelfX, m.SelfY)
	}
	return m.CKA(), nil
}

// UnbiasedCKAMoments returns the three moments of UnbiasedCKA.
func UnbiasedCKAMoments(x, y mat.Matrix) (CKAMoments, error) {
	if err := checkPair(x, y); err != nil {
		return CKAMoments{}, err
	}
	xd, yd := mat.DenseCopyOf(x), mat.DenseCopyOf(y)
	p, nx := xd.Dims()
	_, ny := yd.Dims()
	if p < 4 {
		return CKAMoments{}, fmt.Errorf("similarity: the moment-based CKA needs at least 4 stimuli, X and Y have %d", p)
	}
	if nx < 2 || ny < 2 {
		return CKAMoments{}, fmt.Errorf("similarity: the moment-based CKA needs at least 2 neurons in each representation; X has %d, Y has %d", nx, ny)
	}
	xd.Scale(1/math.Sqrt(float64(p*nx)), xd)
	yd.Scale(1/math.Sqrt(float64(p*ny)), yd)
	var m CKAMoments
	m.Cross = momentTerms(xd, yd, false)
	m.SelfX = momentTerms(xd, xd, true)
	m.SelfY = momentTerms(yd, yd, true)
	return m, nil
}

// momentTerms evaluates the Kong–Valiant combination of the nine index
// patterns Σ A_ia A_ja B_lb B_mb over (i,j,l,m) ∈ {ijji, iiii, ijjj, iiij,
// ijjl, iijj, iijl, ijll, ijlm}, all expressible through K = AAᵀ, L = BBᵀ:
// tr(KL), Σ K_ii L_ii, Σ (K1)_j L_jj, Σ K_ii (L1)_i, (K1)·(L1), trK trL,
// trK 1ᵀL1, 1ᵀK1 trL and 1ᵀK1 1ᵀL1. With same set (A = B), the terms with
// a = b (one neuron paired with itself) are removed and the result scaled
// by N/(N−1).
func momentTerms(a, b *mat.Dense, same bool) float64 {
	p, na := a.Dims()
	pf := float64(p)
	var t [10]float64
	if same {
		k := gramOrCov(a)
		t[1] = k
	} else {
		t[1] = crossTrace(a, b)
	}
	dk, dl := rowNorms2(a), rowNorms2(b)
	k1, l1 := rowSumsTimes(a), rowSumsTimes(b)
	var trK, trL, sK, sL float64
	for i := 0; i < p; i++ {
		t[2] += dk[i] * dl[i]
		t[3] += k1[i] * dl[i]
		t[4] += dk[i] * l1[i]
		t[5] += k1[i] * l1[i]
		trK += dk[i]
		trL += dl[i]
		sK += k1[i]
		sL += l1[i]
	}
	t[6], t[7], t[8], t[9] = trK*trL, trK*sL, sK*trL, sK*sL
	if same {
		removeSameNeuron(a, &t)
	}
	f1 := pf / (pf - 2)
	f2 := 2 / (pf - 2)
	f3 := 1 / ((pf - 1) * (pf - 2))
	v := pf / (pf - 3) * (t[1] - f1*t[2] + f2*(t[3]+t[4]-t[5]) + f3*(t[6]-t[7]-t[8]+t[9]))
	if same {
		v *= float64(na) / float64(na-1)
	}
	return v
}

// gramOrCov returns ‖AAᵀ‖_F² = ‖AᵀA‖_F² in the cheaper form.
func gramOrCov(a *mat.Dense) float64 {
	p, n := a.Dims()
	var g *mat.Dense
	if p <= n {
		g = gramOf(a)
	} else {
		g = covOf(a)
	}
	return frobDot(g, g)
}

// crossTrace returns tr(AAᵀBBᵀ) = ‖AᵀB‖_F² in the cheaper form.
func crossTrace(a, b *mat.Dense) float64 {
	if useGramForm(a, b) {
		k, l := gramOf(a), gramOf(b)
		return frobDot(k, l)
	}
	_, na := a.Dims()
	_, nb := b.Dims()
	ab := mat.NewDense(na, nb, nil)
	ab.Mul(a.T(), b)
	return frobDot(ab, ab)
}

// rowSumsTimes returns K1 = A (Aᵀ1).
func rowSumsTimes(a *mat.Dense) []float64 {
	p, n := a.Dims()
	raw := a.RawMatrix()
	cs := make([]float64, n)
	for i := 0; i < p; i++ {
		for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+n] {
			cs[j] += v
		}
	}
	out := make([]float64, p)
	for i := 0; i < p; i++ {
		var s float64
		for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+n] {
			s += v * cs[j]
		}
		out[i] = s
	}
	return out
}

// removeSameNeuron subtracts from the nine index patterns t[1…9] of
// momentTerms(a, a) the terms in which a neuron is paired with itself
// (a = b), from the per-neuron moments Σᵢ v, Σᵢ v², Σᵢ v³, Σᵢ v⁴.
func removeSameNeuron(a *mat.Dense, t *[10]float64) {
	p, na := a.Dims()
	raw := a.RawMatrix()
	for c := 0; c < na; c++ {
		var s1, s2, s3, s4 float64
		for i := 0; i < p; i++ {
			v := raw.Data[i*raw.Stride+c]
			v2 := v * v
			s1 += v
			s2 += v2
			s3 += v2 * v
			s4 += v2 * v2
		}
		t[1] -= s2 * s2
		t[2] -= s4
		t[3] -= s1 * s3
		t[4] -= s3 * s1
		t[5] -= s1 * s1 * s2
		t[6] -= s2 * s2
		t[7] -= s2 * s1 * s1
		t[8] -= s1 * s1 * s2
		t[9] -= s1 * s1 * s1 * s1
	}
}
