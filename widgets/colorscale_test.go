package widgets

import (
	"image/color"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func deltaE(a, b color.NRGBA) float64 {
	m := cvdMatrices["none"]
	p, q := cvdLab(a, m), cvdLab(b, m)
	return math.Sqrt((p[0]-q[0])*(p[0]-q[0]) + (p[1]-q[1])*(p[1]-q[1]) + (p[2]-q[2])*(p[2]-q[2]))
}

// Oracle: matplotlib's own twilight colour map (its 510-entry table,
// python3-matplotlib). The Cyclic scale, interpolated from 33 anchors,
// must be within ΔE*ab 2.5 of it at 1000 angles around the circle (2.3 is
// a just-noticeable difference; matplotlib's lookup table itself steps by
// up to 2.3).
func TestCyclicScaleMatchesMatplotlibTwilight(t *testing.T) {
	const n = 1000
	var ref struct {
		RGB [][3]float64 `json:"rgb"`
	}
	pythonOracle(t, []string{"numpy", "matplotlib"}, `
import json, sys, numpy as np
import matplotlib
n = json.load(sys.stdin)["n"]
cm = matplotlib.colormaps["twilight"]
print(json.dumps({"rgb": cm(np.arange(n) / n)[:, :3].tolist()}))
`, map[string]any{"n": n}, &ref)
	cm := scaleFor(Cyclic, 0, 0)
	worst, at := 0.0, 0
	for k, rgb := range ref.RGB {
		want := color.NRGBA{uint8(math.Round(rgb[0] * 255)), uint8(math.Round(rgb[1] * 255)), uint8(math.Round(rgb[2] * 255)), 255}
		got := cm.colorOf(2 * math.Pi * float64(k) / n)
		if d := deltaE(got, want); d > worst {
			worst, at = d, k
		}
	}
	t.Logf("largest ΔE*ab to matplotlib's twilight: %.2f at angle %d/%d of a turn", worst, at, n)
	if worst > 2.5 {
		t.Errorf("Cyclic differs from twilight by ΔE %.2f at angle %d/%d of a turn, want ≤ 2.5", worst, at, n)
	}
}

// Oracle: the definition of a cyclic scale and simulated colour-vision
// deficiencies (Machado et al. 2009, as for the palette). The two ends
// meet, values a period apart share a colour, and angles at least 90°
// apart stay at least ΔE*ab 20 apart for normal vision, protanopia,
// deuteranopia and tritanopia; a rainbow hue wheel (HSV), the usual
// choice for angles, collapses under deuteranopia (negative control: the
// check can fail).
func TestCyclicScaleIsClosedAndColourBlindSafe(t *testing.T) {
	cm := scaleFor(Cyclic, 0, 0)
	if cm.colorOf(0) != cm.colorOf(2*math.Pi) || cm.colorOf(1) != cm.colorOf(1+4*math.Pi) || cm.colorOf(-1) != cm.colorOf(2*math.Pi-1) {
		t.Errorf("the cyclic scale does not wrap: %v %v %v", cm.colorOf(0), cm.colorOf(2*math.Pi), cm.colorOf(-1))
	}
	if d := deltaE(cm.colorOf(0), cm.colorOf(2*math.Pi-1e-9)); d > 0.5 {
		t.Errorf("the ends differ by ΔE %.2f, want them to meet", d)
	}
	const n = 96
	wheel := func(f func(a float64) color.NRGBA) []color.NRGBA {
		out := make([]color.NRGBA, n)
		for k := range out {
			out[k] = f(2 * math.Pi * float64(k) / n)
		}
		return out
	}
	minApart := func(cols []color.NRGBA, m [3][3]float64) float64 {
		best := math.Inf(1)
		for i := range cols {
			for j := i + 1; j < len(cols); j++ {
				if sep := min(j-i, n-(j-i)); sep < n/4 {
					continue
				}
				a, b := cvdLab(cols[i], m), cvdLab(cols[j], m)
				best = math.Min(best, math.Sqrt((a[0]-b[0])*(a[0]-b[0])+(a[1]-b[1])*(a[1]-b[1])+(a[2]-b[2])*(a[2]-b[2])))
			}
		}
		return best
	}
	tw := wheel(cm.colorOf)
	for name, m := range cvdMatrices {
		if d := minApart(tw, m); d < 20 {
			t.Errorf("%s: two angles ≥ 90° apart are only ΔE %.1f apart on the cyclic scale", name, d)
		} else {
			t.Logf("%s: angles ≥ 90° apart differ by ΔE ≥ %.1f", name, d)
		}
	}
	hsv := wheel(func(a float64) color.NRGBA {
		h := a / (2 * math.Pi) * 6
		x := uint8(math.Round(255 * (1 - math.Abs(math.Mod(h, 2)-1))))
		switch int(h) {
		case 0:
			return color.NRGBA{255, x, 0, 255}
		case 1:
			return color.NRGBA{x, 255, 0, 255}
		case 2:
			return color.NRGBA{0, 255, x, 255}
		case 3:
			return color.NRGBA{0, x, 255, 255}
		case 4:
			return color.NRGBA{x, 0, 255, 255}
		}
		return color.NRGBA{255, 0, x, 255}
	})
	if d := minApart(hsv, cvdMatrices["deuteranopia"]); d >= 20 {
		t.Errorf("negative control: the HSV wheel keeps angles 90° apart ΔE %.1f apart under deuteranopia, expected a collapse", d)
	}
}

// Oracle: the scale definitions with a fixed range. ColorRange pins the
// ends (values beyond are clamped), Heatmap's default stays Diverging, and
// a Categorical heatmap is refused.
func TestColorRangePinsTheScale(t *testing.T) {
	s := scaleIn(Sequential, 3, 4, [2]float64{0, 10})
	if s.colorOf(0) != hexColor("#440154") || s.colorOf(5) != hexColor("#21918c") || s.colorOf(12) != hexColor("#fde725") {
		t.Errorf("sequential over [0, 10]: %v %v %v", s.colorOf(0), s.colorOf(5), s.colorOf(12))
	}
	f, err := Heatmap(mat.NewDense(1, 2, []float64{-1, 3}), nil)
	if err != nil || f.Text() != "Heatmap: 1×2 matrix, values in [-1, 3], diverging (RdBu, symmetric about 0) colour scale [-3, 3]" {
		t.Errorf("default heatmap: %v %q", err, f.Text())
	}
	f, err = Heatmap(mat.NewDense(1, 2, []float64{-1, 3}), &Options{Scale: Sequential, ColorRange: [2]float64{-5, 5}})
	if err != nil || f.Text() != "Heatmap: 1×2 matrix, values in [-1, 3], sequential (viridis) colour scale [-5, 5]" {
		t.Errorf("pinned heatmap: %v %q", err, f.Text())
	}
	if _, err := Heatmap(mat.NewDense(1, 1, nil), &Options{Scale: Categorical}); err == nil {
		t.Error("a categorical heatmap must be refused")
	}
}
