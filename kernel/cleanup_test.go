package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neuronb/neuronb/kernel/kernelspec"
	"github.com/neuronb/neuronb/kernel/supervisor"
)

// kernelInfo is what lifecycle.py reports of a kernel.
type kernelInfo struct {
	PID         int      `json:"pid"`
	Dir         string   `json:"dir"`
	GonbDir     string   `json:"gonb_dir"`
	Completions []string `json:"completions"`
}

type lifecycleEvent struct {
	Event     string     `json:"event"`
	Victim    kernelInfo `json:"victim"`
	Bystander kernelInfo `json:"bystander"`
}

// kernelProcesses lists the processes that carry a kernel directory's
// marker, by reading /proc (the oracle: what the operating system runs,
// not what the supervisor believes), and the gopls among them.
func kernelProcesses(dir string) (all, gopls []string) {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil || !strings.Contains("\x00"+string(env), "\x00"+supervisor.MarkerEnv+"="+dir+"\x00") {
			continue
		}
		cmd, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		desc := fmt.Sprintf("%d %s", pid, strings.ReplaceAll(strings.TrimRight(string(cmd), "\x00"), "\x00", " "))
		all = append(all, desc)
		if exe, _ := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); filepath.Base(exe) == "gopls" {
			gopls = append(gopls, desc)
		}
	}
	return all, gopls
}

// waitClean polls until no process of the kernel and no folder of it is
// left, for at most limit, and reports what remains.
func waitClean(k kernelInfo, limit time.Duration) (took time.Duration, left string) {
	start := time.Now()
	for {
		procs, _ := kernelProcesses(k.Dir)
		var folders []string
		for _, d := range []string{k.Dir, k.GonbDir} {
			if _, err := os.Stat(d); err == nil {
				folders = append(folders, d)
			}
		}
		if len(procs) == 0 && len(folders) == 0 {
			return time.Since(start), ""
		}
		if time.Since(start) > limit {
			return time.Since(start), fmt.Sprintf("processes %q, folders %q", procs, folders)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestNothingOutlivesAKernel starts two neuronb kernels, makes their gopls
// answer a completion, ends one of them (SIGKILL of its process group as
// Jupyter's shutdown_kernel(now=True) does, SIGKILL of the kernel process
// alone, a graceful shutdown, a Restart during a busy cell) and checks in
// /proc and on disk that none of its processes (gopls included) and none of
// its folders remain within ten seconds, while the other kernel's gopls and
// folder stay.
func TestNothingOutlivesAKernel(t *testing.T) {
	requirePython(t, "jupyter_client")
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skip("needs Linux /proc")
	}
	const limit = 10 * time.Second
	for _, mode := range []string{"kill", "killpid", "graceful", "restart"} {
		t.Run(mode, func(t *testing.T) {
			cmd := exec.Command(testJupyter.Python, filepath.Join("testdata", "lifecycle.py"), "neuronb", mode)
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() {
				stdin.Close()
				if err := cmd.Wait(); err != nil {
					t.Errorf("lifecycle.py: %v\n%s", err, stderr.String())
				}
			}()
			lines := bufio.NewScanner(stdout)
			next := func(want string) lifecycleEvent {
				t.Helper()
				for lines.Scan() {
					var ev lifecycleEvent
					if json.Unmarshal(lines.Bytes(), &ev) == nil && ev.Event != "" {
						if ev.Event != want {
							t.Fatalf("event %q, want %q", ev.Event, want)
						}
						return ev
					}
				}
				stdin.Close()
				cmd.Wait()
				t.Fatalf("lifecycle.py stopped before %q: %v\n%s", want, lines.Err(), stderr.String())
				return lifecycleEvent{}
			}
			goOn := func() { io.WriteString(stdin, "go\n") }

			ready := next("ready")
			for name, k := range map[string]kernelInfo{"victim": ready.Victim, "bystander": ready.Bystander} {
				if k.Dir == "" || !strings.HasPrefix(k.GonbDir, k.Dir+string(filepath.Separator)) {
					t.Fatalf("%s: kernel directory %q, build folder %q: the kernel does not run under the supervisor", name, k.Dir, k.GonbDir)
				}
				if !contains(k.Completions, "Println") && !contains(k.Completions, "Printf") {
					t.Errorf("%s: completion offered %q, want fmt.Println: gopls is not serving", name, k.Completions)
				}
				if _, gopls := kernelProcesses(k.Dir); len(gopls) == 0 {
					t.Fatalf("%s: no gopls process carries the kernel's marker before it ends: the check below could not fail", name)
				}
			}
			goOn()
			ended := next("ended")
			took, left := waitClean(ready.Victim, limit)
			if left != "" {
				t.Errorf("%v after the kernel ended (%s) these remain: %s", took.Round(time.Millisecond), mode, left)
			} else {
				t.Logf("%s: the kernel's processes and folders were gone %v after it ended", mode, took.Round(time.Millisecond))
			}
			if _, gopls := kernelProcesses(ready.Bystander.Dir); len(gopls) == 0 {
				t.Errorf("the concurrent kernel's gopls is gone")
			}
			if _, err := os.Stat(ready.Bystander.GonbDir); err != nil {
				t.Errorf("the concurrent kernel's build folder is gone: %v", err)
			}
			if mode == "restart" {
				if ended.Victim.Dir == "" || ended.Victim.Dir == ready.Victim.Dir {
					t.Errorf("after the restart the kernel directory is %q (before: %q)", ended.Victim.Dir, ready.Victim.Dir)
				}
			}
			goOn()
			next("done")
			for _, k := range []kernelInfo{ready.Bystander, ended.Victim} {
				if k.Dir == "" {
					continue
				}
				if took, left := waitClean(k, limit); left != "" {
					t.Errorf("%v after a graceful shutdown these remain: %s", took.Round(time.Millisecond), left)
				}
			}
		})
	}
}

// TestDoctorReportsLeftoversAndCleanRemovesThem leaves what a killed plain
// GoNB kernel leaves (its gopls daemon, whose parent is not a GoNB, and its
// gonb_ build folder), checks that doctor reports both with the command
// that removes them, runs that command and checks /proc and the disk.
func TestDoctorReportsLeftoversAndCleanRemovesThem(t *testing.T) {
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skip("needs Linux /proc")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	folder := filepath.Join(tmp, "gonb_0badf00d")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	gopls := exec.Command(testRepo.Tool("gopls"), "-listen", "unix;"+filepath.Join(folder, "gopls_socket"))
	gopls.Dir = folder
	gopls.Env = append(os.Environ(), "GONB_TMP_DIR="+folder)
	if err := gopls.Start(); err != nil {
		t.Fatal(err)
	}
	defer gopls.Process.Kill()
	exited := make(chan error, 1)
	go func() { exited <- gopls.Wait() }()

	var c kernelspec.Check
	for _, d := range kernelspec.Doctor(testRepo) {
		if d.Name == "leftovers of ended kernels" {
			c = d
		}
	}
	if c.OK || !strings.Contains(c.Detail, "orphaned gopls") || !strings.Contains(c.Detail, "stale build folder") || !strings.Contains(c.Fix, "kernel clean") {
		t.Fatalf("doctor reported %+v", c)
	}
	if err := clean(nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		t.Errorf("gopls %d still runs after clean", gopls.Process.Pid)
	}
	if _, err := os.Stat(folder); !os.IsNotExist(err) {
		t.Errorf("%s still exists after clean (%v)", folder, err)
	}
}
