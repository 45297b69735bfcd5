package tinyllama

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Oracle: GoMLX's own DotGeneral gradient (the one this package replaces
// for its products), on every axis layout Forward uses: a linear layer,
// the embedding, the rotation, the attention scores and the attention
// output. loss = Σ R ⊙ DotGeneral(lhs, rhs) for a random R.
func TestDotGradientMatchesGoMLXsOwn(t *testing.T) {
	backend, err := Backend()
	if err != nil {
		t.Fatal(err)
	}
	defer backend.Finalize()
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(dims ...int) *tensors.Tensor {
		n := 1
		for _, d := range dims {
			n *= d
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return tensors.FromFlatDataAndDimensions(v, dims...)
	}
	for _, c := range []struct {
		name           string
		lhs, rhs       []int
		lc, lb, rc, rb []int
	}{
		{"btd,fd->btf", []int{2, 3, 4}, []int{5, 4}, []int{2}, nil, []int{1}, nil},
		{"btv,vd->btd", []int{2, 3, 6}, []int{6, 4}, []int{2}, nil, []int{0}, nil},
		{"bthd,de->bthe", []int{2, 3, 2, 4}, []int{4, 4}, []int{3}, nil, []int{0}, nil},
		{"bqhd,bkhd->bhqk", []int{2, 3, 2, 4}, []int{2, 5, 2, 4}, []int{3}, []int{0, 2}, []int{3}, []int{0, 2}},
		{"bhqk,bkhd->bhqd", []int{2, 2, 3, 5}, []int{2, 5, 2, 4}, []int{3}, []int{0, 1}, []int{1}, []int{0, 2}},
	} {
		grads := func(mine bool) [][]float32 {
			exec, err := graph.NewExec(backend, func(lhs, rhs, r *graph.Node) (*graph.Node, *graph.Node) {
				var out *graph.Node
				if mine {
					out = dot(lhs, c.lc, c.lb, rhs, c.rc, c.rb)
				} else {
					out = graph.DotGeneral(lhs, c.lc, c.lb, rhs, c.rc, c.rb)
				}
				g := graph.Gradient(graph.ReduceAllSum(graph.Mul(out, r)), lhs, rhs)
				return g[0], g[1]
			})
			if err != nil {
				t.Fatal(err)
			}
			lhs, rhs := random(c.lhs...), random(c.rhs...)
			// The output shape, for R: run the product once.
			probe, _ := graph.NewExec(backend, func(a, b *graph.Node) *graph.Node { return graph.DotGeneral(a, c.lc, c.lb, b, c.rc, c.rb) })
			o, err := probe.Exec(lhs, rhs)
			if err != nil {
				t.Fatal(err)
			}
			r := random(o[0].Shape().Dimensions...)
			outs, err := exec.Exec(lhs, rhs, r)
			if err != nil {
				t.Fatal(err)
			}
			return [][]float32{tensors.MustCopyFlatData[float32](outs[0]), tensors.MustCopyFlatData[float32](outs[1])}
		}
		seed := rng.Uint64()
		rng = rand.New(rand.NewPCG(seed, 3))
		want := grads(false)
		rng = rand.New(rand.NewPCG(seed, 3))
		got := grads(true)
		for k := range want {
			for i := range want[k] {
				if math.Abs(float64(got[k][i]-want[k][i])) > 1e-5 {
					t.Fatalf("%s: gradient of operand %d element %d: %v, GoMLX %v", c.name, k, i, got[k][i], want[k][i])
				}
			}
		}
	}
}
