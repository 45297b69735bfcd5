package llama

import (
	"math/rand/v2"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	gomlxtrain "github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/neuronb/neuronb/neuro/train/autodiff"
)

// One Adam step of batch 32 × 24 tokens on the shape of the synthetic
// models (175k parameters), pure-Go backend; the graph is compiled before
// timing.
func BenchmarkTrainStep(b *testing.B) {
	cfg := synthConfig()
	w, err := Init(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	backend, err := autodiff.Backend()
	if err != nil {
		b.Fatal(err)
	}
	defer backend.Finalize()
	set, err := (&Settings{BatchSize: 32, SeqLen: 24}).resolved(cfg)
	if err != nil {
		b.Fatal(err)
	}
	tr, err := newTrainer(backend, cfg, w, counting(cfg.VocabSize, 24), Full, set)
	if err != nil {
		b.Fatal(err)
	}
	defer tr.grad.Finalize()
	rng := rand.New(rand.NewPCG(1, 2))
	if _, err := tr.step(1, rng); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu0 := cpuSeconds(b)
	for b.Loop() {
		if _, err := tr.step(1, rng); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds(b)-cpu0)/float64(b.N), "cpu-s/step")
}

// cpuSeconds is the process's user+system CPU time: with other work on the
// machine, CPU time per step varies less than wall time.
func cpuSeconds(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// The anchor of BenchmarkTrainStep: the same graph and batch trained by
// GoMLX's own trainer and Adam, which keep the parameters in a context and
// update them inside the graph (the route the first synthetic models were
// trained by). Compare the cpu-s/step of the two.
func BenchmarkTrainStepGoMLXAdam(b *testing.B) {
	cfg := synthConfig()
	w, err := Init(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	backend, err := autodiff.Backend()
	if err != nil {
		b.Fatal(err)
	}
	defer backend.Finalize()
	ctx := context.New()
	vars := map[string]*context.Variable{}
	for _, name := range sortedKeys(w) {
		vars[name] = ctx.VariableWithValue(name, tensors.FromFlatDataAndDimensions(slices.Clone(w[name].Data), w[name].Shape...))
	}
	model := func(_ *context.Context, _ any, in []*graph.Node) []*graph.Node {
		nodes := map[string]*graph.Node{}
		for name, v := range vars {
			nodes[name] = v.ValueGraph(in[0].Graph())
		}
		return []*graph.Node{Forward(cfg, nodes, in[0])}
	}
	loss := func(labels, pred []*graph.Node) *graph.Node { return maskedCrossEntropy(pred[0], labels[0], labels[1]) }
	tr := gomlxtrain.NewTrainer(backend, ctx, model, loss, optimizers.Adam().LearningRate(3e-3).Done(), nil, nil)
	rng := rand.New(rand.NewPCG(1, 2))
	step := func() {
		tok, tgt, wt, err := batch(rng, counting(cfg.VocabSize, 24), 32, 24, cfg.VocabSize)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tr.TrainStep(nil, []*tensors.Tensor{tok}, []*tensors.Tensor{tgt, wt}); err != nil {
			b.Fatal(err)
		}
	}
	step() // compile
	b.ResetTimer()
	cpu0 := cpuSeconds(b)
	for b.Loop() {
		step()
	}
	b.ReportMetric((cpuSeconds(b)-cpu0)/float64(b.N), "cpu-s/step")
}
