package kernelspec

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
)

// The logo is a spike train on Go's cyan: drawn from one list of points as
// SVG (JupyterLab's launcher) and rasterised to the 32 and 64 px PNGs that
// classic Notebook and the kernel menu use.
var (
	logoBackground = color.RGBA{0x00, 0xad, 0xd8, 0xff}
	logoStroke     = color.RGBA{0xff, 0xff, 0xff, 0xff}
	// logoTrace is the spike train in a 64x64 box.
	logoTrace = [][2]float64{{7, 40}, {19, 40}, {23, 12}, {27, 50}, {31, 40}, {42, 40}, {45.5, 23}, {49, 45}, {51.5, 40}, {57, 40}}
)

const (
	logoBox    = 64.0
	logoRadius = 12.0
	logoWidth  = 4.5
)

// LogoSVG returns the kernel logo as an SVG document.
func LogoSVG() []byte {
	var pts []string
	for _, p := range logoTrace {
		pts = append(pts, fmt.Sprintf("%g,%g", p[0], p[1]))
	}
	return []byte(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
<rect width="64" height="64" rx="%g" fill="#00add8"/>
<polyline points="%s" fill="none" stroke="#ffffff" stroke-width="%g" stroke-linejoin="round" stroke-linecap="round"/>
</svg>
`, logoRadius, strings.Join(pts, " "), logoWidth))
}

// LogoPNG rasterises the logo at size×size pixels with 4×4 supersampling.
func LogoPNG(size int) ([]byte, error) {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	const ss = 4
	scale := logoBox / float64(size)
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					px := (float64(x) + (float64(sx)+0.5)/ss) * scale
					py := (float64(y) + (float64(sy)+0.5)/ss) * scale
					if !inRoundedBox(px, py) {
						continue
					}
					c := logoBackground
					if distToTrace(px, py) <= logoWidth/2 {
						c = logoStroke
					}
					r += float64(c.R)
					g += float64(c.G)
					b += float64(c.B)
					a++
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(x, y, color.NRGBA{uint8(r / a), uint8(g / a), uint8(b / a), uint8(255 * a / ss / ss)})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func inRoundedBox(x, y float64) bool {
	if x < 0 || y < 0 || x > logoBox || y > logoBox {
		return false
	}
	cx := math.Min(math.Max(x, logoRadius), logoBox-logoRadius)
	cy := math.Min(math.Max(y, logoRadius), logoBox-logoRadius)
	return math.Hypot(x-cx, y-cy) <= logoRadius
}

func distToTrace(x, y float64) float64 {
	best := math.Inf(1)
	for i := 1; i < len(logoTrace); i++ {
		a, b := logoTrace[i-1], logoTrace[i]
		dx, dy := b[0]-a[0], b[1]-a[1]
		t := ((x-a[0])*dx + (y-a[1])*dy) / (dx*dx + dy*dy)
		t = math.Max(0, math.Min(1, t))
		best = math.Min(best, math.Hypot(x-(a[0]+t*dx), y-(a[1]+t*dy)))
	}
	return best
}
