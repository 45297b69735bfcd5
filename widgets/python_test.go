package widgets

// numpyOracle runs a reference computation in Debian's Python with numpy,
// like neuro/internal/pyoracle (which Go's internal-package rule keeps out
// of reach from widgets/): JSON in on stdin, JSON out on stdout; a missing
// interpreter or numpy skips the test, or fails it when CI is set.

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func inCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v == "true" || v == "1" || v == "yes"
}

func numpyOracle(t *testing.T, script string, in, out any) {
	t.Helper()
	pythonOracle(t, []string{"numpy"}, script, in, out)
}

// pythonOracle is numpyOracle for a script that needs the given modules
// (Debian packages python3-<module>).
func pythonOracle(t *testing.T, modules []string, script string, in, out any) {
	t.Helper()
	for _, m := range modules {
		if err := exec.Command("/usr/bin/python3", "-c", "import "+m).Run(); err != nil {
			if inCI() {
				t.Fatalf("%s oracle unavailable in CI: %v", m, err)
			}
			t.Skipf("%s oracle unavailable (/usr/bin/python3 with python3-%s): %v", m, m, err)
		}
	}
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/usr/bin/python3", "-c", script)
	cmd.Stdin = bytes.NewReader(raw)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle script failed: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(res, out); err != nil {
		t.Fatalf("oracle output %q: %v", res, err)
	}
}
