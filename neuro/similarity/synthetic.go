package similarity

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// PowerLawSpectrum returns λ_k = k^(−alpha) for k = 1…n.
func PowerLawSpectrum(n int, alpha float64) []float64 {
	out := make([]float64, n)
	for k := range out {
		out[k] = math.Pow(float64(k+1), -alpha)
	}
	return out
}

// centredBasis returns a Haar-random orthonormal basis (P × (P−1)) of the
// stimulus subspace orthogonal to the all-ones vector, so that populations
// built on it are column-centred.
func centredBasis(p int, rng *rand.Rand) *mat.Dense {
	g := mat.NewDense(p, p-1, nil)
	for i := range g.RawMatrix().Data {
		g.RawMatrix().Data[i] = rng.NormFloat64()
	}
	for j := 0; j < p-1; j++ {
		var m float64
		for i := 0; i < p; i++ {
			m += g.At(i, j)
		}
		m /= float64(p)
		for i := 0; i < p; i++ {
			g.Set(i, j, g.At(i, j)-m)
		}
	}
	return haarColumns(g)
}

// haarOrthogonal returns a Haar-distributed n×n orthogonal matrix.
func haarOrthogonal(n int, rng *rand.Rand) *mat.Dense {
	g := mat.NewDense(n, n, nil)
	for i := range g.RawMatrix().Data {
		g.RawMatrix().Data[i] = rng.NormFloat64()
	}
	return haarColumns(g)
}

// haarColumns orthonormalises the columns of a Gaussian matrix by QR with
// the signs fixed so that R has a positive diagonal (Mezzadri's recipe for
// Haar measure).
func haarColumns(g *mat.Dense) *mat.Dense {
	r, c := g.Dims()
	var qr mat.QR
	qr.Factorize(g)
	var q, rr mat.Dense
	qr.QTo(&q)
	qr.RTo(&rr)
	out := mat.DenseCopyOf(q.Slice(0, r, 0, c))
	for j := 0; j < c; j++ {
		if rr.At(j, j) < 0 {
			for i := 0; i < r; i++ {
				out.Set(i, j, -out.At(i, j))
			}
		}
	}
	return out
}

// populationOn returns X̃ = P · B diag(√λ) Bᵀ for an orthonormal basis B
// (P×d): the symmetric square root of the Gram matrix B diag(λ) Bᵀ, scaled
// so that eig(X̃X̃ᵀ/(P·P)) = λ. Like the paper's populations (matrix square
// roots of Gram matrices), it has P neurons that are not orthogonal to each
// other, which neuron subsampling and the moment-based estimator assume.
// B ⟂ 1 makes X̃ column-centred.
func populationOn(b *mat.Dense, lam []float64) *mat.Dense {
	p, d := b.Dims()
	bs := mat.DenseCopyOf(b)
	for j := 0; j < d; j++ {
		s := math.Sqrt(lam[j]) * float64(p)
		for i := 0; i < p; i++ {
			bs.Set(i, j, bs.At(i, j)*s)
		}
	}
	x := mat.NewDense(p, p, nil)
	x.Mul(bs, b.T())
	return x
}

// Pair is a synthetic pair of population representations.
type Pair struct {
	// X and Y are P stimuli × P neurons, column-centred: symmetric square
	// roots of Gram matrices with the shared spectrum.
	X, Y *mat.Dense
	// CKA and CCA are the population CKA and CCA_10 between X and Y.
	CKA, CCA float64
	// Time is the geodesic parameter t of the rotation that produced Y.
	Time float64
}

