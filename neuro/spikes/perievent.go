package spikes

import (
	"fmt"
	"math"

	"github.com/neuronb/neuronb/neuro/parallel"
)

// Perievent holds spike times aligned to events, pynapple's
// compute_perievent: for unit i and event k, the spikes t of unit i with
// Events[k] − Before ≤ t ≤ Events[k] + After, as times t − Events[k]
// relative to the event.
type Perievent struct {
	// IDs are the unit ids, one per unit.
	IDs []int
	// Events are the event times (s), one trial per event.
	Events []float64
	// Before and After bound the window [−Before, After] around each
	// event (s).
	Before, After float64
	trains        [][][]float64 // [unit][event]
}

// Perievent aligns every unit's spikes to events (finite times in seconds,
// in any order, one trial each) in the window [e − before, e + after].
func (g *TsGroup) Perievent(events []float64, before, after float64) (*Perievent, error) {
	for k, e := range events {
		if math.IsNaN(e) || math.IsInf(e, 0) {
			return nil, fmt.Errorf("spikes: Perievent: events[%d] = %v is not finite", k, e)
		}
	}
	if !(before >= 0) || !(after >= 0) || math.IsInf(before, 0) || math.IsInf(after, 0) || before+after == 0 {
		return nil, fmt.Errorf("spikes: Perievent: window [−%v, %v] s, want finite before, after ≥ 0 with a positive sum", before, after)
	}
	p := &Perievent{IDs: g.IDs(), Events: append([]float64(nil), events...), Before: before, After: after,
		trains: make([][][]float64, len(g.times))}
	parallel.For(len(g.times), 0, func(_, u int) {
		t := g.times[u]
		p.trains[u] = make([][]float64, len(events))
		for k, e := range events {
			lo := searchLeft(t, e-before)
			hi := searchRight(t[lo:], e+after) + lo
			rel := make([]float64, hi-lo)
			for i := range rel {
				rel[i] = t[lo+i] - e
			}
			p.trains[u][k] = rel
		}
	})
	return p, nil
}

// Trials returns unit i's aligned spike times, one slice per event
// (read-only): the input of widgets.Raster.
func (p *Perievent) Trials(i int) [][]float64 { return p.trains[i] }

// Unit returns unit i's trials as a TsGroup with one member per event (ids
// 0, 1, …, metadata column "event" holding the event times) and support
// [−Before, After], as pynapple returns them, so that Count bins them per
// trial.
func (p *Perievent) Unit(i int) *TsGroup {
	ids := make([]int, len(p.Events))
	for k := range ids {
		ids[k] = k
	}
	return &TsGroup{ids: ids, times: p.trains[i], support: newSet([]float64{-p.Before}, []float64{p.After}, Metadata{}),
		meta: Metadata{Numbers: map[string][]float64{"event": append([]float64(nil), p.Events...)}}}
}

// PSTH returns one peri-stimulus time histogram per unit (RateBand over
// the window [−Before, After) in bins of width bin), named "unit <id>".
func (p *Perievent) PSTH(bin float64) ([]*PSTH, error) {
	out := make([]*PSTH, len(p.trains))
	for i, tr := range p.trains {
		h, err := RateBand(tr, -p.Before, p.After, bin)
		if err != nil {
			return nil, fmt.Errorf("spikes: Perievent.PSTH: unit %d: %w", p.IDs[i], err)
		}
		h.Name = fmt.Sprintf("unit %d", p.IDs[i])
		out[i] = h
	}
	return out, nil
}

// PSTH is a peri-stimulus time histogram with a confidence band: the
// firing rate in Hz at bin centres, its mean over trials and a 95% band.
// widgets.PSTH draws a slice of them.
type PSTH struct {
	// Name labels the curve in charts ("unit 7", a condition).
	Name string
	// Centres are the bin centres (s, relative to the event).
	Centres []float64
	// Mean is the mean rate over trials (Hz); Lower and Upper bound its
	// 95% interval.
	Mean, Lower, Upper []float64
	// Trials is the number of trials averaged; Bin the bin width (s).
	Trials int
	Bin    float64
}

// RateBand bins spike times into a peri-stimulus time histogram: for bins
// [t0 + k·bin, t0 + (k+1)·bin) covering [t0, t1) (the last bin may stick
// out past t1), each trial's rate in bin k is r_ik = n_ik / bin, and the
// band is the mean over the N trials ± 1.96 standard errors,
//
//	r̄_k ± 1.96 · SD_k / √N,
//
// with SD_k the sample standard deviation (divisor N − 1; the band is
// empty for one trial), a normal-approximation 95% interval. Spike times
// outside [t0, t1) are ignored; a trial may be empty. Trial times need not
// be sorted.
func RateBand(trials [][]float64, t0, t1, bin float64) (*PSTH, error) {
	switch {
	case len(trials) == 0:
		return nil, fmt.Errorf("spikes: RateBand: trials is empty")
	case !(bin > 0) || math.IsInf(bin, 0):
		return nil, fmt.Errorf("spikes: RateBand: bin = %v, want a positive width", bin)
	case !(t1 > t0) || math.IsInf(t0, 0) || math.IsInf(t1, 0):
		return nil, fmt.Errorf("spikes: RateBand: [t0, t1) = [%v, %v) is not a finite, non-empty interval", t0, t1)
	}
	nb := int(math.Ceil((t1 - t0) / bin))
	if nb > 1_000_000 {
		return nil, fmt.Errorf("spikes: RateBand: %d bins of %v in [%v, %v); use wider bins", nb, bin, t0, t1)
	}
	counts := make([]float64, nb)
	// Welford's running mean and sum of squared deviations per bin.
	mean := make([]float64, nb)
	m2 := make([]float64, nb)
	for i, tr := range trials {
		clear(counts)
		for j, s := range tr {
			if math.IsNaN(s) {
				return nil, fmt.Errorf("spikes: RateBand: trials[%d][%d] is NaN", i, j)
			}
			if s < t0 || s >= t1 {
				continue
			}
			// Bin k is [t0 + k·bin, t0 + (k+1)·bin) with the edges computed
			// exactly so; the quotient can round across an edge.
			k := min(int((s-t0)/bin), nb-1)
			for k > 0 && s < t0+float64(k)*bin {
				k--
			}
			for k < nb-1 && s >= t0+float64(k+1)*bin {
				k++
			}
			counts[k]++
		}
		for k, c := range counts {
			rate := c / bin
			d := rate - mean[k]
			mean[k] += d / float64(i+1)
			m2[k] += d * (rate - mean[k])
		}
	}
	n := float64(len(trials))
	p := &PSTH{Centres: make([]float64, nb), Mean: make([]float64, nb), Lower: make([]float64, nb), Upper: make([]float64, nb),
		Trials: len(trials), Bin: bin}
	for k := range p.Centres {
		p.Centres[k] = t0 + (float64(k)+0.5)*bin
		m := mean[k]
		half := 0.0
		if n > 1 {
			half = 1.96 * math.Sqrt(m2[k]/(n-1)/n)
		}
		p.Mean[k], p.Lower[k], p.Upper[k] = m, m-half, m+half
	}
	return p, nil
}
