package notebooks

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// The claims of issue 5 (Kang, Canatar & Chung 2025, "Spectral Analysis of
// Representational Similarity with Limited Neurons") reproduced by
// similarity_finite_neurons.ipynb. The checks read the per-replicate numbers
// the notebook saved (each replicate an independent population and its own
// 20 recordings per neuron count) and decide every claim from the mean over
// replicates against its standard error, never from a single run.
func init() {
	claims["similarity_finite_neurons"] = checkSimilarityFiniteNeurons
}

// similarityResults is the part of results/similarity_finite_neurons.json
// the claims need. Values are indexed [replicate] or [replicate][neuron
// count].
type similarityResults struct {
	Denoising *struct {
		Neurons []int                               `json:"neurons"`
		Seeds   []uint64                            `json:"seeds"`
		Pairs   map[string]*similarityPairReplicate `json:"pairs"`
	} `json:"denoising"`
	Flip *struct {
		Neurons        []int       `json:"neurons"`
		Seeds          []uint64    `json:"seeds"`
		PopulationCCA1 []float64   `json:"population_cca1"`
		PopulationCCA2 []float64   `json:"population_cca2"`
		SampleCCA1     [][]float64 `json:"sample_cca1"`
		SampleCCA2     [][]float64 `json:"sample_cca2"`
		DenoisedCCA1   [][]float64 `json:"denoised_cca1"`
		DenoisedCCA2   [][]float64 `json:"denoised_cca2"`
	} `json:"flip"`
}

type similarityPairReplicate struct {
	PopulationCKA []float64   `json:"population_cka"`
	SampleCKA     [][]float64 `json:"sample_cka"`
	DenoisedCKA   [][]float64 `json:"denoised_cka"`
}

