package multilingual

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/transformer"
	"github.com/neuronb/neuronb/neuro/transformer/safetensors"
)

// zeroWeights returns a copy of m with the parameters of every unit of
// set zeroed, as the released deactivation.py does (rows of q/k/v/up_proj
// with their biases, columns of o_proj and down_proj; GPT-2: the columns of
// c_attn and c_fc with their biases, rows of c_proj).
func zeroWeights(t *testing.T, m *transformer.Model, set UnitSet) *transformer.Model {
	t.Helper()
	c := m.Config()
	ts := map[string]*transformer.Tensor{}
	for _, n := range m.ParameterNames() {
		p, _ := m.Parameter(n)
		ts[n] = p.Clone()
	}
	d := c.DModel
	zeroRow := func(name string, r int) {
		if w, ok := ts[name]; ok {
			cols := len(w.Data) / w.Shape[0]
			clear(w.Data[r*cols : (r+1)*cols])
		}
	}
	zeroCol := func(name string, col int) {
		w := ts[name]
		for r := 0; r < w.Shape[0]; r++ {
			w.Data[r*w.Shape[1]+col] = 0
		}
	}
	for _, u := range set.Units() {
		if c.Arch == transformer.Llama {
			p := "model.layers." + itoa(u.Layer) + "."
			switch u.Component {
			case Q, K, V:
				proj := p + "self_attn." + strings.ToLower(u.Component.String()) + "_proj."
				zeroRow(proj+"weight", u.Index)
				if b, ok := ts[proj+"bias"]; ok {
					b.Data[u.Index] = 0
				}
			case O:
				zeroCol(p+"self_attn.o_proj.weight", u.Index)
			case FFN:
				zeroRow(p+"mlp.up_proj.weight", u.Index)
			}
			continue
		}
		p := "h." + itoa(u.Layer) + "."
		switch u.Component {
		case Q, K, V:
			off := map[Component]int{Q: 0, K: d, V: 2 * d}[u.Component]
			zeroCol(p+"attn.c_attn.weight", off+u.Index)
			ts[p+"attn.c_attn.bias"].Data[off+u.Index] = 0
		case O:
			zeroRow(p+"attn.c_proj.weight", u.Index)
		case FFN:
			zeroCol(p+"mlp.c_fc.weight", u.Index)
			ts[p+"mlp.c_fc.bias"].Data[u.Index] = 0
		}
	}
	out, err := transformer.NewModel(&c, ts)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func itoa(i int) string { return string(rune('0' + i)) }

// TestHooksEqualZeroedWeights: deactivating units by hooks gives the
// logits of the model whose unit parameters are zeroed (oracle: the
// weights edited as the released code does, run without hooks), with and
// without a KV cache.
func TestHooksEqualZeroedWeights(t *testing.T) {
	for name, c := range tinyConfigs() {
		m := mustModel(t, c, 13)
		shape := ShapeOf(*c)
		rng := rand.New(rand.NewPCG(14, 0))
		var units []Unit
		for _, u := range allUnits(shape) {
			if rng.IntN(6) == 0 {
				units = append(units, u)
			}
		}
		set, err := NewUnitSet(shape, units)
		if err != nil {
			t.Fatal(err)
		}
		hooks, err := Hooks(*c, set)
		if err != nil {
			t.Fatal(err)
		}
		tokens := randomTokens(15, c.VocabSize, 15)
		got, err := m.RunWithHooks(tokens, hooks...)
		if err != nil {
			t.Fatal(err)
		}
		want, err := zeroWeights(t, m, set).Logits(tokens)
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for i := range got.Data {
			worst = math.Max(worst, math.Abs(float64(got.Data[i]-want.Data[i])))
		}
		if worst > 1e-5 {
			t.Errorf("%s: hooks and zeroed weights differ by %.2g in the logits", name, worst)
		}
		kv := m.NewKVCache()
		var last *transformer.Tensor
		for i := range tokens {
			out, err := m.Run(tokens[i:i+1], &transformer.RunOptions{KV: kv, Hooks: hooks})
			if err != nil {
				t.Fatal(err)
			}
			last = out.Logits
		}
		if d := maxDiff(last.Data, want.Row(len(tokens)-1)); d > 1e-5 {
			t.Errorf("%s: with the KV cache, last logits differ by %.2g", name, d)
		}
	}
}

func maxDiff(a, b []float32) float64 {
	w := 0.0
	for i := range a {
		w = math.Max(w, math.Abs(float64(a[i]-b[i])))
	}
	return w
}

// TestPerplexityIsExpMeanNLL checks Perplexity against log-softmax by
// hand (oracle: a direct float64 log-sum-exp of the logits).
func TestPerplexityIsExpMeanNLL(t *testing.T) {
	c := tinyConfigs()["llama"]
	m := mustModel(t, c, 16)
	texts := [][]int{randomTokens(6, c.VocabSize, 1), randomTokens(9, c.VocabSize, 2)}
	var nll float64
	n := 0
	for _, tx := range texts {
		logits, err := m.Logits(tx)
		if err != nil {
			t.Fatal(err)
		}
		for p := 0; p+1 < len(tx); p++ {
			row := logits.Row(p)
			mx := float64(slices.Max(row))
			s := 0.0
			for _, v := range row {
				s += math.Exp(float64(v) - mx)
			}
			nll += mx + math.Log(s) - float64(row[tx[p+1]])
			n++
		}
	}
	got, err := Perplexity(m, texts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := math.Exp(nll / float64(n)); math.Abs(got-want) > 1e-9*want {
		t.Errorf("perplexity %v, want %v", got, want)
	}
	if _, err := Perplexity(m, [][]int{{3}}, nil); err == nil {
		t.Error("a one-token text has nothing to predict")
	}
	if _, err := Perplexity(m, nil, nil); err == nil {
		t.Error("no texts accepted")
	}
}

// TestCheckpointWithoutNeededWeightsIsRejected: a checkpoint lacking an
// output projection cannot be loaded, and the error names the weight
// (oracle: the file written without it).
func TestCheckpointWithoutNeededWeightsIsRejected(t *testing.T) {
	c := tinyConfigs()["llama"]
	m := mustModel(t, c, 21)
	dir := t.TempDir()
	if err := m.Save(dir, safetensors.F32); err != nil {
		t.Fatal(err)
	}
	var ts []safetensors.Tensor
	for _, n := range m.ParameterNames() {
		if n == "model.layers.1.mlp.down_proj.weight" {
			continue
		}
		p, _ := m.Parameter(n)
		ts = append(ts, safetensors.Tensor{Name: n, DType: safetensors.F32, Shape: p.Shape, Values: p.Data})
	}
	if err := safetensors.WriteFile(filepath.Join(dir, "model.safetensors"), ts, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := transformer.Load(dir); err == nil || !strings.Contains(err.Error(), "model.layers.1.mlp.down_proj.weight") {
		t.Errorf("loading without down_proj: %v", err)
	}
	if _, err := NewScorer(nil, Deactivation); err == nil {
		t.Error("nil model accepted")
	}
	if _, err := NewExact(m, nil); err == nil || !strings.Contains(err.Error(), "empty input") {
		t.Errorf("empty input: %v", err)
	}
	if _, err := ParallelImportance(m, []int{}, Deactivation); err == nil || !strings.Contains(err.Error(), "empty input") {
		t.Errorf("empty input: %v", err)
	}
}
