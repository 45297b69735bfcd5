package widgets

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// Band is a curve with a confidence band around it, sampled at the times of
// the chart it belongs to: a PSTH (firing rate ± 95% CI), a decoding accuracy
// over time, a mean latent with its spread. Lower and Upper may both be nil
// (no band); otherwise Lower[i] ≤ Upper[i] wherever both are finite.
type Band struct {
	Name               string
	Mean, Lower, Upper []float64
}

// PSTH draws rate lines with shaded confidence bands against shared times t
// (finite, non-decreasing) as an interactive chart: hover for the means,
// legend to toggle a curve with its band. Long series are reduced for
// display like Lines (the same indices for mean and band). o.Dashed,
// o.DashedLabel and o.Static work as for Lines (o.Dashed[k] dashes band k's
// curve; bands sharing a name share a colour), so a smoothed estimate with
// its band can be drawn over the dashed truth.
// Defaults: XLabel "time (s)", YLabel "rate (Hz)".
func PSTH(t []float64, bands []Band, o *Options) (*Figure, error) {
	r, err := o.resolved(DefaultWidth, DefaultHeight)
	if err != nil {
		return nil, err
	}
	if len(bands) == 0 {
		return nil, fmt.Errorf("widgets: PSTH: bands is empty")
	}
	if len(t) == 0 {
		return nil, fmt.Errorf("widgets: PSTH: t is empty")
	}
	if err := checkAxis("PSTH", t); err != nil {
		return nil, err
	}
	if len(r.Dashed) > len(bands) {
		return nil, fmt.Errorf("widgets: PSTH: Options.Dashed has %d entries for %d bands", len(r.Dashed), len(bands))
	}
	means := make([][]float64, len(bands))
	names := make([]string, len(bands))
	for k, b := range bands {
		if err := checkBand(k, b, len(t)); err != nil {
			return nil, err
		}
		means[k] = b.Mean
		names[k] = orDefault(b.Name, r.name(k, "series"))
	}
	colours := sharedColours(names)
	if r.Static {
		if r.XLabel == "" {
			r.XLabel = "time (s)"
		}
		if r.YLabel == "" {
			r.YLabel = "rate (Hz)"
		}
		curves := make([]curve, len(bands))
		for k, b := range bands {
			curves[k] = curve{name: names[k], y: b.Mean, lower: b.Lower, upper: b.Upper, colour: colours[k], dashed: r.dashed(k)}
		}
		return staticLines("psth", "PSTH", t, curves, &r, "time (s)", "rate (Hz)")
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
	opt, note := lineChartOption(&r, series, names, means, shown, "time (s)", "rate (Hz)", all)
	if r.XLabel == "" {
		r.XLabel = "time (s)"
	}
	if r.YLabel == "" {
		r.YLabel = "rate (Hz)"
	}
	text := describeLines("PSTH", &r, t, means, names, note)
	var withBand []string
	for k, b := range bands {
		if b.Lower != nil {
			withBand = append(withBand, names[k])
		}
	}
	if len(withBand) > 0 {
		text += "\nshaded bands: " + strings.Join(withBand, ", ")
	}
	return newOptionFigure("psth", &r, opt, text)
}

func checkBand(k int, b Band, n int) error {
	if len(b.Mean) != n {
		return fmt.Errorf("widgets: PSTH: bands[%d].Mean has %d points, t has %d", k, len(b.Mean), n)
	}
	if (b.Lower == nil) != (b.Upper == nil) {
		return fmt.Errorf("widgets: PSTH: bands[%d] has only one of Lower and Upper", k)
	}
	if b.Lower == nil {
		return nil
	}
	if len(b.Lower) != n || len(b.Upper) != n {
		return fmt.Errorf("widgets: PSTH: bands[%d] Lower/Upper have %d/%d points, t has %d", k, len(b.Lower), len(b.Upper), n)
	}
	for i := range b.Lower {
		if b.Lower[i] > b.Upper[i] {
			return fmt.Errorf("widgets: PSTH: bands[%d].Lower[%d] = %v > Upper[%d] = %v", k, i, b.Lower[i], i, b.Upper[i])
		}
	}
	return nil
}

// RateBand bins spike times into a peri-stimulus time histogram: for bins
// [t0 + k·bin, t0 + (k+1)·bin) covering [t0, t1), each trial's rate is its
// spike count / bin; the band is the mean over trials ± 1.96 standard errors
// (sample standard deviation / √trials), a normal-approximation 95%
// interval. It returns the bin centres and the band (Name empty). Spike
// times outside [t0, t1) are ignored; a trial may be empty.
func RateBand(trials [][]float64, t0, t1, bin float64) (centres []float64, b Band, err error) {
	switch {
	case len(trials) == 0:
		return nil, b, fmt.Errorf("widgets: RateBand: trials is empty")
	case !(bin > 0) || math.IsInf(bin, 0):
		return nil, b, fmt.Errorf("widgets: RateBand: bin = %v, want a positive width", bin)
	case !(t1 > t0) || math.IsInf(t0, 0) || math.IsInf(t1, 0):
		return nil, b, fmt.Errorf("widgets: RateBand: [t0, t1) = [%v, %v) is not a finite, non-empty interval", t0, t1)
	}
	nb := int(math.Ceil((t1 - t0) / bin))
	if nb > 1_000_000 {
		return nil, b, fmt.Errorf("widgets: RateBand: %d bins of %v in [%v, %v); use wider bins", nb, bin, t0, t1)
	}
	counts := make([]float64, nb)
	// Welford's running mean and sum of squared deviations per bin.
	mean := make([]float64, nb)
	m2 := make([]float64, nb)
	for i, tr := range trials {
		clear(counts)
		for j, s := range tr {
			if math.IsNaN(s) {
				return nil, b, fmt.Errorf("widgets: RateBand: trials[%d][%d] is NaN", i, j)
			}
			if s < t0 || s >= t1 {
				continue
			}
			// Bin k is [t0 + k·bin, t0 + (k+1)·bin) with the edges computed
			// exactly so; the quotient can round across an edge.
			k := min(int((s-t0)/bin), nb-1)
			for k > 0 && s < t0+float64(k)*bin {
				k--
			}
			for k < nb-1 && s >= t0+float64(k+1)*bin {
				k++
			}
			counts[k]++
		}
		for k, c := range counts {
			rate := c / bin
			d := rate - mean[k]
			mean[k] += d / float64(i+1)
			m2[k] += d * (rate - mean[k])
		}
	}
	n := float64(len(trials))
	centres = make([]float64, nb)
	b.Mean = make([]float64, nb)
	b.Lower = make([]float64, nb)
	b.Upper = make([]float64, nb)
	for k := range centres {
		centres[k] = t0 + (float64(k)+0.5)*bin
		m := mean[k]
		half := 0.0
		if n > 1 {
			half = 1.96 * math.Sqrt(m2[k]/(n-1)/n)
		}
		b.Mean[k], b.Lower[k], b.Upper[k] = m, m-half, m+half
	}
	return centres, b, nil
}
