// Package pyoracle runs reference computations in Debian's Python
// (numpy, scipy, sklearn, statsmodels, torch under /usr/bin/python3) so that
// neuronb's numerical tests can compare against an independent
// implementation.
//
// Data crosses the process boundary as JSON: Go's encoder writes float64 in
// the shortest form that round-trips, and Python's json module parses it to
// the same double, so no precision is lost in either direction.
//
// A test that needs an oracle calls Require first. Outside CI a missing
// interpreter or module skips the test with a message naming what to
// install; with CI=true it fails, so an oracle can never pass by being
// absent (`./install.sh --test` installs every module the tests use).
package pyoracle

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Python is the interpreter that carries Debian's scientific packages. The
// python3 first on PATH may be another installation (pyenv) without them.
var Python = "/usr/bin/python3"

// Timeout bounds one oracle run so that a wedged interpreter cannot hang a
// test binary.
var Timeout = 5 * time.Minute

// debianPackage names the Debian package that provides each module, for the
// message printed when a module is missing.
var debianPackage = map[string]string{
	"numpy":       "python3-numpy",
	"scipy":       "python3-scipy",
	"sklearn":     "python3-sklearn",
	"statsmodels": "python3-statsmodels",
	"torch":       "python3-torch",
}

// InCI reports whether the tests run in continuous integration, where a
// missing oracle is an error rather than a reason to skip.
func InCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v == "true" || v == "1" || v == "yes"
}

// Require checks that Python and the named modules can be imported. When
// they cannot, it skips t, or fails it when InCI is true.
func Require(t testing.TB, modules ...string) {
	t.Helper()
	if err := Available(modules...); err != nil {
		if InCI() {
			t.Fatalf("oracle unavailable in CI: %v", err)
		}
		t.Skipf("oracle unavailable (set CI=true to make this a failure): %v", err)
	}
}

// Available returns nil when Python and every named module import, and an
// error naming what to install otherwise.
func Available(modules ...string) error {
	return available(Python, modules, func(missing []string) string {
		var pkgs []string
		for _, m := range missing {
			if p, ok := debianPackage[m]; ok {
				pkgs = append(pkgs, p)
			} else {
				pkgs = append(pkgs, "python3-"+m)
			}
		}
		return "apt-get install " + strings.Join(pkgs, " ") + " (or ./install.sh --test)"
	})
}

// available checks that python imports modules; fix says how to install
// the missing ones.
func available(python string, modules []string, fix func(missing []string) string) error {
	if _, err := os.Stat(python); err != nil {
		return fmt.Errorf("%s not found: ./install.sh --test installs it", python)
	}
	if len(modules) == 0 {
		return nil
	}
	script := "import importlib, sys\nmissing = []\nfor m in sys.argv[1:]:\n    try:\n        importlib.import_module(m)\n    except Exception:\n        missing.append(m)\nprint(' '.join(missing))\n"
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, python, append([]string{"-c", script}, modules...)...).Output()
	if err != nil {
		return fmt.Errorf("running %s: %v", python, err)
	}
	missing := strings.Fields(string(out))
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("python modules %v missing from %s: %s", missing, python, fix(missing))
}

// Run executes script under Python with in encoded as JSON on its standard
// input, and decodes the JSON the script prints on standard output into out.
// The script reads its input with json.load(sys.stdin) and prints exactly one
// JSON document. Run fails t on any error, showing the script's stderr.
func Run(t testing.TB, script string, in, out any) {
	t.Helper()
	if err := Call(script, in, out); err != nil {
		t.Fatal(err)
	}
}

// Call is Run without a testing.TB, for benchmark scripts and tools.
func Call(script string, in, out any) error { return call(Python, script, in, out) }

func call(python, script string, in, out any) error {
	input, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("pyoracle: encoding input: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-c", script)
	cmd.Stdin = bytes.NewReader(input)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pyoracle: %s failed: %v\n%s", python, err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		return fmt.Errorf("pyoracle: decoding output: %w\nstdout: %.2000s\nstderr: %.2000s", err, stdout.String(), stderr.String())
	}
	return nil
}

// PyPI is an oracle interpreter for the reference packages Debian does not
// ship (pynwb, h5py, pynapple, dynamax): the Python of this checkout's
// .venv, where `./install.sh --test` installs kernel/requirements/test.txt
// at pinned versions.
type PyPI struct {
	// Python is the interpreter's path.
	Python string
}

// Venv returns the interpreter of the .venv of the checkout around the
// working directory (found by walking up to go.mod), or an error naming
// what to run.
func Venv() (*PyPI, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, ".venv", "bin", "python")
			if _, err := os.Stat(p); err != nil {
				return nil, fmt.Errorf("%s not found: run ./install.sh --test", p)
			}
			return &PyPI{Python: p}, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, errors.New("pyoracle: no go.mod above the working directory")
		}
		dir = parent
	}
}

// RequireVenv returns the .venv interpreter after checking that it imports
// the named modules; when it cannot, it skips t, or fails it when InCI.
func RequireVenv(t testing.TB, modules ...string) *PyPI {
	t.Helper()
	p, err := Venv()
	if err == nil {
		err = available(p.Python, modules, func(missing []string) string {
			return "pip install them into .venv: ./install.sh --test (pinned in kernel/requirements/test.txt)"
		})
	}
	if err != nil {
		if InCI() {
			t.Fatalf("oracle unavailable in CI: %v", err)
		}
		t.Skipf("oracle unavailable (set CI=true to make this a failure): %v", err)
	}
	return p
}

// Run is the package-level Run under the .venv interpreter.
func (p *PyPI) Run(t testing.TB, script string, in, out any) {
	t.Helper()
	if err := call(p.Python, script, in, out); err != nil {
		t.Fatal(err)
	}
}

// Call is the package-level Call under the .venv interpreter.
func (p *PyPI) Call(script string, in, out any) error { return call(p.Python, script, in, out) }
