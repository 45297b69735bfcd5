package study

import (
	"fmt"

	"github.com/neuronb/neuronb/neuro/classifier"
	"github.com/neuronb/neuronb/neuro/safety"
	"github.com/neuronb/neuronb/neuro/safety/synthetic"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// GuardData are the safeguard's prompts and labels for a guarded model:
// harmful and benign requests for train objects (fit) and test objects
// (evaluation), all templates and greetings, each labelled by whether the
// guarded model's own greedy answer is harmful (synthetic.Judge).
type GuardData struct {
	Guarded       *transformer.Model
	Train, Test   [][]int
	YTrain, YTest []bool
	// HarmfulTest says which test requests are harmful.
	HarmfulTest []bool
}

// NewGuardData generates the guarded model's answers and labels them.
func NewGuardData(guarded *transformer.Model) (*GuardData, error) {
	d := &GuardData{Guarded: guarded}
	var err error
	if d.Train, d.YTrain, _, err = labelled(guarded, synthetic.Train); err != nil {
		return nil, err
	}
	if d.Test, d.YTest, d.HarmfulTest, err = labelled(guarded, synthetic.Test); err != nil {
		return nil, err
	}
	return d, nil
}

func labelled(m *transformer.Model, split synthetic.Split) ([][]int, []bool, []bool, error) {
	ps := synthetic.Prompts(synthetic.Filter{Kinds: []synthetic.Kind{synthetic.Harmful, synthetic.Benign}, Splits: []synthetic.Split{split}})
	answers, err := safety.Complete(m, synthetic.TokensOf(ps), 16)
	if err != nil {
		return nil, nil, nil, err
	}
	y, harmful := make([]bool, len(ps)), make([]bool, len(ps))
	for i, a := range answers {
		f, err := synthetic.Judge{}.Score(a.Prompt, a.Completion)
		if err != nil {
			return nil, nil, nil, err
		}
		y[i], harmful[i] = f > 0, ps[i].Harmful()
	}
	return synthetic.TokensOf(ps), y, harmful, nil
}

// Accuracy fits scikit-learn's default logistic regression on the train
// features of set (the guarded model's neurons at the last prompt token)
// and returns its test accuracy.
func (d *GuardData) Accuracy(set safety.NeuronSet) (float64, error) {
	Xtr, err := safety.Features(d.Guarded, d.Train, set)
	if err != nil {
		return 0, err
	}
	Xte, err := safety.Features(d.Guarded, d.Test, set)
	if err != nil {
		return 0, err
	}
	fit, err := classifier.FitLogistic(Xtr, d.YTrain, nil)
	if err != nil {
		return 0, err
	}
	return fit.Accuracy(Xte, d.YTest)
}

// guardControlIndex is the generator index of the safeguard's random
// controls (PCG(seed, index)), apart from the Table-1 controls' fraction
// indices.
const guardControlIndex = 1000

// guard runs the safeguard experiment on the jailbreakable model at
// Claims.TopFraction of the neurons.
func (st *state) guard() (*Guard, error) {
	guarded, err := synthetic.Load(synthetic.Jailbreak)
	if err != nil {
		return nil, err
	}
	con, err := Contrast(st.base, guarded, st.set.ContrastPrompts, safety.Predicting)
	if err != nil {
		return nil, err
	}
	top, err := con.TopFraction(Claims.TopFraction)
	if err != nil {
		return nil, err
	}
	d, err := NewGuardData(guarded)
	if err != nil {
		return nil, err
	}
	g := &Guard{K: top.Len(), Counts: top.Counts(), TrainN: len(d.Train), TestN: len(d.Test)}
	if g.Accuracy, err = d.Accuracy(top); err != nil {
		return nil, fmt.Errorf("study: safeguard: %w", err)
	}
	sets, err := controls(top, guarded.Config().DMLP, st.set.Seeds, guardControlIndex)
	if err != nil {
		return nil, err
	}
	for _, r := range sets {
		acc, err := d.Accuracy(r)
		if err != nil {
			return nil, fmt.Errorf("study: safeguard, random control: %w", err)
		}
		g.Random = append(g.Random, acc)
	}
	if g.Majority, err = classifier.MajorityAccuracy(d.YTrain, d.YTest); err != nil {
		return nil, err
	}
	agree, pos := 0, 0
	for i, y := range d.YTest {
		if y == d.HarmfulTest[i] {
			agree++
		}
		if y {
			pos++
		}
	}
	g.Harmfulness, g.TestPositive = float64(agree)/float64(len(d.YTest)), float64(pos)/float64(len(d.YTest))
	return g, nil
}
