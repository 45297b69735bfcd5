package incremental

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/neuronb/neuronb/neuro/run"
)

// handNet builds axis-aligned data with labels y (unit norms) and a
// balanced net at scale λ whose neuron j has sign signs[j] and
// ⟨w_j, x_i⟩ > 0 exactly for i in positive[j].
func handNet(t *testing.T, lambda float64, y []float64, signs []float64, positive [][]int) (*Data, *Net) {
	t.Helper()
	n := len(y)
	data, err := NewData(mat.NewDiagDense(n, ones(n)), y)
	if err != nil {
		t.Fatal(err)
	}
	net := &Net{A: make([]float64, len(signs)), W: mat.NewDense(len(signs), n, nil), Scale: lambda}
	for j, s := range signs {
		for i := range n {
			v := -lambda / math.Sqrt(float64(n)) * (1 + 0.1*float64(i))
			if slices.Contains(positive[j], i) {
				v = -v
			}
			net.W.Set(j, i, v)
		}
		net.A[j] = s * norm(net.W.RawRowView(j))
	}
	return data, net
}

// TestPredictHandComputed: two positive-sign neurons on y = (2, 1, 1) with
// G_0 = {0, 1}, G_1 = {1, 2}, by hand: ρ_0 = √5/3 activates neuron 0 at
// τ₁ = 3/√5, when E_1 = (√2/3)τ₁ = √(2/5); neuron 1 keeps point 2 alone,
// grows at 1/3 and activates at τ₂ = τ₁ + 3(1 − √(2/5)); plateaus 1/6
// and 0; ‖θ∞‖² = 2(√5 + 1); minimum norm 2√6.
func TestPredictHandComputed(t *testing.T) {
	data, net := handNet(t, 1e-6, []float64{2, 1, 1}, []float64{1, 1}, [][]int{{0, 1}, {1, 2}})
	p, err := Predict(data, net)
	if err != nil {
		t.Fatal(err)
	}
	tau1 := 3 / math.Sqrt(5)
	tau2 := tau1 + 3*(1-math.Sqrt(0.4))
	want := []Jump{
		{Neuron: 0, Tau: tau1, Points: []int{0, 1}, Loss: 1.0 / 6, Rate: math.Sqrt(5) / 3, Gap: 1 - math.Sqrt(0.4), RunnerUp: 1},
		{Neuron: 1, Tau: tau2, Points: []int{2}, Loss: 0, Rate: 1.0 / 3, Gap: 1, RunnerUp: -1},
	}
	if got := fmt.Sprintf("%.12v", p.Jumps); got != fmt.Sprintf("%.12v", want) {
		t.Errorf("jumps\n got %s\nwant %s", got, fmt.Sprintf("%.12v", want))
	}
	if math.Abs(p.Norm2-2*(math.Sqrt(5)+1)) > 1e-12 || math.Abs(p.MinNorm2-2*math.Sqrt(6)) > 1e-12 || !p.Interpolates() {
		t.Errorf("norms %.12g (want %.12g), minimum %.12g (want %.12g), interpolates %v", p.Norm2, 2*(math.Sqrt(5)+1), p.MinNorm2, 2*math.Sqrt(6), p.Interpolates())
	}
	e := p.ExponentAt([]float64{0, tau1 / 2, tau1, (tau1 + tau2) / 2, tau2, 10})
	wantE := [][]float64{
		{0, 0.5, 1, 1, 1, 1},
		{0, math.Sqrt(0.4) / 2, math.Sqrt(0.4), (1 + math.Sqrt(0.4)) / 2, 1, 1},
	}
	for j := range wantE {
		for k := range wantE[j] {
			if math.Abs(e[j][k]-wantE[j][k]) > 1e-12 {
				t.Errorf("E_%d at point %d = %.12g, want %.12g", j, k, e[j][k], wantE[j][k])
			}
		}
	}
	if l := p.LossAt([]float64{0, tau1 - 1e-9, tau1, tau2 + 1}); !slices.Equal(l, []float64{1, 1, 1.0 / 6, 0}) {
		t.Errorf("LossAt = %v, want [1 1 1/6 0]", l)
	}
}

