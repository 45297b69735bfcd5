package supervisor

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// MarkerEnv is set, in the environment of every process a supervised kernel
// starts, to that kernel's private directory.
const MarkerEnv = "NEURONB_KERNEL_DIR"

// dirPrefix starts the name of every kernel directory in os.TempDir(). It is
// short because gopls' Unix socket lives inside and socket paths are limited
// to about 100 bytes (macOS's TMPDIR alone takes 49).
const dirPrefix = "neuronb-"

// ownerFile, inside a kernel directory, names its supervisor and janitor.
const ownerFile = "neuronb-kernel.json"

type owner struct {
	Supervisor procID   `json:"supervisor"`
	Janitor    procID   `json:"janitor"`
	Argv       []string `json:"argv"`
}

// Options configures Supervise.
type Options struct {
	// Janitor is the command line that starts a janitor; Supervise appends
	// JanitorArgs. Empty means no janitor (a SIGKILL of the whole process
	// group then leaves cleanup to the next kernel's start).
	Janitor []string
	// Stderr receives the supervisor's own messages; nil means os.Stderr.
	Stderr *os.File
}

// JanitorArgs are the arguments a janitor command receives after the ones
// in Options.Janitor: the kernel directory, and the supervisor's pid and
// start time. ParseJanitorArgs reads them back.
func JanitorArgs(dir string, sup procID) []string {
	return []string{"-dir", dir, "-pid", strconv.Itoa(sup.PID), "-start", strconv.FormatUint(sup.Start, 10)}
}

// Supervise runs the kernel command argv as the package documentation
// describes and returns the status to exit with: the kernel's own, or 128
// plus the number of the signal that ended it.
func Supervise(argv []string, opt *Options) int {
	if opt == nil {
		opt = &Options{}
	}
	stderr := opt.Stderr
	if stderr == nil {
		stderr = os.Stderr
	}
	logf := func(format string, args ...any) { fmt.Fprintf(stderr, "neuronb supervisor: "+format+"\n", args...) }
	if len(argv) == 0 {
		logf("no kernel command to run")
		return 2
	}

	// Leftovers of kernels whose supervisor and janitor were both killed.
	SweepStale()

	me, err := self()
	if err != nil {
		logf("%v", err)
		return 1
	}
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		logf("creating the kernel's directory: %v", err)
		return 1
	}
	own := owner{Supervisor: me, Argv: argv}
	if err := writeOwner(dir, own); err != nil {
		logf("%v", err)
		os.RemoveAll(dir)
		return 1
	}
	if err := becomeSubreaper(); err != nil {
		logf("cannot become the subreaper of the kernel's processes: %v", err)
	}
	if len(opt.Janitor) > 0 {
		if j, err := startJanitor(opt.Janitor, dir, me); err != nil {
			logf("starting the janitor: %v", err)
		} else {
			own.Janitor = j
			if err := writeOwner(dir, own); err != nil {
				logf("%v", err)
			}
		}
	}

	// Relay the Jupyter channels, fixing GoNB's message sessions (proxy.go).
	if os.Getenv("NEURONB_NO_RELAY") != "1" {
		if i, conn := connectionFileArg(argv); i >= 0 {
			r, inner, err := startRelay(conn, dir)
			if err != nil {
				logf("running GoNB without the session relay: %v", err)
			} else {
				defer r.stop()
				argv = append([]string{}, argv...)
				if argv[i] == conn {
					argv[i] = inner
				} else {
					argv[i] = "--kernel=" + inner
				}
			}
		}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(withoutKeys(os.Environ(), "TMPDIR", MarkerEnv), "TMPDIR="+dir, MarkerEnv+"="+dir)
	// Stop relaying signals before the kernel starts, so none is lost.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	// SIGINT is left alone: the kernelspec interrupts by message, and a
	// Ctrl-C sent to the process group reaches the kernel directly.
	signal.Ignore(syscall.SIGINT)
	if err := cmd.Start(); err != nil {
		logf("starting the kernel: %v", err)
		cleanup(dir, true, own.Janitor.PID)
		return 1
	}
	done := make(chan struct{})
	go relaySignals(sigs, cmd.Process, done)
	go reapWhileRunning(done, cmd.Process.Pid, own.Janitor.PID)
	err = cmd.Wait()
	close(done)
	cleanup(dir, true, own.Janitor.PID)
	return exitCode(cmd.ProcessState, err)
}

// reapWhileRunning collects orphans that end while the kernel runs (the
// shell commands of `!` lines may leave some), leaving the kernel's and the
// janitor's status to their own Wait.
func reapWhileRunning(done <-chan struct{}, keep ...int) {
	chld := make(chan os.Signal, 1)
	signal.Notify(chld, syscall.SIGCHLD)
	defer signal.Stop(chld)
	for {
		select {
		case <-done:
			return
		case <-chld:
			reapOrphans(keep...)
		}
	}
}

// relaySignals passes a terminating signal on to the kernel unless the
// kernel has already gone within a second: Jupyter signals the whole
// process group, so the kernel usually got the same signal itself, and GoNB
// must not be asked to stop twice.
func relaySignals(sigs <-chan os.Signal, p *os.Process, done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case s := <-sigs:
			select {
			case <-done:
				return
			case <-time.After(time.Second):
				_ = p.Signal(s)
			}
		}
	}
}

