package widgets

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// This file builds ECharts options as plain Go maps (encoded as strict
// JSON, keys sorted, so outputs are deterministic) with this package's look.

// appendNum writes v with 6 significant digits, which is finer than any
// screen resolves (a 4000 px chart needs 4); NaN and ±Inf become null, which
// ECharts draws as a gap.
func appendNum(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.AppendInt(b, int64(v), 10)
	}
	return strconv.AppendFloat(b, v, 'g', 6, 64)
}

// pointsJSON encodes the points (x(i), y(i)) for i in idx as [[x,y],…].
func pointsJSON(idx []int, x func(int) float64, y func(int) float64) json.RawMessage {
	b := make([]byte, 0, 20*len(idx)+2)
	b = append(b, '[')
	for k, i := range idx {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendNum(b, x(i))
		b = append(b, ',')
		b = appendNum(b, y(i))
		b = append(b, ']')
	}
	return append(b, ']')
}

// baseOption returns the option parts every chart shares: palette, fonts,
// title (with an optional note such as the downsampling), tooltip, toolbox
// (zoom, restore, save as PNG) and the grid, with room for a legend.
func baseOption(o *Options, note string, legend []string) map[string]any {
	title := map[string]any{"text": o.Title, "left": 8, "top": 4,
		"textStyle": map[string]any{"fontSize": 14}}
	if note != "" {
		title["subtext"] = note
		title["subtextStyle"] = map[string]any{"fontSize": 11, "color": "#666"}
	}
	top := 40
	if note != "" || o.Title != "" {
		top = 64
	}
	opt := map[string]any{
		"animation": false,
		"color":     Palette,
		"textStyle": map[string]any{"fontFamily": "Liberation Sans, Arial, Helvetica, sans-serif"},
		"title":     title,
		"tooltip":   map[string]any{"trigger": "axis", "confine": true},
		"toolbox": map[string]any{"right": 8, "top": 4, "feature": map[string]any{
			"dataZoom": map[string]any{}, "restore": map[string]any{},
			"saveAsImage": map[string]any{"pixelRatio": 2}}},
		"grid": map[string]any{"left": 72, "right": 24, "top": top, "bottom": 56},
	}
	if len(legend) > 0 {
		opt["legend"] = map[string]any{"type": "scroll", "data": legend, "bottom": 4, "left": "center"}
		opt["grid"].(map[string]any)["bottom"] = 84
	}
	return opt
}

// valueAxis is a numeric axis with its name centred along it.
func valueAxis(name string, gap int) map[string]any {
	return map[string]any{
		"type": "value", "name": name, "nameLocation": "middle", "nameGap": gap,
		"scale": true, "splitLine": map[string]any{"lineStyle": map[string]any{"color": "#e6e6e6"}},
	}
}

// axisNameSize is ECharts' default axis name font size (CSS pixels).
const axisNameSize = 12

// fitAxisNames fits the names of an option's xAxis and yAxis (centred
// along their axes) to the grid, the way withFittedText does for static
// figures: a name longer than its axis is wrapped onto up to two lines
// (three at the smallest size) or set in a smaller font, down to
// minTextSize, so ECharts does not clip it at the chart's edges. The y
// name's gap from the axis grows with the widest tick label expected over
// the data range [ylo, yhi] (NaN: unknown), so the name does not overlap
// the tick labels, and the grid's left and bottom margins grow with the
// gaps and the names' line counts.
func fitAxisNames(opt map[string]any, o *Options, ylo, yhi float64) {
	grid, _ := opt["grid"].(map[string]any)
	if grid == nil {
		return
	}
	left, _ := grid["left"].(int)
	right, _ := grid["right"].(int)
	top, _ := grid["top"].(int)
	bottom, _ := grid["bottom"].(int)
	_, hasLegend := opt["legend"]
	if ya, ok := opt["yAxis"].(map[string]any); ok {
		gap, _ := ya["nameGap"].(int)
		gap = max(gap, int(math.Ceil(tickLabelWidth(ylo, yhi)))+16)
		lines, size := fitAxisName(ya, float64(o.Height-top-bottom))
		ya["nameGap"] = gap
		left = max(left, gap+int(math.Ceil(float64(lines)*1.25*size))+6)
		grid["left"] = left
	}
	if xa, ok := opt["xAxis"].(map[string]any); ok {
		gap, _ := xa["nameGap"].(int)
		lines, size := fitAxisName(xa, float64(o.Width-left-right))
		need := gap + int(math.Ceil(float64(lines)*1.25*size)) + 11
		if hasLegend {
			need += 28
		}
		grid["bottom"] = max(bottom, need)
	}
}

// fitAxisName fits axis["name"] to avail pixels, sets a smaller
// nameTextStyle.fontSize if fitting needed one, and returns the number of
// lines and the font size.
func fitAxisName(axis map[string]any, avail float64) (lines int, size float64) {
	name, _ := axis["name"].(string)
	if name == "" {
		return 0, axisNameSize
	}
	sty := text.Style{Font: font.From(sans, axisNameSize), Handler: plot.DefaultTextHandler}
	fitted, st := fitText(name, sty, vg.Length(0.96*avail))
	axis["name"] = fitted
	size = float64(st.Font.Size)
	lines = strings.Count(fitted, "\n") + 1
	if size != axisNameSize || lines > 1 {
		// ECharts does not space the lines of an axis name by itself.
		axis["nameTextStyle"] = map[string]any{"fontSize": size, "lineHeight": math.Round(1.25 * size)}
	}
	return lines, size
}

// tickLabelWidth estimates, in CSS pixels at ECharts' 12 px axis label
// size, the widest tick label of a value axis over [lo, hi]: ECharts
// places about five ticks at a 1-2-5 step and writes them with thousands
// separators and as many decimals as the step needs.
func tickLabelWidth(lo, hi float64) float64 {
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return 0
	}
	if hi == lo {
		lo, hi = lo-1, hi+1
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{2, 5, 10} {
		if step >= raw {
			break
		}
		step = m * mag
	}
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	sty := text.Style{Font: font.From(sans, 12), Handler: plot.DefaultTextHandler}
	w := 0.0
	k0, k1 := math.Floor(lo/step), math.Ceil(hi/step)
	if !(k1-k0 <= 50) { // ±Inf or NaN: no ticks to measure
		return 0
	}
	// Count in integers: near 2⁵³·step, k0+1 may round back to k0.
	for i := 0; i <= int(k1-k0); i++ {
		w = math.Max(w, float64(sty.Width(echartsNumber((k0+float64(i))*step, decimals))))
	}
	return w
}

// echartsNumber formats v as ECharts' axis labels do: fixed decimals and
// comma thousands separators in the integer part.
func echartsNumber(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

// insideZoom lets the wheel, pinch and drag zoom and pan the x axis; the
// toolbox's box zoom covers both axes.
func insideZoom() []any {
	return []any{map[string]any{"type": "inside", "xAxisIndex": 0, "filterMode": "none"}}
}

// finiteRange returns the smallest and largest finite values of the
// slices, or NaN, NaN when there are none.
func finiteRange(vs ...[]float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		for _, x := range v {
			if x < lo {
				lo = x
			}
			if x > hi {
				hi = x
			}
		}
	}
	if lo > hi {
		return math.NaN(), math.NaN()
	}
	return lo, hi
}
