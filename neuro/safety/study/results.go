package study

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/neuronb/neuronb/neuro/replicates"
)

// Point is one patched-set size of a Table-1 row: the top neurons' causal
// effects and those of the random controls, one per seed.
type Point struct {
	Fraction float64 `json:"fraction"`
	K        int     `json:"k"`
	// C is the causal effect on the judge's verdicts with its 95%
	// bootstrap interval over prompts; CGraded the causal effect on the
	// graded cost (log p("sure") − log p("sorry") at the first answer
	// position).
	C       float64 `json:"c_top"`
	CLow    float64 `json:"c_top_low"`
	CHigh   float64 `json:"c_top_high"`
	CGraded float64 `json:"c_top_graded"`
	// OverRefusal is the fraction of benign test requests the base refuses
	// with the top neurons patched (NaN when not measured).
	OverRefusal float64 `json:"over_refusal_top"`
	// RandomC and RandomCGraded hold one value per random-control seed.
	RandomC       []float64 `json:"c_random"`
	RandomCGraded []float64 `json:"c_random_graded"`
	// RandomOverlap counts, per control, its neurons among the Overlap
	// (1%) neurons with the largest change scores; RandomScoreShare is
	// the control's summed change score over the top set's.
	RandomOverlap    []int     `json:"random_overlap_top1pct"`
	RandomScoreShare []float64 `json:"random_score_share"`
}

// Random summarises the random controls' causal effects over seeds
// (graded: on the graded cost).
func (p Point) Random(graded bool) (replicates.Summary, error) {
	if graded {
		return replicates.Summarize(p.RandomCGraded)
	}
	return replicates.Summarize(p.RandomC)
}

// TopVsRandom is the one-sided t test that the random controls' causal
// effect is below the top set's (graded: on the graded cost).
func (p Point) TopVsRandom(graded bool) (replicates.TTest, error) {
	if graded {
		return replicates.OneSampleT(p.RandomCGraded, p.CGraded, replicates.Less)
	}
	return replicates.OneSampleT(p.RandomC, p.C, replicates.Less)
}

// Curve is one aligned model's Table-1 row.
type Curve struct {
	Variant string  `json:"variant"`
	LR      float64 `json:"lr,omitempty"` // (IA)³ learning rate
	Prompts int     `json:"prompts"`
	// F1 and F2 are the mean judge scores of the base and the aligned
	// model; M2Refusal the aligned model's refusal rate on the harmful
	// test prompts.
	F1        float64 `json:"f_m1"`
	F2        float64 `json:"f_m2"`
	M2Refusal float64 `json:"m2_refusal_rate"`
	// CNone and CAll (CAllGraded) patch no neuron and every neuron;
	// IdenticalAll counts the prompts on which patching every neuron gives
	// the aligned model's own tokens.
	CNone        float64 `json:"c_no_neuron"`
	CAll         float64 `json:"c_all_neurons"`
	CAllGraded   float64 `json:"c_all_neurons_graded"`
	IdenticalAll int     `json:"identical_to_m2_all_neurons"`
	// TopCounts are the per-layer counts of the top TopFraction.
	TopCounts []int   `json:"top_counts"`
	Points    []Point `json:"points"`
	// Ablations are C for the top TopFraction set to the aligned model's
	// mean, to zero, or with noise added.
	Ablations map[string]float64 `json:"ablations_top"`
}

// At returns the point of a fraction.
func (c *Curve) At(f float64) (Point, error) {
	for _, p := range c.Points {
		if p.Fraction == f {
			return p, nil
		}
	}
	return Point{}, fmt.Errorf("study: %s has no point at fraction %v", c.Variant, f)
}

// Guard is the safeguard experiment on the jailbreakable model.
type Guard struct {
	K      int   `json:"k"`
	Counts []int `json:"counts"`
	// Accuracy is the logistic regression's test accuracy on the safety
	// neurons' features; Random one accuracy per random-control seed;
	// Majority the majority-class baseline.
	Accuracy float64   `json:"accuracy"`
	Random   []float64 `json:"random"`
	Majority float64   `json:"majority"`
	// Harmfulness is the accuracy of predicting "the answer is harmful"
	// by "the request is harmful": how far behaviour and request differ.
	Harmfulness  float64 `json:"harmfulness_baseline"`
	TrainN       int     `json:"train_n"`
	TestN        int     `json:"test_n"`
	TestPositive float64 `json:"test_positive_rate"`
}

// Results is what a run of the study writes.
type Results struct {
	Settings Settings `json:"settings"`
	Revision string   `json:"revision"`
	Seconds  float64  `json:"seconds"`
	// SelectedLR is the (IA)³ learning rate of the IA3 model.
	SelectedLR float64           `json:"selected_lr"`
	Variants   map[string]*Curve `json:"variants"`
	// Sweep holds the top neurons' curve of every swept (IA)³ learning
	// rate, by its value printed with %g.
	Sweep map[string]*Curve `json:"ia3_lr_sweep"`
	Guard *Guard            `json:"safeguard"`
}

// Save writes r as indented JSON.
func (r *Results) Save(path string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("study: %w", err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("study: %w", err)
	}
	return nil
}

// Load reads results written by Save.
func Load(path string) (*Results, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("study: %w", err)
	}
	var r Results
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("study: %s: %w", path, err)
	}
	return &r, nil
}
