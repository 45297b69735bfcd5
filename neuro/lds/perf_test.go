package lds

import (
	"errors"
	"math/rand/v2"
	"testing"
)

// benchTrial builds a D=8, N=100 model and a trial of length T, with
// static or time-varying C.
func benchTrial(T int, varyingC bool) (*Model, Trial) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := randModel(rng, 8, 100)
	tr := randTrial(rng, m, T, false, false)
	if varyingC {
		tr.Varying = &Varying{C: randFlat(rng, T*100*8, 1)}
	}
	return m, tr
}

// TestSmootherDoesNotAllocate asserts the hot loop's contract: once the
// buffers have grown to the trial length, Smooth and Filter allocate
// nothing, whatever the number of steps (so nothing per step).
func TestSmootherDoesNotAllocate(t *testing.T) {
	for _, varyingC := range []bool{false, true} {
		m, tr := benchTrial(200, varyingC)
		s, err := NewSmoother(m)
		if err != nil {
			t.Fatal(err)
		}
		var p Posterior
		if err := s.Smooth(&tr, &p); err != nil {
			t.Fatal(err)
		}
		var runErr error
		if a := testing.AllocsPerRun(5, func() { runErr = errors.Join(runErr, s.Smooth(&tr, &p)) }); a != 0 {
			t.Errorf("varying C=%v: Smooth allocates %.0f times per call of 200 steps", varyingC, a)
		}
		if a := testing.AllocsPerRun(5, func() { runErr = errors.Join(runErr, s.Filter(&tr, &p.Filtered)) }); a != 0 {
			t.Errorf("varying C=%v: Filter allocates %.0f times per call", varyingC, a)
		}
		if runErr != nil {
			t.Fatal(runErr)
		}
	}
}

// BenchmarkSmoother measures filter+smoother throughput at D=8, N=100,
// T=10,000 with a full (non-diagonal) R, reporting time steps per second.
func BenchmarkSmoother(b *testing.B) {
	for _, c := range []struct {
		name     string
		varyingC bool
	}{{"staticC", false}, {"varyingC", true}} {
		b.Run(c.name, func(b *testing.B) {
			const T = 10000
			m, tr := benchTrial(T, c.varyingC)
			s, err := NewSmoother(m)
			if err != nil {
				b.Fatal(err)
			}
			var p Posterior
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := s.Smooth(&tr, &p); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(T)*float64(b.N)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}
