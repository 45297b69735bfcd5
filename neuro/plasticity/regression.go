package plasticity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/train"
)

// Student is a network architecture of the non-stationary regression.
type Student int

const (
	// ReLUMLP: three dense ReLU layers of Width units.
	ReLUMLP Student = iota + 1
	// LNResidual: a BRO/SimBa-style network, Dense → LayerNorm → ReLU, two
	// residual blocks x + W₂ ReLU(LN(W₁ x + b₁)) + b₂ of Width units, a
	// final LayerNorm.
	LNResidual
	// TanhMLP: three dense tanh layers of Width units.
	TanhMLP
)

var studentNames = [...]string{ReLUMLP: "relu-mlp", LNResidual: "ln-residual", TanhMLP: "tanh-mlp"}

// String names the student.
func (s Student) String() string {
	if s > 0 && int(s) < len(studentNames) {
		return studentNames[s]
	}
	return fmt.Sprintf("Student(%d)", int(s))
}

// Layers returns the student's layers with width units per hidden layer
// and one linear output.
func (s Student) Layers(width int) ([]train.LayerSpec, error) {
	switch s {
	case ReLUMLP, TanhMLP:
		act := train.ReLU
		if s == TanhMLP {
			act = train.Tanh
		}
		return []train.LayerSpec{train.Dense(width, act), train.Dense(width, act), train.Dense(width, act), train.Dense(1, train.Identity)}, nil
	case LNResidual:
		return []train.LayerSpec{train.DenseNorm(width, train.ReLU), train.Residual(width, train.ReLU), train.Residual(width, train.ReLU),
			train.Norm(), train.Dense(1, train.Identity)}, nil
	}
	return nil, fmt.Errorf("student %v, want ReLUMLP, LNResidual or TanhMLP", s)
}

// Arm is a treatment of the experiments: no reset, ReDo or ReGraMa.
type Arm int

const (
	NoReset Arm = iota + 1
	ReDoArm
	ReGraMaArm
)

var armNames = [...]string{NoReset: "none", ReDoArm: "ReDo", ReGraMaArm: "ReGraMa"}

// String names the arm.
func (a Arm) String() string {
	if a > 0 && int(a) < len(armNames) {
		return armNames[a]
	}
	return fmt.Sprintf("Arm(%d)", int(a))
}

// resetSettings returns the arm's reset settings at threshold tau and
// period, or ok = false for NoReset.
func (a Arm) resetSettings(tau float64, period int) (s ResetSettings, ok bool, err error) {
	switch a {
	case NoReset:
		return s, false, nil
	case ReDoArm:
		s = ReDo()
	case ReGraMaArm:
		s = ReGraMa()
	default:
		return s, false, fmt.Errorf("arm %v, want NoReset, ReDoArm or ReGraMaArm", a)
	}
	s.Tau, s.Period = tau, period
	return s, true, nil
}

// RegressionSettings configures NonStationaryRegression. Zero fields take
// the documented defaults.
type RegressionSettings struct {
	Student Student // 0: ReLUMLP
	Arm     Arm     // 0: NoReset
	// MaxIterations is the number of gradient steps; 0 means 20000.
	MaxIterations int
	// Switch is the number of steps between teacher switches (K); 0
	// means 2000.
	Switch int
	// Batch (0: 256), Inputs (0: 8) and Width (0: 128) size the problem.
	Batch, Inputs, Width int
	// LR is Adam's learning rate; 0 means 1e-3.
	LR float64
	// Tau is the threshold of the logged ratios and of the resets; 0 means
	// 0.1.
	Tau float64
	// ResetPeriod is the resets' period in gradient steps; 0 means 1000.
	ResetPeriod int
	// LogEvery is the number of steps between two logs of the ratios; 0
	// means 100.
	LogEvery int
	// Seed seeds the teachers and data (shared by every arm with the same
	// seed), the student's initialisation and the resets.
	Seed uint64
	// Progress is called at every log with the mean squared error.
	Progress run.Progress `json:"-"`
}

