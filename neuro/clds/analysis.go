package clds

import (
	"fmt"
	"math"
	"math/cmplx"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// Grid returns n equally spaced one-dimensional conditions
// lo + (hi−lo)·k/n, k = 0..n−1 (half-open, so a periodic range such as
// [0, 2π) has no duplicate point).
func Grid(lo, hi float64, n int) [][]float64 {
	out := make([][]float64, n)
	for k := range out {
		out[k] = []float64{lo + (hi-lo)*float64(k)/float64(n)}
	}
	return out
}

// Eigenvalues returns the eigenvalues of A(u) sorted by real part, then
// imaginary part. They do not depend on the latent coordinates.
func (m *Model) Eigenvalues(u []float64) []complex128 {
	var e mat.Eigen
	if !e.Factorize(m.A(u), mat.EigenNone) {
		nan := make([]complex128, m.Config.Latent)
		for i := range nan {
			nan[i] = cmplx.NaN()
		}
		return nan
	}
	v := e.Values(nil)
	sort.Slice(v, func(i, j int) bool {
		if real(v[i]) != real(v[j]) {
			return real(v[i]) < real(v[j])
		}
		return imag(v[i]) < imag(v[j])
	})
	return v
}

// Whiten returns the equivalent model in coordinates where Q = I: with
// Q = U S Uᵀ and H = U S^{−1/2} Uᵀ (the reference's identifiability
// transform), x′ = H x, A′ = H A H⁻¹, b′ = H b, C′ = C H⁻¹, m0′ = H m0,
// S0′ = H S0 Hᵀ. The likelihood is unchanged; the GP prior is not
// invariant, so the whitened model is for analysis, not for refitting.
func (m *Model) Whiten() (*Model, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	d := m.Config.Latent
	var eig mat.EigenSym
	if !eig.Factorize(m.Q(), true) {
		return nil, fmt.Errorf("clds: Whiten: eigendecomposition of Q failed")
	}
	vals := eig.Values(nil)
	var u mat.Dense
	eig.VectorsTo(&u)
	h := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			var s float64
			for k := 0; k < d; k++ {
				s += u.At(i, k) * u.At(j, k) / math.Sqrt(vals[k])
			}
			h.Set(i, j, s)
		}
	}
	return m.Transform(h)
}

func symmetrizeFlat(a []float64, n int) {
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			v := 0.5 * (a[i*n+j] + a[j*n+i])
			a[i*n+j], a[j*n+i] = v, v
		}
	}
}

// EigenAngles returns the eigenvalues of A(u) in the Q-whitened
// coordinates (see Whiten; the same values as Eigenvalues) and, for each,
// the angle in [0, π) of its eigenvector's real part in the plane of the
// first two latent dimensions. For the ring attractor the slow mode
// (eigenvalue ≈ 0.9) points along the ring's tangent.
func (m *Model) EigenAngles(u []float64) ([]complex128, []float64, error) {
	if err := m.Validate(); err != nil {
		return nil, nil, err
	}
	if err := m.checkCondition("u", u); err != nil {
		return nil, nil, err
	}
	if m.Config.Latent < 2 {
		return nil, nil, fmt.Errorf("clds: EigenAngles needs a latent dimension >= 2, have %d", m.Config.Latent)
	}
	wm, err := m.Whiten()
	if err != nil {
		return nil, nil, err
	}
	var e mat.Eigen
	if !e.Factorize(wm.A(u), mat.EigenRight) {
		return nil, nil, fmt.Errorf("clds: eigendecomposition of A(u) failed")
	}
	vals := e.Values(nil)
	var vecs mat.CDense
	e.VectorsTo(&vecs)
	idx := make([]int, len(vals))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(i, j int) bool {
		a, b := vals[idx[i]], vals[idx[j]]
		if real(a) != real(b) {
			return real(a) < real(b)
		}
		return imag(a) < imag(b)
	})
	outV := make([]complex128, len(vals))
	angles := make([]float64, len(vals))
	for k, i := range idx {
		outV[k] = vals[i]
		a := math.Atan2(real(vecs.At(1, i)), real(vecs.At(0, i)))
		if a < 0 {
			a += math.Pi
		}
		if a >= math.Pi {
			a -= math.Pi
		}
		angles[k] = a
	}
	return outV, angles, nil
}

