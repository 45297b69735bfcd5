package singleneuron

import (
	"fmt"
	"sort"

	"github.com/neuronb/neuronb/neuro/train"
)

// inferLR is the learning rate of the Adam steps that fit an implicit
// model's embeddings of new neurons.
const inferLR = 0.05

// EmbedRows returns the embedding of each of the rows of d: the encoder's
// output (VICReg) or the posterior mean (VAE). An implicit model has no
// encoder: use EmbedNeurons.
func (m *Model) EmbedRows(d *Dataset, rows []int) ([][]float64, error) {
	if m.Encoder == nil {
		return nil, fmt.Errorf("singleneuron: EmbedRows: the %v model embeds neurons, not rows (use EmbedNeurons)", m.Settings.Model)
	}
	if err := m.checkRows(d, rows); err != nil {
		return nil, err
	}
	out, err := m.Encoder.Forward(m.Encoder.NewCache(), m.input(d, rows, nil))
	if err != nil {
		return nil, err
	}
	dim, w := m.Settings.Dim, m.Encoder.Out
	Z := make([][]float64, len(rows))
	for i := range Z {
		Z[i] = append([]float64(nil), out[i*w:i*w+dim]...)
	}
	return Z, nil
}

func (m *Model) checkRows(d *Dataset, rows []int) error {
	if d == nil || len(d.X) == 0 {
		return fmt.Errorf("singleneuron: empty dataset")
	}
	if d.Width() != len(m.Mean) {
		return fmt.Errorf("singleneuron: the dataset has %d features, the model %d", d.Width(), len(m.Mean))
	}
	if len(rows) == 0 {
		return fmt.Errorf("singleneuron: no rows to embed")
	}
	for i, r := range rows {
		if r < 0 || r >= len(d.X) {
			return fmt.Errorf("singleneuron: rows[%d] = %d, want a row of the %d", i, r, len(d.X))
		}
	}
	return nil
}

// EmbedNeurons returns the neurons that have rows among rows (ascending)
// and an embedding of each: the mean of its rows' embeddings (VICReg,
// VAE), or, for the implicit model, the embedding that minimises the
// decoder's loss on its rows with the decoder frozen (InferIterations Adam
// steps from 0; an unseen stimulus gets a zero context).
func (m *Model) EmbedNeurons(d *Dataset, rows []int) ([]int, [][]float64, error) {
	if err := m.checkRows(d, rows); err != nil {
		return nil, nil, err
	}
	idx := map[int]int{}
	var neurons []int
	for _, r := range rows {
		if _, ok := idx[d.Neuron[r]]; !ok {
			idx[d.Neuron[r]] = 0
			neurons = append(neurons, d.Neuron[r])
		}
	}
	sort.Ints(neurons)
	for i, n := range neurons {
		idx[n] = i
	}
	dim := m.Settings.Dim
	if m.Settings.Model == ImplicitModel {
		Z, err := m.fitEmbeddings(d, rows, idx, len(neurons))
		return neurons, Z, err
	}
	Zr, err := m.EmbedRows(d, rows)
	if err != nil {
		return nil, nil, err
	}
	Z := make([][]float64, len(neurons))
	count := make([]int, len(neurons))
	for i := range Z {
		Z[i] = make([]float64, dim)
	}
	for i, r := range rows {
		k := idx[d.Neuron[r]]
		count[k]++
		for j, v := range Zr[i] {
			Z[k][j] += v
		}
	}
	for k := range Z {
		for j := range Z[k] {
			Z[k][j] /= float64(count[k])
		}
	}
	return neurons, Z, nil
}

// fitEmbeddings fits one embedding per neuron to its rows, full batch.
// The decoder's output depends on a row only through its neuron and
// stimulus, so the rows of each (neuron, stimulus) group enter as their
// mean features with the group's size as weight: the same gradient at a
// fraction of the cost.
func (m *Model) fitEmbeddings(d *Dataset, rows []int, idx map[int]int, count int) ([][]float64, error) {
	dim, w := m.Settings.Dim, len(m.Mean)
	x := m.input(d, rows, nil)
	group := map[[2]int]int{}
	var reps []int // a representative row per group
	var weights, xm []float64
	for i, r := range rows {
		key := [2]int{d.Neuron[r], d.Stimulus[r]}
		g, ok := group[key]
		if !ok {
			g = len(reps)
			group[key] = g
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
	dec := m.Decoder.Clone()
	c := dec.NewCache()
	p := train.NewParam[float64]("z", count, dim)
	opt, err := train.NewAdam([]train.Group[float64]{{Params: []*train.Param[float64]{p}}}, &train.AdamSettings{LR: inferLR})
	if err != nil {
		return nil, err
	}
	z := make([]float64, len(reps)*dim)
	var buf []float64
	for it := 0; it < m.Settings.InferIterations; it++ {
		p.ZeroGrad()
		for g, r := range reps {
			copy(z[g*dim:(g+1)*dim], p.Value[idx[d.Neuron[r]]*dim:])
		}
		_, dz, err := m.decodeLoss(c, d, reps, weights, z, xm, &buf)
		if err != nil {
			return nil, err
		}
		for g, r := range reps {
			grad := p.Grad[idx[d.Neuron[r]]*dim:]
			for k := 0; k < dim; k++ {
				grad[k] += dz[g*dim+k]
			}
		}
		if err := opt.Step(); err != nil {
			return nil, fmt.Errorf("singleneuron: fitting embeddings: %w", err)
		}
	}
	Z := make([][]float64, count)
	for k := range Z {
		Z[k] = append([]float64(nil), p.Value[k*dim:(k+1)*dim]...)
	}
	return Z, nil
}
