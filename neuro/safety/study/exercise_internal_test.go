package study

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/transformer"
)

// handMade is an exercise over random activations whose expected scores
// are the formula evaluated directly.
func handMade() *ChangeScoreExercise {
	rng := rand.New(rand.NewPCG(1, 2))
	n, d := 7, 5
	a1, a2 := transformer.NewTensor(n, d), transformer.NewTensor(n, d)
	for i := range a1.Data {
		a1.Data[i], a2.Data[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	want := make([]float64, d)
	for i := range want {
		for r := 0; r < n; r++ {
			x := float64(a1.Data[r*d+i]) - float64(a2.Data[r*d+i])
			want[i] += x * x / float64(n)
		}
		want[i] = math.Sqrt(want[i])
	}
	return &ChangeScoreExercise{Layer: 2, A1: a1, A2: a2, want: want}
}

// Oracle: the formula written out, and each common mistake made on
// purpose; the checker must name each one.
func TestChangeScoreCheckerNamesTheMistake(t *testing.T) {
	e := handMade()
	n, d := e.A1.Shape[0], e.A1.Shape[1]
	transform := func(f func(i int) float64) []float64 {
		s := make([]float64, d)
		for i := range s {
			s[i] = f(i)
		}
		return s
	}
	meanAbs := transform(func(i int) float64 {
		m := 0.0
		for r := 0; r < n; r++ {
			m += math.Abs(float64(e.A1.Data[r*d+i])-float64(e.A2.Data[r*d+i])) / float64(n)
		}
		return m
	})
	for _, c := range []struct {
		S    []float64
		want string
	}{
		{e.want, "✓ correct"},
		{make([]float64, d), "placeholder"},
		{make([]float64, d+1), "6 values"},
		{transform(func(i int) float64 { return e.want[i] * e.want[i] }), "S²"},
		{transform(func(i int) float64 { return e.want[i] * math.Sqrt(float64(n)) }), "divide the sum of squares by the number of positions"},
		{transform(func(i int) float64 { return e.want[i] * e.want[i] * float64(n) }), "sum of squared differences"},
		{transform(func(i int) float64 { return -e.want[i] }), "negative"},
		{meanAbs, "mean absolute difference"},
		{transform(func(i int) float64 { return e.want[i] + float64(i)*0.1 }), "neuron 4 has S"},
	} {
		if got := e.Check(c.S); !strings.Contains(got, c.want) {
			t.Errorf("Check(%v) = %q, want it to mention %q", c.S, got, c.want)
		}
	}
}
