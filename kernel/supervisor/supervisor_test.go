package supervisor

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as the kernel command's supervise and janitor
// verbs, so that a supervisor can be started, and killed, as a process.
const roleEnv = "NEURONB_SUPERVISOR_TEST_ROLE"

func TestMain(m *testing.M) {
	if os.Getenv(roleEnv) != "" {
		if len(os.Args) > 1 && os.Args[1] == "janitor" {
			dir, sup, err := ParseJanitorArgs(os.Args[2:])
			if err == nil {
				err = Janitor(dir, sup)
			}
			if err != nil {
				os.Stderr.WriteString(err.Error() + "\n")
				os.Exit(1)
			}
			os.Exit(0)
		}
		exe, _ := os.Executable()
		os.Exit(Supervise(os.Args[1:], &Options{Janitor: []string{exe, "janitor"}}))
	}
	os.Exit(m.Run())
}

func requireProc(t *testing.T) {
	t.Helper()
	if !procSupported {
		t.Skip("needs Linux /proc")
	}
}

// marked lists, from /proc, the processes carrying dir's marker.
func marked(dir string) []int { return markedProcesses(dir) }

// daemonKernel is a stand-in for GoNB: it starts a daemon in a session of
// its own (as GoNB starts gopls in a process group of its own), writes the
// kernel directory it was given, then runs until killed or, with exitCode
// >= 0, exits with that code once the daemon is up.
func daemonKernel(t *testing.T, report string, exitCode int) []string {
	t.Helper()
	tail := "exec sleep 300"
	if exitCode >= 0 {
		tail = "exit " + strconv.Itoa(exitCode)
	}
	return []string{"sh", "-c", `setsid sleep 301 </dev/null >/dev/null 2>&1 & echo "$NEURONB_KERNEL_DIR $TMPDIR" > ` + report + `; ` + tail}
}

func readReport(t *testing.T, path string) (dir string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		data, err := os.ReadFile(path)
		if f := strings.Fields(string(data)); err == nil && len(f) == 2 {
			if f[0] != f[1] {
				t.Fatalf("the kernel's TMPDIR %q is not its kernel directory %q", f[1], f[0])
			}
			return f[0]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the stand-in kernel did not start")
	return ""
}

func waitUntil(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return cond()
}

func gone(dir string) bool {
	_, err := os.Stat(dir)
	return len(marked(dir)) == 0 && os.IsNotExist(err)
}

// TestSuperviseKillsDaemonsWhenTheKernelExits: the kernel exits by itself
// leaving a daemon; Supervise returns the kernel's status, and the daemon
// and the directory are gone.
func TestSuperviseKillsDaemonsWhenTheKernelExits(t *testing.T) {
	requireProc(t)
	report := filepath.Join(t.TempDir(), "report")
	code := Supervise(daemonKernel(t, report, 3), nil)
	if code != 3 {
		t.Errorf("exit status %d, want the kernel's 3", code)
	}
	dir := readReport(t, report)
	if !gone(dir) {
		t.Errorf("after Supervise returned: processes %v, directory %s", marked(dir), dir)
	}
}

// TestJanitorCleansUpAfterTheProcessGroupIsKilled starts a supervisor the
// way Jupyter starts a kernel (a new session), kills its whole process
// group with SIGKILL as jupyter_client's shutdown_kernel(now=True) does, and
// checks that the janitor kills the daemon and removes the directory.
func TestJanitorCleansUpAfterTheProcessGroupIsKilled(t *testing.T) {
	requireProc(t)
	for _, which := range []string{"group", "supervisor"} {
		t.Run(which, func(t *testing.T) {
			report := filepath.Join(t.TempDir(), "report")
			exe, err := os.Executable()
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(exe, daemonKernel(t, report, -1)...)
			cmd.Env = append(os.Environ(), roleEnv+"=1")
			cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			dir := readReport(t, report)
			if !waitUntil(10*time.Second, func() bool { return len(marked(dir)) >= 2 }) {
				t.Fatalf("kernel and daemon not both running: %v", marked(dir))
			}
			o, err := readOwner(dir)
			if err != nil || !o.Janitor.alive() {
				t.Fatalf("no live janitor recorded (%v): %+v", err, o)
			}
			target := -cmd.Process.Pid
			if which == "supervisor" {
				target = cmd.Process.Pid
			}
			if err := syscall.Kill(target, syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			if !waitUntil(10*time.Second, func() bool { return gone(dir) }) {
				t.Errorf("10s after the SIGKILL: processes %v remain, directory %s", marked(dir), dir)
			}
			if !waitUntil(5*time.Second, func() bool { return !o.Janitor.alive() }) {
				t.Errorf("the janitor %d is still running", o.Janitor.PID)
			}
		})
	}
}

// TestSweepStaleRemovesOnlyDirectoriesOfEndedKernels: a kernel directory
// whose supervisor and janitor have ended is removed; one whose supervisor
// runs is left alone, as is a directory that is not a kernel's.
func TestSweepStaleRemovesOnlyDirectoriesOfEndedKernels(t *testing.T) {
	requireProc(t)
	t.Setenv("TMPDIR", t.TempDir())
	ended := exec.Command("true")
	if err := ended.Start(); err != nil {
		t.Fatal(err)
	}
	dead := procIDOf(ended.Process.Pid)
	if err := ended.Wait(); err != nil {
		t.Fatal(err)
	}
	me, err := self()
	if err != nil {
		t.Fatal(err)
	}
	mk := func(name string, o *owner) string {
		dir := filepath.Join(os.TempDir(), name)
		if err := os.MkdirAll(filepath.Join(dir, "gonb_12345678"), 0o700); err != nil {
			t.Fatal(err)
		}
		if o != nil {
			if err := writeOwner(dir, *o); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	stale := mk(dirPrefix+"stale", &owner{Supervisor: dead, Janitor: dead})
	live := mk(dirPrefix+"live", &owner{Supervisor: me, Janitor: dead})
	other := mk(dirPrefix+"notakernel", nil)
	removed := SweepStale()
	if len(removed) != 1 || removed[0] != stale {
		t.Errorf("removed %q, want only %s", removed, stale)
	}
	for _, d := range []string{live, other} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s was removed: %v", d, err)
		}
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("%s still exists", stale)
	}
	if err := Janitor(other, dead); err == nil {
		t.Error("a janitor accepted a directory that is not a kernel's")
	}
}

func TestParseJanitorArgsRoundTrip(t *testing.T) {
	p := procID{PID: 1234, Start: 987654321}
	dir, got, err := ParseJanitorArgs(JanitorArgs("/tmp/neuronb-1", p))
	if err != nil || dir != "/tmp/neuronb-1" || got != p {
		t.Errorf("got %q %+v %v", dir, got, err)
	}
	if _, _, err := ParseJanitorArgs([]string{"-dir", "/tmp/x", "-pid", "abc"}); err == nil || !strings.Contains(err.Error(), "-pid") {
		t.Errorf("bad pid accepted or not named: %v", err)
	}
}

func TestIsGonbGopls(t *testing.T) {
	for argv, want := range map[string]bool{
		"gopls -listen unix;/tmp/gonb_1a2b3c4d/gopls_socket":                  true,
		"/x/bin/gopls -listen unix;/tmp/neuronb-9/gonb_0badf00d/gopls_socket": true,
		"gopls serve": false,
		"gopls -listen unix;/home/u/.cache/gopls/daemon": false,
	} {
		if got := isGonbGopls(strings.Fields(argv)); got != want {
			t.Errorf("isGonbGopls(%q) = %v", argv, got)
		}
	}
}
