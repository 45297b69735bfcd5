package snn

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/neuronb/neuronb/neuro/replicates"
)

// LoadResults reads the JSON cmd/hetsyn-experiments wrote.
func LoadResults(path string) (*Results, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Results
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("snn: %s: %w", path, err)
	}
	return &r, nil
}

// Curve is one panel of the figure notebook: at every X, the summary over
// seeds (mean, 95% t interval) of each series, ready for widgets.ErrorBars.
type Curve struct {
	Name   string
	X      []float64
	Series []string
	Y      [][]replicates.Summary
}

// Curve returns a robustness or working-memory curve of every model of the
// results, the clean condition included:
//
//	pattern_noise_add, pattern_noise_del   NMSE against the probability of turning a bin on / off
//	dms_delay                              accuracy against the test delay (s)
//	dms_noise_add, dms_noise_del           accuracy at the trained delay against the noise probability
//	dms_stretch                            accuracy at the trained delay against the time-stretch factor
func (r *Results) Curve(name string) (*Curve, error) {
	c := &Curve{Name: name, Series: r.Models}
	var rows func(model string) ([][]float64, error)
	pattern := func(levels []float64, get func(*PatternRun) []float64) {
		c.X = append([]float64{0}, levels...)
		rows = func(m string) ([][]float64, error) {
			var out [][]float64
			for _, s := range r.Seeds {
				run, err := r.patternRun(m, s)
				if err != nil {
					return nil, err
				}
				out = append(out, append([]float64{run.NMSE}, get(run)...))
			}
			return out, nil
		}
	}
	dms := func(x []float64, get func(*DMSRun, DMSProtocol) []float64) {
		c.X = x
		rows = func(m string) ([][]float64, error) {
			var out [][]float64
			for _, s := range r.Seeds {
				run, err := r.dmsRun(m, s)
				if err != nil {
					return nil, err
				}
				out = append(out, get(run, r.DMS.Protocol.Resolved()))
			}
			return out, nil
		}
	}
	switch {
	case r.Pattern != nil && name == "pattern_noise_add":
		pattern(r.Pattern.Protocol.Resolved().NoiseAdd, func(p *PatternRun) []float64 { return p.NoiseAdd })
	case r.Pattern != nil && name == "pattern_noise_del":
		pattern(r.Pattern.Protocol.Resolved().NoiseDel, func(p *PatternRun) []float64 { return p.NoiseDel })
	case r.DMS != nil && name == "dms_delay":
		dms(r.DMS.Protocol.Resolved().TestDelays, func(d *DMSRun, _ DMSProtocol) []float64 { return d.Accuracy })
	case r.DMS != nil && (name == "dms_noise_add" || name == "dms_noise_del" || name == "dms_stretch"):
		p := r.DMS.Protocol.Resolved()
		clean := 0
		for k, d := range p.TestDelays {
			if d == p.TrainDelay {
				clean = k
			}
		}
		levels, x0 := p.NoiseAdd, 0.0
		switch name {
		case "dms_noise_del":
			levels = p.NoiseDel
		case "dms_stretch":
			levels, x0 = p.Stretch, 1
		}
		x, order := sortedWith(x0, levels)
		dms(x, func(d *DMSRun, _ DMSProtocol) []float64 {
			vals := map[string][]float64{"dms_noise_add": d.NoiseAdd, "dms_noise_del": d.NoiseDel, "dms_stretch": d.Stretch}[name]
			out := make([]float64, len(order))
			for i, k := range order {
				if k < 0 {
					out[i] = d.Accuracy[clean]
				} else {
					out[i] = vals[k]
				}
			}
			return out
		})
	default:
		return nil, fmt.Errorf("snn: no curve %q in these results", name)
	}
	for _, m := range r.Models {
		rs, err := rows(m)
		if err != nil {
			return nil, err
		}
		s, err := replicates.Columns(rs)
		if err != nil {
			return nil, err
		}
		c.Y = append(c.Y, s)
	}
	return c, nil
}

