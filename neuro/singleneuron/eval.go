package singleneuron

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/neuronb/neuronb/neuro/classifier"
	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/run"
)

// Protocol is how environments are held out.
type Protocol int

const (
	// LeaveOneAnimalOut: each fold trains on every animal but one (all
	// stimuli) and tests on the held-out animal's neurons; the batch is
	// the animal.
	LeaveOneAnimalOut Protocol = iota
	// LeaveOneStimulusOut: each fold trains on every stimulus type but one
	// (all animals) and tests on the neurons' segments under the held-out
	// stimulus; the batch is the stimulus.
	LeaveOneStimulusOut
)

// String returns "leave-one-animal-out" or "leave-one-stimulus-out".
func (p Protocol) String() string {
	if p == LeaveOneStimulusOut {
		return "leave-one-stimulus-out"
	}
	return "leave-one-animal-out"
}

// Representation is what the probes read.
type Representation int

const (
	// Learned: the embeddings of a model trained in each fold
	// (EvalSettings.Train).
	Learned Representation = iota
	// RawFeatures: each neuron's mean segment feature vector (no model).
	RawFeatures
	// Given: EvalSettings.Given[n], a vector per neuron (such as its true
	// Izhikevich parameters, Campaign.TrueParameters), the same in every
	// environment.
	Given
)

// EvalSettings configures Evaluate. A nil *EvalSettings means every
// default.
type EvalSettings struct {
	Protocol       Protocol
	Representation Representation
	// Train configures the model of each fold; its Seed is replaced by
	// the fold's (derived from Seed).
	Train TrainSettings
	// Given holds one vector per neuron for Representation Given.
	Given [][]float64
	// ShuffleLabels permutes the types of the probe's training neurons (a
	// control: the type probe should then score at chance).
	ShuffleLabels bool
	// ProbeC is the logistic probes' inverse regularisation (default 1).
	ProbeC float64
	// Folds lists the held-out animals (or stimuli); nil means all.
	Folds []int
	// Seed seeds each fold's model and its probe split.
	Seed uint64
	// Workers runs folds in parallel (0: all cores).
	Workers int
	// Progress sees each finished fold (metric FoldMetric: its
	// out-of-domain macro-F1).
	Progress run.Progress
}

// FoldMetric names the value Evaluate reports after each fold.
const FoldMetric = "out-of-domain macro-F1"

// Scores are a type probe's scores on a set of neurons.
type Scores struct {
	MacroF1          float64 `json:"macro_f1"`
	BalancedAccuracy float64 `json:"balanced_accuracy"`
}

// FoldResult is one fold of a protocol.
type FoldResult struct {
	// Held is the held-out animal (or stimulus).
	Held int `json:"held"`
	// In scores the type probe on held-out neurons of the training
	// domains, Out on the held-out domain.
	In  Scores `json:"in"`
	Out Scores `json:"out"`
	// Batch is the balanced accuracy of a probe predicting the batch
	// (animal or stimulus) from the embedding, on held-out neurons of the
	// training domains; BatchTypeOnly the same probe fed only the true type
	// (one-hot), which is above chance when type proportions differ
	// across batches; BatchChance is 1/(number of batches).
	Batch         float64 `json:"batch"`
	BatchTypeOnly float64 `json:"batch_type_only"`
	BatchChance   float64 `json:"batch_chance"`
	// Loss and Adversary are the model's final loss and its
	// discriminator's cross-entropy (means of the last 50 steps; 0 when
	// not trained).
	Loss      float64 `json:"loss"`
	Adversary float64 `json:"adversary"`
}

// EvalResult is the outcome of Evaluate.
type EvalResult struct {
	Folds []FoldResult `json:"folds"`
	// Mean averages every field over the folds (Held is −1).
	Mean FoldResult `json:"mean"`
	run.Stats
}

func (s *EvalSettings) resolved(d *Dataset) (EvalSettings, error) {
	var o EvalSettings
	if s != nil {
		o = *s
	}
	if o.ProbeC < 0 || math.IsNaN(o.ProbeC) {
		return o, fmt.Errorf("singleneuron: EvalSettings.ProbeC = %v, want ≥ 0 (0 means 1)", o.ProbeC)
	}
	if o.ProbeC == 0 {
		o.ProbeC = 1
	}
	domains := d.Animals
	if o.Protocol == LeaveOneStimulusOut {
		domains = d.Stimuli
	} else if o.Protocol != LeaveOneAnimalOut {
		return o, fmt.Errorf("singleneuron: EvalSettings.Protocol = %d", o.Protocol)
	}
	if domains < 3 {
		return o, fmt.Errorf("singleneuron: %v needs at least 3 animals (or stimuli): one to hold out and two to probe the batch among, the dataset has %d", o.Protocol, domains)
	}
	if o.Folds == nil {
		for i := 0; i < domains; i++ {
			o.Folds = append(o.Folds, i)
		}
	}
	for i, f := range o.Folds {
		if f < 0 || f >= domains {
			return o, fmt.Errorf("singleneuron: EvalSettings.Folds[%d] = %d, want in [0, %d)", i, f, domains)
		}
	}
	if o.Representation == Given && len(o.Given) != len(d.Type) {
		return o, fmt.Errorf("singleneuron: EvalSettings.Given has %d vectors for %d neurons", len(o.Given), len(d.Type))
	}
	if o.Representation == Learned {
		if _, err := o.Train.resolved(); err != nil {
			return o, err
		}
	}
	for n, t := range d.Type {
		if t < 0 {
			return o, fmt.Errorf("singleneuron: Evaluate: neuron %d has no type label", n)
		}
	}
	return o, nil
}

