package ssr

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/spikes"
	"github.com/neuronb/neuronb/widgets"
)

// TestSVGIsEChartsOwnDrawing renders a PSTH of package spikes' type (a band
// series through the loader's renderer, a dashed reference line) and checks the SVG parses as
// XML, carries the title, axis names and legend entries as text, and has a
// path for every line. The oracle is ECharts' own output, read as XML.
func TestSVGIsEChartsOwnDrawing(t *testing.T) {
	x := []float64{0, 1, 2, 3}
	f, err := widgets.PSTH([]*spikes.PSTH{{Name: "unit 1", Centres: x, Mean: []float64{1, 2, 3, 2}, Lower: []float64{0, 1, 2, 1}, Upper: []float64{2, 3, 4, 3}},
		{Name: "model", Centres: x, Mean: []float64{1, 2, 2, 2}}}, &widgets.Options{Title: "rate", Dashed: []bool{false, true}})
	if err != nil {
		t.Fatal(err)
	}
	svg, st, err := SVG(f)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("compile %v, render %v, %d bytes", st.Compile, st.Render, len(svg))
	if st.Compile <= 0 || st.Render <= 0 {
		t.Errorf("stats not measured: %+v", st)
	}
	var texts []string
	paths := 0
	dec := xml.NewDecoder(strings.NewReader(svg))
	var inText bool
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG does not parse: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			inText = el.Name.Local == "text"
			if el.Name.Local == "path" {
				paths++
			}
		case xml.CharData:
			if inText {
				texts = append(texts, string(el))
			}
		}
	}
	all := strings.Join(texts, "|")
	for _, want := range []string{"rate", "time (s)", "rate (Hz)", "unit 1", "model"} {
		if !strings.Contains(all, want) {
			t.Errorf("SVG text lacks %q: %s", want, all)
		}
	}
	if paths < 3 {
		t.Errorf("%d paths, want the band and two lines at least", paths)
	}
	if _, _, err := SVG(nil); err == nil {
		t.Error("nil figure accepted")
	}
}

func TestCompareShowsBothPictures(t *testing.T) {
	f, err := widgets.Lines([]float64{0, 1, 2}, [][]float64{{1, 3, 2}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compare(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Render()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"data:image/png;base64,", "data:image/svg+xml;base64,", "kB"} {
		if !strings.Contains(b.HTML, want) {
			t.Errorf("comparison lacks %q", want)
		}
	}
	if strings.Contains(strings.ToLower(b.HTML), "<script") || len(b.PNG) == 0 {
		t.Error("the comparison must be static HTML with the PNG as image/png")
	}
	static, err := widgets.Raster([][]float64{{0.1, 0.5}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Compare(static); err == nil {
		t.Error("a static figure, which has no ECharts option, was compared")
	}
}
