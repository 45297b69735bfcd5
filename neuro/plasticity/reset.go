package plasticity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/neuronb/neuronb/neuro/train"
)

// Mask says how the neurons to reset are chosen from a layer's scores.
type Mask int

const (
	// Threshold resets every neuron with s_i ≤ τ.
	Threshold Mask = iota
	// Percentage resets the ⌊Fraction·H⌋ neurons of lowest raw score g_i.
	Percentage
	// Hybrid resets the neurons with s_i ≤ τ, at most ⌊Fraction·H⌋ of
	// them, lowest scores first.
	Hybrid
)

// Init is how reset neurons' incoming weights are drawn.
type Init int

const (
	// HeUniform (ReGraMa): W_ij ~ U(±sqrt(6/fan_in)), b_i ~ U(±1/sqrt(fan_in)).
	HeUniform Init = iota
	// XavierUniform (ReDo): W_ij ~ U(±sqrt(6/(fan_in + fan_out))), b_i = 0.
	XavierUniform
)

// ResetSettings configures a Resetter. Start from ReGraMa() or ReDo(),
// which hold the methods' defaults, and change fields.
type ResetSettings struct {
	// Metric scores the neurons.
	Metric Metric
	// Tau is the threshold τ ≥ 0 on the normalised score; 0 resets only
	// neurons whose raw score is exactly zero.
	Tau float64
	// Period is the number of gradient steps between resets (Step resets
	// at steps Period, 2·Period, ...); it must be ≥ 1.
	Period int
	// Mask and Fraction choose the neurons from the scores; Fraction, in
	// (0, 1], is the share (Percentage) or the cap (Hybrid).
	Mask     Mask
	Fraction float64
	// Init draws the reset neurons' incoming weights and biases. LayerNorm
	// gains and shifts of reset neurons return to 1 and 0.
	Init Init
	// ZeroOutgoing sets the reset neurons' outgoing weights (columns of
	// train.Net.Outgoing) to zero; otherwise they are left as they are.
	ZeroOutgoing bool
	// ResetMoments zeroes Adam's moments of everything reset (rows of the
	// incoming weights, bias and LayerNorm entries, and, with
	// ZeroOutgoing, the outgoing columns); it needs the optimizer.
	ResetMoments bool
	// ZeroGradients zeroes the current gradients of everything reset, so
	// that the optimizer step that follows applies no stale gradient.
	ZeroGradients bool
}

// ReGraMa returns the settings of the authors' GradientReDo: GraMa scores,
// τ = 0.1, every 1000 gradient steps, threshold mask, He-uniform incoming
// weights, outgoing weights untouched, current gradient rows zeroed, Adam
// moments kept (their SAC runs pass no optimizer).
func ReGraMa() ResetSettings {
	return ResetSettings{Metric: GraMa, Tau: 0.1, Period: 1000, Mask: Threshold, Init: HeUniform, ZeroGradients: true}
}

// ReDo returns the settings of ReDo (Sokar et al. 2023, dopamine's
// NeuronRecycler): τ-dormant scores, τ = 0.1, every 1000 gradient steps,
// Xavier-uniform incoming weights, zero bias, zero outgoing weights, Adam
// moments zeroed under the mask, current gradients zeroed.
func ReDo() ResetSettings {
	return ResetSettings{Metric: TauDormant, Tau: 0.1, Period: 1000, Mask: Threshold, Init: XavierUniform,
		ZeroOutgoing: true, ResetMoments: true, ZeroGradients: true}
}

func (s ResetSettings) validate(hasOpt bool) error {
	switch {
	case s.Metric < TauDormant || s.Metric > GraMaPreAct:
		return fmt.Errorf("Metric = %v", s.Metric)
	case !(s.Tau >= 0) || math.IsInf(s.Tau, 0):
		return fmt.Errorf("Tau = %v, want a finite value ≥ 0", s.Tau)
	case s.Period < 1:
		return fmt.Errorf("Period = %d, want ≥ 1 gradient step", s.Period)
	case s.Mask < Threshold || s.Mask > Hybrid:
		return fmt.Errorf("Mask = %d", s.Mask)
	case s.Mask != Threshold && !(s.Fraction > 0 && s.Fraction <= 1):
		return fmt.Errorf("Fraction = %v with a Percentage or Hybrid mask, want in (0, 1]", s.Fraction)
	case s.Init != HeUniform && s.Init != XavierUniform:
		return fmt.Errorf("Init = %d", s.Init)
	case s.ResetMoments && !hasOpt:
		return fmt.Errorf("ResetMoments needs the optimizer, and none was given")
	}
	return nil
}

