package tinyllama

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/neuronb/neuronb/neuro/transformer"
)

// Mode says which parameters training updates.
type Mode int

const (
	// Full fine-tuning (or pre-training) updates every weight.
	Full Mode = iota
	// IA3 freezes every weight and trains only one (IA)³ vector per layer,
	// initialised to ones, that multiplies the MLP neurons (Liu et al. 2022).
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
	// Steps of Adam (default 600).
	Steps int
	// BatchSize sequences per step (default 32).
	BatchSize int
	// SeqLen pads or cuts sequences to this length (default the model's
	// context length).
	SeqLen int
	// LearningRate of Adam (default 3e-3).
	LearningRate float64
	// WeightDecay of AdamW, decoupled, applied to the trained weights
	// (default 0).
	WeightDecay float64
	// Seed of the data sampler.
	Seed uint64
	// Progress, if set, is called after every step with the batch loss.
	Progress func(iter, maxIter int, objective float64)
}

func (s *Settings) withDefaults(cfg *transformer.Config) Settings {
	out := Settings{Steps: 600, BatchSize: 32, SeqLen: cfg.MaxPositions, LearningRate: 3e-3}
	if s == nil {
		return out
	}
	if s.Steps > 0 {
		out.Steps = s.Steps
	}
	if s.BatchSize > 0 {
		out.BatchSize = s.BatchSize
	}
	if s.SeqLen > 0 {
		out.SeqLen = s.SeqLen
	}
	if s.LearningRate > 0 {
		out.LearningRate = s.LearningRate
	}
	out.WeightDecay, out.Seed, out.Progress = s.WeightDecay, s.Seed, s.Progress
	return out
}

// Result is the outcome of Train.
type Result struct {
	// Weights are the trained weights under their Hugging Face names
	// (for IA3 training, the frozen ones, unchanged).
	Weights map[string]*transformer.Tensor
	// IA3 holds the trained (IA)³ vectors, one per layer (IA3 mode only).
	IA3 [][]float32
	// Loss is the mean masked cross-entropy (nats per token) of each step's
	// batch.
	Loss    []float64
	Steps   int
	Runtime time.Duration
}

// Backend returns the pure-Go GoMLX backend that training uses. Its ops
// run one at a time (each matrix product still uses every core): with
// GoMLX v0.26.0's default of running independent ops in parallel, two
// matrix products waiting for the shared worker pool can deadlock on a
// 2-core machine, which the gradient graphs of this package triggered.
func Backend() (backends.Backend, error) { return simplego.New("ops_sequential") }

// Train fits the model of cfg, starting from the weights init (Hugging Face
// names, as transformer.Model.Parameter returns them), to next-token
// prediction on sequences from sample: Adam on the mean cross-entropy of
// the masked positions, with every weight trained (Full) or only the (IA)³
// vectors (IA3). It runs on GoMLX's pure-Go backend.
func Train(cfg *transformer.Config, init map[string]*transformer.Tensor, sample Sampler, mode Mode, s *Settings) (*Result, error) {
	if err := checkConfig(cfg); err != nil {
		return nil, err
	}
	if sample == nil {
		return nil, errors.New("tinyllama: Train: nil sampler")
	}
	set := s.withDefaults(cfg)
	if set.SeqLen > cfg.MaxPositions {
		return nil, fmt.Errorf("tinyllama: Train: SeqLen %d exceeds the context length %d", set.SeqLen, cfg.MaxPositions)
	}
	backend, err := Backend()
	if err != nil {
		return nil, fmt.Errorf("tinyllama: %w", err)
	}
	defer backend.Finalize()
	ctx := context.New()
	if err := setWeights(ctx, cfg, init, mode == IA3); err != nil {
		return nil, err
	}
	if mode == IA3 {
		for v := range ctx.IterVariables() {
			v.SetTrainable(isIA3(v.Name()))
		}
	}
	modelFn := func(ctx *context.Context, _ any, inputs []*graph.Node) []*graph.Node {
		return []*graph.Node{Forward(ctx, cfg, inputs[0], mode == IA3)}
	}
	opt := optimizers.Adam().LearningRate(set.LearningRate).WeightDecay(set.WeightDecay).Done()
	trainer := train.NewTrainer(backend, ctx, modelFn, maskedCrossEntropy, opt, nil, nil)

	rng := rand.New(rand.NewPCG(set.Seed, 0x5afe))
	res := &Result{Loss: make([]float64, 0, set.Steps)}
	start := time.Now()
	for step := 1; step <= set.Steps; step++ {
		tok, tgt, w, err := batch(rng, sample, set.BatchSize, set.SeqLen, cfg.VocabSize)
		if err != nil {
			return nil, err
		}
		m, err := trainer.TrainStep(nil, []*tensors.Tensor{tok}, []*tensors.Tensor{tgt, w})
		if err != nil {
			return nil, fmt.Errorf("tinyllama: step %d: %w", step, err)
		}
		loss := float64(tensors.MustCopyFlatData[float32](m[0])[0])
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return nil, fmt.Errorf("tinyllama: step %d: loss is %v", step, loss)
		}
		res.Loss = append(res.Loss, loss)
		if set.Progress != nil {
			set.Progress(step, set.Steps, loss)
		}
	}
	res.Steps, res.Runtime = set.Steps, time.Since(start)
	res.Weights, res.IA3 = readWeights(ctx, cfg, mode == IA3)
	return res, nil
}

