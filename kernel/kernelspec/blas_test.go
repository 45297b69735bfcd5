package kernelspec

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

// fakeCores is an injected probe: each core type's speed and error, and
// the core OpenBLAS reports using.
func fakeCores(cores map[string]CoreMeasurement) func(string) CoreMeasurement {
	return func(ct string) CoreMeasurement {
		m, ok := cores[ct]
		if !ok {
			return CoreMeasurement{Err: "unknown core type " + ct}
		}
		return m
	}
}

func TestChooseCoreTypeRejectsWrongResults(t *testing.T) {
	cores := map[string]CoreMeasurement{
		"":         {Core: "Prescott", GFLOPS: 12, MaxRelErr: 2e-15},
		"SkylakeX": {Core: "SkylakeX", GFLOPS: 95, MaxRelErr: 0.7}, // fastest, wrong
		"Haswell":  {Core: "Haswell", GFLOPS: 66, MaxRelErr: 2e-15},
		"Prescott": {Core: "Prescott", GFLOPS: 12, MaxRelErr: 2e-15},
	}
	c, err := ChooseCoreType([]string{"SkylakeX", "Haswell", "Prescott"}, fakeCores(cores))
	if err != nil {
		t.Fatal(err)
	}
	if c.CoreType != "Haswell" || c.GFLOPS != 66 || c.Detected != "Prescott" {
		t.Errorf("chose %+v, want Haswell (SkylakeX computes wrong products)", c)
	}
	if !strings.Contains(FormatChoice(c), "WRONG, rejected") {
		t.Errorf("the table does not show the rejection:\n%s", FormatChoice(c))
	}
}

func TestChooseCoreTypeKeepsARightDetection(t *testing.T) {
	cores := map[string]CoreMeasurement{
		"":           {Core: "SkylakeX", GFLOPS: 88, MaxRelErr: 2e-15},
		"Cooperlake": {Core: "SkylakeX", GFLOPS: 107, MaxRelErr: 2e-15}, // not honoured: same kernels, noise
		"SkylakeX":   {Core: "SkylakeX", GFLOPS: 99, MaxRelErr: 2e-15},
		"Haswell":    {Core: "Haswell", GFLOPS: 67, MaxRelErr: 2e-15},
	}
	c, err := ChooseCoreType([]string{"Cooperlake", "SkylakeX", "Haswell"}, fakeCores(cores))
	if err != nil {
		t.Fatal(err)
	}
	if c.CoreType != "" {
		t.Errorf("chose %q: OpenBLAS's own SkylakeX is the fastest kernel set; forcing it gains nothing", c.CoreType)
	}
	// Slightly faster but not by the noise margin: keep the detection.
	cores[""] = CoreMeasurement{Core: "Haswell", GFLOPS: 60, MaxRelErr: 2e-15}
	cores["SkylakeX"] = CoreMeasurement{Core: "SkylakeX", GFLOPS: 65, MaxRelErr: 2e-15}
	if c, err := ChooseCoreType([]string{"SkylakeX", "Haswell"}, fakeCores(cores)); err != nil || c.CoreType != "" {
		t.Errorf("chose %q (%v) for an 8%% gain, within timing noise", c.CoreType, err)
	}
	// A 1.2x gain of sibling kernels on a busy machine is noise too.
	cores[""] = CoreMeasurement{Core: "Cooperlake", GFLOPS: 53, MaxRelErr: 2e-15}
	cores["SkylakeX"] = CoreMeasurement{Core: "SkylakeX", GFLOPS: 64, MaxRelErr: 2e-15}
	if c, err := ChooseCoreType([]string{"SkylakeX", "Haswell"}, fakeCores(cores)); err != nil || c.CoreType != "" {
		t.Errorf("chose %q (%v) for a 1.2x gain over Cooperlake", c.CoreType, err)
	}
}

