package widgets

import (
	"encoding/json"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// This file draws the picture an interactive chart shows until its script
// runs (and for good where no script runs: an untrusted notebook, a
// code-hosting site's view, VS Code in restricted mode, a PDF export). It is
// drawn by gonum/plot from the same ECharts option the live chart gets, so
// the two show the same data, axis ranges, names, colours and legend; what
// the picture cannot do is what ECharts adds live (hover values, zoom,
// legend toggles). The subset of ECharts it reads is the one this
// package's charts and common go-echarts charts use: line, scatter, bar and
// this package's band series, value, log and category axes, a title, a
// legend. A series type it does not know is left out and named in the
// picture's caption.

// echOption is the part of an ECharts option the picture reads.
type echOption struct {
	Title  echTitle  `json:"title"`
	Legend echLegend `json:"legend"`
	XAxis  echAxes   `json:"xAxis"`
	YAxis  echAxes   `json:"yAxis"`
	Series []echSeries
	Color  []string `json:"color"`
}

type echTitle struct {
	Text    string `json:"text"`
	Subtext string `json:"subtext"`
}

// UnmarshalJSON accepts a title given as one object or as a list.
func (t *echTitle) UnmarshalJSON(b []byte) error {
	type plain echTitle
	if len(b) > 0 && b[0] == '[' {
		var ts []plain
		if err := json.Unmarshal(b, &ts); err != nil {
			return err
		}
		if len(ts) > 0 {
			*t = echTitle(ts[0])
		}
		return nil
	}
	return json.Unmarshal(b, (*plain)(t))
}

type echLegend struct {
	Data []json.RawMessage `json:"data"` // strings or {name: …}
	Show *bool             `json:"show"`
}

func (l echLegend) names() []string {
	var out []string
	for _, d := range l.Data {
		var s string
		if json.Unmarshal(d, &s) == nil {
			out = append(out, s)
			continue
		}
		var o struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(d, &o) == nil && o.Name != "" {
			out = append(out, o.Name)
		}
	}
	return out
}

// echAxes accepts an axis given as one object or as a list (only the first
// is drawn).
type echAxes struct{ echAxis }

func (a *echAxes) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '[' {
		var as []echAxis
		if err := json.Unmarshal(b, &as); err != nil {
			return err
		}
		if len(as) > 0 {
			a.echAxis = as[0]
		}
		return nil
	}
	return json.Unmarshal(b, &a.echAxis)
}

type echAxis struct {
	Type string            `json:"type"`
	Name string            `json:"name"`
	Min  json.RawMessage   `json:"min"`
	Max  json.RawMessage   `json:"max"`
	Data []json.RawMessage `json:"data"` // category labels
	// LogBase is only read for type "log".
	LogBase float64 `json:"logBase"`
}

// categories returns a category axis's labels.
func (a echAxis) categories() []string {
	out := make([]string, len(a.Data))
	for i, d := range a.Data {
		var s string
		if json.Unmarshal(d, &s) == nil {
			out[i] = s
			continue
		}
		var o struct {
			Value any `json:"value"`
		}
		if json.Unmarshal(d, &o) == nil && o.Value != nil {
			out[i] = fmt.Sprint(o.Value)
			continue
		}
		out[i] = strings.Trim(string(d), `"`)
	}
	return out
}

// limit reads a numeric min or max ("dataMin" and functions are left to
// gonum/plot's data range).
func limit(raw json.RawMessage) (float64, bool) {
	var v float64
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return 0, false
	}
	return v, true
}

type echStyle struct {
	Color   json.RawMessage `json:"color"`
	Width   float64         `json:"width"`
	Type    string          `json:"type"`
	Opacity *float64        `json:"opacity"`
}

type echSeries struct {
	Type       string            `json:"type"`
	Name       string            `json:"name"`
	Data       []json.RawMessage `json:"data"`
	Color      json.RawMessage   `json:"color"`
	LineStyle  echStyle          `json:"lineStyle"`
	ItemStyle  echStyle          `json:"itemStyle"`
	AreaStyle  *echStyle         `json:"areaStyle"`
	ShowSymbol *bool             `json:"showSymbol"`
	SymbolSize json.RawMessage   `json:"symbolSize"`
	RenderItem string            `json:"renderItem"`
	BarGap     string            `json:"barGap"`
	Stack      string            `json:"stack"`
}

