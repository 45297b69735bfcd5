// Command kernel installs, warms, checks and drives the neuronb Jupyter
// kernel. Run it from the repository:
//
//	go run ./kernel install [--user | --sys-prefix | --prefix DIR] [--blas auto|gonum|openblas] [--dwarf] [--debug] [--module-proxy DIR]
//	go run ./kernel warm
//	go run ./kernel doctor
//	go run ./kernel run [--html DIR] [--executed DIR] [--timeout D] [--allow-stderr] [--offline] [--no-trust] NOTEBOOK...
//	go run ./kernel clean
//
// install writes the "Go (neuronb)" kernelspec (building the pinned GoNB,
// goimports and gopls into bin/ if they are missing); warm compiles every
// package a notebook may import so the first cell is fast; doctor says what
// is missing and how to fix it; run executes notebooks headlessly and exits
// non-zero naming the notebook, cell and error of the first failure; clean
// removes what killed kernels left behind.
//
// Built into bin/neuronb-kernel, the same command is what the kernelspec
// starts: "supervise" runs GoNB so that its gopls daemons and build folder
// go with it however it ends, with a "janitor" for when the supervisor
// itself is killed; linked as bin/cell/goimports it prepares each cell's
// module before running the pinned goimports.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/neuronb/neuronb/kernel/kernelspec"
	"github.com/neuronb/neuronb/kernel/nbrun"
)

func main() {
	// Linked as bin/cell/goimports, the command is the goimports GoNB runs
	// for every cell (see goimportsShim).
	if filepath.Base(os.Args[0]) == "goimports" {
		goimportsShim()
		return
	}
	if len(os.Args) < 2 {
		usage(os.Stderr)
		os.Exit(2)
	}
	var err error
	switch verb, args := os.Args[1], os.Args[2:]; verb {
	case "install":
		err = install(args)
	case "warm":
		err = warm(args)
	case "doctor":
		err = doctor(args)
	case "run":
		err = run(args)
	case "clean":
		err = clean(args)
	case "supervise":
		os.Exit(supervise(args))
	case "janitor":
		err = janitor(args)
	case "help", "-h", "--help", "-help":
		usage(os.Stdout)
		return
	default:
		fmt.Fprintf(os.Stderr, "kernel: unknown verb %q\n\n", verb)
		usage(os.Stderr)
		os.Exit(2)
	}
	if err != nil {
		if !errors.Is(err, errReported) {
			fmt.Fprintln(os.Stderr, "kernel:", err)
		}
		os.Exit(1)
	}
}

// errReported means the details were already printed.
var errReported = errors.New("failed")

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: go run ./kernel VERB [flags]

verbs:
  install   write the "Go (neuronb)" Jupyter kernelspec
  warm      compile every notebook package so the first cell is fast
  doctor    check Go, the pinned tools, Jupyter, the kernelspec and the caches
  run       execute notebooks headlessly: run [--html DIR] [--timeout 3m] NOTEBOOK...
  clean     stop gopls daemons and remove build folders that ended kernels left behind

The kernelspec also runs "supervise -- GONB-COMMAND..." (GoNB under a supervisor
that leaves nothing behind, see kernel/supervisor) and "janitor" (its helper).

