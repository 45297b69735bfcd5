package plasticity_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
	"github.com/neuronb/neuronb/neuro/plasticity"
)

// gymPendulum is Gymnasium's Pendulum-v1 step and observation, restated
// in numpy from its equations (gymnasium/envs/classic_control/pendulum.py:
// angle_normalize, the cost from the state before the step, the clipped
// speed, float32 observations).
const gymPendulum = `
import json, sys, numpy as np
d = json.load(sys.stdin)
def angle_normalize(x):
    return ((x + np.pi) % (2 * np.pi)) - np.pi
th, thdot = d["theta"], d["thetadot"]
g, m, l, dt, max_speed, max_torque = 10.0, 1.0, 1.0, 0.05, 8.0, 2.0
out = []
for u in d["actions"]:
    u = float(np.clip(np.float32(u), -max_torque, max_torque))
    costs = angle_normalize(th) ** 2 + 0.1 * thdot ** 2 + 0.001 * (u ** 2)
    newthdot = thdot + (3 * g / (2 * l) * np.sin(th) + 3.0 / (m * l ** 2) * u) * dt
    newthdot = np.clip(newthdot, -max_speed, max_speed)
    th = th + newthdot * dt
    thdot = newthdot
    obs = np.array([np.cos(th), np.sin(th), thdot], dtype=np.float32)
    out.append({"obs": [float(v) for v in obs], "reward": float(-costs)})
print(json.dumps(out))`

// Oracle: Gymnasium's Pendulum-v1 equations in numpy over a 200-step
// episode with random torques (some beyond ±2, to exercise the clip) from
// a state that spins past ±π and hits the speed limit: observations agree
// to float32 rounding (Gymnasium returns float32), rewards to 1e-9.
func TestPendulumMatchesGymnasiumEquations(t *testing.T) {
	pyoracle.Require(t, "numpy")
	rng := rand.New(rand.NewPCG(8, 8))
	acts := make([]float64, plasticity.PendulumHorizon)
	for i := range acts {
		acts[i] = float64(float32(3 * (2*rng.Float64() - 1)))
	}
	p := plasticity.Pendulum{Theta: 3.0, ThetaDot: 7.5}
	var want []struct {
		Obs    []float64
		Reward float64
	}
	pyoracle.Run(t, gymPendulum, map[string]any{"theta": p.Theta, "thetadot": p.ThetaDot, "actions": acts}, &want)
	for i, u := range acts {
		obs, r, trunc, err := p.Step(u)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 3; k++ {
			if math.Abs(obs[k]-want[i].Obs[k]) > 1e-6*math.Max(1, math.Abs(want[i].Obs[k])) {
				t.Fatalf("step %d observation %d: %v, Gymnasium %v", i, k, obs[k], want[i].Obs[k])
			}
		}
		if math.Abs(r-want[i].Reward) > 1e-9 {
			t.Fatalf("step %d reward %v, Gymnasium %v", i, r, want[i].Reward)
		}
		if trunc != (i == len(acts)-1) {
			t.Fatalf("step %d truncated = %v", i, trunc)
		}
	}
	if math.Abs(p.ThetaDot) > plasticity.PendulumMaxSpeed {
		t.Errorf("speed %v beyond the limit", p.ThetaDot)
	}
}

// Closed forms: the reset draws θ in [−π, π) and θ̇ in [−1, 1); at rest
// upright with no torque the pendulum stays there with reward 0; hanging
// at θ = π the reward is −π².
func TestPendulumClosedForms(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var p plasticity.Pendulum
	for i := 0; i < 100; i++ {
		obs := p.Reset(rng)
		if math.Abs(p.Theta) > math.Pi || math.Abs(p.ThetaDot) > 1 || math.Abs(obs[0]*obs[0]+obs[1]*obs[1]-1) > 1e-12 {
			t.Fatalf("reset state θ = %v, θ̇ = %v, observation %v", p.Theta, p.ThetaDot, obs)
		}
	}
	p = plasticity.Pendulum{}
	if _, r, _, err := p.Step(0); err != nil || r != 0 || p.Theta != 0 {
		t.Errorf("upright at rest: reward %v, θ %v, error %v", r, p.Theta, err)
	}
	p = plasticity.Pendulum{Theta: math.Pi}
	if _, r, _, err := p.Step(0); err != nil || math.Abs(r+math.Pi*math.Pi) > 1e-12 {
		t.Errorf("hanging: reward %v, want −π², error %v", r, err)
	}
	if _, _, _, err := p.Step(math.NaN()); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("NaN torque: error %v", err)
	}
}
