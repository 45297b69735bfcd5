package widgets

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot/palette"
)

// Palette is the categorical colour cycle of every chart: the Okabe–Ito
// colours (Okabe & Ito 2002, "Color Universal Design"), distinguishable
// under the common colour-vision deficiencies. Yellow comes last because it
// is faint on white.
var Palette = []string{
	"#0072B2", // blue
	"#E69F00", // orange
	"#009E73", // bluish green
	"#D55E00", // vermillion
	"#56B4E9", // sky blue
	"#CC79A7", // reddish purple
	"#000000", // black
	"#F0E442", // yellow
}

// PaletteColor returns colour i of Palette (cycling) as a Go colour, for
// gonum plotters added to a NewPlot or to Figure.Plot.
func PaletteColor(i int) color.NRGBA {
	return paletteColor(i)
}

// paletteColor returns the i-th colour of Palette, cycling; negative i
// counts like positive.
func paletteColor(i int) color.NRGBA {
	if i < 0 {
		i = -i
	}
	return hexColor(Palette[i%len(Palette)])
}

func hexColor(s string) color.NRGBA {
	var r, g, b uint8
	if _, err := fmt.Sscanf(s, "#%02x%02x%02x", &r, &g, &b); err != nil {
		panic("widgets: bad colour literal " + s) // only called on the literals above
	}
	return color.NRGBA{R: r, G: g, B: b, A: 255}
}

// Anchor colours of the continuous scales, evenly spaced from the low end to
// the high end and interpolated linearly in sRGB between them.
var (
	// ColorBrewer RdBu, 11 classes, reversed so negative is blue (Brewer,
	// colorbrewer2.org; marked colour-blind safe). Its centre is #f7f7f7.
	rdBu = []string{"#053061", "#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7",
		"#fddbc7", "#f4a582", "#d6604d", "#b2182b", "#67001f"}
	// viridis at 0, 0.1, …, 1 (van der Walt & Smith, matplotlib).
	viridis = []string{"#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c",
		"#22a884", "#44bf70", "#7ad151", "#bddf26", "#fde725"}
	// twilight at 0, 1/32, …, 1 (Bastian Bechtold, matplotlib 3.0; designed
	// with viscm to be perceptually uniform and cyclic: first and last
	// anchors are equal). 33 anchors reproduce matplotlib's 510-entry table
	// within ΔE*ab 2.5 (TestCyclicScaleMatchesMatplotlibTwilight).
	twilight = []string{"#e2d9e2", "#d6d7dd", "#c3ced4", "#abc2cc", "#94b4c7", "#81a6c3",
		"#7297c1", "#6886be", "#6275ba", "#5f63b5", "#5e51ad", "#5d3da1", "#592a8f", "#521b77",
		"#45135c", "#381146", "#2f1437", "#3a113a", "#4b1342", "#5f174a", "#741e4f", "#872750",
		"#983550", "#a64550", "#b25652", "#bb6858", "#c27c62", "#c78f72", "#cca388", "#d1b5a2",
		"#d8c6bd", "#ded3d5", "#e2d9e2"}
)

// nanColor is the colour of missing values (NaN) on every colour scale.
var nanColor = color.NRGBA{R: 160, G: 160, B: 160, A: 255}

// colorMap maps [min, max] onto interpolated anchor colours. It implements
// gonum's palette.ColorMap so gonum's plotters can use it too.
type colorMap struct {
	anchors  []color.NRGBA
	min, max float64
	alpha    float64
	// cyclic wraps values into [min, max) instead of clamping them.
	cyclic bool
}

func newColorMap(anchors []string, min, max float64) *colorMap {
	c := &colorMap{min: min, max: max, alpha: 1}
	for _, a := range anchors {
		c.anchors = append(c.anchors, hexColor(a))
	}
	return c
}

// scaleFor returns the colour map of a continuous scale over values in
// [lo, hi] with automatic ends.
func scaleFor(s ColorScale, lo, hi float64) *colorMap {
	return scaleIn(s, lo, hi, [2]float64{})
}

