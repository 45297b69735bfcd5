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

// SAC's log-standard-deviation range (CleanRL's LOG_STD_MIN, LOG_STD_MAX).
const (
	sacLogStdMin = -5.0
	sacLogStdMax = 2.0
)

// SACSettings configures TrainSAC. Zero fields take the documented
// defaults, CleanRL's sac_continuous_action.py where it has one.
type SACSettings struct {
	// Arm resets the critics' neurons (ReDo or ReGraMa) or not; 0 means
	// NoReset. The actor is never reset, as in the authors' code.
	Arm Arm
	// MaxIterations is the number of environment steps; 0 means 10000.
	MaxIterations int
	// LearningStarts is the number of uniformly random steps before
	// learning; 0 means 1000 (CleanRL: 5000, for a million steps).
	LearningStarts int
	// UTD is the update-to-data ratio, gradient steps per environment
	// step; 0 means 8 (CleanRL: 1), high to induce plasticity loss.
	UTD int
	// Hidden is the width of the two hidden ReLU layers of the actor and
	// of each critic; 0 means 256.
	Hidden int
	// Batch is the minibatch size; 0 means 256.
	Batch int
	// Gamma (0: 0.99) discounts; Polyak (0: 0.005) is the target networks'
	// soft-update rate.
	Gamma, Polyak float64
	// PolicyLR (0: 3e-4) and QLR (0: 1e-3) are Adam's learning rates of
	// the actor and of the critics and the entropy temperature.
	PolicyLR, QLR float64
	// PolicyFrequency is the number of gradient steps between actor
	// updates (each time PolicyFrequency actor updates are made, as in
	// CleanRL); 0 means 2.
	PolicyFrequency int
	// Tau is the threshold of the logged ratios and of the resets; 0
	// means 0.1.
	Tau float64
	// ResetPeriod is the resets' period in gradient steps; 0 means 1000.
	ResetPeriod int
	// LogEvery is the number of gradient steps between logs of the
	// critics' ratios; 0 means 1000.
	LogEvery int
	// Seed seeds the environment, the initialisation, the exploration
	// noise and the resets.
	Seed uint64
	// Progress is called at the end of every episode with its return.
	Progress run.Progress `json:"-"`
}

func (s *SACSettings) resolved() SACSettings {
	var r SACSettings
	if s != nil {
		r = *s
	}
	di := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	df := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	if r.Arm == 0 {
		r.Arm = NoReset
	}
	di(&r.MaxIterations, 10000)
	di(&r.LearningStarts, 1000)
	di(&r.UTD, 8)
	di(&r.Hidden, 256)
	di(&r.Batch, 256)
	di(&r.PolicyFrequency, 2)
	di(&r.ResetPeriod, 1000)
	di(&r.LogEvery, 1000)
	df(&r.Gamma, 0.99)
	df(&r.Polyak, 0.005)
	df(&r.PolicyLR, 3e-4)
	df(&r.QLR, 1e-3)
	df(&r.Tau, 0.1)
	return r
}

// SACResult is the record of one SAC run.
type SACResult struct {
	run.Stats
	Settings SACSettings `json:"settings"`
	// EpisodeReturns are the training episodes' returns, EpisodeEnds the
	// environment step at which each ended.
	EpisodeReturns []float64 `json:"episode_returns"`
	EpisodeEnds    []int     `json:"episode_ends"`
	// FinalReturn is the mean return of the last 10 episodes.
	FinalReturn float64 `json:"final_return"`
	// LogSteps are gradient steps at which the critics were scored on
	// their training minibatch; Dormant and GraMa are the fractions of
	// both critics' hidden neurons inactive at Tau.
	LogSteps []int     `json:"log_steps"`
	Dormant  []float64 `json:"dormant"`
	GraMa    []float64 `json:"grama"`
	// ResetSteps and ResetFractions record the critics' resets (both
	// critics together).
	ResetSteps     []int     `json:"reset_steps"`
	ResetFractions []float64 `json:"reset_fractions"`
	// StepsPerSecond is environment steps per second of wall time.
	StepsPerSecond float64 `json:"env_steps_per_second"`
}

// sacAgent holds the networks, optimizers and scratch of one run.
type sacAgent struct {
	set                 SACSettings
	actor               *train.Net[float32]
	q, qTarget          [2]*train.Net[float32]
	actorOpt, qOpt      *train.Adam[float32]
	logAlpha            *train.Param[float32]
	alphaOpt            *train.Adam[float32]
	targetEntropy       float64
	actCache, nextCache *train.Cache[float32]
	qCache, tCache      [2]*train.Cache[float32]
	obsDim, actDim      int
	scale               float64
}

