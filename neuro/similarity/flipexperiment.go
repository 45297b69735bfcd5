package similarity

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/replicates"
	"github.com/neuronb/neuronb/neuro/run"
)

// FlipSettings tunes FlipExperiment. A nil *FlipSettings means the
// defaults documented on each field; a zero field means its default.
type FlipSettings struct {
	// Stimuli is P of FlipTriple. Default 200 (the paper's).
	Stimuli int `json:"stimuli"`
	// Neurons are the recorded neuron counts. Default 10, 15, 20, 30, 50,
	// 120.
	Neurons []int `json:"neurons"`
	// Replicates is the number of independent replicates. Default 20.
	Replicates int `json:"replicates"`
	// Seed is the seed of the first replicate: replicate r builds
	// FlipTriple(Stimuli, Seed+r) and records it with study seed Seed+r.
	Seed uint64 `json:"seed"`
	// Draws is the number of recordings of the target per neuron count and
	// replicate, shared by both models. Default 20.
	Draws int `json:"draws"`
	// OneRecording also measures the practical case: the first of a
	// separate set of recordings (stream PCG(Seed+r, 1<<63 | j) at the
	// j-th neuron count) denoised on its own, once with the true
	// population spectrum and once with a power law fitted to the
	// recording (CompareRecording's prior).
	OneRecording bool `json:"one_recording"`
	// Workers run draws in parallel; 0 means runtime.GOMAXPROCS(0).
	// Results do not depend on it.
	Workers int `json:"-"`
	// Progress, if not nil, is called after each replicate with the metric
	// "replicates done"; it can stop the experiment, which then holds the
	// replicates finished.
	Progress run.Progress `json:"-"`
}

func (s *FlipSettings) defaults() FlipSettings {
	var d FlipSettings
	if s != nil {
		d = *s
	}
	d.Stimuli = run.Iterations(d.Stimuli, 200)
	d.Replicates = run.Iterations(d.Replicates, 20)
	d.Draws = run.Iterations(d.Draws, 20)
	if len(d.Neurons) == 0 {
		d.Neurons = []int{10, 15, 20, 30, 50, 120}
	}
	return d
}

// FlipReplicates is the replicated CCA flip (FlipExperiment). Values are
// per replicate ([r]) or per replicate and neuron count ([r][j]). Sample
// values are means over the replicate's recordings, denoised values the
// estimates from its draw-averaged overlap matrices. The One… values exist
// with FlipSettings.OneRecording: the sample CCA_10 of one recording and
// its denoised estimate with the true population spectrum (OneTrue…) and
// with a power law fitted to the recording (OneFitted…).
type FlipReplicates struct {
	Settings       FlipSettings `json:"settings"`
	Seeds          []uint64     `json:"seeds"`
	PopulationCCA1 []float64    `json:"population_cca1"`
	PopulationCCA2 []float64    `json:"population_cca2"`

	SampleCCA1   [][]float64 `json:"sample_cca1"`
	SampleCCA2   [][]float64 `json:"sample_cca2"`
	DenoisedCCA1 [][]float64 `json:"denoised_cca1"`
	DenoisedCCA2 [][]float64 `json:"denoised_cca2"`

	OneSampleCCA1 [][]float64 `json:"one_sample_cca1,omitempty"`
	OneSampleCCA2 [][]float64 `json:"one_sample_cca2,omitempty"`
	OneTrueCCA1   [][]float64 `json:"one_true_cca1,omitempty"`
	OneTrueCCA2   [][]float64 `json:"one_true_cca2,omitempty"`
	OneFittedCCA1 [][]float64 `json:"one_fitted_cca1,omitempty"`
	OneFittedCCA2 [][]float64 `json:"one_fitted_cca2,omitempty"`
	// Stats: Status Finished, or Stopped by Progress; Iterations counts
	// the replicates; Objective is the fraction of (replicate, neuron
	// count) pairs whose denoised order is right.
	run.Stats `json:"stats"`
}

