package singleneuron

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neuronb/neuronb/neuro/run"
	"github.com/neuronb/neuronb/neuro/train"
)

// ModelKind is a family of representation models.
type ModelKind int

const (
	// VICRegModel: an MLP encoder and expander trained with VICReg on
	// positive pairs made of two segments of the same neuron (other
	// windows or other stimuli). The embedding is the encoder's output.
	VICRegModel ModelKind = iota
	// VAEModel: a variational autoencoder of segment features (Gaussian
	// decoder of unit variance, standard normal prior); the embedding is
	// the posterior mean.
	VAEModel
	// ImplicitModel: a learnable embedding per neuron and a shared decoder
	// predicting segment features from [embedding, stimulus one-hot] (an
	// auto-decoder, as NeuPRINT's implicit representation); a new neuron's
	// embedding is fitted to its segments with the decoder frozen.
	ImplicitModel
)

// AllModels lists the model families in order.
var AllModels = []ModelKind{VICRegModel, VAEModel, ImplicitModel}

// String returns "vicreg", "vae" or "implicit".
func (k ModelKind) String() string {
	switch k {
	case VICRegModel:
		return "vicreg"
	case VAEModel:
		return "vae"
	case ImplicitModel:
		return "implicit"
	}
	return fmt.Sprintf("ModelKind(%d)", int(k))
}

// TrainSettings configures Train. A nil *TrainSettings means every
// default.
type TrainSettings struct {
	// Model is the family (default VICRegModel, the zero value).
	Model ModelKind
	// Hidden is the width of the two hidden layers of every network
	// (default 64); Dim the embedding's (default 16).
	Hidden, Dim int
	// MaxIterations is the number of Adam steps (default 600); Batch the
	// rows (VICReg: pairs) per step (default 64); LR the learning rate
	// (default 1e-3).
	MaxIterations, Batch int
	LR                   float64
	// Adversarial adds a discriminator that predicts each row's batch
	// label from the embedding, behind a GradientReversal of strength
	// Lambda (≥ 0): the encoder minimises L_model − Lambda·CE. With Lambda
	// 0 the encoder's training is bit for bit the one without adversary.
	Adversarial bool
	Lambda      float64
	// InferIterations is the number of Adam steps (learning rate 0.05)
	// that fit an implicit model's embedding of a new neuron (default
	// 150).
	InferIterations int
	// Seed seeds the initialisation (the discriminator from its own
	// stream) and the batches.
	Seed uint64
	// Progress sees the model's loss (train.Metric) after every step.
	Progress run.Progress `json:"-"`
}

func (s *TrainSettings) resolved() (TrainSettings, error) {
	var o TrainSettings
	if s != nil {
		o = *s
	}
	if o.Model < VICRegModel || o.Model > ImplicitModel {
		return o, fmt.Errorf("singleneuron: TrainSettings.Model = %v, want VICRegModel, VAEModel or ImplicitModel", o.Model)
	}
	if o.Lambda < 0 || math.IsNaN(o.Lambda) || math.IsInf(o.Lambda, 0) {
		return o, fmt.Errorf("singleneuron: TrainSettings.Lambda = %v, want finite and ≥ 0 (the gradient reversal's strength)", o.Lambda)
	}
	if o.Hidden < 0 || o.Dim < 0 || o.MaxIterations < 0 || o.Batch < 0 || o.InferIterations < 0 || o.LR < 0 {
		return o, fmt.Errorf("singleneuron: TrainSettings: Hidden %d, Dim %d, MaxIterations %d, Batch %d, InferIterations %d, LR %v: want ≥ 0 (0 means the default)", o.Hidden, o.Dim, o.MaxIterations, o.Batch, o.InferIterations, o.LR)
	}
	o.Hidden = run.Iterations(o.Hidden, 64)
	o.Dim = run.Iterations(o.Dim, 16)
	o.MaxIterations = run.Iterations(o.MaxIterations, 600)
	o.Batch = run.Iterations(o.Batch, 64)
	o.InferIterations = run.Iterations(o.InferIterations, 150)
	if o.LR == 0 {
		o.LR = 1e-3
	}
	if o.Batch < 2 {
		return o, fmt.Errorf("singleneuron: TrainSettings.Batch = %d, want ≥ 2", o.Batch)
	}
	return o, nil
}