func newSACAgent(rng *rand.Rand, set SACSettings, obsDim, actDim int, scale float64) (*sacAgent, error) {
	a := &sacAgent{set: set, obsDim: obsDim, actDim: actDim, scale: scale, targetEntropy: -float64(actDim)}
	var err error
	h := set.Hidden
	if a.actor, err = train.NewNet[float32](rng, obsDim, train.Dense(h, train.ReLU), train.Dense(h, train.ReLU), train.Dense(2*actDim, train.Identity)); err != nil {
		return nil, err
	}
	var qParams []*train.Param[float32]
	for k := range a.q {
		if a.q[k], err = train.NewNet[float32](rng, obsDim+actDim, train.Dense(h, train.ReLU), train.Dense(h, train.ReLU), train.Dense(1, train.Identity)); err != nil {
			return nil, err
		}
		a.qTarget[k] = a.q[k].Clone()
		qParams = append(qParams, a.q[k].Params()...)
		a.qCache[k], a.tCache[k] = a.q[k].NewCache(), a.q[k].NewCache()
	}
	if a.actorOpt, err = train.NewAdam([]train.Group[float32]{{Params: a.actor.Params()}}, &train.AdamSettings{LR: set.PolicyLR}); err != nil {
		return nil, err
	}
	if a.qOpt, err = train.NewAdam([]train.Group[float32]{{Params: qParams}}, &train.AdamSettings{LR: set.QLR}); err != nil {
		return nil, err
	}
	a.logAlpha = train.NewParam[float32]("log_alpha", 1, 1)
	if a.alphaOpt, err = train.NewAdam([]train.Group[float32]{{Params: []*train.Param[float32]{a.logAlpha}}}, &train.AdamSettings{LR: set.QLR}); err != nil {
		return nil, err
	}
	a.actCache, a.nextCache = a.actor.NewCache(), a.actor.NewCache()
	return a, nil
}

// sample draws tanh-squashed Gaussian actions for a batch of observations
// (CleanRL's Actor.get_action): with the actor's outputs μ and s per
// action dimension, log σ = MIN + (MAX − MIN)(tanh s + 1)/2, x = μ + σ ε,
// y = tanh x, a = scale·y and
// log π = Σ_k [−ε²/2 − log σ − log(2π)/2 − log(scale(1 − y²) + 1e-6)].
// It returns actions (batch × actDim), log π (batch), and keeps ε, y, σ
// and tanh s in eps, ys, sig, ts for the gradient. With a nil rng, ε is
// read from eps instead of drawn.
func (a *sacAgent) sample(rng *rand.Rand, c *train.Cache[float32], obs []float32, eps, ys, sig, ts []float64) (act []float32, logp []float64, err error) {
	out, err := a.actor.Forward(c, obs)
	if err != nil {
		return nil, nil, err
	}
	batch := len(obs) / a.obsDim
	act, logp = make([]float32, batch*a.actDim), make([]float64, batch)
	for b := 0; b < batch; b++ {
		for k := 0; k < a.actDim; k++ {
			i := b*a.actDim + k
			mu, s := float64(out[b*2*a.actDim+k]), float64(out[b*2*a.actDim+a.actDim+k])
			t := math.Tanh(s)
			logStd := sacLogStdMin + 0.5*(sacLogStdMax-sacLogStdMin)*(t+1)
			sd := math.Exp(logStd)
			var e float64
			if rng != nil {
				e = rng.NormFloat64()
			} else {
				e = eps[i]
			}
			y := math.Tanh(mu + sd*e)
			act[i] = float32(a.scale * y)
			logp[b] += -0.5*e*e - logStd - 0.5*math.Log(2*math.Pi) - math.Log(a.scale*(1-y*y)+1e-6)
			if eps != nil {
				eps[i], ys[i], sig[i], ts[i] = e, y, sd, t
			}
		}
	}
	return act, logp, nil
}

func concat(obs, act []float32, obsDim, actDim int) []float32 {
	batch := len(obs) / obsDim
	x := make([]float32, batch*(obsDim+actDim))
	for b := 0; b < batch; b++ {
		copy(x[b*(obsDim+actDim):], obs[b*obsDim:(b+1)*obsDim])
		copy(x[b*(obsDim+actDim)+obsDim:], act[b*actDim:(b+1)*actDim])
	}
	return x
}

// replay is a replay buffer of transitions.
type replay struct {
	obs, next, act []float32
	rew, done      []float32
	n              int
}

