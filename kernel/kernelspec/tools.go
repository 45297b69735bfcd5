package kernelspec

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// toolModules maps each tool binary to the module whose version go.mod pins.
var toolModules = map[string]string{
	"gonb":      "github.com/janpfeifer/gonb",
	"goimports": "golang.org/x/tools",
	"gopls":     "golang.org/x/tools/gopls",
}

// BuildTools builds the pinned gonb, goimports and gopls (go.mod's tool
// lines) into the repository's bin directory. `go install pkg@version`
// cannot be used: the module proxy refuses GoNB's version list, which that
// form consults; building the tool lines of go.mod needs only the exact
// versions already recorded there.
func (r Repo) BuildTools() error {
	if err := os.MkdirAll(r.BinDir(), 0o755); err != nil {
		return err
	}
	_, err := runIn(r.Root, 20*time.Minute, nil, "go", "build", "-o", r.BinDir()+string(os.PathSeparator), "tool")
	return err
}

// PinnedVersions returns the versions go.mod pins for the tools' modules.
func (r Repo) PinnedVersions() (map[string]string, error) {
	mods := make([]string, 0, len(toolModules))
	for _, name := range ToolNames {
		mods = append(mods, toolModules[name])
	}
	out, err := runIn(r.Root, time.Minute, nil, "go", append([]string{"list", "-m", "-f", "{{.Path}} {{.Version}}"}, mods...)...)
	if err != nil {
		return nil, err
	}
	byModule := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if f := strings.Fields(line); len(f) == 2 {
			byModule[f[0]] = f[1]
		}
	}
	pins := map[string]string{}
	for tool, mod := range toolModules {
		pins[tool] = byModule[mod]
	}
	return pins, nil
}

// BuiltVersion returns the version of the module a tool binary was built
// from, read from its embedded build information.
func (r Repo) BuiltVersion(tool string) (string, error) {
	path := r.Tool(tool)
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("%s is missing: run ./install.sh (or go run ./kernel install, which builds it)", path)
	}
	out, err := runIn(r.Root, time.Minute, nil, "go", "version", "-m", path)
	if err != nil {
		return "", err
	}
	mod := toolModules[tool]
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		// "path" names the main package, "mod" its module, "dep" the others.
		if len(f) >= 3 && (f[0] == "mod" || f[0] == "dep") && f[1] == mod {
			return f[2], nil
		}
	}
	return "", fmt.Errorf("%s carries no build information for %s", path, mod)
}

// CheckTools reports, for each tool, nil when its binary exists and was built
// from the version go.mod pins.
func (r Repo) CheckTools() (map[string]error, error) {
	pins, err := r.PinnedVersions()
	if err != nil {
		return nil, err
	}
	res := map[string]error{}
	for _, tool := range ToolNames {
		got, err := r.BuiltVersion(tool)
		switch {
		case err != nil:
			res[tool] = err
		case got != pins[tool]:
			res[tool] = fmt.Errorf("%s was built from %s %s but go.mod pins %s: rebuild with ./install.sh", r.Tool(tool), toolModules[tool], got, pins[tool])
		default:
			res[tool] = nil
		}
	}
	return res, nil
}

// EnsureTools builds the tools when any is missing or was built from
// another version than go.mod pins, and (re)builds the kernel command from
// this checkout. It reports whether it built the tools.
func (r Repo) EnsureTools() (built bool, err error) {
	tools, err := r.CheckTools()
	ready := err == nil
	for _, e := range tools {
		ready = ready && e == nil
	}
	if !ready {
		if err := r.BuildTools(); err != nil {
			return true, err
		}
	}
	return !ready, r.BuildKernelCommand()
}

// BuildKernelCommand builds this checkout's kernel command into
// bin/neuronb-kernel (replacing it atomically, and only when it changed, so
// running kernels and concurrent builds never see a partial file) and links
// bin/cell/goimports to it.
func (r Repo) BuildKernelCommand() error {
	if err := os.MkdirAll(r.CellPathDir(), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(r.BinDir(), "."+KernelCommandName+"-")
	if err != nil {
		return err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	if _, err := runIn(r.Root, 10*time.Minute, nil, "go", "build", "-o", tmp.Name(), "./kernel"); err != nil {
		return err
	}
	built, err := os.ReadFile(tmp.Name())
	if err != nil {
		return err
	}
	if old, err := os.ReadFile(r.KernelCommand()); err != nil || !bytes.Equal(old, built) {
		if err := os.Chmod(tmp.Name(), 0o755); err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), r.KernelCommand()); err != nil {
			return err
		}
	}
	link := filepath.Join(r.CellPathDir(), "goimports")
	target := filepath.Join("..", KernelCommandName)
	if cur, err := os.Readlink(link); err == nil && cur == target {
		return nil
	}
	tmpLink := link + ".new"
	os.Remove(tmpLink)
	if err := os.Symlink(target, tmpLink); err != nil {
		return err
	}
	return os.Rename(tmpLink, link)
}
