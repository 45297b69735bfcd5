package notebooks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/clds"
)

// TestMemoComputesOncePerSession checks that Memo calls compute once per
// name, both in a notebook session (the value goes through a file in
// $GONB_TMP_DIR, as between two cells, whose processes share nothing:
// simulated by clearing the memory) and outside one, in memory (oracle: a
// call counter and the stored values).
func TestMemoComputesOncePerSession(t *testing.T) {
	type fitSummary struct {
		Name  string
		Curve []float64
		Table map[string][2]int
	}
	want := fitSummary{Name: "a", Curve: []float64{1, 2.5}, Table: map[string][2]int{"x": {1, 2}}}
	for _, dir := range []string{"", t.TempDir()} {
		t.Setenv("GONB_TMP_DIR", dir)
		calls := 0
		compute := func() (fitSummary, error) { calls++; return want, nil }
		for i := 0; i < 3; i++ {
			if dir != "" {
				memoMem = map[string][]byte{} // a new cell is a new process: only the file remains
			}
			got, err := Memo("sum", compute)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "a" || got.Curve[1] != 2.5 || got.Table["x"][1] != 2 {
				t.Fatalf("dir %q, call %d: got %+v", dir, i, got)
			}
		}
		if calls != 1 {
			t.Errorf("dir %q: compute called %d times, want 1", dir, calls)
		}
		if err := Forget("sum"); err != nil {
			t.Fatal(err)
		}
		if _, err := Memo("sum", compute); err != nil || calls != 2 {
			t.Errorf("dir %q: after Forget compute ran %d times (%v), want 2", dir, calls, err)
		}
	}
}

// TestMemoRefusesWhatJSONWouldDrop checks that types losing data in a JSON
// round trip are refused with a message naming the field (oracle: the
// message text), and that a type marshalling itself is accepted.
func TestMemoRefusesWhatJSONWouldDrop(t *testing.T) {
	t.Setenv("GONB_TMP_DIR", "")
	type hidden struct {
		Visible int
		secret  []float64
	}
	type holder struct{ Inner []map[string]*hidden }
	type iface struct{ Any any }
	never := func() (holder, error) { t.Fatal("compute ran"); return holder{}, nil }
	if _, err := Memo("h", never); err == nil || !strings.Contains(err.Error(), "T.Inner[][key][] (notebooks.hidden) has the unexported field secret") {
		t.Errorf("unexported field: %v", err)
	}
	if _, err := Memo("i", func() (iface, error) { return iface{}, nil }); err == nil || !strings.Contains(err.Error(), "T.Any is an interface") {
		t.Errorf("interface field: %v", err)
	}
	if _, err := Memo("bad name/..", func() (int, error) { return 1, nil }); err == nil {
		t.Error("a name with a slash was accepted")
	}
}

// TestMemoStoresAFittedModel checks that a *clds.Model (unexported basis
// internals, stored through its own JSON methods) comes back from a file
// with the same log-likelihood (oracle: the original model).
func TestMemoStoresAFittedModel(t *testing.T) {
	t.Setenv("GONB_TMP_DIR", t.TempDir())
	ring, err := clds.SimulateRing(&clds.RingSettings{Trials: 3, Steps: 20})
	if err != nil {
		t.Fatal(err)
	}
	m, err := clds.NewModel(rand.New(rand.NewPCG(1, 1)), clds.RingConfig(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Memo("model", func() (*clds.Model, error) { return m, nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(os.Getenv("GONB_TMP_DIR"), "memo-model.json")); err != nil {
		t.Fatal(err)
	}
	back, err := Memo("model", func() (*clds.Model, error) { return nil, fmt.Errorf("recomputed") })
	if err != nil {
		t.Fatal(err)
	}
	l1, err := m.LogLik(ring.Trials)
	if err != nil {
		t.Fatal(err)
	}
	l2, err := back.LogLik(ring.Trials)
	if err != nil || math.Abs(l1-l2) != 0 {
		t.Fatalf("log-likelihood %v, after the round trip %v (%v)", l1, l2, err)
	}
}

// TestMustAndCheckPanicWithTheError checks that the notebook idioms stop
// with the error they were given (oracle: the recovered value).
func TestMustAndCheckPanicWithTheError(t *testing.T) {
	boom := fmt.Errorf("boom")
	for name, f := range map[string]func(){
		"Must":  func() { Must(0, boom) },
		"Must2": func() { Must2(0, "", boom) },
		"Check": func() { Check(nil, boom, fmt.Errorf("later")) },
	} {
		func() {
			defer func() {
				if r := recover(); r != boom {
					t.Errorf("%s panicked with %v, want %v", name, r, boom)
				}
			}()
			f()
		}()
	}
	if Must(3, nil) != 3 {
		t.Error("Must changed the value")
	}
}
