package transformer

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/neuronb/neuronb/neuro/transformer/safetensors"
)

// TestStartAndStopAtLayerMatchTheFullRun runs single blocks and suffixes
// of the network from the residual streams a full run cached (oracle: the
// full run, whose block computations are the same arithmetic in the same
// order, so the values must agree bit for bit), with and without a hook
// inside the block.
func TestStartAndStopAtLayerMatchTheFullRun(t *testing.T) {
	for _, c := range bothArchs() {
		m := mustRandom(t, c, 41)
		tokens := tokensFor(11, c.VocabSize, 42)
		var names []string
		for l := 0; l < c.NLayers; l++ {
			names = append(names, ActName("resid_pre", l), ActName("resid_post", l))
		}
		zero := NamedHook{Name: ActName("post", 1), Fn: func(_ HookContext, a *Tensor) error {
			for r := 0; r < a.Shape[0]; r++ {
				a.Data[r*a.Shape[1]+5] = 0
			}
			return nil
		}}
		full := ok(m.Run(tokens, &RunOptions{Cache: names}))(t)
		hooked := ok(m.Run(tokens, &RunOptions{Cache: names, Hooks: []NamedHook{zero}}))(t)
		kv := m.NewKVCache()
		for l := 0; l < c.NLayers; l++ {
			out := ok(m.Run(tokens, &RunOptions{Resid: full.Cache.Get("resid_pre", l), StartAtLayer: l, StopAtLayer: l + 1, KV: kv}))(t)
			if !slices.Equal(out.Resid.Data, full.Cache.Get("resid_post", l).Data) || out.Logits != nil || kv.Len() != 0 {
				t.Errorf("%s: block %d alone differs from the full run (logits %v, cache %d)", c.Arch, l, out.Logits, kv.Len())
			}
			suffix := ok(m.Run(tokens, &RunOptions{Resid: full.Cache.Get("resid_pre", l), StartAtLayer: l}))(t)
			if !slices.Equal(suffix.Logits.Data, full.Logits.Data) {
				t.Errorf("%s: the blocks from %d on give other logits", c.Arch, l)
			}
			prefix := ok(m.Run(tokens, &RunOptions{StopAtLayer: l + 1}))(t)
			if !slices.Equal(prefix.Resid.Data, full.Cache.Get("resid_post", l).Data) {
				t.Errorf("%s: stopping after block %d gives another residual", c.Arch, l)
			}
		}
		one := ok(m.Run(tokens, &RunOptions{Resid: full.Cache.Get("resid_pre", 1), StartAtLayer: 1, StopAtLayer: 2, Hooks: []NamedHook{zero}}))(t)
		if !slices.Equal(one.Resid.Data, hooked.Cache.Get("resid_post", 1).Data) {
			t.Errorf("%s: a hooked block run alone differs from the hooked full run", c.Arch)
		}
	}
}

// TestPartialRunsRejectBadInput: each misuse of Resid, StartAtLayer and
// StopAtLayer is an error that says what is wrong.
func TestPartialRunsRejectBadInput(t *testing.T) {
	c := tinyLlama()
	m := mustRandom(t, c, 43)
	tokens := tokensFor(5, c.VocabSize, 44)
	resid := NewTensor(5, c.DModel)
	used := m.NewKVCache()
	if _, err := m.Run(tokens[:2], &RunOptions{KV: used}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		opts RunOptions
		want string
	}{
		{RunOptions{StartAtLayer: 1}, "needs Resid"},
		{RunOptions{Resid: resid, StartAtLayer: c.NLayers}, "StartAtLayer 3 outside [0, 3)"},
		{RunOptions{Resid: NewTensor(4, c.DModel)}, "Resid has shape [4 32]"},
		{RunOptions{Resid: resid, StartAtLayer: 2, StopAtLayer: 2}, "StopAtLayer 2 outside (2, 3]"},
		{RunOptions{StopAtLayer: c.NLayers + 1}, "StopAtLayer 4 outside"},
		{RunOptions{StopAtLayer: 1, KV: used}, "cannot extend a KV cache holding 2 positions"},
	} {
		if _, err := m.Run(tokens, &tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want %q", tc.opts, err, tc.want)
		}
	}
}

// readOnlyFS hides io.ReaderAt from the files of an fs.FS, so that LoadFS
// takes its read-whole path.
type readOnlyFS struct{ fs.FS }

