package similarity

import (
	"encoding/json"
	"math"
	"path/filepath"
	"testing"

	"github.com/neuronb/neuronb/neuro/run"
)

// binomialUpper is P(X ≥ k) for X ~ Bin(n, 1/2), summed exactly.
func binomialUpper(k, n int) float64 {
	var s float64
	for i := k; i <= n; i++ {
		c := 1.0
		for j := 0; j < i; j++ {
			c = c * float64(n-j) / float64(j+1)
		}
		s += c
	}
	return s / math.Pow(2, float64(n))
}

// Oracle: recounting. The tally's counts are the replicates whose gap
// model 2 − model 1 has the population's sign, its p-values the exact
// binomial tail, and the experiment's rows are CCAFlip's on FlipTriple of
// each replicate's seed.
func TestFlipExperimentTallyRecounts(t *testing.T) {
	set := &FlipSettings{Stimuli: 40, Neurons: []int{8, 30}, Replicates: 3, Seed: 9, Draws: 4, OneRecording: true}
	res := must(FlipExperiment(set))(t)
	if res.Status != run.Finished || res.Iterations != 3 || len(res.OneFittedCCA2) != 3 {
		t.Fatalf("stats %+v, %d one-recording rows", res.Stats, len(res.OneFittedCCA2))
	}
	f := must(FlipTriple(40, 10))(t)
	fr := must(CCAFlip(f, []int{8, 30}, &StudySettings{Draws: 4, Seed: 10}))(t)
	assertClose(t, "replicate 1 denoised CCA of model 2 at N = 30", res.DenoisedCCA2[1][1], fr.Points[1].Denoised2, 0)
	assertClose(t, "replicate 1 sample CCA of model 1 at N = 8", res.SampleCCA1[1][0], fr.Points[0].Sample1.Mean, 0)
	tally := must(res.Tally())(t)
	for j, tl := range tally {
		right := 0
		for r := range res.Seeds {
			if (res.DenoisedCCA2[r][j] > res.DenoisedCCA1[r][j]) == (res.PopulationCCA2[r] > res.PopulationCCA1[r]) {
				right++
			}
		}
		if tl.Denoised.Right != right || tl.Denoised.Right+tl.Denoised.Reversed != 3 {
			t.Errorf("N = %d: denoised right %d, recount %d", tl.Neurons, tl.Denoised.Right, right)
		}
		assertClose(t, "p-value", tl.Denoised.PRight, binomialUpper(right, 3), 1e-12)
		assertClose(t, "p-value of reversals", tl.Sample.PReversed, binomialUpper(tl.Sample.Reversed, 3), 1e-12)
	}
	c := must(res.Curves())(t)
	for j := range tally {
		assertClose(t, "denoised gap in curves and tally", c.DenoisedGap[j].Mean, tally[j].Denoised.Gap.Mean, 1e-15)
		assertClose(t, "one-recording gap", c.OneFittedGap[j].Mean, tally[j].OneFitted.Gap.Mean, 1e-15)
		assertClose(t, "population of model 1", c.Population1[j].Mean, (res.PopulationCCA1[0]+res.PopulationCCA1[1]+res.PopulationCCA1[2])/3, 1e-15)
	}
	if len(c.Neurons) != 2 || c.Neurons[1] != 30 || len(c.Sample2) != 2 {
		t.Fatalf("curves %+v", c)
	}
	// The record survives JSON (no function fields, no NaN).
	path := filepath.Join(t.TempDir(), "flip.json")
	data := must(json.Marshal(FlipRun{Revision: "test", Results: res, Tally: tally}))(t)
	if err := writeFile(path, data); err != nil {
		t.Fatal(err)
	}
	back := must(ReadFlipRun(path))(t)
	if back.Results.DenoisedCCA1[2][1] != res.DenoisedCCA1[2][1] || back.Tally[1].Denoised != tally[1].Denoised {
		t.Fatal("the flip run does not survive JSON")
	}
}

// Oracle: the per-replicate studies. ReplicateStudies' rows are those of
// SubsamplingStudy on PowerLawPair(seed + r), and Deviations subtracts the
// reference replicate by replicate.
func TestReplicateStudiesRowsAreStudies(t *testing.T) {
	rs := must(ReplicateStudies(40, 1.2, 0.6, []int{6, 12}, 21, 2, &StudySettings{Draws: 3}))(t)
	pair := must(PowerLawPair(40, 1.2, 0.6, 22))(t)
	st := must(SubsamplingStudy(pair.X, pair.Y, []int{6, 12}, &StudySettings{Draws: 3, Seed: 22}))(t)
	assertClose(t, "replicate 1 denoised CKA at N = 12", rs.DenoisedCKA[1][1], st.Points[1].DenoisedCKA, 0)
	assertClose(t, "replicate 1 population CKA", rs.PopulationCKA[1], st.PopulationCKA, 0)
	dev := must(Deviations(rs.DenoisedCKA, rs.PopulationCKA))(t)
	want := ((rs.DenoisedCKA[0][0] - rs.PopulationCKA[0]) + (rs.DenoisedCKA[1][0] - rs.PopulationCKA[1])) / 2
	assertClose(t, "mean deviation at N = 6", dev[0].Mean, want, 1e-15)
	if _, err := Deviations(rs.DenoisedCKA, rs.PopulationCKA[:1]); err == nil {
		t.Error("Deviations accepted one reference value for two rows")
	}
	c := st.Curves(5)
	if len(c.Neurons) != 2 || c.SampleCKA[1] != st.Points[1].SampleCKA || c.DenoisedCKA[0].Mean != st.Points[0].DenoisedCKA ||
		c.DenoisedCKA[0].Lo != c.DenoisedCKA[0].Mean || len(c.SelfOverlap[1]) != 5 {
		t.Fatalf("curves %+v", c)
	}
	x, m, th := c.SelfOverlapSeries(8)
	if len(x) != 8 || x[7] != 8 || !math.IsNaN(m[0][7]) || th[1][0] != st.Points[1].SelfOverlapTheory[0] {
		t.Fatalf("self-overlap series %v %v", x, m)
	}
	meas, _ := c.Localized(0)
	if mm, _ := st.Points[1].Localized(0); meas[1] != min(mm, 5) {
		t.Errorf("localized modes %v vs %d", meas, mm)
	}
}
