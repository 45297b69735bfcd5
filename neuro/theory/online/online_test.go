package online

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/run"
)

// constant always predicts the same label.
type constant int

func (c constant) Predict([]float64) int    { return int(c) }
func (constant) Update([]float64, int, int) {}

// TestAdversaryForcesGridCount is issue 20's registered claim: the grid
// adversary forces exactly (⌊1/(γ√d)⌋ + 1)^d mistakes on any deterministic
// learner (d = 2, γ = 0.1: 64; γ = 0.05: 225; d = 3, γ = 0.1: 216), and the
// labels it gave are those of a sign network whose first layer has margin
// exactly γ on every grid point, all inside the unit ball; the explicit
// three-layer sign network computes the same labels.
func TestAdversaryForcesGridCount(t *testing.T) {
	for _, tc := range []struct {
		d     int
		gamma float64
		want  int
	}{{2, 0.1, 64}, {2, 0.05, 225}, {3, 0.1, 216}} {
		count, err := GridCount(tc.d, tc.gamma)
		if err != nil {
			t.Fatal(err)
		}
		if count != float64(tc.want) {
			t.Errorf("d = %d, γ = %v: GridCount %v, want %d", tc.d, tc.gamma, count, tc.want)
		}
		learners := map[string]func(a *Adversary) (Learner, error){
			"constant 1": func(*Adversary) (Learner, error) { return constant(1), nil },
			"memoriser":  func(*Adversary) (Learner, error) { return NewMemoriser(tc.gamma) },
			"cell oracle": func(a *Adversary) (Learner, error) {
				target, err := a.Target() // the first layer does not depend on the labels
				if err != nil {
					return nil, err
				}
				return NewCellOracle(target)
			},
		}
		if tc.d == 2 && tc.gamma == 0.1 {
			learners["weighted majority"] = func(*Adversary) (Learner, error) { return NewWeightedMajority(tc.gamma, 2, nil) }
		}
		for name, make := range learners {
			a, err := NewAdversary(tc.d, tc.gamma, 2)
			if err != nil {
				t.Fatal(err)
			}
			l, err := make(a)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Play(l, a, nil)
			if err != nil {
				t.Fatal(err)
			}
			target, err := a.Target()
			if err != nil {
				t.Fatal(err)
			}
			layers := target.Layers()
			margin := math.Inf(1)
			for k, x := range res.X {
				margin = math.Min(margin, target.Margin(x))
				if y := target.Label(x); y != res.Labels[k] {
					t.Fatalf("%s: round %d labelled %d, the realising network says %d", name, k, res.Labels[k], y)
				}
				if y := Evaluate(layers, x, target.Default); y != res.Labels[k] {
					t.Fatalf("%s: round %d labelled %d, the explicit sign layers say %d", name, k, res.Labels[k], y)
				}
				if norm(x) > 1+1e-12 {
					t.Fatalf("grid point %v is outside the unit ball", x)
				}
			}
			t.Logf("d = %d, γ = %v, %s: %d mistakes in %d rounds, margin %.15g", tc.d, tc.gamma, name, res.Mistakes, len(res.X), margin)
			if res.Mistakes != tc.want || len(res.X) != tc.want {
				t.Errorf("d = %d, γ = %v, %s: %d mistakes in %d rounds, want %d", tc.d, tc.gamma, name, res.Mistakes, len(res.X), tc.want)
			}
			if math.Abs(margin-tc.gamma) > 1e-12 {
				t.Errorf("d = %d, γ = %v: margin %.15g, want exactly γ", tc.d, tc.gamma, margin)
			}
		}
	}
}

