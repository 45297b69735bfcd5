package widgets

import (
	"encoding/json"
	"math"
	"strconv"
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
