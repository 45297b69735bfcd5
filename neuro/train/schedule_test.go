package train_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/neuronb/neuronb/neuro/train"
)

// Oracle: the closed form at the schedule's corners. With total = 200,
// warmup 5% (W = 10) and plateau 5% (P = 190): 0 at the start, 1/2 halfway
// through the warmup, 1 at its end, ½(1 + cos(π/2)) = 1/2 halfway through
// the cosine (step 105), and the cosine's value at step 190 from there on.
func TestWarmupCosineCorners(t *testing.T) {
	f := func(s int) float64 { return train.WarmupCosine(s, 200, 0.05, 0.05) }
	plateau := 0.5 * (1 + math.Cos(math.Pi*180/190))
	for _, c := range []struct {
		step int
		want float64
	}{{0, 0}, {5, 0.5}, {10, 1}, {105, 0.5}, {190, plateau}, {199, plateau}, {1000, plateau}} {
		if got := f(c.step); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("step %d: %v, want %v", c.step, got, c.want)
		}
	}
	for s := 11; s < 190; s++ {
		if f(s) >= f(s-1) {
			t.Fatalf("not decreasing at step %d", s)
		}
	}
	if got := train.WarmupCosine(3, 100, 0, 0); math.Abs(got-0.5*(1+math.Cos(math.Pi*0.03))) > 1e-15 {
		t.Errorf("no warmup, no plateau: step 3 gives %v", got)
	}
}

func ExampleWarmupCosine() {
	for _, s := range []int{0, 5, 10, 100, 195} {
		fmt.Printf("step %3d: lr × %.3f\n", s, train.WarmupCosine(s, 200, 0.05, 0.05))
	}
	// Output:
	// step   0: lr × 0.000
	// step   5: lr × 0.500
	// step  10: lr × 1.000
	// step 100: lr × 0.541
	// step 195: lr × 0.007
}
