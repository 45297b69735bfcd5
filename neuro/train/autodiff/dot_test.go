package autodiff

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// dotCase is a DotGeneral layout: operand shapes and axes.
type dotCase struct {
	name           string
	lhs, rhs       []int
	lc, lb, rc, rb []int
}

// The layouts of a Llama forward pass: a linear layer, the embedding, the
// rotation, the attention scores and the attention output.
var dotCases = []dotCase{
	{"btd,fd->btf", []int{2, 3, 4}, []int{5, 4}, []int{2}, nil, []int{1}, nil},
	{"btv,vd->btd", []int{2, 3, 6}, []int{6, 4}, []int{2}, nil, []int{0}, nil},
	{"bthd,de->bthe", []int{2, 3, 2, 4}, []int{4, 4}, []int{3}, nil, []int{0}, nil},
	{"bqhd,bkhd->bhqk", []int{2, 3, 2, 4}, []int{2, 5, 2, 4}, []int{3}, []int{0, 2}, []int{3}, []int{0, 2}},
	{"bhqk,bkhd->bhqd", []int{2, 2, 3, 5}, []int{2, 5, 2, 4}, []int{3}, []int{0, 1}, []int{1}, []int{0, 2}},
}

func testBackend(t *testing.T) backends.Backend {
	t.Helper()
	b, err := Backend()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Finalize)
	return b
}

func randomTensor(rng *rand.Rand, dims ...int) *tensors.Tensor {
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

// gradients returns ∂/∂lhs and ∂/∂rhs of Σ R ⊙ DotGeneral(lhs, rhs), the
// product made by Dot (mine) or by graph.DotGeneral, and the graph.
func gradients(t *testing.T, backend backends.Backend, c dotCase, mine bool, lhs, rhs, r *tensors.Tensor) ([][]float32, *graph.Graph) {
	t.Helper()
	exec, err := graph.NewExec(backend, func(lhs, rhs, r *graph.Node) (*graph.Node, *graph.Node) {
		var out *graph.Node
		if mine {
			out = Dot(lhs, c.lc, c.lb, rhs, c.rc, c.rb)
		} else {
			out = graph.DotGeneral(lhs, c.lc, c.lb, rhs, c.rc, c.rb)
		}
		g := graph.Gradient(graph.ReduceAllSum(graph.Mul(out, r)), lhs, rhs)
		return g[0], g[1]
	})
	if err != nil {
		t.Fatal(err)
	}
	outs, g, err := exec.ExecWithGraph(lhs, rhs, r)
	if err != nil {
		t.Fatal(err)
	}
	var res [][]float32
	for _, o := range outs {
		v, err := tensors.CopyFlatData[float32](o)
		if err != nil {
			t.Fatal(err)
		}
		res = append(res, v)
	}
	return res, g
}

// outputDims returns the dimensions of the product, by running it.
func outputDims(t *testing.T, backend backends.Backend, c dotCase, lhs, rhs *tensors.Tensor) []int {
	t.Helper()
	probe, err := graph.NewExec(backend, func(a, b *graph.Node) *graph.Node { return graph.DotGeneral(a, c.lc, c.lb, b, c.rc, c.rb) })
	if err != nil {
		t.Fatal(err)
	}
	o, err := probe.Exec(lhs, rhs)
	if err != nil {
		t.Fatal(err)
	}
	return o[0].Shape().Dimensions
}

// largestNode returns the number of elements of the graph's largest node.
func largestNode(g *graph.Graph) int {
	m := 0
	for _, n := range g.Nodes() {
		m = max(m, n.Shape().Size())
	}
	return m
}

// Oracle: GoMLX's own DotGeneral gradient, on every axis layout a Llama
// forward pass uses; loss = Σ R ⊙ DotGeneral(lhs, rhs) for a random R. The
// log shows the size of the largest intermediate of each gradient graph.
func TestDotGradientMatchesGoMLXsOwn(t *testing.T) {
	backend := testBackend(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range dotCases {
		lhs, rhs := randomTensor(rng, c.lhs...), randomTensor(rng, c.rhs...)
		r := randomTensor(rng, outputDims(t, backend, c, lhs, rhs)...)
		want, gw := gradients(t, backend, c, false, lhs, rhs, r)
		got, gg := gradients(t, backend, c, true, lhs, rhs, r)
		for k := range want {
			for i := range want[k] {
				if math.Abs(float64(got[k][i]-want[k][i])) > 1e-5 {
					t.Fatalf("%s: gradient of operand %d element %d: %v, GoMLX %v", c.name, k, i, got[k][i], want[k][i])
				}
			}
		}
		t.Logf("%s: largest node of the gradient graph %d elements (GoMLX's own: %d)", c.name, largestNode(gg), largestNode(gw))
		if largestNode(gg) > max(lhs.Shape().Size(), rhs.Shape().Size(), r.Shape().Size()) {
			t.Errorf("%s: Dot's gradient graph has a node larger than its operands and output", c.name)
		}
	}
}

// nodeSignature lists the type and shape of every node of a graph.
func nodeSignature(g *graph.Graph) []string {
	var s []string
	for _, n := range g.Nodes() {
		s = append(s, fmt.Sprintf("%s %s", n.Type(), n.Shape()))
	}
	return s
}

// Oracle: GoMLX's own gradient function, called directly. A DotGeneral
// not made by Dot (another GoMLX user's) gets exactly the gradient graph
// GoMLX would build without this package: same nodes in the same order,
// same shapes, same values.
func TestOtherDotGeneralsKeepGoMLXsGradient(t *testing.T) {
	backend := testBackend(t)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range dotCases {
		lhs, rhs := randomTensor(rng, c.lhs...), randomTensor(rng, c.rhs...)
		r := randomTensor(rng, outputDims(t, backend, c, lhs, rhs)...)
		through, g1 := gradients(t, backend, c, false, lhs, rhs, r) // through dotVJP's dispatch
		graph.VJPRegistration[graph.NodeTypeDotGeneral] = goMLXDotVJP
		direct, g2 := gradients(t, backend, c, false, lhs, rhs, r)
		graph.VJPRegistration[graph.NodeTypeDotGeneral] = dotVJP
		s1, s2 := nodeSignature(g1), nodeSignature(g2)
		if len(s1) != len(s2) {
			t.Fatalf("%s: %d nodes through the dispatcher, %d with GoMLX's function", c.name, len(s1), len(s2))
		}
		for i := range s1 {
			if s1[i] != s2[i] {
				t.Fatalf("%s: node %d is %q through the dispatcher, %q with GoMLX's function", c.name, i, s1[i], s2[i])
			}
		}
		for k := range direct {
			for i := range direct[k] {
				if through[k][i] != direct[k][i] {
					t.Fatalf("%s: gradient %d[%d] differs", c.name, k, i)
				}
			}
		}
	}
}
