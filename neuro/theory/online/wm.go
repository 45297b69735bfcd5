package online

import (
	"fmt"
	"math"

	"github.com/neuronb/neuronb/neuro/parallel"
)

// WMSettings configures NewWeightedMajority. A nil *WMSettings means every
// default.
type WMSettings struct {
	// Lines is the number k of lines of each expert; 0 means 2.
	Lines int
	// Beta is the weight factor β ∈ (0, 1) applied to an expert after each
	// of its mistakes; 0 means ½.
	Beta float64
	// MaxExperts refuses expert classes larger than this; 0 means 2·10⁷
	// (about 0.3 GB).
	MaxExperts int
	// Workers is the number of goroutines for the votes and updates; 0
	// means runtime.GOMAXPROCS(0). Results do not depend on it.
	Workers int
}

// WeightedMajority is multiclass weighted majority in d = 2 over the
// experts E = every k-subset of a grid of candidate lines
// {x : cos θ x₁ + sin θ x₂ + b = 0}, θ = aπ/A (a < A = ⌈2π/γ⌉) and
// b = −1 + 2i/(B − 1) (i < B = ⌈4/γ⌉ + 1), both steps ≤ γ/2. Each expert
// predicts the last label seen in its own cell of x;
// the learner predicts the label with the largest total weight β^{M_e}
// (ties: the smaller label), M_e the expert's mistakes so far. An expert
// abstains in a cell it has not seen (an abstention counts as its
// mistake); when abstentions carry the most weight the learner predicts
// Abstain. The weighted-majority bound holds with abstention as one more
// option of the vote.
type WeightedMajority struct {
	Gamma  float64
	Labels int
	Beta   float64
	k      int
	// lines: cos θ, sin θ, b per candidate line.
	lines [][3]float64
	// experts[e*k+i] is expert e's i-th line.
	experts []int32
	// mistakes[e]; last[e<<k | cell] the label expert e memorised for a
	// cell; cell and pred hold the last Predict's cell and vote.
	mistakes []int32
	last     []uint8
	cell     []uint8
	pred     []uint8
	best     int32
	pow      []float64
	side     []bool
	chunks   [][2]int
	votes    [][]float64
	mins     []int32
	workers  int
	lastX    [2]float64
	// pending: an Update not applied yet (label pendingY); rounds counts
	// the applied ones.
	pending  bool
	pendingY uint8
	rounds   int
}

// NewWeightedMajority builds the expert class for margin γ ∈ (0, 1) and
// labels ∈ [2, 254] labels.
func NewWeightedMajority(gamma float64, labels int, s *WMSettings) (*WeightedMajority, error) {
	if err := checkGamma(gamma); err != nil {
		return nil, err
	}
	if labels < 2 || labels > 254 {
		return nil, fmt.Errorf("online: %d labels, want 2 to 254", labels)
	}
	var set WMSettings
	if s != nil {
		set = *s
	}
	if set.Lines == 0 {
		set.Lines = 2
	}
	if set.Beta == 0 {
		set.Beta = 0.5
	}
	if set.MaxExperts == 0 {
		set.MaxExperts = 20_000_000
	}
	if set.Lines < 1 || set.Lines > 8 || !(set.Beta > 0 && set.Beta < 1) {
		return nil, fmt.Errorf("online: weighted majority with %d lines per expert and β = %v; want 1 to 8 lines and 0 < β < 1", set.Lines, set.Beta)
	}
	angles := int(math.Ceil(2*math.Pi/gamma - 1e-9))
	offsets := int(math.Ceil(4/gamma-1e-9)) + 1
	w := &WeightedMajority{Gamma: gamma, Labels: labels, Beta: set.Beta, k: set.Lines, workers: set.Workers}
	for a := range angles {
		th := float64(a) * math.Pi / float64(angles)
		for i := range offsets {
			w.lines = append(w.lines, [3]float64{math.Cos(th), math.Sin(th), -1 + 2*float64(i)/float64(offsets-1)})
		}
	}
	count := binomial(len(w.lines), w.k)
	if count > float64(set.MaxExperts) {
		return nil, fmt.Errorf("online: γ = %v gives %d candidate lines and %.3g experts of %d lines; at most %d allowed (WMSettings.MaxExperts)", gamma, len(w.lines), count, w.k, set.MaxExperts)
	}
	e := int(count)
	w.experts = make([]int32, 0, e*w.k)
	idx := make([]int32, w.k)
	for i := range idx {
		idx[i] = int32(i)
	}
	for {
		w.experts = append(w.experts, idx...)
		i := w.k - 1
		for i >= 0 && int(idx[i]) == len(w.lines)-w.k+i {
			i--
		}
		if i < 0 {
			break
		}
		idx[i]++
		for j := i + 1; j < w.k; j++ {
			idx[j] = idx[j-1] + 1
		}
	}
	w.mistakes = make([]int32, e)
	w.last = make([]uint8, e<<w.k)
	for i := range w.last {
		w.last[i] = abstained
	}
	w.cell, w.pred = make([]uint8, e), make([]uint8, e)
	w.pow = []float64{1}
	w.side = make([]bool, len(w.lines))
	if w.k == 2 {
		// One chunk per first line p: experts (p, q), q > p, are
		// contiguous, so the pass reads the two sides directly.
		start := 0
		for p := range len(w.lines) - 1 {
			w.chunks = append(w.chunks, [2]int{start, start + len(w.lines) - 1 - p})
			start += len(w.lines) - 1 - p
		}
	} else {
		w.chunks = parallel.Chunks(e, 256)
	}
	w.votes = make([][]float64, len(w.chunks))
	for c := range w.votes {
		w.votes[c] = make([]float64, labels+1)
	}
	w.mins = make([]int32, len(w.chunks))
	w.lastX = [2]float64{math.NaN(), math.NaN()}
	return w, nil
}

