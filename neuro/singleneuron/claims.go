package singleneuron

import (
	"fmt"

	"github.com/neuronb/neuronb/neuro/replicates"
)

// The registered design of notebooks/singleneuron_invariance.ipynb.
var (
	// LambdaOn is the adversary's registered strength; LambdaMax the
	// strength registered as too large.
	LambdaOn, LambdaMax = 1.0, 10.0
	// VICRegLambdas is the sweep of the VICReg model; the VAE and the
	// implicit model run OtherLambdas.
	VICRegLambdas = []float64{0, 0.3, 1, 3, 10}
	OtherLambdas  = []float64{0, 1, 10}
)

// ArmName names a learned arm: "loao vicreg λ=0" (λ = 0 is the model
// without adversary), "loso vicreg λ=1".
func ArmName(p Protocol, m ModelKind, lambda float64) string {
	pre := "loao"
	if p == LeaveOneStimulusOut {
		pre = "loso"
	}
	return fmt.Sprintf("%s %v λ=%g", pre, m, lambda)
}

// Names of the control arms.
const (
	ArmRaw        = "loao raw features"
	ArmRawNoBatch = "loao raw features, no batch effect"
	ArmTrue       = "loao true parameters"
	ArmShuffled   = "loao raw features, shuffled labels"
)

// LearnedArm returns the arm of a model at strength λ (no adversary at 0).
func LearnedArm(p Protocol, m ModelKind, lambda float64) Arm {
	return Arm{Name: ArmName(p, m, lambda), Protocol: p, Model: m, Adversarial: lambda > 0, Lambda: lambda}
}

// RegisteredArms returns every arm of the registered study: the controls,
// each model's λ sweep with leave-one-animal-out, and VICReg at λ = 0 and
// LambdaOn with leave-one-stimulus-out.
func RegisteredArms() []Arm {
	arms := []Arm{
		{Name: ArmTrue, TrueParameters: true},
		{Name: ArmShuffled, Representation: RawFeatures, ShuffleLabels: true},
		{Name: ArmRaw, Representation: RawFeatures},
		{Name: ArmRawNoBatch, Representation: RawFeatures, NoBatchEffect: true},
	}
	for _, m := range AllModels {
		ls := OtherLambdas
		if m == VICRegModel {
			ls = VICRegLambdas
		}
		for _, l := range ls {
			arms = append(arms, LearnedArm(LeaveOneAnimalOut, m, l))
		}
	}
	return append(arms, LearnedArm(LeaveOneStimulusOut, VICRegModel, 0), LearnedArm(LeaveOneStimulusOut, VICRegModel, LambdaOn))
}

// Metrics read from a fold mean.
var (
	InF1       = func(f FoldResult) float64 { return f.In.MacroF1 }
	OutF1      = func(f FoldResult) float64 { return f.Out.MacroF1 }
	InBA       = func(f FoldResult) float64 { return f.In.BalancedAccuracy }
	BatchProbe = func(f FoldResult) float64 { return f.Batch }
	TypeOnly   = func(f FoldResult) float64 { return f.BatchTypeOnly }
)

