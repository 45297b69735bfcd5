package similarity

import (
	"math"
	"math/cmplx"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/run"
)

// Oracle: the Marchenko–Pastur closed form for λ̃ ≡ 1,
// ρ = √((λ₊−λ)(λ−λ₋)) / (2π q λ), h = (λ+q−1)/(2qλ), λ± = (1±√q)².
func TestStieltjesMatchesMarchenkoPastur(t *testing.T) {
	const p = 400
	pop := make([]float64, p)
	for i := range pop {
		pop[i] = 1
	}
	for _, q := range []float64{0.25, 0.5, 2} {
		lo, hi := sq(1-math.Sqrt(q)), sq(1+math.Sqrt(q))
		var pts []float64
		for i := 0; i < 60; i++ {
			pts = append(pts, lo+(hi-lo)*(0.005+0.99*float64(i)/59))
		}
		res, err := SolveStieltjes(pts, pop, q, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != run.Converged {
			t.Fatalf("q=%v: points %v did not converge", q, res.Failed)
		}
		var worst float64
		for i, l := range pts {
			rho := math.Sqrt((hi-l)*(l-lo)) / (2 * math.Pi * q * l)
			h := (l + q - 1) / (2 * q * l)
			worst = math.Max(worst, math.Max(math.Abs(res.Density[i]-rho), math.Abs(res.Hilbert[i]-h)))
		}
		if worst > 1e-7 {
			t.Errorf("q=%v: largest deviation from Marchenko–Pastur %.3g > 1e-7", q, worst)
		}
		t.Logf("q=%v: largest deviation from the closed form %.2g", q, worst)
	}
}

// Oracle: the reference scheme (plain fixed point from g = 1 at η = 1e-15,
// tolerance 1e-6) run alongside: it stalls on the flat spectrum where the
// continuation solver converges to the closed form.
func TestStieltjesConvergesWherePlainIterationStalls(t *testing.T) {
	const p, q = 200, 0.5
	pop := make([]float64, p)
	for i := range pop {
		pop[i] = 1
	}
	lam := []float64{0.2, 0.6, 1.0, 1.5, 2.5}
	plainFailed := 0
	for _, l := range lam {
		z := complex(l, -1e-15)
		g := complex(1, 0)
		ok := false
		for it := 0; it < 10000; it++ {
			gn := 1 / (z - complex(1-q, 0) - complex(q, 0)*z*g)
			if cmplx.Abs(gn-g) < 1e-6 {
				ok = true
				break
			}
			g = gn
		}
		if !ok {
			plainFailed++
		}
	}
	res, err := SolveStieltjes(lam, pop, q, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != run.Converged {
		t.Fatalf("continuation solver failed at %v", res.Failed)
	}
	t.Logf("plain fixed point failed at %d of %d points; continuation converged at all (%d steps)", plainFailed, len(lam), res.Iterations)
	if plainFailed == 0 {
		t.Log("note: the plain iteration happened to converge at these points")
	}
}

// Oracle: Σⱼ Q_ij = 1 inside the support (and Q ≥ 0).
func TestSelfOverlapRowsSumToOne(t *testing.T) {
	pop := make([]float64, 300)
	copy(pop, PowerLawSpectrum(299, 1.2))
	for _, n := range []int{10, 60, 600} {
		q := 300 / float64(n)
		// Sample eigenvalues: one draw's, from the population basis directly.
		c := randn(299, n, uint64(n))
		for i := 0; i < 299; i++ {
			s := math.Sqrt(pop[i] * 300)
			for j := 0; j < n; j++ {
				c.Set(i, j, c.At(i, j)*s)
			}
		}
		vals, _ := mustEigen(t, covOf(c))
		lam := vals[:min(n, 299)]
		for i := range lam {
			lam[i] /= 300 * float64(n)
		}
		qm, err := SelfOverlap(lam, pop, q, nil)
		if err != nil {
			t.Fatal(err)
		}
		st := must(SolveStieltjes(lam, pop, q, nil))(t)
		r, _ := qm.Dims()
		inside := 0
		for i := 0; i < r; i++ {
			if outsideSupport(st.G[i]) {
				continue // moved to the nearest edge and renormalised
			}
			inside++
			row := qm.RawRowView(i)
			for _, v := range row {
				if v < 0 || math.IsNaN(v) {
					t.Fatalf("N=%d: Q[%d] has entry %v", n, i, v)
				}
			}
			assertClose(t, "row sum of Q", mat.Sum(qm.RowView(i)), 1, 1e-9)
		}
		t.Logf("N=%d: %d of %d sample eigenvalues inside the support", n, inside, r)
	}
}

// Oracle: diagnostics of a small hand-made overlap matrix computed by hand.
func TestLocalizeCountsLeadingModes(t *testing.T) {
	q := mat.NewDense(3, 3, []float64{0.9, 0.1, 0, 0.2, 0.6, 0.2, 0.1, 0.3, 0.6})
	loc, err := Localize(q, 0)
	if err != nil {
		t.Fatal(err)
	}
	if loc.Localized != 3 || loc.EffectiveDimension[1] != 1/0.6 {
		t.Fatalf("Localize = %+v", loc)
	}
	loc = must(Localize(q, 0.7))(t)
	if loc.Localized != 1 {
		t.Fatalf("threshold 0.7: %d localized, want 1", loc.Localized)
	}
}