// Model is a trained representation model.
type Model struct {
	Settings TrainSettings
	// Mean and SD standardise features (from the training rows).
	Mean, SD []float64
	// Encoder maps standardised features to the embedding (VICReg) or to
	// the posterior's mean and log-variance (VAE); nil for the implicit
	// model.
	Encoder *train.Net[float64]
	// Expander is VICReg's projection head; Decoder the VAE's and the
	// implicit model's decoder.
	Expander, Decoder *train.Net[float64]
	// Table holds the implicit model's embeddings of its training neurons
	// (rows in the order of TableNeurons).
	Table        *train.Param[float64]
	TableNeurons []int
	// Stimuli is the number of stimulus types of the decoder's context;
	// SeenStimuli those present in training (an unseen one gets a zero
	// context).
	Stimuli     int
	SeenStimuli []bool
}

// TrainResult is the outcome of Train.
type TrainResult struct {
	// Stats from train.Loop: Objective is the last step's model loss.
	run.Stats
	// Loss[i] is step i+1's model loss; Adversary[i] its discriminator's
	// cross-entropy (nil without adversary).
	Loss, Adversary []float64
}

// Train fits a representation model to the rows of d (indices rows), with
// batch[i] the batch label (0 … B−1: animal, stimulus) of rows[i], read
// only by the adversary (pass nil without one).
func Train(d *Dataset, rows, batch []int, s *TrainSettings) (*Model, *TrainResult, error) {
	set, err := s.resolved()
	if err != nil {
		return nil, nil, err
	}
	m, tr, err := prepare(d, rows, batch, set)
	if err != nil {
		return nil, nil, err
	}
	res := &TrainResult{}
	lr, err := train.Loop(func(_ int, rng *rand.Rand) (float64, error) {
		loss, ce, err := tr.step(rng)
		if tr.adv != nil {
			res.Adversary = append(res.Adversary, ce)
		}
		return loss, err
	}, &train.Settings{MaxIterations: set.MaxIterations, Seed: set.Seed, Progress: set.Progress})
	if lr != nil {
		res.Stats, res.Loss = lr.Stats, lr.Loss
	}
	if err != nil {
		return nil, res, fmt.Errorf("singleneuron: Train (%v): %w", set.Model, err)
	}
	return m, res, nil
}

// prepare validates Train's input and builds the model and its trainer.
func prepare(d *Dataset, rows, batch []int, set TrainSettings) (*Model, *trainer, error) {
	if err := d.Validate(); err != nil {
		return nil, nil, err
	}
	if len(rows) < 2 {
		return nil, nil, fmt.Errorf("singleneuron: Train: %d rows, want ≥ 2", len(rows))
	}
	for i, r := range rows {
		if r < 0 || r >= len(d.X) {
			return nil, nil, fmt.Errorf("singleneuron: Train: rows[%d] = %d, want a row of the %d", i, r, len(d.X))
		}
	}
	classes := 0
	if set.Adversarial {
		if len(batch) != len(rows) {
			return nil, nil, fmt.Errorf("singleneuron: Train: %d batch labels for %d rows", len(batch), len(rows))
		}
		for i, b := range batch {
			if b < 0 {
				return nil, nil, fmt.Errorf("singleneuron: Train: batch[%d] = %d, want ≥ 0", i, b)
			}
			classes = max(classes, b+1)
		}
		if classes < 2 {
			return nil, nil, fmt.Errorf("singleneuron: Train: the adversary needs at least 2 batches, the labels have %d", classes)
		}
	}
	m := &Model{Settings: set, Stimuli: d.Stimuli, SeenStimuli: make([]bool, d.Stimuli)}
	m.standardiser(d, rows)
	for _, r := range rows {
		m.SeenStimuli[d.Stimulus[r]] = true
	}
	tr, err := newTrainer(m, d, rows, set)
	if err != nil {
		return nil, nil, err
	}
	if set.Adversarial {
		tr.adv, err = newAdversary(rand.New(rand.NewPCG(set.Seed, 2)), set.Dim, set.Hidden, classes, set.Lambda, set.LR)
		if err != nil {
			return nil, nil, err
		}
		tr.batch = batch
	}
	return m, tr, nil
}

