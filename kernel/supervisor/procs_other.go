//go:build !linux

package supervisor

import (
	"os"
	"syscall"
	"time"
)

// Elsewhere than Linux there is no /proc to find a kernel's processes by:
// the supervisor only gives GoNB a private TMPDIR and removes it.
const procSupported = false

type procID struct {
	PID   int    `json:"pid"`
	Start uint64 `json:"start"`
}

func self() (procID, error) { return procID{PID: os.Getpid()}, nil }

func (p procID) alive() bool {
	return p.PID > 0 && syscall.Kill(p.PID, 0) == nil
}

func pids() []int                                  { return nil }
func environ(pid int) []string                     { return nil }
func cmdline(pid int) []string                     { return nil }
func exeName(pid int) string                       { return "" }
func cwd(pid int) string                           { return "" }
func rssBytes(pid int) int64                       { return 0 }
func becomeSubreaper() error                       { return nil }
func kill(pid int)                                 { _ = syscall.Kill(pid, syscall.SIGKILL) }
func parentOf(pid int) int                         { return 0 }
func sendSignal(pid int, sig syscall.Signal) error { return syscall.Kill(pid, sig) }

func getenv(env []string, key string) string { return "" }

func waitGone(p procID) {
	for p.alive() {
		time.Sleep(250 * time.Millisecond)
	}
}

func procIDOf(pid int) procID { return procID{PID: pid} }
func reapOrphans(keep ...int) {}

func orphans(keep []int) []int { return nil }
