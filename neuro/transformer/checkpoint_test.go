package transformer

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/transformer/safetensors"
)

// TestSaveLoadRoundTrip saves random models and loads them back: F32 must
// reproduce the logits bit for bit, BF16 and F16 must load exactly the
// rounded weights (oracle: the encoders, themselves checked against the
// format definitions).
func TestSaveLoadRoundTrip(t *testing.T) {
	for _, c := range []*Config{tinyGPT2(), tinyLlama()} {
		c.EOS = []int{3}
		m := mustRandom(t, c, 31)
		tokens := tokensFor(10, c.VocabSize, 32)
		want := ok(m.Logits(tokens))(t)
		for _, dt := range []safetensors.DType{safetensors.F32, safetensors.BF16, safetensors.F16} {
			dir := t.TempDir()
			if err := m.Save(dir, dt); err != nil {
				t.Fatal(err)
			}
			got, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			gc := got.Config()
			if gc.String() != c.String() || !slices.Equal(gc.EOS, c.EOS) {
				t.Errorf("%s %s: config %v (EOS %v), want %v", c.Arch, dt, gc.String(), gc.EOS, c.String())
			}
			for _, name := range m.ParameterNames() {
				a, _ := m.Parameter(name)
				b, _ := got.Parameter(name)
				for i, v := range a.Data {
					want := v
					switch dt {
					case safetensors.BF16:
						want = safetensors.BF16ToFloat32(safetensors.Float32ToBF16(v))
					case safetensors.F16:
						want = safetensors.F16ToFloat32(safetensors.Float32ToF16(v))
					}
					if b.Data[i] != want {
						t.Fatalf("%s %s: %s[%d] = %v, want %v", c.Arch, dt, name, i, b.Data[i], want)
					}
				}
			}
			if dt == safetensors.F32 {
				logits := ok(got.Logits(tokens))(t)
				if !slices.Equal(logits.Data, want.Data) {
					t.Errorf("%s: reloaded F32 model's logits differ", c.Arch)
				}
			}
		}
	}
}

// TestShardedCheckpointLoads splits a checkpoint into two shards with a
// model.safetensors.index.json and checks the logits equal the single-file
// model's (oracle: the unsharded model).
func TestShardedCheckpointLoads(t *testing.T) {
	c := tinyLlama()
	m := mustRandom(t, c, 41)
	dir := t.TempDir()
	if err := m.Save(dir, safetensors.F32); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "model.safetensors")); err != nil {
		t.Fatal(err)
	}
	names := m.ParameterNames()
	weightMap := map[string]string{}
	for s, part := range [][]string{names[:len(names)/2], names[len(names)/2:]} {
		file := fmt.Sprintf("model-%05d-of-00002.safetensors", s+1)
		var ts []safetensors.Tensor
		for _, n := range part {
			p, _ := m.Parameter(n)
			ts = append(ts, safetensors.Tensor{Name: n, DType: safetensors.F32, Shape: p.Shape, Values: p.Data})
			weightMap[n] = file
		}
		if err := safetensors.WriteFile(filepath.Join(dir, file), ts, nil); err != nil {
			t.Fatal(err)
		}
	}
	idx := ok(json.Marshal(map[string]any{"metadata": map[string]any{}, "weight_map": weightMap}))(t)
	if err := os.WriteFile(filepath.Join(dir, "model.safetensors.index.json"), idx, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	tokens := tokensFor(8, c.VocabSize, 42)
	a := ok(m.Logits(tokens))(t)
	b := ok(got.Logits(tokens))(t)
	if !slices.Equal(a.Data, b.Data) {
		t.Error("sharded model's logits differ")
	}
}

// TestLoadRejectsMismatchedCheckpoints checks that a checkpoint that does
// not fit its config fails with a message naming the tensor.
func TestLoadRejectsMismatchedCheckpoints(t *testing.T) {
	c := tinyGPT2()
	m := mustRandom(t, c, 1)
	dir := t.TempDir()
	if err := m.Save(dir, safetensors.F32); err != nil {
		t.Fatal(err)
	}
	bigger := *c
	bigger.DMLP = 80
	if _, err := LoadSafetensors(&bigger, filepath.Join(dir, "model.safetensors")); err == nil || !strings.Contains(err.Error(), `tensor "h.0.mlp.c_fc.weight" has shape [32 64], the config implies [32 80]`) {
		t.Errorf("shape mismatch: %v", err)
	}
	fewer := *c
	fewer.NLayers = 1
	if _, err := LoadSafetensors(&fewer, filepath.Join(dir, "model.safetensors")); err == nil || !strings.Contains(err.Error(), `"h.1.`) {
		t.Errorf("extra layer: %v", err)
	}
	more := *c
	more.NLayers = 3
	if _, err := LoadSafetensors(&more, filepath.Join(dir, "model.safetensors")); err == nil || !strings.Contains(err.Error(), `lacks parameter "h.2.`) {
		t.Errorf("missing layer: %v", err)
	}
}

