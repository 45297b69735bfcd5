package widgets_test

import (
	"bytes"
	"fmt"
	"image/png"
	"strings"
	"testing"

	"gonum.org/v1/plot"

	"github.com/neuronb/neuronb/neuro/replicates"
	"github.com/neuronb/neuronb/widgets"
)

func summaries(t *testing.T, rows [][]float64) []replicates.Summary {
	t.Helper()
	s, err := replicates.Columns(rows)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Oracle: the axis ranges gonum/plot computes from the drawn elements must
// span every interval end (the bars are drawn), the scales are the ones
// asked for, the text names the series, and the PNG has series colour.
func TestErrorBarsDrawEveryIntervalOnTheAskedScales(t *testing.T) {
	x := []float64{10, 20, 50, 100}
	a := summaries(t, [][]float64{{0.3, 0.5, 0.7, 0.8}, {0.35, 0.52, 0.69, 0.82}, {0.28, 0.47, 0.72, 0.79}})
	b := summaries(t, [][]float64{{0.6, 0.7, 0.75}, {0.62, 0.71, 0.74}})
	f, err := widgets.ErrorBars(x, [][]replicates.Summary{a, b}, &widgets.Options{LogX: true, LogY: true, Names: []string{"sample", "denoised"}, XLabel: "neurons N"})
	if err != nil {
		t.Fatal(err)
	}
	p := f.Plot()
	if _, ok := p.X.Scale.(plot.LogScale); !ok {
		t.Errorf("x scale %T, want log", p.X.Scale)
	}
	if _, ok := p.Y.Scale.(plot.LogScale); !ok {
		t.Errorf("y scale %T, want log", p.Y.Scale)
	}
	lo, hi := a[0].Lo, a[0].Hi
	for _, s := range append(append([]replicates.Summary{}, a...), b...) {
		lo, hi = min(lo, s.Lo), max(hi, s.Hi)
	}
	if p.Y.Min > lo+1e-12 || p.Y.Max < hi-1e-12 || p.X.Min > 10 || p.X.Max < 100 {
		t.Errorf("axes x [%v, %v] y [%v, %v] do not span x [10, 100] and intervals [%v, %v]", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max, lo, hi)
	}
	text := f.Text()
	for _, want := range []string{"sample:", "denoised:", "n=3", "n=2", "neurons N"} {
		if !strings.Contains(text, want) {
			t.Errorf("text %q lacks %q", text, want)
		}
	}
	bnd, err := f.Render()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(bnd.PNG))
	if err != nil {
		t.Fatal(err)
	}
	coloured := 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if max(r, g, b)-min(r, g, b) > 60<<8 {
				coloured++
			}
		}
	}
	if coloured < 200 {
		t.Errorf("%d coloured pixels in the PNG, want a drawn chart", coloured)
	}
}

func TestErrorBarsRejectBadInput(t *testing.T) {
	ok := []replicates.Summary{{N: 2, Mean: 1, Lo: 0.5, Hi: 1.5}}
	cases := []struct {
		x    []float64
		s    [][]replicates.Summary
		o    *widgets.Options
		want string
	}{
		{[]float64{1}, nil, nil, "series is empty"},
		{nil, [][]replicates.Summary{ok}, nil, "x is empty"},
		{[]float64{0}, [][]replicates.Summary{ok}, &widgets.Options{LogX: true}, "x[0] = 0, want a finite value > 0 (log x axis)"},
		{[]float64{1}, [][]replicates.Summary{{{N: 2, Mean: -1, Lo: -2, Hi: 0}}}, &widgets.Options{LogY: true}, "series[0][0]: mean -1"},
		{[]float64{1}, [][]replicates.Summary{{ok[0], ok[0]}}, nil, "series[0] has 2 points for 1 x values"},
		{[]float64{1}, [][]replicates.Summary{ok}, &widgets.Options{Names: []string{"a", "b"}}, "2 names"},
	}
	for _, c := range cases {
		_, err := widgets.ErrorBars(c.x, c.s, c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}

// Held-out error of two methods over five seeds against the training-set
// size, on log-log axes.
func ExampleErrorBars() {
	sizes := []float64{5, 10, 20, 40}
	bySeed := map[string][][]float64{ // seed × size
		"method A": {{0.9, 0.5, 0.21, 0.1}, {0.8, 0.45, 0.25, 0.12}, {1.0, 0.52, 0.2, 0.11}},
		"method B": {{0.7, 0.6, 0.55, 0.52}, {0.75, 0.62, 0.57, 0.5}, {0.72, 0.58, 0.54, 0.53}},
	}
	var series [][]replicates.Summary
	for _, name := range []string{"method A", "method B"} {
		s, err := replicates.Columns(bySeed[name])
		if err != nil {
			fmt.Println(err)
			return
		}
		series = append(series, s)
	}
	f, err := widgets.ErrorBars(sizes, series, &widgets.Options{LogX: true, LogY: true,
		Names: []string{"method A", "method B"}, XLabel: "training trials", YLabel: "held-out gap (nats/bin)"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Split(f.Text(), "\n")[0])
	// Output: ErrorBars (mean and 95% t interval against training trials)
}
