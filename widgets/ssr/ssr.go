// Package ssr draws an interactive widgets chart with ECharts itself,
// server-side: the embedded echarts 5.4.3 runs in a pure-Go JavaScript
// engine (github.com/dop251/goja) and renders the chart's option with its
// SVG renderer (echarts.init(null, null, {renderer: "svg", ssr: true}) and
// renderToSVGString), as a Node.js server would.
//
// It is the second of the two ways a chart's static picture can be made,
// kept to compare with the one package widgets uses (gonum/plot drawing the
// same option, Figure.Picture): tutorial 01 shows both side by side with
// what each costs. ECharts' own rendering is the more faithful; it is not
// the default because every cell is a new process, so each would compile
// the 1 MB library again before drawing (see Stats), and because code-hosting
// views do not all show SVG images.
package ssr

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"time"

	"github.com/dop251/goja"

	"github.com/neuronb/neuronb/widgets"
	"github.com/neuronb/neuronb/widgets/internal/echartsjs"
)

// Stats says what drawing one chart cost.
type Stats struct {
	// Compile is the time to parse and evaluate the ECharts library in a
	// new JavaScript engine, which every cell (a new process) pays once.
	Compile time.Duration
	// Render is the time to draw the chart's option into an SVG string.
	Render time.Duration
}

// SVG renders an interactive widgets chart (Lines, PSTH, Trajectories,
// Histogram) with ECharts' server-side SVG renderer, at the figure's size.
// It fails for static figures, which have no ECharts option, and for
// go-echarts charts, whose options are JavaScript.
func SVG(f *widgets.Figure) (svg string, st Stats, err error) {
	if f == nil {
		return "", st, errors.New("ssr: nil figure")
	}
	opt, err := f.Option()
	if err != nil {
		return "", st, fmt.Errorf("ssr: %w", err)
	}
	w, h := f.Size()
	start := time.Now()
	vm := goja.New()
	// The shims ECharts' UMD bundle and zrender reach for outside a browser.
	if _, err := vm.RunString(`var module = {exports: {}}; var exports = module.exports;
var console = {log: function () {}, warn: function () {}, error: function () {}};
var setTimeout = function (f) { return 0; }, clearTimeout = function () {};
var window = {}, document = undefined;`); err != nil {
		return "", st, fmt.Errorf("ssr: shims: %w", err)
	}
	lib, err := goja.Compile("echarts.min.js", string(echartsjs.Source), false)
	if err != nil {
		return "", st, fmt.Errorf("ssr: compiling ECharts: %w", err)
	}
	if _, err := vm.RunProgram(lib); err != nil {
		return "", st, fmt.Errorf("ssr: evaluating ECharts: %w", err)
	}
	// The loader turns this package's named renderers (bands) into
	// functions; it only declares functions at its top level.
	if _, err := vm.RunString("var ID = '', LIB = '';\n" + echartsjs.Loader); err != nil {
		return "", st, fmt.Errorf("ssr: loader: %w", err)
	}
	st.Compile = time.Since(start)
	start = time.Now()
	size, err := json.Marshal(map[string]any{"renderer": "svg", "ssr": true, "width": w, "height": h})
	if err != nil {
		return "", st, err
	}
	v, err := vm.RunString(`(function () {
var echarts = module.exports;
var chart = echarts.init(null, null, ` + string(size) + `);
chart.setOption(prepare(` + string(opt) + `));
var svg = chart.renderToSVGString();
chart.dispose();
return svg;
})()`)
	if err != nil {
		return "", st, fmt.Errorf("ssr: rendering: %w", err)
	}
	st.Render = time.Since(start)
	return v.String(), st, nil
}

// Comparison holds a chart's two static pictures and what each cost.
type Comparison struct {
	// Picture is what the chart's outputs carry (Figure.Picture) and
	// PictureTime what drawing it took.
	Picture     []byte
	PictureTime time.Duration
	// SVG is ECharts' own server-side rendering and Stats its cost.
	SVG           string
	Stats         Stats
	width, height int
}

// Compare draws f both ways, timing each.
func Compare(f *widgets.Figure) (*Comparison, error) {
	if f == nil {
		return nil, errors.New("ssr: nil figure")
	}
	start := time.Now()
	pic, err := f.Picture()
	if err != nil {
		return nil, err
	}
	if pic == nil {
		return nil, errors.New("ssr: the figure carries no picture (a static figure, or Options.NoPicture)")
	}
	c := &Comparison{Picture: pic, PictureTime: time.Since(start)}
	if c.SVG, c.Stats, err = SVG(f); err != nil {
		return nil, err
	}
	c.width, c.height = f.Size()
	return c, nil
}

// Render shows the two pictures side by side, each with its size and
// cost, as static HTML (no script), with the gonum/plot picture as the
// image/png other viewers fall back to.
func (c *Comparison) Render() (*widgets.Bundle, error) {
	if c == nil {
		return nil, errors.New("ssr: nil comparison")
	}
	col := func(title, mime string, data []byte, note string) string {
		return fmt.Sprintf(`<td style="vertical-align:top;padding:4px 8px;"><div style="font:600 13px sans-serif;margin-bottom:4px;">%s</div>`+
			`<img style="width:100%%;height:auto;border:1px solid #ddd;" alt="%s" src="data:%s;base64,%s">`+
			`<div style="font:12px/1.4 sans-serif;color:#444;margin-top:4px;">%s</div></td>`,
			html.EscapeString(title), html.EscapeString(title), mime, base64.StdEncoding.EncodeToString(data), html.EscapeString(note))
	}
	pngNote := fmt.Sprintf("PNG, %.0f kB; drawn in %v", float64(len(c.Picture))/1024, c.PictureTime.Round(time.Millisecond))
	svgNote := fmt.Sprintf("SVG, %.0f kB; ECharts compiled in %v, chart drawn in %v", float64(len(c.SVG))/1024,
		c.Stats.Compile.Round(time.Millisecond), c.Stats.Render.Round(time.Millisecond))
	h := `<table style="width:100%;max-width:` + fmt.Sprint(2*c.width+40) + `px;table-layout:fixed;border-collapse:collapse;"><tr>` +
		col("gonum/plot from the option (what outputs carry)", "image/png", c.Picture, pngNote) +
		col("ECharts itself, server-side in goja", "image/svg+xml", []byte(c.SVG), svgNote) + "</tr></table>"
	return &widgets.Bundle{
		HTML:  h,
		PNG:   c.Picture,
		Text:  "Static pictures of one chart: gonum/plot (" + pngNote + ") and ECharts server-side (" + svgNote + ")",
		Width: c.width, Height: c.height, Name: "picture-comparison",
	}, nil
}
