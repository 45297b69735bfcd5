package widgets

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"regexp"
	"strings"

	"github.com/neuronb/neuronb/widgets/internal/echartsjs"
)

// loaderJS is the loader (internal/echartsjs/loader.js) without its comment
// lines: the code that every interactive output carries.
var loaderJS = stripComments(echartsjs.Loader)

func stripComments(src string) string {
	var b strings.Builder
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "//") {
			continue
		}
		b.WriteString(t)
		b.WriteByte('\n')
	}
	return b.String()
}

// newID returns a page-unique element id that is also a JavaScript
// identifier: "nb" and 24 hex digits (96 random bits), so outputs of
// different cells, runs and notebooks never share an id.
func newID() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("widgets: crypto/rand failed: %v", err)) // cannot happen on supported platforms
	}
	return "nb" + hex.EncodeToString(b[:])
}

// scriptSafe makes JavaScript source safe to place inside a <script>
// element: the HTML tokenizer ends the element at "</script" and enters an
// escaped state at "<!--", whatever the JavaScript means. JSON from
// encoding/json never contains either ('<' is written \u003c); JavaScript from
// go-echarts may, inside string literals, where "<\/" and "<\!" mean the same.
var scriptUnsafe = regexp.MustCompile(`(?i)</(script)|<!--`)

func scriptSafe(js string) string {
	return scriptUnsafe.ReplaceAllStringFunc(js, func(m string) string {
		if m == "<!--" {
			return `<\!--`
		}
		return `<\/` + m[2:]
	})
}

// echartsFigureHTML is the text/html of one interactive chart: a container
// holding a static description (what viewers that do not run scripts show)
// and one script that unpacks ECharts (once per page) and draws into every
// copy of the container on the page. draw is a JavaScript function
// expression (echarts, element) → chart instance.
func echartsFigureHTML(id string, width, height int, text, draw string, picture []byte) string {
	lib := echartsjs.GzipBase64()
	var b strings.Builder
	b.Grow(len(lib) + len(draw) + len(loaderJS) + 4*len(picture)/3 + 1024)
	fmt.Fprintf(&b, `<div class="neuronb-figure" data-neuronb="%s" id="%s" style="position:relative;width:100%%;max-width:%dpx;min-height:%dpx;">`, id, id, width, height)
	writeFallback(&b, text, picture, width, height)
	b.WriteString("</div>\n")
	writeScriptHead(&b, id, lib)
	b.WriteString("var DRAW = ")
	b.WriteString(scriptSafe(draw))
	b.WriteString(";\n")
	b.WriteString(`eachTarget(function (root) {
lib().then(function (echarts) {
var box = chartBox(root);
follow(box, DRAW(echarts, box));
root.setAttribute("data-neuronb-drawn", "1");
}).catch(function (err) { fail(root, err); });
});
})();
</script>`)
	return b.String()
}

// writeScriptHead opens the output's script and its IIFE (nothing is
// declared at page level, so re-running a cell or showing a figure twice
// cannot redeclare anything) and pastes the shared loader. lib may be empty
// for outputs that never need ECharts.
func writeScriptHead(b *strings.Builder, id, lib string) {
	b.WriteString("<script type=\"text/javascript\">\n(function () {\n\"use strict\";\n")
	fmt.Fprintf(b, "var ID = %q;\nvar LIB = \"%s\";\n", id, lib)
	b.WriteString(loaderJS)
}

// writeFallback writes what an interactive output shows until its script
// runs, and for good where none runs (an untrusted notebook, a code-hosting
// site's view, a PDF): the chart's picture (a PNG drawn from the same
// option, see optionPicture) with the text description as its alt text, or
// the description itself when there is no picture. The loader removes it
// when it draws the live chart.
func writeFallback(b *strings.Builder, text string, picture []byte, width, height int) {
	if len(picture) > 0 {
		// An <img> with a data: URL: JupyterLab's sanitizer keeps it (it
		// drops inline <svg>), and so do nbconvert and code-hosting views.
		fmt.Fprintf(b, `<div class="neuronb-fallback"><img class="neuronb-picture" width="%d" height="%d" style="max-width:100%%;height:auto;" alt="%s" src="data:image/png;base64,`,
			width, height, html.EscapeString(text+"\n(a picture of an interactive chart, which draws where the notebook's JavaScript runs; in JupyterLab, trust the notebook)"))
		w := base64.NewEncoder(base64.StdEncoding, b)
		w.Write(picture)
		w.Close()
		b.WriteString(`"></div>`)
		return
	}
	b.WriteString(`<div class="neuronb-fallback" style="font:13px/1.4 sans-serif;color:#555;padding:8px;white-space:pre-wrap;">`)
	b.WriteString(html.EscapeString(text))
	b.WriteString("\n(Interactive chart: it draws where the notebook's JavaScript runs; in JupyterLab, trust the notebook.)</div>")
}

// optionDraw returns the draw function for a strict-JSON ECharts option.
func optionDraw(optionJSON []byte) string {
	return "function (echarts, el) {\nvar chart = echarts.init(el, null, {renderer: \"canvas\"});\nchart.setOption(prepare(" +
		string(optionJSON) + "));\nreturn chart;\n}"
}
