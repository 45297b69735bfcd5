package snn

import (
	"fmt"
	"math"

	"github.com/neuronb/neuronb/neuro/replicates"
)

// Claim is a comparison of two arms on one metric, paired by seed (same
// task instance, initial weights, batches and test trials), as registered
// in notebooks/hetsyn_timescales before the first full run.
type Claim struct {
	ID        string `json:"id"`
	Statement string `json:"statement"`
	// Metric names what is compared (see ClaimMetric).
	Metric string `json:"metric"`
	// Better is the arm expected to win, Worse the one it is compared with.
	Better string `json:"better"`
	Worse  string `json:"worse"`
	// LowerIsBetter for errors (NMSE), false for accuracies.
	LowerIsBetter bool `json:"lower_is_better"`
	// Margin is the smallest mean improvement that counts: a fraction of
	// Worse's mean when Relative, an absolute difference otherwise.
	Margin   float64 `json:"margin"`
	Relative bool    `json:"relative"`
	// NonInferior claims Better is not worse than Worse by more than
	// −Margin: the 95% t interval of the improvement lies above Margin
	// (a negative number). Otherwise the claim needs a mean improvement of
	// at least Margin and a one-sided paired t test with p < 0.05.
	NonInferior bool `json:"non_inferior"`
}

// Verdict is a claim evaluated on results.
type Verdict struct {
	Claim
	// Improvement summarises, over seeds, Worse − Better (LowerIsBetter)
	// or Better − Worse.
	Improvement replicates.Summary `json:"improvement"`
	// Required is the improvement needed (Margin, times Worse's mean when
	// Relative).
	Required float64 `json:"required"`
	// P is the one-sided paired t test's p-value for improvement > 0.
	P     float64 `json:"p"`
	Holds bool    `json:"holds"`
}

// RegisteredClaims are the claims of notebooks/hetsyn_timescales, as
// registered before the first full run (the paper reports HetSyn best on
// every task).
var RegisteredClaims = []Claim{
	{ID: "P1", Statement: "pattern generation: HetSyn's NMSE is at least 20% below LIF's", Metric: "pattern_nmse", Better: "HetSyn", Worse: "LIF", LowerIsBetter: true, Margin: 0.2, Relative: true},
	{ID: "P2a", Statement: "pattern generation: HetSyn's NMSE is below ALIF's", Metric: "pattern_nmse", Better: "HetSyn", Worse: "ALIF", LowerIsBetter: true},
	{ID: "P2b", Statement: "pattern generation: HetSyn's NMSE is below HetNeuron's", Metric: "pattern_nmse", Better: "HetSyn", Worse: "HetNeuron", LowerIsBetter: true},
	{ID: "P3", Statement: "pattern generation with 1% of input bins turned on: HetSyn's NMSE is below LIF's", Metric: "pattern_nmse_noise_add_0.01", Better: "HetSyn", Worse: "LIF", LowerIsBetter: true},
	{ID: "D1", Statement: "DMS at the trained 0.5 s delay: HetSyn is not worse than LIF by more than 2 points", Metric: "dms_accuracy_delay_0.5", Better: "HetSyn", Worse: "LIF", Margin: -0.02, NonInferior: true},
	{ID: "D2", Statement: "DMS working memory at a 2 s delay (4× the trained one): HetSyn beats LIF by at least 5 points", Metric: "dms_accuracy_delay_2", Better: "HetSyn", Worse: "LIF", Margin: 0.05},
	{ID: "D3", Statement: "DMS with 10% of input bins turned on: HetSyn beats LIF by at least 5 points", Metric: "dms_accuracy_noise_add_0.1", Better: "HetSyn", Worse: "LIF", Margin: 0.05},
	{ID: "D4", Statement: "DMS played 0.5×, 0.75×, 1.5× and 2× as fast: HetSyn beats LIF by at least 5 points on average", Metric: "dms_accuracy_stretch_mean", Better: "HetSyn", Worse: "LIF", Margin: 0.05},
}

