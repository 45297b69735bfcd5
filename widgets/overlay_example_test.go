package widgets_test

import (
	"fmt"
	"math"

	"github.com/neuronb/neuronb/widgets"
)

func ExampleFigure_AddLine() {
	// A decaying rotation with its fixed point (open circle: the truth)
	// and the unit circle (dashed reference).
	f, err := widgets.FlowFieldFunc(func(x, y float64) (float64, float64) { return -0.2*x - y, x - 0.2*y }, -1.5, 1.5, -1.5, 1.5, 9, nil)
	if err != nil {
		panic(err)
	}
	var cx, cy []float64
	for k := 0; k <= 60; k++ {
		s, c := math.Sincos(2 * math.Pi * float64(k) / 60)
		cx, cy = append(cx, c), append(cy, s)
	}
	if err := f.AddLine("unit circle", cx, cy, 6, true); err != nil {
		panic(err)
	}
	if err := f.AddPoints("fixed point", []float64{0}, []float64{0}, 0, true); err != nil {
		panic(err)
	}
	fmt.Println(f.Text())
	// Output:
	// FlowField: 9×9 arrows over x₁ in [-1.5, 1.5], x₂ in [-1.5, 1.5]; speed from 0 to 2.163; line "unit circle" of 61 points; 1 markers "fixed point"
}
