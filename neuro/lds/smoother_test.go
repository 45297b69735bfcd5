package lds

import (
	"math"
	"math/rand/v2"
	"testing"
)

func relErr(got, want float64) float64 {
	return math.Abs(got-want) / math.Max(1, math.Abs(want))
}

// TestFilterLogLikMatchesDenseGaussian compares the Kalman marginal
// log-likelihood with the log-density of the stacked observations under
// the joint Gaussian built directly from the model equations (oracle:
// dense multivariate normal, gonum distmv). Time-varying A, b, C, d, full
// Q and R, and missing bins are all exercised.
func TestFilterLogLikMatchesDenseGaussian(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		d, n := 3, 5
		m := randModel(rng, d, n)
		for _, c := range []struct{ varying, missing bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
			tr := randTrial(rng, m, 40, c.varying, c.missing)
			f, err := m.Filter(tr)
			if err != nil {
				t.Fatal(err)
			}
			want := newDenseGaussian(m, &tr).logLik()
			if e := relErr(f.LogLik, want); e > 1e-11 {
				t.Errorf("seed %d %+v: Kalman ll %.12g, dense %.12g (rel err %.2g)", seed, c, f.LogLik, want, e)
			}
		}
	}
}

// TestSmootherMatchesDenseGaussian compares smoothed means, covariances
// and E[x_t x_{t+1}ᵀ] with the conditional Gaussian of the stacked latents
// given all observations (oracle: dense Gaussian conditioning).
func TestSmootherMatchesDenseGaussian(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		d, n := 3, 5
		m := randModel(rng, d, n)
		// Also a model where N < D observations must still work.
		if seed == 3 {
			d, n = 4, 2
			m = randModel(rng, d, n)
		}
		for _, c := range []struct{ varying, missing bool }{{true, false}, {true, true}} {
			T := 30
			tr := randTrial(rng, m, T, c.varying, c.missing)
			p, err := m.Smooth(tr)
			if err != nil {
				t.Fatal(err)
			}
			mean, cov := newDenseGaussian(m, &tr).posterior()
			var worst float64
			for tt := 0; tt < T; tt++ {
				for i := 0; i < d; i++ {
					worst = math.Max(worst, relErr(p.Mean[tt*d+i], mean.AtVec(tt*d+i)))
					for j := 0; j < d; j++ {
						worst = math.Max(worst, relErr(p.Cov[(tt*d+i)*d+j], cov.At(tt*d+i, tt*d+j)))
						if tt < T-1 {
							want := cov.At(tt*d+i, (tt+1)*d+j) + mean.AtVec(tt*d+i)*mean.AtVec((tt+1)*d+j)
							worst = math.Max(worst, relErr(p.Cross[(tt*d+i)*d+j], want))
						}
					}
				}
			}
			if worst > 1e-10 {
				t.Errorf("seed %d %+v: worst relative error %.3g", seed, c, worst)
			}
			t.Logf("seed %d %+v: worst relative error %.3g", seed, c, worst)
		}
	}
}

// TestWhitenedLoadingsMatchRawLoadings checks that passing L_R⁻¹C_t via
// Varying.CW gives the same posterior as passing C_t (oracle: the C path,
// checked against the dense Gaussian above).
func TestWhitenedLoadingsMatchRawLoadings(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	m := randModel(rng, 3, 6)
	tr := randTrial(rng, m, 25, true, true)
	s, err := NewSmoother(m)
	if err != nil {
		t.Fatal(err)
	}
	var p1, p2 Posterior
	if err := s.Smooth(&tr, &p1); err != nil {
		t.Fatal(err)
	}
	v := *tr.Varying
	v.CW = make([]float64, len(v.C))
	for k := 0; k < 25; k++ {
		if err := s.WhitenLoadings(v.CW[k*18:(k+1)*18], v.C[k*18:(k+1)*18]); err != nil {
			t.Fatal(err)
		}
	}
	v.C = nil
	tr.Varying = &v
	if err := s.Smooth(&tr, &p2); err != nil {
		t.Fatal(err)
	}
	if relErr(p1.LogLik, p2.LogLik) > 1e-13 {
		t.Errorf("log-likelihood %v vs %v", p1.LogLik, p2.LogLik)
	}
	for i := range p1.Cov {
		if relErr(p1.Cov[i], p2.Cov[i]) > 1e-12 {
			t.Fatalf("covariance differs at %d", i)
		}
	}
}
