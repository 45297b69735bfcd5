package lds

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestBadInputErrorsNameArgumentTrialAndIndex checks that user errors are
// reported with the argument, the trial and the index (oracle: the message
// text).
func TestBadInputErrorsNameArgumentTrialAndIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	m := randModel(rng, 2, 3)
	good := func() []Trial {
		return []Trial{{Y: randDense(rng, 5, 3, 1)}, {Y: randDense(rng, 7, 3, 1)}}
	}
	cases := []struct {
		name  string
		edit  func(tr []Trial, m *Model) ([]Trial, *Model)
		want  string
		isFit bool
	}{
		{"NaN", func(tr []Trial, m *Model) ([]Trial, *Model) { tr[1].Y.Set(4, 2, math.NaN()); return tr, m }, "trials[1].Y[4,2] is NaN", false},
		{"Inf", func(tr []Trial, m *Model) ([]Trial, *Model) { tr[0].Y.Set(0, 1, math.Inf(1)); return tr, m }, "trials[0].Y[0,1] is +Inf", false},
		{"columns", func(tr []Trial, m *Model) ([]Trial, *Model) { tr[1].Y = randDense(rng, 4, 2, 1); return tr, m }, "trials[1].Y has 2 columns, want N=3", false},
		{"empty trial", func(tr []Trial, m *Model) ([]Trial, *Model) { tr[1].Y = &mat.Dense{}; return tr, m }, "trials[1] is empty", false},
		{"no trials", func(tr []Trial, m *Model) ([]Trial, *Model) { return nil, m }, "trials is empty", false},
		{"mask length", func(tr []Trial, m *Model) ([]Trial, *Model) { tr[0].Mask = make([]bool, 4); return tr, m }, "trials[0].Mask has length 4, want T=5", false},
		{"varying length", func(tr []Trial, m *Model) ([]Trial, *Model) {
			tr[1].Varying = &Varying{C: make([]float64, 5)}
			return tr, m
		}, "trials[1].Varying.C has length 5, want 42", false},
		{"non-PD S0", func(tr []Trial, m *Model) ([]Trial, *Model) {
			m.S0 = mat.NewSymDense(2, []float64{1, 2, 2, 1})
			return tr, m
		}, "Model.S0 is not positive definite", false},
		{"shape of C", func(tr []Trial, m *Model) ([]Trial, *Model) { m.C = mat.NewDense(2, 2, nil); return tr, m }, "Model.C is 2×2, want 3×2", false},
		{"D > N", func(tr []Trial, m *Model) ([]Trial, *Model) { return tr, randModel(rng, 4, 3) }, "D=4 exceeds observation dimension N=3", true},
	}
	for _, c := range cases {
		tr, mm := c.edit(good(), m.Clone())
		var err error
		if c.isFit {
			_, err = Fit(mm, tr, nil)
		} else {
			_, err = mm.LogLik(tr)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// TestMaskedBinsAreSkippedNotFaked checks that a missing bin contributes
// nothing: the log-likelihood with bin t masked equals the log-likelihood
// of the model whose bin t has infinite noise, i.e. the dense Gaussian of
// the remaining bins (oracle: dense Gaussian without those rows), and that
// the values stored in masked rows are never read.
func TestMaskedBinsAreSkippedNotFaked(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	m := randModel(rng, 2, 3)
	tr := randTrial(rng, m, 12, false, true)
	ll1, err := m.LogLik([]Trial{tr})
	if err != nil {
		t.Fatal(err)
	}
	for i := range tr.Mask {
		if !tr.Mask[i] {
			for j := 0; j < 3; j++ {
				tr.Y.Set(i, j, 1e6)
			}
		}
	}
	ll2, err := m.LogLik([]Trial{tr})
	if err != nil {
		t.Fatal(err)
	}
	want := newDenseGaussian(m, &tr).logLik()
	if ll1 != ll2 || relErr(ll1, want) > 1e-12 {
		t.Fatalf("masked log-likelihood %v (garbage in masked rows: %v), dense %v", ll1, ll2, want)
	}
}
