package widgets

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/neuronb/neuronb/neuro/spikes"
)

// Band is a curve with a confidence band around it, sampled at the x values
// of the chart it belongs to (Bands): an estimate ± its interval, a
// decoding accuracy over time, a mean latent with its spread. Lower and
// Upper may both be nil (no band); otherwise Lower[i] ≤ Upper[i] wherever
// both are finite.
type Band struct {
	Name               string
	Mean, Lower, Upper []float64
}

// Bands draws lines with shaded confidence bands against shared x values
// (finite, non-decreasing) as an interactive chart: an estimate with its
// interval over neuron counts, a decoding accuracy over time, a mean latent
// with its spread. Hover for the means, use the legend to toggle a curve
// with its band. Long series are reduced for display like Lines (the same
// indices for mean and band). o.Dashed, o.DashedLabel and o.Static work as
// for Lines (o.Dashed[k] dashes band k's curve; bands sharing a name share
// a colour), so a smoothed estimate with its band can be drawn over the
// dashed truth. Defaults: XLabel "x", YLabel "value", as Lines.
func Bands(x []float64, bands []Band, o *Options) (*Figure, error) {
	return bandChart("bands", "Bands", x, bands, o, "x", "value")
}

// PSTH draws peri-stimulus time histograms computed by package spikes
// (spikes.RateBand, Perievent.PSTH): each one's mean rate with its 95% band,
// named by its Name, against the bin centres they share. Options work as
// for Bands. Defaults: XLabel "time (s)", YLabel "rate (Hz)".
func PSTH(psths []*spikes.PSTH, o *Options) (*Figure, error) {
	if len(psths) == 0 {
		return nil, fmt.Errorf("widgets: PSTH: psths is empty")
	}
	bands := make([]Band, len(psths))
	for k, p := range psths {
		if p == nil {
			return nil, fmt.Errorf("widgets: PSTH: psths[%d] is nil", k)
		}
		if !slices.Equal(p.Centres, psths[0].Centres) {
			return nil, fmt.Errorf("widgets: PSTH: psths[%d] has other bin centres than psths[0] (%d bins from %v vs %d from %v); bin them alike",
				k, len(p.Centres), first(p.Centres), len(psths[0].Centres), first(psths[0].Centres))
		}
		bands[k] = Band{Name: p.Name, Mean: p.Mean, Lower: p.Lower, Upper: p.Upper}
	}
	return bandChart("psth", "PSTH", psths[0].Centres, bands, o, "time (s)", "rate (Hz)")
}

// first returns x[0] for messages ("none" for an empty slice).
func first(x []float64) any {
	if len(x) == 0 {
		return "none"
	}
	return x[0]
}

// bandChart is Bands and PSTH: kind names the figure, fn the function in
// errors, xdef and ydef the default axis labels.
func bandChart(kind, fn string, t []float64, bands []Band, o *Options, xdef, ydef string) (*Figure, error) {
	r, err := o.resolved(DefaultWidth, DefaultHeight)
	if err != nil {
		return nil, err
	}
	r.XLabel, r.YLabel = orDefault(r.XLabel, xdef), orDefault(r.YLabel, ydef)
	if len(bands) == 0 {
		return nil, fmt.Errorf("widgets: %s: bands is empty", fn)
	}
	if len(t) == 0 {
		return nil, fmt.Errorf("widgets: %s: the x values are empty", fn)
	}
	if err := checkAxis(fn, t); err != nil {
		return nil, err
	}
	if len(r.Dashed) > len(bands) {
		return nil, fmt.Errorf("widgets: %s: Options.Dashed has %d entries for %d bands", fn, len(r.Dashed), len(bands))
	}
	means := make([][]float64, len(bands))
	names := make([]string, len(bands))
	for k, b := range bands {
		if err := checkBand(fn, k, b, len(t)); err != nil {
			return nil, err
		}
		means[k] = b.Mean
		names[k] = orDefault(b.Name, r.name(k, "series"))
	}
	colours := sharedColours(names)
	if r.Static {
		curves := make([]curve, len(bands))
		for k, b := range bands {
			curves[k] = curve{name: names[k], y: b.Mean, lower: b.Lower, upper: b.Upper, colour: colours[k], dashed: r.dashed(k)}
		}
		return staticLines(kind, fn, t, curves, &r, xdef, ydef)
	}
	var series []any
	shown := 0
	xf := func(i int) float64 { return t[i] }
	for k, b := range bands {
		idx := displayIndices(&r, t, b.Mean)
		shown = max(shown, len(idx))
		colour := Palette[colours[k]%len(Palette)]
		style := map[string]any{"width": 2}
		if r.dashed(k) {
			style["type"] = "dashed"
		}
		series = append(series, map[string]any{
			"type": "line", "name": names[k], "showSymbol": len(idx) < 2, "color": colour, "z": 3,
			"lineStyle": style,
			"data":      pointsJSON(idx, xf, func(i int) float64 { return b.Mean[i] }),
		})
		if b.Lower == nil {
			continue
		}
		// The band is a custom series drawn as a polygon by the loader's
		// "neuronb:band" renderer (stacked lines cannot do it: ECharts
		// stacks the x dimension when both axes are numeric).
		rows := make([]byte, 0, 30*len(idx)+2)
		rows = append(rows, '[')
		for n, i := range idx {
			if n > 0 {
				rows = append(rows, ',')
			}
			rows = append(rows, '[')
			rows = appendNum(rows, t[i])
			rows = append(rows, ',')
			rows = appendNum(rows, b.Lower[i])
			rows = append(rows, ',')
			rows = appendNum(rows, b.Upper[i])
			rows = append(rows, ']')
		}
		rows = append(rows, ']')
		series = append(series, map[string]any{
			"type": "custom", "name": names[k], "renderItem": "neuronb:band", "clip": true, "silent": true, "z": 1,
			"encode":    map[string]any{"x": 0, "y": []int{1, 2}},
			"itemStyle": map[string]any{"color": colour, "opacity": 0.22},
			"tooltip":   map[string]any{"show": false},
			"data":      json.RawMessage(rows),
		})
	}
	var all [][]float64
	for _, b := range bands {
		all = append(all, b.Mean, b.Lower, b.Upper)
	}
	opt, note := lineChartOption(&r, series, names, means, shown, xdef, ydef, all)
	text := describeLines(fn, &r, t, means, names, note)
	var withBand []string
	for k, b := range bands {
		if b.Lower != nil {
			withBand = append(withBand, names[k])
		}
	}
	if len(withBand) > 0 {
		text += "\nshaded bands: " + strings.Join(withBand, ", ")
	}
	return newOptionFigure(kind, &r, opt, text)
}

func checkBand(fn string, k int, b Band, n int) error {
	if len(b.Mean) != n {
		return fmt.Errorf("widgets: %s: bands[%d].Mean has %d points, x has %d", fn, k, len(b.Mean), n)
	}
	if (b.Lower == nil) != (b.Upper == nil) {
		return fmt.Errorf("widgets: %s: bands[%d] has only one of Lower and Upper", fn, k)
	}
	if b.Lower == nil {
		return nil
	}
	if len(b.Lower) != n || len(b.Upper) != n {
		return fmt.Errorf("widgets: %s: bands[%d] Lower/Upper have %d/%d points, x has %d", fn, k, len(b.Lower), len(b.Upper), n)
	}
	for i := range b.Lower {
		if b.Lower[i] > b.Upper[i] {
			return fmt.Errorf("widgets: %s: bands[%d].Lower[%d] = %v > Upper[%d] = %v", fn, k, i, b.Lower[i], i, b.Upper[i])
		}
	}
	return nil
}