// FlipExperiment replicates the CCA flip (CCAFlip) on independent triples
// of representations, so that how often each estimate ranks the two
// models in their population order can be tested (FlipReplicates.Tally).
func FlipExperiment(s *FlipSettings) (*FlipReplicates, error) {
	start := time.Now()
	set := s.defaults()
	res := &FlipReplicates{Settings: set}
	res.Status = run.Finished
	var right, pairs int
	for r := 0; r < set.Replicates; r++ {
		seed := set.Seed + uint64(r)
		if err := res.replicate(seed, set); err != nil {
			return nil, fmt.Errorf("similarity: flip replicate %d (seed %d): %w", r, seed, err)
		}
		for j := range set.Neurons {
			pairs++
			if (res.DenoisedCCA2[r][j] > res.DenoisedCCA1[r][j]) == (res.PopulationCCA2[r] > res.PopulationCCA1[r]) {
				right++
			}
		}
		res.Iterations, res.Objective = r+1, float64(right)/float64(pairs)
		if stop, err := set.Progress.Report(run.Step{Iteration: r + 1, MaxIterations: set.Replicates, Metric: "denoised order right (fraction)", Value: res.Objective}); stop {
			res.Status, res.Runtime = run.Stopped, time.Since(start)
			return res, err
		}
	}
	res.Runtime = time.Since(start)
	return res, nil
}

// replicate runs one replicate and appends its rows.
func (res *FlipReplicates) replicate(seed uint64, set FlipSettings) error {
	f, err := FlipTriple(set.Stimuli, seed)
	if err != nil {
		return err
	}
	fr, err := CCAFlip(f, set.Neurons, &StudySettings{Draws: set.Draws, Seed: seed, Workers: set.Workers})
	if err != nil {
		return err
	}
	res.Seeds = append(res.Seeds, seed)
	res.PopulationCCA1, res.PopulationCCA2 = append(res.PopulationCCA1, fr.Population1), append(res.PopulationCCA2, fr.Population2)
	var s1, s2, d1, d2 []float64
	for _, p := range fr.Points {
		s1, s2, d1, d2 = append(s1, p.Sample1.Mean), append(s2, p.Sample2.Mean), append(d1, p.Denoised1), append(d2, p.Denoised2)
	}
	res.SampleCCA1, res.SampleCCA2 = append(res.SampleCCA1, s1), append(res.SampleCCA2, s2)
	res.DenoisedCCA1, res.DenoisedCCA2 = append(res.DenoisedCCA1, d1), append(res.DenoisedCCA2, d2)
	if set.OneRecording {
		return res.oneRecording(f, seed, set)
	}
	return nil
}

// oneRecording denoises a single recording of the target at each neuron
// count against both models, with the true and with a fitted spectrum.
func (res *FlipReplicates) oneRecording(f *FlipModels, seed uint64, set FlipSettings) error {
	ds, err := (*DenoiseSettings)(nil).defaults()
	if err != nil {
		return err
	}
	ss, err := (*StieltjesSettings)(nil).defaults()
	if err != nil {
		return err
	}
	ss.Workers = set.Workers
	spectra := make([]*Spectrum, 3)
	for i, x := range []*mat.Dense{f.Target, f.Model1, f.Model2} {
		if spectra[i], err = spectrumOf("representation", x); err != nil {
			return err
		}
	}
	var rows [6][]float64
	for j, n := range set.Neurons {
		x, err := SampleNeurons(f.Target, n, GaussianProjection, rand.New(rand.NewPCG(seed, 1<<63|uint64(j))))
		if err != nil {
			return err
		}
		sx, err := spectrumOf("recording", x)
		if err != nil {
			return err
		}
		for m := 0; m < 2; m++ {
			for prior, pop := range [][]float64{spectra[0].Values, nil} {
				c, err := compareSpectra(sx, spectra[1+m], pop, ds, ss, time.Now())
				if err != nil {
					return fmt.Errorf("N = %d, model %d: %w", n, m+1, err)
				}
				if prior == 0 {
					rows[m] = append(rows[m], c.SampleCCA)
				}
				rows[2+2*prior+m] = append(rows[2+2*prior+m], c.Denoised.CCA)
			}
		}
	}
	res.OneSampleCCA1, res.OneSampleCCA2 = append(res.OneSampleCCA1, rows[0]), append(res.OneSampleCCA2, rows[1])
	res.OneTrueCCA1, res.OneTrueCCA2 = append(res.OneTrueCCA1, rows[2]), append(res.OneTrueCCA2, rows[3])
	res.OneFittedCCA1, res.OneFittedCCA2 = append(res.OneFittedCCA1, rows[4]), append(res.OneFittedCCA2, rows[5])
	return nil
}

