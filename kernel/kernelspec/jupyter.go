package kernelspec

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Jupyter is a Python installation that carries Jupyter.
type Jupyter struct {
	// Python is the interpreter that imports jupyter_core and jupyter_client.
	Python string
	// Runner reports whether nbclient and nbconvert import too, which the
	// headless runner needs.
	Runner bool
	// Frontend is "lab", "notebook" or "" when no front end is installed.
	Frontend string
	// DataDir is the user's Jupyter data directory (respects JUPYTER_DATA_DIR).
	DataDir string
	// Prefix is the interpreter's sys.prefix, for --sys-prefix installs.
	Prefix string
	// KernelPath lists every directory Jupyter searches for kernelspecs, in order.
	KernelPath []string
}

// ErrNoJupyter is returned when no Python with Jupyter can be found.
var ErrNoJupyter = errors.New("Jupyter not found: run ./install.sh, which installs it " +
	"(Debian/Ubuntu as root: apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient; " +
	"otherwise: python3 -m venv .venv && .venv/bin/pip install jupyterlab), " +
	"or set NEURONB_PYTHON to a Python that has Jupyter")

// PythonCandidates lists, in order of preference, the interpreters that may
// carry Jupyter: $NEURONB_PYTHON, the repository's .venv (made by
// install.sh), the interpreter behind `jupyter` on PATH, Debian's
// /usr/bin/python3 and python3 on PATH.
//
// When NEURONB_PYTHON is set it is the only candidate: a user who names an
// interpreter wants to hear that it lacks Jupyter, not to get another one.
func PythonCandidates(repoRoot string) []string {
	if p := os.Getenv("NEURONB_PYTHON"); p != "" {
		return []string{p}
	}
	var c []string
	if repoRoot != "" {
		c = append(c, filepath.Join(repoRoot, ".venv", "bin", "python"))
	}
	if j, err := exec.LookPath("jupyter"); err == nil {
		if py := shebangInterpreter(j); py != "" {
			c = append(c, py)
		}
	}
	c = append(c, "/usr/bin/python3")
	if p, err := exec.LookPath("python3"); err == nil {
		c = append(c, p)
	}
	return c
}

// shebangInterpreter returns the interpreter a script's #! line names, if
// it is a Python.
func shebangInterpreter(script string) string {
	f, err := os.Open(script)
	if err != nil {
		return ""
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "#!") {
		return ""
	}
	fields := strings.Fields(strings.TrimPrefix(line, "#!"))
	if len(fields) == 0 {
		return ""
	}
	if filepath.Base(fields[0]) == "env" && len(fields) > 1 {
		p, err := exec.LookPath(fields[1])
		if err != nil {
			return ""
		}
		return p
	}
	if strings.Contains(filepath.Base(fields[0]), "python") {
		return fields[0]
	}
	return ""
}

const probeScript = `
import json, sys, importlib.util as u
from jupyter_core.paths import jupyter_data_dir, jupyter_path
def has(m):
    try:
        return u.find_spec(m) is not None
    except Exception:
        return False
front = "lab" if has("jupyterlab") else ("notebook" if has("notebook") else "")
print(json.dumps({"runner": has("nbclient") and has("nbconvert") and has("jupyter_client"),
    "frontend": front, "data_dir": jupyter_data_dir(), "prefix": sys.prefix,
    "kernel_path": jupyter_path("kernels")}))
`

// FindJupyter returns the first candidate Python that imports jupyter_core,
// preferring one that can also run notebooks headlessly.
func FindJupyter(repoRoot string) (Jupyter, error) {
	var fallback *Jupyter
	seen := map[string]bool{}
	for _, py := range PythonCandidates(repoRoot) {
		if seen[py] {
			continue
		}
		seen[py] = true
		if _, err := os.Stat(py); err != nil {
			continue
		}
		j, err := probe(py)
		if err != nil {
			continue
		}
		if j.Runner {
			return j, nil
		}
		if fallback == nil {
			fallback = &j
		}
	}
	if fallback != nil {
		return *fallback, nil
	}
	if p := os.Getenv("NEURONB_PYTHON"); p != "" {
		return Jupyter{}, fmt.Errorf("NEURONB_PYTHON=%s: %w", p, ErrNoJupyter)
	}
	return Jupyter{}, ErrNoJupyter
}

func probe(python string) (Jupyter, error) {
	out, err := runIn("", time.Minute, nil, python, "-c", probeScript)
	if err != nil {
		return Jupyter{}, err
	}
	var p struct {
		Runner     bool     `json:"runner"`
		Frontend   string   `json:"frontend"`
		DataDir    string   `json:"data_dir"`
		Prefix     string   `json:"prefix"`
		KernelPath []string `json:"kernel_path"`
	}
	if err := json.Unmarshal([]byte(lastLine(out)), &p); err != nil {
		return Jupyter{}, fmt.Errorf("probing %s: %w", python, err)
	}
	return Jupyter{Python: python, Runner: p.Runner, Frontend: p.Frontend, DataDir: p.DataDir, Prefix: p.Prefix, KernelPath: p.KernelPath}, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
