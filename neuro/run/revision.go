package run

import (
	"fmt"
	"os/exec"
	"strings"
)

// Revision returns the source revision of the git working tree in dir, as
// `git rev-parse HEAD`, with "+dirty" appended when tracked files differ
// from it: what a long run's results file records so that its numbers can
// be traced to the code that made them.
func Revision(dir string) (string, error) {
	out, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		return "", fmt.Errorf("run: git rev-parse HEAD in %s: %w", dir, err)
	}
	rev := strings.TrimSpace(string(out))
	st, err := exec.Command("git", "-C", dir, "status", "--porcelain", "--untracked-files=no").Output()
	if err != nil {
		return "", fmt.Errorf("run: git status in %s: %w", dir, err)
	}
	if len(strings.TrimSpace(string(st))) > 0 {
		rev += "+dirty"
	}
	return rev, nil
}
