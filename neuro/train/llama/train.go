package llama

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/train"
	"github.com/neuronb/neuronb/neuro/train/autodiff"
	"github.com/neuronb/neuronb/neuro/transformer"
)

// Mode says which parameters training updates.
type Mode int

const (
	// Full fine-tuning (or pre-training) updates every weight.
	Full Mode = iota
	// IA3 freezes every weight and trains only one (IA)³ vector per layer,
	// initialised to ones, that multiplies the MLP neurons.
	IA3
)

func (m Mode) String() string {
	if m == IA3 {
		return "ia3"
	}
	return "full"
}

// Sampler draws one training sequence and, per token, whether predicting it
// counts in the loss (mask[0] is ignored).
type Sampler func(rng *rand.Rand) (tokens []int, mask []bool)

// Settings configures Train. A nil *Settings means the defaults.
type Settings struct {
	// MaxIterations is the number of Adam steps (default 600).
	MaxIterations int
	// BatchSize is the number of sequences per step (default 32).
	BatchSize int
	// SeqLen pads or cuts sequences to this length (default the model's
	// context length).
	SeqLen int
	// LearningRate of Adam (default 3e-3), constant.
	LearningRate float64
	// WeightDecay, when positive, makes the optimizer AdamW with this
	// decoupled decay on every trained weight (default 0).
	WeightDecay float64
	// Seed of the data sampler.
	Seed uint64
	// Progress is called after every step with the batch's loss
	// (train.Metric); run.ErrStop ends training early.
	Progress run.Progress
	// SnapshotAt lists iterations (1-based, at most MaxIterations) after
	// which Snapshot receives a copy of the weights reached, as
	// Result.Weights would hold them had training stopped there (Full
	// mode; in IA3 mode those are the frozen weights): one run yields the
	// models of several budgets (nil: no snapshots).
	SnapshotAt []int
	// Snapshot receives the snapshots of SnapshotAt; an error ends
	// training with that error.
	Snapshot func(iteration int, w Weights) error
}

func (s *Settings) resolved(cfg *transformer.Config) (Settings, error) {
	var out Settings
	if s != nil {
		out = *s
	}
	if out.MaxIterations < 0 || out.BatchSize < 0 || out.SeqLen < 0 || out.LearningRate < 0 || out.WeightDecay < 0 {
		return out, fmt.Errorf("llama: Settings %+v: negative values are not allowed", out)
	}
	out.MaxIterations = run.Iterations(out.MaxIterations, 600)
	out.BatchSize = run.Iterations(out.BatchSize, 32)
	out.SeqLen = run.Iterations(out.SeqLen, cfg.MaxPositions)
	for _, it := range out.SnapshotAt {
		if it < 1 || it > out.MaxIterations {
			return out, fmt.Errorf("llama: Settings.SnapshotAt holds %d, outside [1, MaxIterations = %d]", it, out.MaxIterations)
		}
	}
	if len(out.SnapshotAt) > 0 && out.Snapshot == nil {
		return out, errors.New("llama: Settings.SnapshotAt is set but Snapshot is nil")
	}
	if out.LearningRate == 0 {
		out.LearningRate = 3e-3
	}
	if out.SeqLen > cfg.MaxPositions {
		return out, fmt.Errorf("llama: SeqLen %d exceeds the context length %d", out.SeqLen, cfg.MaxPositions)
	}
	return out, nil
}

// Result is the outcome of Train.
type Result struct {
	// Result holds the Stats (Objective: the last batch's loss, in nats
	// per predicted token) and the loss of every step.
	train.Result
	// Weights are the trained weights under their Hugging Face names (for
	// IA3 training, the frozen ones, unchanged).
	Weights Weights
	// IA3 holds the trained (IA)³ vectors, one per layer (IA3 mode only).
	IA3 [][]float32
}

// Train fits the model of cfg, starting from the weights init (Hugging Face
// names, as transformer.Model.Parameter returns them), to next-token
// prediction on sequences from sample: Adam on the mean cross-entropy of
// the masked positions, with every weight trained (Full) or only the (IA)³
// vectors (IA3). Gradients come from GoMLX's pure-Go backend
// (neuro/train/autodiff), the optimizer is train.Adam. When the loop stops
// early (Progress) Train returns the weights reached; when it fails it
// returns the error.
func Train(cfg *transformer.Config, init Weights, sample Sampler, mode Mode, s *Settings) (*Result, error) {
	if err := CheckWeights(cfg, init); err != nil {
		return nil, err
	}
	if sample == nil {
		return nil, errors.New("llama: Train: nil sampler")
	}
	set, err := s.resolved(cfg)
	if err != nil {
		return nil, err
	}
	backend, err := autodiff.Backend()
	if err != nil {
		return nil, err
	}
	defer backend.Finalize()
	tr, err := newTrainer(backend, cfg, init, sample, mode, set)
	if err != nil {
		return nil, err
	}
	defer tr.grad.Finalize()
	loop, err := train.Loop(tr.step, &train.Settings{MaxIterations: set.MaxIterations, Seed: set.Seed, Progress: set.Progress})
	if err != nil {
		return nil, fmt.Errorf("llama: Train: %w", err)
	}
	return tr.result(loop), nil
}

// adamEps is Adam's ε, GoMLX's default (the optimizer that trained the
// first checkpoints of neuro/safety/synthetic), where torch's is 1e-8.
const adamEps = 1e-7

