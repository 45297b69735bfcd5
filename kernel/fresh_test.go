package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neuronb/neuronb/kernel/kernelspec"
)

// freshEnv is the environment of a new user: a fresh HOME (so no Go, pip or
// Jupyter configuration), GOPATH (no module cache, no checksum-database
// cache), GOCACHE and JUPYTER_DATA_DIR under root, and no variable of this
// developer's Go, Jupyter or neuronb setup. PATH keeps the system's tools
// but not this user's GOPATH/bin; machine settings such as the CA bundles
// and pip's defaults (SSL_CERT_FILE, PIP_CERT, …) stay, as they would for
// any user of the machine.
func freshEnv(t *testing.T, root string) []string {
	t.Helper()
	home := filepath.Join(root, "home")
	for _, d := range []string{home, filepath.Join(root, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	goenv, err := kernelspec.ReadGoEnv()
	if err != nil {
		t.Fatal(err)
	}
	oldGopathBin := ""
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		oldGopathBin = filepath.Join(strings.TrimSpace(string(out)), "bin")
	}
	var path []string
	for _, p := range filepath.SplitList(os.Getenv("PATH")) {
		if p != oldGopathBin && p != testRepo.BinDir() {
			path = append(path, p)
		}
	}
	if !contains(path, filepath.Join(goenv.GOROOT, "bin")) {
		path = append([]string{filepath.Join(goenv.GOROOT, "bin")}, path...)
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "GO"), strings.HasPrefix(k, "JUPYTER"), strings.HasPrefix(k, "NEURONB"),
			strings.HasPrefix(k, "XDG_"), k == "VIRTUAL_ENV", k == "HOME",
			k == "PATH", k == "TMPDIR", k == "CGO_LDFLAGS", k == "OPENBLAS_CORETYPE":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+home, "PATH="+strings.Join(path, string(os.PathListSeparator)),
		"GOPATH="+filepath.Join(root, "gopath"), "GOCACHE="+filepath.Join(root, "gocache"),
		"JUPYTER_DATA_DIR="+filepath.Join(root, "jupyter"), "TMPDIR="+filepath.Join(root, "tmp"))
}