func (r *replay) add(obs, next [3]float64, act, rew float64, done bool) {
	for k := 0; k < 3; k++ {
		r.obs = append(r.obs, float32(obs[k]))
		r.next = append(r.next, float32(next[k]))
	}
	r.act = append(r.act, float32(act))
	r.rew = append(r.rew, float32(rew))
	d := float32(0)
	if done {
		d = 1
	}
	r.done = append(r.done, d)
	r.n++
}

// critic update: one gradient step of both critics on a minibatch, then
// the resetters, then Adam. It returns the minibatch's observations for
// the actor update.
func (a *sacAgent) criticStep(rng *rand.Rand, buf *replay, resetters [2]*Resetter[float32], resetRng *rand.Rand) (obs []float32, resets []*Reset, err error) {
	B := a.set.Batch
	obs, next, act := make([]float32, B*3), make([]float32, B*3), make([]float32, B)
	rew, done := make([]float64, B), make([]float64, B)
	for b := 0; b < B; b++ {
		j := rng.IntN(buf.n)
		copy(obs[b*3:], buf.obs[j*3:j*3+3])
		copy(next[b*3:], buf.next[j*3:j*3+3])
		act[b], rew[b], done[b] = buf.act[j], float64(buf.rew[j]), float64(buf.done[j])
	}
	alpha := math.Exp(float64(a.logAlpha.Value[0]))
	nextAct, nextLogp, err := a.sample(rng, a.nextCache, next, nil, nil, nil, nil)
	if err != nil {
		return nil, nil, err
	}
	xn := concat(next, nextAct, 3, a.actDim)
	var tq [2][]float32
	for k := range a.qTarget {
		if tq[k], err = a.qTarget[k].Forward(a.tCache[k], xn); err != nil {
			return nil, nil, err
		}
	}
	target := make([]float64, B)
	for b := range target {
		minQ := math.Min(float64(tq[0][b]), float64(tq[1][b])) - alpha*nextLogp[b]
		target[b] = rew[b] + (1-done[b])*a.set.Gamma*minQ
	}
	x := concat(obs, act, 3, a.actDim)
	a.qOpt.ZeroGrad()
	dq := make([]float32, B)
	for k := range a.q {
		q, err := a.q[k].Forward(a.qCache[k], x)
		if err != nil {
			return nil, nil, err
		}
		for b := range dq {
			dq[b] = float32(2 * (float64(q[b]) - target[b]) / float64(B)) // ∂ mean (q − y)²
		}
		if _, err := a.q[k].Backward(a.qCache[k], dq); err != nil {
			return nil, nil, err
		}
	}
	for k, r := range resetters {
		if r == nil {
			continue
		}
		res, err := r.Step(resetRng, a.qCache[k])
		if err != nil {
			return nil, nil, err
		}
		if res != nil {
			resets = append(resets, res)
		}
	}
	return obs, resets, a.qOpt.Step()
}

// actorStep makes one actor update on the observations obs (CleanRL:
// minimise mean(α log π(a|s) − min_k Q_k(s, a)) through the
// reparameterised action), then one temperature update with a fresh
// sample: minimise mean(−α (log π + target entropy)) over log α.
func (a *sacAgent) actorStep(rng *rand.Rand, obs []float32) error {
	eps := make([]float64, len(obs)/a.obsDim*a.actDim)
	for i := range eps {
		eps[i] = rng.NormFloat64()
	}
	a.actorOpt.ZeroGrad()
	if _, err := a.actorGrad(obs, eps); err != nil {
		return err
	}
	if err := a.actorOpt.Step(); err != nil {
		return err
	}
	alpha := math.Exp(float64(a.logAlpha.Value[0]))
	_, logp, err := a.sample(rng, a.actCache, obs, nil, nil, nil, nil)
	if err != nil {
		return err
	}
	var g float64
	for _, lp := range logp {
		g -= alpha * (lp + a.targetEntropy) / float64(len(logp))
	}
	a.logAlpha.Grad[0] = float32(g)
	return a.alphaOpt.Step()
}

