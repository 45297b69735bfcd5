package widgets

import (
	"encoding/json"
	"testing"
)

// TestLinesWithOnePointShowItsMarker: a series of a single point has no
// segment to draw, so its marker must be shown (oracle: the ECharts option,
// read back as JSON), while longer series keep plain lines.
func TestLinesWithOnePointShowItsMarker(t *testing.T) {
	for _, c := range []struct {
		x    []float64
		want bool
	}{{[]float64{1}, true}, {[]float64{1, 2, 3}, false}} {
		y := make([]float64, len(c.x))
		f, err := Lines(c.x, [][]float64{y}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var opt struct {
			Series []struct {
				ShowSymbol bool `json:"showSymbol"`
			} `json:"series"`
		}
		raw, err := f.Option()
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &opt); err != nil {
			t.Fatal(err)
		}
		if len(opt.Series) != 1 || opt.Series[0].ShowSymbol != c.want {
			t.Errorf("%d points: series %+v, want showSymbol %v", len(c.x), opt.Series, c.want)
		}
	}
}