// cleanClone copies the files a clean clone of the working tree holds (what
// git tracks, with its uncommitted changes, and new files git does not
// ignore; no bin/, .venv or other ignored output) into dir.
func cleanClone(t *testing.T, dir string) {
	t.Helper()
	for _, rel := range cloneFiles(t) {
		src := filepath.Join(testRepo.Root, rel)
		st, err := os.Lstat(src)
		if err != nil {
			continue // deleted in the working tree
		}
		dst := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if st.Mode()&os.ModeSymlink != 0 {
			target, err := os.Readlink(src)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, dst); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := copyFile(src, dst, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}

// cloneFiles lists, relative to the repository, the files a clean clone
// holds: git's tracked and new, not ignored files; outside a git checkout
// (an unpacked archive), every file but what install.sh and the tests
// write (bin/, .venv/, .artifacts/).
func cloneFiles(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("git", "-C", testRepo.Root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err == nil {
		return strings.Split(strings.TrimRight(string(out), "\x00"), "\x00")
	}
	var files []string
	err = filepath.WalkDir(testRepo.Root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(testRepo.Root, p)
		if d.IsDir() {
			switch rel {
			case ".git", "bin", ".venv", ".artifacts":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".test") {
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func copyFile(src, dst string, perm os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// requirementsNotebook writes a notebook, new to the install, whose cells
// check that the network is off and then import every package a notebook
// may import (every notebook package of the module and packages of every
// direct requirement) and use a few of them.
func requirementsNotebook(t *testing.T, clone kernelspec.Repo, blas, path string) {
	t.Helper()
	pkgs, err := clone.NotebookPackages()
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := clone.RequirementImports(blas)
	if err != nil {
		t.Fatal(err)
	}
	var imports strings.Builder
	imports.WriteString("import (\n")
	used := map[string]bool{"gonum.org/v1/gonum/mat": true, "gonum.org/v1/plot": true, "gonum.org/v1/plot/plotter": true,
		"gonum.org/v1/plot/vg": true, "github.com/go-echarts/go-echarts/v2/charts": true, "github.com/go-echarts/go-echarts/v2/opts": true,
		kernelspec.ModulePath + "/neuro/linalg": true}
	for p := range used {
		fmt.Fprintf(&imports, "\t%q\n", p)
	}
	for _, p := range append(pkgs, reqs...) {
		if !used[p] {
			fmt.Fprintf(&imports, "\t_ %q\n", p)
		}
	}
	imports.WriteString(")\n")
	cells := []string{
		`%%
conn, err := net.DialTimeout("tcp", "proxy.golang.org:443", 3*time.Second)
if err == nil {
	conn.Close()
	panic("the network is reachable: this test is not offline")
}
fmt.Println("network unreachable:", err != nil)`,
		imports.String() + `
%%
a := mat.NewDense(2, 2, []float64{2, 1, 1, 3})
p := plot.New()
line, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: mat.Det(a)}})
if err != nil {
	panic(err)
}
p.Add(line)
w, err := p.WriterTo(3*vg.Inch, 2*vg.Inch, "png")
if err != nil {
	panic(err)
}
var buf bytes.Buffer
if _, err := w.WriteTo(&buf); err != nil {
	panic(err)
}
bar := charts.NewBar()
bar.AddSeries("s", []opts.BarData{{Value: 1}})
fmt.Printf("det %.3f png %v echarts %v blas %s\n", mat.Det(a), buf.Len() > 1000, len(bar.RenderSnippet().Option) > 0, linalg.BLAS())`,
	}
	writeNotebookAt(t, path, cells...)
}

// TestFreshInstallRunsNotebooksOffline is what a new user meets: from a
// clean clone of the working tree, with nothing in their caches, ./install.sh
// (network on), then with the network off (unshare -n) kernel doctor, the
// first tutorial and a notebook the install never saw that imports every
// package go.mod lets a notebook import.
func TestFreshInstallRunsNotebooksOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("installs from scratch (minutes)")
	}
	if !kernelspec.CanUnshareNetwork() {
		msg := "cannot create a network namespace (unshare -n; needs root or user namespaces, and iproute2)"
		if inCI() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	root := t.TempDir()
	cloneDir := filepath.Join(root, "neuronb")
	cleanClone(t, cloneDir)
	env := freshEnv(t, root)

	run := func(name string, wrap []string, argv ...string) string {
		t.Helper()
		start := time.Now()
		full := append(append([]string{}, wrap...), argv...)
		cmd := exec.Command(full[0], full[1:]...)
		cmd.Dir, cmd.Env = cloneDir, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		t.Logf("%s: %.0fs", name, time.Since(start).Seconds())
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, tailString(out.String(), 6000))
		}
		return out.String()
	}
	install := run("./install.sh (fresh HOME, GOPATH, GOCACHE, JUPYTER_DATA_DIR; network on)", nil, "./install.sh")
	t.Logf("install.sh said:\n%s", tailString(install, 1500))
	if !strings.Contains(install, "(JupyterLab)") {
		t.Errorf("the fresh install did not give JupyterLab (install.sh's \"Jupyter:\" line is missing or names another front end)")
	}

	clone := kernelspec.Repo{Root: cloneDir}
	blas := "gonum"
	if strings.Contains(install, "BLAS: OpenBLAS") {
		blas = "openblas"
	}
	nb := filepath.Join(root, "every_requirement.ipynb")
	requirementsNotebook(t, clone, blas, nb)

	doctor := run("kernel doctor (network off)", kernelspec.OfflineWrap, clone.KernelCommand(), "doctor")
	t.Logf("doctor:\n%s", doctor)
	executed := filepath.Join(root, "executed")
	out := run("tutorial 00 and the requirements notebook (network off)", kernelspec.OfflineWrap,
		clone.KernelCommand(), "run", "--executed", executed, filepath.Join(cloneDir, "tutorials", "00_getting_started.ipynb"), nb)
	t.Log(out)
	got, err := os.ReadFile(filepath.Join(executed, "every_requirement.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"network unreachable: true", "det 5.000 png true echarts true blas " + blas} {
		if !bytes.Contains(got, []byte(want)) {
			t.Errorf("the requirements notebook's output lacks %q", want)
		}
	}
}

// writeNotebookAt writes an nbformat 4.5 notebook on the neuronb kernel.
func writeNotebookAt(t *testing.T, path string, sources ...string) {
	t.Helper()
	written := writeNotebook(t, filepath.Dir(path), filepath.Base(path), sources...)
	if written != path {
		t.Fatalf("wrote %s, want %s", written, path)
	}
}
