package kernelspec

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// CoreMeasurement is what one run of the BLAS probe measured: a DGEMM with
// OpenBLAS, with OPENBLAS_CORETYPE set to CoreType ("" leaves OpenBLAS's own
// detection alone), checked against gonum's pure-Go DGEMM.
type CoreMeasurement struct {
	// CoreType is the OPENBLAS_CORETYPE the probe ran with; "" for none.
	CoreType string `json:"coretype"`
	// Core is the core OpenBLAS reports using (openblas_get_corename).
	Core string `json:"core"`
	// GFLOPS is the OpenBLAS DGEMM's speed, GoGFLOPS gonum's on the same
	// product (one product, so a rough figure).
	GFLOPS   float64 `json:"gflops"`
	GoGFLOPS float64 `json:"go_gflops"`
	// MaxRelErr is max |C_openblas - C_go| / max |C_go|.
	MaxRelErr float64 `json:"max_rel_err"`
	// Err says why the probe could not run.
	Err string `json:"err,omitempty"`
}

// maxProbeError is the largest relative difference between OpenBLAS's and
// gonum's DGEMM accepted as the same product: rounding differences are of
// order 1e-15 for the probe's size, a wrong kernel's are of order 1.
const maxProbeError = 1e-12

// Correct reports whether the measurement ran and matched pure Go.
func (m CoreMeasurement) Correct() bool {
	return m.Err == "" && m.GFLOPS > 0 && m.MaxRelErr <= maxProbeError
}

// Honoured reports whether OpenBLAS used the core type it was asked for
// (an OpenBLAS build ignores types it lacks and falls back to detection).
func (m CoreMeasurement) Honoured() bool {
	return m.CoreType == "" || strings.EqualFold(m.Core, m.CoreType)
}

// BLASChoice is the outcome of choosing OpenBLAS's core type.
type BLASChoice struct {
	// CoreType is the OPENBLAS_CORETYPE the kernelspec sets; "" when
	// OpenBLAS's own detection is right (or nothing better was found).
	CoreType string `json:"coretype"`
	// Detected is the core OpenBLAS picks by itself.
	Detected string `json:"detected"`
	// GFLOPS is the DGEMM speed with the chosen setting.
	GFLOPS float64 `json:"gflops"`
	// Measurements lists every candidate tried, detection first.
	Measurements []CoreMeasurement `json:"measurements"`
	// Why explains the choice in one sentence.
	Why string `json:"why"`
}

// forceGain is how much faster than OpenBLAS's own choice a forced core type
// must be to be set. A misdetected CPU falls back to generic kernels that
// are 3-5x slower (Debian's 0.3.21 runs "Prescott" on AVX-512 machines),
// while on a busy machine two runs of the same kernels differ by up to
// 1.3x (seen: a SkylakeX probe 1.2x "faster" than the identical
// Cooperlake kernels while other jobs ran), so only a clear gain counts.
const forceGain = 1.5

// ChooseCoreType measures OpenBLAS as it detects the CPU and with each
// candidate core type, then keeps the fastest setting whose product matches
// pure Go and which OpenBLAS honoured. It returns an error when not even
// one setting computes correctly: OpenBLAS must then not be used.
func ChooseCoreType(candidates []string, measure func(coreType string) CoreMeasurement) (BLASChoice, error) {
	var c BLASChoice
	detected := measure("")
	detected.CoreType = ""
	c.Detected = detected.Core
	c.Measurements = append(c.Measurements, detected)
	best := -1
	if detected.Correct() {
		best = 0
	}
	for _, ct := range candidates {
		m := measure(ct)
		m.CoreType = ct
		c.Measurements = append(c.Measurements, m)
		if !m.Correct() || !m.Honoured() {
			continue
		}
		if best < 0 || m.GFLOPS > c.Measurements[best].GFLOPS {
			best = len(c.Measurements) - 1
		}
	}
	if best < 0 {
		return c, fmt.Errorf("OpenBLAS computed no correct matrix product with any core type (detected %q, tried %s)", detected.Core, strings.Join(candidates, ", "))
	}
	b := c.Measurements[best]
	switch {
	case best == 0 || strings.EqualFold(b.Core, detected.Core) && detected.Correct():
		c.GFLOPS = detected.GFLOPS
		c.Why = fmt.Sprintf("OpenBLAS's own choice (%s) is right", detected.Core)
	case !detected.Correct():
		c.CoreType, c.GFLOPS = b.CoreType, b.GFLOPS
		c.Why = fmt.Sprintf("OpenBLAS's own choice (%s) computes wrong products; %s is correct", detected.Core, b.CoreType)
	case b.GFLOPS >= forceGain*detected.GFLOPS:
		c.CoreType, c.GFLOPS = b.CoreType, b.GFLOPS
		c.Why = fmt.Sprintf("%s is %.1fx faster than OpenBLAS's own choice (%s)", b.CoreType, b.GFLOPS/detected.GFLOPS, detected.Core)
	default:
		c.GFLOPS = detected.GFLOPS
		c.Why = fmt.Sprintf("no core type is clearly faster than OpenBLAS's own choice (%s)", detected.Core)
	}
	return c, nil
}

