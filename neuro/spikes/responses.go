package spikes

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Responses is a condition × unit matrix of mean firing rates, the
// stimulus × neuron representation that neuro/similarity compares
// (similarity.LinearCKA(a.Rates, b.Rates)).
type Responses struct {
	// Conditions label the rows, sorted: by value for a number column, as
	// strings for a string column, by interval for one row per interval.
	Conditions []string
	// IDs are the unit ids of the columns.
	IDs []int
	// Rates (conditions × units, Hz) is each unit's spike count over all
	// intervals of a condition divided by their total duration.
	Rates *mat.Dense
}

// Responses averages firing rates over the intervals of ep (stimulus
// presentations, trials) grouped by the metadata column by, pynapple's
// compute_response_per_epoch:
//
//	rate_u(c) = Σ_{i ∈ c} n_u(i) / Σ_{i ∈ c} (End(i) − Start(i)),
//
// with n_u(i) unit u's spike count in interval i. A number column's values
// are formatted with %g to name the conditions; by = "" makes every
// interval its own condition (named by its index). Rows are sorted by
// condition, so the matrices of two halves of a session line up whenever
// both hold every condition (compare their Conditions).
func (g *TsGroup) Responses(ep *IntervalSet, by string) (*Responses, error) {
	if ep == nil || ep.Len() == 0 {
		return nil, fmt.Errorf("spikes: Responses: ep has no intervals")
	}
	if g.Len() == 0 {
		return nil, fmt.Errorf("spikes: Responses: the group has no units")
	}
	labels := make([]string, ep.Len())
	switch num, str := ep.meta.Numbers[by], ep.meta.Strings[by]; {
	case by == "":
		for i := range labels {
			labels[i] = strconv.Itoa(i)
		}
	case str != nil:
		copy(labels, str)
	case num != nil:
		for i, v := range num {
			labels[i] = strconv.FormatFloat(v, 'g', -1, 64)
		}
	default:
		return nil, fmt.Errorf("spikes: Responses: ep has no metadata column %q (columns: %s)", by, strings.Join(ep.meta.names(), ", "))
	}
	// Rows in a fixed order (by value), so that the matrices of two sets
	// of presentations with the same conditions line up row by row.
	first := map[string]int{}
	var conds []string
	for i, l := range labels {
		if _, ok := first[l]; !ok {
			first[l] = i
			conds = append(conds, l)
		}
	}
	num := ep.meta.Numbers[by]
	sort.SliceStable(conds, func(a, b int) bool {
		if num != nil || by == "" {
			return value(num, first[conds[a]]) < value(num, first[conds[b]])
		}
		return conds[a] < conds[b]
	})
	row := make(map[string]int, len(conds))
	for r, c := range conds {
		row[c] = r
	}
	counts := g.CountIn(ep)
	units := g.Len()
	rates := mat.NewDense(len(conds), units, nil)
	dur := make([]float64, len(conds))
	for i, l := range labels {
		r := row[l]
		dur[r] += ep.Duration(i)
		for u := 0; u < units; u++ {
			rates.Set(r, u, rates.At(r, u)+counts.v[i*units+u])
		}
	}
	for r := range conds {
		for u := 0; u < units; u++ {
			rates.Set(r, u, rates.At(r, u)/dur[r])
		}
	}
	return &Responses{Conditions: conds, IDs: g.IDs(), Rates: rates}, nil
}

// value is num[i], or i itself when there is no number column.
func value(num []float64, i int) float64 {
	if num == nil {
		return float64(i)
	}
	return num[i]
}