// sortedWith returns levels with x0 inserted in increasing order, and for
// each position the index into levels (−1 for x0).
func sortedWith(x0 float64, levels []float64) ([]float64, []int) {
	x := []float64{x0}
	order := []int{-1}
	for k, v := range levels {
		i := len(x)
		for i > 0 && x[i-1] > v {
			i--
		}
		x = append(x[:i], append([]float64{v}, x[i:]...)...)
		order = append(order[:i], append([]int{k}, order[i:]...)...)
	}
	return x, order
}

// TauCurve returns the distribution of a learnable model's time constants
// after training on a task ("pattern" or "dms"): at every bin centre
// (log10 of τ in steps), the fraction of input, recurrent and readout
// synapses in the bin, summarised over seeds. The initial distribution is
// U(5, 20) steps, log10 in [0.70, 1.30].
func (r *Results) TauCurve(task, model string) (*Curve, error) {
	c := &Curve{Name: "tau_" + task + "_" + model, Series: []string{"input", "recurrent", "readout"}}
	perProj := make([][][]float64, 3)
	for _, s := range r.Seeds {
		var t *Taus
		switch task {
		case "pattern":
			run, err := r.patternRun(model, s)
			if err != nil {
				return nil, err
			}
			t = run.Taus
		case "dms":
			run, err := r.dmsRun(model, s)
			if err != nil {
				return nil, err
			}
			t = run.Taus
		default:
			return nil, fmt.Errorf("snn: TauCurve: unknown task %q", task)
		}
		if t == nil {
			return nil, fmt.Errorf("snn: TauCurve: %s learned no time constants", model)
		}
		for k, h := range []TauHistogram{t.In, t.Rec, t.Out} {
			total := h.Below + h.Above
			for _, n := range h.Counts {
				total += n
			}
			frac := make([]float64, len(h.Counts))
			for i, n := range h.Counts {
				frac[i] = float64(n) / float64(total)
			}
			perProj[k] = append(perProj[k], frac)
			if c.X == nil {
				for i := range h.Counts {
					c.X = append(c.X, (h.Edges[i]+h.Edges[i+1])/2)
				}
			}
		}
	}
	for _, rows := range perProj {
		s, err := replicates.Columns(rows)
		if err != nil {
			return nil, err
		}
		c.Y = append(c.Y, s)
	}
	return c, nil
}

func (r *Results) patternRun(model string, seed uint64) (*PatternRun, error) {
	if r.Pattern != nil {
		for _, x := range r.Pattern.Runs {
			if x.Model == model && x.Seed == seed {
				return x, nil
			}
		}
	}
	return nil, fmt.Errorf("snn: no pattern-generation run of %s with seed %d", model, seed)
}

func (r *Results) dmsRun(model string, seed uint64) (*DMSRun, error) {
	if r.DMS != nil {
		for _, x := range r.DMS.Runs {
			if x.Model == model && x.Seed == seed {
				return x, nil
			}
		}
	}
	return nil, fmt.Errorf("snn: no DMS run of %s with seed %d", model, seed)
}

// SlowTaus returns, for a learnable model's projections (input,
// recurrent, readout) after training on a task, the fraction of synapses
// whose τ exceeds the histograms' last edge (1000 steps, ρ = 1 included),
// pooled over seeds, and the median τ in steps averaged over seeds.
func (r *Results) SlowTaus(task, model string) (slow, median [3]float64, err error) {
	var n, above [3]float64
	for _, s := range r.Seeds {
		var t *Taus
		if task == "pattern" {
			run, err := r.patternRun(model, s)
			if err != nil {
				return slow, median, err
			}
			t = run.Taus
		} else {
			run, err := r.dmsRun(model, s)
			if err != nil {
				return slow, median, err
			}
			t = run.Taus
		}
		if t == nil {
			return slow, median, fmt.Errorf("snn: SlowTaus: %s learned no time constants", model)
		}
		for k, h := range []TauHistogram{t.In, t.Rec, t.Out} {
			total := h.Below + h.Above
			for _, c := range h.Counts {
				total += c
			}
			n[k] += float64(total)
			above[k] += float64(h.Above)
			median[k] += h.Median / float64(len(r.Seeds))
		}
	}
	for k := range slow {
		slow[k] = above[k] / n[k]
	}
	return slow, median, nil
}
