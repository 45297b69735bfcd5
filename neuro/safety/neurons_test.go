package safety_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/safety"
)

func TestNewNeuronSetSortsAndValidates(t *testing.T) {
	s, err := safety.NewNeuronSet(3, 10, []safety.Neuron{{2, 7}, {0, 4}, {2, 1}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s[2], []int{1, 7}) || !slices.Equal(s[0], []int{4}) || len(s[1]) != 0 || s.Len() != 3 {
		t.Errorf("set %v", s)
	}
	if !s.Contains(safety.Neuron{2, 7}) || s.Contains(safety.Neuron{1, 7}) || s.Contains(safety.Neuron{5, 0}) {
		t.Error("Contains is wrong")
	}
	if got := s.Neurons(); !slices.Equal(got, []safety.Neuron{{0, 4}, {2, 1}, {2, 7}}) {
		t.Errorf("Neurons() = %v", got)
	}
	for _, c := range []struct {
		ns   []safety.Neuron
		want string
	}{
		{[]safety.Neuron{{0, 1}, {3, 0}}, "neurons[1] = L3.0 is outside 3 layers × 10 neurons"},
		{[]safety.Neuron{{0, 10}}, "neurons[0] = L0.10"},
		{[]safety.Neuron{{1, 2}, {1, 2}}, "neuron L1.2 appears twice"},
	} {
		if _, err := safety.NewNeuronSet(3, 10, c.ns); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want an error containing %q, got %v", c.want, err)
		}
	}
}

// Oracle: the control's definition, per-layer counts equal to the
// reference set's, neurons distinct and in range, and different draws
// for different seeds.
func TestRandomMatchedKeepsPerLayerCounts(t *testing.T) {
	like := safety.NeuronSet{{1, 2, 3}, {}, {5, 9}}
	seen := map[string]bool{}
	for seed := uint64(0); seed < 20; seed++ {
		r, err := safety.RandomMatched(like, 12, rand.New(rand.NewPCG(seed, 0)))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.Counts(), like.Counts()) {
			t.Fatalf("counts %v, want %v", r.Counts(), like.Counts())
		}
		if _, err := safety.NewNeuronSet(3, 12, r.Neurons()); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		seen[fmt.Sprint([][]int(r))] = true
	}
	if len(seen) < 10 {
		t.Errorf("only %d distinct draws in 20 seeds", len(seen))
	}
	if _, err := safety.RandomMatched(safety.NeuronSet{{1, 2, 3}}, 2, rand.New(rand.NewPCG(1, 1))); err == nil ||
		!strings.Contains(err.Error(), "layer 0 has 3 neurons, more than d_mlp = 2") {
		t.Errorf("RandomMatched with too many neurons: %v", err)
	}
	if all := safety.AllNeurons(2, 4); all.Len() != 8 || !slices.Equal(all[1], []int{0, 1, 2, 3}) {
		t.Errorf("AllNeurons(2, 4) = %v", all)
	}
}
