package kernelspec

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Name is the kernelspec name notebooks refer to in their metadata.
const Name = "neuronb"

// DisplayName is what Jupyter shows in its kernel menu and launcher.
const DisplayName = "Go (neuronb)"

// Scope says where a kernelspec is installed.
type Scope int

const (
	// User installs into the user's Jupyter data directory
	// (~/.local/share/jupyter, or $JUPYTER_DATA_DIR).
	User Scope = iota
	// SysPrefix installs into the Jupyter Python's sys.prefix/share/jupyter,
	// visible to every user of that Jupyter (a JupyterHub workshop).
	SysPrefix
	// Prefix installs into Options.Prefix/share/jupyter.
	Prefix
)

// Options configures a kernelspec.
type Options struct {
	Scope Scope
	// Prefix is the installation prefix for Scope == Prefix.
	Prefix string
	// BLAS selects gonum's BLAS for notebooks: "gonum" (pure Go) or
	// "openblas" (cgo, needs libopenblas; sets the openblas build tag and
	// CGO_LDFLAGS). Empty means "gonum" here; installers resolve "auto"
	// first with Repo.ResolveBLAS, which picks OpenBLAS where it is
	// installed and computes correctly.
	BLAS string
	// CoreType is the OPENBLAS_CORETYPE the kernel sets for OpenBLAS, chosen
	// by ResolveBLAS's probe; empty leaves OpenBLAS's own CPU detection.
	CoreType string
	// ExternalLink makes cells that link OpenBLAS use the system linker.
	// By default they link with Go's internal linker, which handles
	// OpenBLAS's cgo bindings and takes about half as long.
	ExternalLink bool
	// DWARF keeps debugging information in cell binaries. By default cells
	// link with -ldflags=-w, which makes linking, a large share of a cell's
	// latency, noticeably faster.
	DWARF bool
	// Debug lets GoNB log to the Jupyter server's terminal.
	Debug bool
	// ModuleProxy is the module download cache the kernel resolves modules
	// from (a GOPROXY file:// directory). Empty means this user's
	// $GOMODCACHE/cache/download. System installs point it at a shared,
	// world-readable cache so each user's cells fill that user's own caches.
	ModuleProxy string
	// PinnedProxy is a GOPROXY directory listing exactly go.sum's versions
	// (Repo.PinnedProxy), put before ModuleProxy; ResolveOptions sets it.
	PinnedProxy string
}

// ResolveOptions settles what a kernelspec's options leave to this machine
// before Build: the BLAS (ResolveBLAS; fresh measures OpenBLAS again rather
// than reuse this machine's probe) and the pinned module proxy
// (PinnedProxy). It returns what it decided, for the installer to print.
func (r Repo) ResolveOptions(opt *Options, goenv GoEnv, fresh bool) (string, error) {
	note, err := r.ResolveBLAS(opt, fresh)
	if err != nil {
		return "", err
	}
	if opt.PinnedProxy == "" {
		cache := opt.ModuleProxy
		if cache == "" {
			cache = filepath.Join(goenv.GOMODCACHE, "cache", "download")
		}
		if opt.PinnedProxy, err = r.PinnedProxy(cache); err != nil {
			return "", fmt.Errorf("writing the pinned module proxy: %w", err)
		}
	}
	return note, nil
}

// Spec is the content of a kernel.json.
type Spec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env"`
	Metadata      map[string]any    `json:"metadata,omitempty"`
}