// TestOneDimension: in d = 1, TS(1, γ) = ⌊1/γ⌋ + 1. The grid gives that
// many points; one more cannot fit, since n points of [−1, 1] with
// consecutive gaps ≥ 2γ need 2γ(n − 1) ≤ 2.
func TestOneDimension(t *testing.T) {
	for _, c := range []struct {
		gamma float64
		want  int
	}{{0.1, 11}, {0.3, 4}, {0.5, 3}, {0.25, 5}, {0.7, 2}, {0.05, 21}, {0.9, 2}} {
		n, err := GridCount(1, c.gamma)
		if err != nil {
			t.Fatal(err)
		}
		if n != float64(c.want) || n != math.Floor(1/c.gamma+1e-9)+1 {
			t.Errorf("γ = %v: GridCount %v, want ⌊1/γ⌋ + 1 = %d", c.gamma, n, c.want)
		}
		if 2*c.gamma*float64(c.want) <= 2-1e-9 {
			t.Errorf("γ = %v: %d points would fit 2γ apart in [−1, 1]", c.gamma, c.want+1)
		}
		a, err := NewAdversary(1, c.gamma, 3)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Play(constant(0), a, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Mistakes != c.want {
			t.Errorf("γ = %v: the adversary forced %d mistakes, want %d", c.gamma, res.Mistakes, c.want)
		}
	}
}

// marginStream draws a random target (k lines, 3 labels) and a margin-γ
// stream of T instances in R^d.
func marginStream(t *testing.T, seed uint64, d, k int, gamma float64, rounds int) *Stream {
	t.Helper()
	target, err := RandomNet(rand.New(rand.NewPCG(seed, 0)), d, k, 3, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	s, err := SampleStream(rand.New(rand.NewPCG(seed, 1)), target, gamma, rounds)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestMemoriserProperties is issue 20's claim on the 2γ memoriser, on
// margin streams in d = 2 and 3: it never errs on an instance within 2γ of
// a point stored before; its mistake points are pairwise ≥ 2γ apart; it
// makes at most ((1+γ)/γ)^d mistakes.
func TestMemoriserProperties(t *testing.T) {
	for _, c := range []struct {
		d     int
		gamma float64
	}{{2, 0.1}, {2, 0.25}, {3, 0.15}} {
		s := marginStream(t, 4, c.d, 3, c.gamma, 3000)
		m, err := NewMemoriser(c.gamma)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Play(m, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		near := 0
		stored := [][]float64{}
		for k, x := range res.X {
			close := false
			for _, p := range stored {
				if dist(p, x) < 2*c.gamma {
					close = true
				}
			}
			if close {
				near++
				if res.Predictions[k] != res.Labels[k] {
					t.Errorf("d = %d, γ = %v: mistake in round %d within 2γ of a stored point", c.d, c.gamma, k)
				}
			}
			if res.Predictions[k] != res.Labels[k] {
				stored = append(stored, x)
			}
		}
		closest := math.Inf(1)
		for i := range stored {
			for j := i + 1; j < len(stored); j++ {
				closest = math.Min(closest, dist(stored[i], stored[j]))
			}
		}
		bound, err := PackingBound(c.d, c.gamma)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("d = %d, γ = %v: %d mistakes (packing bound %.0f), %d rounds within 2γ of a stored point, closest mistake pair %.4f", c.d, c.gamma, res.Mistakes, bound, near, closest)
		if closest < 2*c.gamma || float64(res.Mistakes) > bound || len(m.Stored()) != res.Mistakes {
			t.Errorf("d = %d, γ = %v: closest pair of mistake points %.4f (want ≥ 2γ), %d mistakes (bound %.0f), %d stored", c.d, c.gamma, closest, res.Mistakes, bound, len(m.Stored()))
		}
	}
}

// TestCellOracleMistakesAtMostCellsVisited is issue 20's claim on the cell
// oracle: at most one mistake per distinct cell of the target visited.
func TestCellOracleMistakesAtMostCellsVisited(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		s := marginStream(t, seed, 3, 4, 0.1, 2000)
		o, err := NewCellOracle(s.Target)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Play(o, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		cells := map[Cell]bool{}
		for _, x := range s.X {
			cells[s.Target.Cell(x)] = true
		}
		if res.Mistakes > len(cells) || o.Cells() != len(cells) {
			t.Errorf("seed %d: %d mistakes, %d cells visited (oracle saw %d)", seed, res.Mistakes, len(cells), o.Cells())
		}
	}
}

// naiveWM is weighted majority written directly: weights β^{M_e} with
// math.Pow, experts as explicit line pairs, sequential sums.
type naiveWM struct {
	lines    [][3]float64
	experts  [][]int
	mistakes []int
	last     []map[int]int
	beta     float64
	labels   int
}

func (n *naiveWM) cell(e int, x []float64) int {
	c := 0
	for i, l := range n.experts[e] {
		ln := n.lines[l]
		if ln[0]*x[0]+ln[1]*x[1]+ln[2] > 0 {
			c |= 1 << i
		}
	}
	return c
}

func (n *naiveWM) Predict(x []float64) int {
	w := make([]float64, n.labels+1) // the last entry: abstentions
	for e := range n.experts {
		y, ok := n.last[e][n.cell(e, x)]
		if !ok {
			y = n.labels
		}
		w[y] += math.Pow(n.beta, float64(n.mistakes[e]))
	}
	best := 0
	for y := range w {
		if w[y] > w[best]*(1+1e-12) {
			best = y
		}
	}
	if best == n.labels {
		return Abstain
	}
	return best
}

func (n *naiveWM) Update(x []float64, y, _ int) {
	for e := range n.experts {
		c := n.cell(e, x)
		if last, ok := n.last[e][c]; !ok || last != y {
			n.mistakes[e]++
		}
		n.last[e][c] = y
	}
}

// TestWeightedMajorityMatchesNaive: round-by-round predictions of the
// chunked, parallel learner equal those of a direct implementation, for
// pairs of lines (γ = 0.5, 6786 experts, 400 rounds; 1 and 3 workers) and
// triples (γ = 0.6, 109,736 experts, 60 rounds), and so does M*.
func TestWeightedMajorityMatchesNaive(t *testing.T) {
	for _, c := range []struct {
		gamma           float64
		lines, workers  int
		rounds, experts int
	}{{0.5, 2, 1, 400, 117 * 116 / 2}, {0.5, 2, 3, 400, 117 * 116 / 2}, {0.6, 3, 2, 60, 88 * 87 * 86 / 6}} {
		s := marginStream(t, 8, 2, c.lines, c.gamma, c.rounds)
		w, err := NewWeightedMajority(c.gamma, 3, &WMSettings{Lines: c.lines, Workers: c.workers})
		if err != nil {
			t.Fatal(err)
		}
		n := &naiveWM{lines: w.lines, beta: 0.5, labels: 3}
		for e := 0; e < w.Experts(); e++ {
			var ls []int
			for _, l := range w.experts[c.lines*e : c.lines*(e+1)] {
				ls = append(ls, int(l))
			}
			n.experts = append(n.experts, ls)
			n.last = append(n.last, map[int]int{})
		}
		n.mistakes = make([]int, len(n.experts))
		for k, x := range s.X {
			y := s.Label(k, 0)
			p, q := w.Predict(x), n.Predict(x)
			if p != q {
				t.Fatalf("%d lines, %d workers, round %d: learner predicts %d, direct weighted majority %d", c.lines, c.workers, k, p, q)
			}
			w.Update(x, y, p)
			n.Update(x, y, q)
		}
		best := n.mistakes[0]
		for _, m := range n.mistakes {
			best = min(best, m)
		}
		if w.BestMistakes() != best || w.Experts() != c.experts {
			t.Errorf("%d lines, %d workers: best expert %d mistakes (direct %d), %d experts (want %d)", c.lines, c.workers, w.BestMistakes(), best, w.Experts(), c.experts)
		}
	}
}

// TestWeightedMajorityInequality is issue 20's claim: the learner's
// mistakes satisfy M ≤ (log₂|E| + M* log₂(1/β))/log₂(2/(1+β)); the
// brief's class (γ = 0.2: 672 lines, 225,456 experts) on 1500 rounds, and
// γ = 0.3 with β = 0.3. The best expert errs at most once per target cell
// visited (some expert's lines are within γ/2 of the target's).
func TestWeightedMajorityInequality(t *testing.T) {
	for _, c := range []struct {
		gamma, beta float64
		rounds      int
	}{{0.2, 0.5, 1500}, {0.3, 0.3, 1500}} {
		s := marginStream(t, 3, 2, 2, c.gamma, c.rounds)
		w, err := NewWeightedMajority(c.gamma, 3, &WMSettings{Beta: c.beta})
		if err != nil {
			t.Fatal(err)
		}
		res, err := Play(w, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		cells := map[Cell]bool{}
		for _, x := range s.X {
			cells[s.Target.Cell(x)] = true
		}
		bound := WMBound(w.Experts(), w.BestMistakes(), c.beta)
		t.Logf("γ = %v, β = %v: %d candidate lines, %d experts; %d mistakes, best expert %d, %d cells, bound %.1f (%.2fs)",
			c.gamma, c.beta, w.Candidates(), w.Experts(), res.Mistakes, w.BestMistakes(), len(cells), bound, res.Runtime.Seconds())
		if float64(res.Mistakes) > bound || w.BestMistakes() > len(cells) {
			t.Errorf("γ = %v: %d mistakes against the bound %.2f; best expert %d mistakes for %d cells", c.gamma, res.Mistakes, bound, w.BestMistakes(), len(cells))
		}
		if c.gamma == 0.2 && (w.Candidates() != 672 || w.Experts() != 225456) {
			t.Errorf("γ = 0.2: %d lines and %d experts, the brief has 672 and 225,456", w.Candidates(), w.Experts())
		}
	}
}

// TestSignNetLayers: the explicit three-layer sign network computes the
// table's labels on random instances of a random target.
func TestSignNetLayers(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	net, err := RandomNet(rng, 3, 5, 4, 0.6)
	if err != nil {
		t.Fatal(err)
	}
	layers := net.Layers()
	for range 2000 {
		x := UniformBall(rng, 3)
		if a, b := net.Label(x), Evaluate(layers, x, net.Default); a != b {
			t.Fatalf("x = %v: table %d, layers %d", x, a, b)
		}
	}
}

// TestBadInput: clear errors for γ ≤ 0 or ≥ 1, d = 0, too few labels, an
// expert class too large, a learner of the wrong dimension.
func TestBadInput(t *testing.T) {
	s := marginStream(t, 1, 3, 2, 0.1, 5)
	for name, f := range map[string]func() error{
		"γ = 0":         func() error { _, err := NewMemoriser(0); return err },
		"γ = 1":         func() error { _, err := GridCount(2, 1); return err },
		"γ = -0.1":      func() error { _, err := NewWeightedMajority(-0.1, 2, nil); return err },
		"d = 0":         func() error { _, err := NewAdversary(0, 0.1, 2); return err },
		"d = 0 packing": func() error { _, err := PackingBound(0, 0.1); return err },
		"one label":     func() error { _, err := NewAdversary(2, 0.1, 1); return err },
		"huge grid":     func() error { _, err := NewAdversary(10, 0.01, 2); return err },
		"too many":      func() error { _, err := NewWeightedMajority(0.02, 2, nil); return err },
		"wrong dimension": func() error {
			w, err := NewWeightedMajority(0.5, 2, nil)
			if err != nil {
				return err
			}
			_, err = Play(w, s, nil)
			return err
		},
		"stream γ":    func() error { _, err := SampleStream(rand.New(rand.NewPCG(1, 1)), s.Target, 1.5, 3); return err },
		"zero normal": func() error { _, err := NewSignNet([]Hyperplane{{W: []float64{0, 0}}}, 2); return err },
	} {
		err := f()
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		t.Logf("%s: %v", name, err)
		if strings.Contains(name, "γ") && !strings.Contains(err.Error(), "γ") {
			t.Errorf("%s: the error does not name γ: %v", name, err)
		}
	}
}

// TestProgressStopsPlay: Play reports "mistakes" after every round and
// stops on ErrStop; MaxIterations caps the rounds.
func TestProgressStopsPlay(t *testing.T) {
	s := marginStream(t, 2, 2, 2, 0.2, 50)
	m, err := NewMemoriser(0.2)
	if err != nil {
		t.Fatal(err)
	}
	var last run.Step
	res, err := Play(m, s, &Settings{Progress: func(st run.Step) error {
		last = st
		if st.Iteration == 7 {
			return run.ErrStop
		}
		return nil
	}})
	if err != nil || res.Status != run.Stopped || res.Iterations != 7 || last.Metric != "mistakes" || last.Value != float64(res.Mistakes) {
		t.Errorf("ErrStop: err %v, status %v after %d rounds, last step %+v", err, res.Status, res.Iterations, last)
	}
	m2, err := NewMemoriser(0.2)
	if err != nil {
		t.Fatal(err)
	}
	res, err = Play(m2, s, &Settings{MaxIterations: 20})
	if err != nil || res.Status != run.IterationLimit || res.Iterations != 20 || len(res.Cumulative) != 20 {
		t.Errorf("MaxIterations 20: err %v, status %v, %d rounds", err, res.Status, res.Iterations)
	}
}