// PowerLawPair builds two representations of p stimuli that share the
// power-law spectrum λ_k = k^(−alpha) (k = 1…p−1) and whose population CKA
// is targetCKA (to 1e-4), as in the paper's Fig. 2. Y's eigenvectors are
// X's rotated along a geodesic of the rotation group, exp(tA) with A a
// random skew-symmetric generator (Haar eigenbasis, rotation angles uniform
// in (−π, π)), and t ∈ [0, 1] is found by bisection on the CKA.
func PowerLawPair(p int, alpha, targetCKA float64, seed uint64) (*Pair, error) {
	if p < 4 {
		return nil, fmt.Errorf("similarity: PowerLawPair needs at least 4 stimuli, got %d", p)
	}
	if !(alpha > 0) || math.IsInf(alpha, 0) {
		return nil, fmt.Errorf("similarity: power-law exponent alpha must be positive and finite, got %v", alpha)
	}
	if !(targetCKA > 0 && targetCKA <= 1) {
		return nil, fmt.Errorf("similarity: target CKA must lie in (0, 1], got %v", targetCKA)
	}
	rng := rand.New(rand.NewPCG(seed, 0x9a17))
	d := p - 1
	lam := PowerLawSpectrum(d, alpha)
	basis := centredBasis(p, rng)
	x := populationOn(basis, lam)
	if targetCKA == 1 {
		return &Pair{X: x, Y: mat.DenseCopyOf(x), CKA: 1, CCA: 1}, nil
	}
	path := newRotationPath(lam, rng)
	if ck := path.cka(1); ck > targetCKA {
		return nil, fmt.Errorf("similarity: the rotation reaches CKA %.3f at most; target %.3f is too low for p = %d, alpha = %v", ck, targetCKA, p, alpha)
	}
	lo, hi, t := 0.0, 1.0, 0.5
	for it := 0; it < 60; it++ {
		t = 0.5 * (lo + hi)
		ck := path.cka(t)
		if math.Abs(ck-targetCKA) < 1e-4 {
			break
		}
		if ck > targetCKA {
			lo = t
		} else {
			hi = t
		}
	}
	ck := path.cka(t)
	b2 := mat.NewDense(p, d, nil)
	b2.Mul(basis, path.o)
	pr := &Pair{X: x, Y: populationOn(b2, lam), CKA: ck, Time: t}
	for i := 0; i < min(10, d); i++ {
		for a := 0; a < min(10, d); a++ {
			pr.CCA += sq(path.o.At(i, a))
		}
	}
	pr.CCA /= 10
	return pr, nil
}

// rotationPath is the geodesic exp(tA) of the rotation group with a random
// skew-symmetric generator A = C diag(rotations by θₖ) Cᵀ (Haar eigenbasis C,
// angles uniform in (−π, π)), acting on eigenvectors with spectrum lam.
type rotationPath struct {
	lam    []float64
	l2     float64 // Σ λ²
	c      *mat.Dense
	theta  []float64
	rot, o *mat.Dense // scratch, and O(t) after the last call to cka
}

func newRotationPath(lam []float64, rng *rand.Rand) *rotationPath {
	d := len(lam)
	rp := &rotationPath{lam: lam, c: haarOrthogonal(d, rng), theta: make([]float64, d/2),
		rot: mat.NewDense(d, d, nil), o: mat.NewDense(d, d, nil)}
	for i := range rp.theta {
		rp.theta[i] = (2*rng.Float64() - 1) * math.Pi
	}
	for _, v := range lam {
		rp.l2 += v * v
	}
	return rp
}

// cka sets o to O(t) = Cᵀ Rot(t) C, the population eigenvector overlaps
// after rotating by exp(tA), and returns the CKA they imply,
// Σ λᵢ λₐ O_ia² / Σ λ².
func (rp *rotationPath) cka(t float64) float64 {
	rp.rot.Copy(rp.c)
	for k, th := range rp.theta {
		cs, sn := math.Cos(t*th), math.Sin(t*th)
		r0, r1 := rp.rot.RawRowView(2*k), rp.rot.RawRowView(2*k+1)
		c0, c1 := rp.c.RawRowView(2*k), rp.c.RawRowView(2*k+1)
		for j := range r0 {
			r0[j] = cs*c0[j] - sn*c1[j]
			r1[j] = sn*c0[j] + cs*c1[j]
		}
	}
	rp.o.Mul(rp.c.T(), rp.rot)
	var num float64
	for i := range rp.lam {
		for a, v := range rp.o.RawRowView(i) {
			num += rp.lam[i] * rp.lam[a] * v * v
		}
	}
	return num / rp.l2
}

// FlipModels are the three representations of the paper's "CCA flip"
// (Fig. 4): a target (brain) and two models sharing the spectrum k^−1.2,
// whose top-six eigenvectors overlap with the target's by hand-set amounts:
// model 1 maps target modes 0, 1, 2 onto its modes 5, 4, 3 with squared
// overlap 0.65; model 2 maps target modes 5, 4, 3 onto its modes 0, 1, 2
// with squared overlaps 0.9, 0.7, 0.7. Model 2 is closer in population
// CCA_10, but with few recorded target neurons the target's modes 3–5
// delocalise first and the sample CCA ranks model 1 higher.
type FlipModels struct {
	// Target, Model1 and Model2 are P stimuli × P neurons (symmetric square
	// roots of their Gram matrices).
	Target, Model1, Model2 *mat.Dense
	// CCA1, CCA2, CKA1, CKA2: population CCA_10 and CKA of each model with
	// the target.
	CCA1, CCA2, CKA1, CKA2 float64
}

