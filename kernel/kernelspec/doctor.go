package kernelspec

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/neuronb/neuronb/kernel/supervisor"
)

// Check is one finding of Doctor.
type Check struct {
	Name string
	OK   bool
	// Optional checks concern tests and extras; failing them does not make
	// the environment unusable.
	Optional bool
	Detail   string
	// Fix says what to run when the check fails.
	Fix string
}

// Doctor inspects the Go toolchain, the pinned tools, Jupyter, the
// installed kernelspec and the caches, and says how to fix what is wrong.
func Doctor(r Repo) []Check {
	var checks []Check
	add := func(c Check) { checks = append(checks, c) }

	goenv, err := ReadGoEnv()
	if err != nil {
		add(Check{Name: "Go toolchain", Detail: err.Error(), Fix: "install Go >= " + MinGoVersion + " from https://go.dev/dl"})
		return checks
	}
	add(Check{Name: "Go toolchain", OK: AtLeast(goenv.GOVERSION, MinGoVersion),
		Detail: fmt.Sprintf("%s at %s", goenv.GOVERSION, goenv.GoBinary),
		Fix:    "install Go >= " + MinGoVersion + " from https://go.dev/dl and put it first on PATH"})

	if tools, err := r.CheckTools(); err != nil {
		add(Check{Name: "pinned tools", Detail: err.Error(), Fix: "./install.sh"})
	} else {
		for _, name := range ToolNames {
			c := Check{Name: "tool " + name, OK: tools[name] == nil, Detail: r.Tool(name), Fix: "./install.sh (builds go.mod's tool lines into bin/)"}
			if tools[name] != nil {
				c.Detail = tools[name].Error()
			}
			add(c)
		}
	}

	j, err := FindJupyter(r.Root)
	if err != nil {
		add(Check{Name: "Jupyter", Detail: err.Error(), Fix: "./install.sh"})
	} else {
		add(Check{Name: "Jupyter", OK: true, Detail: fmt.Sprintf("%s (front end: %s)", j.Python, orNone(j.Frontend))})
		add(Check{Name: "Jupyter front end", OK: j.Frontend != "", Detail: orNone(j.Frontend),
			Fix: "install JupyterLab (pip install jupyterlab) or Notebook (apt-get install jupyter-notebook)"})
		add(Check{Name: "headless runner (nbclient, nbconvert)", OK: j.Runner, Detail: j.Python,
			Fix: "apt-get install python3-nbclient jupyter-nbconvert, or pip install nbclient nbconvert"})
		add(checkKernelspec(r, j))
	}

	spec, err := Build(r, goenv, Options{})
	if err != nil {
		add(Check{Name: "kernelspec", Detail: err.Error()})
		return checks
	}
	if j, err := FindJupyter(r.Root); err == nil {
		if found := FindInstalled(j); len(found) > 0 {
			spec = found[0].Spec
		}
	}
	add(checkOffline(r, spec))
	add(checkWarm(r, spec))
	add(checkLeftovers())
	add(optionalBinary("Chromium (browser tests)", "chromium", "./install.sh --test"))
	add(checkBLAS(r, spec))
	return checks
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func checkKernelspec(r Repo, j Jupyter) Check {
	c := Check{Name: "kernelspec " + Name, Fix: "go run ./kernel install   (or ./install.sh)"}
	found := FindInstalled(j)
	if len(found) == 0 {
		c.Detail = "not installed in any of " + strings.Join(j.KernelPath, ", ")
		return c
	}
	k := found[0]
	var problems []string
	if len(k.Spec.Argv) < 3 || k.Spec.Argv[0] != r.KernelCommand() || k.Spec.Argv[1] != "supervise" {
		problems = append(problems, fmt.Sprintf("runs %q, not this checkout's %s supervise", first(k.Spec.Argv), r.KernelCommand()))
	} else if _, err := os.Stat(k.Spec.Argv[0]); err != nil {
		problems = append(problems, k.Spec.Argv[0]+" is missing")
	}
	if !contains(k.Spec.Argv, r.Tool("gonb")) {
		problems = append(problems, "it does not run this checkout's "+r.Tool("gonb"))
	}
	if !contains(k.Spec.Argv, "-go_work="+r.Root) {
		problems = append(problems, "its -go_work does not point at "+r.Root)
	}
	path := filepath.SplitList(k.Spec.Env["PATH"])
	if len(path) < 2 || path[0] != r.CellPathDir() || path[1] != r.BinDir() {
		problems = append(problems, "its PATH does not start with "+r.CellPathDir()+" and "+r.BinDir()+" (goimports, gopls)")
	}
	if _, err := os.Stat(filepath.Join(r.CellPathDir(), "goimports")); err != nil {
		problems = append(problems, "the cells' goimports is missing: "+err.Error())
	}
	if len(problems) > 0 {
		c.Detail = k.Dir + ": " + strings.Join(problems, "; ")
		return c
	}
	c.OK = true
	c.Detail = k.Dir
	if len(found) > 1 {
		c.Detail += fmt.Sprintf(" (shadows %d other install(s), e.g. %s)", len(found)-1, found[1].Dir)
	}
	return c
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// checkOffline resolves, the way a cell does and with the network off,
// every package a notebook may import: in a cell module laid out as GoNB
// lays it out (NewCellModule), `go get` (which GoNB runs before each build)
// and then `go list -deps` of a program importing them all.
func checkOffline(r Repo, spec Spec) Check {
	c := Check{Name: "offline module resolution", Fix: "./install.sh   (downloads every module of go.mod: go mod download)"}
	pkgs, err := r.notebookImports(spec)
	if err != nil {
		c.Detail = err.Error()
		return c
	}
	dir, err := os.MkdirTemp("", "neuronb-doctor-")
	if err != nil {
		c.Detail = err.Error()
		return c
	}
	defer os.RemoveAll(dir)
	env := KernelEnv(spec)
	if err := r.NewCellModule(dir, "gonb_doctor", env); err != nil {
		c.Detail = lastLines(err.Error(), 3)
		return c
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(importAllProgram(pkgs)), 0o644); err != nil {
		c.Detail = err.Error()
		return c
	}
	how := "in a network namespace with only loopback, unshare -n"
	if !CanUnshareNetwork() {
		how = "every HTTP request sent to a closed port"
	}
	if out, err := offlineCommand(dir, 5*time.Minute, env, "go", "get"); err != nil {
		c.Detail = "a cell's `go get` fails offline: " + lastLines(out, 3)
		return c
	}
	if out, err := offlineCommand(dir, 5*time.Minute, env, "go", "list", "-deps", "-f", "{{if .Error}}{{.ImportPath}}: {{.Error}}{{end}}", "."); err != nil || strings.TrimSpace(out) != "" {
		c.Detail = "a cell's imports do not resolve offline: " + lastLines(out, 3)
		return c
	}
	c.OK = true
	c.Detail = fmt.Sprintf("a cell importing %d packages resolves with no network (%s)", len(pkgs), how)
	return c
}

// checkWarm times a build of the warm-up program: a warm cache builds it in
// a few seconds, a cold one needs minutes.
func checkWarm(r Repo, spec Spec) Check {
	c := Check{Name: "build cache warm", Fix: "go run ./kernel warm"}
	start := time.Now()
	pkgs, err := r.warmDryRun(spec)
	if err != nil {
		c.Detail = err.Error()
		return c
	}
	if len(pkgs) > 0 {
		c.Detail = fmt.Sprintf("%d packages would be compiled by the first cell (e.g. %s)", len(pkgs), pkgs[0])
		return c
	}
	c.OK = true
	c.Detail = fmt.Sprintf("every notebook package is compiled (checked in %.1fs)", time.Since(start).Seconds())
	return c
}

// warmDryRun lists the notebook packages whose compiled form is not in the
// build cache (go list's Stale flag) for the kernelspec's build settings.
func (r Repo) warmDryRun(spec Spec) ([]string, error) {
	pkgs, err := r.notebookImports(spec)
	if err != nil {
		return nil, err
	}
	env := mergeEnv(os.Environ(), spec.Env)
	args := append([]string{"list", "-f", "{{if .Stale}}{{.ImportPath}}{{end}}"}, pkgs...)
	out, err := runIn(r.Root, 10*time.Minute, env, "go", args...)
	if err != nil {
		return nil, err
	}
	return strings.Fields(out), nil
}

// checkLeftovers looks for gopls daemons and build folders that kernels
// which are gone left behind (kernels killed before neuronb supervised
// them, or plain GoNB kernels).
func checkLeftovers() Check {
	l := supervisor.FindLeftovers()
	return Check{Name: "leftovers of ended kernels", OK: l.Empty(), Detail: l.String(),
		Fix: "go run ./kernel clean   (bin/neuronb-kernel clean; -n to list only)"}
}

func optionalBinary(name, bin, fix string) Check {
	p, err := exec.LookPath(bin)
	if err != nil {
		return Check{Name: name, Optional: true, Detail: bin + " not on PATH", Fix: fix}
	}
	return Check{Name: name, Optional: true, OK: true, Detail: p}
}

// checkBLAS reports the BLAS the installed kernelspec gives cells, and for
// OpenBLAS runs the probe as a cell would: the core OpenBLAS uses and the
// speed of a DGEMM against pure Go's.
func checkBLAS(r Repo, spec Spec) Check {
	c := Check{Name: "BLAS (matrix products)", Optional: true}
	lib := OpenBLASLibrary()
	if SpecBLAS(spec) != "openblas" {
		c.Detail = "gonum (pure Go)"
		if lib == "" {
			c.Detail += "; libopenblas not installed"
			c.Fix = "apt-get install libopenblas-dev, then ./install.sh (about 10x faster matrix products)"
			return c
		}
		c.Detail += "; OpenBLAS is installed (" + lib + ") but the kernelspec does not use it"
		c.Fix = "go run ./kernel install   (--blas auto chooses OpenBLAS where it computes correctly)"
		return c
	}
	m, err := r.MeasureBLAS(spec)
	if err != nil {
		c.Detail = "OpenBLAS: the probe failed: " + err.Error()
		c.Fix = "go run ./kernel install --blas gonum   (pure Go), or reinstall libopenblas-dev"
		return c
	}
	setting := "as OpenBLAS detects it"
	if m.CoreType != "" {
		setting = "OPENBLAS_CORETYPE=" + m.CoreType
	}
	c.Detail = fmt.Sprintf("OpenBLAS, core %s, %s: DGEMM %.1f GFLOP/s, pure Go %.1f GFLOP/s, max rel. error %.1e", m.Core, setting, m.GFLOPS, m.GoGFLOPS, m.MaxRelErr)
	if !m.Correct() {
		c.Detail += ": WRONG products"
		c.Fix = "go run ./kernel install   (probes the core types again), or --blas gonum"
		return c
	}
	c.OK = true
	return c
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
