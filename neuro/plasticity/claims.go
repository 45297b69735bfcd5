package plasticity

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"

	"github.com/neuronb/neuronb/neuro/replicates"
)

// LoadRegressionStudy reads a results file of cmd/nonstationary.
func LoadRegressionStudy(path string) (*RegressionStudy, error) {
	var s RegressionStudy
	if err := loadJSON(path, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// LoadSACStudy reads a results file of cmd/sacpendulum.
func LoadSACStudy(path string) (*SACStudy, error) {
	var s SACStudy
	if err := loadJSON(path, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

func loadJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("plasticity: %w", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("plasticity: %s: %w", path, err)
	}
	return nil
}

// Select returns the results of one student and arm, ordered by seed.
func (s *RegressionStudy) Select(student Student, arm Arm) []*RegressionResult {
	var rs []RegressionRun
	for _, r := range s.Runs {
		if r.Student == student.String() && r.Arm == arm.String() {
			rs = append(rs, r)
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Seed < rs[j].Seed })
	out := make([]*RegressionResult, len(rs))
	for i, r := range rs {
		out[i] = r.Result
	}
	return out
}

// SecondHalfRatios returns, per run of the student and arm (by seed), the
// mean over the logs of the second half of training of the τ-dormant and
// GraMa ratios: the metric of claims H1.
func (s *RegressionStudy) SecondHalfRatios(student Student, arm Arm) (dormant, grama []float64) {
	for _, r := range s.Select(student, arm) {
		var d, g float64
		var n int
		for k, st := range r.Steps {
			if 2*st > r.Settings.MaxIterations {
				d, g, n = d+r.Dormant[k], g+r.GraMa[k], n+1
			}
		}
		dormant, grama = append(dormant, d/float64(max(n, 1))), append(grama, g/float64(max(n, 1)))
	}
	return dormant, grama
}

// PostSwitchLoss returns each run's post-switch loss (by seed): the metric
// of claims H2.
func (s *RegressionStudy) PostSwitchLoss(student Student, arm Arm) []float64 {
	var out []float64
	for _, r := range s.Select(student, arm) {
		out = append(out, r.PostSwitchLoss)
	}
	return out
}

// Select returns the results of one arm, ordered by seed.
func (s *SACStudy) Select(arm Arm) []*SACResult {
	var rs []SACRun
	for _, r := range s.Runs {
		if r.Arm == arm.String() {
			rs = append(rs, r)
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Seed < rs[j].Seed })
	out := make([]*SACResult, len(rs))
	for i, r := range rs {
		out[i] = r.Result
	}
	return out
}

// MeanRatios returns each run's mean over all logs of the critics'
// τ-dormant and GraMa ratios (by seed): the metric of claim H3.
func (s *SACStudy) MeanRatios(arm Arm) (dormant, grama []float64) {
	for _, r := range s.Select(arm) {
		var d, g float64
		for k := range r.Dormant {
			d, g = d+r.Dormant[k], g+r.GraMa[k]
		}
		n := float64(max(len(r.Dormant), 1))
		dormant, grama = append(dormant, d/n), append(grama, g/n)
	}
	return dormant, grama
}

// FinalReturns returns each run's mean return of its last 10 episodes
// (by seed): the metric of claims H4.
func (s *SACStudy) FinalReturns(arm Arm) []float64 {
	var out []float64
	for _, r := range s.Select(arm) {
		out = append(out, r.FinalReturn)
	}
	return out
}

// Claim is the outcome of one registered claim of the figure notebook:
// the two compared quantities over seeds, their paired differences A − B
// and the one-sided paired t test's p-value in the registered direction
// (P is NaN when the claim has no test).
type Claim struct {
	ID         string `json:"id"`
	Hypothesis string `json:"hypothesis"`
	replicates.Paired
	// Holds says whether the registered threshold is met.
	Holds bool `json:"holds"`
}

// compare summarises a and b and their paired differences, and tests
// a − b in direction alt. With identical differences (no spread) the test
// is decided by their sign.
func compare(id, hyp string, a, b []float64, alt replicates.Alternative) (Claim, error) {
	c := Claim{ID: id, Hypothesis: hyp, Paired: replicates.Paired{P: math.NaN()}}
	if len(a) != len(b) || len(a) < 2 {
		return c, fmt.Errorf("plasticity: claim %s: %d and %d runs, want the same number ≥ 2", id, len(a), len(b))
	}
	p, err := replicates.ComparePaired(a, b, alt)
	if err != nil {
		return c, err
	}
	c.Paired = p
	return c, nil
}

// RegressionClaims evaluates the registered claims H1a–c and H2 of
// notebooks/grama_dormant_neurons.ipynb on a regression study.
func RegressionClaims(s *RegressionStudy) ([]Claim, error) {
	var out []Claim
	for _, h := range []struct {
		id string
		st Student
	}{{"H1a", LNResidual}, {"H1b", TanhMLP}, {"H1c", ReLUMLP}} {
		d, g := s.SecondHalfRatios(h.st, NoReset)
		c, err := compare(h.id, h.st.String()+", no reset: GraMa ratio (A) against τ-dormant ratio (B), second half", g, d, replicates.Greater)
		if err != nil {
			return nil, err
		}
		if h.st == ReLUMLP {
			c.Holds = math.Abs(c.Diff.Mean) <= 0.05
		} else {
			c.Holds = c.B.Mean <= 0.02 && c.A.Mean >= 0.05 && c.P < 0.05
		}
		out = append(out, c)
	}
	for _, st := range []Student{ReLUMLP, LNResidual, TanhMLP} {
		for _, other := range []Arm{NoReset, ReDoArm} {
			c, err := compare(fmt.Sprintf("H2 %v vs %v", st, other), st.String()+": post-switch loss, ReGraMa (A) against "+other.String()+" (B)",
				s.PostSwitchLoss(st, ReGraMaArm), s.PostSwitchLoss(st, other), replicates.Less)
			if err != nil {
				return nil, err
			}
			c.Holds = c.Diff.Mean < 0 && c.P < 0.05
			out = append(out, c)
		}
	}
	return out, nil
}

// SACClaims evaluates the registered claims H3 and H4 on a SAC study.
func SACClaims(s *SACStudy) ([]Claim, error) {
	d, g := s.MeanRatios(NoReset)
	h3, err := compare("H3", "SAC, no reset: critics' GraMa ratio (A) against τ-dormant ratio (B)", g, d, replicates.Greater)
	if err != nil {
		return nil, err
	}
	h3.Holds = h3.Diff.Mean > 0 && h3.P < 0.05
	out := []Claim{h3}
	for _, other := range []Arm{NoReset, ReDoArm} {
		c, err := compare("H4 vs "+other.String(), "SAC: final return, ReGraMa (A) against "+other.String()+" (B)",
			s.FinalReturns(ReGraMaArm), s.FinalReturns(other), replicates.Greater)
		if err != nil {
			return nil, err
		}
		c.Holds = c.Diff.Mean > 0 && c.P < 0.05
		out = append(out, c)
	}
	return out, nil
}
