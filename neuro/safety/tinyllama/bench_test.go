package tinyllama

import (
	"testing"

	"github.com/neuronb/neuronb/neuro/safety/synthetic"
)

// One Adam step of the recipe (batch 32, 24 tokens, 175,296 parameters)
// on the pure-Go backend (20 steps per run, graph building included).
func BenchmarkTrainStepBatch32(b *testing.B) {
	cfg := synthetic.Config()
	init, err := Init(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	s := &Settings{Steps: 3, BatchSize: 32, SeqLen: synthetic.MaxLen}
	if _, err := Train(cfg, init, sampler(synthetic.Pretraining), Full, s); err != nil { // warm the caches
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := Train(cfg, init, sampler(synthetic.Pretraining), Full, &Settings{Steps: 20, BatchSize: 32, SeqLen: synthetic.MaxLen})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(res.Runtime.Seconds()/20, "s/step")
	}
}