// TestParseConfigAppliesHuggingFaceDefaults checks configs in the forms the
// hub uses (oracle: the Transformers library's documented defaults).
func TestParseConfigAppliesHuggingFaceDefaults(t *testing.T) {
	gpt2, err := ParseConfig([]byte(`{"model_type":"gpt2","vocab_size":50257,"n_embd":768,"n_layer":12,"n_head":12,
		"n_positions":1024,"activation_function":"gelu_new","bos_token_id":50256,"eos_token_id":50256}`))
	if err != nil {
		t.Fatal(err)
	}
	if gpt2.DMLP != 3072 || gpt2.DHead != 64 || !gpt2.TiedEmbeddings || gpt2.NormEps != 1e-5 || gpt2.EOS[0] != 50256 || gpt2.NumParams() != 124439808 {
		t.Errorf("gpt2: %+v, %d parameters", gpt2, gpt2.NumParams())
	}
	llama, err := ParseConfig([]byte(`{"model_type":"llama","vocab_size":128256,"hidden_size":2048,"intermediate_size":8192,
		"num_hidden_layers":16,"num_attention_heads":32,"num_key_value_heads":8,"max_position_embeddings":131072,
		"rms_norm_eps":1e-5,"rope_theta":500000.0,"tie_word_embeddings":true,"bos_token_id":128000,
		"eos_token_id":[128001,128008,128009],"rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,
		"original_max_position_embeddings":8192,"rope_type":"llama3"}}`))
	if err != nil {
		t.Fatal(err)
	}
	// Llama-3.2-1B has 1,235,814,400 parameters.
	if llama.DHead != 64 || llama.NKVHeads != 8 || len(llama.EOS) != 3 || llama.RopeScaling.Type != "llama3" || llama.NumParams() != 1235814400 {
		t.Errorf("llama: %+v, %d parameters", llama, llama.NumParams())
	}
	for cfg, want := range map[string]string{
		`{"model_type":"bert"}`: `model_type "bert" is not supported`,
		`{"model_type":"llama","vocab_size":10,"hidden_size":8,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":16}`:                                          "DHead = 0 must be positive",
		`{"model_type":"llama","vocab_size":10,"hidden_size":8,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":2,"num_key_value_heads":3}`:                   "not a multiple of NKVHeads = 3",
		`{"model_type":"llama","vocab_size":10,"hidden_size":8,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":2,"hidden_act":"relu"}`:                       `activation "relu"`,
		`{"model_type":"llama","vocab_size":10,"hidden_size":8,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":2,"rope_scaling":{"type":"yarn","factor":2}}`: `rope_scaling type "yarn"`,
		`{"model_type":"gpt2","n_layer":0}`: "NLayers = 0 must be positive",
	} {
		if _, err := ParseConfig([]byte(cfg)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseConfig(%s): err = %v, want %q", cfg, err, want)
		}
	}
}

// rssHelperEnv makes the test binary load a checkpoint and report its peak
// resident memory instead of running tests.
const rssHelperEnv = "NEURONB_TRANSFORMER_RSS_HELPER"

// TestLoadPeakMemoryIsBoundedByWeights loads a ~200 MB float32 checkpoint
// (and its BF16 version) in a fresh process and reads the peak resident set
// size (VmHWM) from /proc: it must stay within 1.3× the float32 size of the
// weights plus the runtime's own baseline, measured in the same way on a
// process that loads nothing (oracle: the kernel's accounting).
func TestLoadPeakMemoryIsBoundedByWeights(t *testing.T) {
	if dir := os.Getenv(rssHelperEnv); dir != "" {
		t.Skip("helper mode")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc on this system")
	}
	c := &Config{Arch: GPT2, ModelType: "gpt2", VocabSize: 50257, DModel: 512, NLayers: 8, NHeads: 8, NKVHeads: 8,
		DHead: 64, DMLP: 2048, MaxPositions: 1024, NormEps: 1e-5, Activation: "gelu_new", TiedEmbeddings: true, BOS: -1}
	if testing.Short() {
		c.NLayers, c.VocabSize = 2, 20000
	}
	weights := int64(c.NumParams()) * 4
	m := mustRandom(t, c, 1)
	root := t.TempDir()
	for _, dt := range []safetensors.DType{safetensors.F32, safetensors.BF16} {
		if err := m.Save(filepath.Join(root, string(dt)), dt); err != nil {
			t.Fatal(err)
		}
	}
	m = nil
	baseline := peakRSS(t, "")
	for _, dt := range []string{"F32", "BF16"} {
		peak := peakRSS(t, filepath.Join(root, dt))
		ratio := float64(peak-baseline) / float64(weights)
		t.Logf("%s: float32 weights %.1f MB, peak RSS %.1f MB (baseline %.1f MB): %.3f× the weights",
			dt, mb(weights), mb(peak), mb(baseline), ratio)
		if ratio > 1.3 {
			t.Errorf("%s: loading used %.2f× the float32 size of the weights (limit 1.3)", dt, ratio)
		}
	}
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

// peakRSS runs this test binary as a helper that loads dir ("" loads
// nothing) and returns its VmHWM in bytes.
func peakRSS(t *testing.T, dir string) int64 {
	t.Helper()
	if dir == "" {
		dir = "-"
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRSSHelper$")
	cmd.Env = append(os.Environ(), rssHelperEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "PEAK_RSS "); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("helper printed no PEAK_RSS:\n%s", out)
	return 0
}

// TestRSSHelper is the body of the helper process (a no-op in a normal run).
func TestRSSHelper(t *testing.T) {
	dir := os.Getenv(rssHelperEnv)
	if dir == "" {
		return
	}
	var m *Model
	if dir != "-" {
		var err error
		if m, err = Load(dir); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, found := strings.CutPrefix(sc.Text(), "VmHWM:"); found {
			kb := ok(strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64))(t)
			fmt.Printf("PEAK_RSS %d\n", kb*1024)
		}
	}
	if m != nil && len(m.layers) == 0 {
		t.Fatal("empty model")
	}
}