Run "go run ./kernel VERB -h" for a verb's flags.
`)
}

func repo() (kernelspec.Repo, error) { return kernelspec.FindRepo("") }

func install(args []string) error {
	fs := flag.NewFlagSet("install", flag.ContinueOnError)
	user := fs.Bool("user", false, "install for the current user (the default)")
	sysPrefix := fs.Bool("sys-prefix", false, "install into the Jupyter Python's sys.prefix (every user of that Jupyter, e.g. a JupyterHub)")
	prefix := fs.String("prefix", "", "install into `DIR`/share/jupyter/kernels")
	blas := fs.String("blas", "auto", "BLAS for notebooks: auto (OpenBLAS where installed and correct, else pure Go), gonum (pure Go) or openblas")
	coreType := fs.String("openblas-coretype", "", "set OPENBLAS_CORETYPE to `TYPE` instead of the one the probe chooses")
	externalLink := fs.Bool("external-link", false, "link cells that use OpenBLAS with the system linker (slower; for cgo packages Go's internal linker cannot link)")
	dwarf := fs.Bool("dwarf", false, "keep debugging information in cell binaries (slower linking)")
	debug := fs.Bool("debug", false, "let GoNB log to the Jupyter server's terminal")
	proxy := fs.String("module-proxy", "", "module download cache `DIR` cells resolve from first (default: this user's GOMODCACHE/cache/download)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opt := kernelspec.Options{BLAS: *blas, CoreType: *coreType, ExternalLink: *externalLink, DWARF: *dwarf, Debug: *debug, ModuleProxy: *proxy}
	n := 0
	for _, b := range []bool{*user, *sysPrefix, *prefix != ""} {
		if b {
			n++
		}
	}
	if n > 1 {
		return fmt.Errorf("choose one of --user, --sys-prefix and --prefix")
	}
	switch {
	case *sysPrefix:
		opt.Scope = kernelspec.SysPrefix
	case *prefix != "":
		opt.Scope, opt.Prefix = kernelspec.Prefix, *prefix
	}
	r, err := repo()
	if err != nil {
		return err
	}
	j, err := kernelspec.FindJupyter(r.Root)
	if err != nil {
		return err
	}
	goenv, err := kernelspec.ReadGoEnv()
	if err != nil {
		return err
	}
	if !kernelspec.AtLeast(goenv.GOVERSION, kernelspec.MinGoVersion) {
		return fmt.Errorf("%s is too old: neuronb needs Go >= %s (https://go.dev/dl)", goenv.GOVERSION, kernelspec.MinGoVersion)
	}
	if built, err := r.EnsureTools(); err != nil {
		return err
	} else if built {
		fmt.Println("built the pinned gonb, goimports and gopls into", r.BinDir())
	}
	note, err := r.ResolveOptions(&opt, goenv, true)
	if err != nil {
		return err
	}
	fmt.Print(strings.TrimRight(note, "\n") + "\n")
	spec, err := kernelspec.Build(r, goenv, opt)
	if err != nil {
		return err
	}
	kdir, err := kernelspec.KernelsDir(j, opt)
	if err != nil {
		return err
	}
	dir, err := kernelspec.Write(kdir, spec)
	if err != nil {
		return err
	}
	fmt.Printf("installed kernelspec %q (%s) in %s\n", kernelspec.Name, kernelspec.DisplayName, dir)
	return nil
}

func warm(args []string) error {
	fs := flag.NewFlagSet("warm", flag.ContinueOnError)
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, err := repo()
	if err != nil {
		return err
	}
	spec, err := installedOrDefaultSpec(r)
	if err != nil {
		return err
	}
	start := time.Now()
	pkgs, err := r.Warm(spec)
	if err != nil {
		return err
	}
	fmt.Printf("warmed the build cache for %d packages in %.1fs\n", len(pkgs), time.Since(start).Seconds())
	return nil
}

// installedOrDefaultSpec returns the kernelspec Jupyter would use for this
// checkout, or the default one when none is installed, so that warm-up
// compiles with the same build settings (tags, cgo) as the cells will.
func installedOrDefaultSpec(r kernelspec.Repo) (kernelspec.Spec, error) {
	if j, err := kernelspec.FindJupyter(r.Root); err == nil {
		for _, k := range kernelspec.FindInstalled(j) {
			if len(k.Spec.Argv) > 0 && k.Spec.Argv[0] == r.KernelCommand() {
				return k.Spec, nil
			}
		}
	}
	goenv, err := kernelspec.ReadGoEnv()
	if err != nil {
		return kernelspec.Spec{}, err
	}
	opt := kernelspec.Options{BLAS: "auto"}
	if _, err := r.ResolveOptions(&opt, goenv, false); err != nil {
		return kernelspec.Spec{}, err
	}
	return kernelspec.Build(r, goenv, opt)
}

func doctor(args []string) error {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, err := repo()
	if err != nil {
		return err
	}
	failed := 0
	for _, c := range kernelspec.Doctor(r) {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
			if c.Optional {
				mark = "warn"
			} else {
				failed++
			}
		}
		fmt.Printf("[%s] %-38s %s\n", mark, c.Name, c.Detail)
		if !c.OK && c.Fix != "" {
			fmt.Printf("       fix: %s\n", c.Fix)
		}
	}
	if failed > 0 {
		fmt.Printf("\n%d problem(s) found.\n", failed)
		return errReported
	}
	fmt.Println("\nneuronb is ready: open Jupyter and pick the \"Go (neuronb)\" kernel.")
	return nil
}

func run(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	htmlDir := fs.String("html", "", "export each executed notebook to `DIR`/NAME.html")
	executed := fs.String("executed", "", "save each executed notebook to `DIR`/NAME.ipynb")
	timeout := fs.Duration("timeout", nbrun.DefaultBudget, "time budget per notebook, kernel start included")
	allowStderr := fs.Bool("allow-stderr", false, "do not fail cells that write to stderr")
	kernelName := fs.String("kernel", kernelspec.Name, "kernelspec to run on")
	offline := fs.Bool("offline", false, "run with the network off (unshare -n: root or user namespaces), to show a notebook needs none")
	noTrust := fs.Bool("no-trust", false, "do not sign the executed notebooks (--executed): they then open untrusted, charts as pictures")
	// Flags may come after the notebooks (run a.ipynb b.ipynb --html out).
	var nbs []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		nbs = append(nbs, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(nbs) == 0 {
		return fmt.Errorf("run: name at least one notebook, e.g. go run ./kernel run tutorials/*.ipynb")
	}
	failed := 0
	for _, nb := range nbs {
		if filepath.Ext(nb) != ".ipynb" {
			return fmt.Errorf("run: %s is not a notebook (.ipynb)", nb)
		}
		rep, err := nbrun.Run(nb, &nbrun.Options{Kernel: *kernelName, Budget: *timeout, HTMLDir: *htmlDir, ExecutedDir: *executed, AllowStderr: *allowStderr, Offline: *offline, NoTrust: *noTrust})
		if err != nil {
			failed++
			fmt.Fprintf(os.Stderr, "FAIL %s\n", indent(err.Error()))
			continue
		}
		fmt.Printf("ok   %s (%d code cells, %.1fs)", nb, len(rep.Cells), rep.Seconds)
		if rep.HTML != "" {
			fmt.Printf(" -> %s", rep.HTML)
		}
		fmt.Println()
	}
	if failed > 0 {
		fmt.Fprintf(os.Stderr, "%d of %d notebook(s) failed\n", failed, len(nbs))
		return errReported
	}
	return nil
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n     ") }
