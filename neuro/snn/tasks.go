package snn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// PatternConfig describes the pattern-generation task (the LSNN/e-prop
// benchmark the HetSyn paper uses): frozen Poisson input, a sum of
// sinusoids as target. Zero fields take the defaults.
type PatternConfig struct {
	// Inputs is the number of input channels; 0 means 50.
	Inputs int
	// Steps is the trial length; 0 means 1000.
	Steps int
	// Dt is the step in seconds; 0 means 1 ms.
	Dt float64
	// Rate is the input channels' rate in Hz; 0 means 20.
	Rate float64
	// Frequencies of the target's sinusoids in Hz; nil means 1, 2, 3, 5.
	Frequencies []float64
}

func (c PatternConfig) resolved() (PatternConfig, error) {
	if c.Inputs < 0 || c.Steps < 0 || c.Dt < 0 || c.Rate < 0 {
		return c, fmt.Errorf("snn: PatternConfig %+v: negative field", c)
	}
	if c.Inputs == 0 {
		c.Inputs = 50
	}
	if c.Steps == 0 {
		c.Steps = 1000
	}
	if c.Dt == 0 {
		c.Dt = 1e-3
	}
	if c.Rate == 0 {
		c.Rate = 20
	}
	if c.Frequencies == nil {
		c.Frequencies = []float64{1, 2, 3, 5}
	}
	for i, f := range c.Frequencies {
		if !(f > 0) || math.IsInf(f, 0) {
			return c, fmt.Errorf("snn: PatternConfig: Frequencies[%d] = %v, want > 0", i, f)
		}
	}
	return c, nil
}

// PatternTask is one instance of pattern generation: Input (Steps ×
// Inputs, frozen Poisson spikes) must be mapped to Target (Steps values),
//
//	target(t) = Σ_k a_k·sin(2π f_k t + φ_k),  a_k ~ U(0.5, 2), φ_k ~ U(0, 2π)
//
// standardised to mean 0 and variance 1, so that the mean squared error is
// also the normalised MSE (MSE / Var(target)).
type PatternTask struct {
	Config PatternConfig
	Input  [][]float64
	Target []float64
}

// NewPatternTask draws a task instance.
func NewPatternTask(r *rand.Rand, c PatternConfig) (*PatternTask, error) {
	c, err := c.resolved()
	if err != nil {
		return nil, err
	}
	rates := make([]float64, c.Inputs)
	for i := range rates {
		rates[i] = c.Rate
	}
	x, err := Poisson(r, rates, c.Steps, c.Dt)
	if err != nil {
		return nil, err
	}
	y := make([]float64, c.Steps)
	for _, f := range c.Frequencies {
		a, ph := 0.5+1.5*r.Float64(), 2*math.Pi*r.Float64()
		for t := range y {
			y[t] += a * math.Sin(2*math.Pi*f*float64(t)*c.Dt+ph)
		}
	}
	var m, v float64
	for _, u := range y {
		m += u
	}
	m /= float64(len(y))
	for _, u := range y {
		v += (u - m) * (u - m)
	}
	sd := math.Sqrt(v / float64(len(y)))
	for t := range y {
		y[t] = (y[t] - m) / sd
	}
	return &PatternTask{Config: c, Input: x, Target: y}, nil
}

// Batch returns the task as a batch of one element with its MSE loss, for
// Network.Gradient and Fit.
func (p *PatternTask) Batch() ([][][]float64, Loss) {
	tg := make([][]float64, len(p.Target))
	for t, v := range p.Target {
		tg[t] = []float64{v}
	}
	return [][][]float64{p.Input}, MSE{Target: [][][]float64{tg}}
}

// NMSE returns the normalised mean squared error of an output y[t][0]
// against the target: Σ_t (y − target)² / Σ_t (target − mean)².
func (p *PatternTask) NMSE(y [][]float64) (float64, error) {
	if len(y) != len(p.Target) {
		return 0, fmt.Errorf("snn: NMSE: %d output steps for a target of %d", len(y), len(p.Target))
	}
	var num, den, m float64
	for _, v := range p.Target {
		m += v
	}
	m /= float64(len(p.Target))
	for t, v := range p.Target {
		if len(y[t]) < 1 {
			return 0, fmt.Errorf("snn: NMSE: y[%d] is empty", t)
		}
		num += (y[t][0] - v) * (y[t][0] - v)
		den += (v - m) * (v - m)
	}
	return num / den, nil
}

// DMSConfig describes delayed match-to-sample with spiking input. Inputs
// come in four groups of Channels channels: cue A, cue B, background noise
// and "go". A trial shows a sample cue (A or B) for CueSteps steps, waits
// for the delay, shows a test cue (A or B) for CueSteps, then opens a
// response window of ResponseSteps steps signalled by the go channels; the
// network must answer "match" (class 1) when both cues are the same and
// "non-match" (class 0) otherwise. Zero fields take the defaults.
type DMSConfig struct {
	// Dt is the step in seconds; 0 means 10 ms.
	Dt float64
	// Channels per group; 0 means 10 (40 inputs).
	Channels int
	// CueSteps and ResponseSteps; 0 means 10 each (100 ms).
	CueSteps, ResponseSteps int
	// CueRate (cue and go channels while active) and NoiseRate (the
	// background channels, always) in Hz; 0 means 50 and 10.
	CueRate, NoiseRate float64
}

