package clds

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

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
		m, err := NewModel(rand.New(rand.NewPCG(1, 1)), Config{Latent: 1, Basis: Constant{M: 1}, A: Static, C: Static}, len(ds.Neurons))
		if err != nil {
			t.Fatal(err)
		}
		if err := m.ValidateTrials(ds.Trials); err != nil {
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
	ds, err := DatasetFromArrays(y, u)
	if err != nil {
		t.Fatal(err)
	}
	trials := ds.Trials
	if len(ds.TrialIDs) != 2 || ds.TrialIDs[1] != "1" || len(ds.Neurons) != 2 || len(ds.Conditions) != 1 {
		t.Fatalf("names: trials %v, neurons %v, conditions %v", ds.TrialIDs, ds.Neurons, ds.Conditions)
	}
	if trials[0].Len() != 3 || trials[0].Mask[1] || trials[1].Len() != 2 || trials[1].Mask != nil {
		t.Fatalf("lengths %d, %d; masks %v, %v", trials[0].Len(), trials[1].Len(), trials[0].Mask, trials[1].Mask)
	}
	_, err = DatasetFromArrays(y, &npy.Array{Shape: []int{2, 4}, Data: make([]float64, 8)})
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
	m := must(NewModel(rand.New(rand.NewPCG(1, 1)), cfg, 10))
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	got, err := Load(strings.NewReader(raw), nil)
	if err != nil {
		t.Fatal(err)
	}
	l1, err := m.LogLik(ring.Trials)
	if err != nil {
		t.Fatal(err)
	}
	l2, err := got.LogLik(ring.Trials)
	if err != nil || l1 != l2 {
		t.Fatalf("log-likelihood changed from %v to %v", l1, l2)
	}
	var generic map[string]any
	if err := json.Unmarshal([]byte(raw), &generic); err != nil {
		t.Fatal(err)
	}
	generic["version"] = 99
	bad, err := json.Marshal(generic)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bytes.NewReader(bad), nil); err == nil || !strings.Contains(err.Error(), "format version 99") {
		t.Errorf("future version: %v", err)
	}
	custom := Func{Name: "bumps", L: 3, M: 1, F: func(dst, u []float64) {
		for i := range dst {
			dst[i] = math.Exp(-(u[0] - float64(i)) * (u[0] - float64(i)))
		}
	}}
	m2, err := NewModel(rand.New(rand.NewPCG(1, 1)), Config{Latent: 2, Basis: custom, A: GP, C: Static}, 4)
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := m2.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bytes.NewReader(buf.Bytes()), nil); err == nil || !strings.Contains(err.Error(), "custom basis \"bumps\"") {
		t.Errorf("custom basis without the basis: %v", err)
	}
	if _, err := Load(bytes.NewReader(buf.Bytes()), custom); err != nil {
		t.Errorf("custom basis: %v", err)
	}
}

