package transformer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/neuronb/neuronb/neuro/run"
)

// LogProbMetric names the value Generate reports to its Progress: the
// log-probability of the token just chosen.
const LogProbMetric = "log-probability"

// GenerateSettings configures Generate. A nil *GenerateSettings means the
// defaults documented on each field.
type GenerateSettings struct {
	// MaxNewTokens bounds the number of generated tokens (default 32).
	MaxNewTokens int
	// Temperature 0 (the default) picks the most likely token (greedy);
	// a positive value samples from softmax(logits/Temperature).
	Temperature float64
	// Seed seeds the sampler (PCG); runs with equal seeds are equal.
	Seed uint64
	// StopTokens end generation when generated. nil means the model's
	// Config.EOS; an empty non-nil slice disables stopping.
	StopTokens []int
	// Hooks run at every step (on the prompt at the first step, then on
	// one new position per step; HookContext.Pos0 tells which).
	Hooks []NamedHook
	// KV, when set, holds tokens that precede the prompt and receives the
	// prompt and the generated tokens except the last one (which has not
	// been run yet: pass it as the next prompt to continue); nil means a
	// fresh cache.
	KV *KVCache
	// KeepLogits records the logits each token was chosen from.
	KeepLogits bool
	// Progress, if set, is called after each step with the log-probability
	// of the chosen token (LogProbMetric); returning run.ErrStop ends the
	// generation (Status Stopped).
	Progress run.Progress
}

// Generation is the result of Generate.
type Generation struct {
	Tokens   []int       // generated ids, without the prompt
	LogProbs []float64   // log-probability of each generated token under the unscaled logits
	Logits   [][]float32 // per step, when KeepLogits
	// Stop says why generation ended: run.Finished when a stop token was
	// generated (it is included in Tokens), run.IterationLimit when
	// MaxNewTokens were generated, run.ResourceLimit when the context
	// window was full, run.Stopped when Progress asked.
	Stop    run.Status
	Runtime time.Duration
}

// Generate continues prompt token by token with the KV cache: the first
// step runs the whole prompt, each later step only the token just chosen,
// which is exactly equivalent to recomputing the whole sequence.
func (m *Model) Generate(prompt []int, s *GenerateSettings) (*Generation, error) {
	start := time.Now()
	set, err := m.resolveGenerate(s)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(set.Seed, 0x9e3779b97f4a7c15))
	g := &Generation{Stop: run.IterationLimit}
	next := prompt
	for step := 0; step < set.MaxNewTokens; step++ {
		if set.KV.Len()+len(next) > m.cfg.MaxPositions {
			if step == 0 {
				return nil, fmt.Errorf("transformer: Generate: prompt of %d tokens (after %d cached) exceeds the context length %d", len(prompt), set.KV.Len(), m.cfg.MaxPositions)
			}
			g.Stop = run.ResourceLimit
			break
		}
		tok, err := m.generateStep(next, &set, rng, g)
		if err != nil {
			return nil, err
		}
		if g.Stop != run.IterationLimit {
			break
		}
		next = []int{tok}
	}
	// The last chosen token is not yet in the cache; a caller continuing
	// with s.KV passes it as the next prompt.
	g.Runtime = time.Since(start)
	return g, nil
}

// resolveGenerate checks s and fills in its defaults (a fresh KV cache,
// the model's EOS as stop tokens, 32 new tokens).
func (m *Model) resolveGenerate(s *GenerateSettings) (GenerateSettings, error) {
	var set GenerateSettings
	if s != nil {
		set = *s
	}
	if set.MaxNewTokens == 0 {
		set.MaxNewTokens = 32
	}
	if set.MaxNewTokens < 0 {
		return set, fmt.Errorf("transformer: Generate: MaxNewTokens = %d is negative", set.MaxNewTokens)
	}
	if set.Temperature < 0 || math.IsNaN(set.Temperature) {
		return set, fmt.Errorf("transformer: Generate: Temperature = %v must be ≥ 0", set.Temperature)
	}
	if set.StopTokens == nil {
		set.StopTokens = m.cfg.EOS
	}
	if set.KV == nil {
		set.KV = m.NewKVCache()
	}
	return set, nil
}

// generateStep runs the model on the new tokens, chooses the next token,
// records it in g, reports it to Progress and sets g.Stop when generation
// must end.
func (m *Model) generateStep(next []int, s *GenerateSettings, rng *rand.Rand, g *Generation) (int, error) {
	out, err := m.Run(next, &RunOptions{Hooks: s.Hooks, KV: s.KV, LastLogitsOnly: true})
	if err != nil {
		return 0, fmt.Errorf("transformer: Generate step %d: %w", len(g.Tokens), err)
	}
	logits := out.Logits.Data
	tok := Argmax(logits)
	if s.Temperature > 0 {
		tok = Sample(logits, s.Temperature, rng)
	}
	lp := LogSoftmaxAt(logits, tok)
	g.Tokens, g.LogProbs = append(g.Tokens, tok), append(g.LogProbs, lp)
	if s.KeepLogits {
		g.Logits = append(g.Logits, logits)
	}
	if slices.Contains(s.StopTokens, tok) {
		g.Stop = run.Finished
	}
	halt, err := s.Progress.Report(run.Step{Iteration: len(g.Tokens), MaxIterations: s.MaxNewTokens, Metric: LogProbMetric, Value: lp})
	if err != nil {
		return 0, fmt.Errorf("transformer: Generate: %w", err)
	}
	if halt {
		g.Stop = run.Stopped
	}
	return tok, nil
}

// Argmax returns the index of the largest logit (the first on ties).
func Argmax(logits []float32) int {
	best := 0
	for i, v := range logits {
		if v > logits[best] {
			best = i
		}
	}
	return best
}

// Sample draws an index with probability softmax(logits/temperature)
// (temperature > 0).
func Sample(logits []float32, temperature float64, rng *rand.Rand) int {
	mx := float64(logits[Argmax(logits)])
	var total float64
	for _, v := range logits {
		total += math.Exp((float64(v) - mx) / temperature)
	}
	u := rng.Float64() * total
	for i, v := range logits {
		u -= math.Exp((float64(v) - mx) / temperature)
		if u < 0 {
			return i
		}
	}
	return Argmax(logits) // u ≈ total after rounding
}

// LogSoftmaxAt returns log softmax(logits)[i].
func LogSoftmaxAt(logits []float32, i int) float64 {
	mx := float64(logits[Argmax(logits)])
	var s float64
	for _, v := range logits {
		s += math.Exp(float64(v) - mx)
	}
	return float64(logits[i]) - mx - math.Log(s)
}
