package incremental

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bruteForceInterpolation enumerates every sign assignment of m neurons and
// every pattern of ⟨w_j, x_i⟩ > 0 (all equally likely) and counts those in
// which every point has a neuron of its label's sign active on it.
func bruteForceInterpolation(nPos, nNeg, m int) float64 {
	n := nPos + nNeg
	bits := m + m*n
	good := 0
	for code := 0; code < 1<<bits; code++ {
		ok := true
		for i := 0; i < n && ok; i++ {
			covered := false
			for j := range m {
				positiveNeuron := code>>j&1 == 1
				active := code>>(m+j*n+i)&1 == 1
				if active && positiveNeuron == (i < nPos) {
					covered = true
				}
			}
			ok = covered
		}
		if ok {
			good++
		}
	}
	return float64(good) / float64(int(1)<<bits)
}

// TestInterpolationProbabilityMatchesEnumeration: the closed form against a
// full enumeration of signs and activation patterns (2^(m+mn) equally
// likely cases) on small problems, to 1e-13.
func TestInterpolationProbabilityMatchesEnumeration(t *testing.T) {
	for _, c := range [][3]int{{1, 1, 1}, {2, 1, 3}, {1, 2, 3}, {3, 0, 3}, {2, 2, 2}, {1, 1, 5}, {0, 3, 3}} {
		p, err := InterpolationProbability(c[0], c[1], c[2])
		if err != nil {
			t.Fatal(err)
		}
		want := bruteForceInterpolation(c[0], c[1], c[2])
		if math.Abs(p-want) > 1e-13 {
			t.Errorf("n₊ = %d, n₋ = %d, m = %d: formula %.15f, enumeration %.15f", c[0], c[1], c[2], p, want)
		}
	}
}

// TestInterpolationProbabilityIssueValues is issue 20's registered claim:
// at n = 256 (128 labels of each sign) the exact probability is 0.007,
// 0.203, 0.577, 0.823, 0.934 at m = 12, 16, 20, 24, 28, to 1e-3; and Monte
// Carlo (4000 initialisations per width, InitNet on axis-aligned data)
// agrees with it within 3 binomial standard errors √(p(1−p)/4000).
// Reproduced: 0.006476, 0.202606, 0.576253, 0.822556, 0.934053.
func TestInterpolationProbabilityIssueValues(t *testing.T) {
	widths := []int{12, 16, 20, 24, 28}
	want := []float64{0.007, 0.203, 0.577, 0.823, 0.934}
	curve, err := InterpolationSweep(128, 128, widths, &MonteCarloSettings{Trials: 4000, Seed: 20})
	if err != nil {
		t.Fatal(err)
	}
	for k, m := range widths {
		p := curve.Exact[k]
		se := math.Sqrt(p * (1 - p) / float64(curve.Trials))
		mc := curve.MonteCarlo[k].Mean
		t.Logf("m = %d: exact %.6f (issue %.3f), Monte Carlo %.4f = %d/%d, %.1f standard errors away", m, p, want[k], mc, curve.Successes[k], curve.Trials, (mc-p)/se)
		if math.Abs(p-want[k]) > 1e-3 {
			t.Errorf("m = %d: exact probability %.6f, issue says %.3f", m, p, want[k])
		}
		if math.Abs(mc-p) > 3*se {
			t.Errorf("m = %d: Monte Carlo %.4f is %.1f standard errors from %.6f", m, mc, (mc-p)/se, p)
		}
	}
	// Unconditionally on the labels' signs (n₊ ~ Bin(256, ½)) the values
	// move by at most 4e-4: the issue's numbers hold either way.
	var avg float64
	for k := 0; k <= 256; k++ {
		p, err := InterpolationProbability(k, 256-k, 20)
		if err != nil {
			t.Fatal(err)
		}
		lc, _ := math.Lgamma(257)
		lk, _ := math.Lgamma(float64(k + 1))
		lr, _ := math.Lgamma(float64(257 - k))
		avg += math.Exp(lc-lk-lr-256*math.Ln2) * p
	}
	t.Logf("m = 20 with random label signs: %.6f", avg)
	if math.Abs(avg-0.577) > 1e-3 {
		t.Errorf("m = 20, random label signs: %.6f, want 0.577", avg)
	}
}

// TestMonteCarloDoesNotDependOnWorkers: trial t draws from PCG(Seed, t).
func TestMonteCarloDoesNotDependOnWorkers(t *testing.T) {
	a, err := InterpolationMonteCarlo(20, 20, 8, &MonteCarloSettings{Trials: 500, Seed: 4, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := InterpolationMonteCarlo(20, 20, 8, &MonteCarloSettings{Trials: 500, Seed: 4, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if a.Successes != b.Successes {
		t.Errorf("1 worker: %d successes, 3 workers: %d", a.Successes, b.Successes)
	}
}

// TestWellInitialisedDecidesInterpolation: gradient descent run to
// convergence (λ = 1e-6) interpolates (final loss ≤ 1e-12) exactly when
// every point is some neuron's good point, and otherwise stops with a loss
// of at least the untouched points' (1/2n) Σ y_i² ≥ 1/(2n); over 16 seeds of
// n = 8, m = 8, both outcomes occur.
func TestWellInitialisedDecidesInterpolation(t *testing.T) {
	counts := map[bool]int{}
	for seed := uint64(1); seed <= 16; seed++ {
		data, net := testProblem(t, seed, 8, 8, 8, 1e-6, nil)
		well, err := WellInitialised(data, net)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Descend(data, net, nil)
		if err != nil {
			t.Fatal(err)
		}
		counts[well]++
		interpolated := r.Objective <= 1e-12
		if interpolated != well || (!well && r.Objective < 1.0/16) {
			t.Errorf("seed %d: well initialised %v, final loss %.3g (%v)", seed, well, r.Objective, r.Status)
		}
	}
	t.Logf("well initialised in %d of 16 seeds", counts[true])
	if counts[true] == 0 || counts[false] == 0 {
		t.Errorf("outcomes %v: both must occur", counts)
	}
}

// TestMinNormIsAttained: the two-neuron interpolator (one balanced neuron
// per label sign, a² = ‖w‖² = ‖(y/‖x‖)_sign‖₂, w_i = y_i/(a‖x_i‖) on its
// points) fits every point exactly and has ‖θ‖² = MinNorm.
func TestMinNormIsAttained(t *testing.T) {
	data, _ := testProblem(t, 9, 10, 13, 1, 0.1, &DataOptions{Rotate: true, VaryNorms: true})
	net, err := InitNet(rand.New(rand.NewPCG(9, 1)), 2, 13, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	net.W.Zero()
	y, c := data.Y(), data.Norms()
	x := make([]float64, 13)
	for j, sign := range []float64{1, -1} {
		var q float64
		for i, v := range y {
			if v*sign > 0 {
				q += (v / c[i]) * (v / c[i])
			}
		}
		a := sign * math.Sqrt(math.Sqrt(q))
		net.A[j] = a
		for i, v := range y {
			if v*sign > 0 {
				data.input(i, x)
				row := net.W.RawRowView(j)
				for k := range row {
					row[k] += v / (a * c[i]) * x[k] / c[i]
				}
			}
		}
	}
	loss, err := net.Loss(data)
	if err != nil {
		t.Fatal(err)
	}
	if loss > 1e-28 || math.Abs(net.Norm2()-MinNorm(data)) > 1e-12 {
		t.Errorf("two-neuron interpolator: loss %.3g, ‖θ‖² = %.15g, MinNorm %.15g", loss, net.Norm2(), MinNorm(data))
	}
}