// standardiser sets Mean and SD from the training rows (an SD of 0
// becomes 1).
func (m *Model) standardiser(d *Dataset, rows []int) {
	w := d.Width()
	m.Mean, m.SD = make([]float64, w), make([]float64, w)
	for _, r := range rows {
		for j, v := range d.X[r] {
			m.Mean[j] += v
		}
	}
	for j := range m.Mean {
		m.Mean[j] /= float64(len(rows))
	}
	for _, r := range rows {
		for j, v := range d.X[r] {
			m.SD[j] += (v - m.Mean[j]) * (v - m.Mean[j])
		}
	}
	for j := range m.SD {
		m.SD[j] = math.Sqrt(m.SD[j] / float64(len(rows)))
		if m.SD[j] < 1e-9 {
			m.SD[j] = 1
		}
	}
}

// input writes the standardised features of rows into dst (len(rows) ×
// width).
func (m *Model) input(d *Dataset, rows []int, dst []float64) []float64 {
	w := len(m.Mean)
	dst = grow(dst, len(rows)*w)
	for i, r := range rows {
		for j, v := range d.X[r] {
			dst[i*w+j] = (v - m.Mean[j]) / m.SD[j]
		}
	}
	return dst
}

func grow(s []float64, n int) []float64 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]float64, n)
}

// mlp is the networks' shape: two hidden ReLU layers and a linear output.
func mlp(rng *rand.Rand, in, hidden, out int) (*train.Net[float64], error) {
	return train.NewNet[float64](rng, in, train.Dense(hidden, train.ReLU), train.Dense(hidden, train.ReLU), train.Dense(out, train.Identity))
}

// trainer holds one training run's state.
type trainer struct {
	m       *Model
	d       *Dataset
	rows    []int
	set     TrainSettings
	opt     *train.Adam[float64]
	adv     *adversary
	batch   []int         // batch label per position in rows
	byNeur  map[int][]int // positions in rows of each neuron
	pos     map[int]int   // table row of each training neuron (implicit)
	encC    *train.Cache[float64]
	expC    *train.Cache[float64]
	decC    *train.Cache[float64]
	x, buf  []float64
	zg, eps []float64
	sel     []int
	labels  []int
	// frozen skips the optimizer steps (gradient checks read the
	// gradients of one step at fixed parameters).
	frozen bool
}

func newTrainer(m *Model, d *Dataset, rows []int, set TrainSettings) (*trainer, error) {
	rng := rand.New(rand.NewPCG(set.Seed, 1))
	t := &trainer{m: m, d: d, rows: rows, set: set, byNeur: map[int][]int{}}
	for i, r := range rows {
		t.byNeur[d.Neuron[r]] = append(t.byNeur[d.Neuron[r]], i)
	}
	w := d.Width()
	var params []*train.Param[float64]
	var err error
	switch set.Model {
	case VICRegModel:
		if m.Encoder, err = mlp(rng, w, set.Hidden, set.Dim); err == nil {
			m.Expander, err = mlp(rng, set.Dim, set.Hidden, 2*set.Hidden)
		}
		if err == nil {
			params = append(m.Encoder.Params(), m.Expander.Params()...)
			t.encC, t.expC = m.Encoder.NewCache(), m.Expander.NewCache()
		}
	case VAEModel:
		if m.Encoder, err = mlp(rng, w, set.Hidden, 2*set.Dim); err == nil {
			m.Decoder, err = mlp(rng, set.Dim, set.Hidden, w)
		}
		if err == nil {
			params = append(m.Encoder.Params(), m.Decoder.Params()...)
			t.encC, t.decC = m.Encoder.NewCache(), m.Decoder.NewCache()
		}
	case ImplicitModel:
		t.pos = map[int]int{}
		for _, r := range rows {
			if _, ok := t.pos[d.Neuron[r]]; !ok {
				t.pos[d.Neuron[r]] = len(m.TableNeurons)
				m.TableNeurons = append(m.TableNeurons, d.Neuron[r])
			}
		}
		m.Table = train.NewParam[float64]("table", len(m.TableNeurons), set.Dim)
		for i := range m.Table.Value {
			m.Table.Value[i] = 0.1 * rng.NormFloat64()
		}
		if m.Decoder, err = mlp(rng, set.Dim+m.Stimuli, set.Hidden, w); err == nil {
			params = append(m.Decoder.Params(), m.Table)
			t.decC = m.Decoder.NewCache()
		}
	}
	if err != nil {
		return nil, err
	}
	t.opt, err = train.NewAdam([]train.Group[float64]{{Params: params}}, &train.AdamSettings{LR: set.LR})
	return t, err
}

