package information

import (
	"math"
	"strings"
	"testing"
)

// TestPretrainedChecks runs the registered diffusion checks (Checks) on the
// shipped denoisers with an eighth of their Monte Carlo draws (one
// replicate of 256 instead of four of 512, so more noise and a harder
// test; the figure notebook runs them in full): the estimate against the
// exact I_local on each check's grid has RMS relative error ≤ 10% and
// largest ≤ 20%. The exact values are the quadrature's for the Poisson
// neuron and the closed form for the linear-Gaussian one (which the
// quadrature matches to 1e-6, TestLinearGaussian2DQuadrature).
func TestPretrainedChecks(t *testing.T) {
	for _, c := range Checks() {
		t.Run(c.Name, func(t *testing.T) {
			if c.MaxRMS != 0.10 || c.MaxRel != 0.20 {
				t.Fatalf("thresholds %v/%v, registered 0.10/0.20", c.MaxRMS, c.MaxRel)
			}
			dn, meta, err := Pretrained(c.Name)
			if err != nil {
				t.Fatal(err)
			}
			var exact []float64
			if c.Name == "rf2d" {
				v, _ := rf2D(t).ILocal()
				for range c.Grid.Len() {
					exact = append(exact, v)
				}
			} else {
				exact = mustExact(t, c.Encoder, c.Grid, nil).ILocal
			}
			set := c.Settings
			set.Samples, set.Replicates = 256, 1
			est, err := dn.Estimate(c.Encoder, c.Grid, &set)
			if err != nil {
				t.Fatal(err)
			}
			_, rms, mx, err := RelativeErrors(est.ILocal, exact)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s (trained %s steps in %s s at %s): RMS relative error %.4f, largest %.4f", c.Name, meta["steps"], meta["train_seconds"], meta["revision"], rms, mx)
			if !(rms <= c.MaxRMS) || !(mx <= c.MaxRel) {
				t.Errorf("RMS relative error %.4f (≤ %.2f), largest %.4f (≤ %.2f)", rms, c.MaxRMS, mx, c.MaxRel)
			}
		})
	}
}

// TestPretrainedSamplingVariants: with the shipped 2-D linear-Gaussian
// denoiser, along the receptive field (|a·x| ≥ 4; a = (2, 1)), the
// estimate with r ~ p(r|x) is nearer its closed-form quadratic than I, and
// the estimate with r ~ p(r|y) nearer I than the quadratic.
func TestPretrainedSamplingVariants(t *testing.T) {
	lg := rf2D(t)
	e, err := lg.Encoder()
	if err != nil {
		t.Fatal(err)
	}
	dn, _, err := Pretrained("rf2d")
	if err != nil {
		t.Fatal(err)
	}
	g := mustGrid(t, []float64{-2, 2}, []float64{0, 2})
	set := EstimateSettings{Samples: 256, Replicates: 2, Seed: 7}
	y, err := dn.Estimate(e, g, &set)
	if err != nil {
		t.Fatal(err)
	}
	set.Sampling = ResponsesGivenX
	x, err := dn.Estimate(e, g, &set)
	if err != nil {
		t.Fatal(err)
	}
	want := lg.MutualInformation()
	pt := make([]float64, 2)
	for p := range y.ILocal {
		g.Point(p, pt)
		q, _, err := lg.ILocalGivenX(pt)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("x = %v: r~p(r|y) %.3f (I = %.3f), r~p(r|x) %.3f (quadratic %.3f)", pt, y.ILocal[p], want, x.ILocal[p], q)
		if math.Abs(2*pt[0]+pt[1]) < 4 {
			continue
		}
		if !(math.Abs(x.ILocal[p]-q) < math.Abs(x.ILocal[p]-want)) || !(math.Abs(y.ILocal[p]-want) < math.Abs(y.ILocal[p]-q)) {
			t.Errorf("x = %v: the estimates do not follow their own readings", pt)
		}
	}
}

// TestPretrainedRunRecord: the shipped record names a source revision,
// both checks passed when the denoisers were trained, and the curves are
// complete.
func TestPretrainedRunRecord(t *testing.T) {
	r, err := PretrainedRun()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Revision) != 40 || r.Dirty {
		t.Errorf("revision %q (dirty %v), want a clean 40-digit commit", r.Revision, r.Dirty)
	}
	if len(r.Models) != 2 {
		t.Fatalf("%d models recorded, want 2", len(r.Models))
	}
	for i, m := range r.Models {
		if m.Name != Checks()[i].Name || !m.Passed || len(m.Curve) != m.Train.MaxIterations/m.Train.CheckpointEvery {
			t.Errorf("model %d: %s, passed %v, %d evaluations for %d steps every %d", i, m.Name, m.Passed, len(m.Curve), m.Train.MaxIterations, m.Train.CheckpointEvery)
		}
		_, meta, err := Pretrained(m.Name)
		if err != nil {
			t.Fatal(err)
		}
		if meta["revision"] != r.Revision {
			t.Errorf("%s: checkpoint revision %s, record %s", m.Name, meta["revision"], r.Revision)
		}
	}
	if _, _, err := Pretrained("nope"); err == nil || !strings.Contains(err.Error(), "poisson1d") {
		t.Errorf("unknown name: %v", err)
	}
}
