package plasticity

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Pendulum is Gymnasium's Pendulum-v1: a pole of mass m = 1 and length
// l = 1 under gravity g = 10, driven by a torque u ∈ [−2, 2], with time
// step dt = 0.05:
//
//	θ̇ ← clip(θ̇ + (3g/(2l)·sin θ + 3/(m l²)·u)·dt, −8, 8),   θ ← θ + θ̇·dt
//
// rewarded r = −(norm(θ)² + 0.1·θ̇² + 0.001·u²) with norm(θ) the angle
// wrapped to [−π, π) and the cost computed from the state before the
// step; observed as (cos θ, sin θ, θ̇); reset to θ ~ U(−π, π),
// θ̇ ~ U(−1, 1); truncated after 200 steps (it never terminates).
type Pendulum struct {
	// Theta and ThetaDot are the state.
	Theta, ThetaDot float64
	// Steps counts the steps since the last Reset.
	Steps int
}

// Pendulum-v1's constants.
const (
	PendulumMaxSpeed  = 8.0
	PendulumMaxTorque = 2.0
	PendulumDt        = 0.05
	PendulumG         = 10.0
	PendulumM         = 1.0
	PendulumL         = 1.0
	PendulumHorizon   = 200
)

// Reset draws a new initial state from rng and returns the observation.
func (p *Pendulum) Reset(rng *rand.Rand) [3]float64 {
	p.Theta = math.Pi * (2*rng.Float64() - 1)
	p.ThetaDot = 2*rng.Float64() - 1
	p.Steps = 0
	return p.Observation()
}

// Observation returns (cos θ, sin θ, θ̇).
func (p *Pendulum) Observation() [3]float64 {
	return [3]float64{math.Cos(p.Theta), math.Sin(p.Theta), p.ThetaDot}
}

// Step applies torque u (clipped to ±2) and returns the next observation,
// the reward and whether the episode is truncated (200 steps). A NaN
// torque is an error and changes nothing.
func (p *Pendulum) Step(u float64) (obs [3]float64, reward float64, truncated bool, err error) {
	if math.IsNaN(u) {
		return p.Observation(), 0, false, fmt.Errorf("plasticity: Pendulum.Step: torque is NaN")
	}
	u = math.Max(-PendulumMaxTorque, math.Min(PendulumMaxTorque, u))
	th := angleNormalize(p.Theta)
	cost := th*th + 0.1*p.ThetaDot*p.ThetaDot + 0.001*u*u
	dot := p.ThetaDot + (3*PendulumG/(2*PendulumL)*math.Sin(p.Theta)+3/(PendulumM*PendulumL*PendulumL)*u)*PendulumDt
	dot = math.Max(-PendulumMaxSpeed, math.Min(PendulumMaxSpeed, dot))
	p.Theta += dot * PendulumDt
	p.ThetaDot = dot
	p.Steps++
	return p.Observation(), -cost, p.Steps >= PendulumHorizon, nil
}

// angleNormalize wraps x to [−π, π) as Gymnasium's angle_normalize,
// ((x + π) mod 2π) − π with a floored modulo.
func angleNormalize(x float64) float64 {
	y := math.Mod(x+math.Pi, 2*math.Pi)
	if y < 0 {
		y += 2 * math.Pi
	}
	return y - math.Pi
}
