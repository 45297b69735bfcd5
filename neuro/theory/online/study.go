package online

import (
	"fmt"
	"math/rand/v2"

	"github.com/neuronb/neuronb/neuro/replicates"
)

// Learner names used by MarginSweep, in the order of its series.
const (
	NameCellOracle       = "cell oracle"
	NameWeightedMajority = "weighted majority"
	NameMemoriser        = "2γ memoriser"
)

// MarginSettings configures MarginSweep. A nil *MarginSettings means every
// default.
type MarginSettings struct {
	// Rounds per stream; 0 means 3000.
	Rounds int
	// Lines is the number of target lines (and of each expert's lines); 0
	// means 2.
	Lines int
	// Labels is the number of labels Y; 0 means 3.
	Labels int
	// Offset bounds the target lines' offsets, uniform on [−Offset,
	// Offset]; 0 means 0.5.
	Offset float64
	// WMMinGamma: weighted majority runs only at γ ≥ WMMinGamma (its class
	// grows like γ^{−4}); 0 means 0.2.
	WMMinGamma float64
	// Workers for weighted majority; 0 means runtime.GOMAXPROCS(0).
	Workers int
}

// MarginStudy is every learner's mistakes on margin streams in d = 2,
// against the margin γ. Seed r's target comes from PCG(seed, 0) (the same
// at every γ) and its stream from PCG(seed, 1).
type MarginStudy struct {
	// Gammas are the margins (x axis) and Seeds the replicates.
	Gammas []float64 `json:"gammas"`
	Seeds  []uint64  `json:"seeds"`
	// Learners names the rows of Mistakes and Summary.
	Learners []string `json:"learners"`
	// Mistakes[l][g][r] is learner l's mistakes at Gammas[g] on seed r;
	// weighted majority has rows only for its first WMGammas margins.
	Mistakes [][][]float64 `json:"mistakes"`
	WMGammas int           `json:"wm_gammas"`
	// Cells[g][r] counts the target's distinct cells visited, BestExpert
	// and WMBound weighted majority's M* and bound, Experts[g] its |E|.
	Cells      [][]float64 `json:"cells"`
	BestExpert [][]float64 `json:"best_expert"`
	WMBound    [][]float64 `json:"wm_bound"`
	Experts    []float64   `json:"experts"`
	// Packing[g] is ((1+γ)/γ)² and Grid[g] the grid count
	// (⌊1/(γ√2)⌋ + 1)², the worst-case bounds.
	Packing []float64 `json:"packing"`
	Grid    []float64 `json:"grid"`
	// Summary[l][g] summarises Mistakes[l][g] over seeds (the shape
	// widgets.ErrorBars takes against Gammas).
	Summary [][]replicates.Summary `json:"summary"`
}

// MarginSweep plays the cell oracle, weighted majority (at γ ≥
// WMMinGamma, so list the margins from large to small) and the 2γ
// memoriser on a random target with margin-γ streams for every margin
// and seed.
func MarginSweep(gammas []float64, seeds []uint64, s *MarginSettings) (*MarginStudy, error) {
	var set MarginSettings
	if s != nil {
		set = *s
	}
	if set.Rounds == 0 {
		set.Rounds = 3000
	}
	if set.Lines == 0 {
		set.Lines = 2
	}
	if set.Labels == 0 {
		set.Labels = 3
	}
	if set.Offset == 0 {
		set.Offset = 0.5
	}
	if set.WMMinGamma == 0 {
		set.WMMinGamma = 0.2
	}
	if len(seeds) < 2 {
		return nil, fmt.Errorf("online: MarginSweep needs at least 2 seeds, have %d", len(seeds))
	}
	st := &MarginStudy{Gammas: gammas, Seeds: seeds, Learners: []string{NameCellOracle, NameWeightedMajority, NameMemoriser}}
	st.Mistakes = make([][][]float64, 3)
	for g, gamma := range gammas {
		if err := checkGamma(gamma); err != nil {
			return nil, err
		}
		wm := gamma >= set.WMMinGamma
		if wm && st.WMGammas != g {
			return nil, fmt.Errorf("online: MarginSweep: list the margins from large to small (γ = %v ≥ WMMinGamma after smaller ones)", gamma)
		}
		if wm {
			st.WMGammas++
		}
		rows := make([][]float64, 3)
		var cells, best, bound []float64
		experts := 0.0
		for _, seed := range seeds {
			target, err := RandomNet(rand.New(rand.NewPCG(seed, 0)), 2, set.Lines, set.Labels, set.Offset)
			if err != nil {
				return nil, err
			}
			stream, err := SampleStream(rand.New(rand.NewPCG(seed, 1)), target, gamma, set.Rounds)
			if err != nil {
				return nil, err
			}
			visited := map[Cell]bool{}
			for _, x := range stream.X {
				visited[target.Cell(x)] = true
			}
			cells = append(cells, float64(len(visited)))
			oracle, err := NewCellOracle(target)
			if err != nil {
				return nil, err
			}
			memo, err := NewMemoriser(gamma)
			if err != nil {
				return nil, err
			}
			learners := []Learner{oracle, nil, memo}
			var w *WeightedMajority
			if wm {
				if w, err = NewWeightedMajority(gamma, set.Labels, &WMSettings{Lines: set.Lines, Workers: set.Workers}); err != nil {
					return nil, err
				}
				learners[1] = w
			}
			for l, learner := range learners {
				if learner == nil {
					continue
				}
				res, err := Play(learner, stream, nil)
				if err != nil {
					return nil, err
				}
				rows[l] = append(rows[l], float64(res.Mistakes))
			}
			if wm {
				best, bound = append(best, float64(w.BestMistakes())), append(bound, w.Bound())
				experts = float64(w.Experts())
			}
		}
		for l := range rows {
			if rows[l] != nil {
				st.Mistakes[l] = append(st.Mistakes[l], rows[l])
			}
		}
		st.Cells = append(st.Cells, cells)
		if wm {
			st.BestExpert, st.WMBound, st.Experts = append(st.BestExpert, best), append(st.WMBound, bound), append(st.Experts, experts)
		}
		p, err := PackingBound(2, gamma)
		if err != nil {
			return nil, err
		}
		gc, err := GridCount(2, gamma)
		if err != nil {
			return nil, err
		}
		st.Packing, st.Grid = append(st.Packing, p), append(st.Grid, gc)
	}
	st.Summary = make([][]replicates.Summary, 3)
	for l, byGamma := range st.Mistakes {
		for _, xs := range byGamma {
			sum, err := replicates.Summarize(xs)
			if err != nil {
				return nil, err
			}
			st.Summary[l] = append(st.Summary[l], sum)
		}
	}
	return st, nil
}

