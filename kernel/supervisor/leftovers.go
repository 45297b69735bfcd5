package supervisor

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Process is a process found by FindLeftovers.
type Process struct {
	PID int
	// Cmd is its command line.
	Cmd string
	// RSS is its resident memory in bytes.
	RSS int64
}

// Leftovers is what kernels that are gone left on this machine.
type Leftovers struct {
	// Orphans are gopls daemons (and their children) started by a GoNB
	// kernel that no longer runs.
	Orphans []Process
	// Stale are build folders of kernels that no longer run: GoNB's
	// $TMPDIR/gonb_* and neuronb's kernel directories.
	Stale []string
}

// Empty reports whether nothing was left behind.
func (l Leftovers) Empty() bool { return len(l.Orphans) == 0 && len(l.Stale) == 0 }

// RSS is the memory the orphans hold.
func (l Leftovers) RSS() int64 {
	var n int64
	for _, p := range l.Orphans {
		n += p.RSS
	}
	return n
}

func (l Leftovers) String() string {
	if l.Empty() {
		return "no orphaned gopls processes or stale build folders"
	}
	var parts []string
	if n := len(l.Orphans); n > 0 {
		parts = append(parts, fmt.Sprintf("%d orphaned gopls process(es) holding %.0f MiB", n, float64(l.RSS())/(1<<20)))
	}
	if n := len(l.Stale); n > 0 {
		parts = append(parts, fmt.Sprintf("%d stale build folder(s), e.g. %s", n, l.Stale[0]))
	}
	return strings.Join(parts, "; ")
}

// FindLeftovers looks for gopls processes whose GoNB kernel is gone and for
// build folders in os.TempDir() that no running kernel uses. It finds only
// GoNB's own gopls (one listening on a socket inside a gonb_ folder, or
// started with GoNB's GONB_TMP_DIR in its environment), so an editor's gopls
// is never reported.
func FindLeftovers() Leftovers {
	var l Leftovers
	if !procSupported {
		return l
	}
	all := pids()
	me := os.Getpid()
	exe := map[int]string{}
	for _, pid := range all {
		exe[pid] = exeName(pid)
	}
	hasGonbAncestor := func(pid int) bool {
		for i := 0; i < 64 && pid > 1; i++ {
			pid = parentOf(pid)
			if exe[pid] == "gonb" {
				return true
			}
		}
		return false
	}
	// Folders some running process still uses: its working directory, or
	// the GONB_TMP_DIR / kernel marker in its environment.
	used := map[string]bool{}
	for _, pid := range all {
		if pid == me {
			continue
		}
		env := environ(pid)
		for _, k := range []string{"GONB_TMP_DIR", MarkerEnv} {
			if v := getenv(env, k); v != "" {
				used[v] = true
			}
		}
		if c := cwd(pid); c != "" {
			used[c] = true
		}
		// GoNB's gopls, or its telemetry child (`gopls ** telemetry **`),
		// which inherits GoNB's environment.
		fromGonb := isGonbGopls(cmdline(pid)) || getenv(env, "GONB_TMP_DIR") != ""
		if exe[pid] != "gopls" || !fromGonb || hasGonbAncestor(pid) {
			continue
		}
		l.Orphans = append(l.Orphans, Process{PID: pid, Cmd: strings.Join(cmdline(pid), " "), RSS: rssBytes(pid)})
	}
	// An orphan does not keep its folder in use.
	for _, o := range l.Orphans {
		delete(used, cwd(o.PID))
		delete(used, getenv(environ(o.PID), "GONB_TMP_DIR"))
	}
	inUse := func(dir string) bool {
		for u := range used {
			if u == dir || strings.HasPrefix(u, dir+string(filepath.Separator)) {
				return true
			}
		}
		return false
	}
	tmp := os.TempDir()
	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(tmp, e.Name())
		switch {
		case strings.HasPrefix(e.Name(), "gonb_"):
			if !inUse(dir) {
				l.Stale = append(l.Stale, dir)
			}
		case strings.HasPrefix(e.Name(), dirPrefix):
			o, err := readOwner(dir)
			if err == nil && !o.Supervisor.alive() && !o.Janitor.alive() && !inUse(dir) {
				l.Stale = append(l.Stale, dir)
			}
		}
	}
	return l
}

// isGonbGopls reports whether a gopls command line is one GoNB started:
// `gopls -listen unix;<tmp>/gonb_<id>/gopls_socket` (its telemetry child
// runs with the same arguments).
func isGonbGopls(argv []string) bool {
	for _, a := range argv {
		if addr, ok := strings.CutPrefix(a, "unix;"); ok && strings.HasPrefix(filepath.Base(filepath.Dir(addr)), "gonb_") {
			return true
		}
	}
	return false
}

// Clean kills the orphans and removes the stale folders of l. It returns
// the first error met, having tried everything.
func Clean(l Leftovers) error {
	var first error
	for _, p := range l.Orphans {
		kill(p.PID)
	}
	for _, dir := range l.Stale {
		if strings.HasPrefix(filepath.Base(dir), dirPrefix) {
			cleanup(dir, false)
			continue
		}
		if err := os.RemoveAll(dir); err != nil && first == nil {
			first = err
		}
	}
	return first
}