// pictureStyle is what a series looks like in the picture.
type pictureStyle struct {
	colour  color.NRGBA
	line    draw.LineStyle
	opacity float64
}

// parseColour reads a CSS colour: #rgb, #rrggbb, rgb(…) or rgba(…). Other
// forms (gradients, names) give ok false.
func parseColour(raw json.RawMessage) (color.NRGBA, bool) {
	var s string
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil {
		return color.NRGBA{}, false
	}
	s = strings.TrimSpace(strings.ToLower(s))
	switch {
	case strings.HasPrefix(s, "#") && (len(s) == 7 || len(s) == 4):
		if len(s) == 4 {
			s = "#" + strings.Repeat(s[1:2], 2) + strings.Repeat(s[2:3], 2) + strings.Repeat(s[3:4], 2)
		}
		v, err := strconv.ParseUint(s[1:], 16, 32)
		if err != nil {
			return color.NRGBA{}, false
		}
		return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 255}, true
	case strings.HasPrefix(s, "rgb"):
		inner := s[strings.IndexByte(s, '(')+1 : max(strings.IndexByte(s, '('), strings.LastIndexByte(s, ')'))]
		parts := strings.Split(inner, ",")
		if len(parts) < 3 {
			return color.NRGBA{}, false
		}
		var c [4]float64
		c[3] = 1
		for i := 0; i < len(parts) && i < 4; i++ {
			v, err := strconv.ParseFloat(strings.TrimSpace(parts[i]), 64)
			if err != nil {
				return color.NRGBA{}, false
			}
			c[i] = v
		}
		return color.NRGBA{R: uint8(c[0]), G: uint8(c[1]), B: uint8(c[2]), A: uint8(math.Round(255 * c[3]))}, true
	}
	return color.NRGBA{}, false
}

// seriesColour is the colour ECharts gives series i: its own colour, its
// item or line style's, or the option's palette in turn.
func (o *echOption) seriesColour(i int, s echSeries) color.NRGBA {
	for _, raw := range []json.RawMessage{s.Color, s.ItemStyle.Color, s.LineStyle.Color} {
		if c, ok := parseColour(raw); ok {
			return c
		}
	}
	palette := o.Color
	if len(palette) == 0 {
		palette = Palette
	}
	if c, ok := parseColour(json.RawMessage(strconv.Quote(palette[i%len(palette)]))); ok {
		return c
	}
	return color.NRGBA{A: 255}
}

// point reads one data item: [x, y, …], a bare number (with the category
// index as x), or {value: …}.
func point(raw json.RawMessage, index int) (vals []float64, ok bool) {
	var arr []*float64
	if json.Unmarshal(raw, &arr) == nil {
		vals = make([]float64, len(arr))
		for i, v := range arr {
			if v == nil {
				vals[i] = math.NaN()
			} else {
				vals[i] = *v
			}
		}
		return vals, len(vals) > 0
	}
	var num *float64
	if json.Unmarshal(raw, &num) == nil {
		if num == nil {
			return []float64{float64(index), math.NaN()}, true
		}
		return []float64{float64(index), *num}, true
	}
	var obj struct {
		Value json.RawMessage `json:"value"`
	}
	if json.Unmarshal(raw, &obj) == nil && len(obj.Value) > 0 {
		return point(obj.Value, index)
	}
	return nil, false
}

// picture is an ECharts option drawn with gonum/plot.
type picture struct {
	draw func(draw.Canvas)
	plot *plot.Plot
	// legend lists the names the picture's legend shows, in order.
	legend []string
	// series counts the series drawn; skipped lists the types of those
	// that were not.
	series  int
	skipped []string
}