// step runs one training step and returns the model loss and the
// discriminator's cross-entropy (0 without adversary).
func (t *trainer) step(rng *rand.Rand) (loss, ce float64, err error) {
	t.opt.ZeroGrad()
	n := t.set.Batch
	t.sel = t.sel[:0]
	for i := 0; i < n; i++ {
		t.sel = append(t.sel, rng.IntN(len(t.rows)))
	}
	switch t.set.Model {
	case VICRegModel:
		loss, ce, err = t.vicregStep(rng)
	case VAEModel:
		loss, ce, err = t.vaeStep(rng)
	default:
		loss, ce, err = t.implicitStep()
	}
	if err != nil || t.frozen {
		return loss, ce, err
	}
	return loss, ce, t.opt.Step()
}

// adversary runs the discriminator on the embeddings z of the positions
// sel (a row each) and adds the reversed gradient to dz.
func (t *trainer) adversary(z []float64, sel []int, dz []float64) (float64, error) {
	if t.adv == nil {
		return 0, nil
	}
	t.labels = t.labels[:0]
	for _, p := range sel {
		t.labels = append(t.labels, t.batch[p])
	}
	return t.adv.step(z, t.labels, dz, !t.frozen)
}

func (t *trainer) rowsOf(sel []int) []int {
	out := make([]int, len(sel))
	for i, p := range sel {
		out[i] = t.rows[p]
	}
	return out
}

// vicregStep: view 1 is a random training row, view 2 another training row
// of the same neuron (the same row when the neuron has only one).
func (t *trainer) vicregStep(rng *rand.Rand) (float64, float64, error) {
	n := t.set.Batch
	for i := 0; i < n; i++ {
		p := t.sel[i]
		same := t.byNeur[t.d.Neuron[t.rows[p]]]
		q := p
		if len(same) > 1 {
			for q == p {
				q = same[rng.IntN(len(same))]
			}
		}
		t.sel = append(t.sel, q)
	}
	t.x = t.m.input(t.d, t.rowsOf(t.sel), t.x)
	z, err := t.m.Encoder.Forward(t.encC, t.x)
	if err != nil {
		return 0, 0, err
	}
	p, err := t.m.Expander.Forward(t.expC, z)
	if err != nil {
		return 0, 0, err
	}
	e := t.m.Expander.Out
	t.buf = grow(t.buf, len(p))
	clear(t.buf)
	terms, err := VICReg(p[:n*e], p[n*e:], n, e, t.buf[:n*e], t.buf[n*e:])
	if err != nil {
		return 0, 0, err
	}
	dz, err := t.m.Expander.Backward(t.expC, t.buf)
	if err != nil {
		return 0, 0, err
	}
	ce, err := t.adversary(z, t.sel, dz)
	if err != nil {
		return 0, 0, err
	}
	_, err = t.m.Encoder.Backward(t.encC, dz)
	return terms.Loss, ce, err
}

// vaeStep: the negative ELBO per row, ½‖x̂ − x‖² + KL(N(μ, σ²) ‖ N(0, I)),
// averaged over the batch, with z = μ + σ ε.
func (t *trainer) vaeStep(rng *rand.Rand) (float64, float64, error) {
	n, dim, w := t.set.Batch, t.set.Dim, t.d.Width()
	t.x = t.m.input(t.d, t.rowsOf(t.sel), t.x)
	h, err := t.m.Encoder.Forward(t.encC, t.x)
	if err != nil {
		return 0, 0, err
	}
	t.eps, t.zg = grow(t.eps, n*dim), grow(t.zg, n*dim)
	z := make([]float64, n*dim)
	mu := make([]float64, n*dim)
	var kl float64
	for i := 0; i < n; i++ {
		for k := 0; k < dim; k++ {
			m, lv := h[i*2*dim+k], h[i*2*dim+dim+k]
			e := rng.NormFloat64()
			t.eps[i*dim+k] = e
			mu[i*dim+k] = m
			z[i*dim+k] = m + math.Exp(lv/2)*e
			kl += -0.5 * (1 + lv - m*m - math.Exp(lv)) / float64(n)
		}
	}
	xh, err := t.m.Decoder.Forward(t.decC, z)
	if err != nil {
		return 0, 0, err
	}
	t.buf = grow(t.buf, n*w)
	var rec float64
	for i := range xh {
		r := xh[i] - t.x[i]
		rec += 0.5 * r * r / float64(n)
		t.buf[i] = r / float64(n)
	}
	dz, err := t.m.Decoder.Backward(t.decC, t.buf)
	if err != nil {
		return 0, 0, err
	}
	dh := make([]float64, n*2*dim)
	for i := 0; i < n; i++ {
		for k := 0; k < dim; k++ {
			m, lv := h[i*2*dim+k], h[i*2*dim+dim+k]
			g := dz[i*dim+k]
			dh[i*2*dim+k] = g + m/float64(n)
			dh[i*2*dim+dim+k] = g*t.eps[i*dim+k]*0.5*math.Exp(lv/2) + 0.5*(math.Exp(lv)-1)/float64(n)
		}
	}
	// The adversary reads the posterior mean, the embedding.
	dmu := t.zg
	clear(dmu)
	ce, err := t.adversary(mu, t.sel, dmu)
	if err != nil {
		return 0, 0, err
	}
	for i := 0; i < n; i++ {
		for k := 0; k < dim; k++ {
			dh[i*2*dim+k] += dmu[i*dim+k]
		}
	}
	_, err = t.m.Encoder.Backward(t.encC, dh)
	return rec + kl, ce, err
}

