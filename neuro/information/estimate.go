package information

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/replicates"
	"github.com/neuronb/neuronb/neuro/run"
)

// EstimateSettings configures Denoiser.Estimate. A nil *EstimateSettings
// means every default.
type EstimateSettings struct {
	// Sampling draws r ~ p(r|y) (default, as the reference code: x′ ~ p(x|y),
	// which is Gaussian, then r ~ p(r|x′)) or r ~ p(r|x).
	Sampling Sampling `json:"sampling"`
	// GammaNodes is the number of Gauss–Legendre nodes in log γ; 0 means
	// 32.
	GammaNodes int `json:"gamma_nodes"`
	// LogGammaMin and LogGammaMax bound the integral in log γ; both 0 means
	// the denoiser's training range (Denoiser.Estimate) or −9 and 7.
	LogGammaMin float64 `json:"log_gamma_min,omitempty"`
	LogGammaMax float64 `json:"log_gamma_max,omitempty"`
	// Samples is the number of draws of (y, r) per node and stimulus; 0
	// means 256.
	Samples int `json:"samples"`
	// Replicates is the number of independent estimates (seeds Seed,
	// Seed+1, …), summarised per stimulus with a 95% t interval; 0 means 1.
	Replicates int `json:"replicates"`
	// Seed seeds the Monte Carlo draws; each replicate and stimulus has its
	// own stream, so results do not depend on Workers.
	Seed uint64 `json:"seed"`
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int `json:"workers"`
	// Progress is called after each stimulus of each replicate (metric
	// "I_local", that stimulus's estimate); returning run.ErrStop ends the
	// run without a result.
	Progress run.Progress `json:"-"`
}

func (s *EstimateSettings) resolve() (EstimateSettings, error) {
	var r EstimateSettings
	if s != nil {
		r = *s
	}
	if r.GammaNodes == 0 {
		r.GammaNodes = 32
	}
	if r.Samples == 0 {
		r.Samples = 256
	}
	if r.Replicates == 0 {
		r.Replicates = 1
	}
	if r.LogGammaMin == 0 && r.LogGammaMax == 0 {
		r.LogGammaMin, r.LogGammaMax = -9, 7
	}
	switch {
	case !finite(r.LogGammaMin) || !finite(r.LogGammaMax) || !(r.LogGammaMax > r.LogGammaMin):
		return r, fmt.Errorf("information: EstimateSettings: log γ range [%v, %v] is empty or not finite", r.LogGammaMin, r.LogGammaMax)
	case r.GammaNodes < 2 || r.Samples < 1 || r.Replicates < 1:
		return r, fmt.Errorf("information: EstimateSettings: GammaNodes %d (≥ 2), Samples %d and Replicates %d (≥ 1)", r.GammaNodes, r.Samples, r.Replicates)
	case r.Sampling != ResponsesGivenY && r.Sampling != ResponsesGivenX:
		return r, fmt.Errorf("information: EstimateSettings.Sampling = %d is not a sampling", r.Sampling)
	case r.Workers < 0:
		return r, fmt.Errorf("information: EstimateSettings.Workers = %d, want ≥ 0", r.Workers)
	}
	return r, nil
}

// DiffusionEstimate is I_local estimated from a denoiser on a grid of
// stimuli, shaped like Measures.
type DiffusionEstimate struct {
	// Stats: Status Finished (or Stopped), Objective the grid mean of
	// ILocal, Iterations the (replicate, stimulus) pairs computed.
	run.Stats
	Grid Grid
	X    []float64 // the axis of a 1-D grid
	// ILocal and Features[k] are the means over replicates (nats).
	ILocal   []float64
	Features [][]float64
	// Replicates[i] is replicate i's I_local at every stimulus and
	// Summary its mean with a 95% t interval per stimulus, what
	// widgets.ErrorBars draws; Lower and Upper are the interval's ends
	// (a widgets.Band with ILocal as its mean). With one replicate the
	// interval is the point.
	Replicates [][]float64
	Summary    []replicates.Summary
	Lower      []float64
	Upper      []float64
	// Gamma are the nodes (LogGamma their logarithms) and Integrand[p][i]
	// the mean over replicates of the integrand in d log γ at stimulus p
	// and node i, ½ E‖ε̂(y,γ,r) − ε̂(y,γ,∅)‖².
	Gamma     []float64
	LogGamma  []float64
	Integrand [][]float64
	Settings  EstimateSettings
}