// LayerReset is what one reset did to one hidden layer.
type LayerReset struct {
	Layer int    `json:"layer"`
	Name  string `json:"name"`
	// Neurons lists the reset neurons; Count = len(Neurons) of Total.
	Neurons  []int   `json:"neurons"`
	Count    int     `json:"count"`
	Total    int     `json:"total"`
	Fraction float64 `json:"fraction"`
	// Again lists the neurons reset now that were also reset at the
	// previous reset: they stayed (or fell) inactive in between (dopamine's
	// log of intersected dead neurons).
	Again []int `json:"again"`
}

// Reset is what one reset did.
type Reset struct {
	// Step is the gradient step (Resetter.Step calls) at which it ran.
	Step int `json:"step"`
	// Scores are the scores the mask was taken from.
	Scores *Scores      `json:"-"`
	Layers []LayerReset `json:"layers"`
	// Count of Neurons hidden neurons were reset (Fraction = Count/Neurons,
	// the "reset fraction" of the logs).
	Count    int     `json:"count"`
	Neurons  int     `json:"neurons"`
	Fraction float64 `json:"fraction"`
}

// Resetter resets a network's inactive neurons every Period gradient
// steps: ReGraMa (Liu et al. 2025) or ReDo (Sokar et al. 2023) depending
// on its settings.
type Resetter[T train.Float] struct {
	net   *train.Net[T]
	opt   *train.Adam[T]
	set   ResetSettings
	steps int
	last  map[int][]int
	log   []Reset
}

// NewResetter returns a Resetter of net; opt, the network's optimizer,
// may be nil unless s.ResetMoments.
func NewResetter[T train.Float](net *train.Net[T], opt *train.Adam[T], s ResetSettings) (*Resetter[T], error) {
	if net == nil {
		return nil, fmt.Errorf("plasticity: NewResetter: nil network")
	}
	if err := s.validate(opt != nil); err != nil {
		return nil, fmt.Errorf("plasticity: NewResetter: %w", err)
	}
	if len(net.Hidden()) == 0 {
		return nil, fmt.Errorf("plasticity: NewResetter: the network has no hidden layer")
	}
	if s.ResetMoments { // every moment a reset touches must be the optimizer's, checked before any reset
		for _, li := range net.Hidden() {
			l := net.Layers[li]
			ps := []*train.Param[T]{l.W, l.B, l.Gain, l.Shift}
			if s.ZeroOutgoing {
				ps = append(ps, net.Outgoing(li))
			}
			for _, p := range ps {
				if p == nil {
					continue
				}
				if _, _, _, err := opt.Moments(p); err != nil {
					return nil, fmt.Errorf("plasticity: NewResetter: ResetMoments: %w", err)
				}
			}
		}
	}
	return &Resetter[T]{net: net, opt: opt, set: s, last: map[int][]int{}}, nil
}

// Settings returns the resetter's settings.
func (r *Resetter[T]) Settings() ResetSettings { return r.set }

// Log returns every reset so far.
func (r *Resetter[T]) Log() []Reset { return r.log }

// Step counts one gradient step. Call it after Backward and before the
// optimizer's step, on the cache of that batch; every Period-th call it
// resets (see Reset) and returns what it did, otherwise it returns nil.
func (r *Resetter[T]) Step(rng *rand.Rand, c *train.Cache[T]) (*Reset, error) {
	r.steps++
	if r.steps%r.set.Period != 0 {
		return nil, nil
	}
	res, err := r.Reset(rng, c)
	if err != nil {
		r.steps--
		return nil, err
	}
	return res, nil
}