// checkSimilarityFiniteNeurons asserts, over at least 5 independent
// replicates:
//   - population CKA 0.50: at N = 10, 25, 50, 100 the denoised CKA is within
//     0.05 of the population value (|mean error| + 2 s.e. < 0.05) while the
//     sample CKA is biased low (population − sample > 2 s.e.);
//   - identical representations: the denoised CKA at N = 10 is at least 0.95
//     (mean − 2 s.e.);
//   - the CCA flip: model 2 is closer to the target than model 1 in
//     population CCA₁₀; at every N ≤ 50 the sample CCA₁₀ ranks model 1 above
//     model 2 (reversed); at every N ≥ 20 the denoised CCA₁₀ ranks them in the
//     population order (so for 20 ≤ N ≤ 50 denoising undoes the flip); and
//     at the largest N (≥ 100) the sample order is right again. Each
//     difference is paired within a replicate (same recordings for both
//     models) and must exceed twice its standard error.
func checkSimilarityFiniteNeurons(t *testing.T) {
	var r similarityResults
	if err := LoadResults("similarity_finite_neurons", &r); err != nil {
		t.Fatal(err)
	}
	if r.Denoising == nil || r.Flip == nil {
		t.Fatalf("results lack the denoising or flip experiment (denoising %v, flip %v)", r.Denoising != nil, r.Flip != nil)
	}
	t.Run("denoising", func(t *testing.T) {
		d := r.Denoising
		half, one := d.Pairs["cka_0.50"], d.Pairs["identical"]
		if half == nil || one == nil {
			t.Fatalf("denoising results lack the pairs cka_0.50 and identical: have %d pairs", len(d.Pairs))
		}
		for name, pr := range map[string]*similarityPairReplicate{"cka_0.50": half, "identical": one} {
			similarityCheckShape(t, name, len(d.Seeds), len(d.Neurons), pr.PopulationCKA, pr.SampleCKA, pr.DenoisedCKA)
		}
		for i, c := range half.PopulationCKA {
			if math.Abs(c-0.5) > 1e-3 {
				t.Fatalf("replicate %d: population CKA %.4f, want 0.50", i, c)
			}
		}
		for _, n := range []int{10, 25, 50, 100} {
			j := slices.Index(d.Neurons, n)
			if j < 0 {
				t.Fatalf("neuron counts %v lack %d", d.Neurons, n)
			}
			em, es := meanSE(similarityMinus(similarityColumn(half.DenoisedCKA, j), half.PopulationCKA))
			bm, bs := meanSE(similarityMinus(half.PopulationCKA, similarityColumn(half.SampleCKA, j)))
			t.Logf("population CKA 0.50, N = %3d: denoised − population %+.4f ± %.4f, population − sample %.4f ± %.4f", n, em, es, bm, bs)
			if !(math.Abs(em)+2*es < 0.05) {
				t.Errorf("N = %d: denoised CKA is off by %+.4f ± %.4f, not clearly within 0.05", n, em, es)
			}
			if !(bm > 2*bs) {
				t.Errorf("N = %d: sample CKA is not clearly biased low: population − sample = %.4f ± %.4f", n, bm, bs)
			}
		}
		j := slices.Index(d.Neurons, 10)
		for i, c := range one.PopulationCKA {
			if math.Abs(c-1) > 1e-6 {
				t.Fatalf("identical pair, replicate %d: population CKA %.6f, want 1", i, c)
			}
		}
		m, s := meanSE(similarityColumn(one.DenoisedCKA, j))
		t.Logf("identical representations, N = 10: denoised CKA %.4f ± %.4f", m, s)
		if !(m-2*s >= 0.95) {
			t.Errorf("identical representations at N = 10: denoised CKA %.4f ± %.4f is not clearly ≥ 0.95", m, s)
		}
	})
	t.Run("flip", func(t *testing.T) {
		f := r.Flip
		similarityCheckShape(t, "flip", len(f.Seeds), len(f.Neurons), f.PopulationCCA1, f.SampleCCA1, f.SampleCCA2, f.DenoisedCCA1, f.DenoisedCCA2)
		similarityCheckShape(t, "flip", len(f.Seeds), len(f.Neurons), f.PopulationCCA2)
		for _, n := range []int{10, 20, 30} {
			if !slices.Contains(f.Neurons, n) {
				t.Fatalf("flip neuron counts %v lack %d", f.Neurons, n)
			}
		}
		if last := f.Neurons[len(f.Neurons)-1]; last < 100 || !slices.IsSorted(f.Neurons) {
			t.Fatalf("flip neuron counts %v must increase to at least 100", f.Neurons)
		}
		gap := func(what string, a, b []float64) bool {
			t.Helper()
			m, s := meanSE(similarityMinus(a, b))
			t.Logf("%s: %+.4f ± %.4f", what, m, s)
			return m > 2*s
		}
		if !gap("population CCA₁₀, model 2 − model 1", f.PopulationCCA2, f.PopulationCCA1) {
			t.Fatal("model 2 is not clearly closer to the target than model 1 in the population")
		}
		for j, n := range f.Neurons {
			s1, s2 := similarityColumn(f.SampleCCA1, j), similarityColumn(f.SampleCCA2, j)
			d1, d2 := similarityColumn(f.DenoisedCCA1, j), similarityColumn(f.DenoisedCCA2, j)
			if n <= 50 && !gap(fmt.Sprintf("sample CCA₁₀, model 1 − model 2 at N = %d", n), s1, s2) {
				t.Errorf("N = %d: the sample CCA₁₀ does not clearly reverse the population order", n)
			}
			if n >= 20 && !gap(fmt.Sprintf("denoised CCA₁₀, model 2 − model 1 at N = %d", n), d2, d1) {
				t.Errorf("N = %d: the denoised CCA₁₀ does not clearly restore the population order", n)
			}
			if n < 20 {
				gap(fmt.Sprintf("denoised CCA₁₀, model 2 − model 1 (not asserted) at N = %d", n), d2, d1)
			}
			if j == len(f.Neurons)-1 && !gap(fmt.Sprintf("sample CCA₁₀, model 2 − model 1 at N = %d", n), s2, s1) {
				t.Errorf("N = %d: the sample CCA₁₀ order has not come right with the most neurons", n)
			}
		}
	})
}

// similarityCheckShape fails unless there are at least 5 replicates and
// every per-replicate slice has one entry per replicate (per neuron count).
func similarityCheckShape(t *testing.T, name string, replicates, counts int, perReplicate []float64, perCount ...[][]float64) {
	t.Helper()
	if replicates < 5 || len(perReplicate) != replicates {
		t.Fatalf("%s: want >= 5 replicates with one population value each, have %d seeds and %d values", name, replicates, len(perReplicate))
	}
	for _, rows := range perCount {
		if len(rows) != replicates {
			t.Fatalf("%s: %d replicate rows, want %d", name, len(rows), replicates)
		}
		for i, row := range rows {
			if len(row) != counts {
				t.Fatalf("%s: replicate %d has %d neuron counts, want %d", name, i, len(row), counts)
			}
		}
	}
}

// similarityColumn returns rows[r][j] for every replicate r.
func similarityColumn(rows [][]float64, j int) []float64 {
	out := make([]float64, len(rows))
	for r, row := range rows {
		out[r] = row[j]
	}
	return out
}

// similarityMinus returns a − b elementwise.
func similarityMinus(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}
