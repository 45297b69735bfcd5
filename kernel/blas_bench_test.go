package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// debianPython runs the numpy and torch anchors: Debian's, which use the
// system OpenBLAS (python3 first on PATH may be another installation).
const debianPython = "/usr/bin/python3"

// blasSetting is one column of the side-by-side table.
type blasSetting struct {
	name     string
	tags     bool   // build with -tags openblas
	coreType string // OPENBLAS_CORETYPE, "" unset
}

// goBench runs Go benchmarks of pkg in their own process with a BLAS
// setting, three times one iteration, and returns, per benchmark, the best
// figure in each unit ("ns/op", "tokens/s").
func goBench(b *testing.B, pkg, pattern string, s blasSetting) map[string]map[string]float64 {
	b.Helper()
	args := []string{"test", "-run", "^$", "-bench", pattern, "-benchtime", "1x", "-count", "3"}
	if s.tags {
		args = append(args, "-tags", "openblas")
	}
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Dir = testRepo.Root
	cmd.Env = blasEnv(s)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	res := map[string]map[string]float64{}
	line := regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+\d+\s+(.*)$`)
	for _, l := range strings.Split(string(out), "\n") {
		m := line.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			continue
		}
		// Best of the -count runs, as the Python anchors report theirs:
		// the least time, the most tokens per second.
		f := strings.Fields(m[3])
		if res[m[1]] == nil {
			res[m[1]] = map[string]float64{}
		}
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			old, seen := res[m[1]][f[i+1]]
			switch {
			case !seen, strings.HasSuffix(f[i+1], "/op") && v < old, strings.Contains(f[i+1], "/s") && v > old:
				res[m[1]][f[i+1]] = v
			}
		}
	}
	return res
}

func blasEnv(s blasSetting) []string {
	env := []string{"OPENBLAS_NUM_THREADS=2"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OPENBLAS_CORETYPE=") && !strings.HasPrefix(kv, "OPENBLAS_NUM_THREADS=") {
			env = append(env, kv)
		}
	}
	if s.coreType != "" {
		env = append(env, "OPENBLAS_CORETYPE="+s.coreType)
	}
	return env
}

// pyBench runs a Python benchmark script under Debian's interpreter with a
// BLAS setting (numpy and torch use the system OpenBLAS and honour
// OPENBLAS_CORETYPE like Go does) and decodes its JSON line.
func pyBench(b *testing.B, script string, stdin string, s blasSetting, args ...string) map[string]float64 {
	b.Helper()
	cmd := exec.Command(debianPython, append([]string{script}, args...)...)
	cmd.Env = blasEnv(s)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("%s: %v\n%s", script, err, stderrOf(err))
	}
	var raw map[string]any
	if err := json.Unmarshal(lastLine(out), &raw); err != nil {
		b.Fatalf("%s: %v\n%s", script, err, out)
	}
	res := map[string]float64{}
	for k, v := range raw {
		if f, ok := v.(float64); ok {
			res[k] = f
		}
	}
	return res
}

// BenchmarkBLASSideBySide runs, in one go, linear CKA at P = 2000, N = 5000
// and GPT-2-small's forward pass (128 tokens) and KV-cache generation in Go
// with pure-Go BLAS, with OpenBLAS as it detects the CPU and with the core
// type install's probe chose (the detected one, named explicitly, when
// detection is right), beside numpy and torch 1.13 (Debian's, on the same
// OpenBLAS) as detected and with that core type. Two threads everywhere.
// Run it alone:
//
//	go test ./kernel -run '^$' -bench BLASSideBySide -benchtime 1x
func BenchmarkBLASSideBySide(b *testing.B) {
	if err := exec.Command(debianPython, "-c", "import numpy, scipy, torch").Run(); err != nil {
		b.Skipf("%s lacks numpy, scipy or torch (./install.sh --test installs them): %v", debianPython, err)
	}
	choice, err := testRepo.ProbeOpenBLAS(false)
	if err != nil {
		b.Fatal(err)
	}
	set := choice.CoreType
	if set == "" {
		set = choice.Detected
	}
	settings := []blasSetting{{name: "Go, pure"}, {name: "Go + OpenBLAS as detected (" + choice.Detected + ")", tags: true},
		{name: "Go + OpenBLAS, OPENBLAS_CORETYPE=" + set, tags: true, coreType: set}}
	pyDetected, pySet := blasSetting{}, blasSetting{coreType: set}
	numpy := filepath.Join(testRepo.Root, "neuro", "similarity", "testdata", "bench_numpy.py")
	torch := filepath.Join(testRepo.Root, "neuro", "transformer", "testdata", "torch_reference.py")
	torchIn := `{"mode": "bench", "seq": 128, "gen": 32, "threads": 2, "repeats": 3}`
	for i := 0; i < b.N; i++ {
		type row struct{ cka, fwd, gen float64 }
		rows := make([]row, len(settings))
		for j, s := range settings {
			sim := goBench(b, "./neuro/similarity", "^BenchmarkLinearCKA$", s)
			tr := goBench(b, "./neuro/transformer", "^Benchmark(Forward|Generate)GPT2Small$", s)
			rows[j] = row{sim["BenchmarkLinearCKA"]["ns/op"] / 1e9, tr["BenchmarkForwardGPT2Small"]["tokens/s"], tr["BenchmarkGenerateGPT2Small"]["tokens/s"]}
		}
		npDet := pyBench(b, numpy, "", pyDetected, "3", "cka_gram,cka_feature")
		npSet := pyBench(b, numpy, "", pySet, "3", "cka_gram,cka_feature")
		thDet := pyBench(b, torch, torchIn, pyDetected)
		thSet := pyBench(b, torch, torchIn, pySet)
		best := func(m map[string]float64) float64 { return min(m["cka_gram"], m["cka_feature"]) }
		tableLog("%-52s %12s %16s %16s", "", "linear CKA", "GPT-2 forward", "GPT-2 generate")
		for j, s := range settings {
			tableLog("%-52s %11.2fs %10.1f tok/s %10.1f tok/s", s.name, rows[j].cka, rows[j].fwd, rows[j].gen)
		}
		tableLog("%-52s %11.2fs %10.1f tok/s %10.1f tok/s", "numpy / torch 1.13 as detected", best(npDet), thDet["forward_tokens_per_s"], thDet["generate_tokens_per_s"])
		tableLog("%-52s %11.2fs %10.1f tok/s %10.1f tok/s", "numpy / torch 1.13, OPENBLAS_CORETYPE="+set, best(npSet), thSet["forward_tokens_per_s"], thSet["generate_tokens_per_s"])
		def := rows[2]
		if choice.CoreType == "" {
			def = rows[1] // the default kernelspec leaves detection alone
		}
		ckaRatio := def.cka / best(npSet)
		fwdRatio := def.fwd / thSet["forward_tokens_per_s"]
		genRatio := def.gen / thSet["generate_tokens_per_s"]
		tableLog("default kernelspec against numpy/torch with the same core type: CKA time %.2fx numpy's (target <= 1.0), forward %.2fx torch's (>= 1.0), generation %.2fx torch's (>= 2.0)",
			ckaRatio, fwdRatio, genRatio)
		b.ReportMetric(ckaRatio, "cka/numpy")
		b.ReportMetric(fwdRatio, "forward/torch")
		b.ReportMetric(genRatio, "generate/torch")
		b.ReportMetric(rows[0].cka/def.cka, "cka-speedup-vs-pure-go")
	}
}
