package spikes_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neuronb/neuronb/neuro/similarity"
	"github.com/neuronb/neuronb/neuro/spikes"
)

// From a recording to neuro/similarity: 30 units tuned to 8 stimuli, each
// shown 20 times for 0.5 s; the stimulus × unit rate matrices of the first
// and second half of the presentations are compared with linear CKA. The
// same units agree across halves; a shuffled stimulus order does not.
func Example_similarityOfTwoHalves() {
	rng := rand.New(rand.NewPCG(4, 2))
	const units, stimuli, repeats = 30, 8, 20
	var starts, ends []float64
	var labels []string
	for r := 0; r < repeats; r++ {
		for _, s := range rng.Perm(stimuli) {
			t0 := float64(len(starts))
			starts, ends, labels = append(starts, t0), append(ends, t0+0.5), append(labels, fmt.Sprint("stim ", s))
		}
	}
	times := make([][]float64, units)
	for u := range times {
		pref := rng.Float64() * stimuli
		for i, lab := range labels {
			var s float64
			if _, err := fmt.Sscanf(lab, "stim %g", &s); err != nil {
				panic(err)
			}
			rate := 5 + 40*math.Exp(-math.Pow(math.Mod(s-pref+stimuli*1.5, stimuli)-stimuli/2, 2)/2)
			for t := starts[i] + rng.ExpFloat64()/rate; t < ends[i]; t += rng.ExpFloat64() / rate {
				times[u] = append(times[u], t)
			}
		}
	}
	g, err := spikes.NewTsGroup(times, nil, nil)
	check(err)
	half := func(first bool, labels []string) *spikes.Responses {
		var idx []int
		for i := range starts {
			if (i < len(starts)/2) == first {
				idx = append(idx, i)
			}
		}
		ep, err := spikes.NewIntervalSet(starts, ends, &spikes.Metadata{Strings: map[string][]string{"stimulus": labels}})
		check(err)
		ep, err = ep.Select(idx)
		check(err)
		r, err := g.Responses(ep, "stimulus")
		check(err)
		return r
	}
	a, b := half(true, labels), half(false, labels)
	shuffled := append([]string(nil), labels...)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	c := half(false, shuffled)
	same, err := similarity.LinearCKA(a.Rates, b.Rates)
	check(err)
	mixed, err := similarity.LinearCKA(a.Rates, c.Rates)
	check(err)
	fmt.Printf("CKA between halves %.2f, with shuffled stimuli %.2f\n", same, mixed)
	// Output: CKA between halves 1.00, with shuffled stimuli 0.16
}