// FixedPoint returns the latent fixed point x* = (I − A(u))⁻¹ b(u) of the
// dynamics frozen at condition u.
func (m *Model) FixedPoint(u []float64) (*mat.VecDense, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if err := m.checkCondition("u", u); err != nil {
		return nil, err
	}
	d := m.Config.Latent
	ia := mat.NewDense(d, d, nil)
	ia.Sub(eyeDense(d), m.A(u))
	var x mat.VecDense
	if err := x.SolveVec(ia, m.B(u)); err != nil {
		return nil, fmt.Errorf("clds: FixedPoint: I − A(u) is singular at u=%v: %w", u, err)
	}
	return &x, nil
}

// ObsFixedPoint returns C(u) x* + d(u), the fixed point in observation
// space; unlike x* it does not depend on the latent coordinates, so it can
// be compared between a fit and the truth.
func (m *Model) ObsFixedPoint(u []float64) (*mat.VecDense, error) {
	x, err := m.FixedPoint(u)
	if err != nil {
		return nil, err
	}
	var y mat.VecDense
	y.MulVec(m.C(u), x)
	y.AddVec(&y, m.D(u))
	return &y, nil
}

func eyeDense(d int) *mat.Dense {
	return mat.NewDense(d, d, eye(d))
}

// OnGrid collects A(u), b(u), the eigenvalues and the latent and
// observation-space fixed points for each condition of a grid, so a
// notebook can plot them in one call. FixedPoints[k] and ObsFixedPoints[k]
// are nil where I − A(u) is singular. Its methods return the same values
// as chart-ready series.
type OnGrid struct {
	U              [][]float64
	A              []*mat.Dense
	B              []*mat.VecDense
	Eigenvalues    [][]complex128
	FixedPoints    []*mat.VecDense
	ObsFixedPoints []*mat.VecDense
}

// Evaluate returns m evaluated on grid (see Grid). Every condition must
// have the basis dimension M.
func (m *Model) Evaluate(grid [][]float64) (*OnGrid, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if len(grid) == 0 {
		return nil, fmt.Errorf("clds: Evaluate: grid is empty")
	}
	g := &OnGrid{U: grid}
	for k, u := range grid {
		if err := m.checkCondition(fmt.Sprintf("grid[%d]", k), u); err != nil {
			return nil, err
		}
		g.A = append(g.A, m.A(u))
		g.B = append(g.B, m.B(u))
		g.Eigenvalues = append(g.Eigenvalues, m.Eigenvalues(u))
		x, y := m.fixedPoints(u)
		g.FixedPoints = append(g.FixedPoints, x)
		g.ObsFixedPoints = append(g.ObsFixedPoints, y)
	}
	return g, nil
}

// fixedPoints returns the latent and observation-space fixed points at u,
// both nil when I − A(u) is singular.
func (m *Model) fixedPoints(u []float64) (x, y *mat.VecDense) {
	x, err := m.FixedPoint(u)
	if err != nil {
		return nil, nil
	}
	y = new(mat.VecDense)
	y.MulVec(m.C(u), x)
	y.AddVec(y, m.D(u))
	return x, y
}

// Condition returns coordinate i of every grid condition (the x axis of
// a plot against a one-dimensional condition: Condition(0)).
func (g *OnGrid) Condition(i int) []float64 {
	out := make([]float64, len(g.U))
	for k, u := range g.U {
		out[k] = u[i]
	}
	return out
}

// AEntries returns the entries of A(u) along the grid as D² series, entry
// (i, j) at index i·D + j.
func (g *OnGrid) AEntries() [][]float64 {
	d, _ := g.A[0].Dims()
	out := make([][]float64, d*d)
	for _, a := range g.A {
		for e := range out {
			out[e] = append(out[e], a.At(e/d, e%d))
		}
	}
	return out
}

