package singleneuron

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuronb/neuronb/neuro/train"
)

// smallData is a tiny campaign's dataset for model tests.
func smallData(t testing.TB) *Dataset {
	t.Helper()
	c, err := Simulate(&CampaignSettings{Animals: 3, Stimuli: 2, NeuronsPerAnimal: 8, Duration: 20, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	d, err := Segments(c, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func allRows(d *Dataset) []int { return d.RowsWhere(func(int) bool { return true }) }

// Oracles of the three VICReg terms: identical views give inv = 0;
// columns of standard deviation ≥ 1 give var = 0; orthogonal centred
// columns (a Hadamard design) give cov = 0.
func TestVICRegTermsClosedForms(t *testing.T) {
	// 4 rows, 2 columns: (±2, ±2) in a Hadamard pattern, SD = 2.31 > 1.
	p := []float64{2, 2, 2, -2, -2, 2, -2, -2}
	terms, err := VICReg(p, p, 4, 2, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if terms.Invariance != 0 || terms.Variance != 0 || math.Abs(terms.Covariance) > 1e-30 || terms.Loss != 0 {
		t.Errorf("identical decorrelated views of SD > 1: %+v, want all 0", terms)
	}
	// Constant columns: SD = √1e-4 = 0.01 per column, var = 2·(1 − 0.01).
	c := []float64{1, 1, 1, 1, 1, 1, 1, 1}
	terms, err = VICReg(c, c, 4, 2, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(terms.Variance-2*0.99) > 1e-12 {
		t.Errorf("constant views: var = %v, want 1.98", terms.Variance)
	}
	// Two equal columns: C = [[v, v], [v, v]] with v = 16/3, cov = 2v²/2 per view.
	q := []float64{2, 2, 2, 2, -2, -2, -2, -2}
	terms, err = VICReg(q, q, 4, 2, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	v := 16.0 / 3
	if math.Abs(terms.Covariance-2*v*v) > 1e-12 {
		t.Errorf("equal columns: cov = %v, want %v", terms.Covariance, 2*v*v)
	}
}

// VICReg's gradient against central finite differences.
func TestVICRegGradientFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	const n, d = 7, 4
	p1, p2 := make([]float64, n*d), make([]float64, n*d)
	for i := range p1 {
		p1[i], p2[i] = 0.4*rng.NormFloat64(), 0.4*rng.NormFloat64()+0.3
	}
	p1[3] *= 8 // one column with SD above 1, where var's hinge is flat
	g1, g2 := make([]float64, n*d), make([]float64, n*d)
	if _, err := VICReg(p1, p2, n, d, g1, g2); err != nil {
		t.Fatal(err)
	}
	loss := func() float64 {
		v, err := VICReg(p1, p2, n, d, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return v.Loss
	}
	const h = 1e-6
	for _, v := range []struct {
		p, g []float64
	}{{p1, g1}, {p2, g2}} {
		for i := range v.p {
			x := v.p[i]
			v.p[i] = x + h
			up := loss()
			v.p[i] = x - h
			down := loss()
			v.p[i] = x
			if fd := (up - down) / (2 * h); math.Abs(fd-v.g[i]) > 1e-6*(1+math.Abs(fd)) {
				t.Errorf("∂L/∂p[%d] = %.9g, finite difference %.9g", i, v.g[i], fd)
			}
		}
	}
}

// paramsOf lists every trained parameter of a trainer: the model's and
// the discriminator's.
func paramsOf(tr *trainer) (model, disc []*train.Param[float64]) {
	m := tr.m
	for _, n := range []*train.Net[float64]{m.Encoder, m.Expander, m.Decoder} {
		if n != nil {
			model = append(model, n.Params()...)
		}
	}
	if m.Table != nil {
		model = append(model, m.Table)
	}
	if tr.adv != nil {
		disc = tr.adv.net.Params()
	}
	return model, disc
}

// The gradient-reversal layer's sign, for every model: one frozen training
// step leaves in the model's parameters the gradient of L_model − λ·CE and
// in the discriminator's the gradient of CE, both checked against central
// finite differences of the losses the step returns (the same batch and
// noise, from the same seed). This covers each model's hand-written
// backward pass (VICReg through the expander, the VAE's
// reparameterisation and KL, the implicit model's table) too.
func TestGradientReversalFiniteDifferences(t *testing.T) {
	d := smallData(t)
	rows := allRows(d)
	batch := make([]int, len(rows))
	for i, r := range rows {
		batch[i] = d.Animal[r]
	}
	const lambda = 0.7
	for _, kind := range AllModels {
		set, err := (&TrainSettings{Model: kind, Hidden: 6, Dim: 3, Batch: 5, Adversarial: true, Lambda: lambda, Seed: 3}).resolved()
		if err != nil {
			t.Fatal(err)
		}
		_, tr, err := prepare(d, rows, batch, set)
		if err != nil {
			t.Fatal(err)
		}
		tr.frozen = true
		run := func() (float64, float64) {
			loss, ce, err := tr.step(rand.New(rand.NewPCG(9, 9)))
			if err != nil {
				t.Fatal(err)
			}
			return loss, ce
		}
		model, disc := paramsOf(tr)
		for _, p := range append(append([]*train.Param[float64]{}, model...), disc...) {
			p.ZeroGrad()
		}
		run()
		check := func(ps []*train.Param[float64], objective func(loss, ce float64) float64, what string) {
			for _, p := range ps {
				grad := append([]float64(nil), p.Grad...)
				for _, i := range []int{0, len(p.Value) / 2, len(p.Value) - 1} {
					x := p.Value[i]
					const h = 1e-6
					p.Value[i] = x + h
					up := objective(run())
					p.Value[i] = x - h
					down := objective(run())
					p.Value[i] = x
					fd := (up - down) / (2 * h)
					if math.Abs(fd-grad[i]) > 1e-5*(1+math.Abs(fd)) {
						t.Errorf("%v: %s %s[%d]: gradient %.9g, finite difference of %s %.9g", kind, what, p.Name, i, grad[i], what, fd)
					}
				}
			}
		}
		check(model, func(loss, ce float64) float64 { return loss - lambda*ce }, "L_model − λ·CE")
		check(disc, func(_, ce float64) float64 { return ce }, "CE")
	}
}

// With λ = 0 the adversary is trained but the encoder's training is bit
// for bit the baseline's with the same seed, for every model; with λ > 0
// it differs.
func TestLambdaZeroReproducesBaselineBitForBit(t *testing.T) {
	d := smallData(t)
	rows := allRows(d)
	batch := make([]int, len(rows))
	for i, r := range rows {
		batch[i] = d.Animal[r]
	}
	for _, kind := range AllModels {
		base := TrainSettings{Model: kind, Hidden: 16, Dim: 4, Batch: 16, MaxIterations: 30, InferIterations: 10, Seed: 11}
		values := func(s TrainSettings) [][]float64 {
			m, _, err := Train(d, rows, batch, &s)
			if err != nil {
				t.Fatal(err)
			}
			tr := &trainer{m: m}
			ps, _ := paramsOf(tr)
			var out [][]float64
			for _, p := range ps {
				out = append(out, append([]float64(nil), p.Value...))
			}
			_, Z, err := m.EmbedNeurons(d, rows)
			if err != nil {
				t.Fatal(err)
			}
			return append(out, Z...)
		}
		a := values(base)
		adv := base
		adv.Adversarial = true
		b := values(adv)
		adv.Lambda = 1
		c := values(adv)
		same, differs := true, false
		for i := range a {
			for j := range a[i] {
				if math.Float64bits(a[i][j]) != math.Float64bits(b[i][j]) && !(a[i][j] == 0 && b[i][j] == 0) {
					same = false
				}
				if a[i][j] != c[i][j] {
					differs = true
				}
			}
		}
		if !same {
			t.Errorf("%v: λ = 0 with the adversary differs from the baseline", kind)
		}
		if !differs {
			t.Errorf("%v: λ = 1 left the model unchanged", kind)
		}
	}
}

func TestTrainAndEvaluateRejectBadInput(t *testing.T) {
	d := smallData(t)
	rows := allRows(d)
	if _, _, err := Train(d, rows, nil, &TrainSettings{Adversarial: true, Lambda: -1}); err == nil {
		t.Error("λ < 0: no error")
	} else {
		t.Log(err)
	}
	if _, _, err := Train(d, rows, nil, &TrainSettings{Adversarial: true, Lambda: 1}); err == nil {
		t.Error("an adversary without batch labels: no error")
	}
	if _, _, err := Train(d, []int{0, len(d.X)}, nil, nil); err == nil {
		t.Error("a row out of range: no error")
	}
	one := *d
	one.Animals = 1
	one.Animal = make([]int, len(d.X))
	one.NeuronAnimal = make([]int, len(d.Type))
	if _, err := Evaluate(&one, &EvalSettings{Representation: RawFeatures}); err == nil {
		t.Error("leave-one-animal-out with a single animal: no error")
	} else {
		t.Log(err)
	}
	if _, err := Simulate(&CampaignSettings{Dt: 0.002}); err == nil {
		t.Error("Dt = 2 ms: no error")
	}
	if _, err := (Izhikevich{A: 0.02, B: 0.2, C: 40, D: 2}).Run([]float64{1}, 0.0005); err == nil {
		t.Error("a reset above threshold: no error")
	}
}

// The implicit model's inference groups rows by neuron and stimulus: the
// gradient with respect to each neuron's embedding equals the one summed
// over its rows (dense oracle), to 1e-12.
func TestGroupedDecodeGradientMatchesRows(t *testing.T) {
	d := smallData(t)
	rows := allRows(d)
	m, _, err := Train(d, rows, nil, &TrainSettings{Model: ImplicitModel, Hidden: 8, Dim: 3, MaxIterations: 5, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 7))
	emb := map[int][]float64{}
	for _, r := range rows {
		if emb[d.Neuron[r]] == nil {
			emb[d.Neuron[r]] = []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
		}
	}
	perNeuron := func(rs []int, weights, x []float64) map[int][]float64 {
		z := make([]float64, 0, 3*len(rs))
		for _, r := range rs {
			z = append(z, emb[d.Neuron[r]]...)
		}
		var buf []float64
		dec := m.Decoder.Clone()
		_, dz, err := m.decodeLoss(dec.NewCache(), d, rs, weights, z, x, &buf)
		if err != nil {
			t.Fatal(err)
		}
		g := map[int][]float64{}
		for i, r := range rs {
			if g[d.Neuron[r]] == nil {
				g[d.Neuron[r]] = make([]float64, 3)
			}
			for k := 0; k < 3; k++ {
				g[d.Neuron[r]][k] += dz[i*3+k]
			}
		}
		return g
	}
	dense := perNeuron(rows, nil, m.input(d, rows, nil))
	// Grouped: one representative row per (neuron, stimulus) with the
	// group's mean features and size.
	w := d.Width()
	x := m.input(d, rows, nil)
	idx := map[[2]int]int{}
	var reps []int
	var weights, xm []float64
	for i, r := range rows {
		key := [2]int{d.Neuron[r], d.Stimulus[r]}
		g, ok := idx[key]
		if !ok {
			g = len(reps)
			idx[key] = g
			reps, weights, xm = append(reps, r), append(weights, 0), append(xm, make([]float64, w)...)
		}
		weights[g]++
		for j := 0; j < w; j++ {
			xm[g*w+j] += x[i*w+j]
		}
	}
	for g, k := range weights {
		for j := 0; j < w; j++ {
			xm[g*w+j] /= k
		}
	}
	if len(reps) == len(rows) {
		t.Fatal("no group has two rows: the test checks nothing")
	}
	grouped := perNeuron(reps, weights, xm)
	for n, g := range dense {
		for k := range g {
			if math.Abs(g[k]-grouped[n][k]) > 1e-12 {
				t.Errorf("neuron %d: gradient %v over rows, %v grouped", n, g, grouped[n])
				break
			}
		}
	}
}