func (s *RegressionSettings) resolved() RegressionSettings {
	var r RegressionSettings
	if s != nil {
		r = *s
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	if r.Student == 0 {
		r.Student = ReLUMLP
	}
	if r.Arm == 0 {
		r.Arm = NoReset
	}
	def(&r.MaxIterations, 20000)
	def(&r.Switch, 2000)
	def(&r.Batch, 256)
	def(&r.Inputs, 8)
	def(&r.Width, 128)
	def(&r.ResetPeriod, 1000)
	def(&r.LogEvery, 100)
	if r.LR == 0 {
		r.LR = 1e-3
	}
	if r.Tau == 0 {
		r.Tau = 0.1
	}
	return r
}

// RegressionResult is the record of one run.
type RegressionResult struct {
	run.Stats
	Settings RegressionSettings `json:"settings"`
	// Steps are the logged steps; Loss the batch mean squared error there
	// (targets have unit variance); Dormant, GraMa and GraMaPreAct the
	// fractions of hidden neurons inactive at Tau by each metric, on that
	// batch before the optimizer step.
	Steps       []int     `json:"steps"`
	Loss        []float64 `json:"loss"`
	Dormant     []float64 `json:"dormant"`
	GraMa       []float64 `json:"grama"`
	GraMaPreAct []float64 `json:"grama_preact"`
	// TaskLoss is the mean squared error averaged over every step of each
	// task (the area under its learning curve); PostSwitchLoss its mean
	// over the tasks after the first.
	TaskLoss       []float64 `json:"task_loss"`
	PostSwitchLoss float64   `json:"post_switch_loss"`
	// ResetSteps and ResetFractions record each reset.
	ResetSteps     []int     `json:"reset_steps"`
	ResetFractions []float64 `json:"reset_fractions"`
}

// teacher is a random tanh network y = f(x)/sd with unit output variance.
type teacher struct {
	net   *train.Net[float32]
	cache *train.Cache[float32]
	scale float32
}

func newTeacher(rng *rand.Rand, in int) (*teacher, error) {
	n, err := train.NewNet[float32](rng, in, train.Dense(32, train.Tanh), train.Dense(32, train.Tanh), train.Dense(1, train.Identity))
	if err != nil {
		return nil, err
	}
	for _, l := range n.Layers[:2] { // weights of variance 4/fan_in: a visibly nonlinear teacher
		for i := range l.W.Value {
			l.W.Value[i] *= float32(2 * math.Sqrt(3))
		}
	}
	t := &teacher{net: n, cache: n.NewCache(), scale: 1}
	x := make([]float32, 2048*in)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	y, err := n.Forward(t.cache, x)
	if err != nil {
		return nil, err
	}
	var m, ss float64
	for _, v := range y {
		m += float64(v) / float64(len(y))
	}
	for _, v := range y {
		ss += (float64(v) - m) * (float64(v) - m)
	}
	t.scale = float32(1 / math.Sqrt(ss/float64(len(y))+1e-12))
	return t, nil
}

// NonStationaryRegression trains a student network with Adam on a
// regression target that changes every Switch steps: x ~ N(0, I), y = a
// random tanh teacher network of unit output variance, resampled at each
// switch; a fresh batch every step; mean squared error. With an arm other
// than NoReset the hidden neurons are reset every ResetPeriod steps (ReDo
// or ReGraMa at Tau, between backward pass and Adam step). It logs the
// τ-dormant and GraMa ratios every LogEvery steps and the loss per task.
func NonStationaryRegression(s *RegressionSettings) (*RegressionResult, error) {
	start := time.Now()
	set := s.resolved()
	if set.MaxIterations < 1 || set.Switch < 1 || set.Batch < 1 || set.Inputs < 1 || set.Width < 2 || set.ResetPeriod < 1 || set.LogEvery < 1 || !(set.LR > 0) || !(set.Tau > 0) {
		return nil, fmt.Errorf("plasticity: NonStationaryRegression: settings %+v: sizes, periods, LR and Tau must be positive (Width ≥ 2)", set)
	}
	specs, err := set.Student.Layers(set.Width)
	if err != nil {
		return nil, fmt.Errorf("plasticity: NonStationaryRegression: %w", err)
	}
	dataRng := rand.New(rand.NewPCG(set.Seed, 1))
	initRng := rand.New(rand.NewPCG(set.Seed, 2))
	resetRng := rand.New(rand.NewPCG(set.Seed, 3))
	net, err := train.NewNet[float32](initRng, set.Inputs, specs...)
	if err != nil {
		return nil, fmt.Errorf("plasticity: NonStationaryRegression: %w", err)
	}
	opt, err := train.NewAdam([]train.Group[float32]{{Params: net.Params()}}, &train.AdamSettings{LR: set.LR})
	if err != nil {
		return nil, fmt.Errorf("plasticity: NonStationaryRegression: %w", err)
	}
	var resetter *Resetter[float32]
	if rs, ok, err := set.Arm.resetSettings(set.Tau, set.ResetPeriod); err != nil {
		return nil, fmt.Errorf("plasticity: NonStationaryRegression: %w", err)
	} else if ok {
		if resetter, err = NewResetter(net, opt, rs); err != nil {
			return nil, fmt.Errorf("plasticity: NonStationaryRegression: %w", err)
		}
	}
	res := &RegressionResult{Settings: set}
	res.Settings.Progress = nil
	cache := net.NewCache()
	x, y, dy := make([]float32, set.Batch*set.Inputs), make([]float32, set.Batch), make([]float32, set.Batch)
	var teach *teacher
	var taskSum float64
	var taskN int
	for it := 0; it < set.MaxIterations; it++ {
		if it%set.Switch == 0 {
			if taskN > 0 {
				res.TaskLoss = append(res.TaskLoss, taskSum/float64(taskN))
			}
			taskSum, taskN = 0, 0
			if teach, err = newTeacher(dataRng, set.Inputs); err != nil {
				return nil, fmt.Errorf("plasticity: NonStationaryRegression: %w", err)
			}
		}
		for i := range x {
			x[i] = float32(dataRng.NormFloat64())
		}
		ty, err := teach.net.Forward(teach.cache, x)
		if err != nil {
			return nil, err
		}
		for b := range y {
			y[b] = ty[b] * teach.scale
		}
		out, err := net.Forward(cache, x)
		if err != nil {
			return nil, err
		}
		var mse float64
		for b := range y {
			d := float64(out[b] - y[b])
			mse += d * d / float64(set.Batch)
			dy[b] = float32(2 * d / float64(set.Batch))
		}
		if math.IsNaN(mse) || math.IsInf(mse, 0) {
			res.Status = run.NumericalFailure
			break
		}
		taskSum += mse
		taskN++
		net.ZeroGrad()
		if _, err := net.Backward(cache, dy); err != nil {
			return nil, err
		}
		if (it+1)%set.LogEvery == 0 {
			fr := make([]float64, 3)
			for k, m := range []Metric{TauDormant, GraMa, GraMaPreAct} {
				sc, err := Score(net, cache, m, set.Tau)
				if err != nil {
					return nil, fmt.Errorf("plasticity: NonStationaryRegression: step %d: %w", it+1, err)
				}
				fr[k] = sc.Fraction
			}
			res.Steps = append(res.Steps, it+1)
			res.Loss = append(res.Loss, mse)
			res.Dormant, res.GraMa, res.GraMaPreAct = append(res.Dormant, fr[0]), append(res.GraMa, fr[1]), append(res.GraMaPreAct, fr[2])
			stop, err := set.Progress.Report(run.Step{Iteration: it + 1, MaxIterations: set.MaxIterations, Metric: "mean squared error", Value: mse})
			if err != nil {
				return nil, err
			}
			if stop {
				res.Status = run.Stopped
			}
		}
		if resetter != nil {
			r, err := resetter.Step(resetRng, cache)
			if err != nil {
				return nil, fmt.Errorf("plasticity: NonStationaryRegression: step %d: %w", it+1, err)
			}
			if r != nil {
				res.ResetSteps = append(res.ResetSteps, it+1)
				res.ResetFractions = append(res.ResetFractions, r.Fraction)
			}
		}
		if err := opt.Step(); err != nil {
			return nil, err
		}
		res.Iterations = it + 1
		res.Objective = mse
		if res.Status == run.Stopped {
			break
		}
	}
	if taskN > 0 && res.Status == run.NotTerminated {
		res.TaskLoss = append(res.TaskLoss, taskSum/float64(taskN))
	}
	if len(res.TaskLoss) > 1 {
		for _, l := range res.TaskLoss[1:] {
			res.PostSwitchLoss += l / float64(len(res.TaskLoss)-1)
		}
	}
	if res.Status == run.NotTerminated {
		res.Status = run.IterationLimit
	}
	res.Runtime = time.Since(start)
	return res, nil
}

// RegressionRuns runs NonStationaryRegression for every settings on
// workers goroutines (0: all cores; results do not depend on it) and
// returns the results in order.
func RegressionRuns(settings []RegressionSettings, workers int) ([]*RegressionResult, error) {
	out := make([]*RegressionResult, len(settings))
	err := parallel.ForErr(len(settings), workers, func(_, i int) error {
		s := settings[i]
		r, err := NonStationaryRegression(&s)
		if err != nil {
			return fmt.Errorf("run %d (%v, %v, seed %d): %w", i, s.Student, s.Arm, s.Seed, err)
		}
		out[i] = r
		return nil
	})
	return out, err
}
