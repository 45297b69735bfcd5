package snn

import (
	"fmt"
	"math"

	"github.com/neuronb/neuronb/neuro/parallel"
)

// Trace is what a forward run recorded, indexed [batch][time][unit]:
// spikes z, membrane potentials v (before the threshold), reset currents R
// and readouts y. Time t covers [t·Dt, (t+1)·Dt).
type Trace struct {
	Dt                    float64
	Spikes, V, Reset, Out [][][]float64
}

// SpikeTimes returns the spike times (t·Dt, in seconds) of every neuron in
// batch element b, one row per neuron, as widgets.Raster draws them. A
// smooth spike counts when it exceeds 1/2.
func (tr *Trace) SpikeTimes(b int) ([][]float64, error) {
	if b < 0 || b >= len(tr.Spikes) {
		return nil, fmt.Errorf("snn: SpikeTimes: batch element %d of %d", b, len(tr.Spikes))
	}
	return SpikeTimes(tr.Spikes[b], tr.Dt), nil
}

// Rates returns the mean firing rate of every neuron of batch element b in
// spikes per second.
func (tr *Trace) Rates(b int) ([]float64, error) {
	if b < 0 || b >= len(tr.Spikes) {
		return nil, fmt.Errorf("snn: Rates: batch element %d of %d", b, len(tr.Spikes))
	}
	z := tr.Spikes[b]
	if len(z) == 0 {
		return nil, nil
	}
	r := make([]float64, len(z[0]))
	for _, row := range z {
		for j, v := range row {
			r[j] += v
		}
	}
	for j := range r {
		r[j] /= float64(len(z)) * tr.Dt
	}
	return r, nil
}

