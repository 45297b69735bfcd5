package widgets

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"regexp"
	"strings"

	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/render"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"

	"github.com/neuronb/neuronb/widgets/internal/echartsjs"
)

// Figure is a chart ready to show: either interactive (an ECharts option
// drawn in the browser) or static (drawn by gonum/plot into PNG/SVG). The
// chart constructors of this package, FromPlot and FromECharts return one.
// A Figure does not change once built, except through the overlay methods
// of static figures (AddLine, AddPoints, AddTrace) and Plot; showing it
// twice gives two independent outputs.
type Figure struct {
	kind          string
	title         string
	width, height int
	text          string

	// Interactive figures: option is strict JSON; goe holds a go-echarts
	// chart's JavaScript instead. noPicture leaves out the static picture.
	option    json.RawMessage
	goe       *goechartsJS
	noPicture bool

	// Static figures; plot is the main gonum plot where there is one.
	// overlays describes what AddLine and AddPoints drew on it.
	draw     func(c draw.Canvas)
	svg      bool
	plot     *plot.Plot
	overlays string
}

// Plot returns the gonum plot behind a static figure of this package (nil
// for interactive figures), so a caller can add plotters (a fitted line,
// fixed points, a trajectory over a flow field) before showing it.
func (f *Figure) Plot() *plot.Plot { return f.plot }

// Kind names the chart type ("lines", "raster", "plot", "echarts", …).
func (f *Figure) Kind() string { return f.kind }

// Text is the figure described in words, as sent in text/plain.
func (f *Figure) Text() string { return f.text }

// Size is the display size in CSS pixels.
func (f *Figure) Size() (width, height int) { return f.width, f.height }

// Interactive reports whether the figure is drawn by ECharts in the browser
// (true) or rendered to an image by gonum/plot (false).
func (f *Figure) Interactive() bool { return f.option != nil || f.goe != nil }

// Option returns the ECharts option of an interactive figure built by this
// package, as JSON. It fails for static figures and for go-echarts charts,
// whose options are JavaScript (they may hold functions).
func (f *Figure) Option() (json.RawMessage, error) {
	if f.option == nil {
		return nil, fmt.Errorf("widgets: %s figure has no JSON ECharts option", f.kind)
	}
	return f.option, nil
}

// Render returns the figure's MIME bundle.
func (f *Figure) Render() (*Bundle, error) {
	if f == nil {
		return nil, errors.New("widgets: nil *Figure")
	}
	b := &Bundle{Text: f.text, Width: f.width, Height: f.height, Name: fileStem(f.title, f.kind)}
	switch {
	case f.option != nil || f.goe != nil:
		pic, err := f.Picture()
		if err != nil {
			return nil, err
		}
		id := newID()
		draw := ""
		if f.option != nil {
			draw = optionDraw(f.option)
		} else {
			draw = f.goe.draw(id)
		}
		b.HTML = echartsFigureHTML(id, f.width, f.height, f.text, draw, pic)
		// The same picture as image/png, for exports that take no HTML
		// (LaTeX/PDF) and for WriteFiles.
		b.PNG = pic
	case f.draw != nil:
		var err error
		if b.PNG, err = renderPNG(f.draw, f.width, f.height); err != nil {
			return nil, err
		}
		if f.svg {
			if b.SVG, err = renderSVG(f.draw, f.width, f.height); err != nil {
				return nil, err
			}
			b.HTML = svgImgHTML(b.SVG, f.width, f.height, f.text)
		}
	default:
		return nil, errors.New("widgets: empty Figure (use the chart constructors)")
	}
	return b, nil
}

// newOptionFigure wraps an ECharts option built by this package.
func newOptionFigure(kind string, o *Options, option map[string]any, text string) (*Figure, error) {
	js, err := json.Marshal(option)
	if err != nil {
		return nil, fmt.Errorf("widgets: %s option: %w", kind, err)
	}
	return &Figure{kind: kind, title: o.Title, width: o.Width, height: o.Height, text: text, option: js, noPicture: o.NoPicture}, nil
}