// actorGrad adds to the actor's gradients those of the actor loss
// J = mean_b(α log π(a_b|s_b) − min_k Q_k(s_b, a_b)) for the noise eps
// and returns J. The critics' gradients are not touched.
func (a *sacAgent) actorGrad(obs []float32, eps []float64) (float64, error) {
	B := len(obs) / a.obsDim
	n := B * a.actDim
	ys, sig, ts := make([]float64, n), make([]float64, n), make([]float64, n)
	alpha := math.Exp(float64(a.logAlpha.Value[0]))
	act, logp, err := a.sample(nil, a.actCache, obs, eps, ys, sig, ts)
	if err != nil {
		return 0, err
	}
	x := concat(obs, act, a.obsDim, a.actDim)
	var q [2][]float32
	for k := range a.q {
		out, err := a.q[k].Forward(a.qCache[k], x)
		if err != nil {
			return 0, err
		}
		q[k] = append([]float32(nil), out...)
	}
	var loss float64
	for b := 0; b < B; b++ {
		loss += (alpha*logp[b] - math.Min(float64(q[0][b]), float64(q[1][b]))) / float64(B)
	}
	// ∂J/∂a from the smaller critic of each sample: J = mean(α log π − min Q).
	var dAct [2][]float32
	for k := range a.q {
		dq := make([]float32, B)
		for b := range dq {
			if (k == 0) == (q[0][b] <= q[1][b]) {
				dq[b] = float32(-1.0 / float64(B))
			}
		}
		dx, err := a.q[k].InputGradient(a.qCache[k], dq)
		if err != nil {
			return 0, err
		}
		dAct[k] = make([]float32, n)
		for b := 0; b < B; b++ {
			copy(dAct[k][b*a.actDim:(b+1)*a.actDim], dx[b*(a.obsDim+a.actDim)+a.obsDim:(b+1)*(a.obsDim+a.actDim)])
		}
	}
	dOut := make([]float32, B*2*a.actDim)
	w := alpha / float64(B)
	for b := 0; b < B; b++ {
		for k := 0; k < a.actDim; k++ {
			i := b*a.actDim + k
			y := ys[i]
			dy := a.scale*float64(dAct[0][i]+dAct[1][i]) + w*2*a.scale*y/(a.scale*(1-y*y)+1e-6)
			dx := dy * (1 - y*y)
			dLogStd := dx*sig[i]*eps[i] - w
			dOut[b*2*a.actDim+k] = float32(dx)
			dOut[b*2*a.actDim+a.actDim+k] = float32(dLogStd * 0.5 * (sacLogStdMax - sacLogStdMin) * (1 - ts[i]*ts[i]))
		}
	}
	_, err = a.actor.Backward(a.actCache, dOut)
	return loss, err
}

