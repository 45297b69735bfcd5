package information

import (
	"math"
	"os"
	"testing"

	"github.com/neuronb/neuronb/neuro/internal/pyoracle"
)

func script(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestExactMatchesBruteForce: an independent implementation in
// numpy/scipy (testdata/bruteforce_oracle.py: p(r, y) by convolution on fine
// grids of y, ∂_y log p(r|y) by finite differences, the reference code's
// γ rule) agrees with Exact on the brief's neuron: I, SSI and i_sp to 1e-6,
// J to 1e-9 relative, I_local to 1e-3 (the oracle's finite differences and
// grids limit it).
func TestExactMatchesBruteForce(t *testing.T) {
	pyoracle.Require(t, "numpy", "scipy")
	xs := []float64{0, 1.2, 0.71, -2, 2.5}
	var out struct {
		MI     float64   `json:"mutual_information"`
		ILocal []float64 `json:"ilocal"`
		SSI    []float64 `json:"ssi"`
		ISP    []float64 `json:"isp"`
		Fisher []float64 `json:"fisher"`
	}
	pyoracle.Run(t, script(t, "bruteforce_oracle.py"), map[string]any{"xs": xs}, &out)
	e := briefNeuron(t)
	g := mustGrid(t, Linspace(-6, 6, 1201))
	m := mustExact(t, e, g, &ExactSettings{Rule: Trapezoid, NoTail: true})
	if math.Abs(m.MutualInformation-out.MI) > 1e-6 {
		t.Errorf("I = %.8f, oracle %.8f", m.MutualInformation, out.MI)
	}
	for i, x := range xs {
		p := mustIndex(t, g, x)
		t.Logf("x = %4.2f: I_local %.5f (oracle %.5f), SSI %.6f (%.6f), i_sp %.6f (%.6f), J %.4f (%.4f)", x,
			m.ILocal[p], out.ILocal[i], m.SSI[p], out.SSI[i], m.SpecificSurprise[p], out.ISP[i], m.Fisher[p], out.Fisher[i])
		if math.Abs(m.ILocal[p]-out.ILocal[i]) > 1e-3 {
			t.Errorf("x = %v: I_local %.6f, oracle %.6f", x, m.ILocal[p], out.ILocal[i])
		}
		if math.Abs(m.SSI[p]-out.SSI[i]) > 1e-6 || math.Abs(m.SpecificSurprise[p]-out.ISP[i]) > 1e-6 {
			t.Errorf("x = %v: SSI %.8f / i_sp %.8f, oracle %.8f / %.8f", x, m.SSI[p], m.SpecificSurprise[p], out.SSI[i], out.ISP[i])
		}
		if math.Abs(m.Fisher[p]-out.Fisher[i]) > 1e-9*max(1, out.Fisher[i]) {
			t.Errorf("x = %v: J %.10g, oracle %.10g", x, m.Fisher[p], out.Fisher[i])
		}
	}
}

// numpyOutput is what testdata/exact_numpy.py prints.
type numpyOutput struct {
	MI       float64     `json:"mutual_information"`
	Entropy  float64     `json:"entropy"`
	ILocal   []float64   `json:"ilocal"`
	Features [][]float64 `json:"features"`
	SSI      []float64   `json:"ssi"`
	ISP      []float64   `json:"isp"`
	Fisher   []float64   `json:"fisher"`
	Seconds  float64     `json:"seconds"`
	CPU      float64     `json:"cpu_seconds"`
	K        int         `json:"responses"`
}

func numpyInput(e *Encoder, g Grid, m *Measures, repeats int) map[string]any {
	n := e.Neurons[0]
	return map[string]any{"prior": e.Prior, "neuron": map[string]any{"tuning": n.Tuning, "noise": n.Noise.String(), "variance": n.Variance},
		"axes": g.Axes, "resolution": m.Resolution, "gamma_min": m.Settings.GammaMin, "gamma_max": m.Settings.GammaMax,
		"gamma_nodes": m.Settings.GammaNodes, "repeats": repeats}
}

// TestExactMatchesNumpyImplementation: the numpy implementation of the same
// algorithm (testdata/exact_numpy.py, the benchmark's anchor) gives the
// same numbers to 1e-10 on a 2-D Poisson receptive-field neuron and a 1-D
// Gaussian-noise neuron.
func TestExactMatchesNumpyImplementation(t *testing.T) {
	pyoracle.Require(t, "numpy")
	e2, err := NewEncoder(Prior{Mean: []float64{0.2, -0.1}, Var: []float64{1, 0.7}}, PoissonNeuron(SigmoidTuning(0.5, 10, 3, 0.3, 1, 0.5)))
	if err != nil {
		t.Fatal(err)
	}
	e1, err := NewEncoder(StandardPrior(1), GaussianNeuron(BumpTuning(0.2, 3, 0.8, -0.3), 0.4))
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		e *Encoder
		g Grid
	}{"2-D Poisson sigmoid": {e2, mustGrid(t, Linspace(-3, 3, 9), Linspace(-2, 2.5, 7))}, "1-D Gaussian bump": {e1, mustGrid(t, Linspace(-4, 4, 41))}} {
		t.Run(name, func(t *testing.T) {
			m := mustExact(t, c.e, c.g, &ExactSettings{GammaNodes: 12})
			var out numpyOutput
			pyoracle.Run(t, script(t, "exact_numpy.py"), numpyInput(c.e, c.g, m, 1), &out)
			if out.K != m.Responses {
				t.Fatalf("numpy sums over %d responses, Go %d", out.K, m.Responses)
			}
			check := func(what string, got, want []float64) {
				t.Helper()
				for i := range want {
					if math.Abs(got[i]-want[i]) > 1e-10*max(1, math.Abs(want[i])) {
						t.Fatalf("%s[%d] = %.14g, numpy %.14g", what, i, got[i], want[i])
					}
				}
			}
			check("I", []float64{m.MutualInformation, m.Entropy}, []float64{out.MI, out.Entropy})
			check("I_local", m.ILocal, out.ILocal)
			for k := range m.Features {
				check("feature", m.Features[k], out.Features[k])
			}
			check("SSI", m.SSI, out.SSI)
			check("i_sp", m.SpecificSurprise, out.ISP)
			check("J", m.Fisher, out.Fisher)
		})
	}
}
