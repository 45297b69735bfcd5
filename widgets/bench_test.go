package widgets

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func benchSeries(nSeries, n int) (x []float64, ys [][]float64) {
	rng := rand.New(rand.NewPCG(3, 5))
	x = make([]float64, n)
	for i := range x {
		x[i] = float64(i) * 1e-3
	}
	ys = make([][]float64, nSeries)
	for s := range ys {
		ys[s] = make([]float64, n)
		v := 0.0
		for i := range x {
			v += rng.NormFloat64()
			ys[s][i] = v
		}
	}
	return x, ys
}

// BenchmarkLinesHTML10x10k: the target is < 50 ms and < 1 MB for a
// 10-series, 10,000-point line chart (the reported bytes include the 445 kB
// embedded library).
func BenchmarkLinesHTML10x10k(b *testing.B) {
	x, ys := benchSeries(10, 10000)
	var size int
	for b.Loop() {
		f, err := Lines(x, ys, &Options{Title: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		bu, err := f.Render()
		if err != nil {
			b.Fatal(err)
		}
		size = len(bu.HTML) + len(bu.Text)
	}
	b.ReportMetric(float64(size), "bytes/output")
}

// BenchmarkLinesHTML1x100k: a 100,000-point series, downsampled to 2,000.
func BenchmarkLinesHTML1x100k(b *testing.B) {
	x, ys := benchSeries(1, 100000)
	var size int
	for b.Loop() {
		f, err := Lines(x, ys, nil)
		if err != nil {
			b.Fatal(err)
		}
		bu, err := f.Render()
		if err != nil {
			b.Fatal(err)
		}
		size = len(bu.HTML)
	}
	b.ReportMetric(float64(size), "bytes/output")
}

// BenchmarkHeatmapPNG500: the target is < 300 ms.
func BenchmarkHeatmapPNG500(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	m := mat.NewDense(500, 500, nil)
	for i := 0; i < 500; i++ {
		for j := 0; j < 500; j++ {
			m.Set(i, j, rng.NormFloat64())
		}
	}
	var size int
	for b.Loop() {
		f, err := Heatmap(m, nil)
		if err != nil {
			b.Fatal(err)
		}
		bu, err := f.Render()
		if err != nil {
			b.Fatal(err)
		}
		size = len(bu.PNG)
	}
	b.ReportMetric(float64(size), "bytes/output")
}

// BenchmarkRasterPNG100k: 100 rows × 1,000 spikes.
func BenchmarkRasterPNG100k(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	trains := make([][]float64, 100)
	for i := range trains {
		trains[i] = make([]float64, 1000)
		for j := range trains[i] {
			trains[i][j] = 10 * rng.Float64()
		}
	}
	for b.Loop() {
		f, err := Raster(trains, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Render(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLTTB100kTo2k(b *testing.B) {
	x, ys := benchSeries(1, 100000)
	for b.Loop() {
		LTTB.Indices(x, ys[0], 2000)
	}
}

func BenchmarkMinMax100kTo2k(b *testing.B) {
	x, ys := benchSeries(1, 100000)
	for b.Loop() {
		MinMax.Indices(x, ys[0], 2000)
	}
}

// BenchmarkScatterPNG100k: 10⁵ latent states coloured by heading (cyclic
// scale), constructor plus the 2× PNG.
func BenchmarkScatterPNG100k(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 3))
	n := 100000
	x, y, th := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range x {
		th[i] = 2 * math.Pi * rng.Float64()
		r := 1 + 0.1*rng.NormFloat64()
		x[i], y[i] = r*math.Cos(th[i]), r*math.Sin(th[i])
	}
	var size int
	for b.Loop() {
		f, err := Scatter(x, y, th, &Options{Scale: Cyclic, ColorLabel: "heading θ (rad)"})
		if err != nil {
			b.Fatal(err)
		}
		bu, err := f.Render()
		if err != nil {
			b.Fatal(err)
		}
		size = len(bu.PNG)
	}
	b.ReportMetric(float64(size), "bytes/output")
}

// BenchmarkStaticLines10x10k: a static line chart of 10 series × 10⁴
// points (every point drawn), half of them dashed references.
func BenchmarkStaticLines10x10k(b *testing.B) {
	x, ys := benchSeries(10, 10000)
	dashed := []bool{false, false, false, false, false, true, true, true, true, true}
	for b.Loop() {
		f, err := Lines(x, ys, &Options{Static: true, Dashed: dashed})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Render(); err != nil {
			b.Fatal(err)
		}
	}
}