// BEntries returns the entries of b(u) along the grid as D series.
func (g *OnGrid) BEntries() [][]float64 {
	out := make([][]float64, g.B[0].Len())
	for _, b := range g.B {
		for i := range out {
			out[i] = append(out[i], b.AtVec(i))
		}
	}
	return out
}

// EigenvalueCurves returns the real parts of the sorted eigenvalues (see
// Eigenvalues) along the grid as D series, slowest-decaying last.
func (g *OnGrid) EigenvalueCurves() [][]float64 {
	out := make([][]float64, len(g.Eigenvalues[0]))
	for _, ev := range g.Eigenvalues {
		for i := range out {
			out[i] = append(out[i], real(ev[i]))
		}
	}
	return out
}

// FixedPointPath returns the latent fixed points along the grid as the
// rows of a (points × D) matrix, a path for widgets.Trajectories or a
// curve over a flow field; rows where I − A(u) is singular hold NaN.
func (g *OnGrid) FixedPointPath() *mat.Dense {
	d := len(g.Eigenvalues[0])
	out := mat.NewDense(len(g.U), d, nil)
	for k, x := range g.FixedPoints {
		for i := 0; i < d; i++ {
			v := math.NaN()
			if x != nil {
				v = x.AtVec(i)
			}
			out.Set(k, i, v)
		}
	}
	return out
}

// Field is a two-dimensional vector field on a rectangular grid: at
// (X[i], Y[j]) the velocity is (DX[j,i], DY[j,i]); NaN marks points with
// no value (empty bins of a composite field). The layout is the one
// widgets.FlowField takes: widgets.FlowField(f.X, f.Y, f.DX, f.DY, o).
type Field struct {
	X, Y   []float64
	DX, DY *mat.Dense
}

// Defined returns the number of grid points with a value (not NaN).
func (f *Field) Defined() int {
	var n int
	for _, v := range f.DX.RawMatrix().Data {
		if !math.IsNaN(v) {
			n++
		}
	}
	return n
}

// FlowField returns the velocity (A(u) − I) x + b(u) of the dynamics
// frozen at condition u, on an n×n grid over [lo, hi]² of latent
// dimensions 0 and 1 (other latent coordinates held at 0).
func (m *Model) FlowField(u []float64, lo, hi float64, n int) (*Field, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	d := m.Config.Latent
	if d < 2 {
		return nil, fmt.Errorf("clds: FlowField needs a latent dimension >= 2, have %d", d)
	}
	if n < 2 || !(hi > lo) {
		return nil, fmt.Errorf("clds: FlowField: want n >= 2 and hi > lo, got n=%d, [%v, %v]", n, lo, hi)
	}
	if err := m.checkCondition("u", u); err != nil {
		return nil, err
	}
	a, b := m.A(u), m.B(u)
	f := newField(lo, hi, lo, hi, n)
	for j, y := range f.Y {
		for i, x := range f.X {
			f.DX.Set(j, i, (a.At(0, 0)-1)*x+a.At(0, 1)*y+b.AtVec(0))
			f.DY.Set(j, i, a.At(1, 0)*x+(a.At(1, 1)-1)*y+b.AtVec(1))
		}
	}
	return f, nil
}

// Path returns the noise-free trajectory x_{t+1} = A(u) x_t + b(u) of the
// dynamics frozen at condition u from x0, as the rows x_0 .. x_{steps−1}
// of a steps×D matrix: how the state relaxes towards the fixed point.
func (m *Model) Path(u, x0 []float64, steps int) (*mat.Dense, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	d := m.Config.Latent
	if len(x0) != d || steps < 1 {
		return nil, fmt.Errorf("clds: Path: x0 has length %d and steps=%d, want length D=%d and steps >= 1", len(x0), steps, d)
	}
	if err := m.checkCondition("u", u); err != nil {
		return nil, err
	}
	a, b := m.A(u), m.B(u)
	out := mat.NewDense(steps, d, nil)
	x := mat.NewVecDense(d, append([]float64(nil), x0...))
	for t := 0; t < steps; t++ {
		out.SetRow(t, x.RawVector().Data)
		var next mat.VecDense
		next.MulVec(a, x)
		x.AddVec(&next, b)
	}
	return out, nil
}