func (c DMSConfig) resolved() (DMSConfig, error) {
	if c.Dt < 0 || c.Channels < 0 || c.CueSteps < 0 || c.ResponseSteps < 0 || c.CueRate < 0 || c.NoiseRate < 0 {
		return c, fmt.Errorf("snn: DMSConfig %+v: negative field", c)
	}
	if c.Dt == 0 {
		c.Dt = 10e-3
	}
	if c.Channels == 0 {
		c.Channels = 10
	}
	if c.CueSteps == 0 {
		c.CueSteps = 10
	}
	if c.ResponseSteps == 0 {
		c.ResponseSteps = 10
	}
	if c.CueRate == 0 {
		c.CueRate = 50
	}
	if c.NoiseRate == 0 {
		c.NoiseRate = 10
	}
	return c, nil
}

// Inputs returns the number of input channels, 4·Channels.
func (c DMSConfig) Inputs() int {
	r, err := c.resolved()
	if err != nil {
		return 0
	}
	return 4 * r.Channels
}

// DMSBatch is a batch of DMS trials.
type DMSBatch struct {
	// X[b][t][i] are the input spikes.
	X [][][]float64
	// Sample and Test are the cues (0 = A, 1 = B); Labels the answers
	// (1 = match).
	Sample, Test, Labels []int
	// Window is the response window [From, To) in steps.
	Window [2]int
}

// Loss returns the window cross-entropy of the batch.
func (d *DMSBatch) Loss() WindowCE {
	return WindowCE{Labels: d.Labels, From: d.Window[0], To: d.Window[1]}
}

// Accuracy returns the fraction of trials whose readout, averaged over the
// response window, ranks the right answer first.
func (d *DMSBatch) Accuracy(out [][][]float64) (float64, error) {
	if len(out) != len(d.Labels) {
		return 0, fmt.Errorf("snn: DMS accuracy: %d readouts for %d trials", len(out), len(d.Labels))
	}
	l := d.Loss()
	correct := 0
	for b, y := range out {
		if len(y) < d.Window[1] {
			return 0, fmt.Errorf("snn: DMS accuracy: readout %d has %d steps, the window ends at %d", b, len(y), d.Window[1])
		}
		if Argmax(l.Logits(y)) == d.Labels[b] {
			correct++
		}
	}
	return float64(correct) / float64(len(out)), nil
}

// SampleDMS draws batch trials with the given delay (seconds) and every
// duration multiplied by stretch (1 for the trained timescale; the test of
// generalisation across timescales plays trials slower or faster).
func SampleDMS(r *rand.Rand, c DMSConfig, batch int, delay, stretch float64) (*DMSBatch, error) {
	c, err := c.resolved()
	if err != nil {
		return nil, err
	}
	if batch < 1 || !(delay >= 0) || !(stretch > 0) || math.IsInf(delay, 0) || math.IsInf(stretch, 0) {
		return nil, fmt.Errorf("snn: SampleDMS: batch = %d, delay = %v, stretch = %v, want batch ≥ 1, delay ≥ 0, stretch > 0", batch, delay, stretch)
	}
	steps := func(n float64) int { return max(1, int(math.Round(n*stretch))) }
	cue, resp := steps(float64(c.CueSteps)), steps(float64(c.ResponseSteps))
	del := int(math.Round(delay / c.Dt * stretch))
	T := 2*cue + del + resp
	ch := c.Channels
	pCue, pNoise := -math.Expm1(-c.CueRate*c.Dt), -math.Expm1(-c.NoiseRate*c.Dt)
	d := &DMSBatch{X: make([][][]float64, batch), Sample: make([]int, batch), Test: make([]int, batch), Labels: make([]int, batch),
		Window: [2]int{2*cue + del, T}}
	for b := range d.X {
		s, u := r.IntN(2), r.IntN(2)
		d.Sample[b], d.Test[b] = s, u
		if s == u {
			d.Labels[b] = 1
		}
		x := make([][]float64, T)
		for t := range x {
			x[t] = make([]float64, 4*ch)
			group := -1
			switch {
			case t < cue:
				group = s
			case t >= cue+del && t < 2*cue+del:
				group = u
			case t >= 2*cue+del:
				group = 3
			}
			for i := 0; i < ch; i++ {
				if group >= 0 && r.Float64() < pCue {
					x[t][group*ch+i] = 1
				}
				if r.Float64() < pNoise {
					x[t][2*ch+i] = 1
				}
			}
		}
		d.X[b] = x
	}
	return d, nil
}
