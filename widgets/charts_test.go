package widgets

import (
	"bytes"
	"encoding/json"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/spikes"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Oracle: numpy.histogram (equal-width bins over [min, max], last bin
// closed) and numpy's Freedman–Diaconis bin count ("fd").
func TestHistogramMatchesNumpy(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	a := make([]float64, 1000)
	for i := range a {
		a[i] = math.Round(rng.NormFloat64()*20) / 4 // ties on bin edges
	}
	bins := 17
	f, err := Histogram([][]float64{a}, bins, nil)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Series []struct{ Data []int } `json:"series"`
	}
	opt, _ := f.Option()
	if err := json.Unmarshal(opt, &v); err != nil {
		t.Fatal(err)
	}
	var want struct {
		Counts []int `json:"counts"`
		FD     int   `json:"fd"`
	}
	numpyOracle(t, `
import json, sys, numpy as np
d = json.load(sys.stdin)
x = np.array(d["x"])
c, _ = np.histogram(x, bins=d["bins"])
print(json.dumps({"counts": c.tolist(), "fd": len(np.histogram_bin_edges(x, bins="fd")) - 1}))
`, map[string]any{"x": a, "bins": bins}, &want)
	if len(v.Series) != 1 || len(v.Series[0].Data) != bins {
		t.Fatalf("series %+v", v.Series)
	}
	for k := range want.Counts {
		if v.Series[0].Data[k] != want.Counts[k] {
			t.Fatalf("bin %d: count %d, numpy %d (all: %v vs %v)", k, v.Series[0].Data[k], want.Counts[k], v.Series[0].Data, want.Counts)
		}
	}
	sorted := append([]float64(nil), a...)
	sort.Float64s(sorted)
	if got := autoBins(sorted); got != min(max(want.FD, 5), 100) {
		t.Errorf("Freedman–Diaconis bins %d, numpy %d", got, want.FD)
	}
}

// Oracle: the colours of the ColorBrewer RdBu anchors and the matrix
// layout. A 2×2 matrix [[-1, 1], [0, 0.5]] on the diverging scale must put
// the darkest blue (#053061) top-left, the darkest red (#67001f) top-right
// and the white centre (#f7f7f7) bottom-left, with sharp (exact) colours.
func TestHeatmapPixelsMatchScaleAndLayout(t *testing.T) {
	f, err := Heatmap(mat.NewDense(2, 2, []float64{-1, 1, 0, 0.5}), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Render()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b.PNG))
	if err != nil {
		t.Fatal(err)
	}
	type acc struct{ n, x, y float64 }
	want := map[string]color.NRGBA{"blue": hexColor("#053061"), "red": hexColor("#67001f"), "white": hexColor("#f7f7f7")}
	found := map[string]*acc{"blue": {}, "red": {}, "white": {}}
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			for name, w := range want {
				if c == w {
					a := found[name]
					a.n++
					a.x += float64(x)
					a.y += float64(y)
				}
			}
		}
	}
	for name, a := range found {
		if a.n < 50000 {
			t.Fatalf("%s: %v exact pixels, want a whole cell (≥ 50000 at 2×)", name, a.n)
		}
		a.x /= a.n
		a.y /= a.n
	}
	if !(found["blue"].x < found["red"].x) || !(found["blue"].y < found["white"].y) {
		t.Errorf("layout: blue at (%.0f, %.0f), red at (%.0f, %.0f), white at (%.0f, %.0f); want blue left of red and above white",
			found["blue"].x, found["blue"].y, found["red"].x, found["red"].y, found["white"].x, found["white"].y)
	}
}

// Oracle: the colour scale's definition: anchors at the ends and the
// centre, symmetric range for Diverging, data range for Sequential.
func TestColorScales(t *testing.T) {
	d := scaleFor(Diverging, -0.5, 2)
	if d.min != -2 || d.max != 2 {
		t.Errorf("diverging range [%g, %g], want [-2, 2]", d.min, d.max)
	}
	if d.colorOf(-2) != hexColor("#053061") || d.colorOf(0) != hexColor("#f7f7f7") || d.colorOf(2) != hexColor("#67001f") {
		t.Errorf("diverging anchors wrong: %v %v %v", d.colorOf(-2), d.colorOf(0), d.colorOf(2))
	}
	s := scaleFor(Sequential, 3, 7)
	if s.colorOf(3) != hexColor("#440154") || s.colorOf(7) != hexColor("#fde725") || s.colorOf(5) != hexColor("#21918c") {
		t.Errorf("viridis anchors wrong")
	}
	if s.colorOf(100) != hexColor("#fde725") || s.colorOf(math.NaN()) != hexColor("#440154") {
		t.Errorf("out-of-range values must clamp")
	}
}

