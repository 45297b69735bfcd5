package plasticity

import (
	"os/exec"
	"strings"
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

// Revision returns `git rev-parse HEAD` of the working directory's
// checkout, with "+dirty" when it has uncommitted changes, or "unknown".
func Revision() string {
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	rev := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(strings.TrimSpace(string(st))) > 0 {
		rev += "+dirty"
	}
	return rev
}

// RegressionStudyRuns runs every student × arm × seed of a study with base
// settings on workers goroutines.
func RegressionStudyRuns(base RegressionSettings, students []Student, arms []Arm, seeds []uint64, workers int) (*RegressionStudy, error) {
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
	return &RegressionStudy{Revision: Revision(), Settings: b, Runs: runs}, nil
}

// SACStudyRuns runs every arm × seed of a SAC study with base settings on
// workers goroutines.
func SACStudyRuns(base SACSettings, arms []Arm, seeds []uint64, workers int) (*SACStudy, error) {
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
	return &SACStudy{Revision: Revision(), Settings: b, Runs: runs}, nil
}