// Evaluate runs a protocol on d: for each held-out animal (or stimulus) it
// trains a representation on the other environments, reads per-neuron
// embeddings, standardises them with the probe-training neurons' mean and
// SD, and fits logistic-regression probes (one-vs-rest) for the type and
// for the batch on half of the training domains' neurons (split per
// animal and type). The type probe is scored on the other half (in-domain)
// and on the held-out domain (out-of-domain).
func Evaluate(d *Dataset, s *EvalSettings) (*EvalResult, error) {
	start := time.Now()
	if err := d.Validate(); err != nil {
		return nil, err
	}
	set, err := s.resolved(d)
	if err != nil {
		return nil, err
	}
	res := &EvalResult{Folds: make([]FoldResult, len(set.Folds))}
	err = parallel.ForErr(len(set.Folds), set.Workers, func(_, i int) error {
		f, err := evalFold(d, set, set.Folds[i], set.Seed*1000003+uint64(i))
		if err != nil {
			return fmt.Errorf("singleneuron: Evaluate: fold %d (held-out %d): %w", i, set.Folds[i], err)
		}
		res.Folds[i] = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, f := range res.Folds {
		if stop, err := set.Progress.Report(run.Step{Iteration: i + 1, MaxIterations: len(res.Folds), Metric: FoldMetric, Value: f.Out.MacroF1}); stop {
			if err != nil {
				return nil, err
			}
			break
		}
	}
	res.Mean = meanFold(res.Folds)
	res.Status, res.Iterations, res.Objective, res.Runtime = run.Finished, len(res.Folds), res.Mean.Out.MacroF1, time.Since(start)
	return res, nil
}

func meanFold(fs []FoldResult) FoldResult {
	m := FoldResult{Held: -1}
	n := float64(len(fs))
	for _, f := range fs {
		m.In.MacroF1 += f.In.MacroF1 / n
		m.In.BalancedAccuracy += f.In.BalancedAccuracy / n
		m.Out.MacroF1 += f.Out.MacroF1 / n
		m.Out.BalancedAccuracy += f.Out.BalancedAccuracy / n
		m.Batch += f.Batch / n
		m.BatchTypeOnly += f.BatchTypeOnly / n
		m.BatchChance += f.BatchChance / n
		m.Loss += f.Loss / n
		m.Adversary += f.Adversary / n
	}
	return m
}

// fold holds one fold's split.
type fold struct {
	trainRows, heldRows []int
	batch               []int // batch label of each train row, 0 … B−1
	batchOf             func(row int) int
	batches             int
}

func split(d *Dataset, p Protocol, held int) fold {
	var f fold
	domain := func(r int) int { return d.Animal[r] }
	if p == LeaveOneStimulusOut {
		domain = func(r int) int { return d.Stimulus[r] }
	}
	// Batch labels: the training domains renumbered 0 … B−1.
	f.batchOf = func(r int) int {
		if b := domain(r); b < held {
			return b
		} else {
			return b - 1
		}
	}
	for r := range d.X {
		if domain(r) == held {
			f.heldRows = append(f.heldRows, r)
		} else {
			f.trainRows = append(f.trainRows, r)
			f.batch = append(f.batch, f.batchOf(r))
		}
	}
	f.batches = d.Animals - 1
	if p == LeaveOneStimulusOut {
		f.batches = d.Stimuli - 1
	}
	return f
}

// probeSplit splits neurons into probe-training and probe-test halves
// within each (animal, type) group.
func probeSplit(rng *rand.Rand, d *Dataset, neurons []int) (trainSet map[int]bool) {
	groups := map[[2]int][]int{}
	var keys [][2]int
	for _, n := range neurons {
		k := [2]int{d.NeuronAnimal[n], d.Type[n]}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], n)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i][0] < keys[j][0] || (keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1])
	})
	trainSet = map[int]bool{}
	for _, k := range keys {
		g := groups[k]
		rng.Shuffle(len(g), func(i, j int) { g[i], g[j] = g[j], g[i] })
		for i, n := range g {
			if i%2 == 0 {
				trainSet[n] = true
			}
		}
	}
	return trainSet
}

