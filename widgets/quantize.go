package widgets

import (
	"image"
	"image/color"
)

// chartPalette returns the colours a chart drawn on white with the given
// series colours is made of: white, a grey ramp (text, axes, grid) and each
// colour blended with white in 32 steps (antialiased edges, translucent
// bands). At most 256 colours.
func chartPalette(colours []color.NRGBA) color.Palette {
	p := color.Palette{color.White}
	for i := 0; i < 32; i++ {
		g := uint8(255 * i / 32)
		p = append(p, color.NRGBA{R: g, G: g, B: g, A: 255})
	}
	steps := 32
	if room := (256 - len(p)) / max(1, len(colours)); room < steps {
		steps = room
	}
	for _, c := range colours {
		for k := 1; k <= steps; k++ {
			a := float64(k) / float64(steps)
			blend := func(v uint8) uint8 { return uint8(float64(v)*a + 255*(1-a) + 0.5) }
			p = append(p, color.NRGBA{R: blend(c.R), G: blend(c.G), B: blend(c.B), A: 255})
		}
	}
	return p
}

// quantizer returns a function that maps an image onto pal (nearest colour,
// no dithering: a chart's flat areas stay flat). A paletted PNG is a
// quarter of the pixels' bytes and compresses better; the few blended
// pixels of crossing lines land on their nearest palette colour.
func quantizer(pal color.Palette) func(image.Image) image.Image {
	return func(src image.Image) image.Image {
		b := src.Bounds()
		dst := image.NewPaletted(b, pal)
		cache := map[color.RGBA]uint8{}
		rgba, ok := src.(*image.RGBA)
		// Most pixels repeat their left neighbour (background, fills).
		last, lastIdx := color.RGBA{R: 1, G: 2, B: 3, A: 4}, uint8(0)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				var c color.RGBA
				if ok {
					i := rgba.PixOffset(x, y)
					c = color.RGBA{R: rgba.Pix[i], G: rgba.Pix[i+1], B: rgba.Pix[i+2], A: rgba.Pix[i+3]}
				} else {
					c = color.RGBAModel.Convert(src.At(x, y)).(color.RGBA)
				}
				if c != last {
					idx, hit := cache[c]
					if !hit {
						idx = uint8(pal.Index(c))
						cache[c] = idx
					}
					last, lastIdx = c, idx
				}
				dst.Pix[dst.PixOffset(x, y)] = lastIdx
			}
		}
		return dst
	}
}
