package study

import (
	"github.com/neuronb/neuronb/neuro/safety"
	"github.com/neuronb/neuronb/neuro/safety/synthetic"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// curveRun holds one aligned model's contrast and experiments.
type curveRun struct {
	st      *state
	con     *safety.Contrast
	harmful *safety.Experiment // harmful test prompts, judged by synthetic.Judge
	benign  *safety.Experiment // benign test prompts, judged by synthetic.OverRefusal
}

// curve measures one aligned model's row; withControls adds the random
// controls and the ablations.
func (st *state) curve(name string, aligned *transformer.Model, withControls bool) (*Curve, error) {
	cr := &curveRun{st: st}
	var err error
	if cr.con, err = Contrast(st.base, aligned, st.set.ContrastPrompts, safety.Predicting); err != nil {
		return nil, err
	}
	if cr.harmful, err = Experiment(st.base, aligned, synthetic.TestPrompts(synthetic.Harmful), synthetic.Judge{}); err != nil {
		return nil, err
	}
	if cr.benign, err = Experiment(st.base, aligned, synthetic.TestPrompts(synthetic.Benign), synthetic.OverRefusal{}); err != nil {
		return nil, err
	}
	c := &Curve{Variant: name, Prompts: len(cr.harmful.Prompts), F1: mean(cr.harmful.F1), F2: mean(cr.harmful.F2),
		M2Refusal: refusals(cr.harmful.F2), Ablations: map[string]float64{}}
	if err := cr.exactness(c); err != nil {
		return nil, err
	}
	for i, f := range st.set.Fractions {
		p, err := cr.point(f, i, withControls)
		if err != nil {
			return nil, err
		}
		c.Points = append(c.Points, p)
	}
	top, err := cr.con.TopFraction(Claims.TopFraction)
	if err != nil {
		return nil, err
	}
	c.TopCounts = top.Counts()
	if withControls {
		return c, cr.ablations(c, top)
	}
	return c, nil
}

// exactness patches no neuron and every neuron.
func (cr *curveRun) exactness(c *Curve) error {
	cfg := cr.harmful.M1.Config()
	none, err := cr.harmful.Patch(make(safety.NeuronSet, cfg.NLayers), nil)
	if err != nil {
		return err
	}
	all, err := cr.harmful.Patch(safety.AllNeurons(cfg.NLayers, cfg.DMLP), nil)
	if err != nil {
		return err
	}
	c.CNone, c.CAll, c.CAllGraded, c.IdenticalAll = none.C, all.C, all.CGraded, all.Identical2
	return cr.st.report(all.C)
}

// point measures the top set of one fraction, its over-refusal and, with
// controls, its random controls.
func (cr *curveRun) point(f float64, i int, withControls bool) (Point, error) {
	top, err := cr.con.TopFraction(f)
	if err != nil {
		return Point{}, err
	}
	eff, err := cr.harmful.Patch(top, nil)
	if err != nil {
		return Point{}, err
	}
	ben, err := cr.benign.Patch(top, nil)
	if err != nil {
		return Point{}, err
	}
	p := Point{Fraction: f, K: top.Len(), C: eff.C, CLow: eff.CLow, CHigh: eff.CHigh, CGraded: eff.CGraded, OverRefusal: ben.FPatched}
	if err := cr.st.report(eff.C); err != nil || !withControls {
		return p, err
	}
	return p, cr.randomControls(&p, top, i)
}

// randomControls patches one random control per seed and records how many
// of its neurons are among the top 1% and its share of the change score.
func (cr *curveRun) randomControls(p *Point, top safety.NeuronSet, i int) error {
	cfg := cr.harmful.M1.Config()
	sets, err := controls(top, cfg.DMLP, cr.st.set.Seeds, i)
	if err != nil {
		return err
	}
	best, err := cr.con.TopFraction(Overlap)
	if err != nil {
		return err
	}
	topScore := scoreSum(cr.con, top)
	for _, r := range sets {
		e, err := cr.harmful.Patch(r, nil)
		if err != nil {
			return err
		}
		p.RandomC, p.RandomCGraded = append(p.RandomC, e.C), append(p.RandomCGraded, e.CGraded)
		p.RandomOverlap = append(p.RandomOverlap, overlap(r, best))
		p.RandomScoreShare = append(p.RandomScoreShare, scoreSum(cr.con, r)/topScore)
		if err := cr.st.report(e.C); err != nil {
			return err
		}
	}
	return nil
}

// ablations sets the top set to the aligned model's mean, to zero, or adds
// noise.
func (cr *curveRun) ablations(c *Curve, top safety.NeuronSet) error {
	for _, ab := range []safety.Ablation{safety.Mean, safety.Zero, safety.Noise} {
		e, err := cr.harmful.Patch(top, &safety.PatchSettings{Ablation: ab, Values: cr.con, Seed: 1})
		if err != nil {
			return err
		}
		c.Ablations[ab.String()] = e.C
		if err := cr.st.report(e.C); err != nil {
			return err
		}
	}
	return nil
}

func overlap(a, b safety.NeuronSet) int {
	n := 0
	for _, x := range a.Neurons() {
		if b.Contains(x) {
			n++
		}
	}
	return n
}

func scoreSum(c *safety.Contrast, s safety.NeuronSet) float64 {
	t := 0.0
	for _, n := range s.Neurons() {
		t += c.Scores[n.Layer][n.Index]
	}
	return t
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// refusals is the fraction of judge scores below zero (refusals of harmful
// requests).
func refusals(f []float64) float64 {
	n := 0
	for _, v := range f {
		if v < 0 {
			n++
		}
	}
	return float64(n) / float64(len(f))
}
