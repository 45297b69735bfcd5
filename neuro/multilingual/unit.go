package multilingual

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/neuronb/neuronb/neuro/transformer"
)

// Component is the part of a layer a unit belongs to.
type Component int

// The components of a layer. A unit of Q, K or V is one output
// coordinate of that projection (a row of q_proj, k_proj, v_proj in
// nn.Linear's [out, in] layout: head h = index / DHead, coordinate index
// mod DHead); a unit of O is one input coordinate of the output projection
// (a column of o_proj: the same coordinate of the attention heads' output
// z); a unit of FFN is one MLP neuron (a row of up_proj and gate_proj, a
// column of down_proj; GPT-2: a column of c_fc, a row of c_proj).
const (
	Q Component = iota
	K
	V
	O
	FFN
	NumComponents
)

// Components lists every component in order.
var Components = [NumComponents]Component{Q, K, V, O, FFN}

func (c Component) String() string {
	if c < 0 || c >= NumComponents {
		return fmt.Sprintf("Component(%d)", int(c))
	}
	return [...]string{"Q", "K", "V", "O", "FFN"}[c]
}

// Unit is one neuron in the paper's sense: a row or column of a parameter
// matrix.
type Unit struct {
	Layer     int
	Component Component
	Index     int
}

func (u Unit) String() string { return fmt.Sprintf("L%d.%s.%d", u.Layer, u.Component, u.Index) }

// Shape is how many units a model has: Layers layers, each with Sizes[c]
// units of component c.
type Shape struct {
	Layers int                `json:"layers"`
	Sizes  [NumComponents]int `json:"sizes"`
}

// ShapeOf returns the unit counts of a model: NHeads·DHead units of Q and
// O, NKVHeads·DHead of K and V, DMLP of FFN, per layer.
func ShapeOf(c transformer.Config) Shape {
	q, kv := c.NHeads*c.DHead, c.NKVHeads*c.DHead
	return Shape{Layers: c.NLayers, Sizes: [NumComponents]int{q, kv, kv, q, c.DMLP}}
}

// Total returns the number of units of the model.
func (s Shape) Total() int {
	n := 0
	for _, k := range s.Sizes {
		n += k
	}
	return n * s.Layers
}

// UnitSet is a set of units: set[l][c] holds the sorted, distinct indices
// of the units of component c in layer l. Its length is the number of
// layers.
type UnitSet [][NumComponents][]int

// NewUnitSet collects units into a set of the given shape, rejecting
// out-of-range and repeated units.
func NewUnitSet(shape Shape, units []Unit) (UnitSet, error) {
	s := make(UnitSet, shape.Layers)
	for i, u := range units {
		if u.Layer < 0 || u.Layer >= shape.Layers || u.Component < 0 || u.Component >= NumComponents || u.Index < 0 || u.Index >= shape.Sizes[u.Component] {
			return nil, fmt.Errorf("multilingual: NewUnitSet: units[%d] = %v is outside the shape %+v", i, u, shape)
		}
		s[u.Layer][u.Component] = append(s[u.Layer][u.Component], u.Index)
	}
	for l := range s {
		for c := range s[l] {
			slices.Sort(s[l][c])
			for j := 1; j < len(s[l][c]); j++ {
				if s[l][c][j] == s[l][c][j-1] {
					return nil, fmt.Errorf("multilingual: NewUnitSet: unit %v appears twice", Unit{l, Component(c), s[l][c][j]})
				}
			}
		}
	}
	return s, nil
}

// Len returns the number of units in the set.
func (s UnitSet) Len() int {
	n := 0
	for l := range s {
		for c := range s[l] {
			n += len(s[l][c])
		}
	}
	return n
}

// Count returns the number of units of component c in layer l.
func (s UnitSet) Count(l int, c Component) int { return len(s[l][c]) }

// ByComponent returns the number of units of each component, over layers.
func (s UnitSet) ByComponent() [NumComponents]int {
	var out [NumComponents]int
	for l := range s {
		for c := range s[l] {
			out[c] += len(s[l][c])
		}
	}
	return out
}

