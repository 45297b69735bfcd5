package clds

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/npy"
)

// FuzzReadCSV checks that ReadCSV never panics and that accepted data
// sets are valid trials.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"trial,theta,n1,n2\n0,0.1,1,2\n0,0.2,3,\n1,0.3,5,6\n",
		"theta,a\n1,2\n",
		"trial,theta,n1\n0,0.1,1\n1,0.2,2\n0,0.3,3\n",
		"trial,theta,n1\n0,x,1\n",
		"trial,theta,n1\n0,1\n",
		"\"unterminated\n",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ds, err := ReadCSV(strings.NewReader(s), CSVOptions{Trial: "trial", Conditions: []string{"theta"}})
		if err != nil {
			return
		}
		if len(ds.Trials) != len(ds.TrialIDs) {
			t.Fatalf("%d trials, %d ids", len(ds.Trials), len(ds.TrialIDs))
		}
		if err := validateTrials(ds.Trials, 1, len(ds.Neurons), 1); err != nil {
			t.Fatalf("accepted data set is invalid: %v", err)
		}
	})
}

// TestReadCSVBuildsTrialsWithMasks checks trial grouping, column
// selection and missing bins on a small file (oracle: the file's values).
func TestReadCSVBuildsTrialsWithMasks(t *testing.T) {
	in := "time,trial,theta,n1,n2\n0,a,0.1,1,2\n1,a,0.2,3,NA\n0,b,0.3,5,6\n"
	ds, err := ReadCSV(strings.NewReader(in), CSVOptions{Trial: "trial", Conditions: []string{"theta"}, Ignore: []string{"time"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Trials) != 2 || ds.TrialIDs[1] != "b" || strings.Join(ds.Neurons, ",") != "n1,n2" {
		t.Fatalf("got %d trials %v, neurons %v", len(ds.Trials), ds.TrialIDs, ds.Neurons)
	}
	a := ds.Trials[0]
	if a.Len() != 2 || a.Y.At(1, 0) != 3 || a.U.At(1, 0) != 0.2 || a.Mask == nil || a.Mask[1] || !a.Mask[0] {
		t.Fatalf("trial a parsed wrongly: Y=%v U=%v mask=%v", a.Y, a.U, a.Mask)
	}
	_, err = ReadCSV(strings.NewReader("trial,theta,n1\n0,0.1,1\n1,0.2,2\n0,0.3,3\n"), CSVOptions{Trial: "trial", Conditions: []string{"theta"}})
	if err == nil || !strings.Contains(err.Error(), "line 4: trial \"0\" appears again") {
		t.Errorf("non-contiguous trial: %v", err)
	}
	_, err = ReadCSV(strings.NewReader("trial,theta,n1\n0,,1\n"), CSVOptions{Trial: "trial", Conditions: []string{"theta"}})
	if err == nil || !strings.Contains(err.Error(), "line 2, condition column \"theta\"") {
		t.Errorf("missing condition: %v", err)
	}
}

// TestTrialsFromArraysHandlesPaddingAndErrors checks NaN padding of
// ragged trials, masks, and shape errors.
func TestTrialsFromArraysHandlesPaddingAndErrors(t *testing.T) {
	nan := math.NaN()
	y := &npy.Array{Shape: []int{2, 3, 2}, Data: []float64{1, 2, nan, 4, 5, 6, 1, 1, 2, 2, nan, nan}}
	u := &npy.Array{Shape: []int{2, 3}, Data: []float64{0.1, 0.2, 0.3, 1, 2, nan}}
	trials, err := TrialsFromArrays(y, u)
	if err != nil {
		t.Fatal(err)
	}
	if trials[0].Len() != 3 || trials[0].Mask[1] || trials[1].Len() != 2 || trials[1].Mask != nil {
		t.Fatalf("lengths %d, %d; masks %v, %v", trials[0].Len(), trials[1].Len(), trials[0].Mask, trials[1].Mask)
	}
	_, err = TrialsFromArrays(y, &npy.Array{Shape: []int{2, 4}, Data: make([]float64, 8)})
	if err == nil || !strings.Contains(err.Error(), "conditions have shape [2 4]") {
		t.Errorf("mismatched lengths: %v", err)
	}
}

// TestSaveLoadRoundTrip checks that a saved model loads with identical
// parameters and log-likelihood, and that version and basis errors are
// explicit.
func TestSaveLoadRoundTrip(t *testing.T) {
	ring := smallRing(t, 2, 3, 20)
	cfg := RingConfig()
	cfg.C = GP
	m, _ := NewModel(cfg, 10, rand.New(rand.NewPCG(1, 1)))
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	got, err := Load(strings.NewReader(raw), nil)
	if err != nil {
		t.Fatal(err)
	}
	l1, _, _ := m.LogLik(ring.Trials)
	l2, _, _ := got.LogLik(ring.Trials)
	if l1 != l2 {
		t.Fatalf("log-likelihood changed from %v to %v", l1, l2)
	}
	var generic map[string]any
	_ = json.Unmarshal([]byte(raw), &generic)
	generic["version"] = 99
	bad, _ := json.Marshal(generic)
	if _, err := Load(bytes.NewReader(bad), nil); err == nil || !strings.Contains(err.Error(), "format version 99") {
		t.Errorf("future version: %v", err)
	}
	custom := Func{Name: "bumps", L: 3, M: 1, F: func(dst, u []float64) {
		for i := range dst {
			dst[i] = math.Exp(-(u[0] - float64(i)) * (u[0] - float64(i)))
		}
	}}
	m2, _ := NewModel(Config{Latent: 2, Basis: custom, A: GP, C: Static}, 4, rand.New(rand.NewPCG(1, 1)))
	buf.Reset()
	_ = m2.Save(&buf)
	if _, err := Load(bytes.NewReader(buf.Bytes()), nil); err == nil || !strings.Contains(err.Error(), "custom basis \"bumps\"") {
		t.Errorf("custom basis without the basis: %v", err)
	}
	if _, err := Load(bytes.NewReader(buf.Bytes()), custom); err != nil {
		t.Errorf("custom basis: %v", err)
	}
}