func TestChooseCoreTypeForcesWhenDetectionIsSlowOrWrong(t *testing.T) {
	slow := map[string]CoreMeasurement{
		"":         {Core: "Prescott", GFLOPS: 12, MaxRelErr: 2e-15},
		"SkylakeX": {Core: "SkylakeX", GFLOPS: 95, MaxRelErr: 2e-15},
	}
	if c, err := ChooseCoreType([]string{"SkylakeX"}, fakeCores(slow)); err != nil || c.CoreType != "SkylakeX" {
		t.Errorf("misdetected Prescott: chose %q (%v), want SkylakeX", c.CoreType, err)
	}
	wrong := map[string]CoreMeasurement{
		"":        {Core: "SkylakeX", GFLOPS: 95, MaxRelErr: 3},
		"Haswell": {Core: "Haswell", GFLOPS: 60, MaxRelErr: 2e-15},
	}
	if c, err := ChooseCoreType([]string{"Haswell"}, fakeCores(wrong)); err != nil || c.CoreType != "Haswell" {
		t.Errorf("wrong detection: chose %q (%v), want the correct Haswell even though slower", c.CoreType, err)
	}
	allWrong := map[string]CoreMeasurement{"": {Core: "X", GFLOPS: 9, MaxRelErr: 1}, "Haswell": {Err: "crashed"}}
	if _, err := ChooseCoreType([]string{"Haswell"}, fakeCores(allWrong)); err == nil {
		t.Error("no correct setting, yet no error: OpenBLAS would be used")
	}
}

func TestCandidateCoreTypes(t *testing.T) {
	set := func(fs ...string) map[string]bool {
		m := map[string]bool{}
		for _, f := range fs {
			m[f] = true
		}
		return m
	}
	avx512 := set("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl")
	if got := strings.Join(CandidateCoreTypes("amd64", avx512, "GenuineIntel"), " "); got != "SkylakeX Haswell Sandybridge Nehalem Prescott" {
		t.Errorf("AVX-512 Intel: %s", got)
	}
	if got := strings.Join(CandidateCoreTypes("amd64", set("sse4_2", "avx", "avx2", "fma"), "AuthenticAMD"), " "); got != "Zen Haswell Sandybridge Nehalem Prescott" {
		t.Errorf("AVX2 AMD: %s", got)
	}
	if got := CandidateCoreTypes("arm64", avx512, ""); got != nil {
		t.Errorf("arm64: %v, want none (detection used as is)", got)
	}
}

func TestSplitAndJoinFlags(t *testing.T) {
	in := `-buildvcs=false "-ldflags=-w -linkmode=internal" -tags='a b'`
	got := splitFlags(in)
	want := []string{"-buildvcs=false", "-ldflags=-w -linkmode=internal", "-tags=a b"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("splitFlags(%q) = %q", in, got)
	}
	if back := splitFlags(joinFlags(got)); strings.Join(back, "|") != strings.Join(want, "|") {
		t.Errorf("round trip: %q", back)
	}
}

// TestOpenBLASProbeOnThisMachine runs the real probe: every candidate core
// type in a process of its own, each product compared with pure Go. The
// chosen setting must be correct and at least as fast as OpenBLAS's own
// detection within the noise margin.
func TestOpenBLASProbeOnThisMachine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the probe")
	}
	if OpenBLASLibrary() == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but libopenblas is not installed (./install.sh --test installs it)")
		}
		t.Skip("libopenblas not installed")
	}
	r := testRepo(t)
	c, err := r.ProbeOpenBLAS(true)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("CPU %s/%d cores:\n%s", runtime.GOARCH, runtime.NumCPU(), FormatChoice(c))
	var chosen, detected CoreMeasurement
	for _, m := range c.Measurements {
		if m.CoreType == c.CoreType {
			chosen = m
		}
		if m.CoreType == "" {
			detected = m
		}
	}
	if !chosen.Correct() || !chosen.Honoured() {
		t.Errorf("chosen setting %+v is not a correct, honoured one", chosen)
	}
	if detected.Correct() && chosen.GFLOPS < detected.GFLOPS/forceGain {
		t.Errorf("chosen %.1f GFLOP/s is slower than the detection's %.1f", chosen.GFLOPS, detected.GFLOPS)
	}
	if len(c.Measurements) < 2 {
		t.Errorf("only %d settings measured", len(c.Measurements))
	}
}
