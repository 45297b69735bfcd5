package kernelspec

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ModulePath is the import path of the neuronb module.
const ModulePath = "github.com/neuronb/neuronb"

// Repo is a checkout of the neuronb repository on disk.
type Repo struct {
	// Root is the absolute path of the directory holding go.mod.
	Root string
}

// FindRepo walks up from dir to the directory whose go.mod declares the
// neuronb module. An empty dir means the working directory.
func FindRepo(dir string) (Repo, error) {
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return Repo{}, err
		}
		dir = wd
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Repo{}, err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if mod, err := modulePathOf(filepath.Join(d, "go.mod")); err == nil && mod == ModulePath {
			return Repo{Root: d}, nil
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return Repo{}, fmt.Errorf("no neuronb checkout at or above %s (looked for a go.mod declaring %s); run this from the repository", abs, ModulePath)
}

func modulePathOf(gomod string) (string, error) {
	f, err := os.Open(gomod)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", errors.New("no module line")
}

// BinDir is where install.sh (and Tools.Build) put the pinned kernel tools.
func (r Repo) BinDir() string { return filepath.Join(r.Root, "bin") }

// Tool returns the path of a pinned tool binary: "gonb", "goimports" or "gopls".
func (r Repo) Tool(name string) string { return filepath.Join(r.BinDir(), name) }

// ToolNames lists the tools GoNB needs, in the order they are checked.
var ToolNames = []string{"gonb", "goimports", "gopls"}

// KernelCommand is the path of neuronb's own command (go run ./kernel, built
// into bin/ by install.sh), which the kernelspec runs GoNB under.
func (r Repo) KernelCommand() string { return filepath.Join(r.BinDir(), KernelCommandName) }

// KernelCommandName is the file name of the built kernel command.
const KernelCommandName = "neuronb-kernel"

// CellPathDir is the directory the kernelspec puts first on PATH: it holds
// the goimports GoNB runs for every cell, a link to the kernel command that
// prepares the cell's module (PrepareCellModule) and then runs the pinned
// goimports in bin/.
func (r Repo) CellPathDir() string { return filepath.Join(r.BinDir(), "cell") }