func exitCode(st *os.ProcessState, err error) int {
	if st == nil {
		return 1
	}
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	if c := st.ExitCode(); c >= 0 {
		return c
	}
	if err != nil {
		return 1
	}
	return 0
}

func withoutKeys(env []string, keys ...string) []string {
	out := env[:0:0]
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		drop := false
		for _, key := range keys {
			drop = drop || k == key
		}
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}

func startJanitor(base []string, dir string, sup procID) (procID, error) {
	args := append(append([]string{}, base[1:]...), JanitorArgs(dir, sup)...)
	cmd := exec.Command(base[0], args...)
	cmd.Dir = "/"
	cmd.Env = withoutKeys(os.Environ(), MarkerEnv)
	// A session of its own: outside the process group Jupyter kills, and
	// without a controlling terminal. No inherited descriptors either, so
	// nobody waiting for the kernel's output to close waits for it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return procID{}, err
	}
	// Collect its exit status if it ends first; otherwise init does.
	go func() { _ = cmd.Wait() }()
	return procIDOf(cmd.Process.Pid), nil
}

// Janitor waits until the supervisor sup has gone, then kills what is left
// of its kernel and removes dir. It is what a janitor command runs.
func Janitor(dir string, sup procID) error {
	if err := checkKernelDir(dir); err != nil {
		return err
	}
	signal.Ignore(syscall.SIGHUP, syscall.SIGINT)
	_ = os.Chdir("/")
	waitGone(sup)
	cleanup(dir, false)
	return nil
}

// ParseJanitorArgs reads the arguments JanitorArgs wrote.
func ParseJanitorArgs(args []string) (dir string, sup procID, err error) {
	for i := 0; i+1 < len(args); i += 2 {
		switch args[i] {
		case "-dir":
			dir = args[i+1]
		case "-pid":
			sup.PID, err = strconv.Atoi(args[i+1])
		case "-start":
			sup.Start, err = strconv.ParseUint(args[i+1], 10, 64)
		default:
			return "", procID{}, fmt.Errorf("janitor: unknown argument %q", args[i])
		}
		if err != nil {
			return "", procID{}, fmt.Errorf("janitor: %s %q: %v", args[i], args[i+1], err)
		}
	}
	if dir == "" || sup.PID <= 0 {
		return "", procID{}, errors.New("janitor: needs -dir DIR -pid PID -start TICKS")
	}
	return dir, sup, nil
}

// checkKernelDir refuses to clean anything but a kernel directory.
func checkKernelDir(dir string) error {
	if !filepath.IsAbs(dir) || !strings.HasPrefix(filepath.Base(dir), dirPrefix) {
		return fmt.Errorf("%s is not a neuronb kernel directory", dir)
	}
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, ownerFile)); err != nil {
		return fmt.Errorf("%s is not a neuronb kernel directory (no %s)", dir, ownerFile)
	}
	return nil
}

func writeOwner(dir string, o owner) error {
	data, err := json.Marshal(o)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, ownerFile+".tmp")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	return os.Rename(tmp, filepath.Join(dir, ownerFile))
}

func readOwner(dir string) (owner, error) {
	var o owner
	data, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil {
		return o, err
	}
	return o, json.Unmarshal(data, &o)
}

// markedProcesses lists the processes whose environment carries the marker
// of the kernel directory dir, other than the caller.
func markedProcesses(dir string) []int {
	me := os.Getpid()
	var out []int
	for _, pid := range pids() {
		if pid != me && getenv(environ(pid), MarkerEnv) == dir {
			out = append(out, pid)
		}
	}
	return out
}

// cleanup kills every process of the kernel whose directory is dir and
// removes the directory: every process whose environment carries the
// marker and, with subreaper (the caller is the kernel's supervisor, which
// every orphan of the kernel was handed to), every child of the caller but
// those in keep. A process may start another while it is being
// killed, and a process in the middle of exec shows no environment for an
// instant, so it looks again until two looks 20 ms apart find nothing (for
// at most ten seconds).
func cleanup(dir string, subreaper bool, keep ...int) (killed int) {
	deadline := time.Now().Add(10 * time.Second)
	quiet := 0
	for quiet < 2 && time.Now().Before(deadline) {
		found := markedProcesses(dir)
		if subreaper {
			found = append(found, orphans(keep)...)
		}
		if len(found) == 0 {
			quiet++
			time.Sleep(20 * time.Millisecond)
			continue
		}
		quiet = 0
		for _, pid := range found {
			kill(pid)
		}
		killed += len(found)
		time.Sleep(5 * time.Millisecond)
		reapOrphans(keep...)
	}
	reapOrphans(keep...)
	_ = os.RemoveAll(dir)
	return killed
}

// SweepStale removes the directories (and kills the processes) of kernels
// whose supervisor and janitor have both gone. It returns the directories
// it removed.
func SweepStale() []string {
	var removed []string
	for _, dir := range kernelDirs() {
		o, err := readOwner(dir)
		if err != nil || o.Supervisor.alive() || o.Janitor.alive() {
			continue
		}
		cleanup(dir, false)
		removed = append(removed, dir)
	}
	return removed
}

// kernelDirs lists the kernel directories in os.TempDir().
func kernelDirs() []string {
	tmp := os.TempDir()
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), dirPrefix) {
			continue
		}
		dir := filepath.Join(tmp, e.Name())
		if _, err := os.Stat(filepath.Join(dir, ownerFile)); err == nil {
			out = append(out, dir)
		}
	}
	return out
}