// ClaimMetric returns the named metric of a model for every seed of r:
// pattern_nmse, pattern_nmse_noise_add_<p>, pattern_nmse_noise_del_<p>,
// dms_accuracy_delay_<s>, dms_accuracy_noise_add_<p>,
// dms_accuracy_noise_del_<p>, dms_accuracy_stretch_<f> and
// dms_accuracy_stretch_mean (levels as the protocol lists them, %g).
func ClaimMetric(r *Results, metric, model string) ([]float64, error) {
	level := func(prefix string, levels []float64) (int, bool) {
		for k, v := range levels {
			if metric == fmt.Sprintf("%s%g", prefix, v) {
				return k, true
			}
		}
		return 0, false
	}
	if metric == "pattern_nmse" {
		return r.PatternMetric(model, func(p *PatternRun) float64 { return p.NMSE })
	}
	if r.Pattern != nil {
		pr := r.Pattern.Protocol.Resolved()
		if k, ok := level("pattern_nmse_noise_add_", pr.NoiseAdd); ok {
			return r.PatternMetric(model, func(p *PatternRun) float64 { return p.NoiseAdd[k] })
		}
		if k, ok := level("pattern_nmse_noise_del_", pr.NoiseDel); ok {
			return r.PatternMetric(model, func(p *PatternRun) float64 { return p.NoiseDel[k] })
		}
	}
	if r.DMS != nil {
		dp := r.DMS.Protocol.Resolved()
		if metric == "dms_accuracy_stretch_mean" {
			return r.DMSMetric(model, func(d *DMSRun) float64 {
				var s float64
				for _, a := range d.Stretch {
					s += a / float64(len(d.Stretch))
				}
				return s
			})
		}
		for _, c := range []struct {
			prefix string
			levels []float64
			get    func(*DMSRun) []float64
		}{{"dms_accuracy_delay_", dp.TestDelays, func(d *DMSRun) []float64 { return d.Accuracy }},
			{"dms_accuracy_noise_add_", dp.NoiseAdd, func(d *DMSRun) []float64 { return d.NoiseAdd }},
			{"dms_accuracy_noise_del_", dp.NoiseDel, func(d *DMSRun) []float64 { return d.NoiseDel }},
			{"dms_accuracy_stretch_", dp.Stretch, func(d *DMSRun) []float64 { return d.Stretch }}} {
			if k, ok := level(c.prefix, c.levels); ok {
				return r.DMSMetric(model, func(d *DMSRun) float64 { return c.get(d)[k] })
			}
		}
	}
	return nil, fmt.Errorf("snn: unknown metric %q for these results", metric)
}

// Evaluate decides a claim on results.
func (c Claim) Evaluate(r *Results) (Verdict, error) {
	better, err := ClaimMetric(r, c.Metric, c.Better)
	if err != nil {
		return Verdict{}, err
	}
	worse, err := ClaimMetric(r, c.Metric, c.Worse)
	if err != nil {
		return Verdict{}, err
	}
	d := make([]float64, len(better))
	var worseMean float64
	for i := range d {
		d[i] = better[i] - worse[i]
		if c.LowerIsBetter {
			d[i] = -d[i]
		}
		worseMean += worse[i] / float64(len(worse))
	}
	v := Verdict{Claim: c, Required: c.Margin}
	if c.Relative {
		v.Required = c.Margin * math.Abs(worseMean)
	}
	if v.Improvement, err = replicates.Summarize(d); err != nil {
		return v, err
	}
	if v.Improvement.SD == 0 {
		// All seeds agree exactly (a ceiling): the t test is undefined.
		v.P = 0.5
		if v.Improvement.Mean > 0 {
			v.P = 0
		}
	} else {
		tt, err := replicates.OneSampleT(d, 0, replicates.Greater)
		if err != nil {
			return v, err
		}
		v.P = tt.P
	}
	if c.NonInferior {
		v.Holds = v.Improvement.Lo > v.Required
	} else {
		v.Holds = v.Improvement.Mean >= v.Required && v.Improvement.Mean > 0 && v.P < 0.05
	}
	return v, nil
}

// String reports the verdict on one line.
func (v Verdict) String() string {
	word := "holds"
	if !v.Holds {
		word = "not reproduced here"
	}
	return fmt.Sprintf("%s %s: improvement %.4g [%.4g, %.4g] (mean, 95%% CI, n=%d), required %.4g, p = %.3g: %s",
		v.ID, v.Statement, v.Improvement.Mean, v.Improvement.Lo, v.Improvement.Hi, v.Improvement.N, v.Required, v.P, word)
}