// TrainSAC trains a soft actor-critic agent (Haarnoja et al. 2018, with
// CleanRL's sac_continuous_action.py choices: twin critics and target
// critics, tanh-squashed Gaussian actor, automatic entropy tuning to a
// target entropy of −|A|) on Pendulum-v1 at a high update-to-data ratio,
// optionally resetting the critics' neurons with ReDo or ReGraMa. It
// records the training episodes' returns and, every LogEvery gradient
// steps, the critics' τ-dormant and GraMa ratios on their minibatch.
func TrainSAC(s *SACSettings) (*SACResult, error) {
	start := time.Now()
	set := s.resolved()
	if set.MaxIterations < 1 || set.LearningStarts < 1 || set.UTD < 1 || set.Hidden < 2 || set.Batch < 1 || set.PolicyFrequency < 1 ||
		set.ResetPeriod < 1 || set.LogEvery < 1 || !(set.Gamma > 0 && set.Gamma <= 1) || !(set.Polyak > 0 && set.Polyak <= 1) ||
		!(set.PolicyLR > 0) || !(set.QLR > 0) || !(set.Tau > 0) {
		return nil, fmt.Errorf("plasticity: TrainSAC: settings %+v: counts and rates must be positive (Hidden ≥ 2, Gamma and Polyak in (0, 1])", set)
	}
	envRng := rand.New(rand.NewPCG(set.Seed, 11))
	initRng := rand.New(rand.NewPCG(set.Seed, 12))
	rng := rand.New(rand.NewPCG(set.Seed, 13))
	resetRng := rand.New(rand.NewPCG(set.Seed, 14))
	ag, err := newSACAgent(initRng, set, 3, 1, PendulumMaxTorque)
	if err != nil {
		return nil, fmt.Errorf("plasticity: TrainSAC: %w", err)
	}
	var resetters [2]*Resetter[float32]
	if rs, ok, err := set.Arm.resetSettings(set.Tau, set.ResetPeriod); err != nil {
		return nil, fmt.Errorf("plasticity: TrainSAC: %w", err)
	} else if ok {
		for k := range resetters {
			if resetters[k], err = NewResetter(ag.q[k], ag.qOpt, rs); err != nil {
				return nil, fmt.Errorf("plasticity: TrainSAC: %w", err)
			}
		}
	}
	res := &SACResult{Settings: set}
	buf := &replay{}
	var env Pendulum
	obs := env.Reset(envRng)
	var ret float64
	grad := 0
	for it := 0; it < set.MaxIterations; it++ {
		var u float64
		if it < set.LearningStarts {
			u = PendulumMaxTorque * (2*rng.Float64() - 1)
		} else {
			o := []float32{float32(obs[0]), float32(obs[1]), float32(obs[2])}
			act, _, err := ag.sample(rng, ag.actCache, o, nil, nil, nil, nil)
			if err != nil {
				return nil, fmt.Errorf("plasticity: TrainSAC: %w", err)
			}
			u = float64(act[0])
		}
		next, r, trunc, err := env.Step(u)
		if err != nil {
			return nil, fmt.Errorf("plasticity: TrainSAC: step %d: %w", it, err)
		}
		buf.add(obs, next, u, r, false) // Pendulum never terminates; truncation does not end the bootstrap
		ret += r
		obs = next
		if trunc {
			res.EpisodeReturns, res.EpisodeEnds = append(res.EpisodeReturns, ret), append(res.EpisodeEnds, it+1)
			stop, err := set.Progress.Report(run.Step{Iteration: it + 1, MaxIterations: set.MaxIterations, Metric: "episode return", Value: ret})
			if err != nil {
				return nil, err
			}
			if stop {
				res.Status = run.Stopped
			}
			ret = 0
			obs = env.Reset(envRng)
		}
		if it+1 >= set.LearningStarts {
			for u := 0; u < set.UTD; u++ {
				grad++
				mb, resets, err := ag.criticStep(rng, buf, resetters, resetRng)
				if err != nil {
					return nil, fmt.Errorf("plasticity: TrainSAC: gradient step %d: %w", grad, err)
				}
				if len(resets) > 0 {
					var c, n int
					for _, r := range resets {
						c, n = c+r.Count, n+r.Neurons
					}
					res.ResetSteps, res.ResetFractions = append(res.ResetSteps, grad), append(res.ResetFractions, float64(c)/float64(n))
				}
				if grad%set.LogEvery == 0 {
					if err := ag.logRatios(res, grad); err != nil {
						return nil, fmt.Errorf("plasticity: TrainSAC: %w", err)
					}
				}
				if grad%set.PolicyFrequency == 0 {
					for p := 0; p < set.PolicyFrequency; p++ {
						if err := ag.actorStep(rng, mb); err != nil {
							return nil, fmt.Errorf("plasticity: TrainSAC: gradient step %d: %w", grad, err)
						}
					}
				}
				for k := range ag.q {
					if err := train.SoftUpdate(ag.qTarget[k].Params(), ag.q[k].Params(), set.Polyak); err != nil {
						return nil, err
					}
				}
			}
		}
		res.Iterations = it + 1
		if res.Status == run.Stopped {
			break
		}
	}
	if n := len(res.EpisodeReturns); n > 0 {
		k := min(n, 10)
		for _, r := range res.EpisodeReturns[n-k:] {
			res.FinalReturn += r / float64(k)
		}
	}
	res.Objective = res.FinalReturn
	if res.Status == run.NotTerminated {
		res.Status = run.IterationLimit
	}
	res.Runtime = time.Since(start)
	res.StepsPerSecond = float64(res.Iterations) / res.Runtime.Seconds()
	return res, nil
}

// logRatios scores both critics on the minibatch of the last critic step
// (the caches still hold it and the gradients are those of that step's
// loss; a reset just made zeroes the reset rows' gradients, as the
// authors' order leaves them).
func (a *sacAgent) logRatios(res *SACResult, grad int) error {
	var fr [2]float64
	for m, metric := range []Metric{TauDormant, GraMa} {
		var in, n int
		for k := range a.q {
			sc, err := Score(a.q[k], a.qCache[k], metric, a.set.Tau)
			if err != nil {
				return err
			}
			in, n = in+sc.Inactive, n+sc.Neurons
		}
		fr[m] = float64(in) / float64(n)
	}
	res.LogSteps = append(res.LogSteps, grad)
	res.Dormant, res.GraMa = append(res.Dormant, fr[0]), append(res.GraMa, fr[1])
	return nil
}

// SACRuns runs TrainSAC for every settings on workers goroutines (0: all
// cores; results do not depend on it) and returns the results in order.
func SACRuns(settings []SACSettings, workers int) ([]*SACResult, error) {
	out := make([]*SACResult, len(settings))
	err := parallel.ForErr(len(settings), workers, func(_, i int) error {
		s := settings[i]
		r, err := TrainSAC(&s)
		if err != nil {
			return fmt.Errorf("run %d (%v, seed %d): %w", i, s.Arm, s.Seed, err)
		}
		out[i] = r
		return nil
	})
	return out, err
}
