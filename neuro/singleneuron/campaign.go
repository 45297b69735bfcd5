package singleneuron

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/spikes"
)

// CampaignSettings describes a simulated recording campaign. A nil
// *CampaignSettings means every default.
type CampaignSettings struct {
	// Types are the intrinsic types neurons are drawn from (default
	// AllTypes).
	Types []NeuronType
	// Animals (default 5) and Stimuli (default 3): every animal is recorded
	// under every stimulus type, so there are Animals × Stimuli
	// environments.
	Animals, Stimuli int
	// NeuronsPerAnimal is the number of neurons recorded in each animal
	// (default 100); each is recorded in all of its animal's
	// environments.
	NeuronsPerAnimal int
	// Duration is the length of one environment's recording in seconds
	// (default 60).
	Duration float64
	// Dt is the Euler step in seconds (default 0.0005).
	Dt float64
	// NoiseSD and NoiseTau are σ and τ (seconds) of the Ornstein–Uhlenbeck
	// input noise (defaults 5 and 0.005).
	NoiseSD, NoiseTau float64
	// NoBatchEffect makes every animal's recording identical in
	// expectation: gain 1, no dropout, jitter or contamination (the control in which
	// in-domain and out-of-domain scores should agree).
	NoBatchEffect bool
	// Balanced draws every animal's neurons from the types in equal
	// proportions. By default the proportions differ across animals (a
	// spurious correlation between animal and type): animal i favours
	// type i mod len(Types), drawn with probability TypeBias +
	// (1 − TypeBias)/len(Types).
	Balanced bool
	// TypeBias sets how strongly animals favour their type (default 0.3).
	TypeBias float64
	// Seed seeds the animals, stimuli, neurons and every spike train.
	Seed uint64
	// Workers is the number of goroutines (0: all cores); the campaign
	// does not depend on it.
	Workers int
}

func (s *CampaignSettings) resolved() (CampaignSettings, error) {
	var o CampaignSettings
	if s != nil {
		o = *s
	}
	if len(o.Types) == 0 {
		o.Types = AllTypes
	}
	seen := map[NeuronType]bool{}
	for i, t := range o.Types {
		if !t.valid() || seen[t] {
			return o, fmt.Errorf("singleneuron: CampaignSettings.Types[%d] = %v: want distinct types among RS, FS, IB, CH", i, t)
		}
		seen[t] = true
	}
	def := func(v *int, d int, name string) error {
		if *v < 0 {
			return fmt.Errorf("singleneuron: CampaignSettings.%s = %d, want ≥ 0 (0 means %d)", name, *v, d)
		}
		if *v == 0 {
			*v = d
		}
		return nil
	}
	deff := func(v *float64, d float64, name string) error {
		if *v < 0 || math.IsNaN(*v) || math.IsInf(*v, 0) {
			return fmt.Errorf("singleneuron: CampaignSettings.%s = %v, want finite and ≥ 0 (0 means %v)", name, *v, d)
		}
		if *v == 0 {
			*v = d
		}
		return nil
	}
	for _, e := range []error{def(&o.Animals, 5, "Animals"), def(&o.Stimuli, 3, "Stimuli"), def(&o.NeuronsPerAnimal, 100, "NeuronsPerAnimal"),
		deff(&o.Duration, 60, "Duration"), deff(&o.Dt, 0.0005, "Dt"), deff(&o.NoiseSD, 5, "NoiseSD"), deff(&o.NoiseTau, 0.005, "NoiseTau"),
		deff(&o.TypeBias, 0.3, "TypeBias")} {
		if e != nil {
			return o, e
		}
	}
	if o.Dt > 0.001 {
		return o, fmt.Errorf("singleneuron: CampaignSettings.Dt = %v s, want ≤ 0.001", o.Dt)
	}
	if o.TypeBias >= 1 {
		return o, fmt.Errorf("singleneuron: CampaignSettings.TypeBias = %v, want < 1", o.TypeBias)
	}
	return o, nil
}

// Animal is one animal's recording platform: its input gain multiplies
// every neuron's stimulus drive, each spike is missed with probability
// Dropout, detected spike times move by Gaussian jitter of standard
// deviation Jitter seconds, and Contamination adds false spikes (another
// cell's, a sorting error) as a Poisson process of that rate in Hz.
type Animal struct {
	Gain, Dropout, Jitter, Contamination float64
	// TypeWeights[k] is the probability that a neuron of this animal has
	// type Types[k].
	TypeWeights []float64
}

