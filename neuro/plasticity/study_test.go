package plasticity_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/plasticity"
)

// Arms of one seed share the teachers, the data and the initialisation:
// before the first reset their losses are identical, and they differ
// after it. A run is reproducible, whatever the number of workers.
func TestRegressionArmsShareTheirTask(t *testing.T) {
	base := plasticity.RegressionSettings{Student: plasticity.LNResidual, MaxIterations: 400, Switch: 200, ResetPeriod: 100,
		Width: 8, Batch: 16, LogEvery: 50, Seed: 3, Tau: 0.5}
	var set []plasticity.RegressionSettings
	for _, a := range []plasticity.Arm{plasticity.NoReset, plasticity.ReDoArm, plasticity.ReGraMaArm} {
		s := base
		s.Arm = a
		set = append(set, s)
	}
	r1, err := plasticity.RegressionRuns(set, 1)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := plasticity.RegressionRuns(set, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range r1 {
		if !slices.Equal(r1[i].Loss, r2[i].Loss) || r1[i].PostSwitchLoss != r2[i].PostSwitchLoss {
			t.Errorf("%v: results depend on the number of workers", set[i].Arm)
		}
		if len(r1[i].TaskLoss) != 2 || len(r1[i].Steps) != 8 || r1[i].Iterations != 400 {
			t.Errorf("%v: %d tasks, %d logs, %d iterations; want 2, 8, 400", set[i].Arm, len(r1[i].TaskLoss), len(r1[i].Steps), r1[i].Iterations)
		}
		if r1[i].PostSwitchLoss != r1[i].TaskLoss[1] {
			t.Errorf("%v: post-switch loss %v is not the second task's %v", set[i].Arm, r1[i].PostSwitchLoss, r1[i].TaskLoss[1])
		}
	}
	for _, i := range []int{1, 2} {
		if r1[i].Loss[0] != r1[0].Loss[0] || r1[i].Loss[1] != r1[0].Loss[1] {
			t.Errorf("%v: losses before the first reset differ from no reset's", set[i].Arm)
		}
		if len(r1[i].ResetSteps) != 4 || r1[i].ResetSteps[0] != 100 {
			t.Errorf("%v: resets at %v, want every 100 steps", set[i].Arm, r1[i].ResetSteps)
		}
	}
	if r1[2].Loss[7] == r1[0].Loss[7] {
		t.Errorf("ReGraMa at τ = 0.5 changed nothing")
	}
}

func TestSACRunsAndRecords(t *testing.T) {
	s := plasticity.SACSettings{Arm: plasticity.ReGraMaArm, MaxIterations: 600, LearningStarts: 200, UTD: 2, Hidden: 8, Batch: 16,
		ResetPeriod: 200, LogEvery: 100, Seed: 2}
	r, err := plasticity.TrainSAC(&s)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.EpisodeReturns) != 3 || r.EpisodeEnds[2] != 600 || len(r.LogSteps) != 8 || len(r.ResetSteps) != 4 {
		t.Errorf("%d episodes ending at %v, %d logs, resets at %v; want 3 ending at 600, 8 logs, 4 resets", len(r.EpisodeReturns), r.EpisodeEnds, len(r.LogSteps), r.ResetSteps)
	}
	for _, ret := range r.EpisodeReturns {
		if !(ret <= 0 && ret >= -200*(math.Pi*math.Pi+0.1*64+0.001*4)) {
			t.Errorf("episode return %v outside Pendulum's range", ret)
		}
	}
	r2, err := plasticity.TrainSAC(&s)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.EpisodeReturns, r2.EpisodeReturns) || !slices.Equal(r.GraMa, r2.GraMa) {
		t.Error("two runs with the same seed differ")
	}
	bad := s
	bad.Gamma = 1.5
	if _, err := plasticity.TrainSAC(&bad); err == nil || !strings.Contains(err.Error(), "Gamma") {
		t.Errorf("Gamma 1.5: error %v", err)
	}
	badR := plasticity.RegressionSettings{Width: 1}
	if _, err := plasticity.NonStationaryRegression(&badR); err == nil || !strings.Contains(err.Error(), "Width ≥ 2") {
		t.Errorf("width 1: error %v", err)
	}
}

// The claims' verdicts follow the registered thresholds: a study in which
// ReGraMa's post-switch loss is lower on every seed passes H2, one in
// which it is equal fails it.
func TestClaimsFollowTheRegisteredThresholds(t *testing.T) {
	st := &plasticity.RegressionStudy{}
	for _, s := range []plasticity.Student{plasticity.ReLUMLP, plasticity.LNResidual, plasticity.TanhMLP} {
		for _, a := range []plasticity.Arm{plasticity.NoReset, plasticity.ReDoArm, plasticity.ReGraMaArm} {
			for seed := uint64(1); seed <= 5; seed++ {
				r := &plasticity.RegressionResult{Steps: []int{50, 100}, Dormant: []float64{0, 0.01}, GraMa: []float64{0.2, 0.1 + 0.01*float64(seed)}}
				r.Settings.MaxIterations = 100
				r.PostSwitchLoss = 1 + 0.1*float64(seed)
				if a == plasticity.ReGraMaArm && s != plasticity.TanhMLP {
					r.PostSwitchLoss -= 0.5 + 0.01*float64(seed)
				}
				st.Runs = append(st.Runs, plasticity.RegressionRun{Student: s.String(), Arm: a.String(), Seed: seed, Result: r})
			}
		}
	}
	cs, err := plasticity.RegressionClaims(st)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range cs {
		got[c.ID] = c.Holds
	}
	want := map[string]bool{"H1a": true, "H1b": true, "H1c": false, "H2 relu-mlp vs none": true, "H2 relu-mlp vs ReDo": true,
		"H2 ln-residual vs none": true, "H2 tanh-mlp vs none": false, "H2 tanh-mlp vs ReDo": false}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s holds = %v, want %v", id, got[id], w)
		}
	}
}
