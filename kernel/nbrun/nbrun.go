// Package nbrun executes Jupyter notebooks headlessly on the neuronb kernel:
// cell by cell through nbclient (the library behind `jupyter nbconvert
// --execute`), within a time budget for the whole notebook, stopping at the
// first failing cell with an error that names the notebook, the cell and
// the message. It can save the executed notebook and export it to HTML.
//
// The runner exports NEURONB_HEADLESS=1 in its own environment; a kernel
// inherits the environment of the process that launches it, so cells can
// tell that no browser is attached and render interactive widgets
// statically instead of waiting for one.
package nbrun

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/neuronb/neuronb/kernel/kernelspec"
	"github.com/neuronb/neuronb/widgets"
)

//go:embed runner.py
var runnerScript []byte

// DefaultBudget is the time a notebook may take from kernel start to its
// last cell.
const DefaultBudget = 3 * time.Minute

// Options configures a run. The zero value runs on the neuronb kernel with
// DefaultBudget.
type Options struct {
	// Kernel is the kernelspec name; empty means "neuronb".
	Kernel string
	// Budget bounds the whole notebook; zero means DefaultBudget.
	Budget time.Duration
	// HTMLDir, when set, receives NAME.html, the executed notebook exported
	// by nbconvert's HTML exporter.
	HTMLDir string
	// ExecutedDir, when set, receives NAME.ipynb with its outputs, signed
	// in the user's Jupyter signature database (as `jupyter trust` does) so
	// that it opens trusted, its charts live; NoTrust leaves it unsigned.
	ExecutedDir string
	NoTrust     bool
	// AllowStderr accepts cells that write to standard error. By default
	// stderr output fails the run: lessons should not print warnings.
	AllowStderr bool
	// Python runs nbclient; empty means the one kernelspec.FindJupyter finds.
	Python string
	// Env is added to the runner's (and so the kernel's) environment.
	Env []string
	// Wrap prefixes the command, e.g. a network namespace:
	// []string{"unshare", "-n", "sh", "-c", `ip link set lo up && exec "$0" "$@"`}.
	Wrap []string
	// Offline runs the notebook (runner and kernel) with the network off:
	// in a network namespace with only loopback (unshare -n). Run fails if
	// no such namespace can be made. It replaces Wrap.
	Offline bool
}

// Cell is what the runner recorded of one executed code cell.
type Cell struct {
	// Index is the 1-based position among all cells (markdown included),
	// CodeIndex the 1-based position among code cells.
	Index     int     `json:"index"`
	CodeIndex int     `json:"code_index"`
	Seconds   float64 `json:"seconds"`
	Source    string  `json:"source"`
	Stderr    string  `json:"stderr"`
}

