package autodiff

import (
	"runtime"
	"slices"
	"sync"
	"weak"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

type dotAxes struct {
	lhsContract, lhsBatch, rhsContract, rhsBatch []int
}

var (
	// dotNodes holds the axes of every live node made by Dot, keyed by a
	// weak pointer so that an entry never keeps a graph alive.
	dotNodes sync.Map // weak.Pointer[graph.Node] → dotAxes
	// goMLXDotVJP is GoMLX's own DotGeneral gradient, used for every
	// DotGeneral that Dot did not make.
	goMLXDotVJP = graph.VJPRegistration[graph.NodeTypeDotGeneral]
)

func init() {
	graph.VJPRegistration[graph.NodeTypeDotGeneral] = dotVJP
}

// Dot is graph.DotGeneral (same arguments, same value) whose gradient is
// built from two DotGenerals instead of GoMLX's broadcast-and-sum (see the
// package documentation).
func Dot(lhs *graph.Node, lhsContract, lhsBatch []int, rhs *graph.Node, rhsContract, rhsBatch []int) *graph.Node {
	n := graph.DotGeneral(lhs, lhsContract, lhsBatch, rhs, rhsContract, rhsBatch)
	key := weak.Make(n)
	dotNodes.Store(key, dotAxes{slices.Clone(lhsContract), slices.Clone(lhsBatch), slices.Clone(rhsContract), slices.Clone(rhsBatch)})
	runtime.AddCleanup(n, func(k weak.Pointer[graph.Node]) { dotNodes.Delete(k) }, key)
	return n
}

// dotVJP is the DotGeneral entry of GoMLX's gradient table: Dot's nodes get
// the two-product gradient, every other node GoMLX's own.
func dotVJP(node *graph.Node, vs []*graph.Node, out shapes.Shape) []*graph.Node {
	a, ok := dotNodes.Load(weak.Make(node))
	if !ok {
		return goMLXDotVJP(node, vs, out)
	}
	ax := a.(dotAxes)
	in := node.Inputs()
	lhs, rhs, v := in[0], in[1], vs[0]
	lhsCross := crossAxes(lhs.Rank(), ax.lhsContract, ax.lhsBatch)
	rhsCross := crossAxes(rhs.Rank(), ax.rhsContract, ax.rhsBatch)
	nb := len(ax.lhsBatch)
	vBatch := axisRange(0, nb)
	vLhsCross := axisRange(nb, len(lhsCross))
	vRhsCross := axisRange(nb+len(lhsCross), len(rhsCross))
	gl := operandGrad(v, vBatch, vRhsCross, rhs, ax.rhsBatch, rhsCross,
		operand{ax.lhsBatch, lhsCross, ax.lhsContract, lhs.Rank()}, ax.rhsContract)
	gr := operandGrad(v, vBatch, vLhsCross, lhs, ax.lhsBatch, lhsCross,
		operand{ax.rhsBatch, rhsCross, ax.rhsContract, rhs.Rank()}, ax.lhsContract)
	return []*graph.Node{gl, gr}
}

// operand describes the axes of the operand whose gradient is built.
type operand struct {
	batch, cross, contract []int
	rank                   int
}

// operandGrad returns the gradient with respect to one operand ("this") of
// a DotGeneral whose output gradient is v: v contracted with the other
// operand over the other's cross axes, batched, then transposed so that
// this operand's batch, cross and contracting axes return to their places.
// this.contract[j] was contracted against otherContract[j].
func operandGrad(v *graph.Node, vBatch, vOtherCross []int, other *graph.Node, otherBatch, otherCross []int,
	this operand, otherContract []int) *graph.Node {
	g := graph.DotGeneral(v, vOtherCross, vBatch, other, otherCross, otherBatch)
	// g's layout: [batch…, this cross…, other's remaining axes (its
	// contracting axes) in increasing axis order…].
	nb, nc := len(this.batch), len(this.cross)
	sortedOther := slices.Sorted(slices.Values(otherContract))
	perm := make([]int, this.rank)
	for i, a := range this.batch {
		perm[a] = i
	}
	for i, a := range this.cross {
		perm[a] = nb + i
	}
	for j, a := range this.contract {
		perm[a] = nb + nc + slices.Index(sortedOther, otherContract[j])
	}
	for i, p := range perm {
		if i != p {
			return graph.TransposeAllAxes(g, perm...)
		}
	}
	return g
}

func crossAxes(rank int, contract, batch []int) []int {
	var out []int
	for a := 0; a < rank; a++ {
		if !slices.Contains(contract, a) && !slices.Contains(batch, a) {
			out = append(out, a)
		}
	}
	return out
}

func axisRange(start, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = start + i
	}
	return out
}