func isIA3(name string) bool {
	var l int
	var rest string
	n, _ := fmt.Sscanf(name, "model.layers.%d.mlp.%s", &l, &rest)
	return n == 2 && rest == "ia3_scale"
}

// maskedCrossEntropy is −Σ w·log softmax(logits)[target] / Σ w with
// labels = [targets [B, T] int32, weights [B, T] float32].
func maskedCrossEntropy(labels, predictions []*graph.Node) *graph.Node {
	logits := predictions[0]
	logp := graph.LogSoftmax(logits, -1)
	onehot := graph.OneHot(labels[0], logits.Shape().Dimensions[2], dtypes.Float32)
	lp := graph.ReduceSum(graph.Mul(logp, onehot), -1)
	w := labels[1]
	return graph.Neg(graph.Div(graph.ReduceAllSum(graph.Mul(lp, w)), graph.Max(graph.ReduceAllSum(w), graph.ScalarOne(w.Graph(), dtypes.Float32))))
}

// batch draws n sequences, padded with id 0 to length T: inputs, next-token
// targets and loss weights (position t predicts token t+1).
func batch(rng *rand.Rand, sample Sampler, n, T, vocab int) (tok, tgt, w *tensors.Tensor, err error) {
	in, out := make([]int32, n*T), make([]int32, n*T)
	wt := make([]float32, n*T)
	for b := 0; b < n; b++ {
		ids, mask := sample(rng)
		if len(mask) != len(ids) {
			return nil, nil, nil, fmt.Errorf("tinyllama: sampler returned %d tokens and %d mask entries", len(ids), len(mask))
		}
		if len(ids) > T+1 {
			ids, mask = ids[:T+1], mask[:T+1]
		}
		for t, id := range ids {
			if id < 0 || id >= vocab {
				return nil, nil, nil, fmt.Errorf("tinyllama: sampler returned token %d outside the vocabulary [0, %d)", id, vocab)
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

// readWeights copies the model's variables out of the context.
func readWeights(ctx *context.Context, cfg *transformer.Config, ia3 bool) (map[string]*transformer.Tensor, [][]float32) {
	mctx := ctx.In(Scope)
	w := map[string]*transformer.Tensor{}
	var scales [][]float32
	if ia3 {
		scales = make([][]float32, cfg.NLayers)
	}
	for v := range mctx.IterVariablesInScope() {
		data := tensors.MustCopyFlatData[float32](v.MustValue())
		if isIA3(v.Name()) {
			var l int
			fmt.Sscanf(v.Name(), "model.layers.%d.", &l)
			scales[l] = data
			continue
		}
		w[v.Name()] = &transformer.Tensor{Shape: v.Shape().Dimensions, Data: data}
	}
	return w, scales
}
