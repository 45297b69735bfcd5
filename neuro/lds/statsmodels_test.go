package lds

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

// statsmodelsScript runs statsmodels' KalmanSmoother (an independent
// implementation) on a time-varying model; NaN rows are its missing data.
const statsmodelsScript = `
import json, sys
import numpy as np
from statsmodels.tsa.statespace.kalman_smoother import KalmanSmoother
d = json.load(sys.stdin)
T, N, D = d["T"], d["N"], d["D"]
y = np.array([np.nan if v is None else v for v in d["y"]], dtype=float).reshape(T, N)
As = np.array(d["A"]).reshape(T, D, D); bs = np.array(d["b"]).reshape(T, D)
Cs = np.array(d["C"]).reshape(T, N, D); ds = np.array(d["d"]).reshape(T, N)
Q = np.array(d["Q"]).reshape(D, D); R = np.array(d["R"]).reshape(N, N)
m0 = np.array(d["m0"]); S0 = np.array(d["S0"]).reshape(D, D)
ks = KalmanSmoother(k_endog=N, k_states=D, k_posdef=D)
ks.bind(y)
ks['design'] = np.transpose(Cs, (1, 2, 0)); ks['obs_intercept'] = ds.T; ks['obs_cov'] = R
ks['transition'] = np.transpose(As, (1, 2, 0)); ks['state_intercept'] = bs.T
ks['selection'] = np.eye(D); ks['state_cov'] = Q
ks.initialize_known(m0, S0)
r = ks.smooth()
m = r.smoothed_state.T
V = np.transpose(r.smoothed_state_cov, (2, 0, 1))
ac = np.transpose(r.smoothed_state_autocov, (2, 0, 1))
cross = np.array([ac[t].T + np.outer(m[t], m[t+1]) for t in range(T-1)])
print(json.dumps({"ll": float(r.llf_obs.sum()), "mean": m.ravel().tolist(),
                  "cov": V.ravel().tolist(), "cross": cross.ravel().tolist()}))
`

// TestSmootherMatchesStatsmodels cross-checks log-likelihood, smoothed
// means, covariances and lag-one moments E[x_t x_{t+1}ᵀ] against Debian's
// statsmodels KalmanSmoother on a time-varying model with missing bins.
func TestSmootherMatchesStatsmodels(t *testing.T) {
	pyoracle.Require(t, "numpy", "statsmodels")
	rng := rand.New(rand.NewPCG(3, 5))
	d, n, T := 3, 6, 50
	m := randModel(rng, d, n)
	tr := randTrial(rng, m, T, true, true)
	// statsmodels wants T blocks of A and b; the last one is unused.
	tr.Varying.A = append(tr.Varying.A, randFlat(rng, d*d, 0.3)...)
	tr.Varying.B = append(tr.Varying.B, randFlat(rng, d, 0.3)...)
	p, err := m.Smooth(tr)
	if err != nil {
		t.Fatal(err)
	}
	y := make([]any, 0, T*n)
	for i := 0; i < T; i++ {
		for j := 0; j < n; j++ {
			if tr.Mask[i] {
				y = append(y, tr.Y.At(i, j))
			} else {
				y = append(y, nil)
			}
		}
	}
	in := map[string]any{"T": T, "N": n, "D": d, "y": y,
		"A": tr.Varying.A, "b": tr.Varying.B, "C": tr.Varying.C, "d": tr.Varying.D,
		"Q": symFull(m.Q), "R": symFull(m.R),
		"m0": tr.Varying.M0, "S0": symFull(m.S0)}
	var out struct {
		LL    float64   `json:"ll"`
		Mean  []float64 `json:"mean"`
		Cov   []float64 `json:"cov"`
		Cross []float64 `json:"cross"`
	}
	pyoracle.Run(t, statsmodelsScript, in, &out)
	if e := relErr(p.LogLik, out.LL); e > 1e-10 {
		t.Errorf("log-likelihood %.12g, statsmodels %.12g (rel err %.2g)", p.LogLik, out.LL, e)
	}
	worst := func(got, want []float64) float64 {
		if len(got) != len(want) {
			t.Fatalf("length %d vs statsmodels %d", len(got), len(want))
		}
		var w float64
		for i := range got {
			w = math.Max(w, relErr(got[i], want[i]))
		}
		return w
	}
	for _, c := range []struct {
		name      string
		got, want []float64
	}{{"means", p.Mean, out.Mean}, {"covariances", p.Cov, out.Cov}, {"lag-one moments", p.Cross, out.Cross}} {
		w := worst(c.got, c.want)
		if w > 1e-9 {
			t.Errorf("%s: worst relative error %.3g vs statsmodels", c.name, w)
		}
		t.Logf("%s: worst relative error %.3g vs statsmodels", c.name, w)
	}
	t.Logf("log-likelihood %.12g vs statsmodels %.12g", p.LogLik, out.LL)
}

// symFull returns the full row-major contents of a symmetric matrix (its
// raw storage only holds one triangle).
func symFull(s interface {
	At(i, j int) float64
	SymmetricDim() int
}) []float64 {
	n := s.SymmetricDim()
	out := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			out[i*n+j] = s.At(i, j)
		}
	}
	return out
}
