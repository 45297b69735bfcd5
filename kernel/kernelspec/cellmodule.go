package kernelspec

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// cellModuleMarker is the comment PrepareCellModule leaves in a cell
// module's go.mod, so it prepares each module once.
const cellModuleMarker = "neuronb: requirements and checksums copied from "

// PrepareCellModule gives the Go module GoNB compiles cells in (a folder
// whose go.mod `go mod init` just wrote, in a workspace that `use`s the
// repository) every requirement of the repository's go.mod at the same
// version, and the repository's go.sum.
//
// Without it, the `go get` GoNB runs before every build finds that the cell
// imports modules its own go.mod lacks, adds them and verifies their
// checksums against the checksum database, over the network: offline the
// cell fails ("verifying module: ... network is unreachable"), online every
// such cell waits for the proxy. With the requirements in place there is
// nothing left to look up, and the checksums are the ones the repository's
// go.sum recorded when `go mod download` fetched the modules, so nothing is
// trusted that was not verified. A module the cell imports that the
// repository does not require is still fetched and verified as usual.
//
// Requirements the cell module already has at a higher version are kept. A
// module that was prepared before (it carries the marker comment) is left
// alone; it reports whether it changed anything.
func PrepareCellModule(cellDir, repoRoot string) (changed bool, err error) {
	modPath := filepath.Join(cellDir, "go.mod")
	data, err := os.ReadFile(modPath)
	if err != nil {
		return false, err
	}
	if bytes.Contains(data, []byte(cellModuleMarker)) {
		return false, nil
	}
	cell, err := modfile.Parse(modPath, data, nil)
	if err != nil {
		return false, err
	}
	repoMod := filepath.Join(repoRoot, "go.mod")
	repoData, err := os.ReadFile(repoMod)
	if err != nil {
		return false, err
	}
	repo, err := modfile.Parse(repoMod, repoData, nil)
	if err != nil {
		return false, err
	}
	have := map[string]string{}
	for _, r := range cell.Require {
		have[r.Mod.Path] = r.Mod.Version
	}
	for _, r := range repo.Require {
		if v, ok := have[r.Mod.Path]; ok && semver.Compare(v, r.Mod.Version) >= 0 {
			continue
		}
		if _, ok := have[r.Mod.Path]; ok {
			if err := cell.AddRequire(r.Mod.Path, r.Mod.Version); err != nil {
				return false, err
			}
			continue
		}
		cell.AddNewRequire(r.Mod.Path, r.Mod.Version, r.Indirect)
	}
	cell.AddComment("// " + cellModuleMarker + repoMod + ", so that cells resolve modules with no network (see kernel/kernelspec).")
	cell.Cleanup()
	out, err := cell.Format()
	if err != nil {
		return false, err
	}
	sum, err := mergeSums(filepath.Join(cellDir, "go.sum"), filepath.Join(repoRoot, "go.sum"))
	if err != nil {
		return false, err
	}
	// go.sum first: a go.mod that names modules whose checksums are missing
	// is the state this function exists to avoid.
	if err := writeFileAtomic(filepath.Join(cellDir, "go.sum"), sum); err != nil {
		return false, err
	}
	if err := writeFileAtomic(modPath, out); err != nil {
		return false, err
	}
	return true, nil
}

// mergeSums returns the lines of both go.sum files, each once, sorted as the
// go command writes them. A missing file counts as empty.
func mergeSums(paths ...string) ([]byte, error) {
	seen := map[string]bool{}
	var lines []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
		for _, l := range strings.Split(string(data), "\n") {
			l = strings.TrimSpace(l)
			if l == "" || seen[l] {
				continue
			}
			if len(strings.Fields(l)) != 3 {
				return nil, fmt.Errorf("%s: malformed line %q", p, l)
			}
			seen[l] = true
			lines = append(lines, l)
		}
	}
	sort.Strings(lines)
	return []byte(strings.Join(lines, "\n") + "\n"), nil
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// NewCellModule lays out, in the empty directory dir, the module GoNB
// builds cells in when started with -go_work=<repository>: `go mod init`,
// a go.work that `use`s the module and the repository, the replace rule
// GoNB's %goworkfix adds, and then PrepareCellModule, as the kernel's
// goimports does before the first cell. env is the kernel's environment.
func (r Repo) NewCellModule(dir, name string, env []string) error {
	steps := [][]string{
		{"go", "mod", "init", name},
		{"go", "work", "init"},
		{"go", "work", "use", r.Root, "."},
		{"go", "mod", "edit", "-replace=" + ModulePath + "=" + r.Root},
	}
	for _, s := range steps {
		if _, err := runIn(dir, time.Minute, env, s[0], s[1:]...); err != nil {
			return err
		}
	}
	_, err := PrepareCellModule(dir, r.Root)
	return err
}