// Stimulus is a stimulus type: its waveform S(t) = Mean·(1 + Depth·sin(2π
// Frequency t)) multiplies each neuron's drive.
type Stimulus struct {
	Mean, Depth, Frequency float64
}

// Neuron is one simulated neuron: its type, animal, its own Izhikevich
// parameters (its type's, jittered) and the scale of its input.
type Neuron struct {
	ID     int
	Type   NeuronType
	Animal int
	Params Izhikevich
	Drive  float64
}

// Environment is one animal recorded under one stimulus: the spike trains
// of the animal's neurons (unit ids are Neuron.ID, metadata columns
// "type" and "animal") over [0, Duration].
type Environment struct {
	Animal, Stimulus int
	Units            *spikes.TsGroup
}

// Campaign is a simulated recording campaign: neurons of several
// intrinsic types in several animals, each recorded under several
// stimulus types. A neuron's input in an environment is
//
//	I(t) = g_a · w_n · S_s(t) + η(t)
//
// with g_a its animal's gain, w_n its own drive, S_s the stimulus waveform
// and η Ornstein–Uhlenbeck noise; the recorded train drops each spike with
// the animal's dropout probability and jitters the rest.
type Campaign struct {
	Settings     CampaignSettings
	Animals      []Animal
	Stimuli      []Stimulus
	Neurons      []Neuron
	Environments []Environment
	// Stats: Iterations is the number of simulated neuron-environment
	// pairs, Runtime the wall time; Status is Finished.
	run.Stats
}

// typeDrive is the mean input (in the model's current units) that puts
// each type at a moderate rate under the unit stimulus.
func typeDrive(t NeuronType) float64 {
	switch t {
	case FastSpiking:
		return 2.5
	case IntrinsicallyBursting:
		return 3.5
	case Chattering:
		return 2
	}
	return 5
}

// Simulate draws and simulates a recording campaign.
func Simulate(s *CampaignSettings) (*Campaign, error) {
	start := time.Now()
	set, err := s.resolved()
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(set.Seed, 0x5eed))
	c := &Campaign{Settings: set}
	K := len(set.Types)
	for a := 0; a < set.Animals; a++ {
		an := Animal{Gain: 1, TypeWeights: make([]float64, K)}
		if !set.NoBatchEffect {
			an.Gain = math.Exp(1.5 * (rng.Float64() - 0.5))
			an.Dropout = 0.6 * rng.Float64()
			an.Jitter = 0.006 * rng.Float64()
			an.Contamination = 4 * rng.Float64()
		}
		for k := range an.TypeWeights {
			an.TypeWeights[k] = 1 / float64(K)
			if !set.Balanced {
				an.TypeWeights[k] = (1 - set.TypeBias) / float64(K)
				if k == a%K {
					an.TypeWeights[k] += set.TypeBias
				}
			}
		}
		c.Animals = append(c.Animals, an)
	}
	for i := 0; i < set.Stimuli; i++ {
		c.Stimuli = append(c.Stimuli, Stimulus{Mean: 0.8 + 0.4*rng.Float64(), Depth: 0.6 * rng.Float64(), Frequency: 0.5 + 3.5*rng.Float64()})
	}
	for a := range c.Animals {
		for i := 0; i < set.NeuronsPerAnimal; i++ {
			t := set.Types[pick(rng, c.Animals[a].TypeWeights)]
			// A neuron's parameters lie between its type's and another
			// type's (at most half way), so types overlap at their edges.
			p, q := t.Params(), set.Types[rng.IntN(K)].Params()
			m := 0.5 * rng.Float64()
			p = Izhikevich{A: p.A + m*(q.A-p.A), B: p.B + m*(q.B-p.B), C: p.C + m*(q.C-p.C), D: p.D + m*(q.D-p.D)}
			p.A *= 1 + 0.2*(rng.Float64()-0.5)
			p.B *= 1 + 0.1*(rng.Float64()-0.5)
			p.C += 4 * (rng.Float64() - 0.5)
			p.D *= 1 + 0.3*(rng.Float64()-0.5)
			c.Neurons = append(c.Neurons, Neuron{ID: len(c.Neurons), Type: t, Animal: a, Params: p,
				Drive: typeDrive(t) * math.Exp(0.35*rng.NormFloat64())})
		}
	}
	if err := c.record(set); err != nil {
		return nil, err
	}
	c.Status, c.Runtime = run.Finished, time.Since(start)
	return c, nil
}

