package notebooks

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/neuronb/neuronb/neuro/replicates"
)

// The claims registered in theory_online_learning.ipynb (issue 20;
// Daniely, Mehalel & Mossel, "Online Learning of Neural Networks", arXiv
// 2505.09167), checked from the raw numbers the notebook saved.
func init() {
	claims["theory_online_learning"] = checkTheoryOnline
}

type onlineResults struct {
	Adversary []struct {
		D         int     `json:"d"`
		Gamma     float64 `json:"gamma"`
		Learner   string  `json:"learner"`
		Mistakes  int     `json:"mistakes"`
		Rounds    int     `json:"rounds"`
		GridCount float64 `json:"grid_count"`
		Margin    float64 `json:"margin"`
		Realised  bool    `json:"realised"`
	} `json:"adversary"`
	Sweep *struct {
		Gammas   []float64     `json:"gammas"`
		Seeds    []uint64      `json:"seeds"`
		Learners []string      `json:"learners"`
		Mistakes [][][]float64 `json:"mistakes"`
		WMGammas int           `json:"wm_gammas"`
		Cells    [][]float64   `json:"cells"`
		WMBound  [][]float64   `json:"wm_bound"`
		Packing  []float64     `json:"packing"`
	} `json:"sweep"`
}

func checkTheoryOnline(t *testing.T) {
	var r onlineResults
	if err := LoadResults("theory_online_learning", &r); err != nil {
		t.Fatal(err)
	}
	if r.Sweep == nil {
		t.Fatal("results lack the margin sweep")
	}
	t.Run("O1 adversary", func(t *testing.T) { onlineO1(t, &r) })
	t.Run("O2 guarantees", func(t *testing.T) { onlineO2(t, &r) })
	t.Run("O3 O4 instances", func(t *testing.T) { onlineO3O4(t, &r) })
}

// onlineO1: exactly one mistake per grid point for every learner, the
// issue's counts, labels realised with margin γ.
func onlineO1(t *testing.T, r *onlineResults) {
	want := map[[2]float64]int{{2, 0.1}: 64, {2, 0.05}: 225, {3, 0.1}: 216}
	seen := map[[2]float64]int{}
	for _, a := range r.Adversary {
		key := [2]float64{float64(a.D), a.Gamma}
		seen[key]++
		t.Logf("d = %d, γ = %v, %s: %d mistakes in %d rounds, margin %.15g, realised %v", a.D, a.Gamma, a.Learner, a.Mistakes, a.Rounds, a.Margin, a.Realised)
		if w, ok := want[key]; !ok || a.Mistakes != w || a.Rounds != w || a.GridCount != float64(w) {
			t.Errorf("d = %d, γ = %v, %s: %d mistakes in %d rounds (grid %v), want %d", a.D, a.Gamma, a.Learner, a.Mistakes, a.Rounds, a.GridCount, w)
		}
		if !a.Realised || math.Abs(a.Margin-a.Gamma) > 1e-12 {
			t.Errorf("d = %d, γ = %v, %s: realised %v with margin %.15g, want γ", a.D, a.Gamma, a.Learner, a.Realised, a.Margin)
		}
	}
	for key := range want {
		if seen[key] < 2 {
			t.Errorf("d = %v, γ = %v: %d learners played, want at least 2", key[0], key[1], seen[key])
		}
	}
	if seen[[2]float64{2, 0.1}] < 3 {
		t.Errorf("weighted majority did not play the d = 2, γ = 0.1 adversary")
	}
}

// onlineO2: the deterministic guarantees on every run of the sweep.
func onlineO2(t *testing.T, r *onlineResults) {
	s := r.Sweep
	if !slices.Equal(s.Learners, []string{"cell oracle", "weighted majority", "2γ memoriser"}) {
		t.Fatalf("learners %v", s.Learners)
	}
	for g, gamma := range s.Gammas {
		for i := range s.Seeds {
			oracle, memo := s.Mistakes[0][g][i], s.Mistakes[2][g][i]
			if oracle > s.Cells[g][i] || memo > s.Packing[g] {
				t.Errorf("γ = %v, seed %d: cell oracle %v for %v cells, memoriser %v against %v", gamma, s.Seeds[i], oracle, s.Cells[g][i], memo, s.Packing[g])
			}
			if g < s.WMGammas && s.Mistakes[1][g][i] > s.WMBound[g][i] {
				t.Errorf("γ = %v, seed %d: weighted majority %v above its bound %.2f", gamma, s.Seeds[i], s.Mistakes[1][g][i], s.WMBound[g][i])
			}
		}
	}
}

// onlineO3O4: at γ = 0.2, cell oracle < weighted majority < memoriser;
// the memoriser's mistakes increase at every step to a smaller γ; each a
// paired one-sided t test at p < 0.01 over the 10 seeds.
func onlineO3O4(t *testing.T, r *onlineResults) {
	s := r.Sweep
	if !slices.Equal(s.Gammas, []float64{0.3, 0.25, 0.2, 0.15, 0.1, 0.07, 0.05}) || len(s.Seeds) != 10 || s.WMGammas != 3 {
		t.Fatalf("sweep: margins %v, %d seeds, weighted majority at %d margins", s.Gammas, len(s.Seeds), s.WMGammas)
	}
	less := func(what string, a, b []float64) {
		t.Helper()
		ma, _ := meanSE(a)
		mb, _ := meanSE(b)
		test, err := replicates.PairedT(b, a, replicates.Greater)
		if err != nil {
			t.Errorf("%s: %.2f against %.2f: %v", what, ma, mb, err)
			return
		}
		t.Logf("%s: %.2f < %.2f? paired t = %.2f, p = %.2g", what, ma, mb, test.T, test.P)
		if !(test.P < 0.01) {
			t.Errorf("%s: %.2f is not clearly below %.2f (p = %.3g)", what, ma, mb, test.P)
		}
	}
	const g = 2 // γ = 0.2
	less("O3: cell oracle < weighted majority", s.Mistakes[0][g], s.Mistakes[1][g])
	less("O3: weighted majority < memoriser", s.Mistakes[1][g], s.Mistakes[2][g])
	for k := 0; k+1 < len(s.Gammas); k++ {
		less(fmt.Sprintf("O4: memoriser at γ = %g < at γ = %g", s.Gammas[k], s.Gammas[k+1]), s.Mistakes[2][k], s.Mistakes[2][k+1])
	}
}
