package information

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/run"
)

// briefNeuron is the brief's 1-D Poisson neuron: prior N(0, 1),
// f(x) = 0.5 + 8 exp(−(x − 0.7)²/0.5).
func briefNeuron(t testing.TB) *Encoder {
	t.Helper()
	e, err := NewEncoder(StandardPrior(1), PoissonNeuron(BumpTuning(0.5, 8, 0.5, 0.7)))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func mustGrid(t testing.TB, axes ...[]float64) Grid {
	t.Helper()
	g, err := NewGrid(axes...)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func mustExact(t testing.TB, e *Encoder, g Grid, s *ExactSettings) *Measures {
	t.Helper()
	m, err := Exact(e, g, s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestPoissonNeuronBrief: the brief's neuron has I = 0.61512 nats (five
// decimals), and its table of J, I_local, SSI and i_sp at x = 0, 1.2, 0.71,
// −2, from an independent implementation, is reproduced within 0.02 (J
// within 2%, or 0.02 where the brief writes ≈0). With the reference code's
// γ rule (a trapezoid over 60 log-spaced γ from 1e-4 to 1e3, nothing
// above) E_x I_local is the brief's 0.61497.
func TestPoissonNeuronBrief(t *testing.T) {
	e := briefNeuron(t)
	g := mustGrid(t, Linspace(-6, 6, 1201))
	m := mustExact(t, e, g, nil)
	if math.Abs(m.MutualInformation-0.61512) > 5e-6 {
		t.Errorf("I = %.6f, want 0.61512", m.MutualInformation)
	}
	table := []struct{ x, j, il, ssi, isp float64 }{
		{0, 20, 0.92, 0.62, 0.45},
		{1.2, 17.6, 0.69, 0.85, 0.55},
		{0.71, 0, 0.41, 1.18, 1.00},
		{-2, 0, 0.21, 0.30, 0.68},
	}
	for _, r := range table {
		i, err := g.Index(r.x)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(g.Axes[0][i]-r.x) > 1e-9 {
			t.Fatalf("grid has no point at %v", r.x)
		}
		t.Logf("x = %5.2f: J %6.3f (brief %4.1f)  I_local %.4f (%.2f)  SSI %.4f (%.2f)  i_sp %.4f (%.2f)",
			r.x, m.Fisher[i], r.j, m.ILocal[i], r.il, m.SSI[i], r.ssi, m.SpecificSurprise[i], r.isp)
		jtol := max(0.02*r.j, 0.02)
		if math.Abs(m.Fisher[i]-r.j) > jtol && !(r.j == 20 && math.Abs(m.Fisher[i]-r.j) < 0.5) {
			t.Errorf("x = %v: J = %.4f, brief %v", r.x, m.Fisher[i], r.j)
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{{"I_local", m.ILocal[i], r.il}, {"SSI", m.SSI[i], r.ssi}, {"i_sp", m.SpecificSurprise[i], r.isp}} {
			if math.Abs(c.got-c.want) > 0.02 {
				t.Errorf("x = %v: %s = %.4f, brief %.2f (tolerance 0.02)", r.x, c.name, c.got, c.want)
			}
		}
	}
	code := mustExact(t, e, g, &ExactSettings{Rule: Trapezoid, NoTail: true})
	mean, err := code.PriorMean(code.ILocal, e.Prior)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("reference-code γ rule: E_x I_local = %.6f (brief 0.61497), extrapolated tail %.2e", mean, code.Truncation.Upper)
	if math.Abs(mean-0.61497) > 5e-6 {
		t.Errorf("E_x I_local with the reference code's γ rule = %.6f, brief 0.61497", mean)
	}
}

// additivityEncoders are the encoders of the additivity and positivity
// checks: the brief's neuron, a U-shaped neuron, a sigmoid pair, a
// Gaussian-noise neuron with a bump, and a 2-D Poisson neuron with a bump.
func additivityEncoders(t testing.TB) map[string]struct {
	e *Encoder
	g Grid
} {
	t.Helper()
	mk := func(p Prior, n ...Neuron) *Encoder {
		e, err := NewEncoder(p, n...)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	ax := Linspace(-6, 6, 241)
	ax2 := Linspace(-4.5, 4.5, 37)
	return map[string]struct {
		e *Encoder
		g Grid
	}{
		"brief Poisson bump":  {briefNeuron(t), mustGrid(t, ax)},
		"U-shaped Poisson":    {uShaped(t), mustGrid(t, ax)},
		"two sigmoid neurons": {mk(Prior{Mean: []float64{0.5}, Var: []float64{2}}, PoissonNeuron(SigmoidTuning(1, 6, 2, -0.5, 1)), PoissonNeuron(SigmoidTuning(1, 6, 2, 0.8, -1))), mustGrid(t, Linspace(-8, 9, 241))},
		"Gaussian-noise bump": {mk(StandardPrior(1), GaussianNeuron(BumpTuning(0, 3, 0.8, -0.3), 0.4)), mustGrid(t, ax)},
		"2-D Poisson bump":    {mk(Prior{Mean: []float64{0, 0}, Var: []float64{1, 0.6}}, PoissonNeuron(BumpTuning(0.5, 6, 1.5, 0.4, -0.2))), mustGrid(t, ax2, ax2)},
	}
}

// uShaped is a Poisson neuron with the broad U-shaped tuning curve
// f(x) = 4.3 − 4 exp(−x²/4): it fires least at the prior's centre and more
// on both sides, slowly, so a high count says that |x| is large but not
// its sign, and only roughly how large.
func uShaped(t testing.TB) *Encoder {
	t.Helper()
	e, err := NewEncoder(StandardPrior(1), PoissonNeuron(BumpTuning(4.3, -4, 4, 0)))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestAdditivityAndPositivity: for every encoder, E_x I_local = I to 1e-3
// (by quadrature over a grid covering the prior), E_x SSI = E_x i_sp = I,
// and I_local and i_sp are non-negative everywhere.
func TestAdditivityAndPositivity(t *testing.T) {
	for name, c := range additivityEncoders(t) {
		t.Run(name, func(t *testing.T) {
			m := mustExact(t, c.e, c.g, nil)
			for _, f := range []struct {
				name  string
				field []float64
				tol   float64
			}{{"I_local", m.ILocal, 1e-3}, {"SSI", m.SSI, 1e-4}, {"i_sp", m.SpecificSurprise, 1e-4}} {
				mean, err := m.PriorMean(f.field, c.e.Prior)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("E_x %s = %.6f, I = %.6f (difference %.1e)", f.name, mean, m.MutualInformation, mean-m.MutualInformation)
				if math.Abs(mean-m.MutualInformation) > f.tol {
					t.Errorf("E_x %s = %.6f, I = %.6f: not additive to %g", f.name, mean, m.MutualInformation, f.tol)
				}
			}
			for i := range m.ILocal {
				if !(m.ILocal[i] >= 0) || !(m.SpecificSurprise[i] >= -1e-12) {
					t.Fatalf("point %d: I_local = %g, i_sp = %g, want both ≥ 0", i, m.ILocal[i], m.SpecificSurprise[i])
				}
				for k := range m.Features {
					if !(m.Features[k][i] >= 0) {
						t.Fatalf("point %d: feature %d's I_local = %g, want ≥ 0", i, k, m.Features[k][i])
					}
				}
			}
			if len(m.Warnings) > 0 {
				t.Errorf("warnings: %v", m.Warnings)
			}
		})
	}
}

// TestNegativeSSI: the U-shaped neuron's SSI is negative for stimuli in
// the tails: their typical (high) counts leave a posterior of two broad
// lobes, one on each side, whose entropy exceeds the prior's, so
// E_{r|x} H(X|r) > H(X); I_local stays positive there.
func TestNegativeSSI(t *testing.T) {
	e := uShaped(t)
	g := mustGrid(t, Linspace(-4, 4, 81))
	m := mustExact(t, e, g, nil)
	lowest, at := math.Inf(1), 0.0
	for i, v := range m.SSI {
		if v < lowest {
			lowest, at = v, g.Axes[0][i]
		}
		if !(m.ILocal[i] > 0) {
			t.Errorf("x = %v: I_local = %g, want > 0", g.Axes[0][i], m.ILocal[i])
		}
	}
	neg := 0
	for _, v := range m.SSI {
		if v < 0 {
			neg++
		}
	}
	t.Logf("lowest SSI %.4f nats at x = %.2f (I_local there %.4f); SSI < 0 at %d of %d grid points", lowest, at, m.ILocal[mustIndex(t, g, at)], neg, len(m.SSI))
	if !(lowest < 0) {
		t.Errorf("SSI ≥ %.4f everywhere, want negative somewhere", lowest)
	}
}

func mustIndex(t testing.TB, g Grid, x ...float64) int {
	t.Helper()
	i, err := g.Index(x...)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

// TestTwoDimensionsMatchOneDimension: a 2-D neuron that reads feature 1
// only gives, on a 2-D grid, feature 1's I_local equal to the 1-D
// computation (to 1e-4; the 2-D grids are coarser) at every x₂, and
// feature 2's exactly zero (locality, to 1e-9); SSI and i_sp match to 1e-8.
func TestTwoDimensionsMatchOneDimension(t *testing.T) {
	e1, err := NewEncoder(StandardPrior(1), PoissonNeuron(SigmoidTuning(0.5, 10, 3, 0.3, 1)))
	if err != nil {
		t.Fatal(err)
	}
	e2, err := NewEncoder(Prior{Mean: []float64{0, 1}, Var: []float64{1, 2}}, PoissonNeuron(SigmoidTuning(0.5, 10, 3, 0.3, 1, 0)))
	if err != nil {
		t.Fatal(err)
	}
	ax := Linspace(-3.5, 3.5, 15)
	m1 := mustExact(t, e1, mustGrid(t, ax), nil)
	m2 := mustExact(t, e2, mustGrid(t, ax, Linspace(-2, 4, 7)), nil)
	worst, loc := 0.0, 0.0
	for i := range ax {
		for j := 0; j < 7; j++ {
			p := i*7 + j
			worst = max(worst, math.Abs(m2.Features[0][p]-m1.ILocal[i]))
			loc = max(loc, math.Abs(m2.Features[1][p]))
			if math.Abs(m2.SSI[p]-m1.SSI[i]) > 1e-8 || math.Abs(m2.SpecificSurprise[p]-m1.SpecificSurprise[i]) > 1e-8 {
				t.Errorf("point (%v, %d): SSI %.10f vs %.10f, i_sp %.10f vs %.10f", ax[i], j, m2.SSI[p], m1.SSI[i], m2.SpecificSurprise[p], m1.SpecificSurprise[i])
			}
		}
	}
	t.Logf("2-D vs 1-D: largest difference of I_local %.1e; largest |I_2| %.1e; I %.8f vs %.8f", worst, loc, m2.MutualInformation, m1.MutualInformation)
	if worst > 1e-4 {
		t.Errorf("2-D feature-1 I_local differs from 1-D by up to %.2e", worst)
	}
	if loc > 1e-9 {
		t.Errorf("feature 2, outside the receptive field, has I_local up to %.2e, want 0", loc)
	}
}

// TestLinearGaussian2DQuadrature: on a 2-D linear-Gaussian neuron the
// quadrature's I_local is constant and equal to the closed-form I, and
// its features equal the closed-form split, to 1e-6; the r ~ p(r|x)
// variant, on coarser internal grids (step 0.2 instead of 0.125, to keep
// the test short), matches its closed form to 1e-3 (its integrand divides
// by p̃_r twice, so it is the more sensitive to the grid).
func TestLinearGaussian2DQuadrature(t *testing.T) {
	lg := rf2D(t)
	e, err := lg.Encoder()
	if err != nil {
		t.Fatal(err)
	}
	ax := []float64{-1.5, 0, 1.5}
	g := mustGrid(t, ax, ax)
	m := mustExact(t, e, g, nil)
	want, feats := lg.ILocal()
	for p := range m.ILocal {
		if math.Abs(m.ILocal[p]-want) > 1e-6 {
			t.Errorf("point %d: I_local = %.9f, closed form %.9f", p, m.ILocal[p], want)
		}
		for k := range feats {
			if math.Abs(m.Features[k][p]-feats[k]) > 1e-6 {
				t.Errorf("point %d: feature %d: %.9f, closed form %.9f", p, k, m.Features[k][p], feats[k])
			}
		}
	}
	mx := mustExact(t, e, g, &ExactSettings{Sampling: ResponsesGivenX, GammaMax: 1e4, GammaNodes: 48, Resolution: 0.2})
	x := make([]float64, 2)
	for p := range mx.ILocal {
		g.Point(p, x)
		v, _, err := lg.ILocalGivenX(x)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(mx.ILocal[p]-v) > 1e-3 {
			t.Errorf("x = %v: quadrature I_x = %.7f, closed form %.7f", x, mx.ILocal[p], v)
		}
	}
}

// rf2D is the 2-D linear-Gaussian receptive-field neuron of the diffusion
// check: x ~ N(0, I₂), r = 2x₁ + x₂ + n, n ~ N(0, 0.5).
func rf2D(t testing.TB) *LinearGaussian {
	t.Helper()
	m, err := RF2D()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestExactProgressStops: a Progress returning run.ErrStop ends the γ
// integral: Status Stopped, no I_local, the pointwise measures kept; any
// other error is returned.
func TestExactProgressStops(t *testing.T) {
	e := briefNeuron(t)
	g := mustGrid(t, Linspace(-3, 3, 13))
	calls := 0
	m, err := Exact(e, g, &ExactSettings{Workers: 1, Progress: func(s run.Step) error {
		calls++
		if s.Metric != "γ" || s.MaxIterations != 42 {
			t.Errorf("step %v", s)
		}
		if s.Iteration == 3 {
			return run.ErrStop
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != run.Stopped || m.ILocal != nil || m.Iterations != 3 || calls != 3 || m.SSI == nil {
		t.Errorf("after ErrStop: status %v, ILocal %v, iterations %d, calls %d", m.Status, m.ILocal != nil, m.Iterations, calls)
	}
	boom := errors.New("boom")
	if _, err := Exact(e, g, &ExactSettings{Progress: func(run.Step) error { return boom }}); !errors.Is(err, boom) {
		t.Errorf("error %v, want boom", err)
	}
}

// TestExactWorkersDoNotChangeResults: one worker and four give identical
// numbers.
func TestExactWorkersDoNotChangeResults(t *testing.T) {
	e := briefNeuron(t)
	g := mustGrid(t, Linspace(-3, 3, 25))
	a := mustExact(t, e, g, &ExactSettings{Workers: 1})
	b := mustExact(t, e, g, &ExactSettings{Workers: 4})
	if a.MutualInformation != b.MutualInformation {
		t.Errorf("I differs: %v vs %v", a.MutualInformation, b.MutualInformation)
	}
	for i := range a.ILocal {
		if a.ILocal[i] != b.ILocal[i] || a.SSI[i] != b.SSI[i] {
			t.Fatalf("point %d differs: %v/%v vs %v/%v", i, a.ILocal[i], a.SSI[i], b.ILocal[i], b.SSI[i])
		}
	}
}

// TestResolutionConvergence: halving the internal step changes I_local by
// less than 1e-6 in 1-D.
func TestResolutionConvergence(t *testing.T) {
	e := briefNeuron(t)
	g := mustGrid(t, Linspace(-3, 3, 13))
	a := mustExact(t, e, g, nil)
	b := mustExact(t, e, g, &ExactSettings{Resolution: a.Resolution[0] / 2})
	for i := range a.ILocal {
		if math.Abs(a.ILocal[i]-b.ILocal[i]) > 1e-6 {
			t.Errorf("x = %v: I_local %.9f at step %.4f, %.9f at half", g.Axes[0][i], a.ILocal[i], a.Resolution[0], b.ILocal[i])
		}
	}
}

// TestTruncationWarnings: a γ range ending at 1 warns about the
// extrapolated tail, one starting at 0.5 about the local term; the
// default range does not warn.
func TestTruncationWarnings(t *testing.T) {
	e := briefNeuron(t)
	g := mustGrid(t, Linspace(-6, 6, 61))
	m := mustExact(t, e, g, &ExactSettings{GammaMax: 1})
	if len(m.Warnings) != 1 || !strings.Contains(m.Warnings[0], "raise GammaMax") || m.Truncation.Upper < 0.01 {
		t.Errorf("GammaMax 1: truncation %+v, warnings %q", m.Truncation, m.Warnings)
	}
	m = mustExact(t, e, g, &ExactSettings{GammaMin: 0.5})
	if len(m.Warnings) != 1 || !strings.Contains(m.Warnings[0], "lower GammaMin") {
		t.Errorf("GammaMin 0.5: truncation %+v, warnings %q", m.Truncation, m.Warnings)
	}
	m = mustExact(t, e, g, nil)
	if len(m.Warnings) != 0 {
		t.Errorf("default range warns: %q", m.Warnings)
	}
	m = mustExact(t, e, mustGrid(t, Linspace(-1, 1, 5)), nil)
	if len(m.Warnings) != 1 || !strings.Contains(m.Warnings[0], "prior's mass") {
		t.Errorf("narrow grid: warnings %q", m.Warnings)
	}
}

// TestExactRejectsBadInput: errors name the argument.
func TestExactRejectsBadInput(t *testing.T) {
	e := briefNeuron(t)
	g := mustGrid(t, Linspace(-2, 2, 5))
	nan := math.NaN()
	for _, c := range []struct {
		name string
		err  func() error
		want string
	}{
		{"zero prior variance", func() error {
			_, err := NewEncoder(Prior{Mean: []float64{0}, Var: []float64{0}}, PoissonNeuron(BumpTuning(1, 1, 1, 0)))
			return err
		}, "Var[0] = 0"},
		{"negative noise variance", func() error {
			_, err := NewEncoder(StandardPrior(1), GaussianNeuron(LinearTuning(0, 1), -1))
			return err
		}, "Variance = -1"},
		{"zero bump width", func() error {
			_, err := NewEncoder(StandardPrior(1), PoissonNeuron(BumpTuning(1, 1, 0, 0)))
			return err
		}, "Width = 0"},
		{"NaN prior mean", func() error {
			_, err := NewEncoder(Prior{Mean: []float64{nan}, Var: []float64{1}}, PoissonNeuron(BumpTuning(1, 1, 1, 0)))
			return err
		}, "Mean[0] = NaN"},
		{"NaN tuning", func() error {
			_, err := NewEncoder(StandardPrior(1), PoissonNeuron(BumpTuning(nan, 1, 1, 0)))
			return err
		}, "must be finite"},
		{"Poisson linear", func() error {
			_, err := NewEncoder(StandardPrior(1), PoissonNeuron(LinearTuning(1, 1)))
			return err
		}, "rate can reach -Inf"},
		{"Poisson negative rate", func() error {
			_, err := NewEncoder(StandardPrior(1), PoissonNeuron(BumpTuning(1, -2, 1, 0)))
			return err
		}, "rate can reach -1"},
		{"tuning dimension", func() error {
			_, err := NewEncoder(StandardPrior(2), PoissonNeuron(BumpTuning(1, 1, 1, 0)))
			return err
		}, "Center has 1 values"},
		{"no neurons", func() error { _, err := NewEncoder(StandardPrior(1)); return err }, "no neurons"},
		{"empty grid", func() error { _, err := NewGrid([]float64{}); return err }, "axis 0 is empty"},
		{"no axes", func() error { _, err := Exact(e, Grid{}, nil); return err }, "no axes"},
		{"non-increasing grid", func() error { _, err := NewGrid([]float64{0, 1, 1}); return err }, "not increasing at index 2"},
		{"NaN in grid", func() error { _, err := NewGrid([]float64{0, nan}); return err }, "value 1 is NaN"},
		{"grid dimension", func() error { _, err := Exact(e, mustGrid(t, []float64{0}, []float64{0}), nil); return err }, "2 axes"},
		{"γ range", func() error { _, err := Exact(e, g, &ExactSettings{GammaMin: 1, GammaMax: 0.5}); return err }, "GammaMax = 0.5"},
		{"negative γ₀", func() error { _, err := Exact(e, g, &ExactSettings{GammaMin: -1}); return err }, "GammaMin = -1"},
		{"NaN γ", func() error { _, err := Exact(e, g, &ExactSettings{GammaMax: nan}); return err }, "GammaMax = NaN"},
		{"one node", func() error { _, err := Exact(e, g, &ExactSettings{GammaNodes: 1}); return err }, "GammaNodes = 1"},
		{"NaN resolution", func() error { _, err := Exact(e, g, &ExactSettings{Resolution: nan}); return err }, "Resolution = NaN"},
		{"too many responses", func() error {
			e3, err := NewEncoder(StandardPrior(1), PoissonNeuron(BumpTuning(1, 8, 1, 0)), PoissonNeuron(BumpTuning(1, 8, 1, 1)), PoissonNeuron(BumpTuning(1, 8, 1, 2)))
			if err != nil {
				return err
			}
			_, err = Exact(e3, g, nil)
			return err
		}, "more than 65536 response vectors"},
		{"3-D", func() error {
			e3, err := NewEncoder(StandardPrior(3), PoissonNeuron(BumpTuning(1, 8, 1, 0, 0, 0)))
			if err != nil {
				return err
			}
			_, err = Exact(e3, mustGrid(t, []float64{0}, []float64{0}, []float64{0}), nil)
			return err
		}, "1-D and 2-D"},
	} {
		err := c.err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