// scratch is one worker's memory for one batch element at a time.
type scratch struct {
	T                    int
	iin, irec, iout, r   []float64
	keep, keepNext, zero []float64
	V, Z, R, Y           []float64 // T × N (T × Outputs for Y)
	hin, hrec, hout      []float64 // T × size, when stored
	zIdx                 []int
	zOff                 []int
	yRows, gyRows        [][]float64
	gy                   []float64
	gin, grec, gout      []float64
	gz, gzPrev, gv, gR   []float64
	gk                   []float64
	gvHist               []float64
	qin, qrec, qout      []float64
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// scratchFor returns worker w's scratch sized for T steps.
func (n *Network) scratchFor(w, T int, synHistory, forwardMode bool) *scratch {
	for len(n.scratch) <= w {
		n.scratch = append(n.scratch, &scratch{})
	}
	s := n.scratch[w]
	c := &n.cfg
	N, O := c.Neurons, c.Outputs
	in, rec, out := n.projections()
	s.T = T
	s.iin, s.irec, s.iout = grow(s.iin, in.size()), grow(s.irec, rec.size()), grow(s.iout, out.size())
	s.r, s.keep, s.keepNext, s.zero = grow(s.r, N), grow(s.keep, N), grow(s.keepNext, N), grow(s.zero, N)
	clear(s.zero)
	s.V, s.Z, s.R, s.Y = grow(s.V, T*N), grow(s.Z, T*N), grow(s.R, T*N), grow(s.Y, T*O)
	hist := func(h []float64, p *proj) []float64 {
		if p.syn && !synHistory {
			return h[:0]
		}
		return grow(h, T*p.size())
	}
	s.hin, s.hrec, s.hout = hist(s.hin, in), hist(s.hrec, rec), hist(s.hout, out)
	if cap(s.zOff) < T+1 {
		s.zOff = make([]int, T+1)
	}
	s.zOff = s.zOff[:T+1]
	s.gy = grow(s.gy, T*O)
	if cap(s.yRows) < T {
		s.yRows, s.gyRows = make([][]float64, T), make([][]float64, T)
	}
	s.yRows, s.gyRows = s.yRows[:T], s.gyRows[:T]
	for t := 0; t < T; t++ {
		s.yRows[t], s.gyRows[t] = s.Y[t*O:(t+1)*O], s.gy[t*O:(t+1)*O]
	}
	s.gin, s.grec, s.gout = grow(s.gin, in.size()), grow(s.grec, rec.size()), grow(s.gout, out.size())
	s.gz, s.gzPrev, s.gv, s.gR, s.gk = grow(s.gz, N), grow(s.gzPrev, N), grow(s.gv, N), grow(s.gR, N), grow(s.gk, N)
	if forwardMode {
		s.gvHist = grow(s.gvHist, T*N)
		s.qin, s.qrec, s.qout = grow(s.qin, in.size()), grow(s.qrec, rec.size()), grow(s.qout, out.size())
	}
	return s
}

// ScratchBytes returns the memory the network's scratch buffers hold now
// (every worker's, and the gradient accumulators): after a Gradient call on
// a fresh network, what that call's mode needed.
func (n *Network) ScratchBytes() int {
	total := 0
	for _, s := range n.scratch {
		for _, b := range [][]float64{s.iin, s.irec, s.iout, s.r, s.keep, s.keepNext, s.zero, s.V, s.Z, s.R, s.Y,
			s.hin, s.hrec, s.hout, s.gy, s.gin, s.grec, s.gout, s.gz, s.gzPrev, s.gv, s.gR, s.gk, s.gvHist,
			s.qin, s.qrec, s.qout} {
			total += 8 * cap(b)
		}
		total += 8 * (cap(s.zIdx) + cap(s.zOff))
	}
	for _, g := range n.acc {
		for _, w := range g.w {
			total += 8 * cap(w)
		}
	}
	return total
}

// projections returns the network's three projections over its current
// parameter values.
func (n *Network) projections() (in, rec, out *proj) {
	c := &n.cfg
	syn := c.Model.perSynapse()
	in = &proj{pre: c.Inputs, post: c.Neurons, syn: syn, w: n.WIn.Value, rho: n.RhoIn.Value}
	rec = &proj{pre: c.Neurons, post: c.Neurons, syn: syn, w: n.WRec.Value, rho: n.RhoRec.Value}
	out = &proj{pre: c.Neurons, post: c.Outputs, syn: syn, w: n.WOut.Value, rho: n.RhoOut.Value}
	return
}

// zAct returns the active neurons at step t (binary spikes only), nil for
// t < 0 handled by the caller.
func (s *scratch) zAct(t int) []int { return s.zIdx[s.zOff[t]:s.zOff[t+1]] }

// simulate runs one batch element x (T × Inputs; xact lists the ones of
// each row for spike input, nil for analog input) through the network,
// recording membranes, spikes, reset currents and readouts, and the
// currents' history where the backward pass needs it.
func (n *Network) simulate(s *scratch, in, rec, out *proj, x [][]float64, xact [][]int) {
	c := &n.cfg
	N, O, T := c.Neurons, c.Outputs, s.T
	sm := c.smooth()
	clear(s.iin)
	clear(s.irec)
	clear(s.iout)
	clear(s.r)
	s.zIdx = s.zIdx[:0]
	s.zOff[0] = 0
	theta, rhoR := c.Theta, n.rhoR
	for t := 0; t < T; t++ {
		zprev := s.zero
		var zpAct []int
		if t > 0 {
			zprev = s.Z[(t-1)*N : t*N]
			if sm == nil {
				zpAct = s.zAct(t - 1)
			}
		} else if sm == nil {
			zpAct = s.zIdx[:0]
		}
		var keep []float64
		if c.Reset == Zero {
			keep = s.keep
			for j, z := range zprev {
				keep[j] = 1 - z
			}
		}
		v := s.V[t*N : (t+1)*N]
		clear(v)
		var xa []int
		if xact != nil {
			xa = xact[t]
		}
		in.forward(s.iin, x[t], xa, keep, v)
		rec.forward(s.irec, zprev, zpAct, keep, v)
		r := s.R[t*N : (t+1)*N]
		if c.Reset == Subtract {
			for j, z := range zprev {
				s.r[j] = rhoR*s.r[j] + theta*z
				v[j] -= s.r[j]
			}
			copy(r, s.r)
		} else {
			clear(r)
		}
		z := s.Z[t*N : (t+1)*N]
		if sm != nil {
			for j, vj := range v {
				z[j] = sm.Spike(vj - theta)
			}
		} else {
			for j, vj := range v {
				if vj > theta {
					z[j] = 1
					s.zIdx = append(s.zIdx, j)
				} else {
					z[j] = 0
				}
			}
		}
		s.zOff[t+1] = len(s.zIdx)
		y := s.Y[t*O : (t+1)*O]
		clear(y)
		var za []int
		if sm == nil {
			za = s.zAct(t)
		}
		out.forward(s.iout, z, za, nil, y)
		if len(s.hin) > 0 {
			copy(s.hin[t*len(s.iin):], s.iin)
		}
		if len(s.hrec) > 0 {
			copy(s.hrec[t*len(s.irec):], s.irec)
		}
		if len(s.hout) > 0 {
			copy(s.hout[t*len(s.iout):], s.iout)
		}
	}
}

// checkInput validates a batch x[b][t][i] and returns its length T and,
// for spike input, the ones of every row.
func (n *Network) checkInput(fn string, x [][][]float64) (int, [][][]int, error) {
	c := &n.cfg
	if len(x) == 0 {
		return 0, nil, fmt.Errorf("snn: %s: x has no batch elements", fn)
	}
	T := len(x[0])
	if T == 0 {
		return 0, nil, fmt.Errorf("snn: %s: x[0] has T = 0 time steps, want at least 1", fn)
	}
	var act [][][]int
	if !c.AnalogInput {
		act = make([][][]int, len(x))
	}
	for b, xb := range x {
		if len(xb) != T {
			return 0, nil, fmt.Errorf("snn: %s: x[%d] has %d time steps, x[0] has %d: every batch element must have the same length", fn, b, len(xb), T)
		}
		var idx []int
		var off []int
		if act != nil {
			off = make([]int, T+1)
		}
		for t, row := range xb {
			if len(row) != c.Inputs {
				return 0, nil, fmt.Errorf("snn: %s: x[%d][%d] has %d inputs, the network has %d", fn, b, t, len(row), c.Inputs)
			}
			for i, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return 0, nil, fmt.Errorf("snn: %s: x[%d][%d][%d] = %v, want a finite value", fn, b, t, i, v)
				}
				if act == nil {
					continue
				}
				switch v {
				case 1:
					idx = append(idx, i)
				case 0:
				default:
					return 0, nil, fmt.Errorf("snn: %s: x[%d][%d][%d] = %v, want a spike (0 or 1); set Config.AnalogInput for analog input", fn, b, t, i, v)
				}
			}
			if act != nil {
				off[t+1] = len(idx)
			}
		}
		if act != nil {
			act[b] = make([][]int, T)
			for t := range act[b] {
				act[b][t] = idx[off[t]:off[t+1]:off[t+1]]
			}
		}
	}
	return T, act, nil
}

