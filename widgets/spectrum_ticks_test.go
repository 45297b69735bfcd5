package widgets

import (
	"strings"
	"testing"
)

// TestSpectrumTickLabelsAreShort: over ten decades every major label is a
// power of ten written with at most three significant digits (oracle: the
// decimal spelling of 10^k), not the binary rounding error of computing it.
func TestSpectrumTickLabelsAreShort(t *testing.T) {
	want := map[string]bool{"1e-06": true, "1e-05": true, "0.0001": true, "0.001": true, "0.01": true, "0.1": true, "1": true, "10": true, "100": true, "1e+03": true, "1e+04": true}
	n := 0
	for _, tk := range (logTicks{}).Ticks(1e-6, 1e4) {
		if tk.Label == "" {
			continue
		}
		n++
		if !want[tk.Label] || strings.Contains(tk.Label, "999") {
			t.Errorf("tick at %g labelled %q", tk.Value, tk.Label)
		}
	}
	if n < 5 {
		t.Errorf("only %d labelled ticks over ten decades", n)
	}
}
