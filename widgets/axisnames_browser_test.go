package widgets

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// textRects runs in a standalone page of one interactive figure: it waits
// for the chart, then returns every text element ECharts drew (title, axis
// names, tick labels, legend) with its bounding box in canvas pixels.
const textRects = `(async () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const root = document.querySelector("[data-neuronb]");
  for (let i = 0; i < 100 && !root.getAttribute("data-neuronb-drawn"); i++) await sleep(100);
  await sleep(300);
  const echarts = await window.__neuronb["echarts@5.4.3"];
  let chart = echarts.getInstanceByDom(root);
  for (const el of root.querySelectorAll("*")) chart = chart || echarts.getInstanceByDom(el);
  const out = { width: chart.getWidth(), height: chart.getHeight(), texts: [] };
  chart.getZr().storage.getDisplayList(true).forEach((el) => {
    // zrender draws text as one "tspan" element per line.
    if (el.type !== "tspan" || !el.style || !el.style.text) return;
    const r = el.getBoundingRect().clone();
    if (el.transform) r.applyTransform(el.transform);
    const px = /([0-9.]+)px/.exec(el.style.font || "");
    out.texts.push({ text: String(el.style.text), x: r.x, y: r.y, w: r.width, h: r.height, size: px ? +px[1] : 12 });
  });
  return out;
})()`

type drawnTexts struct {
	Width, Height float64
	Texts         []struct {
		Text             string
		X, Y, W, H, Size float64
	}
}

// minNameSize is the smallest font size of the drawn name lines.
func minNameSize(d drawnTexts, isName func(string) bool) float64 {
	m := 100.0
	for _, tx := range d.Texts {
		if isName(tx.Text) {
			m = min(m, tx.Size)
		}
	}
	return m
}

// browserTexts opens f's standalone page in offline Chromium and returns
// the text ECharts drew.
func browserTexts(t *testing.T, f *Figure) drawnTexts {
	t.Helper()
	b, err := f.Render()
	if err != nil {
		t.Fatal(err)
	}
	paths, err := WriteFiles(b, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	page := ""
	for _, p := range paths {
		if strings.HasSuffix(p, ".html") {
			page = p
		}
	}
	if page == "" {
		t.Fatalf("no HTML page among %q", paths)
	}
	br := startBrowser(t, f.width+40, f.height+40)
	if err := br.navigate("file://" + page); err != nil {
		t.Fatalf("%v\n%s", err, br.log())
	}
	var d drawnTexts
	if err := br.eval(textRects, &d); err != nil {
		t.Fatalf("%v\n%s", err, br.log())
	}
	return d
}

// Oracle: the layout ECharts itself computes in Chromium (the bounding
// boxes of the text it drew). Axis names too long for their axes, on a
// chart whose y tick labels are wide, stay inside the chart and overlap no
// other text (tick labels, each other, title, legend) once fitted; the
// same chart with the names as given (gap 50, one line), the layout before
// fitting, clips the y name at the chart's edge or runs it into the tick
// labels (negative control: the check can fail).
func TestEChartsAxisNamesStayInsideTheChart(t *testing.T) {
	needTool(t, chromiumPath, "unshare", "ip")
	long := "held-out log-likelihood per time bin below that of the true parameters, averaged over five seeds (nats per bin)"
	f, err := Lines(nil, [][]float64{{-120000, 5000, 300}, {-100000, 4000, 100}}, &Options{Title: "Long names",
		XLabel: long, YLabel: long, Names: []string{"fit", "fit"}, Dashed: []bool{false, true}, DashedLabel: "truth",
		Width: 560, Height: 360})
	if err != nil {
		t.Fatal(err)
	}
	isName := func(s string) bool { return len(s) > 8 && strings.Contains(long, s) }
	check := func(d drawnTexts) []string {
		var bad []string
		for i, a := range d.Texts {
			if !isName(a.Text) {
				continue
			}
			if a.X < -0.5 || a.Y < -0.5 || a.X+a.W > d.Width+0.5 || a.Y+a.H > d.Height+0.5 {
				bad = append(bad, fmt.Sprintf("name %.20q… at [%.0f, %.0f]×[%.0f, %.0f] leaves the %.0f×%.0f chart",
					a.Text, a.X, a.X+a.W, a.Y, a.Y+a.H, d.Width, d.Height))
			}
			for j, b := range d.Texts {
				if i == j {
					continue
				}
				if a.X < b.X+b.W-0.5 && b.X < a.X+a.W-0.5 && a.Y < b.Y+b.H-0.5 && b.Y < a.Y+a.H-0.5 {
					bad = append(bad, fmt.Sprintf("name %.20q… overlaps %q", a.Text, b.Text))
				}
			}
		}
		return bad
	}
	d := browserTexts(t, f)
	names := 0
	for _, tx := range d.Texts {
		if isName(tx.Text) {
			names++
		}
	}
	if names < 4 {
		t.Fatalf("found %d lines of axis names among the drawn texts, want both names on at least two lines each: %+v", names, d.Texts)
	}
	for _, p := range check(d) {
		t.Error(p)
	}
	// The lines of one name are a line height apart, not drawn over each
	// other (ECharts spaces them by nameTextStyle.lineHeight only).
	var across, down []float64 // centres of the x name's lines, of the y name's lines
	for _, tx := range d.Texts {
		switch {
		case !isName(tx.Text):
		case tx.W > tx.H:
			across = append(across, tx.Y+tx.H/2)
		default:
			down = append(down, tx.X+tx.W/2)
		}
	}
	for name, centres := range map[string][]float64{"x": across, "y": down} {
		slices.Sort(centres)
		for k := 1; k < len(centres); k++ {
			if gap := centres[k] - centres[k-1]; gap < 1.15*minNameSize(d, isName) {
				t.Errorf("%s name: lines %.1f px apart, want at least 1.15 × the font size", name, gap)
			}
		}
	}

	// Negative control: the option as it was before fitting.
	var opt map[string]any
	js, _ := f.Option()
	if err := json.Unmarshal(js, &opt); err != nil {
		t.Fatal(err)
	}
	ya := opt["yAxis"].(map[string]any)
	ya["name"], ya["nameGap"] = long, 50
	delete(ya, "nameTextStyle")
	opt["grid"].(map[string]any)["left"] = 72
	raw, _ := json.Marshal(opt)
	unfitted := &Figure{kind: "lines", title: "unfitted", width: f.width, height: f.height, text: f.text, option: raw}
	if bad := check(browserTexts(t, unfitted)); len(bad) == 0 {
		t.Errorf("negative control: the unfitted long y name neither left the chart nor overlapped a label")
	} else {
		t.Logf("unfitted: %s", strings.Join(bad, "; "))
	}
}
