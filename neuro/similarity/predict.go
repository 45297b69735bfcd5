package similarity

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Prediction is the random-matrix forecast of what a recording of N neurons
// will measure.
type Prediction struct {
	// Q is the Ledoit–Péché overlap matrix (sample modes × population modes).
	Q *mat.Dense
	// M = Q M̃ is the expected overlap matrix between the sample modes and
	// the modes of the fully observed representation.
	M *mat.Dense
	// CKA = Σ λᵢ μₐ M_ia / sqrt(Σλ² Σμ²) and CCA = (1/k) Σ_{i,a<k} M_ia are
	// the expected sample measures.
	CKA, CCA float64
}

// Predict forecasts the sample CKA and CCA_k between a representation
// recorded with N neurons and a fully observed one. lambda are the sample
// eigenvalues of the recording (observed or averaged over draws; zeros
// allowed), population the P eigenvalues λ̃ of the population it was
// sampled from, mu the eigenvalues of the other representation, mTilde the
// population overlap matrix M̃ (population modes × modes of mu) and
// q = P/N. Cross terms vanish by sign symmetry, so
//
//	E[M] ≈ Q M̃,  E[CKA] ≈ Σ λᵢ μₐ (Q M̃)_ia / sqrt(Σλᵢ² Σμₐ²).
func Predict(lambda, population, mu []float64, mTilde mat.Matrix, q float64, k int, s *StieltjesSettings) (*Prediction, error) {
	if mTilde == nil {
		return nil, fmt.Errorf("similarity: population overlap M̃ is nil")
	}
	r, c := mTilde.Dims()
	if r != len(population) {
		return nil, fmt.Errorf("similarity: M̃ has %d rows but the population spectrum has %d eigenvalues; they must match", r, len(population))
	}
	if c != len(mu) {
		return nil, fmt.Errorf("similarity: M̃ has %d columns but the other spectrum has %d eigenvalues; they must match", c, len(mu))
	}
	if k < 1 {
		return nil, fmt.Errorf("similarity: CCA needs k >= 1 modes, got %d", k)
	}
	qm, err := SelfOverlap(lambda, population, q, s)
	if err != nil {
		return nil, err
	}
	m := mat.NewDense(len(lambda), c, nil)
	m.Mul(qm, mTilde)
	cka, err := SpectralCKA(lambda, mu, m)
	if err != nil {
		return nil, err
	}
	cca := spectralCCA(m, k)
	return &Prediction{Q: qm, M: m, CKA: cka, CCA: cca}, nil
}

// checkSpectrum validates a list of eigenvalues.
func checkSpectrum(name string, v []float64) error {
	if len(v) == 0 {
		return fmt.Errorf("similarity: %s spectrum is empty", name)
	}
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("similarity: %s eigenvalue %d is %v", name, i, x)
		}
	}
	return nil
}