// Picture returns the PNG an interactive figure carries inside its HTML
// for viewers that run no JavaScript (and as its image/png): gonum/plot's
// drawing of the figure's ECharts option, at its CSS size, on a palette of
// its 256 most frequent colours. It is nil for static figures, for
// figures made with Options.NoPicture and for go-echarts charts whose
// option holds JavaScript functions (their text description stands in).
func (f *Figure) Picture() ([]byte, error) {
	if f == nil || !f.Interactive() {
		return nil, nil
	}
	if f.noPicture {
		return nil, nil
	}
	opt := []byte(f.option)
	if opt == nil {
		if f.goe == nil || !json.Valid([]byte(f.goe.option)) {
			return nil, nil
		}
		opt = []byte(f.goe.option)
	}
	pic, err := optionPicture(opt)
	if err != nil {
		return nil, err
	}
	return pic.png(f.width, f.height)
}

func newStaticFigure(kind string, o *Options, text string, d func(draw.Canvas)) *Figure {
	return &Figure{kind: kind, title: o.Title, width: o.Width, height: o.Height, text: text, draw: d, svg: o.SVG}
}

// FromPlot wraps a gonum/plot figure so it can be sized, given an SVG
// rendering (o.SVG) or used as a control frame. Only o.Width, o.Height, o.SVG
// and o.Title (for file names) are used. Show(p) is FromPlot(p, nil).
func FromPlot(p *plot.Plot, o *Options) (*Figure, error) {
	if p == nil {
		return nil, errors.New("widgets: FromPlot: p is nil")
	}
	r, err := o.resolved(DefaultWidth, DefaultHeight)
	if err != nil {
		return nil, err
	}
	if r.Title == "" {
		r.Title = p.Title.Text
	}
	text := describePlot(p, r.Width, r.Height)
	f := newStaticFigure("plot", &r, text, drawPlot(p))
	f.plot = p
	return f, nil
}

func describePlot(p *plot.Plot, w, h int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "gonum/plot figure %d×%d px", w, h)
	if p.Title.Text != "" {
		fmt.Fprintf(&b, " %q", p.Title.Text)
	}
	fmt.Fprintf(&b, "\nx: %s in [%.4g, %.4g]\ny: %s in [%.4g, %.4g]",
		orDefault(p.X.Label.Text, "(unlabelled)"), p.X.Min, p.X.Max,
		orDefault(p.Y.Label.Text, "(unlabelled)"), p.Y.Min, p.Y.Max)
	return b.String()
}

// FromImage wraps an image (for instance a rendered frame or a
// receptive field) as a static figure shown at o.Width × o.Height (default:
// half the image's pixel size, as for a 2× rendering).
func FromImage(img image.Image, o *Options) (*Figure, error) {
	if img == nil {
		return nil, errors.New("widgets: FromImage: img is nil")
	}
	sz := img.Bounds().Size()
	if sz.X <= 0 || sz.Y <= 0 {
		return nil, fmt.Errorf("widgets: FromImage: image is %d×%d pixels", sz.X, sz.Y)
	}
	r, err := o.resolved((sz.X+1)/2, (sz.Y+1)/2)
	if err != nil {
		return nil, err
	}
	text := fmt.Sprintf("image %d×%d pixels", sz.X, sz.Y)
	if r.Title != "" {
		text = fmt.Sprintf("%s: %s", r.Title, text)
	}
	return newStaticFigure("image", &r, text, func(c draw.Canvas) {
		c.DrawImage(c.Rectangle, img)
	}), nil
}

// goechartsJS is a go-echarts chart reduced to what an output needs.
type goechartsJS struct {
	chartID string // the id go-echarts chose; replaced per output
	option  string // JavaScript object literal
	body    string // go-echarts' init script (init, setOption, listeners, functions)
}

// EChartsChart is implemented by every go-echarts v2 chart (*charts.Line,
// *charts.Bar, *charts.HeatMap, …).
type EChartsChart interface {
	RenderSnippet() render.ChartSnippet
	GetAssets() opts.Assets
}

