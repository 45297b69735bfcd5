package singleneuron

import (
	"fmt"
	"math"

	"github.com/neuronb/neuronb/neuro/parallel"
	"github.com/neuronb/neuronb/neuro/spikes"
)

// Dataset holds one feature vector per segment (row) with the segment's
// neuron, animal and stimulus, and each neuron's type and animal. Rows of
// one neuron in one environment are consecutive.
type Dataset struct {
	// X[r] is row r's feature vector (FeatureNames).
	X [][]float64
	// Neuron, Animal and Stimulus give each row's neuron (an index into
	// Type), animal and stimulus type.
	Neuron, Animal, Stimulus []int
	// Type[n] is neuron n's class (an index into Classes; −1 when not
	// known), NeuronAnimal[n] its animal.
	Type, NeuronAnimal []int
	// Classes names the types; Animals and Stimuli count the animals and
	// stimulus types.
	Classes          []string
	Animals, Stimuli int
	// Skipped counts the segments dropped for holding fewer than
	// FeatureSettings.MinSpikes spikes.
	Skipped int
}

// Features returns the feature vectors (SegmentFeatures) of every unit of
// g in every interval of segments, as rows, with each row's unit index
// (position in g) and segment index; segments with fewer than MinSpikes
// spikes are left out. A unit without any spike, or a segment shorter than
// MaxISI, is an error naming it.
func Features(g *spikes.TsGroup, segments *spikes.IntervalSet, s *FeatureSettings) (X [][]float64, unit, segment []int, err error) {
	set, err := s.resolved()
	if err != nil {
		return nil, nil, nil, err
	}
	if g == nil || g.Len() == 0 || segments == nil || segments.Len() == 0 {
		return nil, nil, nil, fmt.Errorf("singleneuron: Features: no units or no segments")
	}
	for k := 0; k < segments.Len(); k++ {
		if d := segments.Duration(k); d < set.MaxISI {
			return nil, nil, nil, fmt.Errorf("singleneuron: Features: segment %d [%v, %v] of %v s is shorter than the ISI histogram's last bin (up to MaxISI = %v s)", k, segments.Start(k), segments.End(k), d, set.MaxISI)
		}
	}
	for i := 0; i < g.Len(); i++ {
		if len(g.Times(i)) == 0 {
			return nil, nil, nil, fmt.Errorf("singleneuron: Features: unit %d (id %d) has no spikes", i, g.ID(i))
		}
	}
	rows := make([][][]float64, g.Len())
	parallel.For(g.Len(), 0, func(_, i int) {
		t := g.Times(i)
		rows[i] = make([][]float64, segments.Len())
		for k := range rows[i] {
			rows[i][k] = segmentFeatures(t, segments.Start(k), segments.End(k), set)
		}
	})
	for i := range rows {
		for k, x := range rows[i] {
			if x != nil {
				X, unit, segment = append(X, x), append(unit, i), append(segment, k)
			}
		}
	}
	return X, unit, segment, nil
}

// Segments cuts every environment of a campaign into consecutive segments
// of length seconds and returns their features as a Dataset (classes are
// the campaign's Types).
func Segments(c *Campaign, length float64, s *FeatureSettings) (*Dataset, error) {
	if c == nil || len(c.Environments) == 0 {
		return nil, fmt.Errorf("singleneuron: Segments: empty campaign")
	}
	if !(length > 0) || length > c.Settings.Duration {
		return nil, fmt.Errorf("singleneuron: Segments: length %v s, want in (0, %v] (the recording's duration)", length, c.Settings.Duration)
	}
	whole, err := spikes.NewIntervalSet([]float64{0}, []float64{c.Settings.Duration}, nil)
	if err != nil {
		return nil, err
	}
	seg, err := whole.Split(length)
	if err != nil {
		return nil, fmt.Errorf("singleneuron: Segments: %w", err)
	}
	if seg, err = seg.DropShort(length * (1 - 1e-9)); err != nil {
		return nil, err
	}
	d := &Dataset{Animals: len(c.Animals), Stimuli: len(c.Stimuli)}
	class := map[NeuronType]int{}
	for k, t := range c.Settings.Types {
		class[t] = k
		d.Classes = append(d.Classes, t.String())
	}
	for _, n := range c.Neurons {
		d.Type, d.NeuronAnimal = append(d.Type, class[n.Type]), append(d.NeuronAnimal, n.Animal)
	}
	for ei, e := range c.Environments {
		X, unit, _, err := Features(e.Units, seg, s)
		if err != nil {
			return nil, fmt.Errorf("singleneuron: Segments: environment %d (animal %d, stimulus %d): %w", ei, e.Animal, e.Stimulus, err)
		}
		d.Skipped += e.Units.Len()*seg.Len() - len(X)
		for r, x := range X {
			d.X = append(d.X, x)
			d.Neuron = append(d.Neuron, e.Units.ID(unit[r]))
			d.Animal, d.Stimulus = append(d.Animal, e.Animal), append(d.Stimulus, e.Stimulus)
		}
	}
	return d, d.Validate()
}

