package supervisor

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// procSupported reports whether processes can be inspected (Linux /proc).
const procSupported = true

// procID names a process for longer than its pid does: a pid can be reused
// once the process is gone, its start time (in clock ticks since boot) with
// it cannot.
type procID struct {
	PID   int    `json:"pid"`
	Start uint64 `json:"start"`
}

// procStat is what /proc/PID/stat says of a process.
type procStat struct {
	PPID  int
	Start uint64
	State byte
}

func readStat(pid int) (procStat, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, err
	}
	// The command name is parenthesised and may hold spaces or parentheses.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(data[i+1:]))
	// f[0] is field 3 (state); the start time is field 22.
	if len(f) < 20 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f)+2)
	}
	ppid, err := strconv.Atoi(f[1])
	if err != nil {
		return procStat{}, err
	}
	start, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return procStat{}, err
	}
	return procStat{PPID: ppid, Start: start, State: f[0][0]}, nil
}

// self returns the identity of the calling process.
func self() (procID, error) {
	st, err := readStat(os.Getpid())
	if err != nil {
		return procID{}, err
	}
	return procID{PID: os.Getpid(), Start: st.Start}, nil
}

// alive reports whether the process still runs (a zombie has ended).
func (p procID) alive() bool {
	if p.PID <= 0 {
		return false
	}
	st, err := readStat(p.PID)
	return err == nil && st.Start == p.Start && st.State != 'Z' && st.State != 'X'
}

// pids lists every process visible in /proc.
func pids() []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	out := make([]int, 0, len(entries))
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			out = append(out, pid)
		}
	}
	return out
}

// environ returns a process's initial environment, nil if it cannot be
// read (another user's process, or one that has ended).
func environ(pid int) []string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil || len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
}

func getenv(env []string, key string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}

func cmdline(pid int) []string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil || len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
}

// exeName is the base name of the program a process runs.
func exeName(pid int) string {
	if p, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe"); err == nil {
		return filepath.Base(strings.TrimSuffix(p, " (deleted)"))
	}
	if c := cmdline(pid); len(c) > 0 {
		return filepath.Base(c[0])
	}
	return ""
}

func cwd(pid int) string {
	p, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/cwd")
	if err != nil {
		return ""
	}
	return p
}

// rssBytes is a process's resident memory.
func rssBytes(pid int) int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// becomeSubreaper makes orphaned descendants of this process its children
// instead of init's, so that a daemon GoNB started stays findable (and
// reapable) after GoNB is gone.
func becomeSubreaper() error {
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
}

// waitGone blocks until the process p has ended. It waits on a pidfd
// (Linux 5.3 and later) and falls back to polling.
func waitGone(p procID) {
	fd, err := unix.PidfdOpen(p.PID, 0)
	if err == nil {
		defer unix.Close(fd)
		// The pid may have been reused between p's end and PidfdOpen.
		if !p.alive() {
			return
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		for {
			_, err := unix.Poll(fds, -1)
			if err == nil || !errors.Is(err, syscall.EINTR) {
				break
			}
		}
		return
	}
	for p.alive() {
		time.Sleep(250 * time.Millisecond)
	}
}

func kill(pid int) { _ = syscall.Kill(pid, syscall.SIGKILL) }

func sendSignal(pid int, sig syscall.Signal) error { return syscall.Kill(pid, sig) }

// parentOf returns a process's parent pid, 0 if it cannot be read.
func parentOf(pid int) int {
	st, err := readStat(pid)
	if err != nil {
		return 0
	}
	return st.PPID
}

// procIDOf returns the identity of a running process (Start 0 if it has
// already gone).
func procIDOf(pid int) procID {
	st, err := readStat(pid)
	if err != nil {
		return procID{PID: pid}
	}
	return procID{PID: pid, Start: st.Start}
}

// reapOrphans collects the exit status of children of this process that
// have ended, except those in keep (whose status somebody else waits for).
// As a subreaper the supervisor inherits every orphan below it, and each
// one that ends stays a zombie until collected.
func reapOrphans(keep ...int) {
	me := os.Getpid()
	for _, pid := range pids() {
		if slicesContains(keep, pid) {
			continue
		}
		st, err := readStat(pid)
		if err != nil || st.PPID != me || st.State != 'Z' {
			continue
		}
		var ws unix.WaitStatus
		_, _ = unix.Wait4(pid, &ws, unix.WNOHANG, nil)
	}
}

func slicesContains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// orphans lists this process's live children but those in keep: for the
// supervisor, after GoNB has ended, every one is a process the kernel left
// (the subreaper inherits them), whatever its environment says. Called by
// the janitor, which has no children, it finds none.
func orphans(keep []int) []int {
	me := os.Getpid()
	var out []int
	for _, pid := range pids() {
		if slicesContains(keep, pid) {
			continue
		}
		st, err := readStat(pid)
		if err == nil && st.PPID == me && st.State != 'Z' {
			out = append(out, pid)
		}
	}
	return out
}
