package widgets

import (
	"image/color"
	"math"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// sideLegend is a legend drawn beside a static plot, on its right, top
// aligned with the data area, so it never hides data (gonum's own legend is
// drawn inside the data area). An optional title (Options.ColorLabel for a
// categorical scatter) stands above the entries.
type sideLegend struct {
	title   string
	entries []legendItem
}

type legendItem struct {
	name   string
	thumbs []plot.Thumbnailer
}

// legendThumbWidth is the width of a legend thumbnail.
var legendThumbWidth = vg.Points(22)

func newSideLegend(title string) *sideLegend { return &sideLegend{title: title} }

func (s *sideLegend) add(name string, thumbs ...plot.Thumbnailer) {
	s.entries = append(s.entries, legendItem{name: name, thumbs: thumbs})
}

func legendTextStyle() text.Style {
	return text.Style{Color: color.Black, Font: font.From(sans, 9.5), Handler: plot.DefaultTextHandler}
}

func (s *sideLegend) titleStyle() text.Style {
	sty := text.Style{Color: color.Black, Font: font.From(sans, 9.5), XAlign: draw.XLeft, YAlign: draw.YTop,
		Handler: plot.DefaultTextHandler}
	sty.Font.Weight = xfont.WeightBold
	return sty
}

// width is the room the legend takes on the right of the plot, at most
// maxW: longer names and titles are then wrapped or cut by fitting.
func (s *sideLegend) width(maxW vg.Length) vg.Length {
	sty := legendTextStyle()
	var w vg.Length
	for _, e := range s.entries {
		w = max(w, legendThumbWidth+sty.Width(" "+e.name))
	}
	if s.title != "" {
		w = max(w, s.titleStyle().Width(s.title))
	}
	return min(w+vg.Points(14), maxW)
}

// draw draws the legend in the strip of c right of left, starting at top.
func (s *sideLegend) draw(c draw.Canvas, left, top vg.Length) {
	x0 := left + vg.Points(8)
	avail := c.Max.X - x0 - vg.Points(4)
	if s.title != "" {
		title, sty := fitText(s.title, s.titleStyle(), avail)
		c.FillText(sty, vg.Point{X: x0, Y: top}, title)
		top -= sty.Height(title) + vg.Points(4)
	}
	l := plot.NewLegend()
	l.Top, l.Left = true, true
	l.Padding = vg.Points(2.5)
	l.ThumbnailWidth = legendThumbWidth
	l.TextStyle = legendTextStyle()
	textAvail := avail - legendThumbWidth - l.TextStyle.Width(" ")
	for _, e := range s.entries {
		name, sty := fitText(e.name, l.TextStyle, textAvail)
		if sty.Font.Size < l.TextStyle.Font.Size {
			// One size for every entry: take the smallest any needs.
			l.TextStyle = sty
		}
		l.Add(name, e.thumbs...)
	}
	strip := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: x0, Y: c.Min.Y}, Max: vg.Point{X: c.Max.X, Y: top}}}
	l.Draw(strip)
}

// drawWithLegend draws p leaving room on the right for the legend, aligned
// with p's data area.
func drawWithLegend(c draw.Canvas, p *plot.Plot, s *sideLegend) {
	main := draw.Crop(c, 0, -s.width((c.Max.X-c.Min.X)/3), 0, 0)
	withFittedText(p, main, func() {
		p.Draw(main)
		da := p.DataCanvas(main)
		s.draw(c, main.Max.X, da.Max.Y)
	})
}

// discThumb is a legend thumbnail: a filled disc.
type discThumb struct {
	colour color.Color
	radius vg.Length
}

func (d discThumb) Thumbnail(c *draw.Canvas) {
	ctr := c.Center()
	c.SetColor(d.colour)
	c.Fill(dot(ctr.X, ctr.Y, d.radius))
}

// lineThumb is a legend thumbnail: a short line, dashed if asked.
type lineThumb struct{ style draw.LineStyle }

func (l lineThumb) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(l.style, c.Min.X, y, c.Max.X, y)
}

// bandThumb is a legend thumbnail: a light box behind a line.
type bandThumb struct{ colour color.Color }

func (b bandThumb) Thumbnail(c *draw.Canvas) {
	h := vg.Length(math.Min(float64(c.Max.Y-c.Min.Y), float64(vg.Points(8))))
	y := c.Center().Y
	var p vg.Path
	p.Move(vg.Point{X: c.Min.X, Y: y - h/2})
	p.Line(vg.Point{X: c.Max.X, Y: y - h/2})
	p.Line(vg.Point{X: c.Max.X, Y: y + h/2})
	p.Line(vg.Point{X: c.Min.X, Y: y + h/2})
	p.Close()
	c.SetColor(b.colour)
	c.Fill(p)
}
