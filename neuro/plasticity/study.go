package plasticity

import (
	"fmt"

	"github.com/neuronb/neuronb/neuro/run"

	"github.com/neuronb/neuronb/neuro/replicates"
)

// RegressionRun is one run of a study of the non-stationary regression,
// as the study commands write it.
type RegressionRun struct {
	Student string            `json:"student"`
	Arm     string            `json:"arm"`
	Seed    uint64            `json:"seed"`
	Result  *RegressionResult `json:"result"`
}

// RegressionStudy is the results file of cmd/nonstationary (and of the
// figure notebook's reduced run).
type RegressionStudy struct {
	Revision string             `json:"revision"`
	Settings RegressionSettings `json:"settings"`
	Runs     []RegressionRun    `json:"runs"`
}

// SACRun is one run of a SAC study.
type SACRun struct {
	Arm    string     `json:"arm"`
	Seed   uint64     `json:"seed"`
	Result *SACResult `json:"result"`
}

// SACStudy is the results file of cmd/sacpendulum (and of the figure
// notebook's reduced run).
type SACStudy struct {
	Revision string      `json:"revision"`
	Settings SACSettings `json:"settings"`
	Runs     []SACRun    `json:"runs"`
}

// revision is the source revision the runs start from, "unknown" outside a
// git checkout.
func revision() string {
	rev, err := run.Revision(".")
	if err != nil {
		return "unknown"
	}
	return rev
}

// RegressionStudyRuns runs every student × arm × seed of a study with base
// settings on workers goroutines.
func RegressionStudyRuns(base RegressionSettings, students []Student, arms []Arm, seeds []uint64, workers int) (*RegressionStudy, error) {
	rev := revision() // of the source the runs start from
	var set []RegressionSettings
	var runs []RegressionRun
	for _, st := range students {
		for _, a := range arms {
			for _, seed := range seeds {
				s := base
				s.Student, s.Arm, s.Seed = st, a, seed
				set = append(set, s)
				runs = append(runs, RegressionRun{Student: st.String(), Arm: a.String(), Seed: seed})
			}
		}
	}
	res, err := RegressionRuns(set, workers)
	if err != nil {
		return nil, err
	}
	for i := range runs {
		runs[i].Result = res[i]
	}
	b := base.resolved()
	b.Progress = nil
	return &RegressionStudy{Revision: rev, Settings: b, Runs: runs}, nil
}

// SACStudyRuns runs every arm × seed of a SAC study with base settings on
// workers goroutines.
func SACStudyRuns(base SACSettings, arms []Arm, seeds []uint64, workers int) (*SACStudy, error) {
	rev := revision() // of the source the runs start from
	var set []SACSettings
	var runs []SACRun
	for _, a := range arms {
		for _, seed := range seeds {
			s := base
			s.Arm, s.Seed = a, seed
			set = append(set, s)
			runs = append(runs, SACRun{Arm: a.String(), Seed: seed})
		}
	}
	res, err := SACRuns(set, workers)
	if err != nil {
		return nil, err
	}
	for i := range runs {
		runs[i].Result = res[i]
	}
	b := base.resolved()
	b.Progress = nil
	return &SACStudy{Revision: rev, Settings: b, Runs: runs}, nil
}

// columns summarises per point the rows picked from runs.
func columns[R any](runs []R, pick func(R) []float64) ([]replicates.Summary, error) {
	rows := make([][]float64, len(runs))
	for i, r := range runs {
		rows[i] = pick(r)
	}
	return replicates.Columns(rows)
}

func floats(xs []int) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

// RatioCurves returns the logged steps and, at each, the τ-dormant and
// GraMa ratios of one student and arm summarised over seeds (mean and 95%
// t interval), ready for widgets.ErrorBars.
func (s *RegressionStudy) RatioCurves(student Student, arm Arm) (steps []float64, dormant, grama []replicates.Summary, err error) {
	runs := s.Select(student, arm)
	if len(runs) == 0 {
		return nil, nil, nil, fmt.Errorf("plasticity: no runs of %v, %v", student, arm)
	}
	if dormant, err = columns(runs, func(r *RegressionResult) []float64 { return r.Dormant }); err != nil {
		return nil, nil, nil, err
	}
	if grama, err = columns(runs, func(r *RegressionResult) []float64 { return r.GraMa }); err != nil {
		return nil, nil, nil, err
	}
	return floats(runs[0].Steps), dormant, grama, nil
}

// LossCurve returns the logged steps and the batch loss there of one
// student and arm summarised over seeds.
func (s *RegressionStudy) LossCurve(student Student, arm Arm) (steps []float64, loss []replicates.Summary, err error) {
	runs := s.Select(student, arm)
	if len(runs) == 0 {
		return nil, nil, fmt.Errorf("plasticity: no runs of %v, %v", student, arm)
	}
	loss, err = columns(runs, func(r *RegressionResult) []float64 { return r.Loss })
	return floats(runs[0].Steps), loss, err
}

// ReturnCurve returns the episode numbers (1, 2, ...) and the returns of
// one arm summarised over seeds.
func (s *SACStudy) ReturnCurve(arm Arm) (episodes []float64, returns []replicates.Summary, err error) {
	runs := s.Select(arm)
	if len(runs) == 0 {
		return nil, nil, fmt.Errorf("plasticity: no SAC runs of %v", arm)
	}
	returns, err = columns(runs, func(r *SACResult) []float64 { return r.EpisodeReturns })
	for i := range returns {
		episodes = append(episodes, float64(i+1))
	}
	return episodes, returns, err
}

// RatioCurves returns the logged gradient steps and the critics'
// τ-dormant and GraMa ratios of one arm summarised over seeds.
func (s *SACStudy) RatioCurves(arm Arm) (steps []float64, dormant, grama []replicates.Summary, err error) {
	runs := s.Select(arm)
	if len(runs) == 0 {
		return nil, nil, nil, fmt.Errorf("plasticity: no SAC runs of %v", arm)
	}
	if dormant, err = columns(runs, func(r *SACResult) []float64 { return r.Dormant }); err != nil {
		return nil, nil, nil, err
	}
	if grama, err = columns(runs, func(r *SACResult) []float64 { return r.GraMa }); err != nil {
		return nil, nil, nil, err
	}
	return floats(runs[0].LogSteps), dormant, grama, nil
}

// ResetCurve returns the reset steps and the critics' reset fractions of
// one arm summarised over seeds.
func (s *SACStudy) ResetCurve(arm Arm) (steps []float64, fractions []replicates.Summary, err error) {
	runs := s.Select(arm)
	if len(runs) == 0 || len(runs[0].ResetSteps) == 0 {
		return nil, nil, fmt.Errorf("plasticity: no resets in SAC runs of %v", arm)
	}
	fractions, err = columns(runs, func(r *SACResult) []float64 { return r.ResetFractions })
	return floats(runs[0].ResetSteps), fractions, err
}