// Validate checks the dataset's shapes and labels.
func (d *Dataset) Validate() error {
	if d == nil || len(d.X) == 0 {
		return fmt.Errorf("singleneuron: empty dataset")
	}
	n := len(d.X)
	if len(d.Neuron) != n || len(d.Animal) != n || len(d.Stimulus) != n {
		return fmt.Errorf("singleneuron: dataset of %d rows has %d neuron, %d animal and %d stimulus labels", n, len(d.Neuron), len(d.Animal), len(d.Stimulus))
	}
	if len(d.NeuronAnimal) != len(d.Type) {
		return fmt.Errorf("singleneuron: dataset: %d neuron types and %d neuron animals", len(d.Type), len(d.NeuronAnimal))
	}
	w := len(d.X[0])
	for r, x := range d.X {
		if len(x) != w {
			return fmt.Errorf("singleneuron: dataset row %d has %d features, row 0 has %d", r, len(x), w)
		}
		for j, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("singleneuron: dataset X[%d][%d] = %v is not finite", r, j, v)
			}
		}
		if d.Neuron[r] < 0 || d.Neuron[r] >= len(d.Type) {
			return fmt.Errorf("singleneuron: dataset row %d: neuron %d of %d", r, d.Neuron[r], len(d.Type))
		}
		if d.Animal[r] < 0 || d.Animal[r] >= d.Animals || d.Stimulus[r] < 0 || d.Stimulus[r] >= d.Stimuli {
			return fmt.Errorf("singleneuron: dataset row %d: animal %d of %d, stimulus %d of %d", r, d.Animal[r], d.Animals, d.Stimulus[r], d.Stimuli)
		}
	}
	for i, t := range d.Type {
		if t < -1 || t >= len(d.Classes) {
			return fmt.Errorf("singleneuron: dataset neuron %d: type %d of %d classes", i, t, len(d.Classes))
		}
	}
	return nil
}

// Width returns the number of features per row.
func (d *Dataset) Width() int { return len(d.X[0]) }

// RowsWhere returns the rows r for which keep(r) holds (all rows for a nil
// keep).
func (d *Dataset) RowsWhere(keep func(r int) bool) []int {
	var out []int
	for r := range d.X {
		if keep == nil || keep(r) {
			out = append(out, r)
		}
	}
	return out
}

// FromUnits cuts a recording's units into consecutive segments of length
// seconds over the group's support and returns their features as a
// Dataset of one animal and one stimulus with unknown types (−1): real
// units loaded with neuro/spikes (OpenNWB, LoadPhy, LoadNPZ, LoadCSV)
// enter the models this way. Neuron n is the group's unit n.
func FromUnits(g *spikes.TsGroup, length float64, s *FeatureSettings) (*Dataset, error) {
	if g == nil || g.Len() == 0 {
		return nil, fmt.Errorf("singleneuron: FromUnits: no units")
	}
	if !(length > 0) {
		return nil, fmt.Errorf("singleneuron: FromUnits: segment length %v s, want > 0", length)
	}
	seg, err := g.Support().Split(length)
	if err != nil {
		return nil, fmt.Errorf("singleneuron: FromUnits: %w", err)
	}
	if seg, err = seg.DropShort(length * (1 - 1e-9)); err != nil {
		return nil, err
	}
	if seg.Len() == 0 {
		return nil, fmt.Errorf("singleneuron: FromUnits: the recording (%v s) is shorter than one %v s segment", g.Support().TotalLength(), length)
	}
	X, unit, _, err := Features(g, seg, s)
	if err != nil {
		return nil, fmt.Errorf("singleneuron: FromUnits: %w", err)
	}
	if len(X) == 0 {
		return nil, fmt.Errorf("singleneuron: FromUnits: no segment has enough spikes")
	}
	d := &Dataset{X: X, Neuron: unit, Animal: make([]int, len(X)), Stimulus: make([]int, len(X)),
		Type: make([]int, g.Len()), NeuronAnimal: make([]int, g.Len()), Animals: 1, Stimuli: 1,
		Skipped: g.Len()*seg.Len() - len(X)}
	for i := range d.Type {
		d.Type[i] = -1
	}
	return d, d.Validate()
}
