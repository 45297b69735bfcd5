package similarity

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// measuresScript computes the reference values with NumPy, SciPy and
// scikit-learn, independently of this package.
const measuresScript = `
import json, sys
import numpy as np
from scipy.linalg import orthogonal_procrustes
from scipy.spatial.distance import pdist
from scipy.stats import spearmanr, kendalltau
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score

d = json.load(sys.stdin)
X, Y, Z = np.array(d["X"]), np.array(d["Y"]), np.array(d["Z"])
k, lam = d["k"], d["lambda"]
def center(a): return a - a.mean(0, keepdims=True)
Xc, Yc, Zc = center(X), center(Y), center(Z)
out = {}
out["cka"] = float(np.linalg.norm(Xc.T @ Yc)**2 / (np.linalg.norm(Xc.T @ Xc) * np.linalg.norm(Yc.T @ Yc)))
ux = np.linalg.svd(Xc, full_matrices=False)[0][:, :k]
uy = np.linalg.svd(Yc, full_matrices=False)[0][:, :k]
out["cca_k"] = float(np.mean(np.linalg.svd(ux.T @ uy, compute_uv=False)**2))
qx, qz = np.linalg.qr(Xc)[0], np.linalg.qr(Zc)[0]
rho = np.linalg.svd(qx.T @ qz, compute_uv=False)
out["cca_rho"] = rho.tolist()
def r2(a, b):
    m = Ridge(alpha=lam, fit_intercept=True).fit(a, b)
    return float(r2_score(b, m.predict(a), multioutput="variance_weighted"))
out["ridge_xy"], out["ridge_yx"] = r2(X, Y), r2(Y, X)
out["ridge_xz"], out["ridge_zx"] = r2(X, Z), r2(Z, X)
R, scale = orthogonal_procrustes(Xc, Zc)
out["procrustes"] = float(np.arccos(np.clip(scale / (np.linalg.norm(Xc) * np.linalg.norm(Zc)), -1, 1)))
out["procrustes_R"] = R.tolist()
a = pdist(X, "sqeuclidean") / X.shape[1]
b = pdist(Y, "correlation")
out["rdm_euclid"], out["rdm_corr"] = a.tolist(), b.tolist()
out["spearman"] = float(spearmanr(a, b)[0])
out["kendall"] = float(kendalltau(a, b)[0])
out["cosine"] = float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))
print(json.dumps(out))
`

