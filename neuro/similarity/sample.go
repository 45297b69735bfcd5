package similarity

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Sampling is a model of recording N neurons from a population of Ñ.
type Sampling int

const (
	// GaussianProjection records N random linear combinations of the
	// population's neurons: X = X̃R with R (Ñ×N) i.i.d. N(0, 1/Ñ).
	GaussianProjection Sampling = iota
	// NeuronSubsampling records N distinct neurons chosen uniformly at random.
	NeuronSubsampling
)

func (s Sampling) String() string {
	switch s {
	case GaussianProjection:
		return "gaussian projection"
	case NeuronSubsampling:
		return "neuron subsampling"
	}
	return fmt.Sprintf("Sampling(%d)", int(s))
}

// SampleNeurons draws a recording of n neurons from the population pop
// (P stimuli × Ñ neurons). Both models keep the variance per neuron,
// E[X Xᵀ / N] = X̃ X̃ᵀ / Ñ, so the sample spectrum eig(X Xᵀ/(P·N)) and the
// population spectrum eig(X̃ X̃ᵀ/(P·Ñ)) are on the same scale.
//
// The paper writes the same models as X = X̃R with R ~ N(0, 1/N) and as
// X̃[:, idx]·√(Ñ/N), so that E[X Xᵀ] = X̃ X̃ᵀ, and divides every Gram
// matrix by Ñ. Dividing each Gram matrix by its own neuron count, as
// Spectrum does, gives the identical eigenvalues draw by draw without
// having to know Ñ, so here the √(Ñ/N) factor lives in the normalisation
// rather than in the data. NeuronSubsampling needs n <= Ñ.
func SampleNeurons(pop mat.Matrix, n int, how Sampling, rng *rand.Rand) (*mat.Dense, error) {
	if err := checkRepresentation("population", pop); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, fmt.Errorf("similarity: SampleNeurons needs a random source (rng is nil)")
	}
	p, nt := pop.Dims()
	if n < 1 {
		return nil, fmt.Errorf("similarity: cannot record %d neurons; need n >= 1", n)
	}
	switch how {
	case GaussianProjection:
		r := mat.NewDense(nt, n, nil)
		sd := 1 / math.Sqrt(float64(nt))
		for i := range r.RawMatrix().Data {
			r.RawMatrix().Data[i] = rng.NormFloat64() * sd
		}
		x := mat.NewDense(p, n, nil)
		x.Mul(pop, r)
		return x, nil
	case NeuronSubsampling:
		if n > nt {
			return nil, fmt.Errorf("similarity: cannot subsample %d neurons from a population of %d (%d×%d)", n, nt, p, nt)
		}
		idx := rng.Perm(nt)[:n]
		x := mat.NewDense(p, n, nil)
		for c, j := range idx {
			for i := 0; i < p; i++ {
				x.Set(i, c, pop.At(i, j))
			}
		}
		return x, nil
	}
	return nil, fmt.Errorf("similarity: unknown sampling model %d", int(how))
}