// Claims evaluates the registered claims on a study that ran the arms it
// needs (RegisteredArms, or the reduced run's subset: claims whose arms
// are missing are left out). Each learned-arm claim is a one-sided paired
// t test over seeds (values are means over folds) at p < 0.05.
func Claims(s *Study) ([]Claim, error) {
	var out []Claim
	has := func(names ...string) bool {
		for _, n := range names {
			found := false
			for _, r := range s.Runs {
				found = found || r.Arm == n
			}
			if !found {
				return false
			}
		}
		return true
	}
	// An arm present on some seeds but not all is an error (the first one
	// is kept and returned).
	var missing error
	vals := func(arm string, pick func(FoldResult) float64) []float64 {
		v, err := s.Values(arm, pick)
		if err != nil && missing == nil {
			missing = err
		}
		return v
	}
	add := func(c Claim, err error, holds func(Claim) bool) error {
		if missing != nil {
			return missing
		}
		if err != nil {
			return err
		}
		c.Holds = holds(c)
		out = append(out, c)
		return nil
	}
	sig := func(dir int) func(Claim) bool {
		return func(c Claim) bool { return c.P < 0.05 && c.Sign() == dir }
	}
	var err error
	for _, m := range AllModels {
		off, on, big := ArmName(LeaveOneAnimalOut, m, 0), ArmName(LeaveOneAnimalOut, m, LambdaOn), ArmName(LeaveOneAnimalOut, m, LambdaMax)
		if has(off) {
			c, e := compare("H1 "+m.String(), m.String()+", no adversary: batch-probe balanced accuracy (A) above what the true type alone gives (B)",
				vals(off, BatchProbe), vals(off, TypeOnly), replicates.Greater)
			if err = add(c, e, sig(1)); err != nil {
				return nil, err
			}
			c, e = compare("H2 "+m.String(), m.String()+", no adversary: out-of-domain macro-F1 (A) below in-domain (B)",
				vals(off, OutF1), vals(off, InF1), replicates.Less)
			if err = add(c, e, sig(-1)); err != nil {
				return nil, err
			}
		}
		if has(off, on) {
			c, e := compare("H3 "+m.String(), fmt.Sprintf("%v: batch-probe balanced accuracy at λ=%g (A) below λ=0 (B), and within 0.05 of the type-only level", m, LambdaOn),
				vals(on, BatchProbe), vals(off, BatchProbe), replicates.Less)
			gap, ge := replicates.Summarize(sub(vals(on, BatchProbe), vals(on, TypeOnly)))
			if e == nil {
				e = ge
			}
			if err = add(c, e, func(c Claim) bool { return sig(-1)(c) && gap.Mean <= 0.05 }); err != nil {
				return nil, err
			}
			out[len(out)-1].Gap = &gap
			c, e = compare("H4 "+m.String(), fmt.Sprintf("%v: out-of-domain macro-F1 at λ=%g (A) above λ=0 (B)", m, LambdaOn),
				vals(on, OutF1), vals(off, OutF1), replicates.Greater)
			if err = add(c, e, sig(1)); err != nil {
				return nil, err
			}
		}
		if has(off, big) {
			c, e := compare("H5 "+m.String(), fmt.Sprintf("%v: in-domain macro-F1 at λ=%g (A) below λ=0 (B)", m, LambdaMax),
				vals(big, InF1), vals(off, InF1), replicates.Less)
			if err = add(c, e, sig(-1)); err != nil {
				return nil, err
			}
		}
	}
	if off := ArmName(LeaveOneStimulusOut, VICRegModel, 0); has(off) {
		c, e := compare("H6 vicreg loso", "vicreg, no adversary, held-out stimulus: out-of-domain macro-F1 (A) below in-domain (B)",
			vals(off, OutF1), vals(off, InF1), replicates.Less)
		if err = add(c, e, sig(-1)); err != nil {
			return nil, err
		}
	}
	if has(ArmTrue) {
		c, e := compare("C1", "control: the type probe on the true (a, b, c, d) scores macro-F1 ≥ 0.95 in (A) and out of domain (B)",
			vals(ArmTrue, InF1), vals(ArmTrue, OutF1), replicates.TwoSided)
		if err = add(c, e, func(c Claim) bool { return c.A.Mean >= 0.95 && c.B.Mean >= 0.95 }); err != nil {
			return nil, err
		}
	}
	if has(ArmShuffled) {
		c, e := compare("C2", "control: with shuffled training labels the in-domain balanced accuracy (A) is within 0.1 of chance 0.25 (B)",
			vals(ArmShuffled, InBA), constant(len(s.Settings.Seeds), 0.25), replicates.TwoSided)
		if err = add(c, e, func(c Claim) bool { return c.A.Mean >= 0.15 && c.A.Mean <= 0.35 }); err != nil {
			return nil, err
		}
	}
	if has(ArmRawNoBatch) {
		c, e := compare("C3", "control: without batch effects, raw features score out of domain (A) within 0.05 of in domain (B)",
			vals(ArmRawNoBatch, OutF1), vals(ArmRawNoBatch, InF1), replicates.TwoSided)
		if err = add(c, e, func(c Claim) bool { return c.Diff.Mean >= -0.05 && c.Diff.Mean <= 0.05 }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func sub(a, b []float64) []float64 {
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return d
}

func constant(n int, v float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}