// scaleIn returns the colour map of a continuous scale over values in
// [lo, hi]: Diverging is symmetric about zero, Sequential spans [lo, hi],
// Cyclic spans [0, 2π); a non-zero rng (Options.ColorRange) overrides
// these. A constant input gets a unit-wide range so every colour is
// defined. s must be Diverging, Sequential or Cyclic.
func scaleIn(s ColorScale, lo, hi float64, rng [2]float64) *colorMap {
	set := rng[0] != 0 || rng[1] != 0
	switch s {
	case Diverging:
		if set {
			return newColorMap(rdBu, rng[0], rng[1])
		}
		m := math.Max(math.Abs(lo), math.Abs(hi))
		if m == 0 || math.IsNaN(m) {
			m = 1
		}
		return newColorMap(rdBu, -m, m)
	case Cyclic:
		c := newColorMap(twilight, 0, 2*math.Pi)
		if set {
			c.min, c.max = rng[0], rng[1]
		}
		c.cyclic = true
		return c
	}
	if set {
		return newColorMap(viridis, rng[0], rng[1])
	}
	if !(hi > lo) { // constant, or no finite value at all
		if math.IsNaN(lo) || math.IsInf(lo, 0) {
			lo, hi = 0, 0
		}
		lo, hi = lo-0.5, hi+0.5
	}
	return newColorMap(viridis, lo, hi)
}

// scaleName describes a continuous scale for text/plain.
func scaleName(s ColorScale, rng [2]float64) string {
	set := rng[0] != 0 || rng[1] != 0
	switch s {
	case Diverging:
		if set {
			return "diverging (RdBu)"
		}
		return "diverging (RdBu, symmetric about 0)"
	case Cyclic:
		return "cyclic (twilight)"
	}
	return "sequential (viridis)"
}

// frac returns the colour at fraction t of the scale, t clamped to [0, 1].
func (c *colorMap) frac(t float64) color.NRGBA {
	switch {
	case !(t > 0): // also NaN
		t = 0
	case t > 1:
		t = 1
	}
	x := t * float64(len(c.anchors)-1)
	i := int(x)
	if i >= len(c.anchors)-1 {
		return c.anchors[len(c.anchors)-1]
	}
	f := x - float64(i)
	a, b := c.anchors[i], c.anchors[i+1]
	mix := func(p, q uint8) uint8 { return uint8(math.Round(float64(p) + f*(float64(q)-float64(p)))) }
	return color.NRGBA{R: mix(a.R, b.R), G: mix(a.G, b.G), B: mix(a.B, b.B), A: uint8(math.Round(255 * c.alpha))}
}

// colorOf returns the colour of v, clamping values outside [min, max], or
// wrapping them into [min, max) for a cyclic map (NaN gets the low end;
// charts draw NaN as nanColor before asking).
func (c *colorMap) colorOf(v float64) color.NRGBA {
	t := (v - c.min) / (c.max - c.min)
	if c.cyclic {
		t -= math.Floor(t)
	}
	return c.frac(t)
}

// At implements palette.ColorMap.
func (c *colorMap) At(v float64) (color.Color, error) {
	if math.IsNaN(v) {
		return nil, palette.ErrNaN
	}
	if c.cyclic {
		return c.colorOf(v), nil
	}
	if v < c.min {
		return nil, palette.ErrUnderflow
	}
	if v > c.max {
		return nil, palette.ErrOverflow
	}
	return c.colorOf(v), nil
}

func (c *colorMap) Max() float64           { return c.max }
func (c *colorMap) Min() float64           { return c.min }
func (c *colorMap) SetMax(v float64)       { c.max = v }
func (c *colorMap) SetMin(v float64)       { c.min = v }
func (c *colorMap) Alpha() float64         { return c.alpha }
func (c *colorMap) SetAlpha(alpha float64) { c.alpha = alpha }

// Palette implements palette.ColorMap: n colours evenly spaced over the scale.
func (c *colorMap) Palette(n int) palette.Palette {
	cols := make([]color.Color, n)
	for i := range cols {
		t := 0.0
		if n > 1 {
			t = float64(i) / float64(n-1)
		}
		cols[i] = c.frac(t)
	}
	return plainPalette(cols)
}

type plainPalette []color.Color

func (p plainPalette) Colors() []color.Color { return p }
