package widgets

import (
	"image"
	"image/color"
	"sort"
)

// quantize maps a chart's image onto a palette of at most 256 colours,
// which makes its PNG a quarter of the pixel bytes and compress better: the
// image's most frequent colours, exactly (a chart is mostly flat areas:
// background, fills, lines, the blend where two translucent bands overlap),
// and every other pixel (antialiased edges) onto its nearest one, without
// dithering, so flat areas stay flat.
func quantize(src image.Image) image.Image {
	b := src.Bounds()
	rgba, ok := src.(*image.RGBA)
	at := func(x, y int) color.RGBA {
		if ok {
			i := rgba.PixOffset(x, y)
			return color.RGBA{R: rgba.Pix[i], G: rgba.Pix[i+1], B: rgba.Pix[i+2], A: rgba.Pix[i+3]}
		}
		return color.RGBAModel.Convert(src.At(x, y)).(color.RGBA)
	}
	counts := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		run, n := at(b.Min.X, y), 0
		for x := b.Min.X; x < b.Max.X; x++ {
			if c := at(x, y); c != run {
				counts[run] += n
				run, n = c, 0
			}
			n++
		}
		counts[run] += n
	}
	colours := make([]color.RGBA, 0, len(counts))
	for c := range counts {
		colours = append(colours, c)
	}
	sort.Slice(colours, func(i, j int) bool {
		if counts[colours[i]] != counts[colours[j]] {
			return counts[colours[i]] > counts[colours[j]]
		}
		a, c := colours[i], colours[j]
		return uint32(a.R)<<24|uint32(a.G)<<16|uint32(a.B)<<8|uint32(a.A) < uint32(c.R)<<24|uint32(c.G)<<16|uint32(c.B)<<8|uint32(c.A)
	})
	pal := make(color.Palette, 0, 256)
	for _, c := range colours[:min(256, len(colours))] {
		pal = append(pal, c)
	}
	dst := image.NewPaletted(b, pal)
	index := map[color.RGBA]uint8{}
	last, lastIdx := color.RGBA{R: 1, G: 2, B: 3, A: 4}, uint8(0)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if c := at(x, y); c != last {
				idx, hit := index[c]
				if !hit {
					idx = uint8(pal.Index(c))
					index[c] = idx
				}
				last, lastIdx = c, idx
			}
			dst.Pix[dst.PixOffset(x, y)] = lastIdx
		}
	}
	return dst
}
