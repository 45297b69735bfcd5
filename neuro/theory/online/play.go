package online

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/neuronb/neuronb/neuro/run"
)

// Learner is an online learner: it predicts a label for x, then sees the
// true label (and its own prediction) before the next round. Learners here
// are deterministic.
type Learner interface {
	Predict(x []float64) int
	Update(x []float64, y, prediction int)
}

// Environment chooses the instances and reveals the labels. Label may
// depend on the learner's prediction (an adaptive adversary); an oblivious
// environment ignores it.
type Environment interface {
	// Rounds is the number of instances the environment has.
	Rounds() int
	// Point returns instance t (0-based) in R^d.
	Point(t int) []float64
	// Label returns the label of instance t after the learner predicted
	// prediction.
	Label(t, prediction int) int
}

// Stream is an oblivious environment: fixed instances labelled by a target
// network.
type Stream struct {
	X      [][]float64
	Target *SignNet
}

// Rounds is len(X).
func (s *Stream) Rounds() int { return len(s.X) }

// Point returns X[t].
func (s *Stream) Point(t int) []float64 { return s.X[t] }

// Label returns Target's label of X[t].
func (s *Stream) Label(t, _ int) int { return s.Target.Label(s.X[t]) }

// SampleStream draws rounds instances uniformly from the unit ball,
// rejecting those closer than γ to a hyperplane of target's first layer,
// so that the stream has margin γ. It fails when fewer than 1 in 10⁴
// draws are accepted.
func SampleStream(rng *rand.Rand, target *SignNet, gamma float64, rounds int) (*Stream, error) {
	if target == nil {
		return nil, errors.New("online: SampleStream: target is nil")
	}
	if err := checkGamma(gamma); err != nil {
		return nil, err
	}
	if rounds < 1 {
		return nil, fmt.Errorf("online: SampleStream: %d rounds, want ≥ 1", rounds)
	}
	s := &Stream{Target: target}
	for tries := 0; len(s.X) < rounds; tries++ {
		if tries > 10_000*rounds {
			return nil, fmt.Errorf("online: SampleStream: only %d of %d draws have margin γ = %v", len(s.X), tries, gamma)
		}
		x := UniformBall(rng, target.Dim())
		if target.Margin(x) >= gamma {
			s.X = append(s.X, x)
		}
	}
	return s, nil
}

// Settings configures Play. A nil *Settings means every default.
type Settings struct {
	// MaxIterations caps the number of rounds; 0 means all the
	// environment's rounds.
	MaxIterations int
	// Progress, when not nil, is called after every round with the
	// cumulative number of mistakes (metric "mistakes").
	Progress run.Progress
}

// Result is the record of a game.
type Result struct {
	// Stats: Objective is the number of mistakes, Iterations the rounds
	// played; Status is Finished when the environment ran out,
	// IterationLimit at Settings.MaxIterations, Stopped by Progress.
	run.Stats
	// Mistakes is the number of rounds with ŷ_t ≠ y_t.
	Mistakes int
	// Cumulative[t] is the number of mistakes in rounds 0..t (a chart's
	// y against Rounds).
	Cumulative []float64
	// Rounds is 1, 2, …, the x axis matching Cumulative.
	Rounds []float64
	// X, Predictions and Labels record every round; MistakeRounds lists
	// the rounds with a mistake.
	X             [][]float64
	Predictions   []int
	Labels        []int
	MistakeRounds []int
}

// Play runs the game between learner l and environment env.
func Play(l Learner, env Environment, s *Settings) (*Result, error) {
	start := time.Now()
	if l == nil || env == nil {
		return nil, errors.New("online: Play needs a learner and an environment")
	}
	var set Settings
	if s != nil {
		set = *s
	}
	rounds := env.Rounds()
	status := run.Finished
	if set.MaxIterations > 0 && set.MaxIterations < rounds {
		rounds, status = set.MaxIterations, run.IterationLimit
	}
	dim := 0
	if dl, ok := l.(interface{ Dim() int }); ok {
		dim = dl.Dim()
	}
	res := &Result{}
	for t := range rounds {
		x := env.Point(t)
		if dim > 0 && len(x) != dim {
			return nil, fmt.Errorf("online: instance %d has dimension %d, the learner works in d = %d", t, len(x), dim)
		}
		p := l.Predict(x)
		y := env.Label(t, p)
		l.Update(x, y, p)
		if p != y {
			res.Mistakes++
			res.MistakeRounds = append(res.MistakeRounds, t)
		}
		res.X, res.Predictions, res.Labels = append(res.X, x), append(res.Predictions, p), append(res.Labels, y)
		res.Cumulative, res.Rounds = append(res.Cumulative, float64(res.Mistakes)), append(res.Rounds, float64(t+1))
		res.Iterations, res.Objective = t+1, float64(res.Mistakes)
		if stop, err := set.Progress.Report(run.Step{Iteration: t + 1, MaxIterations: rounds, Metric: "mistakes", Value: float64(res.Mistakes)}); stop {
			res.Status, res.Runtime = run.Stopped, time.Since(start)
			return res, err
		}
	}
	res.Status, res.Runtime = status, time.Since(start)
	return res, nil
}

// Coordinate returns coordinate k of every instance, in round order (the x
// or y of a scatter plot of the instances).
func (r *Result) Coordinate(k int) []float64 {
	out := make([]float64, len(r.X))
	for t, x := range r.X {
		if k < len(x) {
			out[t] = x[k]
		}
	}
	return out
}

// LabelValues returns the labels as float64, in round order (the colour of
// a scatter plot of the instances).
func (r *Result) LabelValues() []float64 {
	out := make([]float64, len(r.Labels))
	for t, y := range r.Labels {
		out[t] = float64(y)
	}
	return out
}