// TestPredictBookkeeping: on a random instance the fitted sets are disjoint
// subsets of the neurons' good sets that, with the unfitted points, cover
// every point once; times increase; each plateau is (1/2n) Σ y_i² over the
// points not fitted yet; the predicted norm is 2 Σ_k ‖y_{S_k}‖; every
// predicted exponent ramp ends at 1 at its neuron's jump.
func TestPredictBookkeeping(t *testing.T) {
	data, net := testProblem(t, 7, 40, 40, 10, 1e-3, &DataOptions{VaryNorms: true})
	p, err := Predict(data, net)
	if err != nil {
		t.Fatal(err)
	}
	y, c := data.Y(), data.Norms()
	seen := make([]int, len(y))
	left := slices.Clone(y)
	prev, norm2 := 0.0, 0.0
	for k, jp := range p.Jumps {
		if !(jp.Tau > prev) {
			t.Errorf("jump %d at τ = %v does not follow %v", k, jp.Tau, prev)
		}
		prev = jp.Tau
		var s float64
		for _, i := range jp.Points {
			seen[i]++
			left[i] = 0
			if !slices.Contains(p.Good[jp.Neuron], i) {
				t.Errorf("jump %d: point %d is not a good point of neuron %d", k, i, jp.Neuron)
			}
			s += (y[i] / c[i]) * (y[i] / c[i])
		}
		norm2 += 2 * math.Sqrt(s)
		var l float64
		for _, v := range left {
			l += v * v
		}
		l /= 2 * float64(len(y))
		if math.Abs(l-jp.Loss) > 1e-14 {
			t.Errorf("jump %d: plateau %.15g, unfitted labels give %.15g", k, jp.Loss, l)
		}
		if e := p.ExponentAt([]float64{jp.Tau})[jp.Neuron][0]; math.Abs(e-1) > 1e-12 {
			t.Errorf("jump %d: E of neuron %d at its jump = %.15g", k, jp.Neuron, e)
		}
	}
	for _, i := range p.Unfitted {
		seen[i]++
	}
	for i, s := range seen {
		if s != 1 {
			t.Errorf("point %d is fitted or left %d times", i, s)
		}
	}
	if math.Abs(norm2-p.Norm2) > 1e-12 {
		t.Errorf("Norm2 %.15g, sets give %.15g", p.Norm2, norm2)
	}
	t.Logf("%d jumps, last at τ = %.3f, %d unfitted, ‖θ∞‖² = %.2f (minimum %.2f)", len(p.Jumps), prev, len(p.Unfitted), p.Norm2, p.MinNorm2)
}

