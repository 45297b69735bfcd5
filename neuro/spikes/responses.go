package spikes

import (
	"fmt"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Responses is a condition × unit matrix of mean firing rates, the
// stimulus × neuron representation that neuro/similarity compares
// (similarity.LinearCKA(a.Rates, b.Rates)).
type Responses struct {
	// Conditions label the rows, in order of first appearance in time.
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
// interval its own condition (named by its index).
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
	row := map[string]int{}
	var conds []string
	for _, l := range labels {
		if _, ok := row[l]; !ok {
			row[l] = len(conds)
			conds = append(conds, l)
		}
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
