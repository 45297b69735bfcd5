package notebooks

import (
	"math"
	"testing"
)

// The claims of issue 18 (Laquitaine et al., "Decomposing
// stimulus-specific sensory neural information via diffusion models")
// reproduced by information_decomposition.ipynb, as registered in its
// first cells. Every threshold is the issue's.
func init() {
	claims["information_decomposition"] = checkInformationDecomposition
}

type informationResults struct {
	Table *struct {
		MI            float64   `json:"mutual_information"`
		X             []float64 `json:"x"`
		J             []float64 `json:"fisher"`
		ILocal        []float64 `json:"ilocal"`
		SSI           []float64 `json:"ssi"`
		ISP           []float64 `json:"isp"`
		ReferenceRule float64   `json:"reference_rule_mean_ilocal"`
	} `json:"table"`
	Rows []struct {
		Name       string  `json:"name"`
		MI         float64 `json:"mutual_information"`
		MeanILocal float64 `json:"mean_ilocal"`
		MeanSSI    float64 `json:"mean_ssi"`
		MeanISP    float64 `json:"mean_isp"`
		MinILocal  float64 `json:"min_ilocal"`
		MinSSI     float64 `json:"min_ssi"`
	} `json:"additivity"`
	Scalar *struct {
		HalfLog9   float64 `json:"half_log_9"`
		ClosedForm float64 `json:"closed_form_integral"`
		MI         float64 `json:"quadrature_mi"`
		ILocalMin  float64 `json:"quadrature_ilocal_min"`
		ILocalMax  float64 `json:"quadrature_ilocal_max"`
	} `json:"scalar_linear_gaussian"`
	Image *struct {
		MI         float64 `json:"mutual_information"`
		Total      float64 `json:"sum_over_pixels"`
		OutsideMax float64 `json:"largest_outside_rf"`
	} `json:"image"`
	Diffusion []struct {
		Name       string  `json:"name"`
		Samples    int     `json:"committed_samples"`
		Replicates int     `json:"committed_replicates"`
		RMS        float64 `json:"rms_relative"`
		Max        float64 `json:"max_relative"`
		MaxRMS     float64 `json:"threshold_rms"`
		MaxRel     float64 `json:"threshold_max"`
		LiveRMS    float64 `json:"live_rms_relative"`
		LiveMax    float64 `json:"live_max_relative"`
	} `json:"diffusion"`
	Variants *struct {
		X1              []float64 `json:"X1"`
		X2              []float64 `json:"X2"`
		I               float64   `json:"mutual_information"`
		ExactGivenX     []float64 `json:"exact_given_x"`
		CommittedGivenY []float64 `json:"committed_estimate_given_y"`
		CommittedGivenX []float64 `json:"committed_estimate_given_x"`
		EstimateGivenY  []float64 `json:"estimate_given_y"`
		EstimateGivenX  []float64 `json:"estimate_given_x"`
	} `json:"variants"`
	Training *struct {
		RMS          []float64 `json:"committed_rms"`
		UntrainedRMS float64   `json:"live_untrained_rms"`
		ReducedSteps int       `json:"live_steps"`
		ReducedRMS   float64   `json:"live_rms"`
	} `json:"training"`
}

