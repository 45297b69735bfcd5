package similarity

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/parallel"
)

// SelfOverlap returns the Ledoit–Péché matrix Q (len(lambda) × len(population))
// of expected squared overlaps between sample eigenvector i, with sample
// eigenvalue λᵢ, and population eigenvector j, with eigenvalue λ̃ⱼ, for a
// sample covariance of aspect ratio q = P/N:
//
//	Q_ij = E[(uᵢ·ũⱼ)²]
//	     = (1/P) q λ̃ⱼ λᵢ / ( [λ̃ⱼ(1−q) − λᵢ + q λ̃ⱼ λᵢ h(λᵢ)]² + [q λ̃ⱼ λᵢ π ρ(λᵢ)]² ),
//
// with h + iπρ = g(λᵢ − i0⁺) from SolveStieltjes. Each row sums to 1 when λᵢ
// lies inside the support of the limiting sample spectrum. A sample
// eigenvalue of one draw that fluctuated past an edge of the support is
// evaluated at the nearest edge (the formula is continuous there, while
// just outside the support it loses its normalisation). Rows for
// λᵢ ≤ 0 (the null space of a sample with fewer neurons than stimuli) are
// zero. population must list all P population eigenvalues (zeros allowed)
// on the same scale as lambda: both are eig(X Xᵀ/(P·N)) of their own
// representation.
func SelfOverlap(lambda, population []float64, q float64, s *StieltjesSettings) (*mat.Dense, error) {
	set, err := s.defaults()
	if err != nil {
		return nil, err
	}
	if err := checkStieltjesInput(lambda, population, q); err != nil {
		return nil, err
	}
	return selfOverlap(lambda, newStieltjesProblem(population, q, set)), nil
}

// selfOverlap is SelfOverlap on a validated problem.
func selfOverlap(lambda []float64, sp *stieltjesProblem) *mat.Dense {
	population, q := sp.population, sp.q
	st := solveStieltjes(lambda, sp)
	at := append([]float64(nil), lambda...)
	g := append([]complex128(nil), st.G...)
	var moved []int
	for i, l := range lambda {
		if l > 0 && outsideSupport(g[i]) {
			moved = append(moved, i)
		}
	}
	parallel.For(len(moved), sp.set.Workers, func(_, k int) {
		i := moved[k]
		at[i], g[i] = sp.nearestEdge(lambda[i])
	})
	out := selfOverlapFrom(at, population, q, g)
	// At an edge the unit row sum holds only in the limit; restore it.
	for _, i := range moved {
		row := out.RawRowView(i)
		var s float64
		for _, v := range row {
			s += v
		}
		if s > 0 {
			for j := range row {
				row[j] /= s
			}
		}
	}
	return out
}

// outsideSupport reports a point where the limiting density vanishes.
func outsideSupport(g complex128) bool {
	return imag(g) <= 1e-9*math.Abs(real(g))
}

// nearestEdge moves a sample eigenvalue that fell outside the support of
// the limiting spectrum (a fluctuation of one draw past an edge) to the
// nearest point of the support, where the Ledoit–Péché formula is
// continuous, and returns that point and g there. It searches outwards on
// both sides with doubling steps, then bisects to the edge.
func (sp *stieltjesProblem) nearestEdge(l float64) (float64, complex128) {
	inside := func(x float64) (bool, complex128) {
		if !(x > 0) {
			return false, 0
		}
		g, _, _ := sp.solve(x)
		return !outsideSupport(g), g
	}
	for d := 1e-4 * l; d < 1e3*l; d *= 2 {
		for _, x := range []float64{l - d, l + d} {
			ok, g := inside(x)
			if !ok {
				continue
			}
			out, in, gin := l, x, g
			for it := 0; it < 30; it++ {
				mid := 0.5 * (out + in)
				if okm, gm := inside(mid); okm {
					in, gin = mid, gm
				} else {
					out = mid
				}
			}
			return in, gin
		}
	}
	g, _, _ := sp.solve(l)
	return l, g
}

func selfOverlapFrom(lambda, population []float64, q float64, g []complex128) *mat.Dense {
	p := float64(len(population))
	out := mat.NewDense(len(lambda), len(population), nil)
	raw := out.RawMatrix()
	for i, l := range lambda {
		if !(l > 0) {
			continue
		}
		h, im := real(g[i]), imag(g[i])
		row := raw.Data[i*raw.Stride : i*raw.Stride+len(population)]
		var sum float64
		for j, lt := range population {
			if lt <= 0 {
				continue
			}
			re := lt*(1-q) - l + q*lt*l*h
			ii := q * lt * l * im
			row[j] = q * lt * l / (re*re + ii*ii) / p
			sum += row[j]
		}
		if outsideSupport(g[i]) && sum > 0 {
			// Outside the support the formula keeps its shape but loses its
			// normalisation; a sample eigenvector's squared overlaps with a
			// complete population basis sum to exactly 1.
			for j := range row {
				row[j] /= sum
			}
		}
	}
	return out
}

// Localization summarises how well sample eigenvectors keep their
// population identity.
type Localization struct {
	// Diagonal[i] = Q_ii, the expected squared overlap of sample eigenvector i
	// with population eigenvector i.
	Diagonal []float64
	// EffectiveDimension[i] = 1/Q_ii: the number of population modes sample
	// mode i is spread over (Inf when Q_ii = 0).
	EffectiveDimension []float64
	// Localized counts the leading modes with Q_ii > Threshold, the paper's
	// criterion for a localized eigenvector being 1/Q_ii < 2.
	Localized int
	Threshold float64
}

// Localize returns the localization diagnostics of an overlap matrix Q
// (sample modes × population modes). threshold <= 0 means 0.5.
func Localize(q mat.Matrix, threshold float64) (*Localization, error) {
	if q == nil {
		return nil, fmt.Errorf("similarity: overlap matrix Q is nil")
	}
	if threshold <= 0 {
		threshold = 0.5
	}
	r, c := q.Dims()
	n := min(r, c)
	loc := &Localization{Diagonal: make([]float64, n), EffectiveDimension: make([]float64, n), Threshold: threshold}
	counting := true
	for i := 0; i < n; i++ {
		d := q.At(i, i)
		if math.IsNaN(d) {
			return nil, fmt.Errorf("similarity: Q[%d,%d] is NaN", i, i)
		}
		loc.Diagonal[i] = d
		loc.EffectiveDimension[i] = 1 / d
		if counting && d > threshold {
			loc.Localized++
		} else {
			counting = false
		}
	}
	return loc, nil
}
