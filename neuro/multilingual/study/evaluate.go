package study

import (
	"fmt"
	"math"
	"slices"

	"github.com/neuronb/neuronb/neuro/replicates"
)

// Outcome is one registered claim evaluated on results.
type Outcome struct {
	// Name identifies the claim (stable, used by the claims test).
	Name string
	// Claim states it with its threshold; Value is what was measured.
	Claim string
	Value string
	Holds bool
}

func (o Outcome) String() string {
	verdict := "reproduced"
	if !o.Holds {
		verdict = "NOT reproduced here"
	}
	return fmt.Sprintf("%-22s %-70s %-44s %s", o.Name, o.Claim, o.Value, verdict)
}

// Evaluate applies the registered Claims to results.
func Evaluate(r *Results) ([]Outcome, error) {
	if len(r.Models) == 0 {
		return nil, fmt.Errorf("study: Evaluate: no models")
	}
	sr, err := sharedVsRandom(r)
	if err != nil {
		return nil, err
	}
	out := []Outcome{sr}
	for _, t := range []struct {
		name, what string
		metric     func(*ModelResult) float64
	}{{"trend-shared-ratio", "shared ratio |N_shared| / mean |N_ℓ|", SharedRatio}, {"trend-agnostic-score", "language-agnostic score log(1 + mean Imp)", AgnosticScore}} {
		o, err := trend(r, t.metric)
		if err != nil {
			return nil, err
		}
		o.Name, o.Claim = t.name, fmt.Sprintf("%s grows with budget (paired t, p < %g; means increase)", t.what, Claims.TrendAlpha)
		out = append(out, o)
	}
	return out, nil
}

// SharedRatio is a model's shared ratio at the chosen σ (NaN when
// undefined).
func SharedRatio(m *ModelResult) float64 { return m.Neurons.SharedRatio() }

// AgnosticScore is a model's language-agnostic score (Eq. 6; NaN when
// undefined).
func AgnosticScore(m *ModelResult) float64 { return m.Effects.LanguageAgnosticScore() }

// LogRise returns log(PPL_with/PPL_base) per language.
func LogRise(with, base []float64) []float64 {
	out := make([]float64, len(base))
	for i := range base {
		out[i] = math.Log(with[i] / base[i])
	}
	return out
}

// sharedVsRandom: at the largest budget, the shared set beats every
// random set of every seed and language, and per language the excess
// log-rise over the random sets' mean is positive over seeds (one-sided
// t, p < Claims.Alpha).
func sharedVsRandom(r *Results) (Outcome, error) {
	top := slices.Max(r.Settings.Budgets)
	o := Outcome{Name: "shared-vs-random", Claim: fmt.Sprintf("largest budget: shared > each of %d random sets, every seed and language; t over seeds p < %g",
		r.Settings.RandomSets, Claims.Alpha), Holds: true}
	wins, total := 0, 0
	worstP := 0.0
	for li := range r.Languages {
		var excess []float64
		for _, seed := range r.Settings.Seeds {
			m, err := r.Model(seed, top)
			if err != nil {
				return o, err
			}
			e := m.Effects
			rnd := 0.0
			for _, row := range e.Random {
				total++
				if e.Shared[li] > row[li] {
					wins++
				}
				rnd += math.Log(row[li]/e.Base[li]) / float64(len(e.Random))
			}
			excess = append(excess, math.Log(e.Shared[li]/e.Base[li])-rnd)
		}
		t, err := replicates.OneSampleT(excess, 0, replicates.Greater)
		if err != nil || math.IsNaN(t.P) {
			o.Holds, worstP = false, math.NaN()
			continue
		}
		worstP = math.Max(worstP, t.P)
	}
	o.Holds = o.Holds && wins == total && worstP < Claims.Alpha
	o.Value = fmt.Sprintf("%d/%d comparisons won, largest p = %.2g", wins, total, worstP)
	return o, nil
}

// trend tests that a metric is larger at the largest budget than at the
// smallest (paired over seeds with the metric defined at both) and that
// its mean over seeds increases from budget to budget.
func trend(r *Results, metric func(*ModelResult) float64) (Outcome, error) {
	budgets := slices.Sorted(slices.Values(r.Settings.Budgets))
	lo, hi := budgets[0], budgets[len(budgets)-1]
	var a, b []float64
	for _, seed := range r.Settings.Seeds {
		ml, err := r.Model(seed, lo)
		if err != nil {
			return Outcome{}, err
		}
		mh, err := r.Model(seed, hi)
		if err != nil {
			return Outcome{}, err
		}
		if x, y := metric(mh), metric(ml); !math.IsNaN(x) && !math.IsNaN(y) {
			a, b = append(a, x), append(b, y)
		}
	}
	means, err := BudgetMeans(r, metric)
	if err != nil {
		return Outcome{}, err
	}
	monotone := true
	for i := 1; i < len(means); i++ {
		monotone = monotone && means[i] > means[i-1]
	}
	if len(a) < Claims.MinSeeds {
		return Outcome{Value: fmt.Sprintf("defined for %d seeds at both ends (need %d); means %s", len(a), Claims.MinSeeds, fmtMeans(means))}, nil
	}
	t, err := replicates.PairedT(a, b, replicates.Greater)
	if err != nil {
		return Outcome{Value: fmt.Sprintf("means %s, %v", fmtMeans(means), err)}, nil
	}
	return Outcome{Value: fmt.Sprintf("means %s, p = %.2g (%d seeds)", fmtMeans(means), t.P, len(a)), Holds: t.P < Claims.TrendAlpha && monotone}, nil
}

// BudgetMeans returns a metric's mean over the seeds where it is defined,
// per budget in increasing order (NaN where it is defined for none).
func BudgetMeans(r *Results, metric func(*ModelResult) float64) ([]float64, error) {
	var out []float64
	for _, b := range slices.Sorted(slices.Values(r.Settings.Budgets)) {
		s, n := 0.0, 0
		for _, seed := range r.Settings.Seeds {
			m, err := r.Model(seed, b)
			if err != nil {
				return nil, err
			}
			if v := metric(m); !math.IsNaN(v) {
				s, n = s+v, n+1
			}
		}
		out = append(out, s/float64(n))
	}
	return out, nil
}

func fmtMeans(xs []float64) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += " → "
		}
		s += fmt.Sprintf("%.3g", x)
	}
	return s
}