// checkInformationDecomposition asserts claims C1–C8 of the notebook.
func checkInformationDecomposition(t *testing.T) {
	var r informationResults
	if err := LoadResults("information_decomposition", &r); err != nil {
		t.Fatal(err)
	}
	if r.Table == nil || r.Scalar == nil || r.Image == nil || r.Variants == nil || r.Training == nil || len(r.Rows) != 3 || len(r.Diffusion) != 2 {
		t.Fatalf("results lack an experiment: table %v, scalar %v, image %v, variants %v, training %v, %d additivity rows, %d diffusion checks",
			r.Table != nil, r.Scalar != nil, r.Image != nil, r.Variants != nil, r.Training != nil, len(r.Rows), len(r.Diffusion))
	}
	t.Run("C1 scalar linear-Gaussian", func(t *testing.T) {
		s := r.Scalar
		want := 0.5 * math.Log(9)
		if math.Abs(s.HalfLog9-1.098612) > 1e-6 || math.Abs(s.ClosedForm-want) > 1e-6 || math.Abs(s.MI-want) > 1e-6 {
			t.Errorf("½ log 9 = %.9f, ½ ∫ J_R dγ = %.9f, quadrature I = %.9f, want 1.098612 to 1e-6", s.HalfLog9, s.ClosedForm, s.MI)
		}
		if s.ILocalMax-s.ILocalMin > 1e-6 || math.Abs(s.ILocalMin-want) > 1e-6 || math.Abs(s.ILocalMax-want) > 1e-6 {
			t.Errorf("quadrature I_local in [%.9f, %.9f], want constant and equal to I = %.9f to 1e-6", s.ILocalMin, s.ILocalMax, want)
		}
	})
	t.Run("C2 feature locality", func(t *testing.T) {
		if r.Image.OutsideMax > 1e-9 || math.Abs(r.Image.Total-r.Image.MI) > 1e-9 {
			t.Errorf("largest |I_k| outside the receptive field %.2e (want ≤ 1e-9); Σ_k I_k = %.10f, I = %.10f", r.Image.OutsideMax, r.Image.Total, r.Image.MI)
		}
	})
	t.Run("C3 additivity and C4 positivity", func(t *testing.T) {
		for _, w := range r.Rows {
			t.Logf("%s: I = %.6f, E I_local %.6f, E SSI %.6f, E i_sp %.6f, min I_local %.4f, min SSI %.4f", w.Name, w.MI, w.MeanILocal, w.MeanSSI, w.MeanISP, w.MinILocal, w.MinSSI)
			if math.Abs(w.MeanILocal-w.MI) > 1e-3 {
				t.Errorf("%s: E_x I_local = %.6f, I = %.6f (want within 1e-3)", w.Name, w.MeanILocal, w.MI)
			}
			if !(w.MinILocal >= 0) {
				t.Errorf("%s: I_local reaches %g, want ≥ 0 everywhere", w.Name, w.MinILocal)
			}
		}
		if u := r.Rows[1]; u.Name != "U-shaped neuron" || !(u.MinSSI < 0) {
			t.Errorf("%s: smallest SSI %g, want negative somewhere", u.Name, u.MinSSI)
		}
	})
	t.Run("C5 Poisson neuron", func(t *testing.T) {
		tb := r.Table
		if math.Abs(tb.MI-0.61512) > 5e-6 {
			t.Errorf("I = %.6f, want 0.61512", tb.MI)
		}
		brief := [][4]float64{{20, 0.92, 0.62, 0.45}, {17.6, 0.69, 0.85, 0.55}, {0, 0.41, 1.18, 1.00}, {0, 0.21, 0.30, 0.68}}
		for i, b := range brief {
			if math.Abs(tb.J[i]-b[0]) > max(0.02*b[0], 0.02) && !(b[0] == 20 && math.Abs(tb.J[i]-20) < 0.5) {
				t.Errorf("x = %v: J = %.3f, brief %v", tb.X[i], tb.J[i], b[0])
			}
			for k, v := range []float64{tb.ILocal[i], tb.SSI[i], tb.ISP[i]} {
				if math.Abs(v-b[k+1]) > 0.02 {
					t.Errorf("x = %v: %s = %.4f, brief %.2f", tb.X[i], []string{"I_local", "SSI", "i_sp"}[k], v, b[k+1])
				}
			}
		}
	})
	t.Run("C6 diffusion vs quadrature", func(t *testing.T) {
		for _, d := range r.Diffusion {
			t.Logf("%s: committed (%d × %d draws) RMS relative error %.4f (≤ %.2f), largest %.4f (≤ %.2f); live reduced run %.4f, %.4f",
				d.Name, d.Replicates, d.Samples, d.RMS, d.MaxRMS, d.Max, d.MaxRel, d.LiveRMS, d.LiveMax)
			if d.MaxRMS != 0.10 || d.MaxRel != 0.20 || d.Samples != 512 || d.Replicates != 4 {
				t.Errorf("%s: thresholds %v/%v with %d × %d draws, registered 0.10/0.20 with 4 × 512", d.Name, d.MaxRMS, d.MaxRel, d.Replicates, d.Samples)
			}
			if !(d.RMS <= 0.10) || !(d.Max <= 0.20) {
				t.Errorf("%s: RMS relative error %.4f (≤ 0.10), largest %.4f (≤ 0.20): not reproduced", d.Name, d.RMS, d.Max)
			}
			if !(d.LiveRMS <= 0.10) || !(d.LiveMax <= 0.20) {
				t.Errorf("%s: the live reduced run disagrees with the committed one: RMS %.4f, largest %.4f", d.Name, d.LiveRMS, d.LiveMax)
			}
		}
	})
	t.Run("C7 sampling variants", func(t *testing.T) {
		v := r.Variants
		tested := 0
		for i, x1 := range v.X1 {
			if math.Abs(2*x1+v.X2[0]) < 4 {
				continue
			}
			tested++
			q := v.ExactGivenX[i]
			for _, run := range []struct {
				name           string
				givenY, givenX float64
			}{{"committed", v.CommittedGivenY[i], v.CommittedGivenX[i]}, {"live", v.EstimateGivenY[i], v.EstimateGivenX[i]}} {
				if !(math.Abs(run.givenX-q) < math.Abs(run.givenX-v.I)) {
					t.Errorf("%s, x₁ = %v: the r~p(r|x) estimate %.4f is not nearer its closed form %.4f than I = %.4f", run.name, x1, run.givenX, q, v.I)
				}
				if !(math.Abs(run.givenY-v.I) < math.Abs(run.givenY-q)) {
					t.Errorf("%s, x₁ = %v: the r~p(r|y) estimate %.4f is not nearer I = %.4f than the quadratic %.4f", run.name, x1, run.givenY, v.I, q)
				}
			}
		}
		if tested < 2 {
			t.Errorf("only %d stimuli with |a·x| ≥ 4", tested)
		}
	})
	t.Run("C8 reduced training run", func(t *testing.T) {
		tr := r.Training
		t.Logf("committed RMS %.3f after the first evaluation, %.3f at the end; live: untrained %.3f → %.3f after %d steps", tr.RMS[0], tr.RMS[len(tr.RMS)-1], tr.UntrainedRMS, tr.ReducedRMS, tr.ReducedSteps)
		if !(tr.RMS[len(tr.RMS)-1] < tr.RMS[0]) {
			t.Errorf("the committed run's error did not fall: %v", tr.RMS)
		}
		if tr.ReducedSteps != 1000 || !(tr.ReducedRMS < tr.UntrainedRMS) {
			t.Errorf("the live run (%d steps) did not lower the error: %.3f → %.3f", tr.ReducedSteps, tr.UntrainedRMS, tr.ReducedRMS)
		}
	})
}
