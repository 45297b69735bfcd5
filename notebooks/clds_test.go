package notebooks

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/neuronb/neuronb/neuro/clds"
	"github.com/neuronb/neuronb/neuro/replicates"
)

// The claims of issues 4 and 13 (Geadah et al. 2025, "Modeling Neural
// Activity with Conditionally Linear Dynamical Systems") reproduced by the
// CLDS figure notebooks, as registered in the notebooks' first cells. Each
// check reads the raw numbers a notebook saved and recomputes what it
// asserts, rather than trusting the notebook's summaries.
func init() {
	claims["clds_data_efficiency"] = checkCLDSDataEfficiency
	claims["clds_ring_attractor"] = checkCLDSRingAttractor
}

// cldsEfficiency is the part of results/clds_data_efficiency.json the claims
// need: LL[model][seed][size] is the held-out log-likelihood per time bin
// on the seed's fixed 20-trial test set after training on Sizes[size]
// trials, Truth[seed] that of the true parameters.
type cldsEfficiency struct {
	Sizes    []int                  `json:"sizes"`
	Seeds    []uint64               `json:"seeds"`
	LL       map[string][][]float64 `json:"heldout_ll_per_bin"`
	Truth    []float64              `json:"truth_ll_per_bin"`
	Failures map[string]int         `json:"numerical_failures"`
}

// column returns LL[model][seed][size] for every seed.
func (r *cldsEfficiency) column(t *testing.T, model string, size int) []float64 {
	t.Helper()
	j := slices.Index(r.Sizes, size)
	rows := r.LL[model]
	if j < 0 || len(rows) != len(r.Seeds) {
		t.Fatalf("%s: %d seeds of results, want %d; sizes %v lack %d?", model, len(rows), len(r.Seeds), r.Sizes, size)
	}
	out := make([]float64, len(rows))
	for i, row := range rows {
		if len(row) != len(r.Sizes) {
			t.Fatalf("%s: %d sizes, want %d", model, len(row), len(r.Sizes))
		}
		out[i] = row[j]
	}
	return out
}

// nStar is the registered statistic of issue 13: the smallest training
// size whose shortfall below the truth, mean over seeds, is at most 0.1
// nats per bin; 0 when none is.
func (r *cldsEfficiency) nStar(t *testing.T, model string) int {
	for _, n := range r.Sizes {
		var mean float64
		for i, v := range r.column(t, model, n) {
			mean += (r.Truth[i] - v) / float64(len(r.Seeds))
		}
		if mean <= 0.1 {
			return n
		}
	}
	return 0
}

// checkCLDSDataEfficiency asserts the claims of the data-efficiency
// notebook, recomputed from the per-seed numbers.
//
// Issue 13, registered before the flat-prior control was first fitted:
// n*(CLDS) <= n*(flat prior)/2, where n* is the smallest training size at
// which the mean shortfall below the true model is at most 0.1 nats per
// bin (if the control never gets there within 80 trials, n*(CLDS) <= 40).
//
// Issue 4: the CLDS beats the static LDS at every training size of at
// least 5 trials, and the CLDS trained on 10 trials beats the static LDS
// trained on 80. "Beats" requires the mean paired (same data set)
// difference of held-out log-likelihood per bin to exceed twice its
// standard error, so the claim cannot rest on one lucky seed.
func checkCLDSDataEfficiency(t *testing.T) {
	var r cldsEfficiency
	if err := LoadResults("clds_data_efficiency", &r); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Seeds, []uint64{1, 2, 3, 4, 5}) || !slices.Equal(r.Sizes, []int{2, 5, 10, 20, 40, 80}) || len(r.Truth) != len(r.Seeds) {
		t.Fatalf("seeds %v, sizes %v, %d truths: not the registered design", r.Seeds, r.Sizes, len(r.Truth))
	}
	nc, nf := r.nStar(t, "clds"), r.nStar(t, "flat_prior")
	reproduced := nc > 0 && ((nf > 0 && 2*nc <= nf) || (nf == 0 && nc <= 40))
	t.Logf("trials to come within 0.1 nats per bin of the truth (0: not within 80): CLDS %d, flat prior %d, static LDS %d, binned LDS %d; numerical failures %v",
		nc, nf, r.nStar(t, "static_lds"), r.nStar(t, "binned_lds"), r.Failures)
	// The registered run (seeds 1–5) did not reproduce the claim: n* = 20
	// for both the CLDS and the flat-prior control. The notebook records
	// "not reproduced here" and this asserts that recorded outcome, so a
	// change that flips it fails and gets the notebook's text updated.
	const efficiencyClaimReproduced = false
	if reproduced != efficiencyClaimReproduced {
		t.Errorf("registered claim n*(CLDS) <= n*(flat prior)/2: %d vs %d gives reproduced = %v, recorded outcome %v", nc, nf, reproduced, efficiencyClaimReproduced)
	}
	beats := func(what string, a, b []float64) {
		t.Helper()
		d, err := replicates.Summarize(floats.SubTo(make([]float64, len(a)), a, b))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %+.3f ± %.3f nats per bin (mean ± s.e. over %d seeds)", what, d.Mean, d.SE, d.N)
		if !(d.Mean > 0) || !(d.Mean > 2*d.SE) {
			t.Errorf("%s: difference %+.3f ± %.3f per bin is not clearly positive", what, d.Mean, d.SE)
		}
	}
	for _, n := range r.Sizes {
		if n >= 5 {
			beats(fmt.Sprintf("CLDS − static LDS at %d trials", n), r.column(t, "clds", n), r.column(t, "static_lds", n))
		}
	}
	beats("CLDS on 10 trials − static LDS on 80 trials", r.column(t, "clds", 10), r.column(t, "static_lds", 80))
}