// Series returns the learners' summaries, then the weighted-majority
// bound over seeds (at the margins where it ran), then the packing and
// grid bounds as one-value summaries: the shape widgets.ErrorBars takes
// against Gammas, with their names.
func (st *MarginStudy) Series() ([][]replicates.Summary, []string) {
	out := append([][]replicates.Summary(nil), st.Summary...)
	names := append([]string(nil), st.Learners...)
	var wm []replicates.Summary
	for _, b := range st.WMBound {
		wm = append(wm, replicates.MustSummarize(b))
	}
	out, names = append(out, wm), append(names, "weighted-majority bound")
	for _, b := range []struct {
		name string
		v    []float64
	}{{"packing bound ((1+γ)/γ)²", st.Packing}, {"grid lower bound", st.Grid}} {
		var s []replicates.Summary
		for _, v := range b.v {
			s = append(s, replicates.Summary{N: 1, Mean: v, Min: v, Max: v, Lo: v, Hi: v})
		}
		out, names = append(out, s), append(names, b.name)
	}
	return out, names
}

// GridTable is the grid construction's count (⌊1/(γ√d)⌋ + 1)^d and the
// packing bound ((1+γ)/γ)^d against the dimension d, for several margins.
type GridTable struct {
	// Dims are the dimensions (x axis), Gammas the margins.
	Dims   []float64 `json:"dims"`
	Gammas []float64 `json:"gammas"`
	// Count[g][k] and Packing[g][k] at Gammas[g], Dims[k].
	Count   [][]float64 `json:"count"`
	Packing [][]float64 `json:"packing"`
}

// GridCounts tabulates GridCount and PackingBound.
func GridCounts(dims []int, gammas []float64) (*GridTable, error) {
	t := &GridTable{Gammas: gammas}
	for _, d := range dims {
		t.Dims = append(t.Dims, float64(d))
	}
	for _, gamma := range gammas {
		var c, p []float64
		for _, d := range dims {
			gc, err := GridCount(d, gamma)
			if err != nil {
				return nil, err
			}
			pb, err := PackingBound(d, gamma)
			if err != nil {
				return nil, err
			}
			c, p = append(c, gc), append(p, pb)
		}
		t.Count, t.Packing = append(t.Count, c), append(t.Packing, p)
	}
	return t, nil
}

// Series returns the grid counts (solid) then the packing bounds, as
// one-value summaries for widgets.ErrorBars against Dims, with names and
// dashed flags (the packing bounds dashed, named like their grid counts so
// they share a colour).
func (t *GridTable) Series() (series [][]replicates.Summary, names []string, dashed []bool) {
	for _, rows := range [][][]float64{t.Count, t.Packing} {
		for g, row := range rows {
			var s []replicates.Summary
			for _, v := range row {
				s = append(s, replicates.Summary{N: 1, Mean: v, Min: v, Max: v, Lo: v, Hi: v})
			}
			series = append(series, s)
			names = append(names, fmt.Sprintf("γ = %g", t.Gammas[g]))
			dashed = append(dashed, len(series) > len(t.Count))
		}
	}
	return series, names, dashed
}