// issueRun is the issue's setting: n = 64 axis-aligned points, unit norms,
// labels ±U[1, 2], m = 12, seed 3 (fixed before any run), gradient descent
// at the default step until no neuron can grow.
func issueRun(t *testing.T, lambda float64) (*Prediction, *Result) {
	t.Helper()
	data, net := testProblem(t, 3, 64, 64, 12, lambda, nil)
	p, err := Predict(data, net)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Descend(data, net, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != run.Converged {
		t.Fatalf("λ = %g: run ended %v", lambda, r.Status)
	}
	return p, r
}

// TestJumpTimesApproachTheLimit is issue 20's registered claim on jump
// times (n = 64, m = 12, activation when a_j² > 0.1, a jump counts when its
// predicted E gap to the runner-up exceeds 3/log(1/λ)):
//
//   - |τ_GD − τ_pred| shrinks as λ goes 1e-3 → 1e-24: asserted on the jumps
//     resolved at λ = 1e-24, whose largest |τ_GD − τ_pred| must decrease
//     strictly along λ = 1e-3, 1e-6, 1e-12, 1e-24. Reproduced.
//   - max over counted jumps of |τ_GD − τ_pred|·log(1/λ) ≤ 25 at λ = 1e-6,
//     1e-12, 1e-24. NOT REPRODUCED on seed 3 (fixed before the first run):
//     44.8, 46.5 and 45.7. The scaled error of a jump tends to a constant
//     c_k/ρ_k, where c_k ≈ 0.5–0.9 is an O(1) log offset (the threshold
//     |a_j| = 0.32 instead of the limit's |a_j| ~ 1, the initial
//     projection on the growing direction) and ρ_k the neuron's last growth
//     rate; the largest errors come from the last neurons, which fit one
//     point each (ρ = |y_i|/64 ≈ 0.02), so the constant is about 45 and
//     does not fall with λ (44 at λ = 1e-96, where |τ_GD − τ_pred| < 0.21).
//     The brief's 18 came from another instance run with η = 0.5, whose
//     discretisation slows growth by ηρ/2 and offsets part of the constant
//     (on seed 3, η = 0.5 still gives 38). The test asserts this recorded
//     outcome: the scaled error exceeds 25 at each of the three λ.
func TestJumpTimesApproachTheLimit(t *testing.T) {
	lambdas := []float64{1e-3, 1e-6, 1e-12, 1e-24}
	var cmp []*Comparison
	for _, lambda := range lambdas {
		p, r := issueRun(t, lambda)
		c := p.Compare(r, 3)
		cmp = append(cmp, c)
		t.Logf("λ = %g: %d steps (η = %.4f), %d of %d jumps resolved, max |Δτ|·log(1/λ) = %.1f, extra neurons %v",
			lambda, r.Iterations, r.StepSize, c.Resolved, len(c.Jumps), c.MaxScaledError, c.Extra)
		for _, jc := range c.Jumps {
			t.Logf("    neuron %2d: predicted τ %.3f, gradient descent %.3f (Δτ·log(1/λ) = %+6.1f), gap %.3f, resolved %v, same set %v",
				jc.Neuron, jc.Tau, jc.Measured, (jc.Measured-jc.Tau)*c.LogInvScale, jc.Gap, jc.Resolved, jc.SameSet)
		}
	}
	last := cmp[len(cmp)-1]
	prev := math.Inf(1)
	for k, c := range cmp {
		var worst float64
		for i, jc := range c.Jumps {
			if last.Jumps[i].Resolved {
				worst = math.Max(worst, math.Abs(jc.Measured-jc.Tau))
			}
		}
		if math.IsNaN(worst) || !(worst < prev) {
			t.Errorf("λ = %g: max |τ_GD − τ_pred| = %.3f over the jumps resolved at 1e-24 did not shrink from %.3f", lambdas[k], worst, prev)
		}
		prev = worst
	}
	for k, c := range cmp[1:] {
		if c.Resolved == 0 || !(c.MaxScaledError > 25) {
			t.Errorf("λ = %g: max |Δτ|·log(1/λ) = %.1f over %d resolved jumps; the recorded outcome is 'not reproduced' (> 25): update the record",
				lambdas[k+1], c.MaxScaledError, c.Resolved)
		}
	}
}

// TestLimitIsReachedAtTinyScale: at λ = 1e-96 (float64 holds it: weights
// ~1e-96, products ~1e-192) gradient descent activates the predicted
// neurons in the predicted order, fits each predicted set with its neuron,
// activates no other neuron, and its largest |τ_GD − τ_pred| is smaller
// than at λ = 1e-24.
func TestLimitIsReachedAtTinyScale(t *testing.T) {
	p24, r24 := issueRun(t, 1e-24)
	p, r := issueRun(t, 1e-96)
	order := slices.Clone(p.Order())
	slices.SortStableFunc(order, func(a, b int) int { return cmpFloat(r.Activation[a], r.Activation[b]) })
	if !slices.Equal(order, p.Order()) {
		t.Errorf("activation order %v, predicted %v", order, p.Order())
	}
	c, c24 := p.Compare(r, 3), p24.Compare(r24, 3)
	var worst, worst24 float64
	for k, jc := range c.Jumps {
		if !jc.SameSet {
			t.Errorf("neuron %d did not fit its predicted set %v", jc.Neuron, jc.Points)
		}
		worst = math.Max(worst, math.Abs(jc.Measured-jc.Tau))
		worst24 = math.Max(worst24, math.Abs(c24.Jumps[k].Measured-c24.Jumps[k].Tau))
	}
	if len(c.Extra) > 0 {
		t.Errorf("neurons %v activated without a predicted jump", c.Extra)
	}
	t.Logf("λ = 1e-96: %d steps, max |Δτ| = %.3f (λ = 1e-24: %.3f), ‖θ‖² = %.2f against the predicted %.2f", r.Iterations, worst, worst24, r.Net.Norm2(), p.Norm2)
	if !(worst < worst24) {
		t.Errorf("max |Δτ| %.3f at λ = 1e-96 is not below %.3f at 1e-24", worst, worst24)
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestPlateausAreUnfittedLabels: on an instance whose jumps are far apart
// (neuron 0 fits three labels 2 at τ = √3, neuron 1 two labels −1.5 at
// τ ≈ 2.83, neuron 2 one label 1 at τ = 6, out of n = 6), gradient descent
// at λ = 1e-24 stopped half-way through each plateau has every point either
// fitted (|r_i| ≤ 1e-6 |y_i|) or untouched (|r_i + y_i| ≤ 1e-6 |y_i|), and
// its loss equals (1/2n) Σ y_i² over the untouched points and the predicted
// plateau to relative 1e-6. (On the issue's n = 64 instance the jumps are
// too close for this: half-way between activations a plateau is still off
// by 1–8% at λ = 1e-24 and by up to 0.6% at λ = 1e-96, partly grown
// neurons and slowly converging fitted points being corrections that
// vanish only as λ → 0.)
func TestPlateausAreUnfittedLabels(t *testing.T) {
	const lambda = 1e-24
	data, net := handNet(t, lambda, []float64{2, 2, 2, -1.5, -1.5, 1}, []float64{1, -1, 1}, [][]int{{0, 1, 2}, {3, 4}, {5}})
	p, err := Predict(data, net)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Jumps) != 3 {
		t.Fatalf("%d jumps, want 3", len(p.Jumps))
	}
	stops := []float64{p.Jumps[0].Tau / 2}
	plateaus := []float64{p.InitialLoss}
	for k := 0; k+1 < len(p.Jumps); k++ {
		stops = append(stops, (p.Jumps[k].Tau+p.Jumps[k+1].Tau)/2)
		plateaus = append(plateaus, p.Jumps[k].Loss)
	}
	for k, tau := range stops {
		r, err := Descend(data, net, &Settings{MaxTau: tau})
		if err != nil {
			t.Fatal(err)
		}
		kr := newKernel(data, r.Net)
		loss := kr.forward()
		var unfitted, worst float64
		for i, ri := range kr.r {
			yi := data.Y()[i]
			worst = math.Max(worst, math.Min(math.Abs(ri), math.Abs(ri+yi))/math.Abs(yi))
			if math.Abs(ri+yi) < math.Abs(ri) {
				unfitted += yi * yi
			}
		}
		unfitted /= 2 * float64(data.N())
		t.Logf("τ = %.3f: loss %.12f, (1/2n) Σ unfitted y² = %.12f, predicted plateau %.12f; worst point off by %.2g of its label", tau, loss, unfitted, plateaus[k], worst)
		if worst > 1e-6 || math.Abs(loss-unfitted) > 1e-6*unfitted || math.Abs(loss-plateaus[k]) > 1e-6*plateaus[k] {
			t.Errorf("τ = %.3f: loss %.12g, unfitted labels give %.12g, predicted %.12g, a point off by %.3g of its label", tau, loss, unfitted, plateaus[k], worst)
		}
	}
}

// TestComparisonJSON: a comparison with a resolved jump whose neuron never
// activated encodes (JSON has no NaN or Inf: null), and a Result's
// interpolated curves pass through the recorded points.
func TestComparisonJSON(t *testing.T) {
	data, net := handNet(t, 1e-6, []float64{2, 1, 1}, []float64{1, 1}, [][]int{{0, 1}, {1, 2}})
	p, err := Predict(data, net)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Descend(data, net, &Settings{MaxTau: 1.5})
	if err != nil {
		t.Fatal(err)
	}
	c := p.Compare(r, 3)
	if !math.IsNaN(c.Jumps[1].Measured) || !math.IsInf(c.MaxScaledError, 1) {
		t.Fatalf("stopped at τ = 1.5: second activation %v, max error %v; want NaN and +Inf", c.Jumps[1].Measured, c.MaxScaledError)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, `"measured":null`) || !strings.Contains(s, `"max_scaled_error":null`) {
		t.Errorf("JSON %s lacks the nulls", s)
	}
	k := len(r.Tau) / 2
	if l := r.LossAt(r.Tau[k : k+1]); l[0] != r.Loss[k] {
		t.Errorf("LossAt(%v) = %v, recorded %v", r.Tau[k], l[0], r.Loss[k])
	}
	if e := r.ExponentAt(r.Tau[k:k+1], 1); e[0][0] != r.Exponent[1][k] {
		t.Errorf("ExponentAt(%v, 1) = %v, recorded %v", r.Tau[k], e[0][0], r.Exponent[1][k])
	}
}