// cldsRing is results/clds_ring_attractor.json: one clds.RingReport for
// the reference data set (seed 1) and one per registered replicate.
type cldsRing struct {
	GridPoints int               `json:"grid_points"`
	Main       clds.RingReport   `json:"main"`
	Replicates []clds.RingReport `json:"replicates"`
}

// checkCLDSRingAttractor asserts the synthetic-recovery thresholds of
// issue 4 on a 200-point heading grid, on the reference data set (seed 1)
// and, as registered for issue 13 before the replicates were first run, on
// the worst of the five new data sets (seeds 101–105): both sorted
// eigenvalues of A(θ) within 0.1 of the truth's; observation-space fixed
// points C(I−A)⁻¹b + d within 15% relative error over the grid
// (‖Ŷ* − Y*‖_F/‖Y*‖_F) and 25% at the worst heading; held-out
// log-likelihood within 2% of the true parameters' and more than 1000 nats
// above the static LDS. Also registered for issue 13: for every replicate,
// the fraction of true held-out latents inside the aligned smoother's 95%
// band lies in [0.90, 0.99]. The worst cases are recomputed here from the
// per-seed numbers.
func checkCLDSRingAttractor(t *testing.T) {
	var r cldsRing
	if err := LoadResults("clds_ring_attractor", &r); err != nil {
		t.Fatal(err)
	}
	if r.GridPoints != 200 || r.Main.Seed != 1 || len(r.Replicates) != 5 {
		t.Fatalf("results incomplete: grid %d points, main seed %d, %d replicates", r.GridPoints, r.Main.Seed, len(r.Replicates))
	}
	for i, rep := range r.Replicates {
		if rep.Seed != uint64(101+i) || rep.TestTrials != 20 || rep.GridPoints != 200 {
			t.Fatalf("replicate %d: seed %d, %d test trials, %d grid points; registered: seeds 101–105, 20 test trials, 200 points", i, rep.Seed, rep.TestTrials, rep.GridPoints)
		}
	}
	// The registered run of the replicates (seeds 101–105) missed one
	// threshold, "held-out log-likelihood within 2% of the truth's" (worst
	// seed 102: 11.9%); the notebook records it as not reproduced, and this
	// check asserts that recorded outcome, so that a change flipping it
	// fails and gets the notebook's text updated.
	const gapReproducedOnReplicates = false
	check := func(what string, reps []clds.RingReport, gapReproduced bool) {
		var eig, fp, fpWorst, gap float64
		adv := math.Inf(1)
		for _, rep := range reps {
			eig, fp, fpWorst = math.Max(eig, rep.EigenvalueMaxError), math.Max(fp, rep.FixedPointRelError), math.Max(fpWorst, rep.FixedPointWorstRelError)
			gap = math.Max(gap, math.Abs(rep.HeldOut.CLDS-rep.HeldOut.Truth)/math.Abs(rep.HeldOut.Truth))
			adv = math.Min(adv, rep.HeldOut.CLDS-rep.HeldOut.Static)
		}
		t.Logf("%s: eigenvalue error %.4f; fixed points %.4f overall, %.4f worst heading; held-out gap %.4f, %.0f nats over the static LDS",
			what, eig, fp, fpWorst, gap, adv)
		if !(eig < 0.1) {
			t.Errorf("%s: eigenvalues of A(θ) deviate from the truth's by %.3f, want < 0.1", what, eig)
		}
		if !(fp < 0.15) || !(fpWorst < 0.25) {
			t.Errorf("%s: observation-space fixed points %.3f overall (want < 0.15), %.3f at the worst heading (want < 0.25)", what, fp, fpWorst)
		}
		if (gap < 0.02) != gapReproduced {
			t.Errorf("%s: held-out log-likelihood %.2f%% from the truth's; registered < 2%%, recorded outcome: reproduced = %v", what, 100*gap, gapReproduced)
		}
		if !(adv > 1000) {
			t.Errorf("%s: CLDS beats the static LDS by %.1f nats, want > 1000", what, adv)
		}
	}
	check("seed 1", []clds.RingReport{r.Main}, true)
	check("worst of seeds 101–105", r.Replicates, gapReproducedOnReplicates)
	for _, rep := range r.Replicates {
		t.Logf("seed %d: coverage of the 95%% band %.4f (linear alignment %.4f)", rep.Seed, rep.Coverage, rep.CoverageLinear)
		if !(rep.Coverage >= 0.90 && rep.Coverage <= 0.99) {
			t.Errorf("seed %d: the smoother's 95%% band covers %.3f of the true held-out latents, registered range [0.90, 0.99]", rep.Seed, rep.Coverage)
		}
	}
}
