package kernelspec

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/modfile"
)

func testRepo(t *testing.T) Repo {
	t.Helper()
	r, err := FindRepo("")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// defaultSpec returns the repository and its pure-Go kernelspec.
func defaultSpec(t *testing.T) (Repo, Spec) {
	t.Helper()
	r := testRepo(t)
	goenv, err := ReadGoEnv()
	if err != nil {
		t.Fatal(err)
	}
	spec, err := Build(r, goenv, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r, spec
}

func parseMod(t *testing.T, path string) *modfile.File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse(path, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestPrepareCellModuleCopiesRequirementsAndChecksums: after preparation a
// cell module requires every module of the repository's go.mod at its
// version, keeps its own higher versions and replace rule, holds every line
// of the repository's go.sum, and is left alone the second time.
func TestPrepareCellModuleCopiesRequirementsAndChecksums(t *testing.T) {
	r := testRepo(t)
	dir := t.TempDir()
	cellMod := "module gonb_test\n\ngo 1.26\n\nreplace " + ModulePath + " => " + r.Root + "\n\nrequire gonum.org/v1/gonum v1.99.0\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(cellMod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), []byte("example.com/own v1.0.0 h1:abc=\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	changed, err := PrepareCellModule(dir, r.Root)
	if err != nil || !changed {
		t.Fatalf("PrepareCellModule = %v, %v", changed, err)
	}
	cell, repo := parseMod(t, filepath.Join(dir, "go.mod")), parseMod(t, filepath.Join(r.Root, "go.mod"))
	got := map[string]string{}
	for _, req := range cell.Require {
		got[req.Mod.Path] = req.Mod.Version
	}
	for _, req := range repo.Require {
		want := req.Mod.Version
		if req.Mod.Path == "gonum.org/v1/gonum" {
			want = "v1.99.0"
		}
		if got[req.Mod.Path] != want {
			t.Errorf("cell module requires %s at %q, want %q", req.Mod.Path, got[req.Mod.Path], want)
		}
	}
	if len(cell.Replace) != 1 || cell.Replace[0].New.Path != r.Root {
		t.Errorf("replace rules %v: GoNB's rule for the repository is lost", cell.Replace)
	}
	sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	repoSum, err := os.ReadFile(filepath.Join(r.Root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range append(strings.Split(strings.TrimSpace(string(repoSum)), "\n"), "example.com/own v1.0.0 h1:abc=") {
		if !strings.Contains(string(sum), line+"\n") {
			t.Errorf("cell go.sum lacks %q", line)
		}
	}
	before, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	if changed, err := PrepareCellModule(dir, r.Root); err != nil || changed {
		t.Errorf("second PrepareCellModule = %v, %v: want it to leave a prepared module alone", changed, err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	if string(before) != string(after) {
		t.Error("the second call rewrote go.mod")
	}
}

func TestPrepareCellModuleRejectsBadGoSum(t *testing.T) {
	r := testRepo(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module gonb_x\n\ngo 1.26\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "go.sum"), []byte("not a checksum line\n"), 0o644)
	if _, err := PrepareCellModule(dir, r.Root); err == nil || !strings.Contains(err.Error(), "go.sum") {
		t.Errorf("malformed go.sum accepted or not named: %v", err)
	}
	if _, err := PrepareCellModule(t.TempDir(), r.Root); err == nil {
		t.Error("a folder without go.mod was accepted")
	}
}

// TestCellModuleResolvesEveryImportOffline lays out a cell module as GoNB
// does, imports every notebook package and a package of every direct
// requirement, and runs the `go get` GoNB runs before each build, then
// `go list -deps`, with the network off. The oracle is the go command.
func TestCellModuleResolvesEveryImportOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	r, spec := defaultSpec(t)
	c := checkOffline(r, spec)
	if !c.OK {
		t.Fatalf("%s: %s", c.Name, c.Detail)
	}
	t.Log(c.Detail)
}

// TestEveryDirectRequirementHasImports keeps ModuleImports complete: a
// module added to go.mod must name a package the offline checks import.
func TestEveryDirectRequirementHasImports(t *testing.T) {
	r := testRepo(t)
	mods, err := r.DirectRequirements()
	if err != nil {
		t.Fatal(err)
	}
	if len(mods) < 5 {
		t.Fatalf("only %d direct requirements found: %v", len(mods), mods)
	}
	if _, err := r.RequirementImports("openblas"); err != nil {
		t.Error(err)
	}
	for m := range ModuleImports {
		if !contains(mods, m) {
			t.Errorf("ModuleImports names %s, which go.mod does not require directly", m)
		}
	}
}

// TestPreparedCellGoGetSendsNoRequests: with the network on and the
// kernelspec's GOPROXY, the `go get` GoNB runs before each build sends
// nothing to any proxy or checksum database for a cell importing every
// package a notebook may import, even on a machine whose module cache holds
// newer versions than go.mod pins (any machine that ever ran `go get -u`).
// The oracle is the go command's own trace (-x prints "# get URL" for every
// request). The module cache is a fresh one, filled from this machine's
// cache, plus the newest golang.org/x/text from the network without the
// checksum database's cached answers; the same cell without the pinned
// proxy is the control that shows the test can fail.
func TestPreparedCellGoGetSendsNoRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	r, _ := defaultSpec(t)
	goenv, err := ReadGoEnv()
	if err != nil {
		t.Fatal(err)
	}
	gopath := t.TempDir()
	cache := filepath.Join(gopath, "pkg", "mod")
	base := mergeEnv(os.Environ(), map[string]string{"GOPATH": gopath, "GOMODCACHE": cache, "GOFLAGS": "-modcacherw"})
	seed := mergeEnv(base, map[string]string{"GOPROXY": "file://" + filepath.Join(goenv.GOMODCACHE, "cache", "download")})
	if out, err := runIn(r.Root, 5*time.Minute, seed, "go", "mod", "download"); err != nil {
		t.Fatalf("seeding a module cache: %v\n%s", err, out)
	}
	if out, err := runIn(r.Root, 2*time.Minute, base, "go", "mod", "download", "golang.org/x/text@latest"); err != nil {
		msg := fmt.Sprintf("no network to fetch a newer module version (%v): cannot observe requests\n%s", err, out)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	// The checksum database's answers for that version are cached beside it;
	// a cache that holds a version without them (cleaned, copied, filled with
	// GONOSUMDB or through a shared cache) is what sends the go command to
	// the network.
	for _, d := range []string{filepath.Join(cache, "cache", "download", "sumdb"), filepath.Join(gopath, "pkg", "sumdb")} {
		if err := os.RemoveAll(d); err != nil {
			t.Fatal(err)
		}
	}
	goenv.GOMODCACHE = cache
	opt := Options{BLAS: "gonum"}
	if _, err := r.ResolveOptions(&opt, goenv, false); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(opt.PinnedProxy) })
	requests := func(opt Options) (int, string) {
		t.Helper()
		spec, err := Build(r, goenv, opt)
		if err != nil {
			t.Fatal(err)
		}
		pkgs, err := r.notebookImports(spec)
		if err != nil {
			t.Fatal(err)
		}
		env := mergeEnv(base, spec.Env)
		dir := t.TempDir()
		if err := r.NewCellModule(dir, "gonb_requests", env); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(importAllProgram(pkgs)), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := runIn(dir, 5*time.Minute, env, "go", "get", "-x")
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(out, "# get "), out
	}
	if n, out := requests(opt); n > 0 {
		t.Errorf("go get sent %d requests:\n%s", n, out)
	}
	unpinned := opt
	unpinned.PinnedProxy = ""
	if n, _ := requests(unpinned); n == 0 {
		t.Error("control: without the pinned proxy go get sent no request either, so this test could not fail")
	} else {
		t.Logf("control: without the pinned proxy, go get sent %d requests", n)
	}
}
