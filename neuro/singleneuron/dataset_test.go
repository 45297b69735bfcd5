package singleneuron

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuronb/neuronb/neuro/spikes"
)

// Points on a line in 3-d project onto the first component with the
// line's spread and 0 on the second (closed form: the projection of
// p_i = t_i·u + c is (t_i − mean t)·‖u‖ up to sign).
func TestPlaneOfPointsOnALine(t *testing.T) {
	u := []float64{1, 2, 2} // ‖u‖ = 3
	var Z [][]float64
	ts := []float64{-1, 0, 0.5, 2, 3.5}
	for _, s := range ts {
		Z = append(Z, []float64{5 + s*u[0], -1 + s*u[1], s * u[2]})
	}
	x, y, err := Plane(Z)
	if err != nil {
		t.Fatal(err)
	}
	sign := math.Copysign(1, x[0]*(ts[0]-1))
	for i, s := range ts {
		if math.Abs(x[i]-sign*3*(s-1)) > 1e-12 || math.Abs(y[i]) > 1e-12 {
			t.Errorf("point %d: (%v, %v), want (%v, 0)", i, x[i], y[i], sign*3*(s-1))
		}
	}
	if _, _, err := Plane(Z[:1]); err == nil {
		t.Error("one row: no error")
	}
}

// FromUnits makes one row per unit and 10 s segment with enough spikes,
// the segment's features being SegmentFeatures of that unit there.
func TestFromUnitsMatchesSegmentFeatures(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	trains := [][]float64{renewal(35, func() float64 { return rng.ExpFloat64() / 10 }), {1, 2, 3, 31, 32, 33.5}}
	g, err := spikes.NewTsGroup(trains, []int{4, 8}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := FromUnits(g, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Support [first spike, last spike] ≈ 34 s: three full segments; unit
	// 8 has ≥ 3 spikes in its first segment only.
	if len(d.X) != 4 || d.Skipped != 2 || d.Type[0] != -1 {
		t.Fatalf("%d rows, %d skipped, types %v; want 4 rows, 2 skipped, unknown types", len(d.X), d.Skipped, d.Type)
	}
	s0 := g.Support().Start(0)
	want, ok, err := SegmentFeatures(trains[0], s0+10, s0+20, nil)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	for j := range want {
		if d.X[1][j] != want[j] {
			t.Fatalf("row 1 feature %d: %v, want %v", j, d.X[1][j], want[j])
		}
	}
	if _, err := FromUnits(g, 100, nil); err == nil {
		t.Error("segments longer than the recording: no error")
	}
}

// Controls of the protocol on a small campaign: with shuffled training
// labels the type probe is near chance (balanced accuracy within 0.15 of
// 1/4); raw features without batch effects score about the same in and
// out of domain (within 0.1 here, on few neurons).
func TestProtocolControls(t *testing.T) {
	c, err := Simulate(&CampaignSettings{Animals: 3, Stimuli: 1, NeuronsPerAnimal: 60, Duration: 20, Seed: 2, Balanced: true})
	if err != nil {
		t.Fatal(err)
	}
	d, err := Segments(c, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Evaluate(d, &EvalSettings{Representation: RawFeatures, ShuffleLabels: true})
	if err != nil {
		t.Fatal(err)
	}
	if ba := r.Mean.In.BalancedAccuracy; math.Abs(ba-0.25) > 0.15 {
		t.Errorf("shuffled labels: balanced accuracy %.3f, want near 0.25", ba)
	}
	c, err = Simulate(&CampaignSettings{Animals: 3, Stimuli: 1, NeuronsPerAnimal: 60, Duration: 20, Seed: 2, Balanced: true, NoBatchEffect: true})
	if err != nil {
		t.Fatal(err)
	}
	if d, err = Segments(c, 10, nil); err != nil {
		t.Fatal(err)
	}
	if r, err = Evaluate(d, &EvalSettings{Representation: RawFeatures}); err != nil {
		t.Fatal(err)
	}
	if gap := r.Mean.In.MacroF1 - r.Mean.Out.MacroF1; math.Abs(gap) > 0.1 {
		t.Errorf("no batch effect: in %.3f, out %.3f", r.Mean.In.MacroF1, r.Mean.Out.MacroF1)
	}
	t.Logf("no batch effect: in %.3f, out %.3f, batch probe %.3f (chance %.2f)", r.Mean.In.MacroF1, r.Mean.Out.MacroF1, r.Mean.Batch, r.Mean.BatchChance)
}