// ByLayer returns the number of units in each layer.
func (s UnitSet) ByLayer() []int {
	out := make([]int, len(s))
	for l := range s {
		for c := range s[l] {
			out[l] += len(s[l][c])
		}
	}
	return out
}

// Units lists the set in layer, component, index order.
func (s UnitSet) Units() []Unit {
	var out []Unit
	for l := range s {
		for c := range s[l] {
			for _, i := range s[l][c] {
				out = append(out, Unit{l, Component(c), i})
			}
		}
	}
	return out
}

// Contains reports whether the set holds u.
func (s UnitSet) Contains(u Unit) bool {
	if u.Layer < 0 || u.Layer >= len(s) || u.Component < 0 || u.Component >= NumComponents {
		return false
	}
	_, ok := slices.BinarySearch(s[u.Layer][u.Component], u.Index)
	return ok
}

func (s UnitSet) String() string {
	c := s.ByComponent()
	parts := make([]string, NumComponents)
	for i := range c {
		parts[i] = fmt.Sprintf("%s %d", Component(i), c[i])
	}
	return fmt.Sprintf("%d units (%s)", s.Len(), strings.Join(parts, ", "))
}

// combine applies a merge of two sorted index lists to every layer and
// component of a and b (of the same number of layers).
func combine(a, b UnitSet, merge func(x, y []int) []int) UnitSet {
	out := make(UnitSet, len(a))
	for l := range a {
		for c := range a[l] {
			out[l][c] = merge(a[l][c], b[l][c])
		}
	}
	return out
}

// Intersect returns the units in both a and b.
func Intersect(a, b UnitSet) UnitSet {
	return combine(a, b, func(x, y []int) []int {
		var out []int
		for i, j := 0, 0; i < len(x) && j < len(y); {
			switch {
			case x[i] < y[j]:
				i++
			case x[i] > y[j]:
				j++
			default:
				out = append(out, x[i])
				i, j = i+1, j+1
			}
		}
		return out
	})
}

// Minus returns the units of a not in b.
func Minus(a, b UnitSet) UnitSet {
	return combine(a, b, func(x, y []int) []int {
		var out []int
		for _, v := range x {
			if _, ok := slices.BinarySearch(y, v); !ok {
				out = append(out, v)
			}
		}
		return out
	})
}

// Union returns the units in a or b.
func Union(a, b UnitSet) UnitSet {
	return combine(a, b, func(x, y []int) []int {
		out := slices.Concat(x, y)
		slices.Sort(out)
		return slices.Compact(out)
	})
}

// check validates a set against a shape.
func (s UnitSet) check(shape Shape, what string) error {
	if len(s) != shape.Layers {
		return fmt.Errorf("multilingual: %s has %d layers, the model %d", what, len(s), shape.Layers)
	}
	for l := range s {
		for c, idx := range s[l] {
			for j, i := range idx {
				if i < 0 || i >= shape.Sizes[c] {
					return fmt.Errorf("multilingual: %s: layer %d %s entry %d = %d is outside [0, %d)", what, l, Component(c), j, i, shape.Sizes[c])
				}
				if j > 0 && idx[j-1] >= i {
					return fmt.Errorf("multilingual: %s: layer %d %s is not sorted and distinct at entry %d", what, l, Component(c), j)
				}
			}
		}
	}
	return nil
}

// RandomMatched draws, for every layer and component, as many distinct
// units as like has there, uniformly from all units of that layer and
// component (they may include units of like): the same-count random
// control of the deactivation experiments.
func RandomMatched(rng *rand.Rand, like UnitSet, shape Shape) (UnitSet, error) {
	if len(like) != shape.Layers {
		return nil, fmt.Errorf("multilingual: RandomMatched: the set has %d layers, the shape %d", len(like), shape.Layers)
	}
	out := make(UnitSet, len(like))
	for l := range like {
		for c := range like[l] {
			n := len(like[l][c])
			if n > shape.Sizes[c] {
				return nil, fmt.Errorf("multilingual: RandomMatched: layer %d has %d %s units, more than %d", l, n, Component(c), shape.Sizes[c])
			}
			if n == 0 {
				continue
			}
			out[l][c] = rng.Perm(shape.Sizes[c])[:n]
			slices.Sort(out[l][c])
		}
	}
	return out, nil
}