func newField(xlo, xhi, ylo, yhi float64, n int) *Field {
	f := &Field{X: make([]float64, n), Y: make([]float64, n), DX: mat.NewDense(n, n, nil), DY: mat.NewDense(n, n, nil)}
	for i := 0; i < n; i++ {
		f.X[i] = xlo + (xhi-xlo)*float64(i)/float64(n-1)
		f.Y[i] = ylo + (yhi-ylo)*float64(i)/float64(n-1)
	}
	return f
}

// CompositeFlow returns the "composite dynamics" of the reference
// (postprocessing.compute_composite_dynamics): the smoothed latents of the
// trials (dimensions 0 and 1) are binned on an n×n grid spanning their
// range; in each bin, A and b are averaged over the time steps whose
// latent falls in it, and the field at the bin centre c is
// (Ā − I) c + b̄. Empty bins hold NaN.
func (m *Model) CompositeFlow(trials []Trial, n int) (*Field, error) {
	if err := m.ValidateTrials(trials); err != nil {
		return nil, err
	}
	d := m.Config.Latent
	if d < 2 || n < 2 {
		return nil, fmt.Errorf("clds: CompositeFlow needs latent dimension >= 2 and n >= 2, have D=%d, n=%d", d, n)
	}
	type point struct{ x, y float64 }
	var pts []point
	var as []*mat.Dense
	var bs []*mat.VecDense
	lo, hi := [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
	for i, tr := range trials {
		p, err := m.Smooth(tr)
		if err != nil {
			return nil, fmt.Errorf("clds: CompositeFlow: trials[%d]: %w", i, err)
		}
		for t := 0; t < p.T-1; t++ {
			x, y := p.Mean[t*d], p.Mean[t*d+1]
			pts = append(pts, point{x, y})
			u := m.condition(tr.U, t)
			as = append(as, m.A(u))
			bs = append(bs, m.B(u))
			lo[0], hi[0] = math.Min(lo[0], x), math.Max(hi[0], x)
			lo[1], hi[1] = math.Min(lo[1], y), math.Max(hi[1], y)
		}
	}
	if len(pts) == 0 {
		return nil, fmt.Errorf("clds: CompositeFlow: no transitions in trials")
	}
	w := [2]float64{(hi[0] - lo[0]) / float64(n), (hi[1] - lo[1]) / float64(n)}
	f := newField(lo[0]+w[0]/2, hi[0]-w[0]/2, lo[1]+w[1]/2, hi[1]-w[1]/2, n)
	sumA := make([]*mat.Dense, n*n)
	sumB := make([]*mat.VecDense, n*n)
	count := make([]int, n*n)
	bin := func(v, l, width float64) int {
		if width == 0 {
			return 0
		}
		return min(n-1, max(0, int((v-l)/width)))
	}
	for k, p := range pts {
		c := bin(p.y, lo[1], w[1])*n + bin(p.x, lo[0], w[0])
		if sumA[c] == nil {
			sumA[c] = mat.NewDense(d, d, nil)
			sumB[c] = mat.NewVecDense(d, nil)
		}
		sumA[c].Add(sumA[c], as[k])
		sumB[c].AddVec(sumB[c], bs[k])
		count[c]++
	}
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			c := j*n + i
			if count[c] == 0 {
				f.DX.Set(j, i, math.NaN())
				f.DY.Set(j, i, math.NaN())
				continue
			}
			k := float64(count[c])
			a, b := sumA[c], sumB[c]
			x, y := f.X[i], f.Y[j]
			f.DX.Set(j, i, (a.At(0, 0)/k-1)*x+a.At(0, 1)/k*y+b.AtVec(0)/k)
			f.DY.Set(j, i, a.At(1, 0)/k*x+(a.At(1, 1)/k-1)*y+b.AtVec(1)/k)
		}
	}
	return f, nil
}
