package singleneuron

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/neuronb/neuronb/neuro/replicates"
	"github.com/neuronb/neuronb/neuro/run"
)

// Arm is one condition of a study: a protocol, a representation and, for
// learned ones, a model and its adversary.
type Arm struct {
	Name           string         `json:"name"`
	Protocol       Protocol       `json:"protocol"`
	Representation Representation `json:"representation"`
	Model          ModelKind      `json:"model"`
	Adversarial    bool           `json:"adversarial"`
	Lambda         float64        `json:"lambda"`
	// TrueParameters probes Campaign.TrueParameters (Representation
	// Given); NoBatchEffect runs on the campaign simulated without batch
	// effects; ShuffleLabels shuffles the probe's training labels.
	TrueParameters bool `json:"true_parameters,omitempty"`
	NoBatchEffect  bool `json:"no_batch_effect,omitempty"`
	ShuffleLabels  bool `json:"shuffle_labels,omitempty"`
}

// StudySettings configures RunStudy.
type StudySettings struct {
	// Campaign is the simulation (its Seed is replaced by each seed).
	Campaign CampaignSettings `json:"campaign"`
	// SegmentLength is the segments' length in seconds (default 10).
	SegmentLength float64         `json:"segment_length"`
	Features      FeatureSettings `json:"features"`
	// Train is the base training configuration of learned arms.
	Train TrainSettings `json:"train"`
	Arms  []Arm         `json:"arms"`
	Seeds []uint64      `json:"seeds"`
	// Workers runs the folds of an arm in parallel (0: all cores).
	Workers int `json:"-"`
	// Progress sees every finished arm × seed (metric FoldMetric, the
	// mean over folds).
	Progress run.Progress `json:"-"`
}

// StudyRun is one arm on one seed.
type StudyRun struct {
	Arm    string      `json:"arm"`
	Seed   uint64      `json:"seed"`
	Result *EvalResult `json:"result"`
}

// Study is the results file of cmd/invariance and of the figure
// notebook's reduced run.
type Study struct {
	Revision string        `json:"revision"`
	Settings StudySettings `json:"settings"`
	Runs     []StudyRun    `json:"runs"`
	Runtime  float64       `json:"runtime_seconds"`
}

// RunStudy simulates one campaign per seed (and one without batch effects
// when an arm asks for it) and evaluates every arm on it.
func RunStudy(s *StudySettings) (*Study, error) {
	start := time.Now()
	if s == nil || len(s.Arms) == 0 || len(s.Seeds) == 0 {
		return nil, fmt.Errorf("singleneuron: RunStudy: no arms or no seeds")
	}
	set := *s
	if set.SegmentLength == 0 {
		set.SegmentLength = 10
	}
	st := &Study{Settings: set}
	total, done := len(set.Arms)*len(set.Seeds), 0
	for _, seed := range set.Seeds {
		data := map[bool]*Dataset{}
		var truth [][]float64
		for _, arm := range set.Arms {
			if data[arm.NoBatchEffect] == nil {
				cs := set.Campaign
				cs.Seed, cs.NoBatchEffect, cs.Workers = seed, arm.NoBatchEffect, set.Workers
				c, err := Simulate(&cs)
				if err != nil {
					return nil, err
				}
				if data[arm.NoBatchEffect], err = Segments(c, set.SegmentLength, &set.Features); err != nil {
					return nil, err
				}
				if !arm.NoBatchEffect {
					truth = c.TrueParameters()
				}
			}
			es := &EvalSettings{Protocol: arm.Protocol, Representation: arm.Representation, Train: set.Train,
				ShuffleLabels: arm.ShuffleLabels, Seed: seed, Workers: set.Workers}
			es.Train.Model, es.Train.Adversarial, es.Train.Lambda = arm.Model, arm.Adversarial, arm.Lambda
			if arm.TrueParameters {
				es.Representation, es.Given = Given, truth
			}
			r, err := Evaluate(data[arm.NoBatchEffect], es)
			if err != nil {
				return nil, fmt.Errorf("singleneuron: RunStudy: arm %s, seed %d: %w", arm.Name, seed, err)
			}
			st.Runs = append(st.Runs, StudyRun{Arm: arm.Name, Seed: seed, Result: r})
			done++
			if stop, err := set.Progress.Report(run.Step{Iteration: done, MaxIterations: total, Metric: FoldMetric, Value: r.Mean.Out.MacroF1}); stop {
				if err != nil {
					return nil, err
				}
				st.Runtime = time.Since(start).Seconds()
				return st, nil
			}
		}
	}
	st.Runtime = time.Since(start).Seconds()
	return st, nil
}

// LoadStudy reads a results file written by cmd/invariance.
func LoadStudy(path string) (*Study, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("singleneuron: %w", err)
	}
	var s Study
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("singleneuron: %s: %w", path, err)
	}
	return &s, nil
}

// Values returns, per seed in order of Settings.Seeds, pick of the fold
// means of an arm; an error when the arm is missing for a seed.
func (s *Study) Values(arm string, pick func(FoldResult) float64) ([]float64, error) {
	var out []float64
	for _, seed := range s.Settings.Seeds {
		found := false
		for _, r := range s.Runs {
			if r.Arm == arm && r.Seed == seed {
				out, found = append(out, pick(r.Result.Mean)), true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("singleneuron: study has no run of arm %q on seed %d", arm, seed)
		}
	}
	return out, nil
}

// Claim is the outcome of one registered claim of the figure notebook:
// the two compared quantities over seeds, their paired differences A − B
// and the one-sided paired t test's p-value in the registered direction
// (P is NaN when the claim has no test).
type Claim struct {
	ID         string `json:"id"`
	Hypothesis string `json:"hypothesis"`
	replicates.Paired
	// Gap summarises, where the claim has one, a second registered
	// quantity: H3's batch-probe accuracy minus the type-only level.
	Gap *replicates.Summary `json:"gap,omitempty"`
	// Holds says whether the registered threshold is met.
	Holds bool `json:"holds"`
}

// compare summarises a, b and a − b and tests a − b in direction alt with a
// paired t test (with no spread, the sign decides).
func compare(id, hyp string, a, b []float64, alt replicates.Alternative) (Claim, error) {
	c := Claim{ID: id, Hypothesis: hyp, Paired: replicates.Paired{P: math.NaN()}}
	if len(a) != len(b) || len(a) < 2 {
		return c, fmt.Errorf("singleneuron: claim %s: %d and %d seeds, want the same number ≥ 2", id, len(a), len(b))
	}
	p, err := replicates.ComparePaired(a, b, alt)
	if err != nil {
		return c, err
	}
	c.Paired = p
	return c, nil
}
