package snn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Spike matrices here are [t][i] slices of 0/1 values: time × channel, the
// layout of one batch element of a network's input. SpikeTimes turns one
// into spike times for widgets.Raster.

// Poisson returns T steps of Poisson spike trains at rates[i] spikes per
// second in bins of dt seconds: each bin holds a spike with probability
// 1 − exp(−rate·dt) (at least one event of the Poisson process), as
// binary spike matrices do.
func Poisson(r *rand.Rand, rates []float64, T int, dt float64) ([][]float64, error) {
	if T < 1 || !(dt > 0) {
		return nil, fmt.Errorf("snn: Poisson: T = %d, dt = %v, want T ≥ 1 and dt > 0", T, dt)
	}
	p := make([]float64, len(rates))
	for i, l := range rates {
		if !(l >= 0) || math.IsInf(l, 0) {
			return nil, fmt.Errorf("snn: Poisson: rates[%d] = %v, want a finite rate ≥ 0", i, l)
		}
		p[i] = -math.Expm1(-l * dt)
	}
	return Rate(r, p, T)
}

// Rate is snnTorch's rate code (spikegen.rate): T steps in which channel i
// spikes with probability p[i] ∈ [0, 1] independently at every step.
func Rate(r *rand.Rand, p []float64, T int) ([][]float64, error) {
	if T < 1 {
		return nil, fmt.Errorf("snn: Rate: T = %d, want ≥ 1", T)
	}
	for i, v := range p {
		if !(v >= 0 && v <= 1) {
			return nil, fmt.Errorf("snn: Rate: p[%d] = %v, want a probability in [0, 1]", i, v)
		}
	}
	x := make([][]float64, T)
	for t := range x {
		x[t] = make([]float64, len(p))
		for i, v := range p {
			if r.Float64() < v {
				x[t][i] = 1
			}
		}
	}
	return x, nil
}

// Latency is a linear latency code (snnTorch's spikegen.latency with
// linear=True): channel i spikes once, at step round((1 − v_i)·(T − 1)),
// so larger values spike earlier; values ≤ threshold do not spike. Values
// must lie in [0, 1].
func Latency(values []float64, T int, threshold float64) ([][]float64, error) {
	if T < 1 {
		return nil, fmt.Errorf("snn: Latency: T = %d, want ≥ 1", T)
	}
	x := make([][]float64, T)
	for t := range x {
		x[t] = make([]float64, len(values))
	}
	for i, v := range values {
		if !(v >= 0 && v <= 1) {
			return nil, fmt.Errorf("snn: Latency: values[%d] = %v, want a value in [0, 1]", i, v)
		}
		if v <= threshold {
			continue
		}
		x[int(math.Round((1-v)*float64(T-1)))][i] = 1
	}
	return x, nil
}

// FlipNoise returns a copy of the spike matrix x in which every bin is set
// to 1 with probability pAdd and then every bin is set to 0 with
// probability pDel, the test-time noise of the HetSyn script (--noise_type
// add / del).
func FlipNoise(r *rand.Rand, x [][]float64, pAdd, pDel float64) ([][]float64, error) {
	if !(pAdd >= 0 && pAdd <= 1) || !(pDel >= 0 && pDel <= 1) {
		return nil, fmt.Errorf("snn: FlipNoise: pAdd = %v, pDel = %v, want probabilities in [0, 1]", pAdd, pDel)
	}
	out := make([][]float64, len(x))
	for t, row := range x {
		out[t] = append([]float64(nil), row...)
		for i := range row {
			if pAdd > 0 && r.Float64() < pAdd {
				out[t][i] = 1
			}
			if pDel > 0 && r.Float64() < pDel {
				out[t][i] = 0
			}
		}
	}
	return out, nil
}

// Stretch returns the spike matrix x played factor times slower (factor >
// 1) or faster: round(T·factor) steps, with a spike of step t moved to
// step floor(t·factor) (spikes that land in the same step merge), as the
// HetSyn script's time_scale stretches spike times.
func Stretch(x [][]float64, factor float64) ([][]float64, error) {
	if !(factor > 0) || math.IsInf(factor, 0) {
		return nil, fmt.Errorf("snn: Stretch: factor = %v, want a finite value > 0", factor)
	}
	if len(x) == 0 {
		return nil, fmt.Errorf("snn: Stretch: x has no time steps")
	}
	T := max(1, int(math.Round(float64(len(x))*factor)))
	out := make([][]float64, T)
	for t := range out {
		out[t] = make([]float64, len(x[0]))
	}
	for t, row := range x {
		s := min(T-1, int(float64(t)*factor))
		for i, v := range row {
			if v != 0 {
				out[s][i] = v
			}
		}
	}
	return out, nil
}
