package snn

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/neuronb/neuronb/neuro/run"
)

// The protocols below are the experiments of notebooks/hetsyn_timescales:
// the four arms (LIF, ALIF, HetNeuron, HetSyn) of one layer type, matched
// in neuron count, trained with the authors' optimiser settings on the
// same task instance, initial weights and batches for a given seed, and
// evaluated on the same test trials. cmd/hetsyn-experiments runs them in
// full; the notebook runs them reduced.

// ArmConfig returns the network configuration of an arm for a task of
// inputs channels and outputs readouts at step dt: the model's defaults
// with time constants in steps of dt (learnable τ ~ U(5, 20) steps, LIF and
// ALIF τ_m = 20 steps, ALIF τ_r = 200 steps, τ_r = 20 steps otherwise).
func ArmConfig(model Model, inputs, neurons, outputs int, dt float64) Config {
	return Config{Inputs: inputs, Neurons: neurons, Outputs: outputs, Model: model, Dt: dt}
}

// TauHistogram counts time constants in bins of log10(τ/Dt), τ in steps.
type TauHistogram struct {
	// Edges of the bins, in log10 steps.
	Edges []float64 `json:"edges_log10_steps"`
	// Counts per bin; Below counts τ under the first edge (ρ near 0),
	// Above those over the last (ρ = 1, a perfect integrator, included).
	Counts []int `json:"counts"`
	Below  int   `json:"below"`
	Above  int   `json:"above"`
	// Median of τ in steps.
	Median float64 `json:"median_steps"`
}

// TauEdges are the default histogram edges: log10 of 1 to 1000 steps in
// 24 bins.
func TauEdges() []float64 {
	e := make([]float64, 25)
	for i := range e {
		e[i] = 3 * float64(i) / 24
	}
	return e
}

// NewTauHistogram bins the time constants (in seconds) of decays rho at
// step dt.
func NewTauHistogram(rho []float64, dt float64, edges []float64) TauHistogram {
	h := TauHistogram{Edges: edges, Counts: make([]int, len(edges)-1)}
	steps := make([]float64, 0, len(rho))
	for _, r := range rho {
		s := Tau(r, dt) / dt
		steps = append(steps, s)
		l := math.Log10(s)
		switch {
		case s <= 0 || l < edges[0]:
			h.Below++
		case l >= edges[len(edges)-1]:
			h.Above++
		default:
			for k := range h.Counts {
				if l < edges[k+1] {
					h.Counts[k]++
					break
				}
			}
		}
	}
	h.Median = median(steps)
	return h
}