// optionPicture draws an ECharts option as a static figure with this
// package's static look.
func optionPicture(raw []byte) (*picture, error) {
	var o echOption
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, fmt.Errorf("widgets: reading the chart's option for its picture: %w", err)
	}
	var skipped []string
	drawn := 0
	p := newPlot(&Options{Title: o.Title.Text}, "", "")
	if o.Title.Subtext != "" {
		p.Title.Text = strings.TrimSpace(o.Title.Text + "\n" + o.Title.Subtext)
	}
	p.X.Label.Text, p.Y.Label.Text = o.XAxis.Name, o.YAxis.Name
	// ECharts' x axis is a category axis unless told otherwise; go-echarts
	// charts rely on that and give only the labels.
	category := o.XAxis.Type == "category" || o.XAxis.Type == "" && len(o.XAxis.Data) > 0
	if category {
		labels := o.XAxis.categories()
		if len(labels) > 0 {
			p.NominalX(labels...)
			thinTicks(&p.X, labels)
			// Categories are bands: points sit at their centres.
			p.X.Min, p.X.Max = -0.5, float64(len(labels))-0.5
		}
	}
	for _, ax := range []struct {
		a   echAxis
		dst *plot.Axis
	}{{o.XAxis.echAxis, &p.X}, {o.YAxis.echAxis, &p.Y}} {
		if ax.a.Type == "log" {
			ax.dst.Scale = plot.LogScale{}
			ax.dst.Tick.Marker = plot.LogTicks{Prec: -1}
		}
	}
	thumbs := map[string][]plot.Thumbnailer{}
	kinds := map[string]map[string]bool{}
	var order []string
	bars := 0
	for _, s := range o.Series {
		if s.Type == "bar" {
			bars++
		}
	}
	barIndex := 0
	for i, s := range o.Series {
		col := o.seriesColour(i, s)
		sty := pictureStyle{colour: col, line: draw.LineStyle{Color: col, Width: vg.Points(1.5)}, opacity: 1}
		if s.LineStyle.Width > 0 {
			sty.line.Width = pxToPt(1) * vg.Length(s.LineStyle.Width)
		}
		if s.LineStyle.Type == "dashed" || s.LineStyle.Type == "dotted" {
			sty.line.Dashes = dashPattern
		}
		if s.LineStyle.Opacity != nil {
			sty.opacity = *s.LineStyle.Opacity
		}
		if s.ItemStyle.Opacity != nil && s.Type != "line" {
			sty.opacity = *s.ItemStyle.Opacity
		}
		var thumb plot.Thumbnailer
		kind := s.Type
		switch {
		case s.Type == "line":
			addPictureLine(p, s, sty)
			l := sty.line
			l.Color = fade(col, sty.opacity)
			thumb = lineThumb{style: l}
		case s.Type == "custom" && s.RenderItem == "neuronb:band":
			addPictureBand(p, s, sty)
			kind, thumb = "band", bandThumb{colour: fade(col, sty.opacity)}
		case s.Type == "scatter":
			addPictureScatter(p, s, sty)
			thumb = glyphThumb{colour: fade(col, sty.opacity)}
		case s.Type == "bar" && category:
			p.Add(&categoryBars{values: seriesPoints(s), colour: fade(col, sty.opacity), index: barIndex, of: bars, overlap: s.BarGap == "-100%"})
			barIndex++
			thumb = bandThumb{colour: fade(col, sty.opacity)}
		default:
			skipped = append(skipped, s.Type)
			continue
		}
		drawn++
		if s.Name == "" {
			continue
		}
		if kinds[s.Name] == nil {
			kinds[s.Name] = map[string]bool{}
			order = append(order, s.Name)
		}
		if !kinds[s.Name][kind] {
			kinds[s.Name][kind] = true
			if kind == "band" {
				thumbs[s.Name] = append([]plot.Thumbnailer{thumb}, thumbs[s.Name]...)
			} else {
				thumbs[s.Name] = append(thumbs[s.Name], thumb)
			}
		}
	}
	if lo, ok := limit(o.XAxis.Min); ok && !category {
		p.X.Min = lo
	}
	if hi, ok := limit(o.XAxis.Max); ok && !category {
		p.X.Max = hi
	}
	if lo, ok := limit(o.YAxis.Min); ok {
		p.Y.Min = lo
	}
	if hi, ok := limit(o.YAxis.Max); ok {
		p.Y.Max = hi
	}
	if len(skipped) > 0 {
		p.Title.Text = strings.TrimSpace(p.Title.Text + "\n(picture without: " + strings.Join(skipped, ", ") + ")")
	}
	legendNames := o.Legend.names()
	if len(legendNames) == 0 {
		legendNames = order
	}
	show := o.Legend.Show == nil || *o.Legend.Show
	pic := &picture{plot: p, series: drawn, skipped: skipped, draw: drawPlot(p)}
	legend := newSideLegend("")
	for _, n := range legendNames {
		if t, ok := thumbs[n]; ok && show {
			legend.add(n, t...)
			pic.legend = append(pic.legend, n)
		}
	}
	if len(legend.entries) > 0 {
		pic.draw = func(c draw.Canvas) { drawWithLegend(c, p, legend) }
	}
	return pic, nil
}