// Build computes the kernelspec for this repository.
func Build(r Repo, goenv GoEnv, opt Options) (Spec, error) {
	switch opt.BLAS {
	case "", "gonum", "openblas":
	default:
		return Spec{}, fmt.Errorf("unknown BLAS %q: use gonum or openblas (or auto when installing)", opt.BLAS)
	}
	if opt.BLAS == "" {
		opt.BLAS = "gonum"
	}
	if opt.CoreType != "" && opt.BLAS != "openblas" {
		return Spec{}, fmt.Errorf("an OpenBLAS core type (%s) needs BLAS openblas, not %s", opt.CoreType, opt.BLAS)
	}
	// GoNB runs under the kernel command's supervisor, so that nothing it
	// starts outlives it (package supervisor).
	argv := []string{r.KernelCommand(), "supervise", "--", r.Tool("gonb"), "--kernel", "{connection_file}", "-go_work=" + r.Root}
	if !opt.Debug {
		// GoNB logs through klog to stderr, which lands in the Jupyter
		// server's terminal; keep that quiet unless asked.
		argv = append(argv, "-logtostderr=false", "-stderrthreshold=FATAL", "-log_file="+os.DevNull)
	}

	proxyDir := opt.ModuleProxy
	if proxyDir == "" {
		proxyDir = filepath.Join(goenv.GOMODCACHE, "cache", "download")
	}
	goproxy := "file://" + filepath.ToSlash(proxyDir)
	if opt.PinnedProxy != "" {
		goproxy = "file://" + filepath.ToSlash(opt.PinnedProxy) + "," + goproxy
	}
	if goenv.GOPROXY != "" && goenv.GOPROXY != "off" {
		goproxy += "," + goenv.GOPROXY
	}

	goflags := splitFlags(goenv.GOFLAGS)
	var ldflags []string
	if !opt.DWARF {
		ldflags = append(ldflags, "-w")
	}
	if opt.BLAS == "openblas" && !opt.ExternalLink {
		// Without it a cell linking cgo code other than the standard
		// library's runs gcc to link: 0.5 s instead of 0.28 s measured for
		// a cell using neuro/similarity (kernel/latency_bench_test.go).
		ldflags = append(ldflags, "-linkmode=internal")
	}
	if len(ldflags) > 0 {
		goflags = appendFlag(goflags, "-ldflags="+strings.Join(ldflags, " "))
	}
	// A user's kernelspec keeps the installing shell's PATH; a shared one
	// must not carry the administrator's personal directories.
	basePath := os.Getenv("PATH")
	if opt.Scope != User {
		basePath = systemPath
	}
	env := map[string]string{
		"PATH":         strings.Join(uniquePaths(r.CellPathDir(), r.BinDir(), filepath.Join(goenv.GOROOT, "bin"), basePath), string(os.PathListSeparator)),
		"GOPROXY":      goproxy,
		"NEURONB_ROOT": r.Root,
	}
	if opt.BLAS == "openblas" {
		goflags = appendFlag(goflags, "-tags=openblas")
		env["CGO_ENABLED"] = "1"
		env["CGO_LDFLAGS"] = strings.TrimSpace(os.Getenv("CGO_LDFLAGS") + " -lopenblas")
		if opt.CoreType != "" {
			env["OPENBLAS_CORETYPE"] = opt.CoreType
		}
	}
	if len(goflags) > 0 {
		env["GOFLAGS"] = joinFlags(goflags)
	}
	return Spec{
		Argv:          argv,
		DisplayName:   DisplayName,
		Language:      "go",
		InterruptMode: "message",
		Env:           env,
		Metadata: map[string]any{
			"neuronb": map[string]any{"repo": r.Root, "blas": opt.BLAS, "openblas_coretype": opt.CoreType, "dwarf": opt.DWARF},
		},
	}, nil
}

// systemPath is the PATH of kernelspecs shared by several users.
const systemPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

func appendFlag(flags []string, f string) []string {
	key, _, _ := strings.Cut(f, "=")
	flags = slices.DeleteFunc(flags, func(g string) bool {
		k, _, _ := strings.Cut(g, "=")
		return k == key
	})
	return append(flags, f)
}