// Oracle: NumPy/SciPy/scikit-learn on random data: CKA, CCA over top-k
// principal subspaces, full CCA (QR + SVD), ridge-regression R² (sklearn
// Ridge), the Procrustes angle (scipy.linalg.orthogonal_procrustes), RDMs
// (scipy pdist) and their Spearman, Kendall (tie-free data, where τ-b = τ-a)
// and cosine comparisons.
func TestMeasuresMatchNumPySciPySklearn(t *testing.T) {
	pyoracle.Require(t, "numpy", "scipy", "sklearn")
	x, y := powerLawData(40, 12, 31), powerLawData(40, 70, 32)
	z := powerLawData(40, 12, 33)
	const k, lambda = 5, 0.7
	var raw map[string]any
	pyoracle.Run(t, measuresScript, map[string]any{"X": toRows(x), "Y": toRows(y), "Z": toRows(z), "k": k, "lambda": lambda}, &raw)
	num := func(key string) float64 { return raw[key].(float64) }
	vec := func(key string) []float64 {
		var out []float64
		for _, v := range raw[key].([]any) {
			out = append(out, v.(float64))
		}
		return out
	}
	cka := must(LinearCKA(x, y))(t)
	assertClose(t, "CKA", cka, num("cka"), 1e-12)
	cca, err := CCA(x, y, k)
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "CCA_k", cca, num("cca_k"), 1e-10)
	rho, err := CanonicalCorrelations(x, z)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range vec("cca_rho") {
		assertClose(t, "canonical correlation", rho[i], r, 1e-10)
	}
	rxy, err := Ridge(x, y, lambda)
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "ridge R²(Y|X), Gram form", rxy.YToX, num("ridge_yx"), 1e-9)
	assertClose(t, "ridge R²(Y|X), feature form", rxy.XToY, num("ridge_xy"), 1e-9)
	rxz := must(Ridge(x, z, lambda))(t)
	assertClose(t, "ridge R²(Z|X)", rxz.XToY, num("ridge_xz"), 1e-9)
	assertClose(t, "ridge R²(X|Z)", rxz.YToX, num("ridge_zx"), 1e-9)
	pr, err := Procrustes(x, z)
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "Procrustes angle", pr.Distance, num("procrustes"), 1e-10)
	for i, row := range raw["procrustes_R"].([]any) {
		for j, v := range row.([]any) {
			assertClose(t, "Procrustes rotation", pr.Rotation.At(i, j), v.(float64), 1e-9)
		}
	}
	a := must(RDM(x, Euclidean))(t)
	b := must(RDM(y, Correlation))(t)
	for i, v := range vec("rdm_euclid") {
		assertClose(t, "Euclidean RDM", a[i], v, 1e-10*math.Max(1, v))
	}
	for i, v := range vec("rdm_corr") {
		assertClose(t, "correlation RDM", b[i], v, 1e-12)
	}
	for _, c := range []struct {
		m    RDMComparison
		key  string
		name string
	}{{Spearman, "spearman", "Spearman"}, {KendallTauA, "kendall", "Kendall τ"}, {Cosine, "cosine", "cosine"}} {
		got, err := CompareRDMs(a, b, c.m)
		if err != nil {
			t.Fatal(err)
		}
		assertClose(t, c.name, got, num(c.key), 1e-12)
	}
}

// momentScript is the reference code's moment estimator (cka_utils.py),
// transcribed to NumPy einsum.
const momentScript = `
import json, sys
import numpy as np
def gett_all(ijlm, A, B, indep):
    i, j, l, m = list(ijlm)
    p = np.einsum(i+'a,'+j+'a,'+l+'b,'+m+'b->', A, A, B, B)
    q = p*0 if indep or A.shape != B.shape else p - np.einsum(i+'a,'+j+'a,'+l+'a,'+m+'a->', A, A, B, B)
    return p, q
def est(A, B, indep):
    P, Qa = A.shape; Qb = B.shape[1]
    A, B = A/np.sqrt(P*Qa), B/np.sqrt(P*Qb)
    T = [gett_all(s, A, B, indep) for s in ['ijji','iiii','ijjj','iiij','ijjl','iijj','iijl','ijll','ijlm']]
    t, td = [x[0] for x in T], [x[1] for x in T]
    f1, f2, f3 = P/(P-2), 2/(P-2), 1/((P-1)*(P-2))
    s = P/(P-3)*(t[0]-f1*t[1]+f2*(t[2]+t[3]-t[4])+f3*(t[5]-t[6]-t[7]+t[8]))
    if indep or A.shape != B.shape: return s
    return (P/(P-3))*(Qa/(Qa-1))*(td[0]-f1*td[1]+f2*(td[2]+td[3]-td[4])+f3*(td[5]-td[6]-td[7]+td[8]))
d = json.load(sys.stdin)
X, Y = np.array(d["X"]), np.array(d["Y"])
print(json.dumps([est(X, Y, True), est(X, X, False), est(Y, Y, False)]))
`

// Oracle: the authors' einsum implementation of the moment-based CKA.
func TestUnbiasedCKAMatchesReferenceEinsum(t *testing.T) {
	pyoracle.Require(t, "numpy")
	x, y := powerLawData(12, 5, 41), powerLawData(12, 7, 42)
	var ref [3]float64
	pyoracle.Run(t, momentScript, map[string]any{"X": toRows(x), "Y": toRows(y)}, &ref)
	m, err := UnbiasedCKAMoments(x, y)
	if err != nil {
		t.Fatal(err)
	}
	// The moments are differences of O(1) terms: compare on that scale.
	assertClose(t, "cross moment", m.Cross, ref[0], 1e-12)
	assertClose(t, "self moment of X", m.SelfX, ref[1], 1e-12)
	assertClose(t, "self moment of Y", m.SelfY, ref[2], 1e-12)
}