// CandidateCoreTypes lists the OpenBLAS core types (OPENBLAS_CORETYPE
// names of a DYNAMIC_ARCH build) whose instructions a CPU with these
// /proc/cpuinfo flags has, fastest family first. Only x86-64 is covered;
// elsewhere OpenBLAS's detection is used as it is.
func CandidateCoreTypes(arch string, flags map[string]bool, vendor string) []string {
	if arch != "amd64" {
		return nil
	}
	has := func(fs ...string) bool {
		for _, f := range fs {
			if !flags[f] {
				return false
			}
		}
		return true
	}
	var c []string
	if has("avx512f", "avx512dq", "avx512bw", "avx512vl") {
		if has("avx512_bf16") {
			c = append(c, "Cooperlake")
		}
		c = append(c, "SkylakeX")
	}
	if has("avx2", "fma") {
		if strings.Contains(vendor, "AMD") {
			c = append(c, "Zen")
		}
		c = append(c, "Haswell")
	}
	if has("avx") {
		c = append(c, "Sandybridge")
	}
	if has("sse4_2") {
		c = append(c, "Nehalem")
	}
	return append(c, "Prescott")
}

// CPUFlags reads the first processor's flags and vendor from /proc/cpuinfo.
func CPUFlags() (flags map[string]bool, vendor, model string, err error) {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return nil, "", "", err
	}
	defer f.Close()
	flags = map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "flags":
			if len(flags) == 0 {
				for _, fl := range strings.Fields(v) {
					flags[fl] = true
				}
			}
		case "vendor_id":
			if vendor == "" {
				vendor = v
			}
		case "model name":
			if model == "" {
				model = v
			}
		}
	}
	return flags, vendor, model, sc.Err()
}

// OpenBLASLibrary returns the path of libopenblas if the system has it.
func OpenBLASLibrary() string {
	for _, dir := range []string{"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib", "/opt/homebrew/opt/openblas/lib"} {
		for _, f := range []string{"libopenblas.so", "libopenblas.dylib"} {
			if p := filepath.Join(dir, f); fileExists(p) {
				return p
			}
		}
	}
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// buildProbe compiles the BLAS probe (kernel/internal/blasprobe) with cgo
// and OpenBLAS into dir.
func (r Repo) buildProbe(dir string) (string, error) {
	exe := filepath.Join(dir, "blasprobe")
	env := mergeEnv(os.Environ(), map[string]string{"CGO_ENABLED": "1"})
	if _, err := runIn(r.Root, 10*time.Minute, env, "go", "build", "-tags=openblas", "-o", exe, "./kernel/internal/blasprobe"); err != nil {
		return "", fmt.Errorf("building the BLAS probe (needs gcc and libopenblas-dev): %w", err)
	}
	return exe, nil
}

// runProbe runs the probe binary with the given extra environment.
func runProbe(exe string, env map[string]string, args ...string) CoreMeasurement {
	out, err := runIn("", 2*time.Minute, mergeEnv(os.Environ(), env), exe, args...)
	var m CoreMeasurement
	if err != nil {
		m.Err = lastLines(err.Error(), 2)
		return m
	}
	if err := json.Unmarshal([]byte(lastLine(out)), &m); err != nil {
		m.Err = "probe output: " + err.Error()
	}
	return m
}

// ProbeOpenBLAS chooses OpenBLAS's core type on this machine
// (ChooseCoreType over CandidateCoreTypes, each measured by the probe in a
// process of its own, since OpenBLAS reads OPENBLAS_CORETYPE when it
// loads). The result is cached in bin/ for this CPU and library, so that
// test kernelspecs do not measure again; fresh forces a new measurement.
func (r Repo) ProbeOpenBLAS(fresh bool) (BLASChoice, error) {
	lib := OpenBLASLibrary()
	if lib == "" {
		return BLASChoice{}, errors.New("libopenblas not found (apt-get install libopenblas-dev)")
	}
	flags, vendor, model, err := CPUFlags()
	if err != nil {
		return BLASChoice{}, err
	}
	cands := CandidateCoreTypes(runtime.GOARCH, flags, vendor)
	key := probeKey(lib, model, cands)
	cache := filepath.Join(r.BinDir(), "blas-probe.json")
	if !fresh {
		var cached struct {
			Key    string     `json:"key"`
			Choice BLASChoice `json:"choice"`
		}
		if data, err := os.ReadFile(cache); err == nil && json.Unmarshal(data, &cached) == nil && cached.Key == key {
			return cached.Choice, nil
		}
	}
	dir, err := os.MkdirTemp("", "neuronb-blasprobe-")
	if err != nil {
		return BLASChoice{}, err
	}
	defer os.RemoveAll(dir)
	exe, err := r.buildProbe(dir)
	if err != nil {
		return BLASChoice{}, err
	}
	choice, err := ChooseCoreType(cands, func(ct string) CoreMeasurement {
		return runProbe(exe, map[string]string{"OPENBLAS_CORETYPE": ct}, "-gotime=0")
	})
	if err != nil {
		return choice, err
	}
	if data, err := json.MarshalIndent(map[string]any{"key": key, "choice": choice}, "", " "); err == nil {
		_ = os.MkdirAll(r.BinDir(), 0o755)
		_ = writeFileAtomic(cache, data)
	}
	return choice, nil
}

// MeasureBLAS runs the probe with a kernelspec's environment, as a cell
// would see OpenBLAS, timing pure Go as well.
func (r Repo) MeasureBLAS(spec Spec) (CoreMeasurement, error) {
	dir, err := os.MkdirTemp("", "neuronb-blasprobe-")
	if err != nil {
		return CoreMeasurement{}, err
	}
	defer os.RemoveAll(dir)
	exe, err := r.buildProbe(dir)
	if err != nil {
		return CoreMeasurement{}, err
	}
	env := map[string]string{"OPENBLAS_CORETYPE": spec.Env["OPENBLAS_CORETYPE"]}
	m := runProbe(exe, env, "-gotime=300ms")
	m.CoreType = spec.Env["OPENBLAS_CORETYPE"]
	if m.Err != "" {
		return m, errors.New(m.Err)
	}
	return m, nil
}

// probeKey identifies what a probe result depends on: the library file, the
// CPU and the candidates tried.
func probeKey(lib, model string, cands []string) string {
	h := sha256.New()
	fmt.Fprintln(h, model, strings.Join(cands, ","))
	if real, err := filepath.EvalSymlinks(lib); err == nil {
		lib = real
	}
	if st, err := os.Stat(lib); err == nil {
		fmt.Fprintln(h, lib, st.Size(), st.ModTime().UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil))
}

// FormatChoice renders the measurements of a choice as a table.
func FormatChoice(c BLASChoice) string {
	ms := append([]CoreMeasurement(nil), c.Measurements...)
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].GFLOPS > ms[j].GFLOPS })
	var b strings.Builder
	fmt.Fprintf(&b, "  %-22s %-14s %9s  %s\n", "OPENBLAS_CORETYPE", "core used", "GFLOP/s", "result vs pure Go")
	for _, m := range ms {
		ct := m.CoreType
		if ct == "" {
			ct = "(as detected)"
		}
		check := fmt.Sprintf("max rel. error %.1e", m.MaxRelErr)
		switch {
		case m.Err != "":
			check = "failed: " + m.Err
		case !m.Correct():
			check += " WRONG, rejected"
		case !m.Honoured():
			check += ", not honoured"
		}
		fmt.Fprintf(&b, "  %-22s %-14s %9.1f  %s\n", ct, m.Core, m.GFLOPS, check)
	}
	fmt.Fprintf(&b, "  chosen: %s (%s)\n", orDetected(c.CoreType), c.Why)
	return b.String()
}

