package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/neuronb/neuronb/kernel/kernelspec"
	"github.com/neuronb/neuronb/kernel/supervisor"
)

// supervise runs `supervise -- COMMAND...`: the kernel command under the
// supervisor, with this executable as its janitor.
func supervise(args []string) int {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: neuronb-kernel supervise -- KERNEL-COMMAND...")
		return 2
	}
	opt := &supervisor.Options{}
	if exe, err := os.Executable(); err == nil {
		opt.Janitor = []string{exe, "janitor"}
	} else {
		fmt.Fprintln(os.Stderr, "neuronb supervisor: no janitor:", err)
	}
	return supervisor.Supervise(args, opt)
}

func janitor(args []string) error {
	dir, sup, err := supervisor.ParseJanitorArgs(args)
	if err != nil {
		return err
	}
	return supervisor.Janitor(dir, sup)
}

func clean(args []string) error {
	fs := flag.NewFlagSet("clean", flag.ContinueOnError)
	dry := fs.Bool("n", false, "only say what would be removed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	l := supervisor.FindLeftovers()
	fmt.Println(l)
	for _, p := range l.Orphans {
		fmt.Printf("  process %d (%.0f MiB): %s\n", p.PID, float64(p.RSS)/(1<<20), p.Cmd)
	}
	for _, d := range l.Stale {
		fmt.Printf("  folder %s\n", d)
	}
	if *dry || l.Empty() {
		return nil
	}
	if err := supervisor.Clean(l); err != nil {
		return err
	}
	fmt.Println("removed.")
	return nil
}

// goimportsShim is the goimports GoNB runs for each cell. Run in a cell's
// module (GoNB's GONB_TMP_DIR) by a neuronb kernel (NEURONB_ROOT set), it
// first gives that module the repository's requirements and checksums
// (kernelspec.PrepareCellModule), so that the `go get` GoNB runs next has
// nothing to fetch; then it becomes the pinned goimports beside this
// executable. Anywhere else it is just that goimports.
func goimportsShim() {
	root, cellDir := os.Getenv("NEURONB_ROOT"), os.Getenv("GONB_TMP_DIR")
	if root != "" && cellDir != "" {
		if wd, err := os.Getwd(); err == nil && sameDir(wd, cellDir) {
			if _, err := kernelspec.PrepareCellModule(cellDir, root); err != nil {
				fmt.Fprintf(os.Stderr, "neuronb: giving the cell's module (%s) the requirements of %s/go.mod: %v\n", cellDir, root, err)
				os.Exit(1)
			}
		}
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "neuronb goimports:", err)
		os.Exit(1)
	}
	real := filepath.Join(filepath.Dir(exe), "goimports")
	err = syscall.Exec(real, append([]string{real}, os.Args[1:]...), os.Environ())
	fmt.Fprintf(os.Stderr, "neuronb goimports: running %s: %v (./install.sh builds it)\n", real, err)
	os.Exit(1)
}

func sameDir(a, b string) bool {
	if a == b {
		return true
	}
	ia, err1 := os.Stat(a)
	ib, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(ia, ib)
}