// Forward runs the network over a batch of inputs x[b][t][i] (spikes, 0 or
// 1, unless Config.AnalogInput) on Workers(workers) goroutines (results do
// not depend on it) and returns everything it recorded.
func (n *Network) Forward(x [][][]float64, workers int) (*Trace, error) {
	if err := n.checkParams(); err != nil {
		return nil, err
	}
	T, act, err := n.checkInput("Forward", x)
	if err != nil {
		return nil, err
	}
	c := &n.cfg
	N, O := c.Neurons, c.Outputs
	B := len(x)
	tr := &Trace{Dt: c.Dt, Spikes: make([][][]float64, B), V: make([][][]float64, B), Reset: make([][][]float64, B), Out: make([][][]float64, B)}
	in, rec, out := n.projections()
	w := min(parallel.Workers(workers), B)
	for k := 0; k < w; k++ {
		n.scratchFor(k, T, false, false)
	}
	parallel.For(B, w, func(wk, b int) {
		s := n.scratch[wk]
		var xa [][]int
		if act != nil {
			xa = act[b]
		}
		n.simulate(s, in, rec, out, x[b], xa)
		tr.Spikes[b], tr.V[b], tr.Reset[b], tr.Out[b] = rows(s.Z, T, N), rows(s.V, T, N), rows(s.R, T, N), rows(s.Y, T, O)
	})
	return tr, nil
}

// rows copies a T × n row-major slice into T rows.
func rows(flat []float64, T, n int) [][]float64 {
	data := make([]float64, T*n)
	copy(data, flat[:T*n])
	out := make([][]float64, T)
	for t := range out {
		out[t] = data[t*n : (t+1)*n : (t+1)*n]
	}
	return out
}

// SpikeTimes converts a binary spike matrix z[t][j] (time × unit, as Trace
// and the encoders hold them) into spike times t·dt per unit, as
// widgets.Raster draws them. Values above 1/2 count as spikes.
func SpikeTimes(z [][]float64, dt float64) [][]float64 {
	if len(z) == 0 {
		return nil
	}
	out := make([][]float64, len(z[0]))
	for t, row := range z {
		for j, v := range row {
			if v > 0.5 {
				out[j] = append(out[j], float64(t)*dt)
			}
		}
	}
	return out
}