// lsqScript solves the box-constrained problem column by column with
// SciPy's bounded-variable least squares, an independent solver.
const lsqScript = `
import json, sys
import numpy as np
from scipy.optimize import lsq_linear
d = json.load(sys.stdin)
Q, M = np.array(d["Q"]), np.array(d["M"])
X = np.column_stack([lsq_linear(Q, M[:, a], bounds=(0, 1), method="bvls", tol=1e-12).x for a in range(M.shape[1])])
print(json.dumps(float(((Q @ X - M)**2).sum())))
`

// Oracle: SciPy's BVLS. The minimum of ‖M − Q M̃‖² over the box is unique
// even when the minimiser is not, so the denoiser must reach SciPy's value.
func TestDenoiseReachesBoxLeastSquaresMinimum(t *testing.T) {
	pyoracle.Require(t, "numpy", "scipy")
	pair := must(PowerLawPair(60, 1.2, 0.5, 5))(t)
	res, err := SubsamplingStudy(pair.X, pair.Y, []int{15}, &StudySettings{Draws: 1, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Points[0]
	d, err := Denoise(p.MeanOverlap, p.SampleEigenvalues, res.Population, res.Other, 60.0/15, &DenoiseSettings{Tolerance: 1e-9, MaxIterations: 20000})
	if err != nil {
		t.Fatal(err)
	}
	_, ka := d.MTilde.Dims()
	m := mat.DenseCopyOf(p.MeanOverlap.Slice(0, d.SampleModes, 0, ka))
	var best float64
	pyoracle.Run(t, lsqScript, map[string]any{"Q": toRows(d.Q), "M": toRows(m)}, &best)
	t.Logf("objective %.10g, SciPy BVLS %.10g (%d iterations)", d.Objective, best, d.Iterations)
	if d.Objective > best*(1+1e-4)+1e-12 {
		t.Errorf("denoiser objective %.10g exceeds the box-LS minimum %.10g", d.Objective, best)
	}
}

// referenceScript is the authors' Stieltjes solver and overlap formula
// (rmt_utils.py), transcribed to NumPy; on power-law spectra its plain
// fixed point converges.
const referenceScript = `
import json, sys
import numpy as np
d = json.load(sys.stdin)
lam, pop, q = np.array(d["lam"]), np.array(d["pop"]), d["q"]
z = lam[:, None] - 1e-15j
g = np.ones_like(z, dtype=complex)
for _ in range(200000):
    gn = np.mean(1/(z - pop[None]*(1 - q + q*z*g)), 1, keepdims=True)
    if np.all(abs(gn - g) < 1e-13): break
    g = gn
g = gn[:, 0]
h, rho = g.real[:, None], g.imag[:, None]/np.pi
L, Mu = lam[:, None], pop[None]
Q = q*Mu*L/((Mu*(1-q) - L + q*Mu*L*h)**2 + (q*Mu*L*np.pi*rho)**2)/len(pop)
print(json.dumps(Q.tolist()))
`

// Oracle: the reference implementation of Q on a power-law spectrum, at
// points inside the support.
func TestSelfOverlapMatchesReferenceCode(t *testing.T) {
	pyoracle.Require(t, "numpy")
	pop := make([]float64, 100)
	copy(pop, PowerLawSpectrum(99, 1.2))
	lam := []float64{0.9, 0.3, 0.1, 0.05, 0.02}
	var ref [][]float64
	pyoracle.Run(t, referenceScript, map[string]any{"lam": lam, "pop": pop, "q": 2.0}, &ref)
	q, err := SelfOverlap(lam, pop, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range lam {
		for j := range pop {
			assertClose(t, "Q_ij", q.At(i, j), ref[i][j], 1e-8*math.Max(ref[i][j], 1e-3))
		}
	}
}
