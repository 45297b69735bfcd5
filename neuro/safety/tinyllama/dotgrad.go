package tinyllama

import (
	"runtime"
	"slices"
	"sync"
	"weak"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// Why this file exists: GoMLX v0.26.0 differentiates DotGeneral by
// broadcasting the output gradient against the other operand and summing
// (it materialises a [batch, lhs-cross, rhs-cross, contracted] tensor),
// which on the pure-Go backend made one training step of the 170k-parameter
// model take 3.7 s. The gradient of a DotGeneral is itself two DotGenerals,
//
//	∂L/∂lhs = v ·(rhs cross axes) rhs,   ∂L/∂rhs = v ·(lhs cross axes) lhs,
//
// batched over the batch axes and transposed back to the operand's layout.
// dot builds the products of this package and records their axes, and the
// DotGeneral gradient is replaced by one that uses them for the nodes it
// knows (and falls back to GoMLX's own for any other DotGeneral).

type dotAxes struct {
	lhsContract, lhsBatch, rhsContract, rhsBatch []int
}

var (
	dotRegistry sync.Map // weak.Pointer[graph.Node] → dotAxes, deleted with the node
	installOnce sync.Once
)

// dot is graph.DotGeneral with the efficient gradient.
func dot(lhs *graph.Node, lhsContract, lhsBatch []int, rhs *graph.Node, rhsContract, rhsBatch []int) *graph.Node {
	installOnce.Do(installDotGradient)
	n := graph.DotGeneral(lhs, lhsContract, lhsBatch, rhs, rhsContract, rhsBatch)
	key := weak.Make(n)
	dotRegistry.Store(key, dotAxes{lhsContract, lhsBatch, rhsContract, rhsBatch})
	runtime.AddCleanup(n, func(k weak.Pointer[graph.Node]) { dotRegistry.Delete(k) }, key)
	return n
}

func installDotGradient() {
	original := graph.VJPRegistration[graph.NodeTypeDotGeneral]
	graph.VJPRegistration[graph.NodeTypeDotGeneral] = func(node *graph.Node, vs []*graph.Node, out shapes.Shape) []*graph.Node {
		a, ok := dotRegistry.Load(weak.Make(node))
		if !ok {
			return original(node, vs, out)
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
		gl := operandGrad(v, vBatch, vRhsCross, rhs, ax.rhsBatch, rhsCross, ax.lhsBatch, lhsCross, ax.lhsContract, ax.rhsContract, lhs.Rank())
		gr := operandGrad(v, vBatch, vLhsCross, lhs, ax.lhsBatch, lhsCross, ax.rhsBatch, rhsCross, ax.rhsContract, ax.lhsContract, rhs.Rank())
		return []*graph.Node{gl, gr}
	}
}

// operandGrad returns the gradient with respect to one operand ("this") of
// a DotGeneral whose output gradient is v: v contracted with the other
// operand over the other's cross axes, batched, then transposed so that
// this operand's batch, cross and contracting axes return to their places.
// thisContract[j] was contracted against otherContract[j].
func operandGrad(v *graph.Node, vBatch, vOtherCross []int, other *graph.Node, otherBatch, otherCross []int,
	thisBatch, thisCross, thisContract, otherContract []int, thisRank int) *graph.Node {
	g := graph.DotGeneral(v, vOtherCross, vBatch, other, otherCross, otherBatch)
	// g's layout: [batch…, this cross…, other's remaining axes (its
	// contracting axes) in increasing axis order…].
	nb, nc := len(thisBatch), len(thisCross)
	sortedOther := slices.Sorted(slices.Values(otherContract))
	perm := make([]int, thisRank)
	for i, a := range thisBatch {
		perm[a] = i
	}
	for i, a := range thisCross {
		perm[a] = nb + i
	}
	for j, a := range thisContract {
		perm[a] = nb + nc + slices.Index(sortedOther, otherContract[j])
	}
	identity := true
	for i, p := range perm {
		identity = identity && i == p
	}
	if identity {
		return g
	}
	return graph.TransposeAllAxes(g, perm...)
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