// FlipCount is how often, over replicates, one estimate ranked the two
// models in their population order (Right) or reversed it (Reversed), with
// the one-sided binomial p-values of each count against chance (p = 1/2):
// PRight = P(X ≥ Right), PReversed = P(X ≥ Reversed), X ~ Bin(n, 1/2).
// Gap summarises model 2 − model 1 over replicates.
type FlipCount struct {
	Right     int                `json:"right"`
	Reversed  int                `json:"reversed"`
	PRight    float64            `json:"p_right"`
	PReversed float64            `json:"p_reversed"`
	Gap       replicates.Summary `json:"gap"`
}

// FlipTally is the order count at one neuron count.
type FlipTally struct {
	Neurons    int       `json:"neurons"`
	Replicates int       `json:"replicates"`
	Sample     FlipCount `json:"sample"`
	Denoised   FlipCount `json:"denoised"`
	// One recording: sample, denoised with the true spectrum and with the
	// fitted power law (zero without OneRecording).
	OneSample FlipCount `json:"one_sample"`
	OneTrue   FlipCount `json:"one_true"`
	OneFitted FlipCount `json:"one_fitted"`
}

// Tally counts, at each neuron count, the replicates in which each estimate
// orders the models as their population CCA_10 does (model 2 above model 1
// in every FlipTriple) and tests the counts against chance.
func (res *FlipReplicates) Tally() ([]FlipTally, error) {
	if len(res.Seeds) == 0 {
		return nil, fmt.Errorf("similarity: the flip experiment has no replicates")
	}
	var out []FlipTally
	for j, n := range res.Settings.Neurons {
		t := FlipTally{Neurons: n, Replicates: len(res.Seeds)}
		var err error
		count := func(a, b [][]float64) FlipCount {
			if err != nil || len(a) == 0 {
				return FlipCount{}
			}
			var c FlipCount
			c, err = res.count(a, b, j)
			return c
		}
		t.Sample, t.Denoised = count(res.SampleCCA1, res.SampleCCA2), count(res.DenoisedCCA1, res.DenoisedCCA2)
		t.OneSample, t.OneTrue = count(res.OneSampleCCA1, res.OneSampleCCA2), count(res.OneTrueCCA1, res.OneTrueCCA2)
		t.OneFitted = count(res.OneFittedCCA1, res.OneFittedCCA2)
		if err != nil {
			return nil, fmt.Errorf("similarity: N = %d: %w", n, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// count tallies the order of one estimate at the j-th neuron count.
func (res *FlipReplicates) count(m1, m2 [][]float64, j int) (FlipCount, error) {
	var c FlipCount
	gap := make([]float64, len(m1))
	for r := range m1 {
		gap[r] = m2[r][j] - m1[r][j]
		if (gap[r] > 0) == (res.PopulationCCA2[r] > res.PopulationCCA1[r]) {
			c.Right++
		} else {
			c.Reversed++
		}
	}
	var err error
	n := len(m1)
	if c.PRight, err = replicates.Binomial(c.Right, n, 0.5, replicates.Greater); err != nil {
		return c, err
	}
	if c.PReversed, err = replicates.Binomial(c.Reversed, n, 0.5, replicates.Greater); err != nil {
		return c, err
	}
	c.Gap, err = replicates.Summarize(gap)
	return c, err
}

// FlipRun is a FlipExperiment as the command neuro/similarity/cmd/ccaflip
// saves it: the per-replicate results (with their settings), their tally
// and what produced them.
type FlipRun struct {
	// Revision is the source revision (git rev-parse HEAD, with "+dirty"
	// when the working tree had uncommitted changes).
	Revision string `json:"revision"`
	// Go, BLAS and EigenSolver name the toolchain and linear algebra.
	Go          string `json:"go"`
	BLAS        string `json:"blas"`
	EigenSolver string `json:"eigen_solver"`
	// Date is when the run started (RFC 3339) and Seconds how long it took.
	Date    string          `json:"date"`
	Seconds float64         `json:"seconds"`
	Results *FlipReplicates `json:"results"`
	Tally   []FlipTally     `json:"tally"`
}

// ReadFlipRun reads a FlipRun saved as JSON.
func ReadFlipRun(path string) (*FlipRun, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("similarity: %w", err)
	}
	var r FlipRun
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("similarity: %s: %w", path, err)
	}
	if r.Results == nil || len(r.Results.Seeds) == 0 {
		return nil, fmt.Errorf("similarity: %s holds no flip replicates", path)
	}
	return &r, nil
}

// FlipCurves summarise a FlipReplicates over replicates at each neuron
// count, for widgets.ErrorBars (x = Neurons): the mean and 95% t interval
// of each model's sample and denoised CCA_10, of their population values
// (the same at every neuron count) and, with OneRecording, of the
// one-recording estimates with the fitted spectrum.
type FlipCurves struct {
	Neurons                    []float64
	Sample1, Sample2           []replicates.Summary
	Denoised1, Denoised2       []replicates.Summary
	Population1, Population2   []replicates.Summary
	OneFitted1, OneFitted2     []replicates.Summary
	SampleGap, DenoisedGap     []replicates.Summary // model 2 − model 1
	OneFittedGap, OneSampleGap []replicates.Summary
}

// Curves summarises the replicates at each neuron count. It needs at least
// one replicate.
func (res *FlipReplicates) Curves() (*FlipCurves, error) {
	if len(res.Seeds) == 0 {
		return nil, fmt.Errorf("similarity: the flip experiment has no replicates")
	}
	c := &FlipCurves{}
	for _, n := range res.Settings.Neurons {
		c.Neurons = append(c.Neurons, float64(n))
	}
	var err error
	cols := func(rows [][]float64) []replicates.Summary {
		if err != nil || len(rows) == 0 {
			return nil
		}
		var s []replicates.Summary
		s, err = replicates.Columns(rows)
		return s
	}
	gap := func(a, b [][]float64) [][]float64 {
		out := make([][]float64, len(a))
		for r := range a {
			for j := range a[r] {
				out[r] = append(out[r], b[r][j]-a[r][j])
			}
		}
		return out
	}
	repeat := func(v []float64) [][]float64 {
		out := make([][]float64, len(v))
		for r := range v {
			for range res.Settings.Neurons {
				out[r] = append(out[r], v[r])
			}
		}
		return out
	}
	c.Sample1, c.Sample2 = cols(res.SampleCCA1), cols(res.SampleCCA2)
	c.Denoised1, c.Denoised2 = cols(res.DenoisedCCA1), cols(res.DenoisedCCA2)
	c.Population1, c.Population2 = cols(repeat(res.PopulationCCA1)), cols(repeat(res.PopulationCCA2))
	c.OneFitted1, c.OneFitted2 = cols(res.OneFittedCCA1), cols(res.OneFittedCCA2)
	c.SampleGap, c.DenoisedGap = cols(gap(res.SampleCCA1, res.SampleCCA2)), cols(gap(res.DenoisedCCA1, res.DenoisedCCA2))
	c.OneFittedGap, c.OneSampleGap = cols(gap(res.OneFittedCCA1, res.OneFittedCCA2)), cols(gap(res.OneSampleCCA1, res.OneSampleCCA2))
	return c, err
}

// spectrumOf is NewSpectrum naming its argument in errors.
func spectrumOf(name string, x mat.Matrix) (*Spectrum, error) {
	xc, err := centered(name, x)
	if err != nil {
		return nil, err
	}
	return fullSpectrum(xc)
}