// png renders the picture at w×h CSS pixels, at pictureDPI, on a palette of
// its most frequent colours (quantize).
func (pic *picture) png(w, h int) ([]byte, error) {
	return renderPNGWith(pic.draw, w, h, pictureDPI, quantize)
}

// thinTicks keeps a category axis readable: at most about 12 labels.
func thinTicks(a *plot.Axis, labels []string) {
	step := (len(labels) + 11) / 12
	if step <= 1 {
		return
	}
	a.Tick.Marker = plot.TickerFunc(func(min, max float64) []plot.Tick {
		var ticks []plot.Tick
		for i, l := range labels {
			t := plot.Tick{Value: float64(i)}
			if i%step == 0 {
				t.Label = l
			}
			ticks = append(ticks, t)
		}
		return ticks
	})
}

func fade(c color.NRGBA, opacity float64) color.NRGBA {
	c.A = uint8(math.Round(float64(c.A) * math.Max(0, math.Min(1, opacity))))
	return c
}

// seriesPoints reads a series' (x, y) points; for a category x the index.
func seriesPoints(s echSeries) plotter.XYs {
	pts := make(plotter.XYs, 0, len(s.Data))
	for i, d := range s.Data {
		v, ok := point(d, i)
		if !ok || len(v) < 2 {
			pts = append(pts, plotter.XY{X: float64(i), Y: math.NaN()})
			continue
		}
		pts = append(pts, plotter.XY{X: v[0], Y: v[1]})
	}
	return pts
}

// pictureChunk is the most points a solid line is drawn in one piece.
const pictureChunk = 64

func addPictureLine(p *plot.Plot, s echSeries, sty pictureStyle) {
	pts := seriesPoints(s)
	ls := sty.line
	ls.Color = fade(sty.colour, sty.opacity)
	var seg plotter.XYs
	flush := func() {
		if len(seg) > 0 {
			if l, err := plotter.NewLine(seg); err == nil {
				l.LineStyle = ls
				p.Add(l)
			}
		}
		seg = nil
	}
	for _, pt := range pts {
		if math.IsNaN(pt.X) || math.IsNaN(pt.Y) || math.IsInf(pt.Y, 0) {
			flush()
			continue
		}
		seg = append(seg, pt)
		// The rasteriser's cost grows faster than a path's length (2000
		// points: 0.39 s as one path), so long lines are drawn as pieces
		// that share their end points.
		if len(seg) == pictureChunk && ls.Dashes == nil {
			last := seg[len(seg)-1]
			flush()
			seg = append(seg, last)
		}
	}
	flush()
	// ECharts shows symbols on short series unless told not to.
	if (s.ShowSymbol == nil && len(pts) <= 30) || (s.ShowSymbol != nil && *s.ShowSymbol) {
		addGlyphs(p, pts, sty.colour, 4)
	}
}