// FlipTriple builds FlipModels on p stimuli (the paper uses p = 200). The
// constrained overlaps are exact; the remaining eigenvectors are
// Haar-random in the complement, drawn from seed.
func FlipTriple(p int, seed uint64) (*FlipModels, error) {
	if p < 14 {
		return nil, fmt.Errorf("similarity: FlipTriple needs at least 14 stimuli, got %d", p)
	}
	rng := rand.New(rand.NewPCG(seed, 0xf11b))
	d := p - 1
	lam := PowerLawSpectrum(d, 1.2)
	basis := centredBasis(p, rng)
	f := &FlipModels{
		Target: populationOn(basis, lam),
		Model1: pinnedModel(basis, lam, []modePin{{5, 0, 0.65}, {4, 1, 0.65}, {3, 2, 0.65}}, rng),
		Model2: pinnedModel(basis, lam, []modePin{{0, 5, 0.9}, {1, 4, 0.7}, {2, 3, 0.7}}, rng),
	}
	var err error
	if f.CKA1, err = LinearCKA(f.Target, f.Model1); err != nil {
		return nil, err
	}
	if f.CKA2, err = LinearCKA(f.Target, f.Model2); err != nil {
		return nil, err
	}
	if f.CCA1, err = CCA(f.Target, f.Model1, 10); err != nil {
		return nil, err
	}
	if f.CCA2, err = CCA(f.Target, f.Model2, 10); err != nil {
		return nil, err
	}
	return f, nil
}

// modePin fixes the squared overlap of a model's mode with a target mode.
type modePin struct {
	model, target int
	overlap       float64
}

// pinnedModel builds a representation with spectrum lam on the target's
// eigenbasis basis whose eigenvector of mode pn.model has squared overlap
// pn.overlap with target mode pn.target for each pin (the rest of it in
// directions orthogonal to target modes 0…5), the other modes 0…5 in those
// directions too, and modes 6… a Haar basis of the orthogonal complement.
func pinnedModel(basis *mat.Dense, lam []float64, pins []modePin, rng *rand.Rand) *mat.Dense {
	d := len(lam)
	// Six orthonormal directions orthogonal to target modes 0…5.
	g := mat.NewDense(d, 6, nil)
	for i := 6; i < d; i++ {
		for j := 0; j < 6; j++ {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	w := haarColumns(g)
	u := mat.NewDense(d, d, nil)
	assigned := map[int]bool{}
	next := 0
	for _, pn := range pins {
		for i := 0; i < d; i++ {
			u.Set(i, pn.model, math.Sqrt(1-pn.overlap)*w.At(i, next))
		}
		u.Set(pn.target, pn.model, math.Sqrt(pn.overlap))
		assigned[pn.model] = true
		next++
	}
	for m := 0; m < 6; m++ {
		if !assigned[m] {
			for i := 0; i < d; i++ {
				u.Set(i, m, w.At(i, next))
			}
			next++
		}
	}
	u.Slice(0, d, 6, d).(*mat.Dense).Copy(complementBasis(mat.DenseCopyOf(u.Slice(0, d, 0, 6)), rng))
	var b mat.Dense
	b.Mul(basis, u)
	return populationOn(&b, lam)
}

// complementBasis returns a Haar-random orthonormal basis (d × (d−k)) of
// the orthogonal complement of the orthonormal columns of top (d×k).
func complementBasis(top *mat.Dense, rng *rand.Rand) *mat.Dense {
	d, k := top.Dims()
	rest := mat.NewDense(d, d-k, nil)
	for i := range rest.RawMatrix().Data {
		rest.RawMatrix().Data[i] = rng.NormFloat64()
	}
	for pass := 0; pass < 2; pass++ {
		c := mat.NewDense(k, d-k, nil)
		c.Mul(top.T(), rest)
		var pr mat.Dense
		pr.Mul(top, c)
		rest.Sub(rest, &pr)
	}
	return haarColumns(rest)
}