// Reset scores the network on the batch of c now and resets the masked
// neurons of every hidden layer: incoming weights and bias redrawn
// (Settings.Init, from rng), LayerNorm gain and shift to 1 and 0, and as
// configured outgoing weights zeroed, gradients zeroed and Adam moments
// zeroed. On an error (bad scores, NaN) nothing is reset.
func (r *Resetter[T]) Reset(rng *rand.Rand, c *train.Cache[T]) (*Reset, error) {
	if rng == nil {
		return nil, fmt.Errorf("plasticity: Reset: nil rng")
	}
	sc, err := Score(r.net, c, r.set.Metric, r.set.Tau)
	if err != nil {
		return nil, fmt.Errorf("plasticity: Reset: %w", err)
	}
	res := &Reset{Step: r.steps, Scores: sc}
	for _, ls := range sc.Layers {
		mask := r.mask(ls)
		lr := LayerReset{Layer: ls.Layer, Name: ls.Name, Neurons: mask, Count: len(mask), Total: len(ls.Raw),
			Fraction: float64(len(mask)) / float64(len(ls.Raw)), Again: intersect(mask, r.last[ls.Layer])}
		res.Layers = append(res.Layers, lr)
		res.Count += lr.Count
		res.Neurons += lr.Total
	}
	res.Fraction = float64(res.Count) / float64(res.Neurons)
	// Incoming sides first, outgoing sides after: a neuron's outgoing
	// weights are the next layer's incoming rows, and a zeroed outgoing
	// weight must stay zero so that the reset neuron starts silent.
	for _, lr := range res.Layers {
		r.resetIncoming(rng, lr.Layer, lr.Neurons)
		r.last[lr.Layer] = lr.Neurons
	}
	for _, lr := range res.Layers {
		if err := r.resetOutgoingAndMoments(lr.Layer, lr.Neurons); err != nil {
			return nil, fmt.Errorf("plasticity: Reset: %w", err)
		}
	}
	r.log = append(r.log, *res)
	return res, nil
}

func (r *Resetter[T]) mask(ls LayerScores) []int {
	h := len(ls.Raw)
	order := func(idx []int) []int {
		sort.SliceStable(idx, func(a, b int) bool { return ls.Raw[idx[a]] < ls.Raw[idx[b]] })
		return idx
	}
	switch r.set.Mask {
	case Percentage:
		all := make([]int, h)
		for i := range all {
			all[i] = i
		}
		k := int(math.Floor(r.set.Fraction * float64(h)))
		m := order(all)[:k]
		slices.Sort(m)
		return m
	case Hybrid:
		m := order(slices.Clone(ls.Inactive))
		if k := int(math.Floor(r.set.Fraction * float64(h))); len(m) > k {
			m = m[:k]
		}
		slices.Sort(m)
		return m
	}
	return slices.Clone(ls.Inactive)
}

func intersect(a, b []int) []int {
	out := []int{}
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); ok {
			out = append(out, x)
		}
	}
	return out
}

// resetIncoming redraws the incoming weights and biases of neurons of
// layer li, resets their LayerNorm entries and zeroes their gradients.
func (r *Resetter[T]) resetIncoming(rng *rand.Rand, li int, neurons []int) {
	l := r.net.Layers[li]
	fanIn, fanOut := float64(l.In), float64(l.Spec.Width)
	wBound, bBound := math.Sqrt(6/fanIn), 1/math.Sqrt(fanIn)
	if r.set.Init == XavierUniform {
		wBound, bBound = math.Sqrt(6/(fanIn+fanOut)), 0
	}
	for _, i := range neurons {
		row := l.W.Value[i*l.In : (i+1)*l.In]
		for j := range row {
			row[j] = T(wBound * (2*rng.Float64() - 1))
		}
		l.B.Value[i] = T(bBound * (2*rng.Float64() - 1))
		if l.Gain != nil {
			l.Gain.Value[i], l.Shift.Value[i] = 1, 0
		}
		if r.set.ZeroGradients {
			clear(l.W.Grad[i*l.In : (i+1)*l.In])
			l.B.Grad[i] = 0
			if l.Gain != nil {
				l.Gain.Grad[i], l.Shift.Grad[i] = 0, 0
			}
		}
	}
}

// resetOutgoingAndMoments zeroes the outgoing weights of neurons of layer
// li (and their gradients) and the Adam moments, as configured.
func (r *Resetter[T]) resetOutgoingAndMoments(li int, neurons []int) error {
	if len(neurons) == 0 {
		return nil
	}
	l, out := r.net.Layers[li], r.net.Outgoing(li)
	if r.set.ZeroOutgoing && out != nil {
		for _, i := range neurons {
			for k := 0; k < out.Rows; k++ {
				out.Value[k*out.Cols+i] = 0
				if r.set.ZeroGradients {
					out.Grad[k*out.Cols+i] = 0
				}
			}
		}
	}
	if !r.set.ResetMoments {
		return nil
	}
	if err := r.opt.ResetRows(l.W, neurons); err != nil {
		return err
	}
	ps := []*train.Param[T]{l.B}
	if l.Gain != nil {
		ps = append(ps, l.Gain, l.Shift)
	}
	if r.set.ZeroOutgoing && out != nil {
		ps = append(ps, out)
	}
	for _, p := range ps {
		if err := r.opt.ResetCols(p, neurons); err != nil {
			return err
		}
	}
	return nil
}
