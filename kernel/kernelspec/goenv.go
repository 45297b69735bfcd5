package kernelspec

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// GoEnv holds the parts of `go env` the kernelspec depends on.
type GoEnv struct {
	GOROOT     string
	GOMODCACHE string
	GOCACHE    string
	GOPROXY    string
	GOFLAGS    string
	GOVERSION  string
	// GoBinary is the absolute path of the go command that was found.
	GoBinary string
}

// ReadGoEnv runs `go env -json` with the go command found on PATH.
func ReadGoEnv() (GoEnv, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return GoEnv{}, fmt.Errorf("the go command is not on PATH: install Go >= %s from https://go.dev/dl and add its bin directory to PATH", MinGoVersion)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, goBin, "env", "-json", "GOROOT", "GOMODCACHE", "GOCACHE", "GOPROXY", "GOFLAGS", "GOVERSION").Output()
	if err != nil {
		return GoEnv{}, fmt.Errorf("go env: %w", err)
	}
	var env GoEnv
	if err := json.Unmarshal(out, &env); err != nil {
		return GoEnv{}, fmt.Errorf("parsing go env -json: %w", err)
	}
	env.GoBinary = goBin
	return env, nil
}

// MinGoVersion is the oldest Go toolchain neuronb supports.
const MinGoVersion = "1.26"

var goVersionRE = regexp.MustCompile(`^go(\d+)\.(\d+)`)

// AtLeast reports whether a GOVERSION string such as "go1.26.8" is at least
// major.minor of min ("1.26").
func AtLeast(goversion, min string) bool {
	m := goVersionRE.FindStringSubmatch(goversion)
	if m == nil {
		return false
	}
	want := strings.SplitN(min, ".", 2)
	if len(want) != 2 {
		return false
	}
	ma, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	wa, _ := strconv.Atoi(want[0])
	wi, _ := strconv.Atoi(want[1])
	return ma > wa || (ma == wa && mi >= wi)
}

// runIn runs a command in dir with a timeout and returns its combined output.
func runIn(dir string, timeout time.Duration, env []string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = env
	}
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return buf.String(), fmt.Errorf("%s %s: timed out after %v", name, strings.Join(args, " "), timeout)
	}
	if err != nil {
		return buf.String(), fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, strings.TrimSpace(buf.String()))
	}
	return buf.String(), nil
}