// trainer holds one training run's parameters, gradient and optimizer.
type trainer struct {
	cfg    *transformer.Config
	set    Settings
	sample Sampler
	init   Weights
	mode   Mode
	// params are the trained parameters; in IA3 mode the weights are
	// frozen inputs (frozen, in frozenNames order).
	params      []*train.Param[float32]
	frozenNames []string
	frozen      []*tensors.Tensor
	grad        *autodiff.Gradient[float32]
	opt         *train.Adam[float32]
}

func newTrainer(backend backends.Backend, cfg *transformer.Config, init Weights, sample Sampler, mode Mode, set Settings) (*trainer, error) {
	t := &trainer{cfg: cfg, set: set, sample: sample, init: init, mode: mode}
	if mode == IA3 {
		t.params = ones(cfg)
		t.frozenNames = sortedKeys(init)
		for _, name := range t.frozenNames {
			w := init[name]
			t.frozen = append(t.frozen, tensors.FromFlatDataAndDimensions(slices.Clone(w.Data), w.Shape...))
		}
	} else {
		t.params = toParams(init)
	}
	var err error
	if t.grad, err = autodiff.NewGradient(backend, t.params, t.loss); err != nil {
		return nil, fmt.Errorf("llama: %w", err)
	}
	t.opt, err = train.NewAdam([]train.Group[float32]{{Params: t.params, WeightDecay: set.WeightDecay}},
		&train.AdamSettings{LR: set.LearningRate, Eps: adamEps, Decoupled: true})
	if err != nil {
		t.grad.Finalize()
		return nil, fmt.Errorf("llama: %w", err)
	}
	return t, nil
}

// loss builds the masked cross-entropy of a batch: inputs are the frozen
// weights (IA3 mode), then tokens, targets and loss weights.
func (t *trainer) loss(params, inputs []*graph.Node) *graph.Node {
	w := make(map[string]*graph.Node, len(params)+len(t.frozenNames))
	for i, p := range t.params {
		w[p.Name] = params[i]
	}
	for i, name := range t.frozenNames {
		w[name] = inputs[i]
	}
	nf := len(t.frozenNames)
	return maskedCrossEntropy(Forward(t.cfg, w, inputs[nf]), inputs[nf+1], inputs[nf+2])
}

// step draws a batch, computes the gradient and takes an Adam step, then
// hands a snapshot over when the step is one of Settings.SnapshotAt.
func (t *trainer) step(it int, rng *rand.Rand) (float64, error) {
	loss, err := t.adamStep(rng)
	if err != nil || !slices.Contains(t.set.SnapshotAt, it) {
		return loss, err
	}
	return loss, t.set.Snapshot(it, t.result(&train.Result{}).Weights)
}

// adamStep draws a batch, computes the gradient and takes an Adam step.
func (t *trainer) adamStep(rng *rand.Rand) (float64, error) {
	tok, tgt, wt, err := batch(rng, t.sample, t.set.BatchSize, t.set.SeqLen, t.cfg.VocabSize)
	if err != nil {
		return 0, err
	}
	loss, err := t.grad.Eval(append(slices.Clone(t.frozen), tok, tgt, wt)...)
	if err != nil {
		return 0, err
	}
	return loss, t.opt.Step()
}

// result packages the trained parameters.
func (t *trainer) result(loop *train.Result) *Result {
	res := &Result{Result: *loop}
	if t.mode == IA3 {
		res.Weights = Weights{}
		for name, w := range t.init {
			res.Weights[name] = w.Clone()
		}
		for _, p := range t.params {
			res.IA3 = append(res.IA3, slices.Clone(p.Value))
		}
		return res
	}
	res.Weights = fromParams(t.params, t.init)
	return res
}

// maskedCrossEntropy is −Σ w·log softmax(logits)[target] / max(1, Σ w),
// the mean cross-entropy of the predicted tokens (targets [B, T] int32,
// weights [B, T] float32).
func maskedCrossEntropy(logits, targets, weights *graph.Node) *graph.Node {
	logp := graph.LogSoftmax(logits, -1)
	onehot := graph.OneHot(targets, logits.Shape().Dimensions[2], dtypes.Float32)
	lp := graph.ReduceSum(graph.Mul(logp, onehot), -1)
	n := graph.Max(graph.ReduceAllSum(weights), graph.ScalarOne(weights.Graph(), dtypes.Float32))
	return graph.Neg(graph.Div(graph.ReduceAllSum(graph.Mul(lp, weights)), n))
}

// batch draws n sequences, padded with id 0 to length T: inputs, next-token
// targets and loss weights (position t predicts token t+1).
func batch(rng *rand.Rand, sample Sampler, n, T, vocab int) (tok, tgt, w *tensors.Tensor, err error) {
	in, out := make([]int32, n*T), make([]int32, n*T)
	wt := make([]float32, n*T)
	for b := 0; b < n; b++ {
		ids, mask := sample(rng)
		if len(mask) != len(ids) {
			return nil, nil, nil, fmt.Errorf("llama: the sampler returned %d tokens and %d mask entries", len(ids), len(mask))
		}
		if len(ids) > T+1 {
			ids, mask = ids[:T+1], mask[:T+1]
		}
		for t, id := range ids {
			if id < 0 || id >= vocab {
				return nil, nil, nil, fmt.Errorf("llama: the sampler returned token %d outside the vocabulary [0, %d)", id, vocab)
			}
			if t < T {
				in[b*T+t] = int32(id)
			}
			if t > 0 {
				out[b*T+t-1] = int32(id)
				if mask[t] {
					wt[b*T+t-1] = 1
				}
			}
		}
	}
	return tensors.FromFlatDataAndDimensions(in, n, T), tensors.FromFlatDataAndDimensions(out, n, T),
		tensors.FromFlatDataAndDimensions(wt, n, T), nil
}