// Failure describes why a notebook did not run to the end.
type Failure struct {
	// Kind is "error" (a cell failed), "stderr", "budget" (time ran out),
	// "kernel" (it died or did not start), "setup" or "export".
	Kind      string `json:"kind"`
	Cell      int    `json:"cell"`
	CodeIndex int    `json:"code_index"`
	// Line is the line within the cell that GoNB named for an "error"
	// failure (a compile error or a panic), 0 when it named none.
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// Report is the outcome of running one notebook.
type Report struct {
	Notebook string   `json:"notebook"`
	OK       bool     `json:"ok"`
	Seconds  float64  `json:"seconds"`
	Cells    []Cell   `json:"cells"`
	Failure  *Failure `json:"failure"`
	// HTML and Executed are the files written, if asked for.
	HTML     string `json:"-"`
	Executed string `json:"-"`
}

// Error is returned by Run when a notebook fails.
type Error struct{ Report *Report }

func (e *Error) Error() string {
	r := e.Report
	f := r.Failure
	if f == nil {
		return r.Notebook + ": failed"
	}
	where := ""
	if f.Cell > 0 {
		where = fmt.Sprintf(" cell %d (code cell %d)", f.Cell, f.CodeIndex)
		if f.Line > 0 {
			where += fmt.Sprintf(", line %d", f.Line)
		}
	}
	msg := fmt.Sprintf("%s:%s: %s", r.Notebook, where, f.Message)
	if f.Cell > 0 {
		for _, c := range r.Cells {
			if c.Index == f.Cell {
				msg += "\n--- cell source ---\n" + c.Source
				break
			}
		}
	}
	return msg
}

// Run executes the notebook at path. It returns the report and, when the
// notebook failed, an *Error describing the failing cell.
func Run(path string, opt *Options) (*Report, error) {
	if opt == nil {
		opt = &Options{}
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("notebook %s: %w", path, err)
	}
	kernel := opt.Kernel
	if kernel == "" {
		kernel = kernelspec.Name
	}
	budget := opt.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	python := opt.Python
	if python == "" {
		j, err := kernelspec.FindJupyter(repoRootNear(path))
		if err != nil {
			return nil, err
		}
		if !j.Runner {
			return nil, fmt.Errorf("%s has Jupyter but not nbclient/nbconvert: apt-get install python3-nbclient jupyter-nbconvert (or pip install nbclient nbconvert)", j.Python)
		}
		python = j.Python
	}

	work, err := os.MkdirTemp("", "neuronb-run-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	script := filepath.Join(work, "runner.py")
	if err := os.WriteFile(script, runnerScript, 0o644); err != nil {
		return nil, err
	}
	reportPath := filepath.Join(work, "report.json")
	pidPath := filepath.Join(work, "kernel.pid")
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	args := []string{script, path, "--kernel", kernel, "--budget", strconv.FormatFloat(budget.Seconds(), 'f', 1, 64),
		"--report", reportPath, "--pid-file", pidPath}
	rep := &Report{Notebook: path}
	if opt.HTMLDir != "" {
		if err := os.MkdirAll(opt.HTMLDir, 0o755); err != nil {
			return nil, err
		}
		rep.HTML = filepath.Join(opt.HTMLDir, name+".html")
		args = append(args, "--html", rep.HTML)
	}
	if opt.ExecutedDir != "" {
		if err := os.MkdirAll(opt.ExecutedDir, 0o755); err != nil {
			return nil, err
		}
		rep.Executed = filepath.Join(opt.ExecutedDir, name+".ipynb")
		args = append(args, "--executed", rep.Executed)
	}
	if opt.AllowStderr {
		args = append(args, "--allow-stderr")
	}
	if opt.NoTrust {
		args = append(args, "--no-trust")
	}

	// nbclient enforces the budget by interrupting the kernel; the hard
	// deadline only catches a runner that wedges (kernel start included).
	hard := budget + 3*time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), hard)
	defer cancel()
	wrap := opt.Wrap
	if opt.Offline {
		if !kernelspec.CanUnshareNetwork() {
			return nil, fmt.Errorf("running %s offline: cannot create a network namespace (unshare -n needs root or user namespaces, and iproute2's ip)", path)
		}
		wrap = kernelspec.OfflineWrap
	}
	argv := append(append(append([]string{}, wrap...), python), args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(append(os.Environ(), widgets.HeadlessEnv+"=1"), opt.Env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	killKernel(pidPath)

	data, err := os.ReadFile(reportPath)
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			rep.Failure = &Failure{Kind: "budget", Message: fmt.Sprintf("the runner did not finish within %v and was killed", hard)}
			return rep, &Error{rep}
		}
		return nil, fmt.Errorf("running %s: %v\n%s", path, runErr, tail(out.String(), 30))
	}
	if err := json.Unmarshal(data, rep); err != nil {
		return nil, fmt.Errorf("reading the runner's report for %s: %w", path, err)
	}
	rep.Notebook = path
	if !rep.OK {
		if rep.Failure != nil && rep.Failure.Kind == "kernel" {
			rep.Failure.Message += "\n" + tail(out.String(), 20)
		}
		return rep, &Error{rep}
	}
	return rep, nil
}

// killKernel makes sure a kernel the runner started is gone, with every
// process of its session: the runner shuts the kernel down, but a runner
// that was killed first leaves it behind, and GoNB starts gopls in a process
// group of its own that survives the kernel.
func killKernel(pidPath string) {
	data, err := os.ReadFile(pidPath)
	if err != nil {
		return
	}
	sid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || sid <= 1 {
		return
	}
	for _, pid := range sessionMembers(sid) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// sessionMembers lists the processes whose session id is sid (Linux /proc;
// elsewhere it returns nothing and cleanup is left to the kernel).
func sessionMembers(sid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// Fields after the parenthesised command: state ppid pgrp session ...
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) > 3 && f[3] == strconv.Itoa(sid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func repoRootNear(path string) string {
	r, err := kernelspec.FindRepo(filepath.Dir(path))
	if err != nil {
		r, err = kernelspec.FindRepo("")
		if err != nil {
			return ""
		}
	}
	return r.Root
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// IsFailure reports whether err is a notebook failure (as opposed to a
// problem starting the runner).
func IsFailure(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
