package widgets

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// maxBins bounds the number of histogram bins.
const maxBins = 10000

// Histogram draws the distributions of one or more samples over shared
// bins as an interactive bar chart (hover for counts, legend to toggle a
// sample; several samples overlap, semi-transparent). bins ≤ 0 chooses the
// Freedman–Diaconis width 2·IQR·n^(-1/3) over the pooled data, clamped to
// 5..100 bins (Sturges' log2(n)+1 when the IQR is zero). Bins are equal
// width over [min, max] of the pooled finite values, each [a, b) except the
// last, which includes max. NaN values are ignored and counted in the text.
// Defaults: XLabel "value", YLabel "count".
func Histogram(samples [][]float64, bins int, o *Options) (*Figure, error) {
	r, err := o.resolved(DefaultWidth, DefaultHeight)
	if err != nil {
		return nil, err
	}
	if len(samples) == 0 {
		return nil, fmt.Errorf("widgets: Histogram: samples is empty")
	}
	if len(r.Names) > len(samples) {
		return nil, fmt.Errorf("widgets: Histogram: Options.Names has %d names for %d samples", len(r.Names), len(samples))
	}
	if bins > maxBins {
		return nil, fmt.Errorf("widgets: Histogram: bins = %d, want at most %d", bins, maxBins)
	}
	var pooled []float64
	nan := 0
	for i, s := range samples {
		for j, v := range s {
			switch {
			case math.IsNaN(v):
				nan++
			case math.IsInf(v, 0):
				return nil, fmt.Errorf("widgets: Histogram: samples[%d][%d] is %v", i, j, v)
			default:
				pooled = append(pooled, v)
			}
		}
	}
	if len(pooled) == 0 {
		return nil, fmt.Errorf("widgets: Histogram: samples hold no finite values")
	}
	sort.Float64s(pooled)
	lo, hi := pooled[0], pooled[len(pooled)-1]
	if bins <= 0 {
		bins = autoBins(pooled)
	}
	if hi == lo {
		lo, hi = lo-0.5, hi+0.5
	}
	edges := binEdges(lo, hi, bins)
	names := make([]string, len(samples))
	counts := make([][]int, len(samples))
	var series []any
	for i, s := range samples {
		names[i] = r.name(i, "sample")
		counts[i] = binCounts(s, edges)
		c, _ := json.Marshal(counts[i])
		item := map[string]any{"type": "bar", "name": names[i], "data": json.RawMessage(c),
			"color": Palette[i%len(Palette)], "barCategoryGap": "4%"}
		if len(samples) > 1 {
			item["barGap"] = "-100%"
			item["itemStyle"] = map[string]any{"opacity": 0.6}
		}
		series = append(series, item)
	}
	labels := make([]string, bins)
	for k := range labels {
		labels[k] = strconv.FormatFloat((edges[k]+edges[k+1])/2, 'g', 4, 64)
	}
	opt := baseOption(&r, "", names)
	xa := map[string]any{"type": "category", "data": labels, "name": orDefault(r.XLabel, "value") + " (bin centre)",
		"nameLocation": "middle", "nameGap": 30}
	opt["xAxis"] = xa
	opt["yAxis"] = valueAxis(orDefault(r.YLabel, "count"), 50)
	opt["series"] = series
	most := 0
	for _, c := range counts {
		for _, n := range c {
			most = max(most, n)
		}
	}
	fitAxisNames(opt, &r, 0, float64(most))
	var b strings.Builder
	fmt.Fprintf(&b, "Histogram")
	if r.Title != "" {
		fmt.Fprintf(&b, " %q", r.Title)
	}
	fmt.Fprintf(&b, ": %d bins of width %.4g over [%.4g, %.4g] of %s", bins, edges[1]-edges[0], edges[0], edges[bins], orDefault(r.XLabel, "value"))
	for i, s := range samples {
		fmt.Fprintf(&b, "\n%s: n = %d", names[i], len(s))
	}
	if nan > 0 {
		fmt.Fprintf(&b, "\n%d NaN values ignored", nan)
	}
	return newOptionFigure("histogram", &r, opt, b.String())
}

// autoBins is the Freedman–Diaconis rule on sorted data, clamped to 5..100.
func autoBins(sorted []float64) int {
	n := len(sorted)
	q := func(p float64) float64 { // linear interpolation between order statistics
		h := p * float64(n-1)
		i := int(h)
		if i >= n-1 {
			return sorted[n-1]
		}
		return sorted[i] + (h-float64(i))*(sorted[i+1]-sorted[i])
	}
	span := sorted[n-1] - sorted[0]
	iqr := q(0.75) - q(0.25)
	var k int
	if iqr > 0 && span > 0 {
		k = int(math.Ceil(span * math.Cbrt(float64(n)) / (2 * iqr)))
	} else {
		k = int(math.Ceil(math.Log2(float64(n)))) + 1
	}
	return min(max(k, 5), 100)
}

func binEdges(lo, hi float64, bins int) []float64 {
	e := make([]float64, bins+1)
	for k := range e {
		e[k] = lo + (hi-lo)*float64(k)/float64(bins)
	}
	e[bins] = hi
	return e
}

// binCounts counts the finite values of s in each bin; the last bin is
// closed on the right.
func binCounts(s []float64, edges []float64) []int {
	bins := len(edges) - 1
	c := make([]int, bins)
	lo, hi := edges[0], edges[bins]
	w := (hi - lo) / float64(bins)
	for _, v := range s {
		if math.IsNaN(v) || v < lo || v > hi {
			continue
		}
		k := min(int((v-lo)/w), bins-1)
		// Guard against rounding at the edges: v must lie in [e_k, e_{k+1}).
		for k > 0 && v < edges[k] {
			k--
		}
		for k < bins-1 && v >= edges[k+1] {
			k++
		}
		c[k]++
	}
	return c
}
