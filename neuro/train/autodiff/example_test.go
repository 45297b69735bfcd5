package autodiff_test

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/neuronb/neuronb/neuro/train"
	"github.com/neuronb/neuronb/neuro/train/autodiff"
)

// Fit w in y = x·wᵀ by least squares, with the gradient from GoMLX and the
// optimizer from neuro/train.
func ExampleNewGradient() {
	backend, err := autodiff.Backend()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer backend.Finalize()
	w := train.NewParam[float32]("w", 1, 2)
	loss := func(params, inputs []*graph.Node) *graph.Node {
		pred := autodiff.Dot(inputs[0], []int{1}, nil, params[0], []int{1}, nil) // [n, 1]
		return graph.ReduceAllMean(graph.Square(graph.Sub(pred, inputs[1])))
	}
	grad, err := autodiff.NewGradient(backend, []*train.Param[float32]{w}, loss)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := tensors.FromFlatDataAndDimensions([]float32{1, 0, 0, 1, 1, 1}, 3, 2)
	y := tensors.FromFlatDataAndDimensions([]float32{2, -1, 1}, 3, 1) // w = (2, −1)
	opt, err := train.NewAdam([]train.Group[float32]{{Params: []*train.Param[float32]{w}}}, &train.AdamSettings{LR: 0.05})
	if err != nil {
		fmt.Println(err)
		return
	}
	for step := 0; step < 400; step++ {
		if _, err := grad.Eval(x, y); err != nil {
			fmt.Println(err)
			return
		}
		if err := opt.Step(); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Printf("w = (%.2f, %.2f)\n", w.Value[0], w.Value[1])
	// Output: w = (2.00, -1.00)
}
