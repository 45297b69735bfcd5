package run_test

import (
	"os"
	"strings"
	"testing"

	"github.com/neuronb/neuronb/neuro/run"
)

// Oracle: git itself. The revision is a full hash (with +dirty when the
// tree has changes), and a directory outside a checkout is an error.
func TestRevisionIsTheCheckout(t *testing.T) {
	rev, err := run.Revision(".")
	if err != nil {
		t.Skip("not in a git checkout:", err)
	}
	if h := strings.TrimSuffix(rev, "+dirty"); len(h) != 40 {
		t.Errorf("revision %q", rev)
	}
	if _, err := run.Revision(os.TempDir()); err == nil {
		t.Error("a directory outside a checkout should give an error")
	}
}
