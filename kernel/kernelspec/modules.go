package kernelspec

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/modfile"
)

// ModuleImports names, for every module go.mod requires directly, packages
// of it a notebook imports. Tests check that every direct requirement has
// an entry, so a module added to go.mod is also tried offline; doctor and
// the fresh-install test import all of them in a cell.
var ModuleImports = map[string][]string{
	"github.com/dop251/goja":              {"github.com/dop251/goja"},
	"github.com/go-echarts/go-echarts/v2": {"github.com/go-echarts/go-echarts/v2/charts", "github.com/go-echarts/go-echarts/v2/opts"},
	"github.com/go-zeromq/zmq4":           {"github.com/go-zeromq/zmq4"},
	"github.com/gomlx/gomlx":              {"github.com/gomlx/gomlx/pkg/core/graph", "github.com/gomlx/gomlx/backends/simplego"},
	"github.com/janpfeifer/gonb":          {"github.com/janpfeifer/gonb/gonbui"},
	"golang.org/x/image":                  {"golang.org/x/image/font"},
	"golang.org/x/mod":                    {"golang.org/x/mod/semver"},
	"golang.org/x/sys":                    {"golang.org/x/sys/unix"},
	"golang.org/x/tools":                  {"golang.org/x/tools/go/packages"},
	"gonum.org/v1/gonum":                  {"gonum.org/v1/gonum/mat", "gonum.org/v1/gonum/stat", "gonum.org/v1/gonum/floats", "gonum.org/v1/gonum/stat/distuv"},
	"gonum.org/v1/netlib":                 {"gonum.org/v1/netlib/blas/netlib"},
	"gonum.org/v1/plot":                   {"gonum.org/v1/plot", "gonum.org/v1/plot/plotter", "gonum.org/v1/plot/vg"},
}

// cgoModules are only importable where cgo and their C library are: the
// OpenBLAS kernelspec.
var cgoModules = map[string]bool{"gonum.org/v1/netlib": true}

// DirectRequirements lists the modules go.mod requires directly (no
// "// indirect"), sorted.
func (r Repo) DirectRequirements() ([]string, error) {
	path := filepath.Join(r.Root, "go.mod")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := modfile.Parse(path, data, nil)
	if err != nil {
		return nil, err
	}
	var mods []string
	for _, req := range f.Require {
		if !req.Indirect {
			mods = append(mods, req.Mod.Path)
		}
	}
	sort.Strings(mods)
	return mods, nil
}

// RequirementImports returns packages of every direct requirement that a
// notebook on a kernelspec with the given BLAS can import ("openblas"
// includes the cgo modules). It fails naming a direct requirement that
// ModuleImports lacks.
func (r Repo) RequirementImports(blas string) ([]string, error) {
	mods, err := r.DirectRequirements()
	if err != nil {
		return nil, err
	}
	var pkgs, missing []string
	for _, m := range mods {
		imp, ok := ModuleImports[m]
		if !ok {
			missing = append(missing, m)
			continue
		}
		if cgoModules[m] && blas != "openblas" {
			continue
		}
		pkgs = append(pkgs, imp...)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("go.mod requires %s directly but kernelspec.ModuleImports names no package of it: add one", strings.Join(missing, ", "))
	}
	return pkgs, nil
}

var (
	unshareOnce sync.Once
	unshareOK   bool
)

// CanUnshareNetwork reports whether `unshare -n` can run a command in a
// network namespace with only loopback (root, or unprivileged user
// namespaces, and iproute2's ip).
func CanUnshareNetwork() bool {
	unshareOnce.Do(func() {
		unshareOK = exec.Command("unshare", "-n", "sh", "-c", "ip link set lo up").Run() == nil
	})
	return unshareOK
}

// OfflineWrap is the command prefix that runs a command with no network
// but loopback: `unshare -n` with loopback up.
var OfflineWrap = []string{"unshare", "-n", "sh", "-c", `ip link set lo up && exec "$0" "$@"`}

// offlineCommand returns a command run with the network off: inside a
// network namespace where possible, otherwise with every HTTP(S) request
// (module proxy, checksum database, git) sent to a closed local port.
func offlineCommand(dir string, timeout time.Duration, env []string, name string, args ...string) (string, error) {
	if CanUnshareNetwork() {
		return runIn(dir, timeout, env, OfflineWrap[0], append(append(append([]string{}, OfflineWrap[1:]...), name), args...)...)
	}
	dead := "http://127.0.0.1:9"
	env = mergeEnv(env, map[string]string{"HTTPS_PROXY": dead, "HTTP_PROXY": dead, "https_proxy": dead, "http_proxy": dead, "NO_PROXY": "", "no_proxy": ""})
	return runIn(dir, timeout, env, name, args...)
}