// implicitL2 is the weight of the embeddings' penalty ½·c‖z‖² per row.
const implicitL2 = 1e-2

// implicitStep: ½‖D([z_n, s]) − x‖² + ½·0.01‖z_n‖² per row, averaged.
func (t *trainer) implicitStep() (float64, float64, error) {
	n, dim := t.set.Batch, t.set.Dim
	rows := t.rowsOf(t.sel)
	z := make([]float64, n*dim)
	for i, r := range rows {
		copy(z[i*dim:(i+1)*dim], t.m.Table.Value[t.pos[t.d.Neuron[r]]*dim:])
	}
	t.x = t.m.input(t.d, rows, t.x)
	loss, dz, err := t.m.decodeLoss(t.decC, t.d, rows, nil, z, t.x, &t.buf)
	if err != nil {
		return 0, 0, err
	}
	ce, err := t.adversary(z, t.sel, dz)
	if err != nil {
		return 0, 0, err
	}
	for i, r := range rows {
		g := t.m.Table.Grad[t.pos[t.d.Neuron[r]]*dim:]
		for k := 0; k < dim; k++ {
			g[k] += dz[i*dim+k]
		}
	}
	return loss, ce, nil
}

// decodeLoss runs the implicit decoder on [z, stimulus one-hot] for rows
// and returns the mean of ½‖x̂ − x‖² + ½·0.01‖z‖² and its gradient with
// respect to z (the decoder's parameter gradients accumulate). With
// weights, row i stands for weights[i] rows with the same neuron and
// stimulus whose mean features are x_i (the loss then differs from the
// rows' by a constant, the gradient not at all) and the mean is over
// Σ weights.
func (m *Model) decodeLoss(c *train.Cache[float64], d *Dataset, rows []int, weights, z, x []float64, buf *[]float64) (float64, []float64, error) {
	dim, w := m.Settings.Dim, len(m.Mean)
	n := float64(len(rows))
	if weights != nil {
		n = 0
		for _, v := range weights {
			n += v
		}
	}
	weight := func(i int) float64 {
		if weights == nil {
			return 1
		}
		return weights[i]
	}
	in := make([]float64, len(rows)*(dim+m.Stimuli))
	for i, r := range rows {
		row := in[i*(dim+m.Stimuli):]
		copy(row, z[i*dim:(i+1)*dim])
		if m.SeenStimuli[d.Stimulus[r]] {
			row[dim+d.Stimulus[r]] = 1
		}
	}
	xh, err := m.Decoder.Forward(c, in)
	if err != nil {
		return 0, nil, err
	}
	*buf = grow(*buf, len(xh))
	var loss float64
	for i := range xh {
		r, k := xh[i]-x[i], weight(i/w)
		loss += 0.5 * k * r * r / n
		(*buf)[i] = k * r / n
	}
	din, err := m.Decoder.Backward(c, *buf)
	if err != nil {
		return 0, nil, err
	}
	dz := make([]float64, len(rows)*dim)
	for i := range rows {
		k := weight(i)
		for j := 0; j < dim; j++ {
			v := z[i*dim+j]
			loss += 0.5 * k * implicitL2 * v * v / n
			dz[i*dim+j] = din[i*(dim+m.Stimuli)+j] + k*implicitL2*v/n
		}
	}
	return loss, dz, nil
}
