package clds

import (
	"fmt"
	"math"

	"github.com/neuronb/neuronb/neuro/spikes"
	"gonum.org/v1/gonum/mat"
)

// TrialsFromSpikes turns a binned recording into trials: one Trial per
// support interval of y (the epochs y was binned over, as
// spikes.TsGroup.Count gives them), with Y the rows of y in that interval
// (bins × units, after whatever smoothing and transforms were applied) and
// U the covariate u at the bin centres, the sample closest in time within
// the same interval (spikes' ValueFrom with Closest), for instance the head
// direction θ. u may be nil when no parameter is a GP. A bin with a NaN
// value is marked missing in the trial's Mask.
//
// This bridge lives in clds, which imports spikes, so that the data
// package never depends on a model. The CLDS paper's preprocessing is, in
// package spikes: Count(0.05, trials); Convolve with GaussianWindow(4, 4)
// and EdgeRenormalize (pandas' centred rolling mean); Scale(4); Sqrt;
// ZScore(Global). Its reference code takes θ at each bin's left edge; this
// bridge takes it at the centre, the middle of the time the bin counts.
//
// An interval without bins, or whose bins lack a covariate sample, is an
// error naming the interval and the bin.
func TrialsFromSpikes(y, u *spikes.Tsd) ([]Trial, error) {
	if y == nil {
		return nil, fmt.Errorf("clds: TrialsFromSpikes: y is nil")
	}
	ep := y.Support()
	if ep.Len() == 0 {
		return nil, fmt.Errorf("clds: TrialsFromSpikes: y has no support interval")
	}
	var cond []*spikes.Tsd
	if u != nil {
		at, err := y.ValueFrom(u, ep, spikes.Closest)
		if err != nil {
			return nil, fmt.Errorf("clds: TrialsFromSpikes: %w", err)
		}
		cond = at.Epochs()
	}
	trials := make([]Trial, ep.Len())
	for k, e := range y.Epochs() {
		T, N := e.Len(), e.Cols()
		if T == 0 {
			return nil, fmt.Errorf("clds: TrialsFromSpikes: interval %d [%v, %v] holds no bins", k, ep.Start(k), ep.End(k))
		}
		tr := Trial{Y: mat.NewDense(T, N, append([]float64(nil), e.Values()...))}
		missing := false
		mask := make([]bool, T)
		for t := range mask {
			mask[t] = true
			for j := 0; j < N; j++ {
				if math.IsNaN(e.At(t, j)) {
					mask[t], missing = false, true
				}
			}
		}
		if missing {
			tr.Mask = mask
		}
		if cond != nil {
			c := cond[k]
			for t := 0; t < T; t++ {
				for j := 0; j < c.Cols(); j++ {
					if v := c.At(t, j); math.IsNaN(v) {
						return nil, fmt.Errorf("clds: TrialsFromSpikes: interval %d, bin %d (t = %v s): the covariate has no sample in the interval or its sample is NaN", k, t, e.Times()[t])
					}
				}
			}
			tr.U = mat.NewDense(T, c.Cols(), append([]float64(nil), c.Values()...))
		}
		trials[k] = tr
	}
	return trials, nil
}