var (
	snippetSize  = regexp.MustCompile(`width:\s*(\d+)px;\s*height:\s*(\d+)px`)
	snippetID    = regexp.MustCompile(`id="([A-Za-z0-9_]+)"`)
	snippetTheme = regexp.MustCompile(`echarts\.init\([^,]+,\s*"([^"]*)"`)
	scriptTags   = regexp.MustCompile(`(?s)^\s*<script[^>]*>(.*)</script>\s*$`)
)

// FromECharts wraps a go-echarts chart. The chart's own options,
// listeners and JavaScript functions are kept; its container id is replaced
// by a fresh one for every output, so showing a chart twice, or re-running
// its cell, cannot collide. Only ECharts core 5.4.3 is embedded: charts that
// need echarts-gl, maps, word clouds or a theme other than the default or
// "dark" are refused with an error rather than silently fetched from a CDN.
func FromECharts(c EChartsChart) (*Figure, error) {
	if c == nil {
		return nil, errors.New("widgets: FromECharts: chart is nil")
	}
	s := c.RenderSnippet()
	for _, a := range c.GetAssets().JSAssets.Values {
		if strings.HasSuffix(a, "/echarts.min.js") || a == "echarts.min.js" || strings.HasSuffix(a, "themes/dark.js") {
			continue
		}
		return nil, fmt.Errorf("widgets: go-echarts chart needs %q, which is not embedded (only ECharts %s core is, for offline use)", a, echartsjs.Version)
	}
	m := snippetID.FindStringSubmatch(s.Element)
	if m == nil {
		return nil, errors.New("widgets: go-echarts snippet has no chart id")
	}
	w, h := 900, 500
	if sz := snippetSize.FindStringSubmatch(s.Element); sz != nil {
		fmt.Sscan(sz[1], &w)
		fmt.Sscan(sz[2], &h)
	}
	body := s.Script
	if sm := scriptTags.FindStringSubmatch(body); sm != nil {
		body = sm[1]
	}
	theme := ""
	if tm := snippetTheme.FindStringSubmatch(body); tm != nil {
		theme = tm[1]
	}
	if theme != "" && theme != "white" && theme != "light" && theme != "dark" {
		return nil, fmt.Errorf("widgets: go-echarts theme %q is not embedded; use the default or \"dark\"", theme)
	}
	g := &goechartsJS{chartID: m[1], option: strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s.Option), ";")), body: body}
	text := describeGoECharts(g.option, w, h)
	return &Figure{kind: "echarts", title: "", width: w, height: h, text: text, goe: g}, nil
}

// draw returns, for the output whose id is id, go-echarts' script as a draw function: its top-level `let`s
// become locals, and document.getElementById(id) becomes the element the
// loader found, so every copy of the output draws into its own container.
func (g *goechartsJS) draw(id string) string {
	body := strings.ReplaceAll(g.body, g.chartID, id)
	body = strings.ReplaceAll(body, "document.getElementById('"+id+"')", "el")
	return "function (echarts, el) {\n" + body + "\nreturn goecharts_" + id + ";\n}"
}

// describeGoECharts summarises a go-echarts option for text/plain: its
// title and the type and name of each series.
func describeGoECharts(option string, w, h int) string {
	var v struct {
		Title struct {
			Text string `json:"text"`
		} `json:"title"`
		Series []struct {
			Type string `json:"type"`
			Name string `json:"name"`
		} `json:"series"`
	}
	var b strings.Builder
	fmt.Fprintf(&b, "ECharts chart %d×%d px", w, h)
	if err := json.Unmarshal([]byte(option), &v); err != nil {
		return b.String() // options with JavaScript functions are not JSON
	}
	if v.Title.Text != "" {
		fmt.Fprintf(&b, " %q", v.Title.Text)
	}
	for _, s := range v.Series {
		fmt.Fprintf(&b, "\n%s series %q", s.Type, s.Name)
	}
	return b.String()
}