func binomial(n, k int) float64 {
	r := 1.0
	for i := range k {
		r = r * float64(n-i) / float64(i+1)
	}
	return math.Round(r)
}

// Dim is 2: the expert class is made of lines in the plane.
func (w *WeightedMajority) Dim() int { return 2 }

// Experts is |E|, Candidates the number of candidate lines.
func (w *WeightedMajority) Experts() int    { return len(w.mistakes) }
func (w *WeightedMajority) Candidates() int { return len(w.lines) }

// BestMistakes is M*, the fewest mistakes of any expert so far.
func (w *WeightedMajority) BestMistakes() int {
	w.flush()
	return int(w.best)
}

// Bound is WMBound for this class after the best expert's mistakes so far.
func (w *WeightedMajority) Bound() float64 {
	return WMBound(w.Experts(), w.BestMistakes(), w.Beta)
}

// WMBound is the weighted-majority mistake bound
// (log₂|E| + M* log₂(1/β)) / log₂(2/(1+β)): each mistake of the plurality
// vote multiplies at least half the total weight by β, and the total
// weight never falls below the best expert's β^{M*}.
func WMBound(experts, best int, beta float64) float64 {
	return (math.Log2(float64(experts)) + float64(best)*math.Log2(1/beta)) / math.Log2(2/(1+beta))
}

// Predict returns the weighted plurality of the experts' labels for x. It
// first applies the update of the previous round, if one is pending, in
// the same pass over the experts.
func (w *WeightedMajority) Predict(x []float64) int {
	w.lastX = [2]float64{x[0], x[1]}
	for l, ln := range w.lines {
		w.side[l] = ln[0]*x[0]+ln[1]*x[1]+ln[2] > 0
	}
	// Weights are taken relative to M* before the pending update: β^{M_e −
	// M*_old} is β^{M_e − M*_new} times a common factor β^{0 or 1}, so the
	// plurality is the same, and the best expert's weight stays ≥ β.
	for len(w.pow) < w.rounds+2 {
		w.pow = append(w.pow, math.Pow(w.Beta, float64(len(w.pow))))
	}
	k, labels, base, pending, y := w.k, uint8(w.Labels), w.best, w.pending, w.pendingY
	experts, side, last, cells, pred, mistakes, pow := w.experts, w.side, w.last, w.cell, w.pred, w.mistakes, w.pow
	parallel.For(len(w.chunks), w.workers, func(_, c int) {
		// Accumulate on the stack: the chunks' vote slices may share cache
		// lines across workers.
		var v [abstained + 1]float64
		lo := int32(math.MaxInt32)
		lo0 := w.chunks[c][0]
		for e := lo0; e < w.chunks[c][1]; e++ {
			m := mistakes[e]
			if pending {
				if pred[e] != y {
					m++
					mistakes[e] = m
				}
				last[e<<k|int(cells[e])] = y
				lo = min(lo, m)
			}
			var cell uint8
			if k == 2 {
				// chunk c holds the experts (c, q), q = c+1, c+2, …
				if side[c] {
					cell = 1
				}
				if side[c+1+e-lo0] {
					cell |= 2
				}
			} else {
				for i, l := range experts[e*k : (e+1)*k] {
					if side[l] {
						cell |= 1 << i
					}
				}
			}
			cells[e] = cell
			p := last[e<<k|int(cell)]
			pred[e] = p
			if p == abstained {
				p = labels
			}
			v[p] += pow[m-base]
		}
		copy(w.votes[c], v[:])
		w.mins[c] = lo
	})
	if pending {
		w.settle()
	}
	total := make([]float64, w.Labels+1)
	for _, v := range w.votes {
		for y, s := range v {
			total[y] += s
		}
	}
	best := 0
	for y, s := range total {
		if s > total[best] {
			best = y
		}
	}
	if best == w.Labels {
		return Abstain
	}
	return best
}

// settle finishes an applied update: M* from the chunks' minima.
func (w *WeightedMajority) settle() {
	w.best = w.mins[0]
	for _, m := range w.mins {
		w.best = min(w.best, m)
	}
	w.pending = false
	w.rounds++
}

// Update records the label of the round: the experts that voted wrong in
// the Predict before it (for the same x) are penalised and every expert
// memorises y in its cell of x, in the next Predict's pass (or at once
// when BestMistakes or Bound asks).
func (w *WeightedMajority) Update(x []float64, y, _ int) {
	if w.pending {
		w.flush()
	}
	if x[0] != w.lastX[0] || x[1] != w.lastX[1] {
		w.Predict(x)
	}
	w.pending, w.pendingY = true, uint8(y)
}

// flush applies a pending update on its own.
func (w *WeightedMajority) flush() {
	if !w.pending {
		return
	}
	k, label := w.k, w.pendingY
	last, cells, pred, mistakes := w.last, w.cell, w.pred, w.mistakes
	parallel.For(len(w.chunks), w.workers, func(_, c int) {
		lo := int32(math.MaxInt32)
		for e := w.chunks[c][0]; e < w.chunks[c][1]; e++ {
			m := mistakes[e]
			if pred[e] != label {
				m++
				mistakes[e] = m
			}
			last[e<<k|int(cells[e])] = label
			lo = min(lo, m)
		}
		w.mins[c] = lo
	})
	w.settle()
}

// abstained marks a cell an expert has not seen.
const abstained = 255