// cvdLab simulates a colour-vision deficiency (Machado, Oliveira & Fernandes
// 2009, severity 1; applied to linear sRGB) and returns CIELAB (D65).
func cvdLab(c color.NRGBA, m [3][3]float64) [3]float64 {
	lin := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	rgb := [3]float64{lin(c.R), lin(c.G), lin(c.B)}
	var s [3]float64
	for i := range s {
		for j := range rgb {
			s[i] += m[i][j] * rgb[j]
		}
		s[i] = math.Min(1, math.Max(0, s[i]))
	}
	X := 0.4124*s[0] + 0.3576*s[1] + 0.1805*s[2]
	Y := 0.2126*s[0] + 0.7152*s[1] + 0.0722*s[2]
	Z := 0.0193*s[0] + 0.1192*s[1] + 0.9505*s[2]
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return (24389.0/27*t + 16) / 116
	}
	fx, fy, fz := f(X/0.95047), f(Y), f(Z/1.08883)
	return [3]float64{116*fy - 16, 500 * (fx - fy), 200 * (fy - fz)}
}

var cvdMatrices = map[string][3][3]float64{
	"none":         {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
	"protanopia":   {{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}},
	"deuteranopia": {{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}},
	"tritanopia":   {{1.255528, -0.076749, -0.178779}, {-0.078411, 0.930809, 0.147602}, {0.004733, 0.691367, 0.303900}},
}

func minDeltaE(cols []color.NRGBA, m [3][3]float64) float64 {
	best := math.Inf(1)
	for i := range cols {
		for j := i + 1; j < len(cols); j++ {
			a, b := cvdLab(cols[i], m), cvdLab(cols[j], m)
			best = math.Min(best, math.Sqrt((a[0]-b[0])*(a[0]-b[0])+(a[1]-b[1])*(a[1]-b[1])+(a[2]-b[2])*(a[2]-b[2])))
		}
	}
	return best
}

// Oracle: simulated colour-vision deficiencies. Every pair of the first six
// palette colours (the ones a chart with up to six series uses) stays at
// least ΔE*ab 10 apart under protanopia, deuteranopia and tritanopia,
// whereas a red/green pair, the classic failure, collapses under
// deuteranopia (negative control: the check can fail).
func TestPaletteStaysDistinctUnderColourBlindness(t *testing.T) {
	var cols []color.NRGBA
	for i := 0; i < 6; i++ {
		cols = append(cols, paletteColor(i))
	}
	for name, m := range cvdMatrices {
		if d := minDeltaE(cols, m); d < 10 {
			t.Errorf("%s: two palette colours are only ΔE %.1f apart", name, d)
		} else {
			t.Logf("%s: min ΔE %.1f", name, d)
		}
	}
	redGreen := []color.NRGBA{hexColor("#d62728"), hexColor("#2ca02c")} // matplotlib's red and green
	if d := minDeltaE(redGreen, cvdMatrices["deuteranopia"]); d >= 10 {
		t.Errorf("negative control: red/green ΔE %.1f under deuteranopia, expected a collapse", d)
	}
}

// Oracle: geometry of the drawn plot. After drawing, one unit must span the
// same length on both axes of the eigenvalue plane (the circle is round).
func TestEigenPlaneHasEqualAspect(t *testing.T) {
	f, err := EigenPlane([][]complex128{{1.5, 0.3i}}, &Options{Width: 700, Height: 300})
	if err != nil {
		t.Fatal(err)
	}
	c := draw.New(vgimg.NewWith(vgimg.UseWH(pxToPt(700), pxToPt(300)), vgimg.UseDPI(pngDPI)))
	f.draw(c)
	p := f.Plot()
	da := p.DataCanvas(c)
	sx := float64(da.Max.X-da.Min.X) / (p.X.Max - p.X.Min)
	sy := float64(da.Max.Y-da.Min.Y) / (p.Y.Max - p.Y.Min)
	if math.Abs(sx/sy-1) > 1e-6 {
		t.Errorf("x: %.4g pt per unit, y: %.4g; want equal", sx, sy)
	}
	if p.Y.Min > -1.5 || p.Y.Max < 1.5 || p.X.Min > -1.5 {
		t.Errorf("range [%g, %g]×[%g, %g] does not hold every eigenvalue", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	if !strings.Contains(f.Text(), "spectral radius 1.5, 1 outside the unit circle") {
		t.Errorf("text %q", f.Text())
	}
}

// Oracle: hand-derived values. The rotation field (-y, x) on [-1, 1]² has
// speed 0 at the origin and √2 at the corners; a spectrum with a rounding
// negative leaves it out and says so.
func TestFlowFieldAndSpectrumDescribeTheirData(t *testing.T) {
	f, err := FlowFieldFunc(func(x, y float64) (float64, float64) { return -y, x }, -1, 1, -1, 1, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.Text(), "speed from 0 to 1.414") {
		t.Errorf("flow text %q", f.Text())
	}
	s, err := Spectrum([][]float64{{0.5, 2, -1e-15, 1}}, &Options{Names: []string{"cov"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.Text(), "cov: 4 values, largest 2, smallest positive 0.5, 1 non-positive left out") {
		t.Errorf("spectrum text %q", s.Text())
	}
	if _, err := Spectrum([][]float64{{0, -1}}, nil); err == nil {
		t.Error("a spectrum with nothing positive must be an error")
	}
}

// Oracle: the option read back as JSON must hold the caller's numbers: the
// band rows [t, lower, upper], one line per trial in its condition's
// colour, and a start dot per trial.
func TestBandsAndTrajectoryOptionsCarryTheData(t *testing.T) {
	tt := []float64{0, 0.5, 1}
	f, err := Bands(tt, []Band{{Name: "A", Mean: []float64{1, 2, 3}, Lower: []float64{0.5, 1.5, 2.5}, Upper: []float64{1.5, 2.5, 3.5}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Series []struct {
			Type, Name, RenderItem string
			Data                   json.RawMessage
		} `json:"series"`
	}
	opt, _ := f.Option()
	if err := json.Unmarshal(opt, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Series) != 2 || p.Series[1].Type != "custom" || p.Series[1].RenderItem != "neuronb:band" || p.Series[1].Name != "A" {
		t.Fatalf("series %+v", p.Series)
	}
	var rows [][3]float64
	if err := json.Unmarshal(p.Series[1].Data, &rows); err != nil {
		t.Fatal(err)
	}
	if rows[1] != [3]float64{0.5, 1.5, 2.5} {
		t.Errorf("band row 1 = %v", rows[1])
	}
	tr, err := Trajectories([]mat.Matrix{mat.NewDense(2, 3, []float64{0, 1, 9, 2, 3, 9}), mat.NewDense(1, 2, []float64{5, 6})},
		[]int{1, 0}, &Options{Names: []string{"go", "stop"}})
	if err != nil {
		t.Fatal(err)
	}
	var q struct {
		Series []struct {
			Type, Name, Color string
			Data              json.RawMessage
		} `json:"series"`
	}
	opt, _ = tr.Option()
	if err := json.Unmarshal(opt, &q); err != nil {
		t.Fatal(err)
	}
	if len(q.Series) != 3 || q.Series[0].Name != "stop" || q.Series[0].Color != Palette[1] || q.Series[1].Name != "go" || q.Series[2].Type != "scatter" {
		t.Fatalf("series %+v", q.Series)
	}
	var pts [][2]float64
	if err := json.Unmarshal(q.Series[0].Data, &pts); err != nil || pts[1] != [2]float64{2, 3} {
		t.Errorf("trial 0 points %v (%v), want columns 0 and 1", pts, err)
	}
}

// Oracle: package spikes' own result. PSTH draws each spikes.PSTH with no
// conversion by the caller: the option carries its bin centres, means and
// band rows (to the option's 6 significant digits), the legend its name,
// and the axes default to time and rate.
func TestPSTHDrawsSpikesResults(t *testing.T) {
	trials := [][]float64{{0.01, 0.02, 0.15}, {0.05, 0.11}, {0.12, 0.18}}
	a, err := spikes.RateBand(trials, 0, 0.2, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	b, err := spikes.RateBand(trials[:2], 0, 0.2, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	a.Name, b.Name = "all trials", "first two"
	f, err := PSTH([]*spikes.PSTH{a, b}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Series []struct {
			Type, Name string
			Data       json.RawMessage
		} `json:"series"`
		XAxis struct{ Name string } `json:"xAxis"`
		YAxis struct{ Name string } `json:"yAxis"`
	}
	opt, err := f.Option()
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(opt, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Series) != 4 || p.Series[0].Name != "all trials" || p.Series[2].Name != "first two" {
		t.Fatalf("series %+v", p.Series)
	}
	var line [][2]float64
	var band [][3]float64
	if err := json.Unmarshal(p.Series[0].Data, &line); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(p.Series[3].Data, &band); err != nil {
		t.Fatal(err)
	}
	// The option carries 6 significant digits.
	near := func(x, y float64) bool { return math.Abs(x-y) <= 1e-5*math.Max(1, math.Abs(y)) }
	for k := range a.Centres {
		if !near(line[k][0], a.Centres[k]) || !near(line[k][1], a.Mean[k]) || !near(band[k][0], b.Centres[k]) ||
			!near(band[k][1], b.Lower[k]) || !near(band[k][2], b.Upper[k]) {
			t.Errorf("bin %d: line %v band %v, want the PSTHs' values", k, line[k], band[k])
		}
	}
	if !strings.Contains(p.XAxis.Name, "time (s)") || !strings.Contains(p.YAxis.Name, "rate (Hz)") || !strings.HasPrefix(f.Text(), "PSTH: 2 series × 4 points") {
		t.Errorf("axes %q, %q; text %q", p.XAxis.Name, p.YAxis.Name, f.Text())
	}
}