func orDetected(ct string) string {
	if ct == "" {
		return "no OPENBLAS_CORETYPE"
	}
	return "OPENBLAS_CORETYPE=" + ct
}

// ResolveBLAS settles opt.BLAS before a kernelspec is built. "auto" (or
// empty) becomes "openblas" where libopenblas and a C compiler are present
// and the probe finds a setting that computes correctly, "gonum" (pure Go)
// otherwise; "openblas" must pass the probe. For OpenBLAS it also sets
// opt.CoreType from the probe, unless the caller set one. It returns what
// was decided and why, with the probe's measurements. fresh measures again
// instead of reusing this machine's cached probe.
func (r Repo) ResolveBLAS(opt *Options, fresh bool) (string, error) {
	switch opt.BLAS {
	case "gonum":
		return "BLAS: gonum (pure Go), as asked", nil
	case "", "auto", "openblas":
	default:
		return "", fmt.Errorf("unknown BLAS %q: use auto, gonum or openblas", opt.BLAS)
	}
	asked := opt.BLAS == "openblas"
	fallback := func(why string) (string, error) {
		if asked {
			return "", fmt.Errorf("--blas openblas: %s", why)
		}
		opt.BLAS, opt.CoreType = "gonum", ""
		return "BLAS: gonum (pure Go), because " + why, nil
	}
	if OpenBLASLibrary() == "" {
		return fallback("libopenblas is not installed (apt-get install libopenblas-dev, then install again)")
	}
	if !hasCCompiler() {
		return fallback("no C compiler (gcc) to link OpenBLAS with")
	}
	choice, err := r.ProbeOpenBLAS(fresh)
	if err != nil {
		msg, ferr := fallback(err.Error())
		if ferr != nil {
			return "", ferr
		}
		if len(choice.Measurements) > 0 {
			msg += "\n" + FormatChoice(choice)
		}
		return msg, nil
	}
	opt.BLAS = "openblas"
	if opt.CoreType == "" {
		opt.CoreType = choice.CoreType
	}
	return fmt.Sprintf("BLAS: OpenBLAS, %s (DGEMM %.0f GFLOP/s on %d cores)\n%s", orDetected(opt.CoreType), choice.GFLOPS, runtime.NumCPU(), FormatChoice(choice)), nil
}

func hasCCompiler() bool {
	cc := os.Getenv("CC")
	if cc == "" {
		cc = "gcc"
	}
	_, err := exec.LookPath(strings.Fields(cc + " x")[0])
	return err == nil
}
