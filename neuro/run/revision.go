package run

import (
	"fmt"
	"os/exec"
	"strings"
)

// Revision returns the source revision of the git checkout around dir
// ("." for the working directory), as `git rev-parse HEAD`, with "+dirty"
// appended when tracked files differ from it. Long experiments write it
// into their results files, so that a result names the code that made it
// (DESIGN.md, Paper packages). Outside a git checkout it returns an error.
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
