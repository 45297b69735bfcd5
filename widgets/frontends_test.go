package widgets

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neuronb/neuronb/kernel/kernelspec"
)

// The front-end tests run testdata/frontends.py: a real Jupyter server on
// loopback (JupyterLab 4, Notebook 7 or Debian's classic Notebook 6), the
// tutorials opened in headless Chromium through Playwright, the kernelspec
// of this checkout, and, where a network namespace can be made, no network
// but loopback. Screenshots go to .artifacts/frontends/.

type frontendReport struct {
	Checks []struct {
		Name   string `json:"name"`
		OK     bool   `json:"ok"`
		Detail string `json:"detail"`
	} `json:"checks"`
	Seconds float64 `json:"seconds"`
}

// frontendPython returns the Python that runs the script (it needs
// Playwright) and the one that runs the front end's server, or skips (or,
// in CI, fails) where they are missing.
func frontendPython(t *testing.T, root, frontend string) (script, server string) {
	t.Helper()
	missing := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf(format+" (./install.sh --test installs it)", args...)
		}
		t.Skipf(format, args...)
	}
	if testing.Short() {
		t.Skip("a browser test of a real front end (-short)")
	}
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		missing("no /usr/bin/chromium")
	}
	j, err := kernelspec.FindJupyter(root)
	if err != nil {
		missing("no Jupyter: %v", err)
	}
	if exec.Command(j.Python, "-c", "import playwright.sync_api").Run() != nil {
		missing("%s cannot import playwright", j.Python)
	}
	switch frontend {
	case "lab":
		if exec.Command(j.Python, "-c", "import jupyterlab, sys; sys.exit(int(jupyterlab.__version__.split('.')[0]) < 4)").Run() != nil {
			missing("%s has no JupyterLab 4", j.Python)
		}
		return j.Python, j.Python
	case "notebook7":
		if exec.Command(j.Python, "-c", "import notebook, sys; sys.exit(int(notebook.__version__.split('.')[0]) < 7)").Run() != nil {
			missing("%s has no Notebook 7", j.Python)
		}
		return j.Python, j.Python
	default:
		const debian = "/usr/bin/python3"
		if exec.Command(debian, "-c", "import notebook, sys; sys.exit(int(notebook.__version__.split('.')[0]) != 6)").Run() != nil {
			missing("%s has no classic Notebook 6 (Debian's jupyter-notebook)", debian)
		}
		return j.Python, debian
	}
}

func runFrontend(t *testing.T, frontend string) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	python, server := frontendPython(t, root, frontend)
	cleanup, err := kernelspec.UseTemp(root)
	if err != nil {
		t.Fatalf("installing a temporary kernelspec: %v", err)
	}
	defer cleanup()

	// The tutorials as a user has them: a copy, with their data.
	nbdir := t.TempDir()
	for _, name := range []string{"00_getting_started.ipynb", "01_charts.ipynb"} {
		data, err := os.ReadFile(filepath.Join(root, "tutorials", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(nbdir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command("cp", "-r", filepath.Join(root, "tutorials", "data"), nbdir).CombinedOutput(); err != nil {
		t.Fatalf("copying the tutorials' data: %v\n%s", err, out)
	}
	art := filepath.Join(root, ".artifacts", "frontends")
	if err := os.MkdirAll(art, 0o755); err != nil {
		t.Fatal(err)
	}

	argv := []string{python, filepath.Join(root, "widgets", "testdata", "frontends.py"), frontend, nbdir, art, "--python", server}
	if kernelspec.CanUnshareNetwork() {
		argv = append(append([]string{}, kernelspec.OfflineWrap...), argv...)
	} else {
		t.Log("no network namespace here: the front end runs with the network on")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	// A user who never ran Jupyter (no settings, no trust database) but ran
	// ./install.sh: Go's module and build caches are the ones it filled,
	// which a new HOME would otherwise hide (GOPATH and GOCACHE default to
	// folders under HOME). The fresh-machine case is TestFreshInstallRunsNotebooksOffline in
	// kernel/.
	goenv, err := exec.Command("go", "env", "GOPATH", "GOCACHE", "GOMODCACHE").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	gv := strings.Split(strings.TrimSpace(string(goenv)), "\n")
	if len(gv) != 3 {
		t.Fatalf("go env printed %q", goenv)
	}
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "GOPATH="+gv[0], "GOCACHE="+gv[1], "GOMODCACHE="+gv[2])
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(15 * time.Minute):
		_ = cmd.Process.Kill()
		err = <-done
		t.Errorf("frontends.py %s did not finish within 15 minutes", frontend)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var r frontendReport
	if jerr := json.Unmarshal([]byte(lines[len(lines)-1]), &r); jerr != nil {
		t.Fatalf("frontends.py %s: %v (no report: %v)\nstderr:\n%s", frontend, err, jerr, lastLines(stderr.String(), 40))
	}
	t.Logf("%s: %d checks in %.0f s (screenshots in %s)", frontend, len(r.Checks), time.Since(start).Seconds(), art)
	if len(r.Checks) == 0 {
		t.Errorf("frontends.py %s made no checks\nstderr:\n%s", frontend, lastLines(stderr.String(), 40))
	}
	for _, c := range r.Checks {
		if c.OK {
			t.Logf("  ok   %s %s", c.Name, shortLine(c.Detail))
		} else {
			t.Errorf("FAIL %s: %s", c.Name, c.Detail)
		}
	}
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

func shortLine(s string) string {
	s = strings.SplitN(s, "\n", 2)[0]
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

// Oracle: what a user sees in JupyterLab 4: tutorials 00 and 01 on the
// "Go (neuronb)" kernel, Run All with no error output, every canvas and
// image drawn (non-blank pixels), a progress bar in one output, a slider
// switching frames, Tab completion, Interrupt, Restart, save and reopen,
// and the same file untrusted showing pictures.
func TestJupyterLab4EndToEnd(t *testing.T) { runFrontend(t, "lab") }

// Oracle: Run All of tutorial 01 in Notebook 7 draws every chart.
func TestNotebook7EndToEnd(t *testing.T) { runFrontend(t, "notebook7") }

// Oracle: Run All of tutorial 01 in Debian's classic Notebook 6 draws
// every chart.
func TestClassicNotebookEndToEnd(t *testing.T) { runFrontend(t, "classic") }