type readOnlyFile struct{ f fs.File }

func (r readOnlyFile) Stat() (fs.FileInfo, error) { return r.f.Stat() }
func (r readOnlyFile) Read(p []byte) (int, error) { return r.f.Read(p) }
func (r readOnlyFile) Close() error               { return r.f.Close() }

func (r readOnlyFS) Open(name string) (fs.File, error) {
	f, err := r.FS.Open(name)
	if err != nil {
		return nil, err
	}
	return readOnlyFile{f}, nil
}

// TestLoadFSMatchesLoad loads a saved checkpoint from an os.DirFS, from an
// in-memory fstest.MapFS (both stream through io.ReaderAt) and through a
// file system whose files cannot seek (read whole); each must give the
// weights Load gives (oracle: Load, checked by TestSaveLoadRoundTrip).
func TestLoadFSMatchesLoad(t *testing.T) {
	for _, c := range bothArchs() {
		dir := t.TempDir()
		m := mustRandom(t, c, 45)
		if err := m.Save(filepath.Join(dir, "ckpt"), safetensors.F16); err != nil {
			t.Fatal(err)
		}
		want := ok(Load(filepath.Join(dir, "ckpt")))(t)
		mem := fstest.MapFS{}
		for _, f := range []string{"config.json", "model.safetensors"} {
			data, err := os.ReadFile(filepath.Join(dir, "ckpt", f))
			if err != nil {
				t.Fatal(err)
			}
			mem["models/a/"+f] = &fstest.MapFile{Data: data}
		}
		for name, fsys := range map[string]struct {
			fs  fs.FS
			dir string
		}{"DirFS": {os.DirFS(dir), "ckpt"}, "MapFS": {mem, "models/a"}, "no ReaderAt": {readOnlyFS{mem}, "models/a"}} {
			got, err := LoadFS(fsys.fs, fsys.dir)
			if err != nil {
				t.Fatalf("%s %s: %v", c.Arch, name, err)
			}
			for _, p := range want.ParameterNames() {
				a, _ := want.Parameter(p)
				b, _ := got.Parameter(p)
				if !slices.Equal(a.Data, b.Data) {
					t.Errorf("%s %s: parameter %s differs", c.Arch, name, p)
				}
			}
		}
		delete(mem, "models/a/model.safetensors")
		if _, err := LoadFS(mem, "models/a"); err == nil || !strings.Contains(err.Error(), "models/a/model.safetensors") {
			t.Errorf("%s: a missing weights file: %v", c.Arch, err)
		}
	}
}

// TestRotaryIsTheRotationOfTheForwardPass: applying Rotary's rotation to
// hook_q and hook_k gives hook_rot_q and hook_rot_k bit for bit (oracle:
// the forward pass's own rotated activations).
func TestRotaryIsTheRotationOfTheForwardPass(t *testing.T) {
	c := tinyLlama()
	m := mustRandom(t, c, 47)
	tokens := tokensFor(9, c.VocabSize, 48)
	_, cache := ok3(m.RunWithCache(tokens, ActName("q", 1), ActName("rot_q", 1), ActName("k", 1), ActName("rot_k", 1)))(t)
	half := c.DHead / 2
	for _, pair := range [][2]string{{"q", "rot_q"}, {"k", "rot_k"}} {
		x, want := cache.Get(pair[0], 1), cache.Get(pair[1], 1)
		heads := x.Shape[1]
		for p := range tokens {
			cos, sin := m.Rotary(p)
			for h := 0; h < heads; h++ {
				v := x.Data[(p*heads+h)*c.DHead:]
				w := want.Data[(p*heads+h)*c.DHead:]
				for i := 0; i < half; i++ {
					if a, b := v[i]*cos[i]-v[i+half]*sin[i], v[i+half]*cos[i]+v[i]*sin[i]; a != w[i] || b != w[i+half] {
						t.Fatalf("%s position %d head %d pair %d: (%v, %v), forward pass (%v, %v)", pair[0], p, h, i, a, b, w[i], w[i+half])
					}
				}
			}
		}
	}
	if cos, _ := mustRandom(t, tinyGPT2(), 1).Rotary(3); cos != nil {
		t.Error("GPT-2 has no rotary embedding")
	}
}

func ok3[A, B any](a A, b B, err error) func(testing.TB) (A, B) {
	return func(t testing.TB) (A, B) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
}
