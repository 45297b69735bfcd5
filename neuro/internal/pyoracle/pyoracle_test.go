package pyoracle

import (
	"math"
	"strings"
	"testing"
)

// TestRunRoundTripsFloatsExactly checks the property the package relies on:
// a float64 sent to Python and returned is bit-for-bit the same.
func TestRunRoundTripsFloatsExactly(t *testing.T) {
	Require(t)
	in := []float64{0.1, 1.0 / 3, math.Pi, 1e-300, -2.5e300, math.Nextafter(1, 2)}
	var out []float64
	Run(t, "import json, sys\nprint(json.dumps(json.load(sys.stdin)))", in, &out)
	if len(out) != len(in) {
		t.Fatalf("got %d values back, want %d", len(out), len(in))
	}
	for i := range in {
		if math.Float64bits(in[i]) != math.Float64bits(out[i]) {
			t.Errorf("value %d: sent %v, got %v", i, in[i], out[i])
		}
	}
}

// TestAvailableNamesMissingModule checks that the message for a missing
// module names a package to install rather than failing obscurely.
func TestAvailableNamesMissingModule(t *testing.T) {
	Require(t)
	err := Available("neuronb_module_that_does_not_exist")
	if err == nil {
		t.Fatal("Available reported a non-existent module as present")
	}
	if want := "python3-neuronb_module_that_does_not_exist"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name %q", err, want)
	}
}

// TestVenvRunsThePinnedPyPIOracles checks that the .venv interpreter runs a
// script and reports the versions kernel/requirements/test.txt pins.
func TestVenvRunsThePinnedPyPIOracles(t *testing.T) {
	p := RequireVenv(t, "h5py", "pynwb", "pynapple")
	var got map[string]string
	p.Run(t, "import json, sys, h5py, pynwb, pynapple\nprint(json.dumps({'h5py': h5py.__version__, 'pynwb': pynwb.__version__, 'pynapple': pynapple.__version__}))", nil, &got)
	for _, m := range []string{"h5py", "pynwb", "pynapple"} {
		if got[m] == "" {
			t.Errorf("%s reports no version: %v", m, got)
		}
	}
}