// splitFlags splits a GOFLAGS value the way the go command does: on
// spaces, except inside single or double quotes, which are removed.
func splitFlags(s string) []string {
	var out []string
	var cur strings.Builder
	var quote rune
	in := false
	for _, c := range s {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteRune(c)
			}
		case c == '"' || c == '\'':
			quote, in = c, true
		case c == ' ' || c == '\t' || c == '\n':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

// joinFlags is the inverse of splitFlags: flags holding a space are quoted.
func joinFlags(flags []string) string {
	q := make([]string, len(flags))
	for i, f := range flags {
		if strings.ContainsAny(f, " \t") {
			f = `"` + f + `"`
		}
		q[i] = f
	}
	return strings.Join(q, " ")
}

// uniquePaths joins PATH-like lists, dropping empty and repeated entries.
func uniquePaths(lists ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lists {
		for _, p := range filepath.SplitList(l) {
			if p == "" || seen[p] {
				continue
			}
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// KernelsDir returns the directory holding kernelspecs for the scope.
func KernelsDir(j Jupyter, opt Options) (string, error) {
	switch opt.Scope {
	case User:
		if j.DataDir == "" {
			return "", fmt.Errorf("Jupyter at %s reported no data directory", j.Python)
		}
		return filepath.Join(j.DataDir, "kernels"), nil
	case SysPrefix:
		return filepath.Join(j.Prefix, "share", "jupyter", "kernels"), nil
	case Prefix:
		if opt.Prefix == "" {
			return "", fmt.Errorf("--prefix needs a directory")
		}
		p, err := filepath.Abs(opt.Prefix)
		if err != nil {
			return "", err
		}
		return filepath.Join(p, "share", "jupyter", "kernels"), nil
	}
	return "", fmt.Errorf("unknown scope %d", opt.Scope)
}

// Write writes the kernelspec and its logos into kernelsDir/neuronb,
// replacing any previous one, and returns that directory.
func Write(kernelsDir string, s Spec) (string, error) {
	dir := filepath.Join(kernelsDir, Name)
	if err := os.MkdirAll(kernelsDir, 0o755); err != nil {
		return "", fmt.Errorf("creating %s: %w", kernelsDir, err)
	}
	tmp, err := os.MkdirTemp(kernelsDir, ".neuronb-")
	if err != nil {
		return "", fmt.Errorf("writing into %s: %w", kernelsDir, err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	js, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		return "", err
	}
	files := map[string][]byte{"kernel.json": append(js, '\n'), "logo-svg.svg": LogoSVG()}
	for _, size := range []int{32, 64} {
		png, err := LogoPNG(size)
		if err != nil {
			return "", err
		}
		files[fmt.Sprintf("logo-%dx%d.png", size, size)] = png
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			return "", err
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("replacing %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	return dir, nil
}

// Installed is a kernelspec found on Jupyter's search path.
type Installed struct {
	Dir  string
	Spec Spec
}

// FindInstalled returns every `neuronb` kernelspec on Jupyter's kernel
// search path, in the order Jupyter searches them (the first one wins).
func FindInstalled(j Jupyter) []Installed {
	var found []Installed
	for _, d := range j.KernelPath {
		dir := filepath.Join(d, Name)
		data, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
		if err != nil {
			continue
		}
		var s Spec
		if json.Unmarshal(data, &s) != nil {
			continue
		}
		found = append(found, Installed{Dir: dir, Spec: s})
	}
	return found
}

// InstallTemp writes a default neuronb kernelspec for this checkout (BLAS
// "auto", as install chooses it, from this machine's cached probe) into a
// new temporary Jupyter data directory and returns that directory; set
// JUPYTER_DATA_DIR to it so that Jupyter, and every kernel and runner
// started from this process, find it first. Tests use it to run against
// the working tree whatever the user has installed.
func InstallTemp(r Repo) (dataDir string, err error) {
	if _, err := r.EnsureTools(); err != nil {
		return "", err
	}
	goenv, err := ReadGoEnv()
	if err != nil {
		return "", err
	}
	opt := Options{BLAS: "auto"}
	if _, err := r.ResolveOptions(&opt, goenv, false); err != nil {
		return "", err
	}
	spec, err := Build(r, goenv, opt)
	if err != nil {
		return "", err
	}
	dataDir, err = os.MkdirTemp("", "neuronb-jupyter-")
	if err != nil {
		return "", err
	}
	if _, err := Write(filepath.Join(dataDir, "kernels"), spec); err != nil {
		os.RemoveAll(dataDir)
		return "", err
	}
	return dataDir, nil
}

// UseTemp installs a temporary kernelspec for the checkout around dir (see
// InstallTemp) and points JUPYTER_DATA_DIR at it for this process and the
// kernels it starts. The returned function removes it. Test packages that
// execute notebooks call it from TestMain.
func UseTemp(dir string) (cleanup func(), err error) {
	r, err := FindRepo(dir)
	if err != nil {
		return nil, err
	}
	dataDir, err := InstallTemp(r)
	if err != nil {
		return nil, err
	}
	old, had := os.LookupEnv("JUPYTER_DATA_DIR")
	os.Setenv("JUPYTER_DATA_DIR", dataDir)
	return func() {
		if had {
			os.Setenv("JUPYTER_DATA_DIR", old)
		} else {
			os.Unsetenv("JUPYTER_DATA_DIR")
		}
		os.RemoveAll(dataDir)
	}, nil
}