func pick(rng *rand.Rand, w []float64) int {
	u := rng.Float64()
	for k, p := range w {
		if u < p {
			return k
		}
		u -= p
	}
	return len(w) - 1
}

// record simulates every neuron in every environment of its animal. Each
// (environment, neuron) pair draws from its own stream, so the campaign
// does not depend on the number of workers.
func (c *Campaign) record(set CampaignSettings) error {
	steps := int(math.Round(set.Duration / set.Dt))
	waves := make([][]float64, len(c.Stimuli))
	for i, st := range c.Stimuli {
		waves[i] = make([]float64, steps)
		for k := range waves[i] {
			waves[i][k] = st.Mean * (1 + st.Depth*math.Sin(2*math.Pi*st.Frequency*float64(k)*set.Dt))
		}
	}
	type job struct{ env, neuron int }
	var jobs []job
	for a := range c.Animals {
		for si := range c.Stimuli {
			env := len(c.Environments)
			c.Environments = append(c.Environments, Environment{Animal: a, Stimulus: si})
			for n := range c.Neurons {
				if c.Neurons[n].Animal == a {
					jobs = append(jobs, job{env, n})
				}
			}
		}
	}
	trains := make([][]float64, len(jobs))
	parallel.For(len(jobs), set.Workers, func(_, j int) {
		e, n := c.Environments[jobs[j].env], c.Neurons[jobs[j].neuron]
		an := c.Animals[e.Animal]
		r := rand.New(rand.NewPCG(set.Seed^0x9e3779b97f4a7c15, uint64(jobs[j].env)<<32|uint64(n.ID)))
		raw := n.Params.runOU(nil, r, waves[e.Stimulus], an.Gain*n.Drive, set.NoiseSD, set.NoiseTau, set.Dt)
		trains[j] = detect(r, raw, an, set.Duration)
	})
	c.Iterations = len(jobs)
	for ei := range c.Environments {
		e := &c.Environments[ei]
		var times [][]float64
		var ids []int
		var types, animals []string
		for j, jb := range jobs {
			if jb.env == ei {
				n := c.Neurons[jb.neuron]
				times, ids = append(times, trains[j]), append(ids, n.ID)
				types, animals = append(types, n.Type.String()), append(animals, fmt.Sprint(n.Animal))
			}
		}
		g, err := spikes.NewTsGroup(times, ids, &spikes.Metadata{Strings: map[string][]string{"type": types, "animal": animals}})
		if err != nil {
			return fmt.Errorf("singleneuron: Simulate: environment %d: %w", ei, err)
		}
		g, err = restrictTo(g, set.Duration)
		if err != nil {
			return err
		}
		e.Units = g
	}
	return nil
}

// restrictTo sets a group's support to [0, duration].
func restrictTo(g *spikes.TsGroup, duration float64) (*spikes.TsGroup, error) {
	ep, err := spikes.NewIntervalSet([]float64{0}, []float64{duration}, nil)
	if err != nil {
		return nil, err
	}
	return g.Restrict(ep), nil
}

// detect applies an animal's platform to a spike train: each spike is
// kept with probability 1 − Dropout and moved by N(0, Jitter²), Poisson
// false spikes of rate Contamination are added; the result is sorted and
// kept within [0, duration].
func detect(rng *rand.Rand, t []float64, a Animal, duration float64) []float64 {
	out := t[:0]
	for _, x := range t {
		if a.Dropout > 0 && rng.Float64() < a.Dropout {
			continue
		}
		if a.Jitter > 0 {
			x += a.Jitter * rng.NormFloat64()
		}
		if x >= 0 && x <= duration {
			out = append(out, x)
		}
	}
	if a.Contamination > 0 {
		for x := rng.ExpFloat64() / a.Contamination; x <= duration; x += rng.ExpFloat64() / a.Contamination {
			out = append(out, x)
		}
	}
	if a.Jitter > 0 || a.Contamination > 0 {
		sort.Float64s(out)
	}
	return out
}

// TrueParameters returns each neuron's Izhikevich parameters (a, b, c, d),
// the representation a type probe should read perfectly (a control).
func (c *Campaign) TrueParameters() [][]float64 {
	out := make([][]float64, len(c.Neurons))
	for i, n := range c.Neurons {
		out[i] = []float64{n.Params.A, n.Params.B, n.Params.C, n.Params.D}
	}
	return out
}