// TestReadCSVNamesPhysicalLines checks that errors name the line of the
// file as an editor numbers it, after blank lines and a quoted field with
// a line break (oracle: counting the lines of the input by hand), and the
// column of a bad value.
func TestReadCSVNamesPhysicalLines(t *testing.T) {
	opts := CSVOptions{Trial: "trial", Conditions: []string{"theta"}}
	cases := []struct {
		name, in, want string
	}{
		{"blank lines", "trial,theta,n1\n\n0,0.1,1\n\n\n0,0.2,x\n", "line 6, column \"n1\": \"x\" is not a finite number"},
		{"quoted break", "trial,theta,n1\n\"a\nb\",0.1,1\n\"a\nb\",0.2,Inf\n", "line 5, column \"n1\": \"Inf\""},
		{"bad condition", "trial,theta,n1\n0,0.1,1\n\n0,NaN,2\n", "line 4, condition column \"theta\": \"NaN\""},
		{"returning trial", "trial,theta,n1\n0,0.1,1\n\n1,0.2,2\n\n0,0.3,3\n", "line 6: trial \"0\" appears again"},
		{"ragged row", "trial,theta,n1\n0,0.1,1\n0,0.2\n", "record on line 3: wrong number of fields"},
		{"unknown column", "trial,heading,n1\n0,0.1,1\n", "condition column \"theta\" is not in the header"},
		{"no rows", "trial,theta,n1\n\n", "no data rows"},
	}
	for _, c := range cases {
		_, err := ReadCSV(strings.NewReader(c.in), opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	ds, err := ReadCSV(strings.NewReader("trial,theta,n1\n\n0,0.1,1\n\n0,0.2,\n1,0.3,3\n"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Trials) != 2 || ds.Trials[0].Len() != 2 || ds.Trials[0].Mask[1] || ds.Trials[1].Mask != nil {
		t.Fatalf("blank lines changed the trials: %d trials, masks %v %v", len(ds.Trials), ds.Trials[0].Mask, ds.Trials[1].Mask)
	}
}

// FuzzDatasetFromArrays checks that reading two .npy files never panics
// and that an accepted data set is a valid set of trials for a model of
// its size.
func FuzzDatasetFromArrays(f *testing.F) {
	nan := math.NaN()
	for _, a := range [][2]*npy.Array{
		{{Shape: []int{2, 3, 2}, Data: []float64{1, 2, nan, 4, 5, 6, 1, 1, 2, 2, nan, nan}}, {Shape: []int{2, 3}, Data: []float64{0.1, 0.2, 0.3, 1, 2, nan}}},
		{{Shape: []int{4, 2}, Data: make([]float64, 8)}, {Shape: []int{4}, Data: make([]float64, 4)}},
		{{Shape: []int{1, 1, 1}, Data: []float64{nan}}, nil},
	} {
		var y, u bytes.Buffer
		if err := npy.Write(&y, a[0]); err != nil {
			f.Fatal(err)
		}
		if a[1] != nil {
			if err := npy.Write(&u, a[1]); err != nil {
				f.Fatal(err)
			}
		}
		f.Add(y.Bytes(), u.Bytes())
	}
	f.Fuzz(func(t *testing.T, yb, ub []byte) {
		y, err := npy.Read(bytes.NewReader(yb))
		if err != nil {
			return
		}
		var u *npy.Array
		if len(ub) > 0 {
			if u, err = npy.Read(bytes.NewReader(ub)); err != nil {
				return
			}
		}
		ds, err := DatasetFromArrays(y, u)
		if err != nil {
			return
		}
		if len(ds.Trials) != len(ds.TrialIDs) || len(ds.Trials) == 0 {
			t.Fatalf("%d trials, %d ids", len(ds.Trials), len(ds.TrialIDs))
		}
		cfg := Config{Latent: 1, A: Static, C: Static}
		if M := len(ds.Conditions); M > 0 {
			cfg.Basis = Constant{M: M}
		}
		m := must(NewModel(rand.New(rand.NewPCG(1, 1)), cfg, len(ds.Neurons)))
		if err := m.ValidateTrials(ds.Trials); err != nil {
			t.Fatalf("accepted data set is invalid: %v", err)
		}
	})
}

// TestSqrtZScoreStandardisesTheRootedCounts checks the preprocessing on a
// small data set (oracle: the mean and standard deviation of the square
// roots, computed by hand) and that masked bins are left out.
func TestSqrtZScoreStandardisesTheRootedCounts(t *testing.T) {
	ds := &Dataset{Trials: []Trial{
		{Y: mat.NewDense(2, 2, []float64{0, 1, 4, 9})},
		{Y: mat.NewDense(2, 2, []float64{16, 25, -1, math.NaN()}), Mask: []bool{true, false}},
	}}
	if err := ds.SqrtZScore(); err != nil {
		t.Fatal(err)
	}
	roots := []float64{0, 1, 2, 3, 4, 5} // mean 2.5, population sd sqrt(35/12)
	sd := math.Sqrt(35.0 / 12)
	got := append(append([]float64(nil), ds.Trials[0].Y.RawMatrix().Data...), ds.Trials[1].Y.RawRowView(0)...)
	for i, r := range roots {
		if math.Abs(got[i]-(r-2.5)/sd) > 1e-12 {
			t.Fatalf("value %d: %v, want %v", i, got[i], (r-2.5)/sd)
		}
	}
	bad := &Dataset{Trials: []Trial{{Y: mat.NewDense(1, 2, []float64{1, -2})}}}
	if err := bad.SqrtZScore(); err == nil || !strings.Contains(err.Error(), "trials[0].Y[0,1] = -2 is negative") {
		t.Errorf("negative count: %v", err)
	}
	flat := &Dataset{Trials: []Trial{{Y: mat.NewDense(1, 2, []float64{3, 3})}}}
	if err := flat.SqrtZScore(); err == nil || !strings.Contains(err.Error(), "no spread") {
		t.Errorf("constant data: %v", err)
	}
	tr := Trial{Y: mat.NewDense(2, 1, nil), U: mat.NewDense(2, 1, []float64{0.5, 1.5})}
	if c := tr.Conditions(); len(c) != 2 || c[1][0] != 1.5 {
		t.Errorf("Conditions = %v", c)
	}
}