// NoiseDifference is what the diffusion estimate needs from a model of
// the noisy stimulus: for n noisy stimuli y (n × d, row-major) at noise
// level γ = exp(logGamma) with responses r (n × N), write
//
//	ε̂(y,γ,r) − ε̂(y,γ,∅) = −√γ ∇_y log p(r|y)
//
// into dst (n × d). A Denoiser is one; LinearGaussian.ExactNoise gives the
// exact difference of a linear-Gaussian model, to separate the Monte Carlo
// error of the estimate from the network's.
type NoiseDifference interface {
	NoiseDifference(y []float64, logGamma float64, r, dst []float64) error
}

// Estimate is EstimateILocal with the denoiser's range of log γ (unless
// the settings give one).
func (dn *Denoiser) Estimate(e *Encoder, grid Grid, s *EstimateSettings) (*DiffusionEstimate, error) {
	if err := dn.check(e); err != nil {
		return nil, err
	}
	var set EstimateSettings
	if s != nil {
		set = *s
	}
	if set.LogGammaMin == 0 && set.LogGammaMax == 0 {
		set.LogGammaMin, set.LogGammaMax = dn.Config.LogGammaMin, dn.Config.LogGammaMax
	}
	return EstimateILocal(dn, e, grid, &set)
}

// EstimateILocal returns the diffusion estimate of I_local at every
// stimulus of grid:
//
//	I_local(x) = ½ ∫ E_{y~N(x,γI), r} ‖ε̂(y,γ,r) − ε̂(y,γ,∅)‖² d log γ
//
// over [LogGammaMin, LogGammaMax], by Gauss–Legendre nodes in log γ and
// Monte Carlo draws of y and r at each node. Below and above that range
// the integral is left out (for log γ from −9 to 7: about ½ e⁻⁹ J(x) and
// the c/γ² tail, 1e-3 nats each for the brief's neuron). Features[k]
// splits it over features.
func EstimateILocal(m NoiseDifference, e *Encoder, grid Grid, s *EstimateSettings) (*DiffusionEstimate, error) {
	start := time.Now()
	if m == nil {
		return nil, errors.New("information: EstimateILocal: nil model")
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if err := grid.validate(); err != nil {
		return nil, err
	}
	if grid.Dim() != e.Dim() {
		return nil, fmt.Errorf("information: EstimateILocal: the grid has %d axes, the encoder %d features", grid.Dim(), e.Dim())
	}
	set, err := s.resolve()
	if err != nil {
		return nil, err
	}
	d, n := e.Dim(), grid.Len()
	u, w := make([]float64, set.GammaNodes), make([]float64, set.GammaNodes)
	legendre(u, w, set.LogGammaMin, set.LogGammaMax)
	res := &DiffusionEstimate{Grid: grid, Settings: set, Gamma: make([]float64, len(u))}
	if d == 1 {
		res.X = grid.Axes[0]
	}
	for i, v := range u {
		res.Gamma[i] = math.Exp(v)
	}
	// per (replicate, point): features [k] and integrand [node]
	type unit struct{ feat, integ []float64 }
	units := make([]unit, set.Replicates*n)
	var mu sync.Mutex
	done := 0
	err = parallel.ForErr(len(units), parallel.Workers(set.Workers), func(_, idx int) error {
		rep, p := idx/n, idx%n
		rng := rand.New(rand.NewPCG(set.Seed+uint64(rep), uint64(p)))
		x := make([]float64, d)
		grid.Point(p, x)
		feat, integ, err := estimateAt(m, rng, e, x, u, w, set)
		if err != nil {
			return err
		}
		units[idx] = unit{feat, integ}
		tot := 0.0
		for _, v := range feat {
			tot += v
		}
		mu.Lock()
		defer mu.Unlock()
		done++
		if stop, err := set.Progress.Report(run.Step{Iteration: done, MaxIterations: len(units), Metric: "I_local", Value: tot}); stop {
			if err == nil {
				err = run.ErrStop
			}
			return err
		}
		return nil
	})
	res.Iterations = done
	if errors.Is(err, run.ErrStop) {
		res.Status, res.Runtime = run.Stopped, time.Since(start)
		return res, nil
	}
	if err != nil {
		return nil, fmt.Errorf("information: EstimateILocal: %w", err)
	}
	res.ILocal = make([]float64, n)
	res.Features = make([][]float64, d)
	for k := range res.Features {
		res.Features[k] = make([]float64, n)
	}
	res.LogGamma = u
	res.Integrand = make([][]float64, n)
	for p := range res.Integrand {
		res.Integrand[p] = make([]float64, len(u))
	}
	res.Replicates = make([][]float64, set.Replicates)
	nr := float64(set.Replicates)
	for rep := range res.Replicates {
		res.Replicates[rep] = make([]float64, n)
		for p := 0; p < n; p++ {
			un := units[rep*n+p]
			for k, v := range un.feat {
				res.Features[k][p] += v / nr
				res.Replicates[rep][p] += v
			}
			for i, v := range un.integ {
				res.Integrand[p][i] += v / nr
			}
			res.ILocal[p] += res.Replicates[rep][p] / nr
		}
	}
	res.Summary, err = replicates.Columns(res.Replicates)
	if err != nil {
		return nil, fmt.Errorf("information: EstimateILocal: %w", err)
	}
	for _, sm := range res.Summary {
		res.Lower, res.Upper = append(res.Lower, sm.Lo), append(res.Upper, sm.Hi)
	}
	for _, v := range res.ILocal {
		res.Objective += v / float64(n)
	}
	res.Status, res.Runtime = run.Finished, time.Since(start)
	return res, nil
}

// estimateAt returns the per-feature estimate at x and the integrand at
// every node.
func estimateAt(m NoiseDifference, rng *rand.Rand, e *Encoder, x, u, w []float64, set EstimateSettings) (feat, integ []float64, err error) {
	d, nr := e.Dim(), e.Responses()
	n := set.Samples
	ys, rs, diff := make([]float64, n*d), make([]float64, n*nr), make([]float64, n*d)
	xp := make([]float64, d)
	feat = make([]float64, d)
	integ = make([]float64, len(u))
	for q, l := range u {
		sg := math.Exp(0.5 * l)
		gamma := sg * sg
		for i := 0; i < n; i++ {
			y, r := ys[i*d:(i+1)*d], rs[i*nr:(i+1)*nr]
			for k := 0; k < d; k++ {
				y[k] = x[k] + sg*rng.NormFloat64()
			}
			if set.Sampling == ResponsesGivenY {
				e.SamplePosterior(rng, y, gamma, xp)
				e.SampleResponse(rng, xp, r)
			} else {
				e.SampleResponse(rng, x, r)
			}
		}
		if err := m.NoiseDifference(ys, l, rs, diff); err != nil {
			return nil, nil, err
		}
		for i := 0; i < n; i++ {
			for k := 0; k < d; k++ {
				v := 0.5 * diff[i*d+k] * diff[i*d+k] / float64(n)
				feat[k] += w[q] * v
				integ[q] += v
			}
		}
	}
	return feat, integ, nil
}

// NoiseDifference writes ε̂(y,γ,r) − ε̂(y,γ,∅) for a batch (see the
// interface), from one forward pass over the 2n network inputs.
func (dn *Denoiser) NoiseDifference(y []float64, logGamma float64, r, dst []float64) error {
	d, nr, nIn := dn.Prior.Dim(), len(dn.ResponseMean), dn.inputs()
	if len(y)%d != 0 || len(dst) != len(y) || len(r) != len(y)/d*nr {
		return fmt.Errorf("information: NoiseDifference: y has %d values, r %d, dst %d, for %d features and %d responses", len(y), len(r), len(dst), d, nr)
	}
	n := len(y) / d
	eg, c := make([]float64, d), make([]float64, d)
	dn.scales(logGamma, eg, c)
	return dn.forward(2*n, func(in []float32) {
		for i := 0; i < n; i++ {
			dn.encode(in[(2*i)*nIn:(2*i+1)*nIn], y[i*d:(i+1)*d], logGamma, r[i*nr:(i+1)*nr], true)
			dn.encode(in[(2*i+1)*nIn:(2*i+2)*nIn], y[i*d:(i+1)*d], logGamma, r[i*nr:(i+1)*nr], false)
		}
	}, func(out []float32) {
		for i := 0; i < n; i++ {
			for k := 0; k < d; k++ {
				dst[i*d+k] = c[k] * float64(out[(2*i)*d+k]-out[(2*i+1)*d+k])
			}
		}
	})
}
