package incremental

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/replicates"
)

// InterpolationProbability is the exact probability that the limit process
// interpolates n₊ = nPos positive and n₋ = nNeg negative labels with m
// neurons from the balanced Gaussian initialisation (InitNet): point i is
// fittable when some neuron of its label's sign has ⟨w_j(0), x_i⟩ > 0, and
// for orthogonal inputs these signs are independent fair coins, so with
// m₊ ~ Bin(m, ½) positive neurons
//
//	P = Σ_{m₊=0..m} C(m, m₊) 2^{−m} (1 − 2^{−m₊})^{n₊} (1 − 2^{−(m−m₊)})^{n₋}.
func InterpolationProbability(nPos, nNeg, m int) (float64, error) {
	if m < 1 {
		return 0, fmt.Errorf("incremental: width m = %d, want m ≥ 1", m)
	}
	if nPos < 0 || nNeg < 0 || nPos+nNeg == 0 {
		return 0, fmt.Errorf("incremental: %d positive and %d negative labels; want counts ≥ 0 with at least one point", nPos, nNeg)
	}
	lgm, _ := math.Lgamma(float64(m + 1))
	var p float64
	for k := 0; k <= m; k++ {
		lk, _ := math.Lgamma(float64(k + 1))
		lmk, _ := math.Lgamma(float64(m - k + 1))
		lt := lgm - lk - lmk - float64(m)*math.Ln2
		lt += coverLog(nPos, k) + coverLog(nNeg, m-k)
		p += math.Exp(lt)
	}
	return p, nil
}

// coverLog is log (1 − 2^{−k})^count, the log-probability that k neurons
// of one sign cover count points of that sign (0^0 = 1).
func coverLog(count, k int) float64 {
	if count == 0 {
		return 0
	}
	if k == 0 {
		return math.Inf(-1)
	}
	return float64(count) * math.Log1p(-math.Exp2(-float64(k)))
}

// WellInitialised reports whether every point of data is a good point of
// some neuron of net (⟨w_j, x_i⟩ > 0 and sign a_j = sign y_i): exactly when
// the limit process interpolates (Dana et al.'s is_well_init).
func WellInitialised(data *Data, net *Net) (bool, error) {
	if data == nil {
		return false, fmt.Errorf("incremental: WellInitialised: data are nil")
	}
	if err := net.check(data.Dim()); err != nil {
		return false, err
	}
	return covered(data, net), nil
}

// covered is WellInitialised without checks or allocations on diagonal
// data.
func covered(data *Data, net *Net) bool {
	var x []float64
	if data.diag == nil {
		x = make([]float64, data.Dim())
	}
	for i, y := range data.y {
		if x != nil {
			data.input(i, x)
		}
		ok := false
		for j, a := range net.A {
			if a == 0 || (a > 0) != (y > 0) {
				continue
			}
			var p float64
			if x == nil {
				p = net.W.At(j, i) * data.diag[i]
			} else {
				p = dot(net.W.RawRowView(j), x)
			}
			if p > 0 {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// MonteCarloSettings configures InterpolationMonteCarlo and
// InterpolationSweep. A nil *MonteCarloSettings means every default.
type MonteCarloSettings struct {
	// Trials is the number of independent initialisations; 0 means 10,000.
	Trials int
	// Seed seeds trial t's stream PCG(Seed, t), so the estimate does not
	// depend on Workers and two widths share their random numbers.
	Seed uint64
	// Workers is the number of goroutines; 0 means runtime.GOMAXPROCS(0).
	Workers int
}

// Estimate is a Monte Carlo estimate of a probability.
type Estimate struct {
	// Successes out of Trials.
	Trials, Successes int
	// Summary of the 0/1 outcomes: Mean is the estimated probability, with
	// its standard error and 95% t interval.
	Summary replicates.Summary
}

// InterpolationMonteCarlo estimates the interpolation probability by
// drawing Trials initialisations of width m (InitNet) on nPos positive and
// nNeg negative axis-aligned points (d = n) and testing each with
// WellInitialised.
func InterpolationMonteCarlo(nPos, nNeg, m int, s *MonteCarloSettings) (*Estimate, error) {
	if _, err := InterpolationProbability(nPos, nNeg, m); err != nil {
		return nil, err
	}
	var set MonteCarloSettings
	if s != nil {
		set = *s
	}
	if set.Trials < 0 {
		return nil, fmt.Errorf("incremental: Trials = %d, want ≥ 0", set.Trials)
	}
	if set.Trials == 0 {
		set.Trials = 10_000
	}
	n := nPos + nNeg
	y := make([]float64, n)
	for i := range y {
		y[i] = 1
		if i >= nPos {
			y[i] = -1
		}
	}
	data, err := NewData(mat.NewDiagDense(n, ones(n)), y)
	if err != nil {
		return nil, err
	}
	outcome := make([]float64, set.Trials)
	err = parallel.ForErr(set.Trials, set.Workers, func(_, t int) error {
		net, err := InitNet(rand.New(rand.NewPCG(set.Seed, uint64(t))), m, n, 0.5)
		if err != nil {
			return err
		}
		if covered(data, net) {
			outcome[t] = 1
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	e := &Estimate{Trials: set.Trials}
	for _, v := range outcome {
		e.Successes += int(v)
	}
	if e.Summary, err = replicates.Summarize(outcome); err != nil {
		return nil, err
	}
	return e, nil
}

func ones(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = 1
	}
	return s
}

// InterpolationCurve is the interpolation probability against the width.
type InterpolationCurve struct {
	// Widths are the m values, as the x axis of a chart.
	Widths []float64 `json:"widths"`
	// Exact[k] is InterpolationProbability at Widths[k], and MonteCarlo[k]
	// the InterpolationMonteCarlo estimate.
	Exact      []float64            `json:"exact"`
	MonteCarlo []replicates.Summary `json:"monte_carlo"`
	// Successes and Trials of each estimate.
	Successes []int `json:"successes"`
	Trials    int   `json:"trials"`
}

// InterpolationSweep computes the exact probability and a Monte Carlo
// estimate at every width (each width reuses the same trial seeds).
func InterpolationSweep(nPos, nNeg int, widths []int, s *MonteCarloSettings) (*InterpolationCurve, error) {
	c := &InterpolationCurve{}
	for _, m := range widths {
		p, err := InterpolationProbability(nPos, nNeg, m)
		if err != nil {
			return nil, err
		}
		e, err := InterpolationMonteCarlo(nPos, nNeg, m, s)
		if err != nil {
			return nil, err
		}
		c.Widths = append(c.Widths, float64(m))
		c.Exact = append(c.Exact, p)
		c.MonteCarlo = append(c.MonteCarlo, e.Summary)
		c.Successes = append(c.Successes, e.Successes)
		c.Trials = e.Trials
	}
	return c, nil
}

// Series returns the Monte Carlo estimates and the exact values (as
// one-value summaries, drawn without a bar), the shape widgets.ErrorBars
// takes against Widths.
func (c *InterpolationCurve) Series() [][]replicates.Summary {
	exact := make([]replicates.Summary, len(c.Exact))
	for k, p := range c.Exact {
		exact[k] = replicates.Summary{N: 1, Mean: p, Min: p, Max: p, Lo: p, Hi: p}
	}
	return [][]replicates.Summary{c.MonteCarlo, exact}
}