// embedder returns per-neuron embeddings of the given rows.
type embedder func(rows []int) ([]int, [][]float64, error)

func evalFold(d *Dataset, set EvalSettings, held int, seed uint64) (FoldResult, error) {
	res := FoldResult{Held: held}
	f := split(d, set.Protocol, held)
	if len(f.trainRows) == 0 || len(f.heldRows) == 0 {
		return res, fmt.Errorf("no rows in the training or held-out domain")
	}
	embed, err := foldEmbedder(d, set, f, seed, &res)
	if err != nil {
		return res, err
	}
	rng := rand.New(rand.NewPCG(seed, 3))
	trainNeurons, Ztrain, err := embed(f.trainRows)
	if err != nil {
		return res, err
	}
	inProbe := probeSplit(rng, d, trainNeurons)
	var Xtr, Xin [][]float64
	var ytr, yin []int
	for i, n := range trainNeurons {
		if inProbe[n] {
			Xtr, ytr = append(Xtr, Ztrain[i]), append(ytr, d.Type[n])
		} else {
			Xin, yin = append(Xin, Ztrain[i]), append(yin, d.Type[n])
		}
	}
	// The out-of-domain neurons: a held-out animal's, or (held-out
	// stimulus) the probe-test neurons' segments under the new stimulus.
	heldNeurons, Zheld, err := embed(f.heldRows)
	if err != nil {
		return res, err
	}
	var Xout [][]float64
	var yout []int
	for i, n := range heldNeurons {
		if set.Protocol == LeaveOneAnimalOut || !inProbe[n] {
			Xout, yout = append(Xout, Zheld[i]), append(yout, d.Type[n])
		}
	}
	if set.ShuffleLabels {
		rng.Shuffle(len(ytr), func(i, j int) { ytr[i], ytr[j] = ytr[j], ytr[i] })
	}
	mean, sd := standardiseCols(Xtr)
	for _, X := range [][][]float64{Xtr, Xin, Xout} {
		applyStandard(X, mean, sd)
	}
	probe, err := classifier.FitOneVsRest(Xtr, ytr, len(d.Classes), &classifier.LogisticSettings{C: set.ProbeC})
	if err != nil {
		return res, fmt.Errorf("type probe: %w", err)
	}
	if res.In, err = score(probe, Xin, yin, len(d.Classes)); err != nil {
		return res, err
	}
	if res.Out, err = score(probe, Xout, yout, len(d.Classes)); err != nil {
		return res, err
	}
	// The training rows' embeddings are already known (an implicit
	// model's are costly to fit again).
	known := func(rows []int) ([]int, [][]float64, error) {
		if len(rows) == len(f.trainRows) && &rows[0] == &f.trainRows[0] {
			return trainNeurons, Ztrain, nil
		}
		return embed(rows)
	}
	res.Batch, res.BatchTypeOnly, err = batchProbe(d, set, f, known, inProbe, mean, sd)
	res.BatchChance = 1 / float64(f.batches)
	return res, err
}

// foldEmbedder trains the fold's model (Learned) or returns the fixed
// representation.
func foldEmbedder(d *Dataset, set EvalSettings, f fold, seed uint64, res *FoldResult) (embedder, error) {
	switch set.Representation {
	case RawFeatures:
		return func(rows []int) ([]int, [][]float64, error) { return meanRows(d, rows, d.X) }, nil
	case Given:
		return func(rows []int) ([]int, [][]float64, error) {
			neurons, _, err := meanRows(d, rows, d.X)
			Z := make([][]float64, len(neurons))
			for i, n := range neurons {
				Z[i] = set.Given[n]
			}
			return neurons, Z, err
		}, nil
	}
	ts := set.Train
	ts.Seed = seed
	var batch []int
	if ts.Adversarial {
		batch = f.batch
	}
	m, tr, err := Train(d, f.trainRows, batch, &ts)
	if err != nil {
		return nil, err
	}
	res.Loss = tailMean(tr.Loss, 50)
	res.Adversary = tailMean(tr.Adversary, 50)
	return func(rows []int) ([]int, [][]float64, error) { return m.EmbedNeurons(d, rows) }, nil
}

func tailMean(xs []float64, n int) float64 {
	k := min(n, len(xs))
	if k == 0 {
		return 0
	}
	var s float64
	for _, v := range xs[len(xs)-k:] {
		s += v
	}
	return s / float64(k)
}