func median(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), x...)
	for i := 1; i < len(s); i++ { // insertion sort: small slices, no import
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Taus are the learned time constants of a network, by projection.
type Taus struct {
	In  TauHistogram `json:"in"`
	Rec TauHistogram `json:"rec"`
	Out TauHistogram `json:"out"`
}

// LearnedTaus bins the network's decays (TauEdges).
func LearnedTaus(n *Network) Taus {
	dt := n.cfg.Dt
	return Taus{In: NewTauHistogram(n.RhoIn.Value, dt, TauEdges()), Rec: NewTauHistogram(n.RhoRec.Value, dt, TauEdges()),
		Out: NewTauHistogram(n.RhoOut.Value, dt, TauEdges())}
}

// PatternProtocol is the pattern-generation experiment. Zero fields take
// the defaults.
type PatternProtocol struct {
	Task PatternConfig `json:"task"`
	// Neurons is the recurrent layer's size; 0 means 100.
	Neurons int `json:"neurons"`
	// Iterations of training; 0 means 1000.
	Iterations int `json:"iterations"`
	// NoiseAdd and NoiseDel are the test-time noise levels (FlipNoise);
	// nil means {0.002, 0.005, 0.01, 0.02} and {0.1, 0.2, 0.3, 0.5}.
	NoiseAdd []float64 `json:"noise_add"`
	NoiseDel []float64 `json:"noise_del"`
	// NoiseDraws is the number of noisy inputs averaged per level; 0 means 5.
	NoiseDraws int `json:"noise_draws"`
	// Mode is the gradient mode of training (results do not depend on it
	// beyond rounding).
	Mode GradMode `json:"grad_mode"`
}

// Resolved returns p with its defaults filled in (those of its task
// included, when valid).
func (p PatternProtocol) Resolved() PatternProtocol {
	if t, err := p.Task.resolved(); err == nil {
		p.Task = t
	}
	if p.Neurons == 0 {
		p.Neurons = 100
	}
	if p.Iterations == 0 {
		p.Iterations = 1000
	}
	if p.NoiseAdd == nil {
		p.NoiseAdd = []float64{0.002, 0.005, 0.01, 0.02}
	}
	if p.NoiseDel == nil {
		p.NoiseDel = []float64{0.1, 0.2, 0.3, 0.5}
	}
	if p.NoiseDraws == 0 {
		p.NoiseDraws = 5
	}
	return p
}

// PatternRun is one arm's result on one seed.
type PatternRun struct {
	Model string  `json:"model"`
	Seed  uint64  `json:"seed"`
	NMSE  float64 `json:"nmse"`
	// NoiseAdd[k] and NoiseDel[k] are the NMSE at the protocol's levels.
	NoiseAdd []float64 `json:"nmse_noise_add"`
	NoiseDel []float64 `json:"nmse_noise_del"`
	// Loss is the training loss every 10 iterations.
	Loss []float64 `json:"loss_every_10"`
	// Rate is the mean firing rate after training (Hz).
	Rate    float64 `json:"rate_hz"`
	Taus    *Taus   `json:"taus,omitempty"`
	Seconds float64 `json:"seconds"`
	// Net and Task are the trained network and its task (not saved).
	Net  *Network     `json:"-"`
	Task *PatternTask `json:"-"`
}

// Run trains one arm on the seed's task instance: the task, then the
// initial weights, come from PCG(seed, 1), the training stream from seed,
// the test noise from PCG(seed, 2), so every arm of a seed sees the same.
func (p PatternProtocol) Run(model Model, seed uint64, workers int, progress run.Progress) (*PatternRun, error) {
	p = p.Resolved()
	start := time.Now()
	r := rand.New(rand.NewPCG(seed, 1))
	task, err := NewPatternTask(r, p.Task)
	if err != nil {
		return nil, err
	}
	c := task.Config
	n, err := New(r, ArmConfig(model, c.Inputs, p.Neurons, 1, c.Dt))
	if err != nil {
		return nil, err
	}
	x, loss := task.Batch()
	res, err := Fit(n, func(*rand.Rand, int) ([][][]float64, Loss, error) { return x, loss, nil },
		&Settings{MaxIterations: p.Iterations, Seed: seed, Workers: workers, Mode: p.Mode, Progress: progress})
	if err != nil {
		return nil, err
	}
	out := &PatternRun{Model: model.String(), Seed: seed, Net: n, Task: task}
	for i := 0; i < len(res.Loss); i += 10 {
		out.Loss = append(out.Loss, res.Loss[i])
	}
	tr, err := n.Forward(x, workers)
	if err != nil {
		return nil, err
	}
	if out.NMSE, err = task.NMSE(tr.Out[0]); err != nil {
		return nil, err
	}
	rates, err := tr.Rates(0)
	if err != nil {
		return nil, err
	}
	for _, v := range rates {
		out.Rate += v / float64(len(rates))
	}
	nr := rand.New(rand.NewPCG(seed, 2))
	noisy := func(pAdd, pDel float64) (float64, error) {
		var s float64
		for d := 0; d < p.NoiseDraws; d++ {
			xn, err := FlipNoise(nr, task.Input, pAdd, pDel)
			if err != nil {
				return 0, err
			}
			tr, err := n.Forward([][][]float64{xn}, workers)
			if err != nil {
				return 0, err
			}
			e, err := task.NMSE(tr.Out[0])
			if err != nil {
				return 0, err
			}
			s += e / float64(p.NoiseDraws)
		}
		return s, nil
	}
	for _, q := range p.NoiseAdd {
		e, err := noisy(q, 0)
		if err != nil {
			return nil, err
		}
		out.NoiseAdd = append(out.NoiseAdd, e)
	}
	for _, q := range p.NoiseDel {
		e, err := noisy(0, q)
		if err != nil {
			return nil, err
		}
		out.NoiseDel = append(out.NoiseDel, e)
	}
	if model.learnsDecays() {
		t := LearnedTaus(n)
		out.Taus = &t
	}
	out.Seconds = time.Since(start).Seconds()
	return out, nil
}

// DMSProtocol is the delayed match-to-sample experiment. Zero fields take
// the defaults.
type DMSProtocol struct {
	Task DMSConfig `json:"task"`
	// Neurons: 0 means 64. Batch: 0 means 32. Iterations: 0 means 800.
	Neurons    int `json:"neurons"`
	Batch      int `json:"batch"`
	Iterations int `json:"iterations"`
	// TrainDelay is the delay of every training trial in seconds; 0 means
	// 0.5.
	TrainDelay float64 `json:"train_delay_s"`
	// TestDelays are the delays tested (working memory beyond the trained
	// delay); nil means {0.5, 1, 2}.
	TestDelays []float64 `json:"test_delays_s"`
	// TestTrials per condition; 0 means 512.
	TestTrials int `json:"test_trials"`
	// NoiseAdd, NoiseDel and Stretch are tested at TrainDelay; nil means
	// {0.02, 0.05, 0.1, 0.2}, {0.1, 0.2, 0.3, 0.5} and {0.5, 0.75, 1.5, 2}.
	NoiseAdd []float64 `json:"noise_add"`
	NoiseDel []float64 `json:"noise_del"`
	Stretch  []float64 `json:"stretch"`
	Mode     GradMode  `json:"grad_mode"`
}

// Resolved returns p with its defaults filled in (those of its task
// included, when valid).
func (p DMSProtocol) Resolved() DMSProtocol {
	if t, err := p.Task.resolved(); err == nil {
		p.Task = t
	}
	if p.Neurons == 0 {
		p.Neurons = 64
	}
	if p.Batch == 0 {
		p.Batch = 32
	}
	if p.Iterations == 0 {
		p.Iterations = 800
	}
	if p.TrainDelay == 0 {
		p.TrainDelay = 0.5
	}
	if p.TestDelays == nil {
		p.TestDelays = []float64{0.5, 1, 2}
	}
	if p.TestTrials == 0 {
		p.TestTrials = 512
	}
	if p.NoiseAdd == nil {
		p.NoiseAdd = []float64{0.02, 0.05, 0.1, 0.2}
	}
	if p.NoiseDel == nil {
		p.NoiseDel = []float64{0.1, 0.2, 0.3, 0.5}
	}
	if p.Stretch == nil {
		p.Stretch = []float64{0.5, 0.75, 1.5, 2}
	}
	return p
}

// DMSRun is one arm's result on one seed. Accuracies are fractions of
// TestTrials correct.
type DMSRun struct {
	Model    string    `json:"model"`
	Seed     uint64    `json:"seed"`
	Accuracy []float64 `json:"accuracy_by_delay"`
	NoiseAdd []float64 `json:"accuracy_noise_add"`
	NoiseDel []float64 `json:"accuracy_noise_del"`
	Stretch  []float64 `json:"accuracy_stretch"`
	Loss     []float64 `json:"loss_every_10"`
	Rate     float64   `json:"rate_hz"`
	Taus     *Taus     `json:"taus,omitempty"`
	Seconds  float64   `json:"seconds"`
	Net      *Network  `json:"-"`
}

// Run trains one arm: initial weights from PCG(seed, 1), training batches
// from seed, the test trials of condition k from PCG(seed, 100+k) (the
// same for every arm).
func (p DMSProtocol) Run(model Model, seed uint64, workers int, progress run.Progress) (*DMSRun, error) {
	p = p.Resolved()
	start := time.Now()
	c, err := p.Task.resolved()
	if err != nil {
		return nil, err
	}
	n, err := New(rand.New(rand.NewPCG(seed, 1)), ArmConfig(model, 4*c.Channels, p.Neurons, 2, c.Dt))
	if err != nil {
		return nil, err
	}
	res, err := Fit(n, func(r *rand.Rand, _ int) ([][][]float64, Loss, error) {
		b, err := SampleDMS(r, c, p.Batch, p.TrainDelay, 1)
		if err != nil {
			return nil, nil, err
		}
		return b.X, b.Loss(), nil
	}, &Settings{MaxIterations: p.Iterations, Seed: seed, Workers: workers, Mode: p.Mode, Progress: progress})
	if err != nil {
		return nil, err
	}
	out := &DMSRun{Model: model.String(), Seed: seed, Net: n}
	for i := 0; i < len(res.Loss); i += 10 {
		out.Loss = append(out.Loss, res.Loss[i])
	}
	cond := 0
	eval := func(delay, stretch, pAdd, pDel float64) (float64, error) {
		r := rand.New(rand.NewPCG(seed, uint64(100+cond)))
		cond++
		b, err := SampleDMS(r, c, p.TestTrials, delay, stretch)
		if err != nil {
			return 0, err
		}
		if pAdd > 0 || pDel > 0 {
			for i := range b.X {
				if b.X[i], err = FlipNoise(r, b.X[i], pAdd, pDel); err != nil {
					return 0, err
				}
			}
		}
		tr, err := n.Forward(b.X, workers)
		if err != nil {
			return 0, err
		}
		if delay == p.TrainDelay && stretch == 1 && pAdd == 0 && pDel == 0 {
			for i := range tr.Spikes {
				rt, err := tr.Rates(i)
				if err != nil {
					return 0, err
				}
				for _, v := range rt {
					out.Rate += v / float64(len(rt)*len(tr.Spikes))
				}
			}
		}
		return b.Accuracy(tr.Out)
	}
	for _, d := range p.TestDelays {
		a, err := eval(d, 1, 0, 0)
		if err != nil {
			return nil, err
		}
		out.Accuracy = append(out.Accuracy, a)
	}
	for _, q := range p.NoiseAdd {
		a, err := eval(p.TrainDelay, 1, q, 0)
		if err != nil {
			return nil, err
		}
		out.NoiseAdd = append(out.NoiseAdd, a)
	}
	for _, q := range p.NoiseDel {
		a, err := eval(p.TrainDelay, 1, 0, q)
		if err != nil {
			return nil, err
		}
		out.NoiseDel = append(out.NoiseDel, a)
	}
	for _, s := range p.Stretch {
		a, err := eval(p.TrainDelay, s, 0, 0)
		if err != nil {
			return nil, err
		}
		out.Stretch = append(out.Stretch, a)
	}
	if model.learnsDecays() {
		t := LearnedTaus(n)
		out.Taus = &t
	}
	out.Seconds = time.Since(start).Seconds()
	return out, nil
}

// Results are what cmd/hetsyn-experiments writes: the protocols, every
// run, and where they came from.
type Results struct {
	// Revision is `git rev-parse HEAD` of the source that ran (with
	// "+dirty" when the tree had changes), Command the command line.
	Revision string `json:"revision"`
	Command  string `json:"command"`
	Date     string `json:"date"`
	// Workers is the number of runs executed at once, GOMAXPROCS that of
	// the machine.
	Workers    int      `json:"workers"`
	GOMAXPROCS int      `json:"gomaxprocs"`
	Seeds      []uint64 `json:"seeds"`
	Models     []string `json:"models"`
	Pattern    *struct {
		Protocol PatternProtocol `json:"protocol"`
		Runs     []*PatternRun   `json:"runs"`
	} `json:"pattern,omitempty"`
	DMS *struct {
		Protocol DMSProtocol `json:"protocol"`
		Runs     []*DMSRun   `json:"runs"`
	} `json:"dms,omitempty"`
}

// PatternMetric returns, for each of the results' seeds in order, f of the
// model's pattern-generation run.
func (r *Results) PatternMetric(model string, f func(*PatternRun) float64) ([]float64, error) {
	out := make([]float64, 0, len(r.Seeds))
	for _, s := range r.Seeds {
		run, err := r.patternRun(model, s)
		if err != nil {
			return nil, err
		}
		out = append(out, f(run))
	}
	return out, nil
}

// DMSMetric returns, for each of the results' seeds in order, f of the
// model's DMS run.
func (r *Results) DMSMetric(model string, f func(*DMSRun) float64) ([]float64, error) {
	out := make([]float64, 0, len(r.Seeds))
	for _, s := range r.Seeds {
		run, err := r.dmsRun(model, s)
		if err != nil {
			return nil, err
		}
		out = append(out, f(run))
	}
	return out, nil
}