func addGlyphs(p *plot.Plot, pts plotter.XYs, col color.NRGBA, sizePx float64) {
	var fin plotter.XYs
	for _, pt := range pts {
		if !math.IsNaN(pt.X) && !math.IsNaN(pt.Y) {
			fin = append(fin, pt)
		}
	}
	if len(fin) == 0 {
		return
	}
	sc, err := plotter.NewScatter(fin)
	if err != nil {
		return
	}
	sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: pxToPt(1) * vg.Length(sizePx/2), Shape: draw.CircleGlyph{}}
	p.Add(sc)
}

func addPictureBand(p *plot.Plot, s echSeries, sty pictureStyle) {
	var x, lo, hi []float64
	for i, d := range s.Data {
		v, ok := point(d, i)
		if !ok || len(v) < 3 {
			x, lo, hi = append(x, math.NaN()), append(lo, math.NaN()), append(hi, math.NaN())
			continue
		}
		x, lo, hi = append(x, v[0]), append(lo, v[1]), append(hi, v[2])
	}
	fill := fade(sty.colour, sty.opacity)
	for _, poly := range bandPolygons(x, lo, hi) {
		pg, err := plotter.NewPolygon(poly)
		if err != nil {
			continue
		}
		pg.Color, pg.LineStyle.Width = fill, 0
		p.Add(pg)
	}
}

func addPictureScatter(p *plot.Plot, s echSeries, sty pictureStyle) {
	size := 10.0
	var sz float64
	if json.Unmarshal(s.SymbolSize, &sz) == nil && sz > 0 {
		size = sz
	}
	// Items may carry their own colour ({value, itemStyle: {color}}).
	type item struct {
		Value     json.RawMessage `json:"value"`
		ItemStyle echStyle        `json:"itemStyle"`
	}
	for k, d := range s.Data {
		col := sty.colour
		var it item
		if json.Unmarshal(d, &it) == nil && len(it.Value) > 0 {
			if c, ok := parseColour(it.ItemStyle.Color); ok {
				col = c
			}
		}
		v, ok := point(d, k)
		if !ok || len(v) < 2 || math.IsNaN(v[0]) || math.IsNaN(v[1]) {
			continue
		}
		addGlyphs(p, plotter.XYs{{X: v[0], Y: v[1]}}, fade(col, sty.opacity), size)
	}
}

// glyphThumb is a legend entry for a scatter series: a dot.
type glyphThumb struct{ colour color.Color }

func (g glyphThumb) Thumbnail(c *draw.Canvas) {
	r := vg.Points(3)
	c.DrawGlyph(draw.GlyphStyle{Color: g.colour, Radius: r, Shape: draw.CircleGlyph{}},
		vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: (c.Min.Y + c.Max.Y) / 2})
}

// categoryBars draws one bar series of a category axis in data units, so
// bars fill their category (ECharts' barCategoryGap of a few percent): side
// by side with the other bar series, or all overlapping (barGap "-100%").
type categoryBars struct {
	values    plotter.XYs // X is the category index
	colour    color.Color
	index, of int
	overlap   bool
}

func (b *categoryBars) Plot(c draw.Canvas, plt *plot.Plot) {
	tx, ty := plt.Transforms(&c)
	width, off := 0.92, 0.0
	if !b.overlap && b.of > 1 {
		width /= float64(b.of)
		off = (float64(b.index) - float64(b.of-1)/2) * width
	}
	for _, v := range b.values {
		if math.IsNaN(v.Y) || v.Y == 0 {
			continue
		}
		x0, x1 := tx(v.X+off-width/2), tx(v.X+off+width/2)
		y0, y1 := ty(math.Min(0, v.Y)), ty(math.Max(0, v.Y))
		pts := []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
		c.FillPolygon(b.colour, c.ClipPolygonXY(pts))
	}
}

func (b *categoryBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax, ymin, ymax = -0.5, float64(len(b.values))-0.5, 0, 0
	for _, v := range b.values {
		if !math.IsNaN(v.Y) {
			ymin, ymax = math.Min(ymin, v.Y), math.Max(ymax, v.Y)
		}
	}
	return
}