// meanRows averages vectors per neuron over rows.
func meanRows(d *Dataset, rows []int, X [][]float64) ([]int, [][]float64, error) {
	idx := map[int]int{}
	var neurons []int
	for _, r := range rows {
		if _, ok := idx[d.Neuron[r]]; !ok {
			idx[d.Neuron[r]] = len(neurons)
			neurons = append(neurons, d.Neuron[r])
		}
	}
	order := append([]int(nil), neurons...)
	sort.Ints(order)
	pos := map[int]int{}
	for i, n := range order {
		pos[n] = i
	}
	Z := make([][]float64, len(order))
	count := make([]float64, len(order))
	for _, r := range rows {
		k := pos[d.Neuron[r]]
		if Z[k] == nil {
			Z[k] = make([]float64, len(X[r]))
		}
		count[k]++
		for j, v := range X[r] {
			Z[k][j] += v
		}
	}
	for k := range Z {
		for j := range Z[k] {
			Z[k][j] /= count[k]
		}
	}
	return order, Z, nil
}

// batchProbe fits a probe of the batch on the probe-training neurons'
// embeddings (per training domain for held-out stimuli, where every neuron
// is in every batch) and scores it on the probe-test neurons; it does the
// same with the one-hot true type as input.
func batchProbe(d *Dataset, set EvalSettings, f fold, embed embedder, inProbe map[int]bool, mean, sd []float64) (acc, typeOnly float64, err error) {
	var Xtr, Xte, Ttr, Tte [][]float64
	var ytr, yte []int
	add := func(n int, z []float64, b int) {
		onehot := make([]float64, len(d.Classes))
		onehot[d.Type[n]] = 1
		if inProbe[n] {
			Xtr, Ttr, ytr = append(Xtr, z), append(Ttr, onehot), append(ytr, b)
		} else {
			Xte, Tte, yte = append(Xte, z), append(Tte, onehot), append(yte, b)
		}
	}
	if set.Protocol == LeaveOneAnimalOut {
		neurons, Z, err := embed(f.trainRows)
		if err != nil {
			return 0, 0, err
		}
		for i, n := range neurons {
			add(n, Z[i], f.batchOf(rowOf(d, n, f.trainRows)))
		}
	} else {
		for b := 0; b < f.batches; b++ {
			var rows []int
			for i, r := range f.trainRows {
				if f.batch[i] == b {
					rows = append(rows, r)
				}
			}
			neurons, Z, err := embed(rows)
			if err != nil {
				return 0, 0, err
			}
			for i, n := range neurons {
				add(n, Z[i], b)
			}
		}
	}
	applyStandard(Xtr, mean, sd)
	applyStandard(Xte, mean, sd)
	for _, c := range []struct {
		tr, te [][]float64
		out    *float64
	}{{Xtr, Xte, &acc}, {Ttr, Tte, &typeOnly}} {
		p, err := classifier.FitOneVsRest(c.tr, ytr, f.batches, &classifier.LogisticSettings{C: set.ProbeC})
		if err != nil {
			return 0, 0, fmt.Errorf("batch probe: %w", err)
		}
		pred, err := p.PredictAll(c.te)
		if err != nil {
			return 0, 0, err
		}
		if *c.out, err = classifier.BalancedAccuracy(yte, pred, f.batches); err != nil {
			return 0, 0, err
		}
	}
	return acc, typeOnly, nil
}

// rowOf returns the first of rows that belongs to neuron n.
func rowOf(d *Dataset, n int, rows []int) int {
	for _, r := range rows {
		if d.Neuron[r] == n {
			return r
		}
	}
	return -1
}

func score(p *classifier.OneVsRest, X [][]float64, y []int, classes int) (Scores, error) {
	if len(X) == 0 {
		return Scores{}, fmt.Errorf("no neurons to score")
	}
	pred, err := p.PredictAll(X)
	if err != nil {
		return Scores{}, err
	}
	var s Scores
	if s.MacroF1, err = classifier.MacroF1(y, pred, classes); err != nil {
		return s, err
	}
	s.BalancedAccuracy, err = classifier.BalancedAccuracy(y, pred, classes)
	return s, err
}

// standardiseCols returns the column means and SDs of X (an SD of 0 becomes 1).
func standardiseCols(X [][]float64) (mean, sd []float64) {
	w := len(X[0])
	mean, sd = make([]float64, w), make([]float64, w)
	for _, x := range X {
		for j, v := range x {
			mean[j] += v / float64(len(X))
		}
	}
	for _, x := range X {
		for j, v := range x {
			sd[j] += (v - mean[j]) * (v - mean[j]) / float64(len(X))
		}
	}
	for j := range sd {
		if sd[j] = math.Sqrt(sd[j]); sd[j] < 1e-12 {
			sd[j] = 1
		}
	}
	return mean, sd
}

// applyStandard replaces each row of X by its standardised copy.
func applyStandard(X [][]float64, mean, sd []float64) {
	for i, x := range X {
		y := make([]float64, len(x))
		for j, v := range x {
			y[j] = (v - mean[j]) / sd[j]
		}
		X[i] = y
	}
}
