package study

import (
	"fmt"
	"math"
)

// Outcome is one registered claim evaluated on results.
type Outcome struct {
	// Name identifies the claim (stable, used by the claims test).
	Name string
	// Claim states it with its threshold; Value is what was measured.
	Claim string
	Value string
	Holds bool
}

func (o Outcome) String() string {
	verdict := "reproduced"
	if !o.Holds {
		verdict = "NOT reproduced here"
	}
	return fmt.Sprintf("%-22s %-62s %-30s %s", o.Name, o.Claim, o.Value, verdict)
}

// Evaluate applies the registered Claims to results of a run with random
// controls and the safeguard (Full or Reduced).
func Evaluate(r *Results) ([]Outcome, error) {
	a, ok := r.Variants["ia3"]
	if !ok {
		return nil, fmt.Errorf("study: Evaluate: no (IA)³ curve")
	}
	p, err := a.At(Claims.TopFraction)
	if err != nil {
		return nil, err
	}
	out := []Outcome{{Name: "exact-zero", Claim: "no neuron patched: C = 0 exactly (both variants)",
		Value: fmt.Sprintf("%v, %v", a.CNone, r.Variants["full"].CNone), Holds: a.CNone == 0 && r.Variants["full"].CNone == 0},
		{Name: "exact-all", Claim: "(IA)³: all 576 patched: C = 1, M2's tokens on every prompt",
			Value: fmt.Sprintf("C = %v, %d/%d", a.CAll, a.IdenticalAll, a.Prompts), Holds: a.CAll == 1 && a.IdenticalAll == a.Prompts},
		{Name: "top5-c", Claim: fmt.Sprintf("(IA)³ top %g%%: C ≥ %g", 100*Claims.TopFraction, Claims.MinC),
			Value: fmt.Sprintf("C = %.3f [%.3f, %.3f]", p.C, p.CLow, p.CHigh), Holds: p.C >= Claims.MinC}}
	out = append(out, randomBound(a))
	t, err := p.TopVsRandom(true)
	o := Outcome{Name: "top5-vs-random-t", Claim: fmt.Sprintf("graded C: random < top at %g%% (one-sided t, p < %g)", 100*Claims.TopFraction, Claims.Alpha)}
	if err != nil {
		o.Value = err.Error()
	} else {
		o.Value, o.Holds = fmt.Sprintf("t = %.2f, p = %.2g", t.T, t.P), t.P < Claims.Alpha
	}
	out = append(out, o, Outcome{Name: "over-refusal", Claim: fmt.Sprintf("benign requests refused with top %g%% patched ≤ %g", 100*Claims.TopFraction, Claims.MaxOverRefusal),
		Value: fmt.Sprintf("%.3f", p.OverRefusal), Holds: p.OverRefusal <= Claims.MaxOverRefusal})
	if r.Guard != nil {
		out = append(out, guardOutcome(r.Guard))
	}
	return out, nil
}

// randomBound checks the random controls' mean C at every fraction up to
// Claims.TopFraction.
func randomBound(a *Curve) Outcome {
	o := Outcome{Name: "random-small-k", Claim: fmt.Sprintf("random, same counts: mean C ≤ %g at every k ≤ %g%%", Claims.MaxRandomC, 100*Claims.TopFraction), Holds: true}
	worst := math.Inf(-1)
	for _, p := range a.Points {
		if p.Fraction > Claims.TopFraction {
			continue
		}
		s, err := p.Random(false)
		if err != nil {
			o.Value, o.Holds = err.Error(), false
			return o
		}
		worst = math.Max(worst, s.Mean)
		o.Holds = o.Holds && s.Mean <= Claims.MaxRandomC
	}
	o.Value = fmt.Sprintf("largest mean %.3f", worst)
	return o
}

func guardOutcome(g *Guard) Outcome {
	m := mean(g.Random)
	return Outcome{Name: "safeguard", Claim: fmt.Sprintf("jailbreakable model, top %g%%: accuracy ≥ random + %g and ≥ majority + %g", 100*Claims.TopFraction, Claims.GuardMargin, Claims.GuardMargin),
		Value: fmt.Sprintf("%.3f vs %.3f, %.3f", g.Accuracy, m, g.Majority),
		Holds: g.Accuracy >= m+Claims.GuardMargin && g.Accuracy >= g.Majority+Claims.GuardMargin}
}
