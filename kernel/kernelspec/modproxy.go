package kernelspec

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// PinnedProxy returns a GOPROXY directory (a file:// module proxy) that
// knows exactly the module versions this repository's go.sum records: for
// each module an @v/list naming only those versions, with their .info and
// .mod files copied from the module download cache cacheDir. The kernelspec
// lists it first in GOPROXY, before the download cache itself (which serves
// the .zip files) and the user's proxy.
//
// It exists because `go get` checks every module of the build list for
// retractions, reading the go.mod of the module's latest version. Through
// the download cache as a proxy, "latest" is the newest version this
// machine ever downloaded (a `go get -u` elsewhere, another project), whose
// go.mod go.sum does not record, so the go command asks the checksum
// database over the network before every cell (and silently skips the check
// offline). With the pinned list, the latest version is one go.sum records:
// nothing is looked up.
//
// The directory is bin/modproxy/<hash of go.sum and cacheDir>, written once
// (atomically) and then only read, so concurrent kernels and installs can
// share it; ones whose download cache has gone are removed.
func (r Repo) PinnedProxy(cacheDir string) (string, error) {
	sumPath := filepath.Join(r.Root, "go.sum")
	sum, err := os.ReadFile(sumPath)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(append([]byte(cacheDir+"\n"), sum...))
	dir := filepath.Join(r.BinDir(), "modproxy", hex.EncodeToString(h[:])[:16])
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
		return dir, nil
	}
	versions, err := sumVersions(sum)
	if err != nil {
		return "", fmt.Errorf("%s: %w", sumPath, err)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".building-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	for mod, vs := range versions {
		if err := writeModuleVersions(tmp, cacheDir, mod, vs); err != nil {
			return "", err
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), []byte(cacheDir+"\n"), 0o644); err != nil {
		return "", err
	}
	prunePinned(filepath.Dir(dir))
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, ".complete")); serr == nil {
			return dir, nil // another process finished it first
		}
		return "", err
	}
	return dir, nil
}

// prunePinned removes pinned proxies built from a download cache that no
// longer exists (a test's temporary cache, a moved GOMODCACHE).
func prunePinned(parent string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		stamp, err := os.ReadFile(filepath.Join(parent, e.Name(), ".complete"))
		if err != nil {
			continue
		}
		if _, err := os.Stat(strings.TrimSpace(string(stamp))); os.IsNotExist(err) {
			os.RemoveAll(filepath.Join(parent, e.Name()))
		}
	}
}

// sumVersions reads go.sum into module -> versions (of the module or only
// of its go.mod).
func sumVersions(sum []byte) (map[string][]string, error) {
	seen := map[string]map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(string(sum)))
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 {
			return nil, fmt.Errorf("line %d: want module version hash", n)
		}
		v := strings.TrimSuffix(f[1], "/go.mod")
		if !semver.IsValid(v) {
			return nil, fmt.Errorf("line %d: %q is not a version", n, f[1])
		}
		if seen[f[0]] == nil {
			seen[f[0]] = map[string]bool{}
		}
		seen[f[0]][v] = true
	}
	out := map[string][]string{}
	for m, vs := range seen {
		for v := range vs {
			out[m] = append(out[m], v)
		}
		semver.Sort(out[m])
	}
	return out, sc.Err()
}

// writeModuleVersions writes, under root, the .info and .mod files of mod's
// versions vs that the download cache holds, and an @v/list naming them: a
// version whose go.mod this machine does not have is left out, since a
// "latest" version without its go.mod would send the go command to the
// network after all.
func writeModuleVersions(root, cacheDir, mod string, vs []string) error {
	emod, err := module.EscapePath(mod)
	if err != nil {
		return err
	}
	dir := filepath.Join(root, filepath.FromSlash(emod), "@v")
	var listed []string
	for _, v := range vs {
		ev, err := module.EscapeVersion(v)
		if err != nil {
			return err
		}
		src := filepath.Join(cacheDir, filepath.FromSlash(emod), "@v", ev)
		if _, err := os.Stat(src + ".mod"); err != nil {
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := copyFile(src+".mod", filepath.Join(dir, ev+".mod")); err != nil {
			return err
		}
		info, err := os.ReadFile(src + ".info")
		if err != nil {
			info, _ = json.Marshal(map[string]string{"Version": v})
		}
		if err := os.WriteFile(filepath.Join(dir, ev+".info"), info, 0o644); err != nil {
			return err
		}
		listed = append(listed, v)
	}
	if len(listed) == 0 {
		return nil
	}
	sort.Strings(listed)
	return os.WriteFile(filepath.Join(dir, "list"), []byte(strings.Join(listed, "\n")+"\n"), 0o644)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
